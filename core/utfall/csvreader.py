"""Booked rows from a CSV file written the Swedish Excel way.

UTF-8 (with or without BOM) or Windows-1252; ``;``, a tab, ``,`` or ``|``
between fields (the one that splits the header line into the configured
column names, unless the config says); decimal comma; spaces or
no-break spaces between thousands. The header's column names are mapped to
our fields in ``[utfall.columns]``. Parsed strictly: Python's ``csv`` with
``strict=True``, every row as wide as the header, amounts and dates by
:mod:`jobbsats.utfall.swedish`.
"""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Iterator
from operator import itemgetter
from pathlib import Path

from jobbsats.config import names
from jobbsats.errors import clip, shown, unseen
from jobbsats.inputfile import MAX_LINE_BYTES, megabytes, open_file
from jobbsats.money import MAX_ORE
from jobbsats.utfall.booking import RowError
from jobbsats.utfall.swedish import amount_or_none, parse_amount, parse_date

FIELDS = ("date", "amount", "account", "ansvar", "verksamhet", "project", "text")
REQUIRED = ("date", "amount")
DELIMITERS = (";", "\t", ",", "|")  # what Swedish exports put between fields; the header decides which
SHOWN_COLUMNS = 12  # a message lists at most this many of the header's columns


class CsvReader:
    """Iterate for booked rows (tuples of :class:`Booking`'s fields) or :class:`RowError` for bad rows."""

    def __init__(
        self,
        path: Path,
        columns: dict[str, str],
        encoding: str,
        delimiter: str | None = None,
        decimal: str = ",",
    ):
        self.path, self.columns, self.encoding = path, columns, encoding
        self.delimiter, self.decimal = delimiter, decimal
        self.position = lambda: 0  # bytes read so far, for a progress bar (set once the file is open)

    def _open(self) -> io.TextIOWrapper:
        # Through open_file: a pipe or a device put in the file's place since inspect() is refused, not read.
        return io.TextIOWrapper(open_file(self.path), encoding=self.encoding, newline="")

    def _delimiter(self, line: str) -> str:
        """The configured delimiter, else the one the header's names decide (:func:`delimiter_of`)."""
        return self.delimiter or delimiter_of(line, set(self.columns.values()))

    @staticmethod
    def _header_line(handle: io.TextIOWrapper) -> str:
        first = handle.readline(MAX_LINE_BYTES + 1)
        if len(first) > MAX_LINE_BYTES:
            raise RowError(1, f"the header row is longer than {megabytes(MAX_LINE_BYTES)}, the most jobbsats reads")
        return first

    def rows(self) -> Iterator[tuple | RowError]:
        """Every data row as a tuple of Booking's fields, or a RowError for a row that cannot be read."""
        csv.field_size_limit(MAX_LINE_BYTES)  # a field as long as a line may be, and no longer
        with self._open() as handle:
            first = self._header_line(handle)
            if not first.strip():
                raise RowError(1, "the file is empty: expected a header row with the column names")
            delimiter = self._delimiter(first)
            try:
                header = next(csv.reader([first], delimiter=delimiter, strict=True))
            except csv.Error as exc:
                raise RowError(1, f"the header row is not valid CSV ({exc}): a stray quote?") from None
            index = self._indexes([h.strip() for h in header])
            width = len(header)
            reader = csv.reader(handle, delimiter=delimiter, strict=True)
            self.position = handle.buffer.raw.tell  # type: ignore[attr-defined]
            decimal, i_amount, i_date = self.decimal, index["amount"], index["date"]
            # The code fields, read with one itemgetter call per row; a field the file lacks reads an empty
            # string appended to the row (at index `width`), which costs far less than building the codes anew.
            missing = any(f not in index for f in FIELDS[2:])
            pick = itemgetter(*(index.get(f, width) for f in FIELDS[2:]))
            dates: dict[str, datetime.date] = {}
            line = 2  # where the next record starts; the header is line 1
            try:
                for row in reader:
                    end = reader.line_num + 1
                    if end != line:
                        # A quote that opens and does not close on its line swallows the lines after it.
                        yield RowError(line, "a quote opens on this line and does not close on it", fatal=True)
                        return
                    if (len(row) != width or not row[i_amount]) and not any(f.strip() for f in row):
                        line = end + 1  # an empty line, or Excel's row of only ";;;;" (looked for only then)
                        continue
                    if len(row) != width:
                        yield RowError(line, f"has {len(row)} fields; the header has {width}", tuple(row))
                        line = end + 1
                        continue
                    try:
                        # The plain case inline (a million rows); parse_amount words the error otherwise.
                        amount = amount_or_none(row[i_amount], decimal)
                        if amount is None or abs(amount) > MAX_ORE:
                            amount = parse_amount(row[i_amount], decimal)
                        date = dates.get(row[i_date])
                        if date is None:
                            date = dates[row[i_date]] = parse_date(row[i_date])
                    except ValueError as exc:
                        yield RowError(line, str(exc), tuple(row))
                        line = end + 1
                        continue
                    if missing:
                        row.append("")
                    yield (line, date, amount, *map(str.strip, pick(row)))  # a Booking's fields, as a plain tuple
                    line = end + 1
            except csv.Error as exc:
                # After a broken quote the reader cannot find the next row reliably: the import stops.
                if "unexpected end of data" in str(exc):
                    yield RowError(line, "a quote opens on this line and never closes", fatal=True)
                elif "field limit" in str(exc):
                    yield RowError(
                        line,
                        f"has a field longer than {megabytes(MAX_LINE_BYTES)}, the most jobbsats reads",
                        fatal=True,
                    )
                else:
                    yield RowError(line, f"malformed CSV: {exc} (a stray quote?)", fatal=True)

    def records(self, lines: set[int]) -> dict[int, tuple[str, ...]]:
        """The fields of the records that start on ``lines``, exactly as the file has them.

        For rows refused after they were read (a date outside the years, a mapping):
        the rejects file gives them back as they were, so a corrected file keeps the
        export's columns.
        """
        found: dict[int, tuple[str, ...]] = {}
        csv.field_size_limit(MAX_LINE_BYTES)
        with self._open() as handle:
            delimiter = self._delimiter(self._header_line(handle))
            reader = csv.reader(handle, delimiter=delimiter, strict=True)
            start = 2
            for row in reader:
                if start in lines:
                    found[start] = tuple(row)
                start = reader.line_num + 2
        return found

    def _indexes(self, header: list[str]) -> dict[str, int]:
        _lookalike_columns(header)
        found = {}
        for field, name in self.columns.items():
            if header.count(name) > 1:
                raise RowError(1, f"the header has the column {shown(name)} (for {field}) more than once")
            if name not in header:
                # Written in NFD, or with a Cyrillic letter: say how it differs rather than list the columns.
                hint = names.looks_like(name, header) or f" (columns: {listed(header)})"
                raise RowError(1, f"the header has no column {shown(name)} for {field}{hint}")
            found[field] = header.index(name)
        for field in REQUIRED:
            if field not in found:
                raise RowError(1, f"[utfall.columns] must name the column for {field}")
        return found


