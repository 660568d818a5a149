"""``csv``: raw numbers (money in integer öre), UTF-8, data rows only, under one header line.

The fields are the same as in the JSON format: the table's columns, then any
extra machine fields the report puts in its rows (such as ``recipient_id``).
Text that a spreadsheet would run as a formula (it begins with ``=``, ``+``,
``-``, ``@``, a tab or a carriage return) gets a leading ``'``, so a recipient
named ``=HYPERLINK(...)`` stays text when the file is opened in Excel.
"""

from __future__ import annotations

import csv
import io

from jobbsats.document import Document, Table
from jobbsats.files import not_a_formula
from jobbsats.reports.formats.cells import raw


def cell(value: object) -> object:
    if value is None:
        return ""
    # Only text can be a formula; a number such as -0.1 stays a number.
    return not_a_formula(value) if isinstance(value, str) else raw(value)


def fields(table: Table) -> list[str]:
    keys = [c.key for c in table.columns]
    for row in table.rows:
        keys += [k for k in row if k not in keys]
    return keys


class Csv:
    name = "csv"
    extension = "csv"
    binary = False

    def render(self, document: Document) -> str:
        buffer = io.StringIO()
        tables = document.data_tables
        several = len(tables) > 1
        # One header for the whole file, so it reads as one sheet: with several tables, a "table"
        # column says which each row is of, and a field a table lacks is left empty.
        keys: list[str] = []
        for table in tables:
            keys += [k for k in fields(table) if k not in keys]
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow((["table"] if several else []) + keys)
        for table in tables:
            for row in table.rows:
                writer.writerow(([table.name] if several else []) + [cell(row.get(k)) for k in keys])
        return buffer.getvalue()
