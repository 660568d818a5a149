"""Writing the export's files into a folder so that a failure leaves nothing half-written.

The files are written into a new temporary folder beside the target, each synced to disk, and the
folder is then renamed into place in one step: a reader or a power cut sees no folder (or the old,
empty one) or the whole export. With ``force`` an existing folder keeps what else it holds, and each
file of the export replaces its namesake by a rename of its own.
"""

from __future__ import annotations

import os
import shutil
import stat
import tempfile
from pathlib import Path

from jobbsats.errors import JobbsatsError, clip
from jobbsats.files import look_up, sync_folder, temp_prefix


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def check_folder(target: Path, *, force: bool = False) -> None:
    """Refuse now, before any work, a target the export cannot be written to.

    A file, a link, a folder that already holds something (without ``force``), a parent folder that
    does not exist, and a place where nothing can be created (a read-only file system, ``/proc``).
    """
    shown = clip(str(target))
    info = look_up(target)
    if info is not None:
        if stat.S_ISLNK(info.st_mode):
            raise JobbsatsError(f"{shown}: is a symbolic link; jobbsats does not write through links")
        if not stat.S_ISDIR(info.st_mode):
            raise JobbsatsError(f"{shown}: is a file, not a folder; give a folder for the export")
        try:
            held = sorted(os.listdir(target))
        except OSError as exc:
            raise JobbsatsError(f"{shown}: cannot read the folder: {exc.strerror}") from exc
        if held and not force:
            some = ", ".join(clip(name, 60) for name in held[:3]) + (", ..." if len(held) > 3 else "")
            raise JobbsatsError(
                f"{shown}: the folder is not empty ({some}); give a new or empty folder, or --force to write "
                "the export's files into it"
            )
    parent = target.parent
    if not parent.is_dir():
        raise JobbsatsError(f"{shown}: the folder {clip(str(parent))} it would be made in does not exist")
    try:  # created and removed again: what the writing itself will do, found out before the work
        os.rmdir(tempfile.mkdtemp(prefix=temp_prefix(target), dir=parent))
    except OSError as exc:
        raise JobbsatsError(f"{shown}: cannot create a folder in {clip(str(parent))}: {exc.strerror}") from exc


def write_folder(target: Path, files: dict[str, bytes], *, force: bool = False) -> None:
    """Write ``files`` (name -> content) as the folder ``target``: all of them or none into a new or empty
    folder (one rename); into a folder holding other files (``force``), written in full first, then a rename
    each, so a failure there can leave some replaced."""
    check_folder(target, force=force)
    shown = clip(str(target))
    try:
        temp = Path(tempfile.mkdtemp(prefix=temp_prefix(target), dir=target.parent))
    except OSError as exc:
        raise JobbsatsError(f"{shown}: cannot create a folder in {clip(str(target.parent))}: {exc.strerror}") from exc
    try:
        for name, data in files.items():
            _write_synced(temp / name, data)
        sync_folder(temp)
        os.chmod(temp, 0o777 & ~_umask())  # as a new folder would be, not a temporary one's 0700
        if look_up(target) is None or not os.listdir(target):
            os.replace(temp, target)  # one step; an empty folder is replaced as a whole
        else:  # --force into a folder that holds other files: each file by a rename of its own
            for name in files:
                os.replace(temp / name, target / name)
        sync_folder(target.parent)
        sync_folder(target)
    except OSError as exc:
        raise JobbsatsError(f"{shown}: cannot write the export: {exc.strerror}") from exc
    finally:
        shutil.rmtree(temp, ignore_errors=True)


def _write_synced(path: Path, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666 & ~_umask())
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
