"""The computed year-end forecast of one line (recipient, fund, purpose): exact fractions, rounded once.

Two methods, both from the utfall booked up to a day of the year (the cut day, included):

* ``linear``: by days elapsed, utfall to date × days in the year / days elapsed. 6 000 000 kr booked by
  2024-06-30, day 182 of 366, gives 6 000 000 × 366 / 182 = 12 065 934,07 kr.
* ``profile``: by the previous year's monthly pattern, utfall to date / the share of the previous year's
  utfall that was booked by the same time of year: its whole months before the cut day's month, and of
  that month the part of its days elapsed. With 70 % booked by the end of June the year before,
  6 000 000 kr by 2024-06-30 gives 6 000 000 / 0,70 = 8 571 428,57 kr. A summer programme booked in
  June to August is so not projected as a straight line. A line whose previous year booked nothing (or
  nothing yet by that time of year) has no pattern to follow: it is forecast linearly, and says why.

The forecast is rounded half up to whole öre (:func:`jobbsats.money.round_half_up`) from the exact
fraction; nothing here is a float.
"""

from __future__ import annotations

import calendar
import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction

from jobbsats.money import round_half_up

LINEAR, PROFILE, NONE = "linear", "profile", "none"
METHODS = (LINEAR, PROFILE)
MONTHS = ("jan", "feb", "mar", "apr", "maj", "jun", "jul", "aug", "sep", "okt", "nov", "dec")


def days_in(year: int) -> int:
    return 366 if calendar.isleap(year) else 365


def elapsed(day: datetime.date) -> int:
    """Days of the year up to and including ``day``: 2024-06-30 is day 182."""
    return day.timetuple().tm_yday


def month_end(year: int, month: int) -> datetime.date:
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


def linear(to_date: int, day: datetime.date) -> Fraction:
    """Utfall to date (öre) projected to the whole year by days elapsed, exactly."""
    return Fraction(to_date * days_in(day.year), elapsed(day))


def share_by(previous: Mapping[int, int], day: datetime.date) -> Fraction | None:
    """The share of the previous year's utfall (öre per month) booked by the same time of year as ``day``.

    Its months before ``day``'s month, and of that month the part of its days up to ``day`` (the days of
    ``day``'s own year). None when the previous year booked nothing in all, or nothing by then.
    """
    total = sum(previous.values())
    if total <= 0:
        return None
    days = calendar.monthrange(day.year, day.month)[1]
    done = sum(v for m, v in previous.items() if m < day.month) + Fraction(previous.get(day.month, 0) * day.day, days)
    share = done / total
    return share if share > 0 else None


@dataclass(frozen=True)
class Computed:
    """A line's computed forecast: ``amount`` in öre (None: nothing to project from), the method used, and
    ``note``, why the profile asked for was not used ("" otherwise)."""

    amount: int | None
    method: str
    note: str = ""
    pattern: Mapping[int, int] | None = None  # the previous year's months the profile followed


def compute(
    to_date: int, day: datetime.date | None, method: str, previous: Mapping[int, int] | None = None
) -> Computed:
    """The forecast of a line with ``to_date`` öre booked up to ``day`` (None: no day to project from).

    ``previous`` is the line's utfall the year before, öre by month (1-12), for ``method`` ``profile``.
    """
    if day is None:
        return Computed(None, NONE)
    note = ""
    if method == PROFILE:
        share = share_by(previous or {}, day)
        if share is not None:
            return Computed(round_half_up(Fraction(to_date) / share), PROFILE, pattern=previous)
        before = day.year - 1
        note = (
            f"inget utfall {before}" if sum((previous or {}).values()) <= 0 else f"inget bokfört {before} vid samma tid"
        )
    return Computed(round_half_up(linear(to_date, day)), LINEAR, note)


def path(
    to_date: int, forecast: int, day: datetime.date, pattern: Mapping[int, int] | None = None
) -> dict[int, Fraction]:
    """The cumulative utfall the forecast implies at the end of each month from ``day``'s month to December.

    Utfall to date, and the rest (forecast less to date) spread over the rest of the year: by the previous
    year's ``pattern`` where there is one to follow, else by days. December's is the forecast itself.
    """
    year, start = day.year, elapsed(day)
    share = share_by(pattern, day) if pattern else None
    out: dict[int, Fraction] = {}
    for month in range(day.month, 13):
        end = month_end(year, month)
        if pattern and share is not None and share < 1:
            reached = share_by(pattern, end) or Fraction(0)
            weight = (reached - share) / (1 - share)
        elif days_in(year) > start:
            weight = Fraction(elapsed(end) - start, days_in(year) - start)
        else:
            weight = Fraction(1)
        out[month] = to_date + (forecast - to_date) * weight
    return out
