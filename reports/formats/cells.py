"""How a cell's value reads, by column kind, for text formats."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import Any

from jobbsats.document import Column
from jobbsats.money import format_amount, format_count, format_percent


def display(column: Column, value: Any) -> str:
    """Swedish display text: money in kronor with non-breaking thousands spaces."""
    if value is None:
        return ""
    if isinstance(value, str):  # a word in a number column, such as "ej beslutat"
        return value
    if column.kind == "money":
        return format_amount(value, column.shown_in)
    if column.kind == "int":
        return format_count(value)
    if column.kind == "percent":
        return format_percent(value if isinstance(value, (Fraction, Decimal)) else Decimal(value))
    return str(value)


def raw(value: Any) -> Any:
    """Machine value: money stays integer öre; exact fractions become decimal strings."""
    if isinstance(value, Fraction):
        return str(Decimal(value.numerator) / Decimal(value.denominator))
    if isinstance(value, Decimal):
        return str(value)
    return value
