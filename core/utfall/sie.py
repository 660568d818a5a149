"""A small, strict reader of SIE 4 files: the verifications (#VER) and their transactions (#TRANS).

SIE is the Swedish standard for moving accounting data between systems
(SIE-Gruppen, "SIE filformat, version 4B"). A file is lines of a label and
fields: ``#TRANS 5010 {1 "3100" 6 "P12"} 1500.00 20240131 "Hyra"``. Fields are
separated by spaces or tabs, a field with spaces is quoted (``\\"`` is a quote
inside one), and an object list is written in braces. Each ``#VER`` is followed
by its ``#TRANS`` rows between ``{`` and ``}``; the rows of a verification sum
to zero. ``#FORMAT PC8`` says the file is in code page 437; files in UTF-8 are
recognised too. Labels this reader does not need are skipped, as the format
asks of readers.

Reading is streaming: transactions come out one verification at a time, each
checked (a known account format, a real date, an amount in öre, the
verification balancing) before any of it is yielded.
"""

from __future__ import annotations

import codecs
import datetime
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from jobbsats.money import format_kr

# A quoted field (\" inside), an object list in braces (quoted codes may hold braces), or a plain field.
_FIELD = re.compile(r'"((?:[^"\\]|\\.)*)"|(\{(?:"(?:[^"\\]|\\.)*"|[^}"])*\}?)|([^\s{}"]+)')
_AMOUNT = re.compile(r"^(-?)(\d{1,16})(?:\.(\d{1,2}))?$")
_DATE = re.compile(r"^\d{8}$")
_ACCOUNT = re.compile(r"^\d{1,10}$")


class SieError(ValueError):
    """A line the reader cannot accept; ``line`` counts from 1."""

    def __init__(self, line: int, message: str):
        super().__init__(f"line {line}: {message}")
        self.line, self.message = line, message


@dataclass(frozen=True, slots=True)
class Transaction:
    """One #TRANS row: a debit (positive) or credit (negative) in öre on an account."""

    line: int
    date: datetime.date
    account: str
    objects: tuple[tuple[str, str], ...]  # (dimension number, object code), as written
    amount: int
    text: str
    verification: str  # series and number: "A 12"

    def object(self, dimension: int | str) -> str:
        """The code of the object in ``dimension`` (1 kostnadsställe, 6 projekt), or ""."""
        wanted = str(dimension)
        return next((code for dim, code in self.objects if dim == wanted), "")


def fields(text: str, line: int) -> list[str]:
    """Split one line into fields: quotes removed (``\\"`` kept as a quote), an object list kept in braces."""
    out = []
    position = 0
    for match in _FIELD.finditer(text):
        if text[position : match.start()].strip():
            raise SieError(line, f"cannot read {text[position : match.start()].strip()!r}")
        quoted, braces, plain = match.groups()
        if braces is not None and not braces.endswith("}"):
            raise SieError(line, "an object list opens with { but never closes")
        out.append(quoted.replace('\\"', '"').replace("\\\\", "\\") if quoted is not None else braces or plain)
        position = match.end()
    if text[position:].strip():
        raise SieError(line, f"cannot read {text[position:].strip()!r}")
    return out


def _objects(field: str, line: int) -> tuple[tuple[str, str], ...]:
    if not (field.startswith("{") and field.endswith("}")):
        raise SieError(line, f'expected an object list in braces, such as {{1 "3100"}}, not {field!r}')
    inner = fields(field[1:-1], line)
    if len(inner) % 2:
        raise SieError(line, f"the object list {field} must hold pairs of dimension and object")
    pairs = tuple(zip(inner[::2], inner[1::2], strict=True))
    for dim, _code in pairs:
        if not dim.isdigit():
            raise SieError(line, f"{dim!r} in {field} is not a dimension number")
    return pairs


def _amount(field: str, line: int) -> int:
    match = _AMOUNT.match(field)
    if not match:
        raise SieError(line, f"{field!r} is not an amount (SIE writes 1234.50, a point and at most two decimals)")
    sign, whole, frac = match.groups()
    ore = int(whole) * 100 + int((frac or "0").ljust(2, "0"))
    return -ore if sign else ore


def _date(field: str, line: int) -> datetime.date:
    if not _DATE.match(field):
        raise SieError(line, f"{field!r} is not a date written YYYYMMDD")
    try:
        return datetime.date(int(field[:4]), int(field[4:6]), int(field[6:]))
    except ValueError:
        raise SieError(line, f"{field} is not a real date") from None


