"""Amounts and names as the web view shows them: the Swedish way, in each fund's unit.

The views keep amounts as integers (öre in columns named ``*_ore``, whole units in ``amount`` beside a
``unit`` column) so that a query can add them up; these turn them into ``13 056 000 kr`` only for the eye.
The JSON and CSV Datasette serves keep the integers.
"""

from __future__ import annotations

from collections.abc import MutableMapping
from decimal import Decimal
from fractions import Fraction
from typing import Any

from jobbsats.money import KRONOR, NBSP, format_percent, format_units, round_half_up
from jobbsats.web.department import title

ORE = "_ore"
NAMES = ("recipient", "via")  # names stored as they read mid-sentence


def kr(ore: int | None) -> str:
    """``1305600000`` öre as ``13 056 000 kr``; an amount not there as a dash."""
    return "–" if ore is None else format_units(ore, KRONOR, unit_sep=NBSP)


def percent(share: Fraction | None) -> str:
    """A share (0.607422...) as a percentage to one decimal, rounded half up: ``60,7 %``."""
    if share is None:
        return "–"
    return format_percent((Decimal(round_half_up(share * 1000)) / 10).quantize(Decimal("0.1")))


def amount_cell(row: Any, value: Any, column: str) -> str | None:
    """What Datasette shows in a cell of a ledger's view, or None for its own default."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int) and column.endswith(ORE):
        return kr(value)
    if isinstance(value, int) and column == "amount" and "unit" in _keys(row):
        return format_units(value, str(row["unit"]), unit_sep=NBSP)
    if isinstance(value, str) and column in NAMES:
        return title(value)
    return None


def _keys(row: Any) -> list[str]:
    try:
        return list(row.keys())
    except AttributeError:
        return []


def filters(registry: MutableMapping[str, Any]) -> None:
    """Add the page templates' filters to a Jinja environment's ``filters``."""
    registry["kr"] = kr
    registry["percent"] = percent
    registry["title"] = title
