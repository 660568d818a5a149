"""Writing output files safely."""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from pathlib import Path

from jobbsats.errors import JobbsatsError, clip


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def _refusal(path: Path, text: str, what: str = "") -> JobbsatsError:
    """A message naming the path, and the option that gave it when there is one (``-o``, ``--rejects``)."""
    return JobbsatsError(f"{clip(str(path))}: {text}" + (f" ({what} names it)" if what else ""))


def look_up(path: Path, *, what: str = "") -> os.stat_result | None:
    """``path``'s own status (a link's, not its target's), or None when nothing is there.

    What the operating system refuses to look up (a name too long, a folder
    without access) is said as a message naming the path (and ``what`` gave it).
    """
    try:
        return os.lstat(path)
    except (FileNotFoundError, NotADirectoryError):  # the folder's own checks say which
        return None
    except OSError as exc:
        raise _refusal(path, f"cannot write: {exc.strerror}", what) from exc


def same_file(one: Path, other: Path) -> bool:
    """Whether two paths lead to one file. Never raises: a link loop is simply no file (on Python 3.11
    ``Path.resolve`` raises RuntimeError for one)."""
    return os.path.realpath(one) == os.path.realpath(other)


def temp_prefix(path: Path) -> str:
    """The prefix of a temporary file beside ``path``: a name the file system takes even when ``path``'s
    own name is as long as names may be (the random part comes on top)."""
    return f".{path.name[:100]}."


def can_create(path: Path, *, what: str = "") -> None:
    """Refuse now, with the operating system's reason, a file that cannot be created beside ``path``.

    A read-only file system, ``/proc``, ``/sys`` or a folder without access:
    found out before any work is done, by creating (and removing) a temporary
    file in the folder, as the writing itself will.
    """
    folder = path.parent
    if not folder.is_dir():
        raise _refusal(path, f"the folder {clip(str(folder))} does not exist", what)
    try:
        handle, name = tempfile.mkstemp(prefix=temp_prefix(path), dir=folder)
    except OSError as exc:
        raise _refusal(path, f"cannot create a file in {clip(str(folder))}: {exc.strerror}", what) from exc
    os.close(handle)
    os.unlink(name)


def check_target(path: Path, *, force: bool = False, what: str = "") -> None:
    """What :func:`write_atomic` would refuse about ``path``, said before the work that makes the content."""
    info = look_up(path, what=what)
    if info is not None:
        if stat.S_ISLNK(info.st_mode):
            raise _refusal(path, "is a symbolic link; jobbsats does not write through or over links", what)
        if stat.S_ISDIR(info.st_mode):
            raise _refusal(path, "is a folder; give a file name", what)
        if not stat.S_ISREG(info.st_mode):
            raise _refusal(path, "is not a regular file; give a file name", what)
        if not force:
            raise _refusal(path, "already exists; pass --force to replace it", what)
    folder = path.parent
    if not folder.exists():
        raise _refusal(path, f"the folder {clip(str(folder))} does not exist", what)
    if not folder.is_dir():
        raise _refusal(path, f"{clip(str(folder))} is not a folder", what)


def sync_file(path: Path) -> None:
    """Flush a file written by someone else (SQLite, say) to the disk before it is renamed into place."""
    handle = os.open(path, os.O_RDONLY)
    try:
        os.fsync(handle)
    finally:
        os.close(handle)


def sync_folder(folder: Path) -> None:
    """Make a rename in ``folder`` survive a power cut: fsync the folder itself.

    Where a file system cannot sync a folder (it says EINVAL), or a system
    cannot open one (Windows), there is nothing more to do.
    """
    try:
        handle = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(handle)
    except OSError as exc:
        if exc.errno not in (errno.EINVAL, errno.ENOTSUP, errno.EBADF):
            raise
    finally:
        os.close(handle)


def write_atomic(path: Path, data: str | bytes, *, force: bool = False) -> None:
    """Write ``data`` to ``path`` via a temporary file and a rename.

    A reader never sees half a file, and a power cut leaves the old file or the
    new one (the file is synced before the rename, its folder after). An
    existing regular file is replaced only with ``force``; links, folders,
    pipes and devices are never replaced. The file gets the permissions any
    new file would (the umask), not the private ones of a temporary file.
    """
    check_target(path, force=force)
    shown, folder = clip(str(path)), path.parent
    raw = data.encode("utf-8") if isinstance(data, str) else data
    try:
        fd, tmp = tempfile.mkstemp(prefix=temp_prefix(path), dir=folder)
    except OSError as exc:
        raise JobbsatsError(f"{shown}: cannot create a file in {clip(str(folder))}: {exc.strerror}") from exc
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(raw)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except OSError as exc:
        raise JobbsatsError(f"{shown}: cannot write: {exc.strerror}") from exc
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    try:
        sync_folder(folder)
    except OSError as exc:
        raise JobbsatsError(f"{shown}: written, but its folder could not be synced to disk: {exc.strerror}") from exc


# A spreadsheet runs a cell that starts with one of these as a formula (CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def not_a_formula(value: object) -> object:
    """Text a spreadsheet would run as a formula, made plain text with a leading ``'``; anything else as it is."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value
