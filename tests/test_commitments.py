"""Issue 13, point 5: what lines decided "årligen" already commit in later years, in `fordelning`.

Worked out by hand from seed 000 (STK-2024-291, points 2-5): on ram, "årligen 2024 - 2026",
ASN 9 000 000 kr (Ung i sommar), KS 500 000 kr (Ung i sommar) and KS 4 900 000 kr, which KS grants
on to Tillväxt Malmö och Level. Counted once (in KS's line from the fund), that is
9 000 000 + 500 000 + 4 900 000 = 14 400 000 kr that 2025 and 2026 owe before they have a total.
Against an assumed total of 40 000 000 kr, 40 000 000 - 14 400 000 = 25 600 000 kr remain free.
"""

from __future__ import annotations

KR = 100  # öre per krona
ALL_YEARS = """[funds.sjs.total]
2024 = 40_000_000
2025 = { amount = 40_000_000, assumed = true, note = "samma som 2024 i väntan på KF:s budget" }
2026 = { amount = 40_000_000, assumed = true, note = "samma som 2024 i väntan på KF:s budget" }"""
# The mandate period with 2025 assumed at 40 000 000 kr and no total at all for 2026.
ASSUMED_2025 = (
    ALL_YEARS,
    '[funds.sjs.total]\n2024 = 40_000_000\n2025 = { amount = 40_000_000, assumed = true, note = "som 2024" }',
)

# The seed's three lines on ram, per later year: (recipient, amount, passed on).
SEED_LINES = [("ASN", 9_000_000 * KR, None), ("KS", 500_000 * KR, None), ("KS", 4_900_000 * KR, 4_900_000 * KR)]


def plain(text: str) -> str:
    return text.replace("\u00a0", " ")


def commitments(report: dict) -> tuple[dict, list[dict]]:
    """The commitment rows per year as (recipient, amount, passed on), and the table's total rows."""
    rows: dict[int, list] = {}
    for r in report["rows"]:
        if r.get("table") == "ataganden":
            rows.setdefault(r["year"], []).append((r["recipient_id"], r["amount_ore"], r["passed_on_ore"]))
    return rows, [t for t in report["totals"] if t.get("table") == "ataganden"]


def summary(totals: list[dict]) -> list[tuple]:
    return [(t["year"], t["kind"], t["amount_ore"], t.get("decided")) for t in totals]


def test_the_2024_decision_commits_14_400_000_kr_in_2025_and_2026(cli):
    cli.prepare(("run", "--quiet"))
    report = cli.json_report("fordelning", "--ataganden")
    rows, totals = commitments(report)
    assert rows == {2025: SEED_LINES, 2026: SEED_LINES}
    assert all(r["decided"] == "beslutat årligen 2024–2026" for r in report["rows"] if r["table"] == "ataganden")
    # 2025 and 2026 have no total in the 2024 decision: the total and what is free are not decided, never 0.
    assert summary(totals) == [
        (2025, "committed", 14_400_000 * KR, None),
        (2025, "total", None, "ej beslutat"),
        (2025, "free", None, "ej beslutat"),
        (2026, "committed", 14_400_000 * KR, None),
        (2026, "total", None, "ej beslutat"),
        (2026, "free", None, "ej beslutat"),
    ]
    # The allocation itself is untouched: 2024 still sums to the fund's 40 000 000 kr.
    assert sum(r["amount_ore"] for r in report["rows"] if r["table"] == "fordelning") == 40_000_000 * KR
    paragraphs = report["paragraphs"]
    assert "Åtaganden 2025: 14 400 000 kr beslutade årligen 2024–2026; totalen är ej beslutad." in map(
        plain, paragraphs
    )
    assert "Åtaganden 2026: 14 400 000 kr beslutade årligen 2024–2026; totalen är ej beslutad." in map(
        plain, paragraphs
    )


