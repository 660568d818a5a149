"""``csv``: raw numbers (money in integer öre), UTF-8, data rows only.

The fields are the same as in the JSON format: the table's columns, then any
extra machine fields the report puts in its rows (such as ``recipient_id``).
Text that a spreadsheet would run as a formula (it begins with ``=``, ``+``,
``-``, ``@``, a tab or a carriage return) gets a leading ``'``, so a recipient
named ``=HYPERLINK(...)`` stays text when the file is opened in Excel.
"""

from __future__ import annotations

import csv
import io

from jobbsats.files import not_a_formula
from jobbsats.report import Document, Table
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
        several = len(document.data_tables) > 1
        writer = csv.writer(buffer, lineterminator="\n")
        for index, table in enumerate(document.data_tables):
            keys = fields(table)
            if index == 0 or several:
                writer.writerow((["table"] if several else []) + keys)
            for row in table.rows:
                values = [cell(row.get(k)) for k in keys]
                writer.writerow(([table.name] if several else []) + values)
        return buffer.getvalue()
