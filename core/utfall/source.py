"""What an import file is, found in one pass over its bytes: sha256, size, encoding and format."""

from __future__ import annotations

import codecs
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from jobbsats.errors import InputError, Problem

CSV, SIE = "csv", "sie4"
ENCODING_NAMES = {"utf-8-sig": "UTF-8", "cp1252": "Windows-1252", "cp437": "PC8 (code page 437)"}
# Å, Ä, Ö, å, ä, ö, é and a no-break space as UTF-8: in a file that is not UTF-8 as a whole, a sign
# that some lines were saved in UTF-8 and others in Windows-1252 (or PC8).
_UTF8_LETTER = re.compile(rb"\xc3[\x84\x85\x96\xa4\xa5\xb6\xa9]|\xc2\xa0")


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
    """Read the file once: its sha256, whether it is UTF-8, and whether it is SIE (starts with a #LABEL) or CSV."""
    digest, decoder = hashlib.sha256(), codecs.getincrementaldecoder("utf-8")()
    utf8, size, head, utf8_letter, nul_at = True, 0, b"", False, -1
    try:
        with path.open("rb") as handle:
            while chunk := handle.read(1 << 20):
                if not head:
                    head = chunk[:64]
                digest.update(chunk)
                size += len(chunk)
                utf8_letter = utf8_letter or bool(_UTF8_LETTER.search(chunk))
                if nul_at < 0 and (found := chunk.find(b"\x00")) >= 0:
                    nul_at = size - len(chunk) + found
                if utf8:
                    try:
                        decoder.decode(chunk)
                    except UnicodeDecodeError:
                        utf8 = False
    except FileNotFoundError:
        raise InputError(str(path), [Problem("", "no such file")]) from None
    except IsADirectoryError:
        raise InputError(str(path), [Problem("", "is a folder, not a file to import")]) from None
    except OSError as exc:
        raise InputError(str(path), [Problem("", f"cannot be read: {exc.strerror}")]) from None
    if utf8:
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            utf8 = False
    if not_text := _what_else(head, nul_at):
        raise InputError(str(path), [Problem("", not_text)])
    if nul_at >= 0:
        with path.open("rb") as handle:
            line = handle.read(nul_at).count(b"\n") + 1
        raise InputError(str(path), [Problem(f"line {line}", "holds a NUL byte, which no text export has")])
    if not utf8 and (head.startswith(codecs.BOM_UTF8) or utf8_letter):
        _mixed(path)
    kind = SIE if head.removeprefix(codecs.BOM_UTF8).lstrip().startswith(b"#") else CSV
    return Source(path, digest.hexdigest(), size, utf8, kind)


def _mixed(path: Path) -> None:
    """Name the lines of a file that is partly UTF-8 and partly not (read whole: only on this error)."""
    data = path.read_bytes()
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        bad = data.count(b"\n", 0, exc.start) + 1
    else:  # pragma: no cover - the caller has seen it is not UTF-8
        return
    if data.startswith(codecs.BOM_UTF8):
        why = "the file starts with a UTF-8 byte order mark, but this line is not UTF-8"
    else:
        first = _UTF8_LETTER.search(data)
        good = data.count(b"\n", 0, first.start()) + 1 if first else 0
        why = f"line {good} is UTF-8 but this line is not (Windows-1252?)"
    raise InputError(str(path), [Problem(f"line {bad}", f"{why}; save the whole file in one encoding")])


def undecodable(source: Source, error: UnicodeDecodeError) -> Problem:
    """A byte the file's encoding has no character for, with its line (found by reading the file again)."""
    data = source.path.read_bytes()
    byte = error.object[error.start : error.start + 1]
    at = data.find(byte)
    line = data.count(b"\n", 0, at) + 1 if at >= 0 else 0
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