def test_the_commitments_in_markdown(cli):
    cli.prepare(("run", "--quiet"))
    result = cli("report", "fordelning", "--ataganden")
    assert result.exit_code == 0, result.output
    out = plain(result.stdout)
    assert "## Åtaganden för kommande år" in out
    assert (
        "| 2025 | Strategiska jobbsatsningar | Arbetsmarknads- och socialnämnden | Ung i sommar "
        "| beslutat årligen 2024–2026 | 9 000 000 |  |  |"
    ) in out
    assert (
        "| 2026 | Strategiska jobbsatsningar | Kommunstyrelsen | Tillväxt Malmö & Level | beslutat årligen 2024–2026 "
        "| 4 900 000 | Tillväxt Malmö och Level | 4 900 000 |"
    ) in out
    assert "| **2025** | **Strategiska jobbsatsningar** | **Summa åtaganden 2025** |  |  | **14 400 000** |" in out
    assert "| **2026** | **Strategiska jobbsatsningar** | **Fritt 2026** |  | **ej beslutat** |  |  |  |" in out
    assert "Åtaganden 2025: 14 400 000 kr beslutade årligen 2024–2026; totalen är ej beslutad." in out


def test_without_the_option_only_the_sentences(cli):
    # The report as it was (one table, as `jobbsats run` prints it), with the commitments said under the title.
    result = cli("run")
    assert result.exit_code == 0, result.output
    assert "Åtaganden 2026: 14 400 000 kr beslutade årligen 2024–2026" in plain(result.stdout)
    assert "Åtaganden för kommande år" not in result.stdout
    report = cli.json_report("fordelning")
    assert [t["name"] for t in report["tables"]] == ["fordelning"]


def test_an_assumed_total_leaves_25_600_000_kr_free(cli, example_file):
    # The 2024 decision run alone (`--year 2024`) in the mandate period: 2025 has an assumed total of
    # 40 000 000 kr in the file, so 40 000 000 - 14 400 000 = 25 600 000 kr remain free, both marked
    # as assumed; 2026 is in the period without a total.
    path = example_file("malmo-2024-2026", ASSUMED_2025)
    assert cli("run", path, "--year", "2024", "--quiet").exit_code == 0
    report = cli.json_report("fordelning", "--ataganden")
    rows, totals = commitments(report)
    assert rows == {2025: SEED_LINES, 2026: SEED_LINES}
    assert summary(totals) == [
        (2025, "committed", 14_400_000 * KR, None),
        (2025, "total", 40_000_000 * KR, "antagen"),
        (2025, "free", 25_600_000 * KR, "antagen total"),
        (2026, "committed", 14_400_000 * KR, None),
        (2026, "total", None, "ej beslutat"),
        (2026, "free", None, "ej beslutat"),
    ]
    assert [t["assumed"] for t in totals if t["year"] == 2025 and t["kind"] != "committed"] == [True, True]
    assert (
        "Åtaganden 2025: 14 400 000 kr beslutade årligen 2024–2026; "
        "av den antagna totalen 40 000 000 kr (som 2024) återstår 25 600 000 kr."
    ) in map(plain, report["paragraphs"])
    out = plain(cli("report", "fordelning", "--ataganden").stdout)
    assert (
        "| **2025** | **Strategiska jobbsatsningar** | **Fritt 2025** |  | **antagen total** | **25 600 000** |" in out
    )


def test_a_decided_total_is_not_marked_assumed(cli, example_file):
    # 2025 decided at 38 000 000 kr: 38 000 000 - 14 400 000 = 23 600 000 kr free.
    path = example_file("malmo-2024-2026", (ALL_YEARS, '[funds.sjs.total]\n2024 = 40_000_000\n2025 = "38 mnkr"'))
    assert cli("run", path, "--year", "2024", "--quiet").exit_code == 0
    report = cli.json_report("fordelning", "--ataganden", "--year", "2024")  # --year 2024: its later years none
    assert commitments(report) == ({}, [])
    report = cli.json_report("fordelning", "--ataganden")
    _, totals = commitments(report)
    assert summary(totals)[:3] == [
        (2025, "committed", 14_400_000 * KR, None),
        (2025, "total", 38_000_000 * KR, "beslutad"),
        (2025, "free", 23_600_000 * KR, ""),
    ]
    assert "av totalen 38 000 000 kr återstår 23 600 000 kr." in plain(" ".join(report["paragraphs"]))


