"""Decision text and tables come from the scenario file, not from constants about Malmö."""

from __future__ import annotations

import csv
import inspect
import io
import re

import jobbsats.hookspecs as hookspecs

OTHER_CITY = """
[scenario]
name = "Arbetsmarknadsmedel 2025 | Lund"

[decision]
ref = "KS 2025/17"
decider = "Regionstyrelsen"

[recipients."Nämnd för å & ä"]
name = "arbetsmarknadsnämnden | AMN"
kind = "nämnd"

[recipients.KS]
name = "regionstyrelsen"
kind = "nämnd"

[recipients.forening]
name = "Föreningen <Framåt>"
kind = "extern"

[funds.am]
name = "Arbetsmarknadsmedel"
wording = "ur regionstyrelsens reserv"
total = { 2025 = "1 000 001 kr" }

[[rules]]
rule = "fixed"
[[rules.lines]]
to = "KS"
amount = "300 000"
years = [2025]
action = "överför"
[[rules.lines.grants]]
to = "forening"
amount = 250_000
agreements = ["KS 2024/99"]

[[rules]]
rule = "percentage_key"
key = { "Nämnd för å & ä" = "1/3", KS = "2/3" }
"""


def test_beslut_words_another_city(cli, tmp_path):
    path = tmp_path / "lund.toml"
    path.write_text(OTHER_CITY, encoding="utf-8")
    result = cli("run", path, "--quiet")
    assert result.exit_code == 0, result.output
    points = {r["point"]: r["text"] for r in cli.json_report("beslut")["rows"]}
    # 700 001 kr left: a third is 233 333,67 -> 233 333 (remainder 0,67), two thirds 466 667,33 ->
    # 466 667 (0,33); the one krona left goes to the larger remainder: the first line.
    assert points == {
        1: "Regionstyrelsen överför 300 000 kronor 2025 ur regionstyrelsens reserv till regionstyrelsen.",
        2: "Regionstyrelsen beviljar Föreningen <Framåt> 250 000 kronor i enlighet med ingångna avtal (KS 2024/99) "
        "2025 med finansiering från regionstyrelsens ram.",
        3: "Regionstyrelsen tilldelar arbetsmarknadsnämnden | AMN 233 334 kronor 2025 ur regionstyrelsens reserv "
        "för Arbetsmarknadsmedel.",
        4: "Regionstyrelsen tilldelar regionstyrelsen 466 667 kronor 2025 ur regionstyrelsens reserv för "
        "Arbetsmarknadsmedel.",
    }
    assert "Malmö" not in str(points) and "kommunstyrelsen" not in str(points)


def test_markdown_escapes_hostile_names(cli, tmp_path):
    path = tmp_path / "lund.toml"
    path.write_text(OTHER_CITY, encoding="utf-8")
    out = cli("run", path).stdout
    rows = [line for line in out.splitlines() if line.startswith("| 2025")]
    assert len(rows) == 3
    for line in rows:
        # Every row keeps its 8 cells: an escaped pipe in a name must not split a cell.
        assert len(re.split(r"(?<!\\)\|", line.strip())) == 8 + 2
    assert "Arbetsmarknadsnämnden \\| AMN" in out


def test_custom_wording_template(cli, scenario_file):
    path = scenario_file(
        (
            'purpose = "Ung i sommar"\n\n[[rules.lines]]\nto = "KS"',
            'purpose = "Ung i sommar"\ntext = "$decider anvisar $recipient $amount kronor $years för $purpose."'
            '\n\n[[rules.lines]]\nto = "KS"',
        )
    )
    assert cli("run", path, "--quiet").exit_code == 0
    points = {r["point"]: r["text"] for r in cli.json_report("beslut")["rows"]}
    assert (
        points[2]
        == "Kommunstyrelsen anvisar arbetsmarknads- och socialnämnden 9 000 000 kronor årligen 2024 - 2026 för Ung i sommar."
    )


def test_every_hook_is_documented_with_an_example():
    specs = [f for name, f in inspect.getmembers(hookspecs, inspect.isfunction) if hasattr(f, "jobbsats_spec")]
    assert {f.__name__ for f in specs} >= {
        "register_rules",
        "register_reports",
        "register_formats",
        "register_commands",
        "config_schema",
    }
    for spec in specs:
        doc = inspect.getdoc(spec) or ""
        assert "Example::" in doc and "@jobbsats.hookimpl" in doc, spec.__name__
        for param in inspect.signature(spec).parameters:
            assert f":param {param}:" in doc, (spec.__name__, param)