class SieReader:
    """Read a SIE 4 file; iterate for its transactions.

    ``accounts``, ``dimensions`` and ``objects`` (the names from #KONTO, #DIM and
    #OBJEKT) fill as it reads.
    """

    def __init__(self, path: Path, encoding: str = "cp437"):
        self.path = path
        self.encoding = encoding
        self.accounts: dict[str, str] = {}
        self.dimensions: dict[str, str] = {}
        self.objects: dict[tuple[str, str], str] = {}
        self.lines_read = 0
        self.bytes_read = 0

    def __iter__(self) -> Iterator[Transaction]:
        with self.path.open("rb") as handle:
            yield from self._read(handle)

    def _lines(self, handle: BinaryIO) -> Iterator[tuple[int, str]]:
        decode = codecs.getincrementaldecoder(self.encoding)().decode
        for number, raw in enumerate(handle, start=1):
            self.lines_read, self.bytes_read = number, self.bytes_read + len(raw)
            yield number, decode(raw).rstrip("\r\n")

    def _read(self, handle: BinaryIO) -> Iterator[Transaction]:
        verification: tuple[int, str, datetime.date] | None = None
        pending: list[Transaction] = []
        opened = False
        lines = self._lines(handle)
        for number, text in lines:
            stripped = text.strip()
            if not stripped:
                continue
            if stripped == "{":
                if verification is None or opened:
                    raise SieError(number, "a { that belongs to no #VER")
                opened = True
                continue
            if stripped == "}":
                if not opened or verification is None:
                    raise SieError(number, "a } that closes no #VER")
                yield from self._balanced(verification, pending)
                verification, pending, opened = None, [], False
                continue
            parts = fields(stripped, number)
            label = parts[0].upper()
            if verification is not None and not opened:
                raise SieError(number, "a #VER must be followed by a line with {")
            if label == "#VER":
                if opened:
                    raise SieError(number, "a #VER inside another #VER (is a } missing?)")
                verification = self._verification(parts, number)
            elif label == "#TRANS":
                if not opened or verification is None:
                    raise SieError(number, "a #TRANS outside a #VER { ... } block")
                pending.append(self._transaction(parts, number, verification))
            elif label in ("#RTRANS", "#BTRANS"):
                # A supplementary row (#RTRANS is followed by the same row as #TRANS) or a
                # removed one: neither adds a booking of its own.
                if not opened:
                    raise SieError(number, f"a {label} outside a #VER {{ ... }} block")
            elif label == "#KONTO" and len(parts) >= 3:
                self.accounts[parts[1]] = parts[2]
            elif label == "#DIM" and len(parts) >= 3:
                self.dimensions[parts[1]] = parts[2]
            elif label == "#OBJEKT" and len(parts) >= 4:
                self.objects[(parts[1], parts[2])] = parts[3]
            elif label == "#SIETYP" and len(parts) >= 2 and parts[1] != "4":
                raise SieError(number, f"this is a SIE type {parts[1]} file; only type 4 holds verifications")
            elif not label.startswith("#"):
                raise SieError(number, f"expected a #LABEL, not {parts[0]!r}")
        if verification is not None:
            raise SieError(verification[0], "this #VER never closes with }")

    @staticmethod
    def _verification(parts: list[str], number: int) -> tuple[int, str, datetime.date]:
        if len(parts) < 4:
            raise SieError(number, "#VER needs a series, a number and a date: #VER A 12 20240131")
        return number, f"{parts[1]} {parts[2]}".strip(), _date(parts[3], number)

    @staticmethod
    def _transaction(parts: list[str], number: int, verification: tuple[int, str, datetime.date]) -> Transaction:
        if len(parts) < 4:
            raise SieError(number, "#TRANS needs an account, an object list and an amount")
        account = parts[1]
        if not _ACCOUNT.match(account):
            raise SieError(number, f"{account!r} is not an account number")
        date = _date(parts[4], number) if len(parts) > 4 and parts[4] else verification[2]
        text = parts[5] if len(parts) > 5 else ""
        return Transaction(
            number, date, account, _objects(parts[2], number), _amount(parts[3], number), text, verification[1]
        )

    @staticmethod
    def _balanced(verification: tuple[int, str, datetime.date], rows: list[Transaction]) -> list[Transaction]:
        total = sum(row.amount for row in rows)
        if total:
            raise SieError(
                verification[0],
                f"verification {verification[1]} does not balance: "
                f"its #TRANS rows sum to {format_kr(total, ' ')} kr, not 0",
            )
        return rows
