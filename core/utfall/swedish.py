"""Numbers and dates as Swedish Excel and accounting systems write them in CSV files.

Strict on purpose: ``"1 234,50"``, ``"-1 234,50"``, ``"1\u00a0234,50"`` and
``"1234,5"`` are amounts; ``"12,3,4"``, ``"1.234,50"``, ``"1 23,00"`` and three
decimals are not. Never a float: the amount comes back as integer öre.
"""

from __future__ import annotations

import datetime
import re

# Thousands in groups of three separated by a space, a no-break space or a thin space, or no grouping.
_GROUPED = r"\d{1,3}(?:[ \u00a0\u202f\u2009]\d{3})+|\d+"
_PATTERNS = {
    ",": re.compile(rf"^([-\u2212]?)({_GROUPED})(?:,(\d{{1,2}}))?$"),
    ".": re.compile(rf"^([-\u2212]?)({_GROUPED})(?:\.(\d{{1,2}}))?$"),
}
_SEPARATORS = str.maketrans("", "", " \u00a0\u202f\u2009")
_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
MAX_ORE = 2**62


def parse_amount(text: str, decimal: str = ",") -> int:
    """An amount in kronor as written in the file, as integer öre; ValueError with the reason."""
    match = _PATTERNS[decimal].match(text.strip())
    if not match:
        other = "." if decimal == "," else ","
        hint = f' (decimals after "{decimal}", not "{other}")' if other in text else ""
        raise ValueError(f"{text!r} is not an amount{hint}; write it as 1 234,50")
    sign, whole, frac = match.groups()
    ore = int(whole.translate(_SEPARATORS)) * 100 + (int(frac.ljust(2, "0")) if frac else 0)
    if ore > MAX_ORE:
        raise ValueError(f"{text!r} is larger than jobbsats can store exactly")
    return -ore if sign else ore


def parse_date(text: str) -> datetime.date:
    """A date written 2024-01-31 or 20240131; ValueError with the reason."""
    text = text.strip()
    match = _ISO.match(text) or _COMPACT.match(text)
    if not match:
        raise ValueError(f"{text!r} is not a date written as 2024-01-31")
    try:
        return datetime.date(*(int(g) for g in match.groups()))
    except ValueError:
        raise ValueError(f"{text} is not a real date") from None
