"""``xlsx``: an Excel workbook laid out as a person would make it by hand.

The first sheet, "Sammanfattning", holds the report's sentences: its title,
its paragraphs and its numbered decision points ("1. Kommunstyrelsen
tilldelar ..."), one to a wrapped row, ready to copy into a paper. Then a
sheet per table: a bold header row that stays in view and is printed on
every page, an autofilter, amounts as real numbers, long text wrapped in a
wide column. Every sheet prints landscape on A4, as wide as one page.

Sheet names are what Excel accepts (at most 31 characters, none of
``[]:*?/\\``, unique without regard to case) and still read as the title: a
long title is cut between words, never inside one (:func:`sheet_names`).

Each column has one number format, decided from all its values: whole kronor
(``#,##0``) or, when any amount in it has öre, kronor and öre (``#,##0.00``)
for every row; tkr and mnkr with the decimals the column needs; percentages
with one decimal. The codes are Excel's locale-neutral ones, which Swedish
Excel shows as ``13 056 000`` and ``1 234,50``.

Written with XlsxWriter: a well-kept, dependency-free writer of the format
(openpyxl reads it back in the tests). Every text cell is written as text, so
a name such as ``=HYPERLINK("x")`` never becomes a formula; the workbook is
also told never to turn strings into formulas, numbers or links.

Excel keeps numbers as binary floating point. Amounts are written in kronor
from exact öre (``Decimal`` to the shortest decimal), so every amount under
90 000 000 000 000 kr is stored exactly as the decimal it is; the ledger's
integer öre stay the source of truth.
"""

from __future__ import annotations

import io
import math
import re
import textwrap
import unicodedata
from decimal import Decimal
from fractions import Fraction
from typing import Any

from jobbsats.document import Column, Document, Table
from jobbsats.reports.formats.cells import decimals, display, kronor, places

SUMMARY = "Sammanfattning"
LIMIT = 31  # Excel's longest sheet name, in UTF-16 code units
_WIDE = 70  # a column of long text (decision points, notes): wide, and its cells wrap
_TEXT_WIDTH = 100  # the summary sheet's one column of sentences
_A4 = 9  # Excel's paper size code
_NUMBERS = ("money", "int", "percent", "year")  # right-aligned, their headers too
_LINE = 15  # points: a line of Calibri 11, Excel's default font

# Excel refuses []:*?/\ in a sheet name. Brackets become parentheses; "*" (an assumed year) and
# "?" become spaces; ":", "/" and "\" a dash: "2024/2025" is "2024-2025", "Årshjul: 2024" "Årshjul - 2024".
_BRACKETS = str.maketrans("[]*?", "()  ")
_DASHED = re.compile(r"(\s*)[:/\\]+(\s*)")
_EMPTY_PARENS = re.compile(r"\(\s*\)")
# Words a cut name must not end on: it would read as cut ("Budget och utfall per år och").
_DANGLING = frozenset(
    "och samt eller men per för till i av med mot om på från ur vid efter under inom utan som att hos "
    "än mellan över enligt de den det en ett and or of for the to in on by with a an & + - – —".split()
)


def sheet_names(titles: list[str]) -> list[str]:
    """Excel sheet names for ``titles``, in order: each at most 31 characters and cut between words.

    None holds ``[]:*?/\\`` nor starts or ends with ``'``; none is blank ("Blad"); all are
    unique without regard to case, as Excel compares them. A title too long is cut after its
    last whole word that fits, and a cut name does not end on "och", "per" or a lone "(". Long
    titles that would cut to the same name keep their last word instead ("Budget och utfall …
    2025"); names still alike get " (2)", " (3)" within the limit. Only a single word longer
    than the limit is cut inside, and ends in "…".
    """
    cleaned = [_clean(t) for t in titles]
    names = [_cut(t, LIMIT) for t in cleaned]
    # Titles cut to one name that differ in their last word keep it: "Budget och utfall … 2025".
    groups: dict[str, list[int]] = {}
    for i, name in enumerate(names):
        groups.setdefault(name.lower(), []).append(i)
    for group in groups.values():
        elided = [_elided(cleaned[i], LIMIT) for i in group]
        distinct = {e.lower() for e in elided if e is not None}
        if len(group) > 1 and len(distinct) == len(group):
            for i, e in zip(group, elided, strict=True):
                names[i] = e or names[i]
    # "History" is a name Excel keeps for itself.
    taken = {"history"}
    unique: list[str] = []
    for title, name in zip(cleaned, names, strict=True):
        n = 2
        while name.lower() in taken:
            suffix = f" ({n})"
            name, n = _cut(title, LIMIT - _units(suffix)) + suffix, n + 1
        taken.add(name.lower())
        unique.append(name)
    return unique


