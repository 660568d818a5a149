"""Issue 13, point 3: ``fordelning`` shows the money ``carry_over`` carried into a year as lines of its own.

The ledger is set up as in tests/test_carry_over.py: the 2024 example (seed 000) with 2025 decided as
2024 was (40 000 000 kr), run for 2024, 2024's utfall imported, then run with a ``carry_over`` entry
for 2025. Worked out by hand:

- ASN's 2024 budget from the fund is 9 000 000 + 13 056 000 = 22 056 000 kr. It books 21 000 000 kr,
  so ``to = ["ASN"]`` carries 1 056 000 kr: "Summa 2025" stays 40 000 000 (the fund's total), and
  "Summa med överföringar 2025" is 40 000 000 + 1 056 000 = 41 056 000. ASN alone: its 2025 rows
  9 000 000 + 13 056 000 = 22 056 000, with what it carried 23 112 000.
- ``max_share = "4 %"`` for every recipient carries 4 % of each one's 2024 budget (nobody else books
  anything, so the cap binds for all): ASN 882 240, GVN 276 480, FSN 163 840, KS 81 440 (of 2 036 000:
  6 936 000 less the 4 900 000 it passes on), Tillväxt Malmö och Level 196 000 (of 4 900 000); in all
  1 600 000 (4 % of the 40 000 000 handed out), so 41 600 000 with the total. GVN alone: 6 912 000,
  with its 276 480 carried 7 188 480. Tillväxt Malmö och Level alone: the 4 900 000 row KS passes on
  to it, with its own 196 000 carried 5 096 000 (KS's 81 440 is not its).
- ASN booking 22 500 000 overspends by 444 000; with ``deficits = true`` that is carried as -444 000:
  "Summa med överföringar 2025" 40 000 000 - 444 000 = 39 556 000.
"""

from __future__ import annotations

import openpyxl
import pytest

from jobbsats import examples
from jobbsats.contracts import ReportOptions
from jobbsats.ledger import open_ledger
from jobbsats.ledger.view import LedgerView
from jobbsats.reports.fordelning import Fordelning

KR = 100  # öre per krona
CARRY = """
[[rules]]
rule = "carry_over"
years = 2025
"""
BOOKED = """Bokföringsdatum;Konto;Ansvar;Verksamhet;Belopp;Text
2024-03-31;5010;3110;7150;12 000 000,00;Lön
2024-10-31;5010;3120;7150;9 000 000,00;Ung i sommar
"""
ASN = "Arbetsmarknads- och socialnämnden"


def plain(text: str) -> str:
    return text.replace("\u00a0", " ")


@pytest.fixture
def carried_run(cli, shared_file):
    """Run the example for 2024, import ``booked`` as its utfall, then run 2024-2025 with ``extra`` (a ledger
    made once for each ``extra`` and ``booked``, then copied: see cli.prepare)."""

    def make(extra: str, booked: str = BOOKED):
        text = examples.path_of("malmo-2024").read_text(encoding="utf-8")
        assert "total = { 2024 = 40_000_000 }" in text
        text = text.replace("total = { 2024 = 40_000_000 }", "total = { 2024 = 40_000_000, 2025 = 40_000_000 }")
        utfall = text.index("[utfall]")
        scenario = shared_file("jobbsats.toml", text[:utfall] + CARRY + extra + "\n" + text[utfall:])
        export = shared_file("utfall-2024.csv", booked)
        cli.prepare(
            ("run", scenario, "--year", "2024", "--quiet"),
            ("import", "utfall", export, "-c", scenario),
            ("run", scenario, "--quiet"),
        )
        return cli

    return make


def carried_rows(report: dict) -> list[dict]:
    return [r for r in report["rows"] if "carried_from" in r]


def total(report: dict, name: str) -> dict:
    [found] = [t for t in report["totals"] if t["recipient"] == name]
    return found


