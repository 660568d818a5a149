"""What an import file is, found in one pass over its bytes: sha256, size, encoding and format."""

from __future__ import annotations

import codecs
import hashlib
from dataclasses import dataclass
from pathlib import Path

from jobbsats.errors import InputError, Problem

CSV, SIE = "csv", "sie4"


@dataclass(frozen=True)
class Source:
    path: Path
    sha256: str
    size: int
    utf8: bool  # the whole file is valid UTF-8 (a BOM allowed)
    format: str  # csv or sie4

    def encoding(self, fallback: str) -> str:
        """UTF-8 (a BOM skipped) when the file is, else ``fallback``: cp1252 for CSV, cp437 (PC8) for SIE."""
        return "utf-8-sig" if self.utf8 else fallback


def inspect(path: Path) -> Source:
    """Read the file once: its sha256, whether it is UTF-8, and whether it is SIE (starts with a #LABEL) or CSV."""
    digest, decoder = hashlib.sha256(), codecs.getincrementaldecoder("utf-8")()
    utf8, size, head = True, 0, b""
    try:
        with path.open("rb") as handle:
            while chunk := handle.read(1 << 20):
                if not head:
                    head = chunk[:64]
                digest.update(chunk)
                size += len(chunk)
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
    kind = SIE if head.removeprefix(codecs.BOM_UTF8).lstrip().startswith(b"#") else CSV
    return Source(path, digest.hexdigest(), size, utf8, kind)
