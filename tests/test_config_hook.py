"""Plugins bring their own config sections; the core validates the whole file in one pass."""

from __future__ import annotations

import pytest

import jobbsats
from jobbsats.config import load_scenario
from jobbsats.errors import InputError, PluginError
from jobbsats.plugins import add_plugin
from jobbsats.registry import get_registry


class AsfSection:
    @jobbsats.hookimpl
    def config_schema(self):
        return {"asf": {"type": "dict", "schema": {"threshold": {"type": "integer", "min": 1}}}}


class AlsoAsf:
    @jobbsats.hookimpl
    def config_schema(self):
        return {"asf": {"type": "dict"}}


def write(tmp_path, example_text, extra: str):
    path = tmp_path / "s.toml"
    path.write_text(example_text + "\n" + extra, encoding="utf-8")
    return path


def test_a_plugin_section_is_validated_with_the_rest(tmp_path, example_text):
    add_plugin(AsfSection(), "jobbsats-asf")
    good = load_scenario(write(tmp_path, example_text, "[asf]\nthreshold = 5\n"), get_registry())
    assert good.extra == {"asf": {"threshold": 5}}
    bad = write(tmp_path, example_text.replace("ASN = 51", "ASN = 50"), "[asf]\nthreshhold = 5\n")
    with pytest.raises(InputError) as caught:
        load_scenario(bad, get_registry())
    # The typo in the plugin's section and the key summing to 99 % come in one message.
    assert [p.path for p in caught.value.problems] == ["asf.threshhold", "rules[1].key"]


def test_without_the_plugin_its_section_is_an_unknown_key(tmp_path, example_text):
    with pytest.raises(InputError) as caught:
        load_scenario(write(tmp_path, example_text, "[asf]\nthreshold = 5\n"), get_registry())
    assert [p.path for p in caught.value.problems] == ["asf"]
    assert "unknown key" in caught.value.problems[0].message


def test_true_is_not_an_integer_in_a_plugin_section_either(tmp_path, example_text):
    add_plugin(AsfSection(), "jobbsats-asf")
    with pytest.raises(InputError) as caught:
        load_scenario(write(tmp_path, example_text, "[asf]\nthreshold = true\n"), get_registry())
    assert [p.path for p in caught.value.problems] == ["asf.threshold"]


def test_two_plugins_claiming_one_section(tmp_path):
    add_plugin(AsfSection(), "first-plugin")
    add_plugin(AlsoAsf(), "second-plugin")
    with pytest.raises(PluginError) as caught:
        get_registry()
    assert "first-plugin" in str(caught.value) and "second-plugin" in str(caught.value)


class ClaimsFunds:
    @jobbsats.hookimpl
    def config_schema(self):
        return {"funds": {"type": "dict"}}


def test_a_plugin_claiming_a_core_section_is_refused_by_name():
    add_plugin(ClaimsFunds(), "greedy-plugin")
    with pytest.raises(PluginError) as caught:
        get_registry()
    assert "greedy-plugin" in str(caught.value) and "claims the core config key 'funds'" in str(caught.value)


class HalfARule:
    name = "half"
    description = "Has no check() nor allocate()."
    schema: dict = {}


class BringsHalfARule:
    @jobbsats.hookimpl
    def register_rules(self, register):
        register(HalfARule())


def test_a_rule_missing_members_is_told_which(tmp_path):
    add_plugin(BringsHalfARule(), "half-plugin")
    with pytest.raises(PluginError) as caught:
        get_registry()
    assert "lacks check, allocate" in str(caught.value)
    assert "JOBBSATS_LOAD_PLUGINS" in str(caught.value)


def test_unknown_rule_hints_at_the_allowlist(tmp_path, example_text):
    path = write(tmp_path, example_text.replace('rule = "percentage_key"', 'rule = "even_split"'), "")
    with pytest.raises(InputError) as caught:
        load_scenario(path, get_registry())
    assert "JOBBSATS_LOAD_PLUGINS='' may leave out the plugin" in str(caught.value)


def test_a_plugin_section_left_out_by_the_allowlist_says_so(cli, scenario_file):
    path = scenario_file(("[funds.sjs]", "[asf]\nsuppress_below = 5\n\n[funds.sjs]"))
    result = cli("validate", path)  # conftest sets JOBBSATS_LOAD_PLUGINS=''
    assert result.exit_code == 1
    assert "asf: unknown key (is it misspelt?); JOBBSATS_LOAD_PLUGINS='' may leave out the plugin that brings it" in (
        result.stderr
    )
