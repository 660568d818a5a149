"""Column widths for a table on a page, from what its columns hold: for docx.

A word processor given equal columns breaks a long name inside a word ("Kommunstyre|lsen") next
to a year column with room to spare. Here every column gets at least its longest word (a text
column) or its widest figure (a number column; a figure has no-break spaces, so it is one word),
its heading's longest word included; what room is left on the page goes to the text columns, in
proportion to what they lack of holding each text on one line. A table whose words do not fit
at the body text's size is set a size or two smaller first.

Widths are estimated from Helvetica's character widths (:func:`.charts.text_width`) and a fifth
more: the default template sets body text in Cambria, which LibreOffice shows as Caladea or, where
that is missing, as DejaVu Serif, about a fifth wider than Helvetica. An estimate that errs on the
side of room: a column a little wide costs nothing, a word broken in two reads wrong.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from fractions import Fraction

from jobbsats.reports.formats.charts import text_width

BODY = 11  # points: Word's body text (the default template's Calibri 11)
SMALLER = (10, 9, 8)  # tried in turn when a table's words do not fit at BODY
PADDING = Fraction(108 * 2, 20)  # points: "Table Grid"'s cell margins, 108 twips on each side
BOLD = Fraction(11, 10)  # bold letters run about a tenth wider (Helvetica-Bold against Helvetica)
WIDER = Fraction(6, 5)  # the widest font the text may be shown in (DejaVu Serif) against Helvetica
TWIP = Fraction(1, 20)  # a point's twentieth: the unit Word keeps widths in

# Where a line may break: ordinary spaces only; a no-break space keeps "13 056 000" whole.
_BREAKS = re.compile(r"[ \t\r\n]+")


@dataclass(frozen=True)
class Content:
    """What one column holds: its heading (set in bold), its cells' texts, and whether it is text."""

    title: str
    cells: tuple[tuple[str, bool], ...]  # (text, bold)
    text: bool  # a text column grows into spare room; a number column keeps to its widest figure


@dataclass(frozen=True)
class Layout:
    """The font size (points) a table is set in, and each column's width in points."""

    size: int
    widths: tuple[Fraction, ...]


def _width(text: str, size: int, bold: bool) -> Fraction:
    return text_width(text, size) * WIDER * (BOLD if bold else 1)


def _least(content: Content, size: int) -> Fraction:
    """The longest word (of the heading or any cell), which must fit on a line of its own."""
    texts = [(content.title, True), *content.cells]
    words = [(word, bold) for text, bold in texts for word in _BREAKS.split(text) if word]
    return max((_width(word, size, bold) for word, bold in words), default=Fraction(0))


def _natural(content: Content, size: int) -> Fraction:
    """The widest a text column can use: every text on one line (a number column: its longest word)."""
    if not content.text:
        return _least(content, size)
    texts = [(content.title, True), *content.cells]
    return max((_width(text, size, bold) for text, bold in texts if text), default=Fraction(0))


def fit(columns: list[Content], room: Fraction | float) -> Layout:
    """Widths (points, cell margins included) for ``columns`` that add up to at most ``room`` points.

    Each column gets its longest word; text columns share what is left, each up to its whole
    text on one line. When the longest words do not fit side by side even at the smallest size,
    every column is narrowed in proportion (words then break: nothing else would fit the page).
    """
    room = Fraction(room)
    size = BODY
    for size in (BODY, *SMALLER):
        least = [_least(c, size) + PADDING for c in columns]
        if sum(least) <= room:
            break
    if sum(least) > room:
        scale = room / sum(least)
        return Layout(size, tuple(_twips(w * scale) for w in least))
    lacking = [
        (_natural(c, size) + PADDING - w if c.text else Fraction(0)) for c, w in zip(columns, least, strict=True)
    ]
    spare = room - sum(least)
    wanted = sum(lacking)
    share = Fraction(1) if wanted <= spare else spare / wanted
    return Layout(size, tuple(_twips(w + lack * share) for w, lack in zip(least, lacking, strict=True)))


def _twips(points: Fraction) -> Fraction:
    """``points`` rounded down to a whole twip, so the widths Word keeps never add up to more than the room."""
    return math.floor(points / TWIP) * TWIP