def _clean(title: str) -> str:
    """``title`` with only what a sheet name may hold: one line, no forbidden character, no edge ``'``."""
    text = unicodedata.normalize("NFC", title).translate(_BRACKETS)
    text = _DASHED.sub(lambda m: " - " if m.group(1) or m.group(2) else "-", text)
    text = _EMPTY_PARENS.sub(" ", text)  # "[]" would leave "()"
    text = "".join(c for c in text if unicodedata.category(c)[0] != "C" or c.isspace())
    text = " ".join(text.split()).strip("'- ").strip()
    return text or "Blad"


def _units(text: str) -> int:
    """The length Excel counts: UTF-16 code units (a character outside the BMP counts 2)."""
    return len(text.encode("utf-16-le")) // 2


def _cut(text: str, limit: int) -> str:
    """``text`` cut after its last whole word within ``limit``, without a dangling word or ``(``."""
    if _units(text) <= limit:
        return text
    words = text.split(" ")
    kept: list[str] = []
    for word in words:
        if _units(" ".join([*kept, word])) > limit:
            break
        kept.append(word)
    if not kept:  # one word longer than the limit: cut inside it, and say so
        head = ""
        for char in words[0]:
            if _units(head + char) > limit - 1:
                break
            head += char
        return (head.rstrip("'-") or "Blad") + "…"
    tidy = list(kept)
    while tidy:
        tidy[-1] = tidy[-1].rstrip(",;.")
        joined = " ".join(tidy)
        # "gymnasie-" waits for "och vuxenutbildningsnämnden"; a lone "(" for its ")"
        dangling = tidy[-1].lower() in _DANGLING or tidy[-1].endswith(("-", "–"))
        if not tidy[-1] or dangling or joined.count("(") > joined.count(")"):
            tidy.pop()
        else:
            break
    return " ".join(tidy or kept).strip("' ") or "Blad"


def _elided(text: str, limit: int) -> str | None:
    """``text`` as its head and its last word: "Budget och utfall … 2025"; None when that does not fit."""
    head, _, last = text.rpartition(" ")
    room = limit - _units(" … " + last)
    if not head or room < 1:
        return None
    start = _cut(head, room)
    if start.endswith("…"):
        return None
    return f"{start} … {last}"


class Xlsx:
    name = "xlsx"
    extension = "xlsx"
    binary = True

    def render(self, document: Document) -> bytes:
        import xlsxwriter  # only when this format is asked for: it is not needed to start

        buffer = io.BytesIO()
        never = {"strings_to_formulas": False, "strings_to_numbers": False, "strings_to_urls": False}
        workbook = xlsxwriter.Workbook(buffer, {"in_memory": True, **never})
        workbook.set_properties({"title": document.title})
        styles = _Styles(workbook)
        names = sheet_names([SUMMARY, *(t.title for t in document.tables)])
        self._summary(workbook.add_worksheet(names[0]), document, styles)
        for name, table in zip(names[1:], document.tables, strict=True):
            self._table(workbook.add_worksheet(name), table, styles)
        workbook.close()
        return buffer.getvalue()

    @staticmethod
    def _summary(sheet: Any, document: Document, styles: _Styles) -> None:
        """The report's sentences: title, paragraphs, then each numbered table's points."""
        sheet.write_string(0, 0, document.title, styles.title)
        lines = [(p, styles.wrap) for p in document.paragraphs]
        for table in document.tables:
            if not table.numbered:
                continue
            lines.append(("", None))
            if table.title != document.title:  # a decision per year: each under its own heading
                lines.append((table.title, styles.heading))
            lines += [(f"{row.get('point')}. {row.get('text', '')}", styles.wrap) for row in table.rows]
        for r, (line, style) in enumerate(lines, start=2):
            if line:
                sheet.write_string(r, 0, line, style)
                _fit_height(sheet, r, _lines(line, _TEXT_WIDTH))
        sheet.set_column(0, 0, _TEXT_WIDTH)
        _print_setup(sheet, document.title)

    @staticmethod
    def _table(sheet: Any, table: Table, styles: _Styles) -> None:
        rows = [(row, False) for row in table.rows] + [(row, True) for row in table.totals]
        height = [1] * (len(rows) + 1)  # each row's lines of wrapped text, the header's first
        for col, column in enumerate(table.columns):
            values = [row.get(column.key) for row, _ in rows]
            code = _number_format(column, values)
            width = _width(column, values, code)
            header = styles.header_right if column.kind in _NUMBERS else styles.header
            sheet.write_string(0, col, column.title, header)
            height[0] = max(height[0], _lines(column.title, width))
            for r, (row, total) in enumerate(rows, start=1):
                value = row.get(column.key)
                _write(sheet, r, col, column, value, styles.cell(code, total))
                if isinstance(value, str):
                    height[r] = max(height[r], _lines(value, width))
            sheet.set_column(col, col, width)
        for r, lines in enumerate(height):
            _fit_height(sheet, r, lines)
        sheet.freeze_panes(1, 0)
        # The filter covers the data rows; the totals below stay put when people sort or filter.
        sheet.autofilter(0, 0, len(table.rows), max(len(table.columns) - 1, 0))
        _print_setup(sheet, table.title, header_row=True)


