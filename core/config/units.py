"""Amounts in a rule's entry become integers in its fund's unit, once, as the file is read.

A rule declares its money keys in its schema (``jobbsats.MONEY``, or a table of
amounts by year); whatever the file writes there ("1 000", "0,5", 1_516) arrives
in ``spec.config`` as öre for a fund in kronor and as whole units for a fund that
counts something else, so a rule never converts money itself and cannot convert
it with the wrong unit.
"""

from __future__ import annotations

from typing import Any

from jobbsats.errors import Problem, key_path
from jobbsats.money import AmountError, to_units

_MONEY_CHECKS = ("money", "money_by_year")


def in_units(value: Any, schema: dict[str, Any], unit: str, path: str, problems: list[Problem]) -> Any:
    """``value`` with every amount its ``schema`` (one field's rules) declares turned into ``unit``."""
    check = schema.get("check_with")
    if check in _MONEY_CHECKS:
        if check == "money_by_year" and isinstance(value, dict):
            return {year: _amount(v, unit, key_path(path, year), problems) for year, v in value.items()}
        return _amount(value, unit, path, problems)
    inner = schema.get("schema")
    if isinstance(value, dict):
        if isinstance(inner, dict) and schema.get("type") == "dict":
            return fields_in_units(value, inner, unit, path, problems)
        values = schema.get("valuesrules")
        if isinstance(values, dict):
            return {k: in_units(v, values, unit, key_path(path, k), problems) for k, v in value.items()}
    if isinstance(value, list) and isinstance(inner, dict):
        return [in_units(item, inner, unit, key_path(path, i), problems) for i, item in enumerate(value)]
    return value


def fields_in_units(
    document: dict[str, Any], schema: dict[str, Any], unit: str, path: str, problems: list[Problem]
) -> dict[str, Any]:
    """A table whose keys ``schema`` describes, with its amounts in ``unit``."""
    return {
        key: in_units(value, schema[key], unit, key_path(path, key), problems)
        if isinstance(schema.get(key), dict)
        else value
        for key, value in document.items()
    }


def _amount(value: Any, unit: str, path: str, problems: list[Problem]) -> Any:
    try:
        return to_units(value, unit)
    except AmountError as exc:  # kronor were checked by the schema; whole units are checked here
        problems.append(Problem(path, str(exc)))
        return value
