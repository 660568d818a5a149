"""``csv``: raw numbers (money in integer öre), UTF-8, data rows only."""

from __future__ import annotations

import csv
import io

from jobbsats.report import Document
from jobbsats.reports.formats.cells import raw


class Csv:
    name = "csv"
    extension = "csv"
    binary = False

    def render(self, document: Document) -> str:
        buffer = io.StringIO()
        several = len(document.tables) > 1
        writer = csv.writer(buffer, lineterminator="\n")
        keys_written = False
        for table in document.tables:
            keys = [c.key for c in table.columns]
            if not keys_written or several:
                writer.writerow((["table"] if several else []) + keys)
                keys_written = True
            for row in table.rows:
                values = [raw(c, row.get(c.key)) for c in table.columns]
                writer.writerow(([table.name] if several else []) + ["" if v is None else v for v in values])
        return buffer.getvalue()
