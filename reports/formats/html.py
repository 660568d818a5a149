"""``html``: one self-contained page, readable on screen and on paper, with the report's charts.

The page is a Jinja2 template with autoescaping on, so no name or text from a
scenario file can inject markup. Charts are plain SVG written by a template of
their own (``templates/chart.svg.j2``, laid out by :mod:`.charts`) and put
inline, with real text in the page's font: the file needs nothing from the
network, which a decision paper's attachment must not.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from jobbsats import __version__
from jobbsats.document import Document, Table
from jobbsats.reports.formats.cells import table_display
from jobbsats.reports.formats.charts import layout

if TYPE_CHECKING:
    import jinja2

_RIGHT = {"money", "int", "percent"}


@dataclass(frozen=True)
class _Cell:
    text: str
    align: str


class Html:
    name = "html"
    extension = "html"
    binary = False

    def render(self, document: Document) -> str:
        template = _environment().get_template("report.html.j2")
        return template.render(
            document=document,
            tables=[_table(t) for t in document.tables],
            charts=[layout(c, f"chart-{i}") for i, c in enumerate(document.charts, start=1)],
            version=__version__,
        )


@functools.cache
def _environment() -> jinja2.Environment:
    """One environment a process: it keeps the templates it compiled (about 37 ms each time otherwise), for a
    server's downloads and for every report after the first."""
    from jinja2 import Environment, PackageLoader, select_autoescape

    return Environment(
        loader=PackageLoader("jobbsats.reports.formats", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )


def _table(table: Table) -> dict[str, Any]:
    """The table as the template shows it: cells already in Swedish text, numbers aligned right."""
    show = table_display(table)

    def cells(row: dict) -> list[_Cell]:
        return [_Cell(show(c, row.get(c.key)), "num" if c.kind in _RIGHT else "") for c in table.columns]

    return {
        "name": table.name,
        "title": table.title,
        "numbered": table.numbered,
        "columns": [{"title": c.title, "align": "num" if c.kind in _RIGHT else ""} for c in table.columns],
        "rows": table.rows if table.numbered else [cells(r) for r in table.rows],
        "totals": [cells(r) for r in table.totals],
    }
