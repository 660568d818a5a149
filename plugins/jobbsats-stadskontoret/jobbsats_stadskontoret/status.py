"""When an organisation's report on a year is due, and whether it has come in.

The årshjul of STK-2024-291 has återrapportering in January/February of the
year after the budget year ("år 3"), so unless an agreement says otherwise a
report on year Y is due on the last day of February of Y+1, and the follow-up
is made as of 1 March of Y+1, when that window has closed. The agreements file
may set the due date (``due``) and the day of the follow-up (``as_of``).
"""

from __future__ import annotations

import calendar
import datetime
import re

INKOMMEN = "inkommen"
EJ_INKOMMEN = "ej inkommen"
FORSENAD = "försenad"

_MONTH_DAY = re.compile(r"(\d{2})-(\d{2})")


def default_due(year: int) -> datetime.date:
    """The last day of February of the year after ``year``: the end of the årshjul's återrapportering."""
    return datetime.date(year + 1, 2, calendar.monthrange(year + 1, 2)[1])


def default_as_of(year: int) -> datetime.date:
    """1 March of the year after ``year``: the first day after the återrapportering window."""
    return datetime.date(year + 1, 3, 1)


def month_day(text: str) -> tuple[int, int]:
    """``"03-31"`` -> (3, 31); ValueError with a reason for anything that is not a day of every year."""
    m = _MONTH_DAY.fullmatch(text.strip())
    if not m:
        raise ValueError(f'{text!r} is not a day written as MM-DD (such as "02-28"), nor a table of dates by year')
    month, day = int(m[1]), int(m[2])
    if not 1 <= month <= 12 or not 1 <= day <= calendar.monthrange(2001, month)[1]:
        # 2001 is no leap year: "02-29" would be no date at all three years in four.
        raise ValueError(f"{text!r} is not a day that every year has")
    return month, day


def status(arrived: bool, due: datetime.date, as_of: datetime.date) -> str:
    """``inkommen``; else ``försenad`` once the due date has passed, or ``ej inkommen`` while it has not."""
    if arrived:
        return INKOMMEN
    return FORSENAD if as_of > due else EJ_INKOMMEN
