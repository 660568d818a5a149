"""A Cerberus validator with exact-number types and flat key-path errors."""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import cerberus
from cerberus import TypeDefinition, errors
from cerberus.errors import ValidationError
from cerberus.schema import DefinitionSchema
from cerberus.utils import mapping_hash

from jobbsats.config import names
from jobbsats.errors import Problem, describe, key_path, shown
from jobbsats.money import (
    KRONOR,
    AmountError,
    fund_unit,
    parse_kronor,
    parse_percent,
    parse_quantity,
    to_units,
)


class Validator(cerberus.Validator):
    """Cerberus, made strict about numbers.

    ``true`` is not an integer here (Cerberus counts ``bool`` as ``int``), TOML
    decimals arrive as :class:`~decimal.Decimal` and have their own type, and
    ``money`` values must convert to whole öre.
    """

    types_mapping = cerberus.Validator.types_mapping.copy()
    types_mapping["integer"] = TypeDefinition("integer", (int,), (bool,))
    types_mapping["decimal"] = TypeDefinition("decimal", (Decimal, int), (bool,))
    types_mapping["number"] = TypeDefinition("number", (Decimal, int), (bool,))

    def _check_with_money(self, field: str, value: Any) -> None:
        problem = money_problem(value)
        if problem:
            self._error(field, problem)

    def _check_with_money_by_year(self, field: str, value: Any) -> None:
        """An amount, or a table of amounts by year: ``{ 2020 = "3 796 tkr", 2021 = "20 594 tkr" }``."""
        if not isinstance(value, dict):
            self._check_with_money(field, value)
            return
        if not value:
            self._error(field, "must not be an empty table")
        for year, amount in value.items():
            if problem := year_key_problem(year):
                self._error(field, problem)
            elif problem := money_problem(amount):
                self._error(field, f"{year}: {problem}")

    def _fund_unit(self) -> str:
        """The unit of the fund whose ``total`` is being checked (kr unless it says otherwise)."""
        path = tuple(self.document_path)
        try:
            return fund_unit(self.root_document["funds"][path[1]].get("unit")) if path[:1] == ("funds",) else KRONOR
        except (KeyError, IndexError, TypeError, AttributeError):
            return KRONOR

    def _check_total_amount(self, field: str, value: Any, prefix: str = "") -> None:
        unit = self._fund_unit()
        if unit == KRONOR:
            problem = money_problem(value)
        else:
            try:
                problem = "must not be negative" if to_units(value, unit) < 0 else None
            except AmountError as exc:
                problem = str(exc)
        if problem:
            self._error(field, prefix + problem)

    def _check_with_total(self, field: str, value: Any) -> None:
        """A year's total: an amount, or ``{ amount = ..., assumed = true, note = "..." }``."""
        if not isinstance(value, dict):
            self._check_total_amount(field, value)
            return
        unknown = sorted(set(value) - {"amount", "assumed", "note"})
        if unknown:
            self._error(field, f"unknown key {unknown[0]!r} (a total takes amount, assumed and note)")
        if "amount" not in value:
            self._error(field, "needs an amount")
        else:
            self._check_total_amount(field, value["amount"], "amount ")
        if not isinstance(value.get("assumed", False), bool):
            self._error(field, "assumed must be true or false")
        if not isinstance(value.get("note", ""), str):
            self._error(field, "note must be text in quotes")

    def _check_with_percent(self, field: str, value: Any) -> None:
        try:
            parse_percent(value)
        except AmountError as exc:
            self._error(field, str(exc))

    def _check_with_share(self, field: str, value: Any) -> None:
        try:
            share = parse_percent(value)
        except AmountError as exc:
            self._error(field, str(exc))
            return
        if share > 100:
            self._error(field, "must be at most 100 %")

    def _check_with_date(self, field: str, value: Any) -> None:
        from jobbsats.config.projects import to_date

        try:
            to_date(value)
        except ValueError as exc:
            self._error(field, str(exc))

    def _check_with_quantity(self, field: str, value: Any) -> None:
        try:
            parse_quantity(value)
        except AmountError as exc:
            self._error(field, str(exc))

    def _check_with_unit(self, field: str, value: Any) -> None:
        if not isinstance(value, str) or not re.fullmatch(r"[A-Za-zåäöÅÄÖ]+", value):
            self._error(field, 'must be one word, such as "kr" or "platser"')
        elif value.lower() in ("tkr", "mnkr", "mkr", "öre"):
            self._error(field, f'a fund in kronor has unit = "kr"; to state it in {value}, write shown_in = "{value}"')

    def _check_with_years(self, field: str, value: Any) -> None:
        from jobbsats.rulekit import years_of

        if isinstance(value, str) and any(c.isdigit() and not c.isascii() for c in value):
            self._error(field, f"{shown(value)}: write years with the digits 0-9, such as 2024-2026")
            return
        try:
            years_of(value)
        except ValueError as exc:
            self._error(field, str(exc))

    def _check_with_not_blank(self, field: str, value: Any) -> None:
        if isinstance(value, str) and not value.strip():
            self._error(field, "must not be blank")
        elif isinstance(value, str) and any(unicodedata.category(c) == "Cc" for c in value):
            # A newline in a name would start a new line, or a heading, in every report.
            self._error(field, "must be one line, without newlines, tabs or other control characters")

    def _check_with_name(self, field: str, value: Any) -> None:
        """A name that reports show: one line, and nothing that reorders its letters as they are shown."""
        self._check_with_not_blank(field, value)
        if isinstance(value, str) and (problem := names.name_problem(value)):
            self._error(field, problem)

    def _check_with_ids(self, field: str, value: Any) -> None:
        """A ``[section.ID]`` table whose ids, and names, people can tell apart (see :mod:`jobbsats.config.names`).

        Each problem belongs to one entry (``recipients.ASN``, ``recipients.ASN.name``),
        below the table that is checked here, so it is added as Cerberus's own error
        for that path.
        """
        if not isinstance(value, dict):
            return
        besides = None
        if tuple(self.document_path) == () and field == "financiers":
            # A recipient can pay into a project too: financing lines name both by the same kind of id.
            recipients = self.root_document.get("recipients")
            besides = dict.fromkeys(recipients, "recipient") if isinstance(recipients, dict) else None
        found = names.table_problems(field, value, besides)
        self._error(
            [
                ValidationError(
                    (*self.document_path, field, *where),
                    (*self.schema_path, field, "check_with"),
                    errors.CUSTOM.code,
                    "check_with",
                    "ids",
                    value,
                    (message,),
                )
                for where, message in found
            ]
        )

    def _check_with_year(self, field: str, value: Any) -> None:
        if problem := year_key_problem(value):
            self._error(field, problem)


