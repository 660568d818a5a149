"""A wrong agreements file is one clear error naming the file and the key, never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from jobbsats import InputError

TILLVAXT = "[agreements.STK-2023-1150]"
LEVEL_SPLIT = 'end = 2026-12-31\ngranted = "2 450 000"\n# Level'


@pytest.fixture
def problems(ledger, edit):
    """``problems(*replacements, scenario=PATH)``: run, edit the agreements file, build the report: the
    problems it is refused with."""

    def refused(*replacements: tuple[str, str], scenario: Path | None = None) -> list[tuple[str, str]]:
        ledger.run(scenario or ledger.folder / "avtal.toml")
        if replacements:
            edit(*replacements)
        with pytest.raises(InputError) as caught:
            ledger.build("avtal")
        assert caught.value.source == str(ledger.folder / "avtal-2024.toml")
        return [(p.path, p.message) for p in caught.value.problems]

    return refused


def test_an_agreement_the_ledger_does_not_have(problems):
    found = problems(("[agreements.STK-2023-1149]", "[agreements.STK-2023-1148]"))
    assert (
        "agreements.STK-2023-1148",
        "no allocation of run 1 names this agreement (the run names STK-2023-1149, STK-2023-1150)",
    ) in found


def test_dates_that_are_no_dates(problems):
    found = problems(
        ("as_of = 2025-03-14", 'as_of = "2025-02-30"'),
        ("received = { 2024 = 2025-02-21 }", 'received = { 2024 = "21/2 2025" }'),
    )
    assert found == [
        (
            "agreements.STK-2023-1150.received.2024",
            "'21/2 2025' is not a date written as YYYY-MM-DD (such as 2020-01-01)",
        ),
        ("as_of", "'2025-02-30' is not a real date"),
    ]


def test_a_date_toml_refuses_names_the_file(problems):
    found = problems(("as_of = 2025-03-14", "as_of = 2025-02-30"))
    assert len(found) == 1 and found[0][0] == "" and "is not valid TOML" in found[0][1]


def test_an_end_before_the_start(problems):
    found = problems(("end = 2026-12-31", "end = 2023-12-31"))
    assert found == [("agreements.STK-2023-1150.end", "2023-12-31 is before the start, 2024-01-01")]


def test_amounts_that_are_not_whole_ore(problems):
    found = problems(
        ('reported = { 2024 = "2 412 300,50 kr" }', 'reported = { 2024 = "2 412 300,505 kr" }'),
        ('granted = "2 450 000"', "granted = 2450000.001"),
    )
    assert found == [
        ("agreements.STK-2023-1150.granted", "2450000.001 is not a whole number of öre"),
        ("agreements.STK-2023-1150.reported.2024", "'2 412 300,505 kr' is not a whole number of öre"),
    ]


def test_a_negative_amount(problems):
    found = problems(('reported = { 2024 = "2 412 300,50 kr" }', 'reported = { 2024 = "-5" }'))
    assert found == [("agreements.STK-2023-1150.reported.2024", "must not be negative")]


def test_parts_that_do_not_add_up(problems):
    found = problems((LEVEL_SPLIT, 'end = 2026-12-31\ngranted = { 2024 = "2 400 000" }\n# Level'))
    # 2 450 000 + 2 400 000 = 4 850 000 kr, 50 000 kr short of the 4 900 000 kr allocation.
    assert found == [
        (
            "agreements.STK-2023-1150.granted",
            "2 450 000 kr (STK-2023-1150) + 2 400 000 kr (STK-2023-1149) = 4 850 000 kr, but run 1 grants "
            "4 900 000 kr in 2024 under STK-2023-1150, STK-2023-1149 (rules[0].lines[2].grants[0]): "
            "the parts must add up to it exactly",
        )
    ]


def test_a_part_for_one_agreement_only(problems):
    found = problems((LEVEL_SPLIT, "end = 2026-12-31\n# Level"))
    assert [path for path, _ in found] == ["agreements.STK-2023-1149.granted"]
    assert "STK-2023-1150 gives its own part of it" in found[0][1]


def test_a_year_outside_the_period(problems):
    found = problems(('reported = { 2024 = "2 412 300,50 kr" }', 'reported = { 2024 = "2 412 300,50 kr", 2027 = 1 }'))
    assert found == [
        ("agreements.STK-2023-1150.reported.2027", "2027 is outside the agreement's period (2024-01-01 – 2026-12-31)")
    ]


def test_a_report_for_a_year_of_the_run_without_a_grant(problems, period_scenario):
    # The run covers 2024-2026 but grants Tillväxt Malmö och Level money in 2024-2025 only,
    # so a 2026 figure is a mistake (a year the run does not have at all would be left alone).
    text = period_scenario.read_text(encoding="utf-8")
    fixed_line = 'years = "2024-2026"\npurpose = "Tillväxt'
    period_scenario.write_text(text.replace(fixed_line, fixed_line.replace("2026", "2025")), encoding="utf-8")
    found = problems(
        ('reported = { 2024 = "2 412 300,50 kr" }', 'reported = { 2024 = "2 412 300,50 kr", 2026 = 1 }'),
        scenario=period_scenario,
    )
    assert found == [("agreements.STK-2023-1150.reported.2026", "run 1 grants nothing under STK-2023-1150 in 2026")]


def test_a_misspelt_key(problems):
    found = problems(('counterpart = "Level"', 'counterpart = "Level"\nrecieved = { 2024 = 2025-02-01 }'))
    assert found == [("agreements.STK-2023-1149.recieved", "unknown key (is it misspelt?)")]


def test_a_due_day_not_every_year_has(problems):
    found = problems(('counterpart = "Level"', 'counterpart = "Level"\ndue = "02-29"'))
    assert found == [("agreements.STK-2023-1149.due", "'02-29' is not a day that every year has")]


def test_a_missing_agreements_file_names_the_scenario_and_key(ledger):
    ledger.run(ledger.folder / "avtal.toml")
    (ledger.folder / "avtal-2024.toml").unlink()
    with pytest.raises(InputError) as caught:
        ledger.build("avtal")
    assert caught.value.source == str(ledger.folder / "avtal.toml")
    [problem] = caught.value.problems
    assert problem.path == "stadskontoret.agreements"
    assert problem.message.startswith(f"no such file: {ledger.folder / 'avtal-2024.toml'}")


def test_the_command_line_shows_the_message_and_exits_1(ledger, edit):
    ledger.run(ledger.folder / "avtal.toml")
    edit(("end = 2026-12-31", "end = 2023-12-31"))
    result = ledger.invoke("report", "avtal")
    assert result.exit_code == 1
    assert result.output == (
        f"Error: {ledger.folder / 'avtal-2024.toml'}: agreements.STK-2023-1150.end: "
        "2023-12-31 is before the start, 2024-01-01\n"
    )
    assert "Traceback" not in result.output


def test_the_scenario_section_is_checked_when_the_run_is_made(ledger, edit):
    edit(('agreements = "avtal-2024.toml"', 'agreement = "avtal-2024.toml"'), name="avtal.toml")
    result = ledger.run(ledger.folder / "avtal.toml", check=False)
    assert result.exit_code == 1
    assert "stadskontoret.agreement: unknown key" in result.output
    assert "stadskontoret.agreements: is required but missing" in result.output
