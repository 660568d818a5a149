"""The shapes of the ``[stadskontoret]`` section and of the agreements file (Cerberus).

Both use the core's field checks (``money``, ``date``, ``year``), so an amount
or a date is judged exactly as it is in the scenario file itself.
"""

from __future__ import annotations

from jobbsats import DATE, MONEY, TEXT

SECTION = "stadskontoret"

SECTION_SCHEMA = {
    SECTION: {
        "type": "dict",
        "schema": {
            # The agreements file, relative to the scenario file's folder.
            "agreements": {**TEXT, "required": True},
        },
    }
}

YEAR_KEY = {"type": "string", "check_with": "year"}


def by_year(value: dict) -> dict:
    """A table of ``value`` by year: ``{ 2024 = ... }``."""
    return {"type": "dict", "empty": False, "keysrules": YEAR_KEY, "valuesrules": value}


AGREEMENT = {
    "counterpart": {**TEXT, "required": True},
    "start": {**DATE, "required": True},
    "end": {**DATE, "required": True},
    # This agreement's own part of an allocation that names several: one amount
    # for every year, or a table by year. The parts must add up to the allocation.
    "granted": {"check_with": "money_by_year"},
    # "MM-DD" (that day of the year after the year reported on) or dates by year;
    # status.py reads it, since Cerberus cannot say "text or a table of dates".
    "due": {"type": ["string", "dict"]},
    "reported": by_year(MONEY),
    "received": by_year(DATE),
    "note": TEXT,
}

AGREEMENTS_FILE_SCHEMA = {
    "as_of": DATE,
    "agreements": {
        "type": "dict",
        "required": True,
        "empty": False,
        "keysrules": TEXT,
        "valuesrules": {"type": "dict", "schema": AGREEMENT},
    },
}
