"""The indicator CSV: one row per partner and quarter, read strictly.

.. code-block:: text

    partner;år;kvartal;deltagare;matchning;anställda;studier
    mff;2024;1;85;78;9;2

UTF-8 (with or without a byte-order mark) or Windows-1252, as Excel saves it.
Every problem is reported with its line, all of them at once.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from pathlib import Path

from jobbsats import InputError, Problem


@dataclass(frozen=True)
class Indicator:
    key: str  # in ``goals = {...}`` and in the report's rows (ASCII, so it is a bare TOML key)
    header: str  # the CSV column
    title: str  # the report's column heading
    words: str  # in running text: "312 i matchning"


INDICATORS = (
    Indicator("deltagare", "deltagare", "Deltagare", "deltagare"),
    Indicator("matchning", "matchning", "I matchning", "i matchning"),
    Indicator("anstallda", "anställda", "Anställda", "anställda"),
    Indicator("studier", "studier", "Gått vidare till studier", "till studier"),
)
HEADER = ("partner", "år", "kvartal", *(i.header for i in INDICATORS))

# [0-9], not \d: \d also matches digits of other scripts, which int() would quietly accept.
_COUNT = re.compile(r"[0-9]+")
_YEAR = re.compile(r"[0-9]{4}")


@dataclass(frozen=True)
class QuarterRow:
    partner: str
    year: int
    quarter: int
    counts: Mapping[str, int]  # by indicator key
    line: int


def decode(raw: bytes, source: str) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("cp1252")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InputError(source, [Problem(f"line {line}", "is neither UTF-8 nor Windows-1252 text")]) from None


def read_indicators(path: Path, partners: Collection[str]) -> list[QuarterRow]:
    """The file's rows, in file order; :class:`InputError` naming every bad line otherwise."""
    source = str(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise InputError(source, [Problem("", "no such file (named by asf.indicators in the scenario file)")]) from None
    except OSError as exc:
        raise InputError(source, [Problem("", f"cannot be read: {exc.strerror or exc}")]) from None
    reader = csv.reader(io.StringIO(decode(raw, source), newline=""), delimiter=";", strict=True)
    rows: list[QuarterRow] = []
    problems: list[Problem] = []
    first_line: dict[tuple[str, int, int], int] = {}
    header_seen = False
    try:
        for fields in reader:
            line = reader.line_num
            if all(not f.strip() for f in fields):  # blank lines, and the ";;;;;;" rows Excel leaves
                continue
            if not header_seen:
                header_seen = True
                if tuple(f.strip().lower() for f in fields) != HEADER:
                    # Without the right header no column can be trusted: stop here.
                    written = ";".join(f.strip() for f in fields)
                    problems.append(Problem(f"line {line}", f"the header must be {';'.join(HEADER)}, not {written}"))
                    break
                continue
            row, found = _row(fields, line, partners)
            problems += found
            if row is None:
                continue
            key = (row.partner, row.year, row.quarter)
            if key in first_line:
                again = (
                    f"partner {row.partner!r}, {row.year} kvartal {row.quarter} is already on line {first_line[key]}"
                )
                problems.append(Problem(f"line {line}", again))
                continue
            first_line[key] = line
            rows.append(row)
    except csv.Error as exc:
        problems.append(Problem(f"line {reader.line_num}", f"is not valid CSV: {exc}"))
    if not header_seen and not problems:
        problems.append(
            Problem("", f"is empty: it needs the header {';'.join(HEADER)} and a row per partner and quarter")
        )
    if problems:
        raise InputError(source, problems)
    return rows


def _row(fields: list[str], line: int, partners: Collection[str]) -> tuple[QuarterRow | None, list[Problem]]:
    """One data row, or the problems with it (each its own message, all of the line's at once)."""
    where = f"line {line}"
    if len(fields) != len(HEADER):
        return None, [Problem(where, f"has {len(fields)} fields, expected {len(HEADER)} separated by ';'")]
    values = [f.strip() for f in fields]
    partner, year, quarter = values[:3]
    problems = []
    if partner not in partners:
        known = ", ".join(partners)
        problems.append(Problem(where, f"unknown partner {partner!r} (the partners in [asf.partners]: {known})"))
    if not _YEAR.fullmatch(year):
        problems.append(Problem(where, f"år must be a year such as 2024, not {year!r}"))
    if quarter not in ("1", "2", "3", "4"):
        problems.append(Problem(where, f"kvartal must be 1, 2, 3 or 4, not {quarter!r}"))
    counts = {}
    for indicator, text in zip(INDICATORS, values[3:], strict=True):
        if _COUNT.fullmatch(text):
            counts[indicator.key] = int(text)
        elif not text:
            problems.append(Problem(where, f"{indicator.header} is empty (write 0 if there were none)"))
        elif text.startswith("-") and _COUNT.fullmatch(text[1:]):
            problems.append(Problem(where, f"{indicator.header} must not be negative, not {text}"))
        else:
            problems.append(Problem(where, f"{indicator.header} must be a whole number of people, not {text!r}"))
    if problems:
        return None, problems
    return QuarterRow(partner, int(year), int(quarter), counts, line), []
