"""The 2024 decision of seed 000 (STK-2024-291), reproduced end to end."""

from __future__ import annotations

import csv
import io
import re

# Seed 000, "Förslag till beslut", points 2-9 (copied from the paper).
SEED_POINTS = {
    2: "Kommunstyrelsen tilldelar arbetsmarknads- och socialnämnden 9 000 000 kronor årligen 2024 - 2026 för Ung i sommar från kommunstyrelsens anslag till förfogande inom finansiering.",
    3: "Kommunstyrelsen tilldelar kommunstyrelsen 500 000 kronor årligen 2024 - 2026 för Ung i sommar från kommunstyrelsens anslag till förfogande inom finansiering.",
    4: "Kommunstyrelsen överför 4 900 000 kronor årligen 2024 - 2026 från kommunstyrelsens anslag till förfogande inom finansiering till kommunstyrelsen.",
    5: "Kommunstyrelsen beviljar Tillväxt Malmö och Level 4 900 000 kronor årligen i enlighet med ingångna avtal (STK-2023-1150, STK-2023-1149) 2024 - 2026 med finansiering från kommunstyrelsens ram.",
    6: "Kommunstyrelsen tilldelar arbetsmarknads- och socialnämnden 13 056 000 kronor 2024 från kommunstyrelsens anslag till förfogande inom finansiering för Strategiska jobbsatsningar.",
    7: "Kommunstyrelsen tilldelar gymnasie- och vuxenutbildningsnämnden 6 912 000 kronor 2024 från kommunstyrelsens anslag till förfogande inom finansiering för Strategiska jobbsatsningar.",
    8: "Kommunstyrelsen tilldelar funktionsstödsnämnden 4 096 000 kronor 2024 från kommunstyrelsens anslag till förfogande inom finansiering för Strategiska jobbsatsningar.",
    9: "Kommunstyrelsen tilldelar kommunstyrelsen 1 536 000 kronor 2024 från kommunstyrelsens anslag till förfogande inom finansiering för Strategiska jobbsatsningar.",
}

KR = 100  # öre per krona


def plain(text: str) -> str:
    return text.replace("\u00a0", " ")


def test_run_prints_the_2024_allocation(cli):
    result = cli("run")
    assert result.exit_code == 0, result.output
    out = plain(result.stdout)
    rows = {}
    for line in out.splitlines():
        cells = [c.strip() for c in line.strip("|").split("|")]
        if len(cells) == 8 and cells[0] == "2024":
            rows.setdefault(cells[2], []).append(cells[5])
    assert rows == {
        "Arbetsmarknads- och socialnämnden": ["9 000 000", "13 056 000"],
        "Kommunstyrelsen": ["500 000", "4 900 000", "1 536 000"],
        "Gymnasie- och vuxenutbildningsnämnden": ["6 912 000"],
        "Funktionsstödsnämnden": ["4 096 000"],
    }
    assert re.search(r"\| Kommunstyrelsen \|[^\n]*\| 4 900 000 \| Tillväxt Malmö och Level \| 4 900 000 \|", out)
    assert "**40 000 000**" in out
    assert "totalt 40 000 000 kr" in out
    assert "running the bundled example malmo-2024" in result.stderr


def test_fordelning_json_sums_to_the_fund(cli):
    cli.prepare(("run", "--quiet"))
    report = cli.json_report("fordelning")
    assert report["report"] == "fordelning"
    rows_2024 = [r for r in report["rows"] if r["year"] == 2024]
    assert sum(r["amount_ore"] for r in rows_2024) == 4_000_000_000
    assert all(isinstance(r["amount_ore"], int) for r in rows_2024)
    by_recipient = {}
    for r in rows_2024:
        by_recipient.setdefault(r["recipient_id"], []).append(r["amount_ore"])
    assert by_recipient == {
        "ASN": [9_000_000 * KR, 13_056_000 * KR],
        "KS": [500_000 * KR, 4_900_000 * KR, 1_536_000 * KR],
        "GVN": [6_912_000 * KR],
        "FSN": [4_096_000 * KR],
    }
    passed = [r for r in rows_2024 if r["passed_on_to"]]
    assert [(r["passed_on_to"], r["passed_on_ore"]) for r in passed] == [("Tillväxt Malmö och Level", 4_900_000 * KR)]
    assert report["totals"] == [
        {
            "year": 2024,
            "fund": "Strategiska jobbsatsningar",
            "fund_id": "sjs",
            "recipient": "Summa 2024",
            "amount_ore": 4_000_000_000,
            "fund_total_ore": 4_000_000_000,
        }
    ]


def test_beslut_prints_points_2_to_9_of_the_paper(cli):
    cli.prepare(("run", "--quiet"))
    result = cli("report", "beslut")
    assert result.exit_code == 0, result.output
    printed = {}
    for line in plain(result.stdout).splitlines():
        m = re.match(r"^(\d+)\. (.*)$", line)
        if m:
            printed[int(m.group(1))] = m.group(2)
    for number, text in SEED_POINTS.items():
        assert printed[number] == text
    assert sorted(printed) == list(range(1, 13))


def test_beslut_json_carries_amounts_in_ore(cli):
    cli.prepare(("run", "--quiet"))
    rows = cli.json_report("beslut")["rows"]
    money = {r["point"]: r["amount_ore"] for r in rows if r["amount_ore"] is not None}
    assert money == {
        2: 900_000_000,
        3: 50_000_000,
        4: 490_000_000,
        5: 490_000_000,
        6: 1_305_600_000,
        7: 691_200_000,
        8: 409_600_000,
        9: 153_600_000,
    }


def test_csv_has_raw_numbers(cli):
    cli.prepare(("run", "--quiet"))
    result = cli("report", "fordelning", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert sum(int(r["amount_ore"]) for r in rows) == 4_000_000_000
    assert {r["recipient_id"] for r in rows} == {"ASN", "GVN", "FSN", "KS"}
