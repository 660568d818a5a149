"""``md``: Markdown for people, numbers the Swedish way (13 056 000)."""

from __future__ import annotations

import re

from jobbsats.document import Document, Table
from jobbsats.reports.formats.cells import table_display

_RIGHT = {"money", "int", "percent"}


# A "<" that could open an HTML tag or comment in Markdown (``<b>``, ``</p>``, ``<!--``); "<5" cannot.
_TAG_START = re.compile(r"<(?=[A-Za-z/!?])")


def _text(text: str) -> str:
    """Text as Markdown shows it literally: no HTML gets through (``<b>`` stays ``<b>``), one line."""
    return _TAG_START.sub(r"\\<", text.replace("\\", "\\\\")).replace("\n", " ")


def _escape(text: str) -> str:
    """A table cell: as :func:`_text`, and ``|`` kept from ending the cell."""
    return _text(text).replace("|", "\\|")


def _grid(table: Table) -> list[str]:
    cols = table.columns
    show = table_display(table)
    lines = [
        "| " + " | ".join(_escape(c.title) for c in cols) + " |",
        "|" + "|".join("---:" if c.kind in _RIGHT else "---" for c in cols) + "|",
    ]
    for row in table.rows:
        lines.append("| " + " | ".join(_escape(show(c, row.get(c.key))) for c in cols) + " |")
    for row in table.totals:
        cells = [show(c, row.get(c.key)) for c in cols]
        lines.append("| " + " | ".join(f"**{_escape(x)}**" if x else "" for x in cells) + " |")
    return lines


def _numbered(table: Table) -> list[str]:
    return [f"{row['point']}. {_text(row['text'])}" for row in table.rows]


class Markdown:
    name = "md"
    extension = "md"
    binary = False

    def render(self, document: Document) -> str:
        lines = [f"# {_text(document.title)}", ""]
        for paragraph in document.paragraphs:
            lines += [_text(paragraph), ""]
        for table in document.tables:
            if len(document.tables) > 1 or not table.numbered:
                lines += [f"## {_text(table.title)}", ""]
            lines += (_numbered(table) if table.numbered else _grid(table)) + [""]
        return "\n".join(lines)
