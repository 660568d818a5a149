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
verification balancing) before any of it is yielded. A file's own checksum
(``#KSUMMA``) is verified when it has one, at its end: a wrong one raises
:class:`SieError` after the transactions, so an import that reads them all in
one transaction keeps none. No line may be longer than
:data:`~jobbsats.inputfile.MAX_LINE_BYTES`.
"""

from __future__ import annotations

import codecs
import datetime
import re
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from jobbsats.errors import clip, shown
from jobbsats.inputfile import MAX_LINE_BYTES, megabytes, open_file
from jobbsats.money import format_kr

# A quoted field (\" inside), an object list in braces (quoted codes may hold braces), or a plain field.
_FIELD = re.compile(r'"((?:[^"\\]|\\.)*)"|(\{(?:"(?:[^"\\]|\\.)*"|[^}"])*\}?)|([^\s{}"]+)')
_AMOUNT = re.compile(r"^(-?)([0-9]{1,16})(?:\.([0-9]{1,2}))?$")
_DATE = re.compile(r"^[0-9]{8}$")
_ACCOUNT = re.compile(r"^[0-9]{1,10}$")


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
            raise SieError(line, f"cannot read {shown(text[position : match.start()].strip())}")
        in_quotes, braces, plain = match.groups()
        if braces is not None and not braces.endswith("}"):
            raise SieError(line, "an object list opens with { but never closes")
        out.append(in_quotes.replace('\\"', '"').replace("\\\\", "\\") if in_quotes is not None else braces or plain)
        position = match.end()
    if text[position:].strip():
        raise SieError(line, f"cannot read {shown(text[position:].strip())}")
    return out


def _objects(field: str, line: int) -> tuple[tuple[str, str], ...]:
    if not (field.startswith("{") and field.endswith("}")):
        raise SieError(line, f'expected an object list in braces, such as {{1 "3100"}}, not {shown(field)}')
    inner = fields(field[1:-1], line)
    if len(inner) % 2:
        raise SieError(line, f"the object list {clip(field, 80)} must hold pairs of dimension and object")
    pairs = tuple(zip(inner[::2], inner[1::2], strict=True))
    seen: set[str] = set()
    for dim, _code in pairs:
        if not dim.isdigit():
            raise SieError(line, f"{shown(dim)} in {clip(field, 80)} is not a dimension number")
        if dim in seen:
            # A row has one object per dimension; which of two would the mapping mean?
            raise SieError(line, f"dimension {shown(dim)} is given twice in the object list {clip(field, 80)}")
        seen.add(dim)
    return pairs


def _amount(field: str, line: int) -> int:
    match = _AMOUNT.match(field)
    if not match:
        raise SieError(line, f"{shown(field)} is not an amount (SIE writes 1234.50, a point and at most two decimals)")
    sign, whole, frac = match.groups()
    ore = int(whole) * 100 + int((frac or "0").ljust(2, "0"))
    return -ore if sign else ore


def _date(field: str, line: int) -> datetime.date:
    if not _DATE.match(field):
        raise SieError(line, f"{shown(field)} is not a date written YYYYMMDD")
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
        with open_file(self.path) as handle:
            yield from self._read(handle)

    def _lines(self, handle: BinaryIO) -> Iterator[tuple[int, str]]:
        decode = codecs.getincrementaldecoder(self.encoding)().decode
        longest = MAX_LINE_BYTES + 1
        for number, raw in enumerate(iter(lambda: handle.readline(longest), b""), start=1):
            if len(raw) == longest:  # never read whole: a line this long is no SIE record
                raise SieError(number, f"is longer than {megabytes(MAX_LINE_BYTES)}, the most jobbsats reads in a line")
            self.lines_read, self.bytes_read = number, self.bytes_read + len(raw)
            yield number, decode(raw).rstrip("\r\n")

    def _read(self, handle: BinaryIO) -> Iterator[Transaction]:
        verification: tuple[int, str, datetime.date] | None = None
        pending: list[Transaction] = []
        opened = False
        checksum = _Checksum(self.encoding)
        lines = self._lines(handle)
        for number, text in lines:
            stripped = text.strip()
            if not stripped:
                continue
            if checksum.closed:
                raise SieError(
                    number,
                    f"comes after the closing #KSUMMA of line {checksum.closed}, so the checksum does not cover it: "
                    "the file was changed after it was exported, or two files were joined",
                )
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
            if label == "#KSUMMA":
                checksum.mark(parts, number)
                continue
            checksum.add(parts, number)
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
                raise SieError(number, f"this is a SIE type {clip(parts[1], 20)} file; only type 4 holds verifications")
            elif not label.startswith("#"):
                raise SieError(number, f"expected a #LABEL, not {shown(parts[0])}")
        if verification is not None:
            raise SieError(verification[0], "this #VER never closes with }")
        checksum.finish()

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
            raise SieError(number, f"{shown(account)} is not an account number")
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
                f"verification {clip(verification[1], 80)} does not balance: "
                f"its #TRANS rows sum to {format_kr(total, ' ')} kr, not 0",
            )
        return rows


class _Checksum:
    """``#KSUMMA``: the file's own checksum, verified when the file has one (SIE 4B, "Kontrollsummering").

    A ``#KSUMMA`` without a value opens the checksum (it follows ``#FLAGGA``);
    one with a value closes it, at the end of the file. The sum is a CRC-32
    (the polynomial of zlib, PKZIP and Ethernet) over every record in between:
    its label and its fields' contents, in the file's own bytes, with neither
    the spaces and tabs between fields, nor the quotes around them, nor an
    object list's braces and the quotes and spaces inside it (``{1 "3100"}``
    counts as ``13100``). The lines with only ``{`` or ``}`` add nothing.
    Checked against files exported by Norstedts and Visma.
    """

    def __init__(self, encoding: str):
        self.encoding = "utf-8" if encoding == "utf-8-sig" else encoding  # a BOM is not a record
        self.opened = 0  # the line of the opening #KSUMMA, while summing
        self.crc = 0
        self.closed = 0  # the line of the closing #KSUMMA: nothing but blank lines may follow it

    def mark(self, parts: list[str], line: int) -> None:
        if not self.opened and len(parts) == 1:
            self.opened, self.crc = line, 0
        elif self.opened:
            self._verify(parts, line)
            self.opened, self.closed = 0, line
        else:
            raise SieError(line, "a #KSUMMA with a sum, but no #KSUMMA without one opened the checksum before it")

    def add(self, parts: list[str], line: int) -> None:
        if self.opened:
            contents = "".join("".join(fields(p[1:-1], line)) if p.startswith("{") else p for p in parts)
            self.crc = zlib.crc32(contents.encode(self.encoding), self.crc)

    def _verify(self, parts: list[str], line: int) -> None:
        written = parts[1] if len(parts) == 2 else ""
        if not re.fullmatch(r"-?[0-9]{1,10}", written):
            raise SieError(line, "the closing #KSUMMA must give the checksum as one whole number: #KSUMMA 1234567890")
        # Written unsigned (the spec's own example) or, by some exporters, as a signed 32-bit number.
        if not -(2**31) <= int(written) < 2**32 or int(written) % 2**32 != self.crc:
            raise SieError(
                line,
                f"the file's checksum (#KSUMMA {written}) does not match its records from line {self.opened} "
                f"(their CRC-32 is {self.crc}): the file was changed or damaged after it was exported",
            )

    def finish(self) -> None:
        if self.opened:
            raise SieError(
                self.opened,
                "#KSUMMA opens a checksum, but the file ends without the closing #KSUMMA and its sum: "
                "is the file cut short?",
            )


# Public for the budget files `jobbsats export` writes (jobbsats.export.sie): their #KSUMMA is summed
# by the very code that checks it here.
Checksum = _Checksum
