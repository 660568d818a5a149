"""How a cell's value reads, by column kind, for every format that shows numbers to people.

A money column shows all its amounts with the same decimals, decided once from all its values
(:func:`decimals`): whole kronor, or kronor and öre on every row when any amount has öre
("7 930 500,50" above "3 200 000,00", never "3 200 000"). html, docx and md show the text
:func:`table_display` gives; xlsx turns the same decision into the column's number format.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from decimal import Decimal
from fractions import Fraction
from typing import Any

from jobbsats.document import Column, Table
from jobbsats.money import SHOWN_IN, format_amount, format_count, format_percent

# Kronor are shown whole or with both öre digits ("7 930 500,50"), never with one ("7 930 500,5").
_ORE_PLACES = 2


def display(column: Column, value: Any, places: int | None = None) -> str:
    """Swedish display text: money in kronor with non-breaking thousands spaces.

    :param places: the decimals a money amount is shown with (its column's :func:`decimals`);
        ``None`` shows each amount with the decimals it needs.
    """
    if value is None:
        return ""
    if isinstance(value, str):  # a word in a number column, such as "ej beslutat"
        return value
    if column.kind == "money":
        return _padded(format_amount(value, column.shown_in), places)
    if column.kind == "int":
        return format_count(value)
    if column.kind == "percent":
        return format_percent(value if isinstance(value, (Fraction, Decimal)) else Decimal(value))
    return str(value)


def decimals(column: Column, values: Iterable[Any]) -> int:
    """The decimals every amount of a money column is shown with, decided from all its ``values``.

    In kronor: 2 (kronor and öre) when any amount has öre, else 0 (whole kronor). In tkr or mnkr:
    as many as the most exact amount needs (``9 796`` and ``7,5`` make ``9 796,0`` and ``7,5``).
    Words in the column ("ej beslutat") and empty cells do not count; other kinds of column get 0.
    """
    if column.kind != "money":
        return 0
    amounts = [v for v in values if isinstance(v, int) and not isinstance(v, bool)]
    most = max((places(kronor(column, v)) for v in amounts), default=0)
    if most and column.shown_in == "kr":
        return _ORE_PLACES
    return most


def table_display(table: Table) -> Callable[[Column, Any], str]:
    """:func:`display` for the cells of ``table``: each money column with its one :func:`decimals`.

    Decided from the data rows and the total rows together, so a total has the decimals of the
    amounts above it.
    """
    rows = [*table.rows, *table.totals]
    decided = {
        c.key: decimals(c, (row.get(c.key) for row in rows if isinstance(row, dict)))
        for c in table.columns
        if c.kind == "money"
    }
    return lambda column, value: display(column, value, decided.get(column.key))


def kronor(column: Column, ore: int) -> Decimal:
    """Integer öre in the column's unit (kr, tkr or mnkr), exact and as short as it goes."""
    return (Decimal(ore) / 100 / SHOWN_IN.get(column.shown_in, 1)).normalize()


def places(number: Decimal) -> int:
    """The decimals ``number`` is written with: 2 for ``Decimal("7930.50")``, 0 for ``Decimal("8E+3")``."""
    exponent = number.as_tuple().exponent
    if not isinstance(exponent, int):  # "n", "N" or "F": NaN or infinity, which no cell holds
        raise ValueError(f"{number} is not a finite number")
    return max(0, -exponent)


def _padded(text: str, wanted: int | None) -> str:
    """``text`` (a Swedish amount) with at least ``wanted`` decimals: ``3 200 000`` -> ``3 200 000,00``."""
    if not wanted:
        return text
    whole, _, fraction = text.partition(",")
    return f"{whole},{fraction.ljust(wanted, '0')}"


def raw(value: Any) -> Any:
    """Machine value: money stays integer öre; exact fractions become decimal strings."""
    if isinstance(value, Fraction):
        return str(Decimal(value.numerator) / Decimal(value.denominator))
    if isinstance(value, Decimal):
        return str(value)
    return value
