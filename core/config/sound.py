"""A quick walk that tells a document Cerberus would pass, so that a sound file is not walked by Cerberus.

Cerberus builds a validator object for every table it descends into and looks each rule up by name: most
of a run's time for a scenario with hundreds of recipients, or a key of hundreds of lines. Nearly every
file a command reads is sound, and for a sound file Cerberus says nothing. So :func:`surely_sound` walks
the document against the same schema first, with the rules jobbsats's schemas use and jobbsats's own
checks (the very methods of :class:`~jobbsats.config.checks.Checks`, which the validator has too), and
answers True only when Cerberus would find no problem. Anything it does not know (a rule it does not
handle, an unknown key, a value that is missing, empty or None where that needs a closer look, a problem
found) makes it answer False, and Cerberus then validates the document as ever and words its problems.
So the answer is never wrong in the direction that matters: True means no problem.
tests/test_speed_run_sound.py holds it to that; a sound file is so confirmed without loading Cerberus.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence, Sized
from typing import Any

from jobbsats.config.checks import TYPES, Checks

# The rules handled here; a rule set with any other is left to Cerberus.
_HANDLED = frozenset(
    {"type", "required", "empty", "allowed", "min", "max", "check_with", "schema", "regex"}
    | {
        "keysrules",
        "valuesrules",
    }
)


class _Unsure(Exception):
    """The walk cannot vouch for the document: Cerberus decides."""


class _Probe(Checks):
    """Stands in for a Cerberus validator in jobbsats's ``check_with`` methods: where the value is, and
    whether a method reported a problem (any problem at all ends the walk)."""

    def __init__(self, root: Mapping[str, Any]) -> None:
        self.root_document = root
        self.document_path: tuple[Any, ...] = ()

    def _error(self, *args: Any) -> None:
        raise _Unsure

    def _errors_below(self, field: str, value: Any, found: list[tuple[tuple[Any, ...], str]]) -> None:
        if found:
            raise _Unsure


def surely_sound(document: Any, schema: Mapping[str, Any]) -> bool:
    """True when Cerberus (with jobbsats's validator, unknown keys refused, no normalisation) would find no
    problem in ``document`` against ``schema``; False when it might."""
    if not isinstance(document, Mapping):
        return False
    probe = _Probe(document)
    try:
        _mapping(document, schema, (), probe)
    except _Unsure:
        return False
    except Exception:  # a check that fails on a value it does not expect: Cerberus says what it says
        return False
    return True


def _mapping(document: Mapping[Any, Any], schema: Mapping[str, Any], path: tuple[Any, ...], probe: _Probe) -> None:
    if not isinstance(schema, Mapping):
        raise _Unsure
    for field, value in document.items():
        rules = schema.get(field) if isinstance(field, str) else None
        if rules is None:
            raise _Unsure  # an unknown key: Cerberus refuses it
        _value(field, value, rules, path, probe)
    for field, rules in schema.items():
        if field not in document and isinstance(rules, Mapping) and rules.get("required"):
            raise _Unsure


def _definitions(types: Any) -> list[tuple[tuple[type, ...], tuple[type, ...]]]:
    """The (included, excluded) types a ``type`` rule names (one name or a list)."""
    key = types if isinstance(types, str) else tuple(types)
    found = _TYPES.get(key)
    if found is None:
        named = [TYPES.get(name) for name in ((types,) if isinstance(types, str) else types)]
        if any(d is None for d in named):
            raise _Unsure
        found = _TYPES[key] = [d for d in named if d is not None]
    return found


_TYPES: dict[Any, list[tuple[tuple[type, ...], tuple[type, ...]]]] = {}


def _value(field: Any, value: Any, rules: Any, path: tuple[Any, ...], probe: _Probe) -> None:
    """``value`` (at ``field`` of the table at ``path``) against its rules, in Cerberus's order."""
    if value is None or not isinstance(rules, dict | Mapping) or not rules.keys() <= _HANDLED:
        raise _Unsure
    kind = type(value)
    types = rules.get("type")
    if types is not None:
        for included, excluded in _definitions(types):
            if isinstance(value, included) and not isinstance(value, excluded):
                break
        else:
            raise _Unsure
    if kind is str or kind is dict or kind is list:
        if not value:
            raise _Unsure  # Cerberus then skips some rules and refuses it where "empty" is False: left to it
    elif isinstance(value, Sized) and len(value) == 0:
        raise _Unsure
    allowed = rules.get("allowed")
    if allowed is not None and not (kind is str and value in allowed):
        raise _Unsure
    if "min" in rules or "max" in rules:
        low, high = rules.get("min"), rules.get("max")
        if kind is not int or any(b is not None and type(b) is not int for b in (low, high)):
            raise _Unsure
        if (low is not None and value < low) or (high is not None and value > high):
            raise _Unsure
    checks = rules.get("check_with")
    if checks is not None:
        for check in (checks,) if isinstance(checks, str) else checks:
            method = getattr(probe, f"_check_with_{check}", None) if isinstance(check, str) else None
            if method is None:
                raise _Unsure
            probe.document_path = path
            method(field, value)
    pattern = rules.get("regex")
    if pattern is not None and isinstance(value, str):  # Cerberus matches any string, a str subclass too
        if not isinstance(pattern, str) or not re.match(pattern if pattern.endswith("$") else pattern + "$", value):
            raise _Unsure  # (re.match keeps the compiled pattern)
    sub, keys, values = rules.get("schema"), rules.get("keysrules"), rules.get("valuesrules")
    if sub is None and keys is None and values is None:
        return
    inner = (*path, field)
    is_mapping = kind is dict or isinstance(value, Mapping)
    if sub is not None:
        if is_mapping:
            _mapping(value, sub, inner, probe)
        elif isinstance(value, Sequence) and kind is not str:
            for index, item in enumerate(value):
                _value(index, item, sub, inner, probe)
    if is_mapping and (keys is not None or values is not None):
        for key, item in value.items():
            if keys is not None:
                _value(key, key, keys, inner, probe)
            if values is not None:
                _value(key, item, values, inner, probe)


def surely_valid_schema(schema: Any) -> bool:
    """True when Cerberus would take ``schema`` (a mapping of fields to their rules) as a valid schema for
    jobbsats's validator; False when it might not, and Cerberus should check it (a plugin's schema, refused
    with Cerberus's reason when broken). Only the rules :func:`surely_sound` handles count, each with a value
    of the kind Cerberus wants: checking the plugins' sections with Cerberus's own schema of schemas was a
    twentieth of every run where they are installed."""
    return isinstance(schema, Mapping) and all(_valid_rules(rules) for rules in schema.values())


def _valid_rules(rules: Any) -> bool:
    if not isinstance(rules, Mapping) or not rules.keys() <= _HANDLED:
        return False
    for rule, value in rules.items():
        if rule == "type":
            names = (value,) if isinstance(value, str) else value
            if not isinstance(names, list | tuple) or not names:
                return False
            if not all(isinstance(name, str) and name in TYPES for name in names):
                return False
        elif rule in ("required", "empty"):
            if not isinstance(value, bool):
                return False
        elif rule == "allowed":
            if not isinstance(value, list | tuple):
                return False
        elif rule in ("min", "max"):
            if type(value) is not int:
                return False
        elif rule == "check_with":
            checks = (value,) if isinstance(value, str) else value
            if not isinstance(checks, list | tuple) or not checks:
                return False
            if not all(isinstance(c, str) and hasattr(_Probe, f"_check_with_{c}") for c in checks):
                return False
        elif rule == "regex":
            if not isinstance(value, str):
                return False
        elif rule in ("keysrules", "valuesrules"):
            if not _valid_rules(value):
                return False
        elif rule == "schema":
            if not (surely_valid_schema(value) or _valid_rules(value)):
                return False
    return True