def year_key_problem(key: Any) -> str | None:
    """Why a table key is not a year such as "2024", or None."""
    from jobbsats.rulekit import years_of

    if not (isinstance(key, str) and re.fullmatch(r"[0-9]{4}", key)):
        return f"{shown(key)} is not a year (four digits, e.g. 2024)"
    try:
        years_of(int(key))
    except ValueError as exc:
        return str(exc)
    return None


def money_problem(value: Any) -> str | None:
    """Why ``value`` is not an amount of money the file may hold, or None."""
    try:
        ore = parse_kronor(value)
    except AmountError as exc:
        return str(exc)
    return "must not be negative" if ore < 0 else None


def _flatten(tree: dict, prefix: str) -> Iterator[Problem]:
    for key, items in tree.items():
        # A key may hold what cannot be seen (a zero-width space): the path shows it as \u200b.
        path = names.printable(key_path(prefix, key))
        for item in items:
            if isinstance(item, dict):
                yield from _flatten(item, path)
            else:
                yield Problem(path, str(item))


_TYPE_WORDS = {
    "integer": "a whole number",
    "decimal": "a number",
    "number": "a number",
    "string": "text in quotes",
    "dict": "a table",
    "list": "a list",
    "boolean": "true or false",
}


class Messages(errors.BasicErrorHandler):
    """Cerberus's messages, worded for people editing a scenario file."""

    messages = {
        **errors.BasicErrorHandler.messages,
        errors.REQUIRED_FIELD.code: "is required but missing",
        errors.UNKNOWN_FIELD.code: "unknown key (is it misspelt?)",
        errors.EMPTY_NOT_ALLOWED.code: "must not be empty",
        errors.MIN_VALUE.code: "must be at least {constraint}",
        errors.MAX_VALUE.code: "must be at most {constraint}",
    }

    def _format_message(self, field: Any, error: Any) -> str:
        if error.code == errors.BAD_TYPE.code:
            wanted = error.constraint if isinstance(error.constraint, list) else [error.constraint]
            words = " or ".join(_TYPE_WORDS.get(t) or str(t) for t in wanted)
            return f"must be {words}, not {describe(error.value)}"
        if error.code == errors.UNALLOWED_VALUE.code:
            return f"{shown(error.value)} is not allowed (choose one of: {', '.join(map(str, error.constraint))})"
        return super()._format_message(field, error)


