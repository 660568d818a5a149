"""What an import file is, found in one pass over its bytes: sha256, size, encoding and format."""

from __future__ import annotations

import codecs
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from jobbsats.errors import InputError, Problem
from jobbsats.inputfile import MAX_LINE_BYTES, megabytes, open_file, os_error

CSV, SIE = "csv", "sie4"
ENCODING_NAMES = {"utf-8-sig": "UTF-8", "cp1252": "Windows-1252", "cp437": "PC8 (code page 437)"}
# Å, Ä, Ö, å, ä, ö, é and a no-break space as UTF-8: in a file that is not UTF-8 as a whole, a sign
# that some lines were saved in UTF-8 and others in Windows-1252 (or PC8).
_UTF8_LETTER = re.compile(rb"\xc3[\x84\x85\x96\xa4\xa5\xb6\xa9]|\xc2\xa0")
CHUNK = 1 << 20  # read a MB at a time: no longer than a line may be (MAX_LINE_BYTES)


@dataclass(frozen=True)
class Source:
    """A file to import, as one pass over its bytes found it."""

    path: Path
    sha256: str
    size: int
    utf8: bool  # the whole file is valid UTF-8 (a BOM allowed)
    format: str  # csv or sie4

    @property
    def text_encoding(self) -> str:
        """UTF-8 (a BOM skipped) when the file is, else Windows-1252 for CSV and code page 437 (PC8) for SIE."""
        if self.utf8:
            return "utf-8-sig"
        return "cp1252" if self.format == CSV else "cp437"


def inspect(path: Path) -> Source:
    """Read the file once: its sha256, whether it is UTF-8, and whether it is SIE (starts with a #LABEL) or CSV.

    Refused before a row is read: a path that names no regular file (a folder, a
    pipe, a device), a file that is no text export, a line longer than
    :data:`~jobbsats.inputfile.MAX_LINE_BYTES` (a file with no line breaks is
    refused that way once it has been read that far, not after the whole of it),
    a NUL byte, and lines saved in two encodings.
    """
    scan = _Scan()
    with open_file(path) as handle:
        try:
            while chunk := handle.read(CHUNK):
                scan.add(chunk, path)
        except OSError as exc:
            raise os_error(path, exc, "a file to import") from None
    scan.finish()
    if scan.nul_line:
        raise InputError(str(path), [Problem(f"line {scan.nul_line}", "holds a NUL byte, which no text export has")])
    if not scan.utf8 and (scan.head.startswith(codecs.BOM_UTF8) or scan.utf8_line):
        raise InputError(str(path), [_mixed(scan)])
    kind = SIE if scan.head.removeprefix(codecs.BOM_UTF8).lstrip().startswith(b"#") else CSV
    return Source(path, scan.digest.hexdigest(), scan.size, scan.utf8, kind)