def test_beslut_is_one_paper_over_the_years_and_each_year_on_its_own_with_year(cli, scenario_file):
    # 2025 has a total too; the 9 000 000 kr line runs 2024-2026 and the 500 000 kr line is moved
    # to 2024 only, so 2025's points are: ASN 9 000 000, KS 4 900 000 (överför), its grant, then the key.
    path = scenario_file(
        ("total = { 2024 = 40_000_000 }", "total = { 2024 = 40_000_000, 2025 = 30_000_000 }"),
        ('amount = 500_000\nyears = "2024-2026"', "amount = 500_000\nyears = 2024"),
    )
    assert cli("run", path, "--quiet").exit_code == 0
    # --year 2025: that year's own decision, numbered on its own.
    # 2025: 30 000 000 - 9 000 000 - 4 900 000 = 16 100 000 kr by 51/27/16/6 = 8 211 000 / 4 347 000 /
    # 2 576 000 / 966 000 kr; the preamble is point 1 and the three closing points follow.
    rows = cli.json_report("beslut", "--year", "2025")["rows"]
    assert [(r["year"], r["point"], r["amount_ore"]) for r in rows] == [
        (2025, 1, None),
        (2025, 2, 900_000_000),
        (2025, 3, 490_000_000),
        (2025, 4, 490_000_000),
        (2025, 5, 821_100_000),
        (2025, 6, 434_700_000),
        (2025, 7, 257_600_000),
        (2025, 8, 96_600_000),
        (2025, 9, None),
        (2025, 10, None),
        (2025, 11, None),
    ]
    # Without --year, one paper: the preamble (1), 2024's eight points (2-9: 9 000 000, 500 000, 4 900 000
    # överför, its grant, the key's 13 056 000 / 6 912 000 / 4 096 000 / 1 536 000), then 2025's key points
    # (10-13): its three årligen points are 2024's, word for word, and are not decided again; the closing 14-16.
    rows = cli.json_report("beslut")["rows"]
    assert [(r["year"], r["point"], r["amount_ore"]) for r in rows] == [
        (None, 1, None),
        (2024, 2, 900_000_000),
        (2024, 3, 50_000_000),
        (2024, 4, 490_000_000),
        (2024, 5, 490_000_000),
        (2024, 6, 1_305_600_000),
        (2024, 7, 691_200_000),
        (2024, 8, 409_600_000),
        (2024, 9, 153_600_000),
        (2025, 10, 821_100_000),
        (2025, 11, 434_700_000),
        (2025, 12, 257_600_000),
        (2025, 13, 96_600_000),
        (None, 14, None),
        (None, 15, None),
        (None, 16, None),
    ]
    md = cli("report", "beslut").stdout
    assert md.startswith("# Förslag till beslut 2024–2025 (STK-2024-291)\n")
    assert "## " not in md and md.count("godkänner förslag om nytt upplägg") == 1
    assert md.count("Kommunstyrelsen uppmanar Tillväxt Malmö och Level") == 1


def test_first_point_must_come_after_the_preamble(cli, scenario_file):
    path = scenario_file(('decider = "Kommunstyrelsen"', 'decider = "Kommunstyrelsen"\nfirst_point = 1'))
    result = cli("validate", path)
    assert result.exit_code == 1
    assert "decision.first_point: must be at least 2" in result.stderr


def test_csv_keeps_formula_like_names_as_text(cli, scenario_file):
    path = scenario_file(('name = "Tillväxt Malmö och Level"', 'name = "=HYPERLINK(\\"http://x\\",\\"klick\\")"'))
    assert cli("run", path, "--quiet").exit_code == 0
    rows = list(csv.DictReader(io.StringIO(cli("report", "fordelning", "-f", "csv").stdout)))
    onward = [r["passed_on_to"] for r in rows if r["passed_on_to"]]
    assert onward == ['\'=HYPERLINK("http://x","klick")']
    assert all(not r["amount_ore"].startswith("'") for r in rows)


def test_custom_wording_with_an_unknown_placeholder_is_refused(cli, scenario_file):
    path = scenario_file(
        ('purpose = "Tillväxt Malmö & Level"', 'purpose = "Tillväxt Malmö & Level"\ntext = "$decider ger ${typo}."')
    )
    result = cli("validate", path)
    assert result.exit_code == 1
    assert "rules[0].lines[2].text: unknown placeholder $typo (known: $decider" in result.stderr


def test_a_fixed_line_whose_years_all_lack_a_total(cli, scenario_file):
    path = scenario_file(('amount = 500_000\nyears = "2024-2026"', 'amount = 500_000\nyears = "2030-2031"'))
    result = cli("validate", path)
    assert result.exit_code == 1
    assert "rules[0].lines[1].years: none of these years has a total in fund 'sjs' (2024)" in result.stderr


def test_unknown_recipient_lists_the_known_ones(cli, scenario_file):
    result = cli("validate", scenario_file(("ASN = 51", "asn = 51")))
    assert "rules[1].key.asn: unknown recipient 'asn' (recipients: ASN, FSN, GVN, KS, tillvaxt_level)" in result.stderr
