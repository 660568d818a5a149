"""The schemas jobbsats ships are valid Cerberus schemas (run time trusts them, see validator.py)."""

from __future__ import annotations

import pytest
from cerberus import SchemaError

import jobbsats
from jobbsats.allocation import RuleResult
from jobbsats.config import load_scenario
from jobbsats.config.schema import CORE_SCHEMA, RULE_ENTRY_SCHEMA
from jobbsats.config.validator import Validator
from jobbsats.errors import PluginError
from jobbsats.plugins import add_plugin
from jobbsats.registry import get_registry


def built_in_schemas():
    registry = get_registry()
    yield "core", CORE_SCHEMA
    yield "rule entry", RULE_ENTRY_SCHEMA
    for name, rule in registry.rules.items():
        if registry.is_builtin(registry.owner[("rule", name)]):
            yield f"rule {name}", {**RULE_ENTRY_SCHEMA, **rule.schema}


def test_every_built_in_schema_passes_cerberus_own_check():
    names = []
    for name, schema in built_in_schemas():
        Validator.clear_caches()
        Validator(schema)  # raises SchemaError if Cerberus finds the schema itself wrong
        names.append(name)
    assert names == [
        "core",
        "rule entry",
        "rule carry_over",
        "rule cofinancing",
        "rule fixed",
        "rule percentage_key",
        "rule rate",
        "rule unit_cost",
    ]


def test_cerberus_does_check_an_untrusted_schema():
    Validator.clear_caches()
    with pytest.raises(SchemaError):
        Validator({"x": {"type": "no-such-type"}})


class BrokenRule:
    name = "broken"
    description = "A rule whose schema Cerberus refuses."
    schema = {"amount": {"type": "no-such-type"}}

    def check(self, spec, scenario):
        return []

    def allocate(self, context):
        return RuleResult()


class BrokenPlugin:
    @jobbsats.hookimpl
    def register_rules(self, register):
        register(BrokenRule())


def test_a_plugin_rule_with_a_broken_schema_is_named(tmp_path, example_text):
    add_plugin(BrokenPlugin(), "jobbsats-broken")
    path = tmp_path / "s.toml"
    path.write_text(example_text + '\n[[rules]]\nrule = "broken"\namount = 1\n', encoding="utf-8")
    with pytest.raises(PluginError) as caught:
        load_scenario(path, get_registry())
    assert "'broken'" in str(caught.value) and "jobbsats-broken" in str(caught.value)