def _write(sheet: Any, r: int, col: int, column: Column, value: Any, style: Any) -> None:
    """One cell: a number in its column's format, or text written as text (never a formula)."""
    if value is None:
        sheet.write_blank(r, col, None, style)
    elif isinstance(value, str | bool) or column.kind == "text":
        sheet.write_string(r, col, str(value), style)
    elif column.kind == "money":
        sheet.write_number(r, col, float(kronor(column, value)), style)
    elif column.kind == "percent":
        sheet.write_number(r, col, float(Fraction(value) / 100), style)
    else:  # int, year
        sheet.write_number(r, col, int(value), style)


def _number_format(column: Column, values: list[Any]) -> str:
    """The one Excel number format of a column, from all its values (``@`` for text)."""
    numbers = [v for v in values if v is not None and not isinstance(v, str | bool)]
    if column.kind == "money":
        # The decision html, docx and md make too: 7 930 500,50 and 13 056 000,00 in one column.
        return "#,##0" + _decimals(decimals(column, numbers))
    if column.kind == "percent":
        # One decimal, as the reports round shares; a share stated more exactly keeps its places.
        stated = [min(places(v.normalize()), 4) for v in numbers if isinstance(v, Decimal)]
        return "0" + _decimals(max([1, *stated])) + "%"
    if column.kind == "int":
        return "#,##0"
    if column.kind == "year":
        return "0"
    return "@"


def _decimals(places: int) -> str:
    return "." + "0" * places if places else ""


def _width(column: Column, values: list[Any], code: str) -> float:
    """A column as wide as its widest value, its header in at most two lines; long text gets ``_WIDE``."""
    shown = decimals(column, values)  # a money column's amounts as its format shows them: all with öre, or none
    widest = max((len(display(column, v, shown)) for v in values), default=0)
    if "." in code and column.kind != "money":
        widest += 3  # the decimals the column's format adds to a whole number (",0")
    words = column.title.split() or [""]
    header = max(max(len(w) for w in words), math.ceil(len(column.title) / 2))
    return min(max(widest, header) + 2, _WIDE)


def _lines(text: str, width: float) -> int:
    """The lines ``text`` takes wrapped in a column ``width`` characters wide (of the digit 0, in Calibri).

    Counted by characters: a line of Swedish text in Calibri holds about 10 % more letters
    than zeros; 5 % more are counted, so the estimate leaves room rather than cutting a line off.
    """
    return max(1, len(textwrap.wrap(text, width=max(1, int(width * 1.05)), break_on_hyphens=False)))


def _fit_height(sheet: Any, row: int, lines: int) -> None:
    """Make a row of wrapped text tall enough to show it all.

    Excel grows such a row itself, but LibreOffice and other readers show the one line of
    a row that has no height of its own; a height set here shows every line everywhere.
    """
    if lines > 1:
        sheet.set_row(row, _LINE * lines)


def _print_setup(sheet: Any, title: str, header_row: bool = False) -> None:
    """Landscape A4, one page wide (as many long), the title above and the page number below."""
    sheet.set_landscape()
    sheet.set_paper(_A4)
    sheet.fit_to_pages(1, 0)
    if header_row:
        sheet.repeat_rows(0)
    # "&" starts a code in Excel's header text; "&&" is the character itself.
    sheet.set_header("&C" + title[:200].replace("&", "&&"))
    sheet.set_footer("&L&A&RSida &P av &N")


class _Styles:
    """The workbook's cell formats, made once each: a number format, plain or bold (for totals)."""

    def __init__(self, workbook: Any):
        self._workbook = workbook
        self.title = workbook.add_format({"bold": True, "font_size": 14})
        self.heading = workbook.add_format({"bold": True, "text_wrap": True, "valign": "top"})
        self.wrap = workbook.add_format({"text_wrap": True, "valign": "top"})
        header = {"bold": True, "bottom": 1, "text_wrap": True, "valign": "top"}
        self.header = workbook.add_format(header)
        self.header_right = workbook.add_format({**header, "align": "right"})  # above numbers, as they align
        self._formats: dict[tuple[str, bool], Any] = {}

    def cell(self, code: str, bold: bool) -> Any:
        """The format of a body cell with the Excel number format ``code`` (``@`` is text, which wraps)."""
        if (code, bold) not in self._formats:
            spec = {"num_format": code, "bold": bold, "valign": "top", "text_wrap": code == "@"}
            self._formats[(code, bold)] = self._workbook.add_format(spec)
        return self._formats[(code, bold)]
