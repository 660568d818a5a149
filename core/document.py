"""What a report produces: a :class:`Document` of titled tables, paragraphs and charts.

A report never sees SQL nor a file format; an output format turns any document
into a file's contents. So a department writes a report once and gets Markdown,
CSV, JSON, XLSX and HTML (and whatever formats other plugins add) for free.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

COLUMN_KINDS = ("text", "money", "int", "year", "percent")
SHOWN_IN_UNITS = ("kr", "tkr", "mnkr")  # how money may be shown: kronor, thousands, millions


@dataclass(frozen=True)
class Column:
    """A column of a table.

    :param key: the field name in each row; a ``money`` column's key ends in
        ``_ore`` and its values are integer öre
    :param title: the heading people read (Swedish in reports for decision papers)
    :param kind: ``text``, ``money``, ``int``, ``year`` or ``percent``
    """

    key: str
    title: str
    kind: str = "text"
    shown_in: str = "kr"  # a money column's unit in text formats: kr, tkr or mnkr

    def __post_init__(self) -> None:
        if self.kind not in COLUMN_KINDS:
            raise ValueError(f"column {self.key!r}: unknown kind {self.kind!r}")
        if self.kind == "money" and not self.key.endswith("_ore"):
            raise ValueError(f"money column {self.key!r} must have a key ending in _ore")


@dataclass
class Table:
    """Rows with the same columns, and optional total rows that follow them.

    ``numbered`` asks text formats to show the rows as a numbered list of the
    ``text`` column (decision points) instead of a grid. ``derived`` marks a
    table that only rearranges other tables' rows for people to read (years
    side by side): machine formats (CSV, JSON) leave it out, so every row they
    hold is counted once.
    """

    name: str
    title: str
    columns: list[Column]
    rows: list[dict[str, Any]] = field(default_factory=list)
    totals: list[dict[str, Any]] = field(default_factory=list)
    numbered: bool = False
    derived: bool = False


@dataclass(frozen=True)
class Series:
    """One set of bars in a chart: a name (a year, "Budget") and a value per category (integer öre).

    :param name: what the bars are, shown in the legend or beside each bar
    :param values: one value per category of the chart, integer öre (or whole units)
    :param undecided: a word when the values rest on something not decided: ``"antaget"`` for a
        year whose total is assumed, ``"ansökt"`` for money applied for, ``"prognos"`` for a
        forecast. Formats that draw mark such bars apart (html: lighter and hatched, with the word
        in parentheses after the name); empty for what is decided or booked.
    :param parts: what each value is made of, drawn stacked within its bar (a recipient's money by
        purpose, a year's financing by financier): series of their own, without parts, whose values
        add up to this series' values category by category.
    """

    name: str
    values: tuple[int, ...]
    undecided: str = ""
    parts: tuple[Series, ...] = ()

    def __post_init__(self) -> None:
        for part in self.parts:
            if part.parts:
                raise ValueError(f"series {self.name!r}: part {part.name!r} has parts of its own")
            if len(part.values) != len(self.values):
                raise ValueError(
                    f"series {self.name!r}: part {part.name!r} has {len(part.values)} values for {len(self.values)}"
                )
        if self.parts:
            sums = [sum(column) for column in zip(*(p.values for p in self.parts), strict=True)]
            if sums != list(self.values):
                raise ValueError(f"series {self.name!r}: its parts add up to {sums}, not to {list(self.values)}")


@dataclass(frozen=True)
class Chart:
    """A bar chart a report asks for, described as data: formats that can draw (html) draw it.

    Each category gets a group of bars, one per series (stacked from the series' parts when it has
    them). How it is drawn is the format's choice; html draws bars across the page beside names
    (recipients) and upright columns over short labels (years, months).

    :param title: what the chart shows, in the report's language
    :param categories: the bars' labels along the axis (recipients, years or months)
    :param series: one or more :class:`Series`, each with a value per category
    :param unit: what the values count: ``kr`` (values in öre) or a unit such as ``platser``
    :param shown_in: for money, the unit people read it in, as the report's tables show the fund
        (:attr:`Column.shown_in`): ``kr``, ``tkr`` or ``mnkr``; the values stay öre
    """

    title: str
    categories: tuple[str, ...]
    series: tuple[Series, ...]
    unit: str = "kr"
    shown_in: str = "kr"

    def __post_init__(self) -> None:
        if self.shown_in not in SHOWN_IN_UNITS:
            raise ValueError(f"chart {self.title!r}: shown_in {self.shown_in!r} is none of {', '.join(SHOWN_IN_UNITS)}")
        for s in self.series:
            if len(s.values) != len(self.categories):
                raise ValueError(
                    f"chart {self.title!r}: series {s.name!r} has {len(s.values)} values for "
                    f"{len(self.categories)} categories"
                )


@dataclass
class Document:
    """What a report produces: a title, paragraphs of text, tables, and charts for formats that draw."""

    report: str
    title: str
    tables: list[Table] = field(default_factory=list)
    paragraphs: list[str] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)

    @property
    def data_tables(self) -> list[Table]:
        """The tables that hold data of their own (not ``derived``): what machine formats write."""
        return [t for t in self.tables if not t.derived]


def malformed(document: object) -> str | None:
    """What is wrong with what a report built, in words (None when it is a sound document).

    Checked before any format sees it, so a report's mistake is named as the report's: money
    cells hold integer öre (or whole units), never a float, text or true/false.
    """
    if not isinstance(document, Document):
        return f"returned {type(document).__name__}, not a jobbsats.Document"
    for table in document.tables:
        if not isinstance(table, Table):
            return f"returned {type(table).__name__} among its tables, not a jobbsats.Table"
        # Money only: a count may show a mark instead of a small number ("<5", suppressed for privacy).
        money = [c.key for c in table.columns if c.kind == "money"]
        for row in (*table.rows, *table.totals):
            if not isinstance(row, dict):
                return f"returned a row of table {table.name!r} that is {type(row).__name__}, not a dict"
            for key in money:
                value = row.get(key)
                if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
                    return f"put {value!r} in money column {key!r} of table {table.name!r}; it holds integer öre"
    return None