class _Scan:
    """What one pass over a file's chunks finds; line numbers are counted as it goes, never by reading it again."""

    def __init__(self) -> None:
        self.digest = hashlib.sha256()
        self.decoder = codecs.getincrementaldecoder("utf-8")()
        self.utf8, self.size, self.head = True, 0, b""
        self.breaks = 0  # line feeds so far: the line a byte is on is breaks before it + 1
        self.run = 0  # bytes since the last line break
        self.nul_line = self.utf8_line = self.not_utf8_line = 0

    def add(self, chunk: bytes, path: Path) -> None:
        if not self.head:
            self.head = chunk[:64]
            nul = chunk.find(b"\x00", 0, 64)
            if not_text := _what_else(self.head, nul):  # before the lines: a workbook has no line breaks to count
                raise InputError(str(path), [Problem("", not_text)])
        self.digest.update(chunk)
        self._lines(chunk, path)
        if not self.nul_line and (found := chunk.find(b"\x00")) >= 0:
            self.nul_line = self._line_at(chunk, found)
        if not self.utf8_line and (letter := _UTF8_LETTER.search(chunk)):
            self.utf8_line = self._line_at(chunk, letter.start())
        if self.utf8:
            pending = len(self.decoder.getstate()[0])
            try:
                self.decoder.decode(chunk)
            except UnicodeDecodeError as exc:
                self.utf8 = False
                self.not_utf8_line = self._line_at(chunk, max(0, exc.start - pending))
        self.breaks += chunk.count(b"\n")
        self.size += len(chunk)

    def _line_at(self, chunk: bytes, offset: int) -> int:
        return self.breaks + chunk.count(b"\n", 0, offset) + 1

    def _lines(self, chunk: bytes, path: Path) -> None:
        """Refuse a line longer than MAX_LINE_BYTES as soon as the pass is that far into it."""
        first = min((i for i in (chunk.find(b"\n"), chunk.find(b"\r")) if i >= 0), default=-1)
        if first < 0:
            self.run += len(chunk)
            if self.run > MAX_LINE_BYTES:
                self._too_long(self.breaks + 1, path)
            return
        if self.run + first > MAX_LINE_BYTES:
            self._too_long(self.breaks + 1, path)
        # The lines in between are shorter than the chunk, which is at most MAX_LINE_BYTES.
        self.run = len(chunk) - max(chunk.rfind(b"\n"), chunk.rfind(b"\r")) - 1

    @staticmethod
    def _too_long(line: int, path: Path) -> None:
        raise InputError(
            str(path),
            [
                Problem(
                    f"line {line}",
                    f"is longer than {megabytes(MAX_LINE_BYTES)}, the most jobbsats reads in one line "
                    "(a file without line breaks?); a CSV export or a SIE file has a line per row",
                )
            ],
        )

    def finish(self) -> None:
        if self.utf8:
            try:
                self.decoder.decode(b"", final=True)
            except UnicodeDecodeError:
                self.utf8 = False
                self.not_utf8_line = self.breaks + 1


def _mixed(scan: _Scan) -> Problem:
    """The line of a file that is partly UTF-8 and partly not, and why it is refused."""
    if scan.head.startswith(codecs.BOM_UTF8):
        why = "the file starts with a UTF-8 byte order mark, but this line is not UTF-8"
    else:
        why = f"line {scan.utf8_line} is UTF-8 but this line is not (Windows-1252?)"
    return Problem(f"line {scan.not_utf8_line}", f"{why}; save the whole file in one encoding")


def undecodable(source: Source, error: UnicodeDecodeError) -> Problem:
    """A byte the file's encoding has no character for, with its line (found by reading the file again)."""
    byte = error.object[error.start : error.start + 1]
    line = breaks = 0
    with open_file(source.path) as handle:
        while not line and (chunk := handle.read(CHUNK)):
            at = chunk.find(byte)
            line = breaks + chunk.count(b"\n", 0, at) + 1 if at >= 0 else 0
            breaks += chunk.count(b"\n")
    name = ENCODING_NAMES.get(source.text_encoding, source.text_encoding)
    return Problem(
        f"line {line}" if line else "",
        f"byte 0x{byte.hex()} is no character in {name}: is this a CSV export or a SIE file?",
    )


def _what_else(head: bytes, nul_at: int) -> str:
    """What a file that is no text export is, from its first bytes, or ""."""
    # Signatures first: a workbook's and a database's first bytes hold NULs too, which would read as UTF-16.
    if head.startswith(b"PK\x03\x04"):
        return "is a zip file, such as an Excel workbook (.xlsx): save it as CSV (semicolon-separated) first"
    if head.startswith(b"SQLite format 3\x00"):
        return "is a SQLite database (a ledger?), not an export of booked rows"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or (0 <= nul_at < 64 and b"\x00" in head[:8]):
        return 'is UTF-16 (Excel\'s "Unicode text"); save it as CSV (semicolon-separated) or CSV UTF-8'
    return ""