def test_years_the_run_allocated_hold_the_commitment_already(cli, example_file):
    # The whole period run: 2024 and 2025 allocated (the 14 400 000 kr are in their rows), only 2026 is owed.
    path = example_file("malmo-2024-2026", ASSUMED_2025)
    assert cli("run", path, "--quiet").exit_code == 0
    rows, totals = commitments(cli.json_report("fordelning", "--ataganden"))
    assert rows == {2026: SEED_LINES}
    assert summary(totals) == [
        (2026, "committed", 14_400_000 * KR, None),
        (2026, "total", None, "ej beslutat"),
        (2026, "free", None, "ej beslutat"),
    ]
    # --year picks the commitments of that year: 2026's, none for 2025.
    assert commitments(cli.json_report("fordelning", "--ataganden", "--year", "2026"))[0] == {2026: SEED_LINES}
    assert commitments(cli.json_report("fordelning", "--ataganden", "--year", "2025")) == ({}, [])
    # Every year of the bundled period has a total: nothing is owed beyond what the run allocated.
    assert cli("run", "malmo-2024-2026", "--quiet").exit_code == 0
    report = cli.json_report("fordelning", "--ataganden")
    assert commitments(report) == ({}, [])
    assert "Inga åtaganden för kommande år" in " ".join(report["paragraphs"])


def test_a_line_decided_2024_2025_is_not_owed_in_2026(cli, scenario_file):
    # KS's 500 000 kr only "årligen 2024 - 2025": 2025 owes 14 400 000, 2026 9 000 000 + 4 900 000 = 13 900 000.
    path = scenario_file(('amount = 500_000\nyears = "2024-2026"', 'amount = 500_000\nyears = "2024-2025"'))
    assert cli("run", path, "--quiet").exit_code == 0
    report = cli.json_report("fordelning", "--ataganden")
    rows, totals = commitments(report)
    assert rows == {2025: SEED_LINES, 2026: [SEED_LINES[0], SEED_LINES[2]]}
    assert [(t["year"], t["amount_ore"]) for t in totals if t["kind"] == "committed"] == [
        (2025, 14_400_000 * KR),
        (2026, 13_900_000 * KR),
    ]
    paragraphs = list(map(plain, report["paragraphs"]))
    # 2025: 9 000 000 + 4 900 000 = 13 900 000 decided for 2024-2026, 500 000 for 2024-2025.
    assert (
        "Åtaganden 2025: 14 400 000 kr beslutade årligen (13 900 000 kr 2024–2026, 500 000 kr 2024–2025); "
        "totalen är ej beslutad."
    ) in paragraphs
    assert "Åtaganden 2026: 13 900 000 kr beslutade årligen 2024–2026; totalen är ej beslutad." in paragraphs


def test_only_the_recipients_asked_for(cli):
    cli.prepare(("run", "--quiet"))
    report = cli.json_report("fordelning", "--ataganden", "--recipient", "ASN")
    rows, totals = commitments(report)
    assert rows == {2025: [("ASN", 9_000_000 * KR, None)], 2026: [("ASN", 9_000_000 * KR, None)]}
    # The sum of the rows shown; the total and what is free are the whole fund's, so not stated.
    assert summary(totals) == [(2025, "committed", 9_000_000 * KR, None), (2026, "committed", 9_000_000 * KR, None)]
    assert "Åtaganden 2025: 9 000 000 kr beslutade årligen 2024–2026." in map(plain, report["paragraphs"])

    # Tillväxt Malmö och Level: KS's line that passes its 4 900 000 on, as the allocation shows it.
    rows, _ = commitments(cli.json_report("fordelning", "--ataganden", "--recipient", "tillvaxt_level"))
    assert rows == {2025: [SEED_LINES[2]], 2026: [SEED_LINES[2]]}

    # GVN has money by the key only, decided for 2024: nothing owed.
    report = cli.json_report("fordelning", "--ataganden", "--recipient", "GVN")
    assert commitments(report) == ({}, [])
    assert not any(p.startswith("Åtaganden") for p in report["paragraphs"])


