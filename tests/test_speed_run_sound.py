"""Issue 18: a quick walk vouches for a sound scenario file, so that Cerberus walks only a file with problems.

What matters is one direction: whenever the walk says "sound", Cerberus finds no problem. Checked against
Cerberus itself on every bundled example, every scenario of the bad-input catalogue, and documents and
schemas mutated at random; and the walk must vouch for the bundled examples, or it saves nothing.
"""

from __future__ import annotations

import copy
from datetime import date
from decimal import Decimal
from functools import cache
from pathlib import Path

import pytest
from cerberus import SchemaError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jobbsats.config.load import _nfc_keys, parse_toml
from jobbsats.config.schema import CORE_SCHEMA, RULE_ENTRY_SCHEMA
from jobbsats.config.sound import surely_sound, surely_valid_schema
from jobbsats.config.validator import Messages, Validator
from jobbsats.errors import InputError
from jobbsats.registry import get_registry

EXAMPLES = sorted((Path(__file__).parents[1] / "core" / "examples").glob("*.toml"))
# The catalogue's scenario files that are plain files of a readable size (not its FIFOs, devices, links).
BAD_INPUT = sorted(
    p
    for p in (Path(__file__).parent / "bad_input").glob("*/*.toml")
    if not p.is_symlink() and p.is_file() and p.stat().st_size < 2_000_000
)


# A Cerberus validator starts each validate() afresh (its errors, document and error handler), so one made per
# schema does for every document: making one was 7 of the 10 ms a check of an example took, and the property
# tests below check some two thousand documents. Keyed by the schema's repr: the same rules, the same validator.
_validators: dict[str, Validator] = {}


def cerberus_problems(document, schema) -> dict:
    key = repr(schema)
    validator = _validators.get(key)
    if validator is None:
        validator = _validators[key] = Validator(schema, allow_unknown=False, error_handler=Messages)
    validator.validate(document, normalize=False)
    return validator.errors


@cache
def _parsed(path: Path):
    try:
        return _nfc_keys(parse_toml(path.read_text(encoding="utf-8"), str(path)), "", [])
    except (InputError, UnicodeDecodeError):
        return None


def read(path: Path):
    """The file's document, parsed once a session (the property test below draws the same six examples
    hundreds of times); a copy of its own to each caller, which may change it."""
    return copy.deepcopy(_parsed(path))


def schemas(document) -> list[tuple[object, dict]]:
    """The core schema over the document, and each rule entry's schema over that entry."""
    registry = get_registry()
    found = [(document, {**CORE_SCHEMA, **registry.config_schema})]
    entries = document.get("rules") if isinstance(document, dict) else None
    for entry in entries if isinstance(entries, list) else []:
        name = entry.get("rule") if isinstance(entry, dict) else None
        rule = registry.rules.get(name) if isinstance(name, str) else None
        if rule is not None:
            found.append((entry, {**RULE_ENTRY_SCHEMA, **rule.schema}))
    return found


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_the_walk_vouches_for_every_bundled_example(path):
    for document, schema in schemas(read(path)):
        assert cerberus_problems(document, schema) == {}
        assert surely_sound(document, schema)


@pytest.mark.parametrize("path", BAD_INPUT, ids=lambda p: p.parent.name + "/" + p.name)
def test_the_walk_never_vouches_for_what_cerberus_refuses(path):
    document = read(path)
    if not isinstance(document, dict):
        return  # not TOML at all: refused before any schema
    for part, schema in schemas(document):
        if cerberus_problems(part, schema):
            assert not surely_sound(part, schema)


# Values a scenario may hold in the wrong place: every TOML type, empty ones, odd text and numbers.
odd_values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.decimals(allow_nan=False, allow_infinity=False, places=3),
    st.text(max_size=8),
    st.sampled_from(["", " ", "\u202e", "ASN ", "1 000 kr", "33,33 %", "1/3", "-5", "2024-2026", "x\ny", "0x10"]),
    st.just(date(2024, 1, 1)),
    st.just({}),
    st.just([]),
    st.just({"name": "X"}),
    st.just(["a"]),
)


def _paths(value, prefix=()):
    yield prefix
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _paths(item, (*prefix, index))


