"""The årshjul of STK-2024-291, for the budget year of the run and for others."""

from __future__ import annotations

from jobbsats_stadskontoret.arshjul import steps

# The årshjul in the tjänsteskrivelse of STK-2024-291 (2024-02-23), sentence by sentence
# ("jobsatsningar" there is written as the decision names the programme).
SEED = (
    "Kommunfullmäktige ger förutsättningar i och med budgetbeslut i november (år 1). Det innebär att "
    "Kommunfullmäktige kan justera summan för hela ”Strategiska jobbsatsningar” varje år.",
    "Fördelning sker därefter enligt procentsats till varje nämnd.",
    "Respektive nämnd tar beslut om sin budget i januari (år 2) och därmed allokeras årets fördelning av "
    "”Strategiska jobbsatsningar” i förvaltningarna.",
    "Respektive nämnd återrapporterar i stadens ordinarie uppföljningssystem samt i årsredovisningen "
    "januari/februari (år 3).",
)


def calendar(year: int) -> list[tuple[str, int | None, str]]:
    return [(s.month, s.year, s.who) for s in steps(year)]


def test_2024():
    # Budget year 2024: år 1 = 2023, år 2 = 2024, år 3 = 2025.
    assert calendar(2024) == [
        ("november", 2023, "Kommunfullmäktige"),
        ("därefter", None, "Kommunstyrelsen"),
        ("januari", 2024, "Respektive nämnd"),
        ("januari/februari", 2025, "Respektive nämnd"),
    ]


def test_2026():
    # Budget year 2026: KF in November 2025, återrapportering in January/February 2027.
    assert calendar(2026) == [
        ("november", 2025, "Kommunfullmäktige"),
        ("därefter", None, "Kommunstyrelsen"),
        ("januari", 2026, "Respektive nämnd"),
        ("januari/februari", 2027, "Respektive nämnd"),
    ]
    assert [s.months for s in steps(2026)] == [(11,), (), (1,), (1, 2)]


def test_the_steps_are_the_decisions_words_in_its_order():
    assert tuple(s.what for s in steps(2024)) == SEED
    assert [s.number for s in steps(2024)] == [1, 2, 3, 4]


def test_the_report_for_the_run(ledger):
    ledger.run(ledger.folder / "avtal.toml")
    report = ledger.report("arshjul")
    rows = [(r["budget_year"], r["step"], r["month"], r["year"], r["cycle"], r["who"]) for r in report["rows"]]
    assert rows == [
        (2024, 1, "november", 2023, "år 1", "Kommunfullmäktige"),
        (2024, 2, "därefter", None, "", "Kommunstyrelsen"),
        (2024, 3, "januari", 2024, "år 2", "Respektive nämnd"),
        (2024, 4, "januari/februari", 2025, "år 3", "Respektive nämnd"),
    ]
    # The run's decision's reference, and the agreements' own yearly reports.
    assert "Körning 1 (Strategiska jobbsatsningar 2024), beslut STK-2024-291; budgetår 2024." in report["paragraphs"]
    assert (
        "Därutöver ska Tillväxt Malmö och Level årligen återrapportera hur de använt medlen i enlighet med avtal "
        "(STK-2023-1150, STK-2023-1149); se rapporten avtal." in report["paragraphs"]
    )


def test_another_year_than_the_runs(ledger):
    ledger.run(ledger.folder / "avtal.toml")
    # The command line takes only the run's years for --year; the report itself takes any.
    document = ledger.build("arshjul", year=2026)
    assert [(r["month"], r["year"]) for r in document.tables[0].rows] == [
        ("november", 2025),
        ("därefter", None),
        ("januari", 2026),
        ("januari/februari", 2027),
    ]
    assert (
        "Budgetår 2026: budgetbeslut i kommunfullmäktige i november 2025, nämndernas budget i januari 2026 "
        "och återrapportering i januari/februari 2027." in document.paragraphs
    )


def test_every_year_of_a_longer_run(ledger, period_scenario):
    ledger.run(period_scenario)
    rows = ledger.report("arshjul")["rows"]
    assert [(r["budget_year"], r["year"]) for r in rows if r["step"] == 1] == [(2024, 2023), (2025, 2024), (2026, 2025)]
    only = ledger.report("arshjul", "--year", "2025")["rows"]
    assert [r["year"] for r in only] == [2024, None, 2025, 2026]