def test_only_the_fund_asked_for(cli, scenario_file):
    # A second fund "extra" with 1 000 000 kr to GVN for 2024 alone: it commits nothing later.
    path = scenario_file(
        (
            "[funds.sjs]",
            '[funds.extra]\nname = "Extramedel"\ntotal = { 2024 = 1_000_000 }\n\n[funds.sjs]',
        ),
        (
            'rule = "fixed"\nlabel = "Fasta belopp på ram"',
            'rule = "fixed"\nfund = "sjs"\nlabel = "Fasta belopp på ram"',
        ),
        ('rule = "percentage_key"', 'rule = "percentage_key"\nfund = "sjs"'),
        (
            "# --- Utfall",
            '[[rules]]\nrule = "fixed"\nfund = "extra"\n[[rules.lines]]\nto = "GVN"\namount = 1_000_000\n\n# --- Utfall',
        ),
    )
    assert cli("run", path, "--quiet").exit_code == 0
    rows, _ = commitments(cli.json_report("fordelning", "--ataganden"))
    assert rows == {2025: SEED_LINES, 2026: SEED_LINES}
    assert "Åtaganden ur Strategiska jobbsatsningar 2025" not in " ".join(
        cli.json_report("fordelning")["paragraphs"]
    )  # one fund commits: no need to name it
    assert commitments(cli.json_report("fordelning", "--ataganden", "--fund", "sjs"))[0] == rows
    report = cli.json_report("fordelning", "--ataganden", "--fund", "extra")
    assert commitments(report) == ({}, [])
    assert [t["name"] for t in report["tables"]] == ["fordelning"]


def test_a_run_of_single_year_lines_commits_nothing(cli, scenario_file):
    # Without years the lines hold for the years with a total, 2024 alone: decided for 2024, never "årligen".
    path = scenario_file(('years = "2024-2026"\n', ""))
    assert cli("run", path, "--quiet").exit_code == 0
    assert "kronor årligen" not in cli("report", "beslut").stdout  # (a closing point asks for reports "årligen")
    report = cli.json_report("fordelning", "--ataganden")
    assert [t["name"] for t in report["tables"]] == ["fordelning"]
    assert not any(p.startswith("Åtaganden") for p in report["paragraphs"])
    assert "Inga åtaganden för kommande år" in " ".join(report["paragraphs"])
    assert "Åtaganden" not in cli("report", "fordelning", "--ataganden").stdout


def test_a_year_between_two_allocated_years_is_owed(cli, scenario_file):
    # Totals for 2024 and 2026 only: the lines run in both, and 2025 owes their 14 400 000 kr, total not decided.
    path = scenario_file(("total = { 2024 = 40_000_000 }", "total = { 2024 = 40_000_000, 2026 = 40_000_000 }"))
    assert cli("run", path, "--quiet").exit_code == 0
    rows, totals = commitments(cli.json_report("fordelning", "--ataganden"))
    assert rows == {2025: SEED_LINES}
    assert summary(totals)[1:] == [(2025, "total", None, "ej beslutat"), (2025, "free", None, "ej beslutat")]


def test_more_committed_than_an_assumed_total(cli, example_file):
    # 2025 assumed at 10 000 000 kr, less than the 14 400 000 decided: 10 000 000 - 14 400 000 = -4 400 000.
    path = example_file(
        "malmo-2024-2026",
        (ALL_YEARS, '[funds.sjs.total]\n2024 = 40_000_000\n2025 = { amount = "10 mnkr", assumed = true }'),
    )
    assert cli("run", path, "--year", "2024", "--quiet").exit_code == 0
    report = cli.json_report("fordelning", "--ataganden")
    _, totals = commitments(report)
    assert summary(totals)[2] == (2025, "free", -4_400_000 * KR, "antagen total")
    assert (
        "Åtaganden 2025: 14 400 000 kr beslutade årligen 2024–2026; "
        "det är 4 400 000 kr mer än den antagna totalen 10 000 000 kr."
    ) in map(plain, report["paragraphs"])
