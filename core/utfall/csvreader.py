"""Booked rows from a CSV file written the Swedish Excel way.

UTF-8 (with or without BOM) or Windows-1252; ``;`` or ``,`` between fields
(read from the header line unless the config says); decimal comma; spaces or
no-break spaces between thousands. The header's column names are mapped to
our fields in ``[utfall.columns]``. Parsed strictly: Python's ``csv`` with
``strict=True``, every row as wide as the header, amounts and dates by
:mod:`jobbsats.utfall.swedish`.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

from jobbsats.utfall.booking import Booking, RowError
from jobbsats.utfall.swedish import parse_amount, parse_date

FIELDS = ("date", "amount", "account", "ansvar", "verksamhet", "project", "text")
REQUIRED = ("date", "amount")


class CsvReader:
    """Iterate for :class:`Booking` rows; bad rows raise :class:`RowError` (or go to ``on_error``)."""

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
        self.bytes_read = 0

    def _header(self, line: str) -> str:
        if self.delimiter:
            return self.delimiter
        return ";" if ";" in line else "\t" if "\t" in line else ","

    def rows(self) -> Iterator[Booking | RowError]:
        """Every data row as a Booking, or as a RowError for a row that cannot be read (the caller decides)."""
        with self.path.open("r", encoding=self.encoding, newline="") as handle:
            first = handle.readline()
            if not first.strip():
                raise RowError(1, "the file is empty: expected a header row with the column names")
            delimiter = self._header(first)
            header = next(csv.reader([first], delimiter=delimiter, strict=True))
            index = self._indexes([h.strip() for h in header])
            width = len(header)
            reader = csv.reader(handle, delimiter=delimiter, strict=True)
            raw = handle.buffer.raw  # type: ignore[attr-defined]
            decimal = self.decimal
            get = {name: index.get(name) for name in FIELDS}
            while True:
                line = reader.line_num + 2  # where the next record starts; the header is line 1
                try:
                    row = next(reader)
                except StopIteration:
                    break
                except csv.Error as exc:
                    if "unexpected end of data" in str(exc):
                        yield RowError(line, "a quote opens on this line and never closes (a stray quote?)")
                    else:
                        yield RowError(line, f"malformed CSV: {exc} (a stray quote?)")
                    return  # after a broken quote the reader cannot find the next row reliably
                if reader.line_num + 1 != line:
                    # A quote that opens and does not close on its line swallows the lines after it.
                    yield RowError(line, "a quote opens on this line and does not close on it (a stray quote?)")
                    return
                self.bytes_read = raw.tell()
                if not row or row == [""]:
                    continue
                if len(row) != width:
                    yield RowError(line, f"has {len(row)} fields; the header has {width}", delimiter.join(row))
                    continue
                try:
                    amount = parse_amount(row[get["amount"]], decimal)
                    date = parse_date(row[get["date"]])
                except ValueError as exc:
                    yield RowError(line, str(exc), delimiter.join(row))
                    continue
                yield Booking(
                    line,
                    date,
                    amount,
                    *(row[get[f]].strip() if get[f] is not None else "" for f in FIELDS[2:]),
                )

    def _indexes(self, header: list[str]) -> dict[str, int]:
        found = {}
        for field, name in self.columns.items():
            if name not in header:
                listed = ", ".join(repr(h) for h in header)
                raise RowError(1, f"the header has no column {name!r} for {field} (columns: {listed})")
            found[field] = header.index(name)
        for field in REQUIRED:
            if field not in found:
                raise RowError(1, f"[utfall.columns] must name the column for {field}")
        return found
