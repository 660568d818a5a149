"""``csv``: raw numbers (money in integer öre), UTF-8, data rows only.

The fields are the same as in the JSON format: the table's columns, then any
extra machine fields the report puts in its rows (such as ``recipient_id``).
"""

from __future__ import annotations

import csv
import io

from jobbsats.report import Document, Table
from jobbsats.reports.formats.cells import raw


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
        several = len(document.tables) > 1
        writer = csv.writer(buffer, lineterminator="\n")
        for index, table in enumerate(document.tables):
            keys = fields(table)
            if index == 0 or several:
                writer.writerow((["table"] if several else []) + keys)
            for row in table.rows:
                values = ["" if row.get(k) is None else raw(None, row.get(k)) for k in keys]
                writer.writerow(([table.name] if several else []) + values)
        return buffer.getvalue()