def test_the_carried_money_is_a_line_of_its_own_after_the_years_rows(carried_run):
    cli = carried_run('to = ["ASN"]\n')
    report = cli.json_report("fordelning")
    [line] = carried_rows(report)
    assert line == {
        "year": 2025,
        "fund": "Strategiska jobbsatsningar",
        "fund_id": "sjs",
        "recipient": ASN,
        "recipient_id": "ASN",
        "source": "rules[2].to[0]",
        "rule": "Överföring från 2024",
        "label": "",
        "amount_ore": 1_056_000 * KR,
        "passed_on_to": "",
        "passed_on_ore": None,
        "carried_from": 2024,
    }
    assert report["rows"][-1] == line  # after 2025's rows
    # The year's rows still sum to the fund's total: the carried money is outside it.
    rows_2025 = [r for r in report["rows"] if r["year"] == 2025 and "carried_from" not in r]
    assert sum(r["amount_ore"] for r in rows_2025) == 40_000_000 * KR
    summa = total(report, "Summa 2025")
    assert (summa["amount_ore"], summa["fund_total_ore"]) == (40_000_000 * KR, 40_000_000 * KR)
    both = total(report, "Summa med överföringar 2025")
    assert (both["amount_ore"], both["carried_ore"], both["with_carried"]) == (
        41_056_000 * KR,
        1_056_000 * KR,
        True,
    )
    assert [t["recipient"] for t in report["totals"]] == ["Summa 2024", "Summa 2025", "Summa med överföringar 2025"]
    assert "Överfört från 2024 till 2025: 1 056 000 kr (utöver 2025 års total)." in map(plain, report["paragraphs"])
    # The paragraph follows the year's total sentence.
    paragraphs = list(map(plain, report["paragraphs"]))
    assert paragraphs[paragraphs.index("Strategiska jobbsatsningar 2025: totalt 40 000 000 kr.") + 1].startswith(
        "Överfört från 2024"
    )


def test_markdown_shows_the_line_its_total_and_the_overview_in_kronor(carried_run):
    cli = carried_run('to = ["ASN"]\n')
    text = plain(cli("report", "fordelning").stdout)
    assert "Överfört från 2024 till 2025: 1 056 000 kr (utöver 2025 års total)." in text
    overview, detail = text.split("## Översikt per år")[1].split("## Fördelning")
    # The overview: its own line, empty in 2024, and the sums with and without it.
    assert f"| Strategiska jobbsatsningar | {ASN} | Överföring från 2024 |  |  | 1 056 000 |" in overview
    assert "| **Strategiska jobbsatsningar** | **Summa** |  |  | **40 000 000** | **40 000 000** |" in overview
    assert (
        "| **Strategiska jobbsatsningar** | **Summa med överföringar** |  |  | **40 000 000** | **41 056 000** |"
    ) in overview
    assert overview.index("Överföring från 2024") > overview.index("Fördelningsnyckel")
    assert f"| 2025 | Strategiska jobbsatsningar | {ASN} | Överföring från 2024 |  | 1 056 000 |  |  |" in detail
    assert "| **2025** | **Strategiska jobbsatsningar** | **Summa 2025** |  |  | **40 000 000** |  |  |" in detail
    assert (
        "| **2025** | **Strategiska jobbsatsningar** | **Summa med överföringar 2025** |  |  | **41 056 000** |  |  |"
    ) in detail


def test_csv_marks_the_carried_row(carried_run):
    cli = carried_run('to = ["ASN"]\n')
    lines = cli("report", "fordelning", "-f", "csv").stdout.splitlines()
    header = lines[0].split(",")
    assert header[-1] == "carried_from"
    rows = [dict(zip(header, line.split(","), strict=True)) for line in lines[1:]]
    assert [(r["year"], r["recipient_id"], r["amount_ore"]) for r in rows if r["carried_from"]] == [
        ("2025", "ASN", str(1_056_000 * KR))
    ]
    assert sum(int(r["amount_ore"]) for r in rows if r["year"] == "2025" and not r["carried_from"]) == 40_000_000 * KR


def test_a_recipient_selected_gets_only_its_own_carried_money(carried_run):
    cli = carried_run('to = ["ASN"]\n')
    gvn = cli.json_report("fordelning", "--recipient", "GVN")
    assert carried_rows(gvn) == []
    assert [t["recipient"] for t in gvn["totals"]] == ["Summa 2024", "Summa 2025"]
    assert total(gvn, "Summa 2025")["amount_ore"] == 6_912_000 * KR
    assert not any(p.startswith("Överfört") for p in gvn["paragraphs"])
    assert "Överför" not in cli("report", "fordelning", "--recipient", "GVN").stdout

    asn = cli.json_report("fordelning", "--recipient", "ASN", "--year", "2025")
    assert [(r["recipient_id"], r["amount_ore"]) for r in carried_rows(asn)] == [("ASN", 1_056_000 * KR)]
    assert total(asn, "Summa 2025")["amount_ore"] == 22_056_000 * KR
    assert total(asn, "Summa med överföringar 2025")["amount_ore"] == 23_112_000 * KR


def test_a_year_nothing_was_carried_into_has_no_carried_line(carried_run):
    cli = carried_run('to = ["ASN"]\n')
    report = cli.json_report("fordelning", "--year", "2024")
    assert carried_rows(report) == []
    assert [t["recipient"] for t in report["totals"]] == ["Summa 2024"]
    assert not any(p.startswith("Överfört") for p in report["paragraphs"])
    # --fund keeps the fund's carried money.
    report = cli.json_report("fordelning", "--fund", "sjs", "--year", "2025")
    assert [r["amount_ore"] for r in carried_rows(report)] == [1_056_000 * KR]


