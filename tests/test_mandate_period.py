"""A scenario over a mandate period: totals per year, assumed totals, years not decided."""

from __future__ import annotations

import pytest

from jobbsats import examples

KR = 100
PERIOD = examples.path_of("malmo-2024-2026")
TOTALS = """[funds.sjs.total]
2024 = 40_000_000
2025 = { amount = 40_000_000, assumed = true, note = "samma som 2024 i väntan på KF:s budget" }
2026 = { amount = 40_000_000, assumed = true, note = "samma som 2024 i väntan på KF:s budget" }"""
KEY_RULE = """label = "Fördelningsnyckel"
key = { ASN = 51, GVN = 27, FSN = 16, KS = 6 }"""

# Seed 000: fixed lines 9 000 000 (ASN), 500 000 and 4 900 000 (KS), then 25 600 000 by the key.
SEED_YEAR = [
    ("ASN", 9_000_000), ("KS", 500_000), ("KS", 4_900_000),
    ("ASN", 13_056_000), ("GVN", 6_912_000), ("FSN", 4_096_000), ("KS", 1_536_000),
]  # fmt: skip


def period_file(example_file, *replacements):
    return example_file("malmo-2024-2026", *replacements, name="period.toml")


def per_year(rows):
    out = {}
    for r in rows:
        out.setdefault(r["year"], []).append((r["recipient_id"], r["amount_ore"] // KR))
    return out


def test_the_period_repeats_2024_and_marks_the_assumed_years(cli):
    result = cli("run", "malmo-2024-2026")
    assert result.exit_code == 0, result.output
    assert per_year(cli.json_report("fordelning")["rows"]) == {2024: SEED_YEAR, 2025: SEED_YEAR, 2026: SEED_YEAR}
    out = result.stdout.replace("\u00a0", " ")
    assert "| 2024 (kr) | 2025 (kr) * | 2026 (kr) * |" in out  # the years side by side
    assert "2025: totalt 40 000 000 kr (*antagen total, inte beslutad: samma som 2024" in out
    beslut = cli("report", "beslut")
    assert "Beloppen för 2026 bygger på en antagen total för Strategiska jobbsatsningar" in beslut.stdout


def test_a_year_without_a_total_is_not_decided_never_zero(cli, example_file):
    # 2025 assumed at 38 000 000: 38 000 000 - 14 400 000 = 23 600 000 by 51/27/16/6 =
    # 12 036 000 / 6 372 000 / 3 776 000 / 1 416 000. 2026 has no total at all.
    path = period_file(
        example_file,
        (TOTALS, '[funds.sjs.total]\n2024 = 40_000_000\n2025 = { amount = "38 mnkr", assumed = true }'),
    )
    result = cli("run", path)
    assert result.exit_code == 0, result.output
    rows = per_year(cli.json_report("fordelning")["rows"])
    assert sorted(rows) == [2024, 2025]
    assert rows[2025][3:] == [("ASN", 12_036_000), ("GVN", 6_372_000), ("FSN", 3_776_000), ("KS", 1_416_000)]
    overview = [line for line in result.stdout.splitlines() if line.startswith("| Strategiska")]
    assert overview and all(line.rstrip(" |").endswith("ej beslutat") for line in overview)
    assert "| 2026 (kr) |" in result.stdout
    assert "Strategiska jobbsatsningar 2026: totalen är ej beslutad." in result.stdout
    assert "ej beslutad" in cli("report", "beslut", "--year", "2026").stdout


def test_run_one_year(cli):
    cli.prepare(("run", "malmo-2024-2026", "--year", "2025", "--quiet"))
    assert per_year(cli.json_report("fordelning")["rows"]) == {2025: SEED_YEAR}
    result = cli("run", "malmo-2024-2026", "--year", "2030")
    assert result.exit_code == 1
    assert "--year: 2030 is not a year of the scenario (2024, 2025, 2026)" in result.stderr


def test_a_key_that_changes_from_a_year(cli, example_file):
    # From 2026 ASN 50 % and GVN 28 %: 25 600 000 kr gives 12 800 000 / 7 168 000 / 4 096 000 / 1 536 000.
    path = period_file(
        example_file,
        (
            KEY_RULE,
            KEY_RULE + '\nyears = "2024-2025"\n\n[[rules]]\nrule = "percentage_key"\nlabel = "Fördelningsnyckel"\n'
            "years = 2026\nkey = { ASN = 50, GVN = 28, FSN = 16, KS = 6 }",
        ),
    )
    assert cli("run", path, "--quiet").exit_code == 0, cli("validate", path).output
    rows = per_year(cli.json_report("fordelning")["rows"])
    assert rows[2025] == SEED_YEAR
    assert rows[2026][3:] == [("ASN", 12_800_000), ("GVN", 7_168_000), ("FSN", 4_096_000), ("KS", 1_536_000)]


@pytest.mark.parametrize(
    "old, new, message",
    [
        (
            "2024 = 40_000_000\n",
            "2024 = 40_000_000\n2027 = 1_000\n",
            "funds.sjs.total.2027: 2027 is outside the scenario's years (2024-2026)",
        ),
        (KEY_RULE, KEY_RULE + "\nyears = 2027", "rules[1].years: 2027 is outside the scenario's years (2024-2026)"),
        (
            "2025 = { amount = 40_000_000, assumed = true,",
            "2025 = { amont = 40_000_000, assumed = true,",
            "funds.sjs.total.2025: unknown key 'amont'",
        ),
        ("assumed = true, note", "assumed = 1, note", "funds.sjs.total.2025: assumed must be true or false"),
    ],
)
def test_period_mistakes(cli, tmp_path, digest, old, new, message, example_file):
    cli.prepare(("run", "--quiet"))
    before = digest(cli.db)
    result = cli("run", period_file(example_file, (old, new)))
    assert result.exit_code == 1
    assert message in result.stderr
    assert digest(cli.db) == before


def test_run_a_year_without_a_total_is_refused(cli, tmp_path, example_file):
    path = period_file(example_file, (TOTALS, "[funds.sjs.total]\n2024 = 40_000_000"))
    result = cli("run", path, "--year", "2026")
    assert result.exit_code == 1
    assert "--year: 2026 has no total in any fund and no project: nothing to compute" in result.stderr
    assert not cli.db.exists()


def test_funds_with_the_same_name_stay_apart(cli, tmp_path):
    # Two funds called "Fond": 100 kr to A and 50 kr to B in 2024, the same in 2025. The overview
    # must not add one fund's lines or totals to the other's.
    text = """
[scenario]
name = "Två fonder"
[recipients.A]
name = "a"
kind = "nämnd"
[recipients.B]
name = "b"
kind = "nämnd"
[funds.f1]
name = "Fond"
total = { 2024 = 100, 2025 = 100 }
[funds.f2]
name = "Fond"
total = { 2024 = 50, 2025 = 50 }
[[rules]]
rule = "percentage_key"
fund = "f1"
key = { A = 100 }
[[rules]]
rule = "percentage_key"
fund = "f2"
key = { B = 100 }
"""
    path = tmp_path / "two.toml"
    path.write_text(text, encoding="utf-8")
    result = cli("run", path)
    assert result.exit_code == 0, result.output
    lines = [line for line in result.stdout.splitlines() if line.startswith(("| Fond |", "| **Fond"))][1:]
    assert lines == [
        "| Fond | A | percentage_key |  | 100 | 100 |",
        "| Fond | B | percentage_key |  | 50 | 50 |",
        "| **Fond** | **Summa** |  |  | **100** | **100** |",
        "| **Fond** | **Summa** |  |  | **50** | **50** |",
    ]


TWO_FUNDS_UNEVEN = """
[scenario]
name = "Ojämna fonder"
[recipients.A]
name = "a"
kind = "nämnd"
[funds.f1]
name = "Fond 1"
total = { 2020 = 100, 2021 = 100 }
[funds.f2]
name = "Fond 2"
total = { 2021 = 50 }
[[rules]]
rule = "fixed"
fund = "f1"
[[rules.lines]]
to = "A"
amount = 100
"""


def test_a_fund_without_a_total_in_another_funds_year(cli, tmp_path):
    # f2 has no total for 2020 although f1 has: its 2020 cell says "ej beslutat" (it used to crash
    # the Markdown after the run was recorded).
    path = tmp_path / "uneven.toml"
    path.write_text(TWO_FUNDS_UNEVEN, encoding="utf-8")
    result = cli("run", path)
    assert result.exit_code == 0, result.output
    assert "| Fond 2 | Ej fördelat |  |  | ej beslutat | 50 |" in result.stdout
    assert "| **Fond 2** | **Summa** |  |  | **ej beslutat** | **50** |" in result.stdout
    assert cli("report", "fordelning").exit_code == 0


def test_years_a_rule_or_line_names_must_exist(cli, tmp_path, example_file):
    cases = [
        # A rule whose years all lack a total never runs: an error, as for a fixed line.
        ((TOTALS, "[funds.sjs.total]\n2024 = 40_000_000\n2026 = 40_000_000"), (KEY_RULE, KEY_RULE + "\nyears = 2025"),
         "rules[1].years: none of these years has a total in fund 'sjs' (2024, 2026)"),
        # Years outside [scenario].years are typos, on lines as on totals and rules.
        (('amount = 9_000_000\nyears = "2024-2026"', 'amount = 9_000_000\nyears = "2023-2027"'), None,
         "rules[0].lines[0].years: 2023, 2027 are outside the scenario's years (2024-2026)"),
        (('amount = 9_000_000\nyears = "2024-2026"', 'amount = { 2024 = 9_000_000, 2019 = 1 }'), None,
         "rules[0].lines[0].amount: 2019 is outside the scenario's years (2024-2026)"),
    ]  # fmt: skip
    for first, second, message in cases:
        path = period_file(example_file, first, *([second] if second else []))
        result = cli("validate", path)
        assert result.exit_code == 1 and message in result.stderr, (message, result.stderr)


def test_beslut_says_which_years_are_not_decided(cli, tmp_path, example_file):
    path = period_file(example_file, (TOTALS, "[funds.sjs.total]\n2024 = 40_000_000\n2026 = 40_000_000"))
    assert cli("run", path, "--quiet").exit_code == 0
    out = cli("report", "beslut").stdout
    assert "Totalen för 2025 är ej beslutad: inga beslutspunkter." in out
    # 2024 and 2026 are one paper; its title names the two years.
    assert out.startswith("# Förslag till beslut 2024 och 2026 (STK-2024-291)\n")
    years = [r["year"] for r in cli.json_report("beslut")["rows"]]
    assert years == [2024] * 8 + [2026] * 4  # 2026's four årligen points are 2024's, not repeated
    one = cli("report", "beslut", "--year", "2025").stdout
    assert one.startswith("# Förslag till beslut 2025 (STK-2024-291)")


def test_no_space_before_the_full_stop_without_a_wording(cli):
    cli.prepare(("run", "kostnader-2020-2021", "--quiet"))
    texts = [r["text"] for r in cli.json_report("beslut")["rows"]]
    assert (
        "Arbetsmarknads- och socialnämnden tilldelar arbetsmarknads- och socialförvaltningen 450 000 kronor 2020 för Förstärkning personal EBB."
        in texts
    )
    assert not any(" ." in t for t in texts)
