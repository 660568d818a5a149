"""``json``: ``{"report": name, "rows": [...]}``; money as integer öre in ``*_ore`` fields.

Shares and other exact fractions are JSON numbers (``36.0``, not ``"36.0"``): a
reader's JSON parser makes a double of them anyway, and one with the few
decimals a report shows (a percentage to one decimal) reads back exactly.

A document with several tables puts every table's rows in ``rows``, each with a
``table`` field naming its table; ``tables`` describes the tables' columns.
"""

from __future__ import annotations

import json
from decimal import Decimal
from fractions import Fraction
from typing import Any

from jobbsats.document import Document, Table
from jobbsats.reports.formats.cells import raw


def number(value: Any) -> Any:
    """A cell as JSON holds it: an exact fraction or decimal as a number, anything else as ``raw`` gives it."""
    if isinstance(value, Fraction | Decimal) and (not isinstance(value, Decimal) or value.is_finite()):
        return float(value)
    return raw(value)


class Json:
    name = "json"
    extension = "json"
    binary = False

    def render(self, document: Document) -> str:
        several = len(document.data_tables) > 1

        def items(table: Table, rows: list[dict]) -> list[dict]:
            tag = {"table": table.name} if several else {}
            return [{**tag, **{k: number(v) for k, v in row.items()}} for row in rows]

        payload = {
            "report": document.report,
            "title": document.title,
            "rows": [item for t in document.data_tables for item in items(t, t.rows)],
            "totals": [item for t in document.data_tables for item in items(t, t.totals)],
            "paragraphs": document.paragraphs,
            "tables": [
                {
                    "name": t.name,
                    "title": t.title,
                    "columns": [{"key": c.key, "title": c.title, "kind": c.kind} for c in t.columns],
                }
                for t in document.data_tables
            ],
        }
        return json.dumps(payload, ensure_ascii=False, indent=2) + "\n"
