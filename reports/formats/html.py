"""``html``: one self-contained page, readable on screen and on paper, with the report's charts.

The page is a Jinja2 template with autoescaping on, so no name or text from a
scenario file can inject markup. Charts are drawn by matplotlib as SVG and
put inline: the file needs nothing from the network, which a decision paper's
attachment must not.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from jobbsats import __version__
from jobbsats.document import Chart, Document, Table
from jobbsats.money import KRONOR, format_kr
from jobbsats.reports.formats.cells import display

if TYPE_CHECKING:
    from markupsafe import Markup

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
        from jinja2 import Environment, PackageLoader, select_autoescape

        env = Environment(
            loader=PackageLoader("jobbsats.reports.formats", "templates"),
            autoescape=select_autoescape(default=True, default_for_string=True),
            trim_blocks=True,
            lstrip_blocks=True,
        )
        template = env.get_template("report.html.j2")
        return template.render(
            document=document,
            tables=[_table(t) for t in document.tables],
            charts=[{"title": c.title, "svg": draw(c)} for c in document.charts],
            version=__version__,
        )


def _table(table: Table) -> dict[str, Any]:
    """The table as the template shows it: cells already in Swedish text, numbers aligned right."""

    def cells(row: dict) -> list[_Cell]:
        return [_Cell(display(c, row.get(c.key)), "num" if c.kind in _RIGHT else "") for c in table.columns]

    return {
        "name": table.name,
        "title": table.title,
        "numbered": table.numbered,
        "columns": [{"title": c.title, "align": "num" if c.kind in _RIGHT else ""} for c in table.columns],
        "rows": table.rows if table.numbered else [cells(r) for r in table.rows],
        "totals": [cells(r) for r in table.totals],
    }


def draw(chart: Chart) -> Markup:
    """The chart as inline SVG (grouped bars, one group per category), drawn by matplotlib."""
    import matplotlib

    matplotlib.use("Agg")  # no screen: draw to a file
    import matplotlib.pyplot as plt
    from matplotlib.ticker import FuncFormatter

    scale = 100 if chart.unit == KRONOR else 1
    count = len(chart.series)
    width = 0.8 / max(count, 1)
    # text.parse_math off: a name with $...$ is shown as written, not typeset as mathematics.
    # (Written out in the call, so the type checker sees each key as one of matplotlib's rc keys.)
    with plt.rc_context({"svg.fonttype": "path", "font.size": 9, "svg.hashsalt": "jobbsats", "text.parse_math": False}):
        fig, ax = plt.subplots(figsize=(10, 0.5 + 0.45 * max(len(chart.categories), 1) * max(count, 1) * 0.6 + 1.5))
        positions = range(len(chart.categories))
        for i, series in enumerate(chart.series):
            offsets = [p + (i - (count - 1) / 2) * width for p in positions]
            # matplotlib draws in floats; the numbers people read (tables) stay exact.
            ax.barh(offsets, [v / scale for v in series.values], height=width, label=series.name)
        ax.set_yticks(list(positions), labels=list(chart.categories))
        ax.invert_yaxis()
        unit = "kr" if chart.unit == KRONOR else chart.unit
        ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _pos: _tick(x, chart.unit)))
        ax.set_xlabel(unit)
        if count > 1:
            ax.legend()
        ax.grid(axis="x", color="#dddddd")
        ax.set_axisbelow(True)
        fig.tight_layout()
        buffer = io.StringIO()
        fig.savefig(buffer, format="svg", metadata={"Date": None})
        plt.close(fig)
    from markupsafe import Markup  # Jinja2's: the SVG goes into the page as markup, not as escaped text

    svg = buffer.getvalue()
    return Markup(svg[svg.index("<svg") :])  # the SVG element alone, inline in the page


def _tick(value: float, unit: str) -> str:
    """An axis label the Swedish way: 13 000 000 (whole units; the tables carry the exact amounts)."""
    whole = int(round(value))
    return format_kr(whole * 100) if unit == KRONOR else f"{whole:,}".replace(",", "\u00a0")
