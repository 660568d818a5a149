"""The agreements file: each agreement's counterpart, period, parts and reports.

.. code-block:: toml

    as_of = 2025-03-14                  # optional: the day of the follow-up

    [agreements.STK-2023-1150]
    counterpart = "Tillväxt Malmö"
    start = 2024-01-01
    end = 2026-12-31
    granted = "2 450 000"               # optional: this agreement's part of the allocation
    due = "02-28"                       # optional: or { 2024 = 2025-02-28 }
    reported = { 2024 = "2 412 300,50 kr" }
    received = { 2024 = 2025-02-21 }

It is read when a report is made, not when the run is, because the reports
come in long after the decision. Its shape is checked here; what only the
ledger can tell (is the agreement in the run, do the parts add up) is checked
in :mod:`jobbsats_stadskontoret.grants`.
"""

from __future__ import annotations

import datetime
import tomllib
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from jobbsats import DATE, InputError, Problem, in_units, key_path, to_date, validate
from jobbsats_stadskontoret import status
from jobbsats_stadskontoret.schema import AGREEMENTS_FILE_SCHEMA, by_year


@dataclass(frozen=True)
class Agreement:
    """One agreement with an outside organisation, as the agreements file describes it."""

    case: str  # diarienummer, such as STK-2023-1150
    counterpart: str
    start: datetime.date
    end: datetime.date
    granted: dict[int, int] | int | None = None  # öre: by year, or the same every year
    due: dict[int, datetime.date] | tuple[int, int] | None = None  # by year, or (month, day) of the next year
    reported: dict[int, int] = field(default_factory=dict)  # öre used, by year
    received: dict[int, datetime.date] = field(default_factory=dict)
    note: str = ""

    @property
    def path(self) -> str:
        """The agreement's key path in the file, for messages."""
        return key_path("agreements", self.case)

    @property
    def period(self) -> str:
        return f"{self.start.isoformat()} – {self.end.isoformat()}"

    @property
    def years(self) -> range:
        return range(self.start.year, self.end.year + 1)

    def part(self, year: int) -> int | None:
        """This agreement's own part of the allocation in ``year`` (öre), when the file gives one."""
        if isinstance(self.granted, dict):
            return self.granted.get(year)
        return self.granted

    def due_on(self, year: int) -> datetime.date:
        """The last day for the report on ``year``."""
        if isinstance(self.due, dict) and year in self.due:
            return self.due[year]
        if isinstance(self.due, tuple):
            return datetime.date(year + 1, *self.due)
        return status.default_due(year)

    def arrived(self, year: int, as_of: datetime.date) -> bool:
        """Whether the report on ``year`` had come in by ``as_of``: one that came later is not in yet then."""
        if year not in self.reported and year not in self.received:
            return False
        return year not in self.received or self.received[year] <= as_of


@dataclass(frozen=True)
class AgreementsFile:
    path: Path
    as_of: datetime.date | None
    agreements: dict[str, Agreement]

    def as_of_for(self, year: int) -> datetime.date:
        """The day the follow-up of ``year`` is made: the file's ``as_of``, or else 1 March of the next year."""
        return self.as_of or status.default_as_of(year)


def read_agreements(path: Path) -> AgreementsFile:
    """Read and check the agreements file; every problem in it comes in one :class:`InputError`."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(str(path), [Problem("", "no such file")]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(str(path), [Problem("", f"cannot be read: {exc}")]) from None
    try:
        # Decimal, never float: amounts must reach in_units exactly as written.
        document = tomllib.loads(text, parse_float=Decimal)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(str(path), [Problem("", f"is not valid TOML: {exc}")]) from None
    problems = validate(document, AGREEMENTS_FILE_SCHEMA)
    if not problems:
        document, problems = in_units(document, AGREEMENTS_FILE_SCHEMA)  # every amount in öre, read once
    agreements = {}
    for case, entry in document.get("agreements", {}).items() if not problems else ():
        agreement, found = _agreement(case, entry)
        agreements[case] = agreement
        problems += found
    if problems:
        raise InputError(str(path), problems)
    as_of = to_date(document["as_of"]) if "as_of" in document else None
    return AgreementsFile(path, as_of, agreements)


def _agreement(case: str, entry: dict) -> tuple[Agreement, list[Problem]]:
    """An agreement whose shape the schema passed, and what is still wrong with it."""
    prefix = key_path("agreements", case)
    problems = []
    start, end = to_date(entry["start"]), to_date(entry["end"])
    if end < start:
        problems.append(Problem(f"{prefix}.end", f"{end} is before the start, {start}"))
    granted = entry.get("granted")  # öre: one amount, or a table by year
    if isinstance(granted, dict):
        granted = {int(y): v for y, v in granted.items()}
    due = entry.get("due")
    if isinstance(due, str):
        try:
            due = status.month_day(due)
        except ValueError as exc:
            problems.append(Problem(f"{prefix}.due", str(exc)))
            due = None
    elif isinstance(due, dict):
        found = validate({"due": due}, {"due": by_year(DATE)}, prefix)
        problems += found
        due = None if found else {int(year): to_date(day) for year, day in due.items()}
    agreement = Agreement(
        case=case,
        counterpart=entry["counterpart"],
        start=start,
        end=end,
        granted=granted,
        due=due,
        reported={int(y): v for y, v in entry.get("reported", {}).items()},
        received={int(y): to_date(v) for y, v in entry.get("received", {}).items()},
        note=entry.get("note", ""),
    )
    if not problems:
        problems += _years_in_period(agreement)
    return agreement, problems


def _years_in_period(agreement: Agreement) -> list[Problem]:
    """Years the agreement does not run in, and reports or due dates dated before their year ended."""
    problems = []
    for name in ("granted", "due", "reported", "received"):
        value = getattr(agreement, name)
        for year in value if isinstance(value, dict) else ():
            if year not in agreement.years:
                problems.append(
                    Problem(
                        key_path(f"{agreement.path}.{name}", str(year)),
                        f"{year} is outside the agreement's period ({agreement.period})",
                    )
                )
    for name in ("due", "received"):
        value = getattr(agreement, name)
        for year, day in value.items() if isinstance(value, dict) else ():
            if day.year < year:
                problems.append(
                    Problem(
                        key_path(f"{agreement.path}.{name}", str(year)),
                        f"{day} is before {year}, the year the report is on",
                    )
                )
    return problems
