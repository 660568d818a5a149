"""Issue 16, point 5: a decision over several years is one paper.

Without ``--year``, ``beslut`` of a run over several years has the preamble once, its points numbered
once straight through the years (a point decided "årligen 2024 - 2026" once, as seed 000 decides it),
and the closing once. With ``--year`` it is that year's own decision, numbered on its own, as before.
The expected points are seed 000's (STK-2024-291), numbered by hand.
"""

from __future__ import annotations

import pytest

# Seed 000, "Förslag till beslut" (000_17701ca9e38dfbc7.txt): point 1, points 2-9 and the closing
# points 10-12 as the paper writes them (its "åiterrapportera" is a scanning error, written right here).
PREAMBLE = (
    "Kommunstyrelsen godkänner förslag om nytt upplägg för Strategiska jobbsatsningar i enlighet med förslag i ärendet."
)
RECURRING = [  # points 2-5: decided "årligen 2024 - 2026"
    "Kommunstyrelsen tilldelar arbetsmarknads- och socialnämnden 9 000 000 kronor årligen 2024 - 2026 för Ung i sommar från kommunstyrelsens anslag till förfogande inom finansiering.",
    "Kommunstyrelsen tilldelar kommunstyrelsen 500 000 kronor årligen 2024 - 2026 för Ung i sommar från kommunstyrelsens anslag till förfogande inom finansiering.",
    "Kommunstyrelsen överför 4 900 000 kronor årligen 2024 - 2026 från kommunstyrelsens anslag till förfogande inom finansiering till kommunstyrelsen.",
    "Kommunstyrelsen beviljar Tillväxt Malmö och Level 4 900 000 kronor årligen i enlighet med ingångna avtal (STK-2023-1150, STK-2023-1149) 2024 - 2026 med finansiering från kommunstyrelsens ram.",
]
KEY_2024 = [  # points 6-9: the key on the 25,6 mnkr left of 2024's 40 mnkr
    "Kommunstyrelsen tilldelar arbetsmarknads- och socialnämnden 13 056 000 kronor 2024 från kommunstyrelsens anslag till förfogande inom finansiering för Strategiska jobbsatsningar.",
    "Kommunstyrelsen tilldelar gymnasie- och vuxenutbildningsnämnden 6 912 000 kronor 2024 från kommunstyrelsens anslag till förfogande inom finansiering för Strategiska jobbsatsningar.",
    "Kommunstyrelsen tilldelar funktionsstödsnämnden 4 096 000 kronor 2024 från kommunstyrelsens anslag till förfogande inom finansiering för Strategiska jobbsatsningar.",
    "Kommunstyrelsen tilldelar kommunstyrelsen 1 536 000 kronor 2024 från kommunstyrelsens anslag till förfogande inom finansiering för Strategiska jobbsatsningar.",
]
CLOSING = [
    "Kommunstyrelsen inarbetar i beredningen av kommunstyrelsens budget för 2025 avseende kommunstyrelsens anslag till förfogande inom finansiering och 2026 avseende fördelning av medel för Strategiska jobbsatsningar till nämnder enligt fördelning som redogörs för i ärendet.",
    "Kommunstyrelsen uppmanar arbetsmarknads- och socialnämnden, gymnasie- och vuxenutbildningsnämnden och funktionsstödsnämnden att i stadens ordinarie uppföljningssystem samt i årsanalys återrapportera hur de använt medlen från Strategiska jobbsatsningar och Ung i sommar.",
    "Kommunstyrelsen uppmanar Tillväxt Malmö och Level att årligen återrapportera hur de använt medlen i enlighet med avtal (STK-2023-1150, STK-2023-1149).",
]
# 2025 and 2026 assume 2024's 40 mnkr: the same key amounts, in their own year.
KEY_2025 = [t.replace(" kronor 2024 ", " kronor 2025 ") for t in KEY_2024]
KEY_2026 = [t.replace(" kronor 2024 ", " kronor 2026 ") for t in KEY_2024]

DECISION = 'decider = "Kommunstyrelsen"\n'
WORDING = DECISION + f"preamble = [{PREAMBLE!r}]\nclosing = [{', '.join(repr(t) for t in CLOSING)}]\n"


@pytest.fixture
def period(cli, example_file):
    """The malmo-2024-2026 example with seed 000's preamble and closing, run; returns a run of more text."""

    def run(more: str = ""):
        path = example_file("malmo-2024-2026", (DECISION, WORDING))
        path.write_text(path.read_text(encoding="utf-8") + more, encoding="utf-8")
        result = cli("run", path, "--quiet")
        assert result.exit_code == 0, result.output

    run()
    return run


def points(cli, *args: str) -> list[tuple[int, str]]:
    return [(r["point"], r["text"]) for r in cli.json_report("beslut", *args)["rows"]]


