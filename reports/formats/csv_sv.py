"""``csv-sv``: CSV that Swedish Excel opens as it is: ``;`` between fields, UTF-8 with a BOM.

The machine format ``csv`` (integer öre, ``,``, field names) is for programs;
this one is for people who double-click the file. Excel in Swedish splits
fields on ``;`` (its list separator; ``,`` is the decimal comma) and reads the
file as UTF-8 only when it starts with a byte order mark, else "Mottagare"
turns into mojibake. The header row is the tables' own Swedish column titles.

Numbers are written the way Excel sv-SE parses them as numbers: a decimal
comma and no grouping (``13056000``, ``1234567,50``); a space, even a
no-break one, between the thousands makes Excel keep the cell as text. An
amount is in the unit its column shows (kr, tkr or mnkr, as the title says),
exact: ``format_amount`` never rounds. A percentage is the number before the
``%`` that the title already names (``36,0``).

As in ``csv``: data rows only (no total rows, nor the tables that only
rearrange others), and text that Excel would run as a formula gets a leading
``'``. A document with several tables gets one header and a first column
``Tabell`` naming each row's table.
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from fractions import Fraction
from typing import Any

from jobbsats.document import Column, Document, Table
from jobbsats.files import not_a_formula
from jobbsats.money import format_amount, format_count, format_percent

BOM = "\ufeff"


def cell(column: Column, value: Any) -> str:
    """One field as Swedish Excel reads it: a number with a decimal comma, or text that is never a formula."""
    if value is None:
        return ""
    if isinstance(value, str):  # text, or a word in a number column such as "<5"
        return str(not_a_formula(value))
    if column.kind == "money":
        return format_amount(value, column.shown_in, sep="")
    if column.kind == "int":
        return format_count(value, sep="")
    if column.kind == "percent":
        share = value if isinstance(value, (Fraction, Decimal)) else Decimal(value)
        return format_percent(share, sep="").removesuffix("%")
    if column.kind == "year":
        return str(value)
    return str(not_a_formula(str(value)))


def slots(tables: list[Table]) -> tuple[list[str], list[list[int]]]:
    """The file's header (titles) and, per table, the field each of its columns goes in.

    Columns of different tables with the same title share a field, so "Mottagare" is one
    column in Excel; a title that one table has twice gets a field for each.
    """
    header: list[str] = []
    places: list[list[int]] = []
    for table in tables:
        taken: list[int] = []
        for column in table.columns:
            free = [i for i, title in enumerate(header) if title == column.title and i not in taken]
            if free:
                taken.append(free[0])
            else:
                header.append(column.title)
                taken.append(len(header) - 1)
        places.append(taken)
    return header, places


class CsvSv:
    name = "csv-sv"
    extension = "csv"
    binary = False

    def render(self, document: Document) -> str:
        buffer = io.StringIO()
        tables = document.data_tables
        several = len(tables) > 1
        header, places = slots(tables)
        # Excel writes and reads CRLF; csv quotes a field with ";", a quote or a line break in it.
        writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
        writer.writerow((["Tabell"] if several else []) + [str(not_a_formula(t)) for t in header])
        for table, place in zip(tables, places, strict=True):
            for row in table.rows:
                fields = [""] * len(header)
                for column, i in zip(table.columns, place, strict=True):
                    fields[i] = cell(column, row.get(column.key))
                writer.writerow(([str(not_a_formula(table.title))] if several else []) + fields)
        return BOM + buffer.getvalue()
