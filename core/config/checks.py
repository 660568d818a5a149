"""The checks jobbsats adds to Cerberus's rules (money, percentages, dates, ids people can tell apart), and
the front door of validation: Cerberus itself is loaded only for a document the quick walk cannot vouch for.

:class:`Checks` holds the ``check_with`` methods, written against the few things of a Cerberus validator they
use (``_error``, ``document_path``, ``root_document``), so that both :class:`jobbsats.config.validator.Validator`
(Cerberus) and the quick walk of :mod:`jobbsats.config.sound` run the very same code. A sound file, nearly
every file a command reads, is then confirmed without importing Cerberus (a tenth of a small run's time).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Container, Iterator, Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from jobbsats.config import names
from jobbsats.errors import Problem, has_control, key_path, shown
from jobbsats.money import (
    KRONOR,
    AmountError,
    fund_unit,
    parse_kronor,
    parse_percent,
    parse_quantity,
    to_units,
)

# The types a ``type`` rule may name, as (included, excluded) types: Cerberus's own, with jobbsats's strict
# numbers (``true`` is no integer; TOML decimals are Decimal, and a type of their own). The quick walk and the
# validator's types_mapping both read this; tests/test_config_checks.py holds it to Cerberus's own table.
TYPES: dict[str, tuple[tuple[type, ...], tuple[type, ...]]] = {
    "binary": ((bytes, bytearray), ()),
    "boolean": ((bool,), ()),
    "container": ((Container,), (str,)),
    "date": ((date,), ()),
    "datetime": ((datetime,), ()),
    "dict": ((Mapping,), ()),
    "float": ((float, int), ()),
    "integer": ((int,), (bool,)),
    "list": ((Sequence,), (str,)),
    "number": ((Decimal, int), (bool,)),
    "set": ((set,), ()),
    "string": ((str,), ()),
    "decimal": ((Decimal, int), (bool,)),
}


class Checks:
    """jobbsats's ``check_with`` rules, for a Cerberus validator and for the quick walk alike.

    What they use of the object they are methods of: ``_error(field, message)``, ``document_path``,
    ``root_document`` and ``_errors_below`` (problems of a table's entries).
    """

    # Declared, not defined: a definition here would come before Cerberus's own in the validator's MRO.
    document_path: Any
    root_document: Any
    _error: Callable[..., None]

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

    def _parsed(
        self, field: str, parse: Callable[[Any], Any], value: Any, refused: type[Exception] = AmountError
    ) -> Any:
        """``parse(value)``, or None with the parser's own words (its ``refused``) reported as the field's problem."""
        try:
            return parse(value)
        except refused as exc:
            self._error(field, str(exc))
            return None

    def _check_with_percent(self, field: str, value: Any) -> None:
        self._parsed(field, parse_percent, value)

    def _check_with_share(self, field: str, value: Any) -> None:
        share = self._parsed(field, parse_percent, value)
        if share is not None and share > 100:
            self._error(field, "must be at most 100 %")

    def _check_with_date(self, field: str, value: Any) -> None:
        from jobbsats.config.dates import to_date

        self._parsed(field, to_date, value, ValueError)

    def _check_with_quantity(self, field: str, value: Any) -> None:
        self._parsed(field, parse_quantity, value)

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
        if isinstance(value, str) and (problem := line_problem(value)):
            self._error(field, problem)

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
        self._errors_below(field, value, names.table_problems(field, value, besides))

    def _errors_below(self, field: str, value: Any, found: list[tuple[tuple[Any, ...], str]]) -> None:
        """Report ``found`` (each a path below ``field`` and a message) as the checker reports errors."""
        raise NotImplementedError

    def _check_with_year(self, field: str, value: Any) -> None:
        if problem := year_key_problem(value):
            self._error(field, problem)


def line_problem(text: str) -> str | None:
    """Why ``text`` cannot be one line of a report or a decision paper (blank, or a control character), or None."""
    if not text.strip():
        return "must not be blank"
    if has_control(text):  # a newline in a name would start a new line, or a heading, in every report
        return "must be one line, without newlines, tabs or other control characters"
    return None


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


def validate(document: dict, schema: dict, prefix: str = "", *, trusted: bool = False) -> list[Problem]:
    """Validate ``document`` against ``schema``; every problem, with its key path.

    ``trusted`` is for schemas that ship with jobbsats (tests/test_schemas.py checks them); any other
    schema is checked by Cerberus and a broken one raises :class:`cerberus.SchemaError`. A document the
    quick walk vouches for is sound without Cerberus; any other is validated, and worded, by Cerberus.
    """
    from jobbsats.config.sound import surely_sound, surely_valid_schema  # it imports this module

    if not trusted and not surely_valid_schema(schema):
        from jobbsats.config.validator import check_schema

        check_schema(schema)  # a broken schema is refused whatever the document
    if surely_sound(document, schema):
        return []  # what Cerberus would say too: no problem (and in a fraction of the time)
    from jobbsats.config.validator import problems

    return problems(document, schema, prefix, trusted=trusted)


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
