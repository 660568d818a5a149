"""The line a built-in report starts with: which run, when, and from which scenario file.

"Körning 2, 2 december 2026 kl. 17.24, från malmo-2024.toml." is a line people keep in
the paper they paste the report into: the time is Swedish local time, not the ledger's
UTC, and the file is named as people know it, not by a path on someone's disk.
``jobbsats report NAME --no-header`` leaves it out: a report asks :func:`header_lines`.
"""

from __future__ import annotations

import datetime
import re
from zoneinfo import ZoneInfo

from jobbsats.contracts import ReportOptions
from jobbsats.ledger.view import LedgerView

# The option value `jobbsats report --no-header` sets for every report (core/cli/report.py).
NO_HEADER = "no_header"

# The city's clock. ZoneInfo reads the system's tz database, else the tzdata package
# (a dependency) on a machine without one.
STOCKHOLM = ZoneInfo("Europe/Stockholm")

MONTHS = (
    "januari",
    "februari",
    "mars",
    "april",
    "maj",
    "juni",
    "juli",
    "augusti",
    "september",
    "oktober",
    "november",
    "december",
)


def swedish_time(started_at: str) -> str:
    """An ISO 8601 instant as Stockholm's local time in running Swedish: "2 december 2026 kl. 17.24".

    Språkrådet's Svenska skrivregler, which Myndigheternas skrivregler follows for official
    papers, writes a date in running text with the month's name and no leading zero
    ("2 december 2026"; 2026-12-02 is for tables and forms), and a time of day with a point
    between hours and minutes after "kl.", the hour without a leading zero ("kl. 17.24", "kl. 8.05";
    the colon is the international form).
    A time written without an offset is the ledger's UTC; one that cannot be read is shown as written.
    """
    try:
        instant = datetime.datetime.fromisoformat(started_at)
    except ValueError:
        return started_at
    if instant.tzinfo is None:
        instant = instant.replace(tzinfo=datetime.UTC)
    local = instant.astimezone(STOCKHOLM)
    return f"{local.day} {MONTHS[local.month - 1]} {local.year} kl. {local.hour}.{local.minute:02d}"


def file_name(config_path: str) -> str:
    """The scenario file's name without its folders (a path recorded on Windows too)."""
    return re.split(r"[\\/]", config_path.rstrip("\\/"))[-1] or config_path


def header(ledger: LedgerView) -> str:
    """The header line of a report on ``ledger``'s run: its number, local start time and file name."""
    run = ledger.run
    return f"Körning {run.id}, {swedish_time(run.started_at)}, från {file_name(run.config_path)}."


def header_lines(ledger: LedgerView, options: ReportOptions) -> list[str]:
    """The report's opening paragraphs: the :func:`header` line, or none when --no-header asks so."""
    return [] if options.get(NO_HEADER) else [header(ledger)]
