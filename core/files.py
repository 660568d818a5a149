"""Writing output files safely."""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path

from jobbsats.errors import JobbsatsError


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def write_atomic(path: Path, data: str | bytes, *, force: bool = False) -> None:
    """Write ``data`` to ``path`` via a temporary file and a rename.

    A reader never sees half a file; an existing regular file is replaced only
    with ``force``; links, folders, pipes and devices are never replaced. The
    file gets the permissions any new file would (the umask), not the private
    ones of a temporary file.
    """
    if path.is_symlink():
        raise JobbsatsError(f"{path}: is a symbolic link; jobbsats does not write through or over links")
    if path.is_dir():
        raise JobbsatsError(f"{path}: is a folder; give a file name")
    if path.exists():
        if not stat.S_ISREG(path.stat().st_mode):
            raise JobbsatsError(f"{path}: is not a regular file; give a file name")
        if not force:
            raise JobbsatsError(f"{path}: already exists; pass --force to replace it")
    folder = path.parent
    if not folder.exists():
        raise JobbsatsError(f"{path}: the folder {folder} does not exist")
    if not folder.is_dir():
        raise JobbsatsError(f"{path}: {folder} is not a folder")
    raw = data.encode("utf-8") if isinstance(data, str) else data
    tmp = None
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=folder)
        with os.fdopen(fd, "wb") as handle:
            handle.write(raw)
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except OSError as exc:
        if tmp and os.path.exists(tmp):
            os.unlink(tmp)
        raise JobbsatsError(f"{path}: cannot write: {exc.strerror}") from exc
    except BaseException:
        if tmp and os.path.exists(tmp):
            os.unlink(tmp)
        raise


# A spreadsheet runs a cell that starts with one of these as a formula (CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def not_a_formula(value: object) -> object:
    """Text a spreadsheet would run as a formula, made plain text with a leading ``'``; anything else as it is."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value
