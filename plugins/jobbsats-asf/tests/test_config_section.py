"""The [asf] section is checked by `jobbsats validate` and `jobbsats run`, with the rest of the file."""

from __future__ import annotations

import pytest
from jobbsats.config import load_scenario
from jobbsats.errors import InputError
from jobbsats.registry import get_registry


def refused(jobbsats, *replacements: tuple[str, str]) -> dict[str, str]:
    with pytest.raises(InputError) as caught:
        load_scenario(jobbsats.scenario(None, *replacements), get_registry())
    return {p.path: p.message for p in caught.value.problems}


def test_the_shipped_section_is_sound(jobbsats):
    scenario = load_scenario(jobbsats.scenario(), get_registry())
    asf = scenario.extra["asf"]
    assert list(asf["partners"]) == ["botildenborg", "roda_korset", "stadsmissionen", "yalla", "radda_barnen", "mff"]
    assert asf["partners"]["mff"]["goals"] == {"matchning": 300, "anstallda": 40}
    result = jobbsats("validate", jobbsats.folder / "iop.toml")
    assert result.exit_code == 0, result.output


def test_a_misspelt_goal(jobbsats):
    found = refused(jobbsats, ("anstallda = 40", "anstalda = 40"))
    assert list(found) == ["asf.partners.mff.goals.anstalda"]
    assert "unknown key" in found["asf.partners.mff.goals.anstalda"]


def test_goals_are_whole_numbers_above_0(jobbsats):
    found = refused(jobbsats, ("matchning = 300, anstallda = 40", 'matchning = 0, anstallda = "40"'))
    assert list(found) == ["asf.partners.mff.goals.anstallda", "asf.partners.mff.goals.matchning"]


def test_suppress_below_at_least_3(jobbsats):
    assert list(refused(jobbsats, ("suppress_below = 5", "suppress_below = 2"))) == ["asf.suppress_below"]
    assert list(refused(jobbsats, ("suppress_below = 5", "suppress_below = true"))) == ["asf.suppress_below"]


def test_required_keys_and_problems_together(jobbsats):
    found = refused(
        jobbsats,
        ('indicators = "indikatorer-2024.csv"', ""),
        ('purpose = "Arbetsträning med arbetslivsinriktad rehabilitering"\n', ""),
        ("ASN = 51", "ASN = 50"),  # a core problem, reported in the same message
    )
    assert list(found) == ["asf.indicators", "asf.partners.botildenborg.purpose", "rules[1].key"]


def test_without_the_plugin_the_section_is_unknown(jobbsats, monkeypatch):
    from jobbsats import plugins

    plugins.reset()  # JOBBSATS_LOAD_PLUGINS is '' (conftest): nothing outside the core
    result = jobbsats("validate", jobbsats.scenario())
    assert result.exit_code == 1
    assert "asf: unknown key" in result.output