def _lookalike_columns(header: list[str]) -> None:
    """Refuse a header whose names hold what cannot be seen, or two of which look the same.

    ``Belopp`` beside ``Веlopp`` (a Cyrillic В and е) or ``Belopp`` and a zero-width space: the rows
    would be read from whichever column matches the config, and nobody could tell which that is.
    """
    for column, name in enumerate(header, 1):
        hidden = [c for c in name if unseen(c)]
        if hidden:
            raise RowError(
                1,
                f"column {column} of the header, {names.quoted(name)}, has characters that cannot be seen "
                f"({names.code_points(''.join(dict.fromkeys(hidden)))}); write the name without them",
            )
    if all(name.isascii() for name in header):
        return  # no look-alikes among plain ASCII names worth the tables' time
    for index, kept in names.lookalikes(header).items():
        one, other = header[kept], header[index]
        if one != other:  # the same name twice is said where a configured column is looked up
            raise RowError(
                1, f"the header's columns {kept + 1} and {index + 1}: {names.difference(one, other)}; rename one"
            )


def listed(header: list[str]) -> str:
    """The header's columns as a message lists them: the first few, each cut short, and how many more."""
    names = ", ".join(shown(name, 40) for name in header[:SHOWN_COLUMNS])
    more = len(header) - SHOWN_COLUMNS
    return clip(names, 300) + (f" and {more:,} more".replace(",", " ") if more > 0 else "")


def delimiter_of(header: str, wanted: set[str]) -> str:
    """The delimiter that splits the ``header`` line into the most of the ``wanted`` column names.

    Each candidate is tried with the csv module itself, so a ``;`` inside a quoted
    column name ("Konto;namn") cannot decide it. When no candidate finds a single
    name, the header's own look decides, and the missing column is named after.
    """
    best, found = "", 0
    for candidate in DELIMITERS:
        try:
            names = {name.strip() for name in next(csv.reader([header], delimiter=candidate, strict=True))}
        except (csv.Error, StopIteration):
            continue
        if len(wanted & names) > found:
            best, found = candidate, len(wanted & names)
    return best or next((d for d in DELIMITERS if d in header), ",")
