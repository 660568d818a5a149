"""``xlsx``: an Excel workbook, a sheet per table, amounts as real numbers in a Swedish number format.

Written with XlsxWriter: a well-kept, dependency-free writer of the format
(openpyxl reads it back in the tests). Every text cell is written as text, so
a name such as ``=HYPERLINK("x")`` never becomes a formula; the workbook is
also told never to turn strings into formulas, numbers or links.

Excel keeps numbers as binary floating point. Amounts are written in kronor
from exact öre (``Decimal`` to the shortest decimal), so every amount under
90 000 000 000 000 kr is stored exactly as the decimal it is; the ledger's
integer öre stay the source of truth. The number formats use Excel's
locale-neutral codes (``#,##0``), which Swedish Excel shows as ``13 056 000``
and ``1 234,50``.
"""

from __future__ import annotations

import io
import re
from decimal import Decimal
from fractions import Fraction
from typing import Any

from jobbsats.document import Column, Document, Table
from jobbsats.money import SHOWN_IN
from jobbsats.reports.formats.cells import display

_SHEET_FORBIDDEN = re.compile(r"\s*[\[\]:*?/\\]+\s*")
_MAX_WIDTH = 60


def sheet_names(titles: list[str]) -> list[str]:
    """Excel sheet names: at most 31 characters, none of []:*?/\\, unique (case-insensitively), not blank."""
    names: list[str] = []
    for title in titles:
        base = _SHEET_FORBIDDEN.sub(" - ", title).strip(" -'")[:31].rstrip() or "Blad"
        name, n = base, 2
        while name.lower() in (x.lower() for x in names):
            suffix = f" ({n})"
            name, n = base[: 31 - len(suffix)] + suffix, n + 1
        names.append(name)
    return names


class Xlsx:
    name = "xlsx"
    extension = "xlsx"
    binary = True

    def render(self, document: Document) -> bytes:
        import xlsxwriter  # only when this format is asked for: it is not needed to start

        buffer = io.BytesIO()
        never = {"strings_to_formulas": False, "strings_to_numbers": False, "strings_to_urls": False}
        workbook = xlsxwriter.Workbook(buffer, {"in_memory": True, **never})
        styles = _Styles(workbook)
        names = sheet_names(["Sammanfattning", *(t.title for t in document.tables)])
        self._summary(workbook.add_worksheet(names[0]), document, styles)
        for name, table in zip(names[1:], document.tables, strict=True):
            self._table(workbook.add_worksheet(name), table, styles)
        workbook.close()
        return buffer.getvalue()

    @staticmethod
    def _summary(sheet: Any, document: Document, styles: _Styles) -> None:
        sheet.write_string(0, 0, document.title, styles.title)
        for i, paragraph in enumerate(document.paragraphs, start=2):
            sheet.write_string(i, 0, paragraph, styles.wrap)
        sheet.set_column(0, 0, 100)

    @staticmethod
    def _table(sheet: Any, table: Table, styles: _Styles) -> None:
        widths = [len(c.title) for c in table.columns]
        for col, column in enumerate(table.columns):
            sheet.write_string(0, col, column.title, styles.header)
        rows = [(row, False) for row in table.rows] + [(row, True) for row in table.totals]
        for r, (row, total) in enumerate(rows, start=1):
            for col, column in enumerate(table.columns):
                value = row.get(column.key)
                _write(sheet, r, col, column, value, styles, total)
                widths[col] = max(widths[col], len(display(column, value)))
        for col, width in enumerate(widths):
            sheet.set_column(col, col, min(width + 2, _MAX_WIDTH))
        sheet.freeze_panes(1, 0)


def _write(sheet: Any, r: int, col: int, column: Column, value: Any, styles: _Styles, total: bool) -> None:
    """One cell: a number in its format, or text written as text (never a formula)."""
    if value is None:
        sheet.write_blank(r, col, None, styles.number("@", total))
    elif isinstance(value, str | bool) or column.kind == "text":
        sheet.write_string(r, col, str(value), styles.number("@", total))
    elif column.kind == "money":
        amount = (Decimal(value) / 100 / SHOWN_IN.get(column.shown_in, 1)).normalize()
        places = _places(amount)  # the decimals of tkr and mnkr
        if places and column.shown_in == "kr":
            places = 2  # kronor and öre: 7 930 500,50
        code = "#,##0" + ("." + "0" * places if places else "")
        sheet.write_number(r, col, float(amount), styles.number(code, total))
    elif column.kind == "percent":
        share = Fraction(value) / 100
        written = value if isinstance(value, Decimal) else Decimal(share.numerator) / share.denominator * 100
        places = min(_places(written.normalize()), 4)
        sheet.write_number(
            r, col, float(share), styles.number("0" + ("." + "0" * places if places else "") + "%", total)
        )
    else:  # int, year
        sheet.write_number(r, col, int(value), styles.number("#,##0" if column.kind == "int" else "0", total))


def _places(number: Decimal) -> int:
    """The decimals ``number`` is written with: 2 for ``Decimal("7930.50")``, 0 for ``Decimal("8E+3")``."""
    exponent = number.as_tuple().exponent
    if not isinstance(exponent, int):  # "n", "N" or "F": NaN or infinity, which no cell holds
        raise ValueError(f"{number} is not a finite number")
    return max(0, -exponent)


class _Styles:
    """The workbook's cell formats, made once each: a number format, plain or bold (for totals)."""

    def __init__(self, workbook: Any):
        self._workbook = workbook
        self.title = workbook.add_format({"bold": True, "font_size": 14})
        self.wrap = workbook.add_format({"text_wrap": True, "valign": "top"})
        self.header = workbook.add_format({"bold": True, "bottom": 1, "text_wrap": True, "valign": "top"})
        self._formats: dict[tuple[str, bool], Any] = {}

    def number(self, code: str, bold: bool) -> Any:
        """The format for the Excel number format ``code`` (``@`` is text)."""
        if (code, bold) not in self._formats:
            self._formats[(code, bold)] = self._workbook.add_format({"num_format": code, "bold": bold})
        return self._formats[(code, bold)]