def _skip_schema_check(schema: dict) -> None:
    """Tell Cerberus that a schema shipped with jobbsats needs no checking.

    Cerberus checks every schema against its own rules the first time a process
    uses it; for the built-in schemas that is about 20 ms of each ``jobbsats
    run``, a large part of the command's own time. They are checked for real by
    ``tests/test_schemas.py`` instead, and entered here in the cache of valid
    schemas that Cerberus documents on ``Validator`` (and empties with
    ``Validator.clear_caches()``). Should a later Cerberus change that cache, the
    schemas are simply checked again.
    """
    try:
        key = (mapping_hash(DefinitionSchema.expand(schema)), mapping_hash(Validator.types_mapping))
        Validator._valid_schemas.add(key)
    except (AttributeError, TypeError):  # pragma: no cover - a Cerberus without this cache
        pass


def check_schema(schema: dict) -> None:
    """Have Cerberus check ``schema`` against its own rules: :class:`cerberus.SchemaError` when it is broken."""
    Validator(schema)


def validate(document: dict, schema: dict, prefix: str = "", *, trusted: bool = False) -> list[Problem]:
    """Validate ``document`` against ``schema``; every problem, with its key path.

    ``trusted`` is for schemas that ship with jobbsats (see :func:`_skip_schema_check`);
    any other schema is checked by Cerberus and a broken one raises
    :class:`cerberus.SchemaError`.
    """
    from jobbsats.config.sound import surely_sound, surely_valid_schema  # it imports this module

    if not trusted and not surely_valid_schema(schema):
        check_schema(schema)  # a broken schema is refused whatever the document

    if surely_sound(document, schema):
        return []  # what Cerberus would say too: no problem (and in a fraction of the time)
    if trusted:
        _skip_schema_check(schema)
    validator = Validator(schema, allow_unknown=False, error_handler=Messages)
    # No normalisation: jobbsats uses no defaults or coercion, and normalising makes
    # Cerberus re-check every sub-schema it copies, most of the cost of a run.
    if validator.validate(document, normalize=False):
        return []
    return sorted(_flatten(validator.errors, prefix), key=lambda p: p.path)


_INT64 = (-(2**63), 2**63 - 1)


def non_finite(value: Any, prefix: str = "") -> Iterator[Problem]:
    """Every ``nan`` or ``inf`` anywhere in the document, which no field accepts, and every integer
    beyond TOML's 64 bits (tomli reads ``0x`` and 4 000 ``f``s whole, and no field wants it)."""
    # The keys down to a value are kept as they come and made a path only for a problem: a sound file of
    # thousands of values then spends nothing on paths.
    stack: list[tuple[Any, tuple[Any, ...]]] = [(value, ())]
    found: list[tuple[tuple[Any, ...], str]] = []
    while stack:
        item, keys = stack.pop()
        if isinstance(item, Decimal) and not item.is_finite():
            found.append((keys, f"{item} is not allowed; write a finite number"))
        elif isinstance(item, int) and not isinstance(item, bool) and not _INT64[0] <= item <= _INT64[1]:
            found.append((keys, f"a whole number of {item.bit_length()} bits is not allowed; TOML integers are 64-bit"))
        elif isinstance(item, dict):
            stack.extend((v, (*keys, k)) for k, v in reversed(item.items()))
        elif isinstance(item, list):
            stack.extend((v, (*keys, i)) for i, v in reversed(list(enumerate(item))))
    for keys, message in found:
        yield Problem(functools.reduce(key_path, keys, prefix), message)