def test_three_years_are_one_paper_numbered_straight_through(cli, period):
    paper = [PREAMBLE, *RECURRING, *KEY_2024, *KEY_2025, *KEY_2026, *CLOSING]
    assert points(cli) == list(enumerate(paper, start=1))  # 1 + 4 + 3 × 4 + 3 = 20 points
    report = cli.json_report("beslut")
    assert [t.name for t in cli.kit.build("beslut").tables] == ["beslut"]  # one table, not one per year
    # The years the points belong to: the preamble and closing to none, an årligen point to its first.
    assert [r["year"] for r in report["rows"]] == [None] + [2024] * 8 + [2025] * 4 + [2026] * 4 + [None] * 3
    assert [r["amount_ore"] for r in report["rows"][1:5]] == [900_000_000, 50_000_000, 490_000_000, 490_000_000]
    md = cli("report", "beslut").stdout
    assert md.startswith("# Förslag till beslut 2024–2026 (STK-2024-291)\n")
    assert "## " not in md  # one list, no heading per year
    assert md.count(PREAMBLE) == 1 and all(md.count(t) == 1 for t in CLOSING)
    assert "\n1. Kommunstyrelsen godkänner" in md and "\n20. Kommunstyrelsen uppmanar Tillväxt Malmö" in md
    # The assumed totals are still said.
    assert "Beloppen för 2026 bygger på en antagen total för Strategiska jobbsatsningar" in md


def test_with_year_a_year_is_its_own_decision_as_before(cli, period):
    # 2025's own paper: the preamble, the four årligen points and 2025's key (2-9), the closing (10-12).
    rows = cli.json_report("beslut", "--year", "2025")["rows"]
    assert [(r["point"], r["text"]) for r in rows] == list(
        enumerate([PREAMBLE, *RECURRING, *KEY_2025, *CLOSING], start=1)
    )
    assert {r["year"] for r in rows} == {2025}
    md = cli("report", "beslut", "--year", "2025").stdout
    assert md.startswith("# Förslag till beslut 2025 (STK-2024-291)\n")


def test_an_extract_cites_the_numbers_of_the_paper_it_is_taken_from(cli, period):
    # ASN: the 9 000 000 kr årligen (2), and its key points of 2024, 2025 and 2026 (6, 10, 14).
    assert points(cli, "--recipient", "ASN") == [(2, RECURRING[0]), (6, KEY_2024[0]), (10, KEY_2025[0])] + [
        (14, KEY_2026[0])
    ]
    # Tillväxt Malmö och Level: its grant, decided once for the three years.
    assert points(cli, "--recipient", "tillvaxt_level") == [(5, RECURRING[3])]
    # From 2026's own paper, 2026's own numbers.
    assert points(cli, "--year", "2026", "--recipient", "ASN") == [(2, RECURRING[0]), (6, KEY_2026[0])]
    md = cli("report", "beslut", "--recipient", "GVN").stdout
    assert "Punkterna har sina nummer i hela beslutet" in md
    assert "\n7. " in md and "\n11. " in md and "\n15. " in md and PREAMBLE not in md


def test_a_projects_points_follow_every_years_points_before_the_closing(cli, period):
    period(PROJECT)
    take_part = (
        "Kommunstyrelsen uppdrar åt förvaltningen att medverka i Projekt P under förutsättning att ESF beviljar medel."
    )
    apply = "Kommunstyrelsen uppdrar åt förvaltningen att i samverkan med projektägaren Region Skåne ansöka om medel till Projekt P."
    paper = [PREAMBLE, *RECURRING, *KEY_2024, *KEY_2025, *KEY_2026, apply, take_part, *CLOSING]
    assert points(cli) == list(enumerate(paper, start=1))
    assert points(cli, "--recipient", "KS")[-2:] == [(18, apply), (19, take_part)]


def test_a_single_year_run_is_the_years_paper_unchanged(cli):
    cli.prepare(("run", "--quiet"))  # malmo-2024: seed 000's own decision
    whole, year = cli.json_report("beslut"), cli.json_report("beslut", "--year", "2024")
    assert whole == year
    assert [(r["point"], r["text"]) for r in whole["rows"]][1:9] == list(enumerate(RECURRING + KEY_2024, start=2))
    assert cli("report", "beslut").stdout.startswith("# Förslag till beslut 2024 (STK-2024-291)\n")


def test_a_year_without_a_total_leaves_a_gap_in_the_title_and_none_in_the_numbers(cli, example_file):
    path = example_file(
        "malmo-2024-2026",
        ('2025 = { amount = 40_000_000, assumed = true, note = "samma som 2024 i väntan på KF:s budget" }\n', ""),
    )
    assert cli("run", path, "--quiet").exit_code == 0
    md = cli("report", "beslut").stdout
    assert md.startswith("# Förslag till beslut 2024 och 2026 (STK-2024-291)\n")
    assert "Totalen för 2025 är ej beslutad: inga beslutspunkter." in md
    # No preamble in this example: 2024's eight points (1-8), then 2026's key (9-12).
    assert points(cli) == list(enumerate([*RECURRING, *KEY_2024, *KEY_2026], start=1))


# A project kommunstyrelsen takes part in on ESF's grant, and applies for with its owner.
PROJECT = """
[financiers.esf]
name = "Europeiska socialfonden (ESF)"

[projects.p]
name = "Projekt P"
owner = "Region Skåne"
start = 2024-01-01
end = 2024-12-31
apply_with_owner = true

[[projects.p.financing]]
financier = "esf"
amount = "1 000 000 kr"
status = "ansökt"

[[projects.p.financing]]
financier = "KS"
amount = "100 000 kr"
status = "beviljad"
condition = "esf"

[[rules]]
rule = "cofinancing"
"""