def test_capped_carries_for_every_recipient(carried_run):
    cli = carried_run('max_share = "4 %"\n')
    report = cli.json_report("fordelning", "--year", "2025")
    assert [(r["recipient_id"], r["amount_ore"], r["carried_from"]) for r in carried_rows(report)] == [
        ("ASN", 882_240 * KR, 2024),
        ("GVN", 276_480 * KR, 2024),
        ("FSN", 163_840 * KR, 2024),
        ("KS", 81_440 * KR, 2024),
        ("tillvaxt_level", 196_000 * KR, 2024),
    ]
    assert total(report, "Summa 2025")["amount_ore"] == 40_000_000 * KR
    both = total(report, "Summa med överföringar 2025")
    assert (both["amount_ore"], both["carried_ore"]) == (41_600_000 * KR, 1_600_000 * KR)
    assert "Överfört från 2024 till 2025: 1 600 000 kr (utöver 2025 års total)." in map(plain, report["paragraphs"])

    gvn = cli.json_report("fordelning", "--year", "2025", "--recipient", "GVN")
    assert [(r["recipient_id"], r["amount_ore"]) for r in carried_rows(gvn)] == [("GVN", 276_480 * KR)]
    assert total(gvn, "Summa med överföringar 2025")["amount_ore"] == 7_188_480 * KR
    assert "Överfört från 2024 till 2025: 276 480 kr (utöver 2025 års total)." in map(plain, gvn["paragraphs"])

    level = cli.json_report("fordelning", "--year", "2025", "--recipient", "tillvaxt_level")
    assert [(r["recipient_id"], r["amount_ore"]) for r in carried_rows(level)] == [("tillvaxt_level", 196_000 * KR)]
    assert total(level, "Summa 2025")["amount_ore"] == 4_900_000 * KR
    assert total(level, "Summa med överföringar 2025")["amount_ore"] == 5_096_000 * KR


def test_an_overspend_carried_is_a_negative_line(carried_run):
    cli = carried_run('to = ["ASN"]\ndeficits = true\n', BOOKED.replace("9 000 000,00", "10 500 000,00"))
    report = cli.json_report("fordelning")
    [line] = carried_rows(report)
    assert (line["recipient_id"], line["amount_ore"], line["carried_from"]) == ("ASN", -444_000 * KR, 2024)
    assert total(report, "Summa 2025")["amount_ore"] == 40_000_000 * KR
    assert total(report, "Summa med överföringar 2025")["amount_ore"] == 39_556_000 * KR
    sentence = "Överfört från 2024 till 2025: underskott om 444 000 kr (utanför 2025 års total)."
    assert sentence in map(plain, report["paragraphs"])
    text = plain(cli("report", "fordelning", "--year", "2025").stdout)
    assert f"| 2025 | Strategiska jobbsatsningar | {ASN} | Överföring från 2024 |  | -444 000 |  |  |" in text
    assert "**Summa med överföringar 2025** |  |  | **39 556 000** |" in text


def test_the_entrys_label_and_purpose_name_the_line(carried_run):
    cli = carried_run('to = ["ASN"]\nlabel = "Överföring av outnyttjade medel"\npurpose = "Ung i sommar"\n')
    [line] = carried_rows(cli.json_report("fordelning"))
    assert (line["rule"], line["label"], line["amount_ore"]) == (
        "Överföring av outnyttjade medel",
        "Ung i sommar",
        1_056_000 * KR,
    )


def test_the_chart_counts_the_carried_money_with_or_without_fund(carried_run):
    cli = carried_run('to = ["ASN"]\n')
    view = LedgerView(open_ledger(cli.db, must_exist=True))
    for values in ({}, {"fund": "sjs"}):
        [chart] = Fordelning().build(view, ReportOptions(year=2025, values=values)).charts
        [series] = chart.series
        assert dict(zip(chart.categories, series.values, strict=True))[ASN] == 23_112_000 * KR, values


def test_xlsx_and_html_take_the_carried_lines(carried_run, tmp_path):
    cli = carried_run('to = ["ASN"]\n')
    page = tmp_path / "f.html"
    assert cli("report", "fordelning", "-o", page).exit_code == 0
    html = plain(page.read_text(encoding="utf-8"))
    assert "Summa med överföringar 2025" in html and "Överföring från 2024" in html
    book = tmp_path / "f.xlsx"
    assert cli("report", "fordelning", "-o", book).exit_code == 0
    cells = [c.value for sheet in openpyxl.load_workbook(book) for row in sheet.iter_rows() for c in row]
    assert "Överföring från 2024" in cells and "Summa med överföringar 2025" in cells
    assert 1_056_000 in cells and 41_056_000 in cells  # amounts in kronor, as numbers
