"""The [asf] section is checked by `jobbsats validate` and `jobbsats run`, with the rest of the file."""

from __future__ import annotations

from pathlib import Path

import pytest
from jobbsats import InputError

DATA = Path(__file__).parent / "data"


def refused(ledger, iop, *replacements: tuple[str, str]) -> dict[str, str]:
    with pytest.raises(InputError) as caught:
        ledger.plan(iop(None, *replacements))
    return {p.path: p.message for p in caught.value.problems}


def test_the_shipped_section_is_sound(ledger, iop):
    scenario = ledger.plan(iop()).scenario
    asf = scenario.extra["asf"]
    assert list(asf["partners"]) == ["botildenborg", "roda_korset", "stadsmissionen", "yalla", "radda_barnen", "mff"]
    assert asf["partners"]["mff"]["goals"] == {"matchning": 300, "anstallda": 40}
    result = ledger.invoke("validate", ledger.folder / "iop.toml")
    assert result.exit_code == 0, result.output


def test_a_misspelt_goal(ledger, iop):
    found = refused(ledger, iop, ("anstallda = 40", "anstalda = 40"))
    assert list(found) == ["asf.partners.mff.goals.anstalda"]
    assert "unknown key" in found["asf.partners.mff.goals.anstalda"]


def test_goals_are_whole_numbers_above_0(ledger, iop):
    found = refused(ledger, iop, ("matchning = 300, anstallda = 40", 'matchning = 0, anstallda = "40"'))
    assert list(found) == ["asf.partners.mff.goals.anstallda", "asf.partners.mff.goals.matchning"]


def test_suppress_below_at_least_3(ledger, iop):
    assert list(refused(ledger, iop, ("suppress_below = 5", "suppress_below = 2"))) == ["asf.suppress_below"]
    assert list(refused(ledger, iop, ("suppress_below = 5", "suppress_below = true"))) == ["asf.suppress_below"]


def test_required_keys_and_problems_together(ledger, iop):
    found = refused(
        ledger,
        iop,
        ('indicators = "indikatorer-2024.csv"', ""),
        ('purpose = "Arbetsträning med arbetslivsinriktad rehabilitering"\n', ""),
        ("ASN = 51", "ASN = 50"),  # a core problem, reported in the same message
    )
    assert list(found) == ["asf.indicators", "asf.partners.botildenborg.purpose", "rules[1].key"]


def test_without_the_plugin_the_section_is_unknown(jobbsats_ledger, monkeypatch):
    # No use(): the plugins installed, as on the command line, and JOBBSATS_LOAD_PLUGINS='' lets none in.
    monkeypatch.setenv("JOBBSATS_LOAD_PLUGINS", "")
    result = jobbsats_ledger.invoke("validate", DATA / "iop.toml")
    assert result.exit_code == 1
    assert "asf: unknown key" in result.output
