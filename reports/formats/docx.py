"""``docx``: a Word document a nämndsekreterare pastes into a tjänsteskrivelse.

Written with python-docx, in Word's built-in styles only (Heading 1 and 2,
List Number, Table Grid), so that pasted text takes on the receiving
document's own look. The report's sentences come first, as in ``md``; decision
points are a real numbered list ("List Number", Word's own numbering), each
point keeping the number the report gives it: a list restarts wherever the
numbers jump, as in an extract of points 2 and 6. Tables have a bold header row
that repeats on every page, numbers the Swedish way (``13 056 000``, with
no-break spaces so a number never breaks) and right-aligned, a money column's
amounts all with öre or all without, total rows in bold, and columns as wide as
their content asks (:mod:`.widths`). Charts are left out: Word gets the tables
they are drawn from.
"""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime
from fractions import Fraction
from typing import Any

from jobbsats.document import Document, Table
from jobbsats.reports.formats.cells import table_display
from jobbsats.reports.formats.widths import BODY, Content, fit

_RIGHT = {"money", "int", "percent"}
# Characters XML 1.0 cannot hold (python-docx refuses them): shown as U+FFFD rather than failing.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# A table wider than this many columns gets a landscape page.
_WIDE = 6


def _text(text: object) -> str:
    return _NOT_XML.sub("\ufffd", str(text))


class Docx:
    name = "docx"
    extension = "docx"
    binary = True

    def render(self, document: Document) -> bytes:
        import docx  # only when this format is asked for: it is not needed to start

        word = docx.Document()
        _setup(word, document)
        word.add_heading(_text(document.title), level=1)
        for paragraph in document.paragraphs:
            word.add_paragraph(_text(paragraph))
        lists = _Lists(word)
        for table in document.tables:
            if len(document.tables) > 1 or not table.numbered:
                word.add_heading(_text(table.title), level=2)
            if table.numbered:
                lists.add(table)
            else:
                _grid(word, table)
        buffer = io.BytesIO()
        word.save(buffer)
        return buffer.getvalue()


def _setup(word: Any, document: Document) -> None:
    """A4 (landscape for wide tables), Swedish as the proofing language, and the file's own properties."""
    from docx.enum.section import WD_ORIENT
    from docx.oxml.ns import qn
    from docx.shared import Cm

    section = word.sections[0]
    wide = any(len(t.columns) > _WIDE for t in document.tables if not t.numbered)
    if wide:
        section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = (Cm(29.7), Cm(21)) if wide else (Cm(21), Cm(29.7))
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(2))
    # Without this Word checks the Swedish text against English and underlines all of it.
    lang = word.styles.element.find(qn("w:docDefaults")).find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}/{qn('w:lang')}")
    if lang is not None:
        lang.set(qn("w:val"), "sv-SE")
    properties = word.core_properties
    now = datetime.now(UTC).replace(microsecond=0)
    properties.title = _text(document.title)
    properties.author = properties.last_modified_by = "jobbsats"
    properties.created = properties.modified = now  # the template's own date is 2013
    properties.revision = 1
    properties.language = "sv-SE"


class _Lists:
    """Numbered paragraphs in the "List Number" style, each list starting at the report's number."""

    def __init__(self, word: Any):
        self._word = word
        self._num_id: int | None = None
        self._last: int | None = None

    def add(self, table: Table) -> None:
        for row in table.rows:
            point, text = row.get("point"), _text(row.get("text", ""))
            if isinstance(point, bool) or not isinstance(point, int) or point < 1:
                # No number Word can count to: the point as the report wrote it, in a plain paragraph.
                self._word.add_paragraph(f"{_text(point)}. {text}" if point is not None else text)
                self._last = None
                continue
            paragraph = self._word.add_paragraph(text, style="List Number")
            if self._last is None or point != self._last + 1:
                self._num_id = self._restart(paragraph, point)
            self._number(paragraph)
            self._last = point
        self._last = None  # the next table's list starts anew, at its own first number

    def _restart(self, paragraph: Any, start: int) -> int:
        """A new instance of the style's list, counting from ``start`` (Word's startOverride)."""
        from docx.oxml import OxmlElement
        from docx.oxml.ns import qn

        numbering = self._word.part.numbering_part.element
        style_num = paragraph.style.element.pPr.numPr.numId.val
        abstract = numbering.num_having_numId(style_num).abstractNumId.val
        num = numbering.add_num(abstract)
        override = OxmlElement("w:lvlOverride")
        override.set(qn("w:ilvl"), "0")
        start_override = OxmlElement("w:startOverride")
        start_override.set(qn("w:val"), str(start))
        override.append(start_override)
        num.append(override)
        return int(num.numId)

    def _number(self, paragraph: Any) -> None:
        num_pr = paragraph._p.get_or_add_pPr().get_or_add_numPr()
        num_pr.get_or_add_ilvl().val = 0
        num_pr.get_or_add_numId().val = self._num_id


def _grid(word: Any, table: Table) -> None:
    """A table: a bold header row repeated on each page, numbers right-aligned, totals in bold.

    Each column as wide as its content asks, within the page (:func:`~.widths.fit`): text
    columns wider, each long enough for its longest word; autofit stays on, so Word may still
    tune them to the text.
    """
    from docx.oxml import OxmlElement
    from docx.shared import Emu, Pt

    show = table_display(table)
    titles = [_text(c.title) for c in table.columns]
    rows = [(row, False) for row in table.rows] + [(row, True) for row in table.totals]
    body = [([_text(show(c, row.get(c.key))) for c in table.columns], total) for row, total in rows]
    contents = [
        Content(title, tuple((texts[i], total) for texts, total in body), column.kind == "text")
        for i, (column, title) in enumerate(zip(table.columns, titles, strict=True))
    ]
    section = word.sections[-1]
    layout = fit(contents, Fraction(section.page_width - section.left_margin - section.right_margin, Pt(1)))

    grid = word.add_table(rows=1, cols=len(table.columns))
    grid.style = word.styles["Table Grid"]
    grid.autofit = True
    header = grid.rows[0]
    header._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))
    size = Pt(layout.size) if layout.size != BODY else None
    widths = [Emu(int(w * Pt(1))) for w in layout.widths]  # whole twips, exactly: 635 EMU each
    # Word reads each cell's width, LibreOffice the grid's: both are set.
    for column, width in zip(grid.columns, widths, strict=True):
        column.width = width
    for cell, column, text, width in zip(header.cells, table.columns, titles, widths, strict=True):
        _fill(cell, text, bold=True, right=column.kind in _RIGHT, size=size, width=width)
    for texts, total in body:
        row = grid.add_row()
        row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))  # a row's lines stay on one page
        for cell, column, text, width in zip(row.cells, table.columns, texts, widths, strict=True):
            _fill(cell, text, bold=total, right=column.kind in _RIGHT, size=size, width=width)


def _fill(cell: Any, text: str, *, bold: bool, right: bool, size: Any, width: Any) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    cell.width = width
    paragraph = cell.paragraphs[0]
    if text:
        run = paragraph.add_run(text)
        run.bold = bold or None
        if size is not None:
            run.font.size = size
    if right:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
