"""Dates as scenario and plugin files write them.

A module of its own, apart from the project checks that use it most, because plugins read dates with it
(``jobbsats.to_date``) on every command that loads them: importing it should not bring the rules' and projects'
classes along.
"""

from __future__ import annotations

import datetime
import re
from typing import Any


def to_date(value: Any) -> datetime.date:
    """A TOML date (``2020-01-01``) or the same written as text; ValueError with a reason otherwise."""
    if isinstance(value, datetime.datetime):
        raise ValueError("must be a date without a time of day, such as 2020-01-01")
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, str):
        text = value.strip()
        if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", text):
            raise ValueError(f"{value!r} is not a date written as YYYY-MM-DD (such as 2020-01-01)")
        try:
            return datetime.date.fromisoformat(text)
        except ValueError:
            raise ValueError(f"{value!r} is not a real date") from None
    raise ValueError("must be a date written as YYYY-MM-DD, such as 2020-01-01")
