"""Numbers and dates as Swedish Excel and accounting systems write them in CSV files.

Strict on purpose: ``"1 234,50"``, ``"-1 234,50"``, ``"1\u00a0234,50"`` and
``"1234,5"`` are amounts; ``"12,3,4"``, ``"1.234,50"``, ``"1 23,00"`` and three
decimals are not. Never a float: the amount comes back as integer öre.
"""

from __future__ import annotations

import datetime
import re

from jobbsats.errors import shown
from jobbsats.money import MAX_ORE

# What may stand between groups of three digits: a space, a no-break space, a narrow or a thin space.
_SPACES = " \u00a0\u202f\u2009"
_GROUPED = rf"\d{{1,3}}(?:[{_SPACES}]\d{{3}})+|\d+"  # in groups of three, or not grouped at all
_PATTERNS = {
    ",": re.compile(rf"([-\u2212]?)({_GROUPED})(?:,(\d{{1,2}}))?", re.ASCII),
    ".": re.compile(rf"([-\u2212]?)({_GROUPED})(?:\.(\d{{1,2}}))?", re.ASCII),
}
# The commonest shape (two decimals, a plain minus, groups split by a space or a no-break space) is
# checked by one pattern and read by int() itself: about half the time of the general way below.
_TWO_DECIMALS = {d: re.compile(rf"-?(?:{_GROUPED}){re.escape(d)}\d\d", re.ASCII).fullmatch for d in ",."}
_MOST_DIGITS = 24  # far more than the largest amount in öre jobbsats stores (MAX_ORE has 19)
_LONGEST = 40  # text shorter than this is never looked at twice (a million rows pass through here)
_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$", re.ASCII)
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$", re.ASCII)


def parse_amount(text: str, decimal: str = ",") -> int:
    """An amount in kronor as written in the file, as integer öre; ValueError with the reason.

    The grammar (:data:`_PATTERNS`): an optional minus (``-`` or ``\u2212``),
    digits in groups of three separated by one space each (or not grouped at
    all), and then ``decimal`` with one or two decimals.
    """
    ore = amount_or_none(text.strip(), decimal)
    if ore is None:
        other = "." if decimal == "," else ","
        hint = f' (decimals after "{decimal}", not "{other}")' if other in text else ""
        raise ValueError(f"{shown(text)} is not an amount{hint}; write it as 1 234,50")
    if abs(ore) > MAX_ORE:
        raise ValueError(f"{shown(text)} is larger than jobbsats can store exactly")
    return ore


def amount_or_none(text: str, decimal: str) -> int | None:
    """Öre for ``[-]digits[,d[d]]`` with optional single-space groups of three, else None.

    ValueError for more digits than any amount has (Python would refuse to read
    thousands of them, in words about its own limits).
    """
    if len(text) > _LONGEST and sum(c.isdigit() for c in text) > _MOST_DIGITS:
        raise ValueError(f"{shown(text)} is larger than jobbsats can store exactly")
    if _TWO_DECIMALS[decimal](text) is not None:
        try:
            return int(text.replace("\u00a0", "").replace(" ", "").replace(decimal, ""))
        except ValueError:  # a narrow or thin space between the groups: read the general way
            pass
    match = _PATTERNS[decimal].fullmatch(text)
    if match is None:
        return None
    sign, whole, frac = match.groups()
    if not whole.isdigit():
        whole = "".join(whole.split())  # the pattern allowed only single spaces between groups
    ore = int(whole) * 100
    if frac:
        ore += int(frac) * (10 if len(frac) == 1 else 1)
    return -ore if sign else ore


def parse_date(text: str) -> datetime.date:
    """A date written 2024-01-31 or 20240131; ValueError with the reason."""
    text = text.strip()
    match = _ISO.match(text) or _COMPACT.match(text)
    if not match:
        raise ValueError(f"{shown(text)} is not a date written as 2024-01-31")
    try:
        return datetime.date(*(int(g) for g in match.groups()))
    except ValueError:
        raise ValueError(f"{text} is not a real date") from None
