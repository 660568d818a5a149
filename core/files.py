"""Writing output files safely."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from jobbsats.errors import JobbsatsError


def write_atomic(path: Path, data: str | bytes, *, force: bool = False) -> None:
    """Write ``data`` to ``path`` via a temporary file and a rename.

    A reader never sees half a file, and an existing file is only replaced with
    ``force``.
    """
    if path.is_dir():
        raise JobbsatsError(f"{path}: is a folder; give a file name")
    if (path.exists() or path.is_symlink()) and not force:
        raise JobbsatsError(f"{path}: already exists; pass --force to replace it")
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise JobbsatsError(f"{path}: the folder {folder} does not exist")
    raw = data.encode("utf-8") if isinstance(data, str) else data
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=folder)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(raw)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