def _mutate(document, path, how, value):
    document = copy.deepcopy(document)
    if not path:
        return document
    parent = document
    for key in path[:-1]:
        parent = parent[key]
    last = path[-1]
    if how == "replace":
        parent[last] = value
    elif how == "delete":
        del parent[last]
    elif how == "add" and isinstance(parent[last], dict):
        parent[last]["unknown_key"] = value
    elif how == "add" and isinstance(parent[last], list):
        parent[last].append(value)
    elif how == "rename" and isinstance(parent, dict):
        parent[f"{last}\u0410"] = parent.pop(last)  # a Cyrillic A stuck to a key
    return document


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_a_mutated_example_is_vouched_for_only_when_cerberus_finds_nothing(data):
    path = data.draw(st.sampled_from(EXAMPLES))
    original = read(path)
    for _ in range(data.draw(st.integers(min_value=1, max_value=3))):
        where = data.draw(st.sampled_from(list(_paths(original))))
        how = data.draw(st.sampled_from(["replace", "delete", "add", "rename"]))
        original = _mutate(original, where, how, data.draw(odd_values))
    for document, schema in schemas(original):
        if surely_sound(document, schema):
            assert cerberus_problems(document, schema) == {}


rule_values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-3, 3),
    st.text(max_size=6),
    st.sampled_from(["string", "dict", "list", "integer", "decimal", "number", "boolean", "strng", "money", "name"]),
    st.lists(st.sampled_from(["string", "list", "dict", "integer", "nope", "money", "ids"]), max_size=3),
    st.just({}),
    st.just({"type": "string"}),
    st.just({"name": {"type": "string"}}),
    st.just({"name": {"type": "strng"}}),
)
rule_names = st.sampled_from(
    ["type", "required", "empty", "allowed", "min", "max", "check_with", "schema", "regex", "keysrules"]
    + ["valuesrules", "nullable", "coerce", "oneof", "dependencies", "typo"]
)
rules_st = st.dictionaries(rule_names, rule_values, max_size=4)
schema_st = st.dictionaries(st.sampled_from(["a", "b", "name", "type"]), rules_st, max_size=3)


@settings(max_examples=500, deadline=None)
@given(schema=schema_st)
def test_a_schema_is_vouched_for_only_when_cerberus_takes_it(schema):
    if surely_valid_schema(schema):
        Validator(schema)  # raises SchemaError if Cerberus refuses it


def test_every_built_in_and_installed_schema_is_vouched_for():
    registry = get_registry()
    assert surely_valid_schema(CORE_SCHEMA)
    assert surely_valid_schema(registry.config_schema)
    for rule in registry.rules.values():
        assert surely_valid_schema({**RULE_ENTRY_SCHEMA, **rule.schema}), rule.name


@pytest.mark.parametrize(
    "schema",
    [
        {"a": {"type": "strng"}},
        {"a": {"required": "yes"}},
        {"a": {"check_with": "no_such_check"}},
        {"a": {"nullable": True}},  # a rule the walk leaves to Cerberus
        {"a": {"schema": {"b": {"min": "1"}}}},
    ],
)
def test_a_schema_the_walk_does_not_know_is_left_to_cerberus(schema):
    assert not surely_valid_schema(schema)


def test_cerberus_still_refuses_a_broken_plugin_rule_schema():
    # What the walk leaves to Cerberus, Cerberus still refuses, as before.
    with pytest.raises(SchemaError):
        Validator({"a": {"type": "strng"}})


@pytest.mark.parametrize(
    ("document", "sound"),
    [
        ({"a": "text"}, True),
        ({"a": ""}, False),  # empty: left to Cerberus
        ({"a": " "}, False),  # blank: not_blank says so
        ({"b": "x"}, False),  # unknown key
        ({}, False),  # a required key missing
        ({"a": "x", "n": Decimal("1.5")}, True),
        ({"a": "x", "n": True}, False),  # true is no number here
    ],
)
def test_small_documents(document, sound):
    schema = {
        "a": {"type": "string", "required": True, "empty": False, "check_with": "not_blank"},
        "n": {"type": "number"},
    }
    assert surely_sound(document, schema) is sound
    assert (cerberus_problems(document, schema) == {}) is sound
