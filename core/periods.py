"""Spreading an amount over a project period, month by month, exactly.

A project runs from a start date to an end date (both inclusive) that need
not follow calendar years. Its financiers' amounts are periodised into
calendar months; quarters and years are sums of months.

Rounding is done on the running total, never month by month: the amount
booked up to the end of each month is the exact cumulative share rounded to
the öre (half up), and a month's piece is the difference between two such
rounded boundaries. So the pieces always add up to the amount, and *any*
stretch of consecutive months (a month, a quarter, a calendar year, the whole
period) is within one öre of its exact share. Rounding each month on its own
and adding up would let a year drift by up to twelve roundings.

Two ways to weigh the months:

``month``
    every calendar month inside the period weighs the same; a month the period
    covers only in part weighs its share of that month's days (16 of 31 days
    is 16/31 of a month);
``day``
    every day weighs the same, so February weighs less than March and a leap
    year more than others.
"""

from __future__ import annotations

import calendar
import datetime
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from fractions import Fraction

from jobbsats.money import round_half_up

WEIGHINGS = ("month", "day")


@dataclass(frozen=True)
class MonthPiece:
    """The part of an amount that falls in one calendar month (integer öre)."""

    year: int
    month: int
    amount: int

    @property
    def quarter(self) -> int:
        return quarter_of(self.month)


def quarter_of(month: int) -> int:
    """The calendar quarter (1-4) a month (1-12) lies in."""
    return (month - 1) // 3 + 1


def months_between(start: datetime.date, end: datetime.date) -> Iterator[tuple[int, int, int, int]]:
    """Each calendar month the period touches: ``(year, month, days inside the period, days in the month)``."""
    year, month = start.year, start.month
    while (year, month) <= (end.year, end.month):
        length = calendar.monthrange(year, month)[1]
        first = start.day if (year, month) == (start.year, start.month) else 1
        last = end.day if (year, month) == (end.year, end.month) else length
        yield year, month, last - first + 1, length
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def month_weights(start: datetime.date, end: datetime.date, by: str = "month") -> list[tuple[int, int, Fraction]]:
    """``(year, month, weight)`` for every month of the period, weighed ``by`` month or day."""
    if by not in WEIGHINGS:
        raise ValueError(f"unknown weighing {by!r} (known: {', '.join(WEIGHINGS)})")
    if end < start:
        raise ValueError(f"the period ends ({end}) before it starts ({start})")
    if by == "day":
        return [(y, m, Fraction(inside)) for y, m, inside, _ in months_between(start, end)]
    return [(y, m, Fraction(inside, length)) for y, m, inside, length in months_between(start, end)]


def periodise(amount: int, start: datetime.date, end: datetime.date, by: str = "month") -> list[MonthPiece]:
    """Spread ``amount`` (integer öre, not negative) over the months from ``start`` to ``end``, inclusive.

    Returns one piece per month of the period, in order. The pieces sum to
    ``amount`` exactly and every run of consecutive months is within one öre
    of ``amount`` times its share of the period's weight.
    """
    if isinstance(amount, bool) or not isinstance(amount, int):
        raise TypeError(f"amount must be integer öre, not {type(amount).__name__}")
    if amount < 0:
        raise ValueError("amount must not be negative")
    weights = month_weights(start, end, by)
    whole = sum(w for _, _, w in weights)
    pieces = []
    booked = 0  # the rounded running total at the end of the previous month
    running = Fraction(0)
    for year, month, weight in weights:
        running += weight
        boundary = round_half_up(amount * running / whole)
        pieces.append(MonthPiece(year, month, boundary - booked))
        booked = boundary
    return pieces


def by_year(pieces: Iterable[MonthPiece]) -> dict[int, int]:
    """Sum month pieces per calendar year, in year order."""
    totals: dict[int, int] = defaultdict(int)
    for p in pieces:
        totals[p.year] += p.amount
    return dict(sorted(totals.items()))


def by_quarter(pieces: Iterable[MonthPiece]) -> dict[tuple[int, int], int]:
    """Sum month pieces per ``(year, quarter)``, in order."""
    totals: dict[tuple[int, int], int] = defaultdict(int)
    for p in pieces:
        totals[(p.year, p.quarter)] += p.amount
    return dict(sorted(totals.items()))
