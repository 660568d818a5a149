"""Opening an input file safely: every way it can fail said in words, and never a hang.

A scenario or an export named on the command line may be anything the
operating system has a name for: a folder, a device that never ends
(``/dev/zero``), a named pipe nobody writes to, a path through a file, a
loop of links, a name too long for the file system. Each is refused at once
with a message naming the file, before anything is read. A pipe that a
program is writing to (``jobbsats run <(cat scenario.toml)``) is read as far
as it goes, waiting at most :data:`PIPE_WAIT` seconds for each piece.

The limits, said in the messages that enforce them:

- a scenario file is read whole (TOML has to be), so it may hold at most
  :data:`MAX_SCENARIO_BYTES`;
- a CSV or SIE export is streamed, however large, but no line of it may be
  longer than :data:`MAX_LINE_BYTES` (a real row is a few hundred bytes).
"""

from __future__ import annotations

import errno
import os
import select
import stat
from pathlib import Path
from typing import BinaryIO

from jobbsats.errors import InputError, Problem, shown

MAX_SCENARIO_BYTES = 4 * 1024 * 1024  # the largest bundled example is about 20 kB
MAX_LINE_BYTES = 1024 * 1024
PIPE_WAIT = 10.0  # seconds a pipe's writer may stay silent before jobbsats gives up
NAME_MAX = 255  # bytes in one name: what Linux, macOS and Windows file systems take


def megabytes(size: int) -> str:
    """A size as a message states it: "4 MB", "50.3 MB", "812 bytes"."""
    if size < 1024 * 1024:
        return f"{size} bytes" if size < 1024 else f"{size / 1024:.0f} kB"
    return f"{size / (1024 * 1024):.1f} MB".replace(".0 MB", " MB")


def refused(path: str | Path, message: str, where: str = "") -> InputError:
    """The error for a file that cannot be read, naming it (and a line, when there is one)."""
    return InputError(str(path), [Problem(where, message)])


def os_error(path: str | Path, error: OSError, what: str = "a file") -> InputError:
    """An operating system's error while opening or reading ``path``, said in words a user can act on."""
    return refused(path, os_error_text(Path(path), error, what))


def os_error_text(path: Path, error: OSError, what: str = "a file") -> str:
    """What an OSError means for the file a user named (the path itself is said by the caller)."""
    code = error.errno
    if code == errno.ENOENT:
        try:
            target = os.readlink(path)  # a link whose file is gone: say where it leads
        except OSError:
            return "no such file"
        return f"is a symbolic link to {shown(target)}, which does not exist"
    if code == errno.ENOTDIR:
        blocking = _file_on_the_way(path)
        if blocking is not None:
            return f"{str(blocking)!r} on its way is a file, not a folder"
        return "a part of the path is a file, not a folder"
    if code == errno.ENAMETOOLONG:
        longest = max((len(os.fsencode(part)) for part in path.parts), default=0)
        if longest > NAME_MAX:
            return f"a name in the path has {longest} bytes; file systems take at most {NAME_MAX}"
        return f"the path is longer than the system allows ({len(os.fsencode(path))} bytes)"
    if code == errno.ELOOP:
        return "its symbolic links lead round in a loop (or nest more than 40 deep)"
    if code in (errno.EACCES, errno.EPERM):
        return "permission denied: jobbsats may not read it, or may not enter a folder on its way"
    if code == errno.EISDIR:
        return f"is a folder, not {what}"
    return f"cannot be read: {error.strerror or error}"


def _file_on_the_way(path: Path) -> Path | None:
    """The first part of ``path`` that is a file where a folder should be, or None."""
    for part in reversed(path.parents):
        try:
            if not stat.S_ISDIR(os.stat(part).st_mode):
                return part
        except OSError:
            return None
    return None


def _not_a_file(path: Path, mode: int, what: str) -> str:
    """Why a file of this mode cannot be read as ``what``, or "" for a regular file (or a pipe)."""
    kind = ""
    if stat.S_ISDIR(mode):
        kind = "a folder"
    elif stat.S_ISCHR(mode):
        kind = "a device"
    elif stat.S_ISBLK(mode):
        kind = "a disk device"
    elif stat.S_ISSOCK(mode):
        kind = "a socket"
    elif not (stat.S_ISREG(mode) or stat.S_ISFIFO(mode)):
        kind = f"no file (mode {oct(stat.S_IFMT(mode))})"
    if not kind:
        return ""
    # Through a link, name what it leads to: "scenario.toml is a link to /dev/zero, a device".
    start = f"is a link to {os.path.realpath(path)}, " if path.is_symlink() else "is "
    return f"{start}{kind}, not {what}"


def inspect_path(path: Path, what: str) -> os.stat_result:
    """``stat`` of what ``path`` names (links followed); refused unless it is a regular file or a pipe."""
    try:
        found = os.stat(path)
    except OSError as exc:
        raise os_error(path, exc, what) from None
    except ValueError:  # a NUL byte in the name: no file system has such a name
        raise refused(path, "holds a NUL character, which no file name can") from None
    why = _not_a_file(path, found.st_mode, what)
    if why:
        raise refused(path, why)
    return found


def _open(path: Path, what: str) -> int:
    """A descriptor opened without blocking, so a pipe or device put in the file's place cannot hang us."""
    try:
        return os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    except OSError as exc:
        raise os_error(path, exc, what) from None


def open_file(path: Path, what: str = "a file to import") -> BinaryIO:
    """``path`` opened for reading bytes: a regular file, else refused with a message naming it.

    A pipe is refused too: an import reads its file more than once (to know it by
    its sha256 before a row is written, to give rejected rows back as they were).
    """
    found = inspect_path(path, what)
    if stat.S_ISFIFO(found.st_mode):
        raise refused(
            path,
            f"is a pipe; {what} is read more than once, so save it as a file first and name that file",
        )
    fd = _open(path, what)
    try:
        opened = os.fstat(fd)
        why = _not_a_file(path, opened.st_mode, what) or (
            "" if stat.S_ISREG(opened.st_mode) else f"is a pipe, not {what}"
        )
        if why:  # something else took the name between the two looks
            raise refused(path, why)
    except BaseException:
        os.close(fd)
        raise
    return os.fdopen(fd, "rb")


def read_whole(path: Path, what: str, limit: int = MAX_SCENARIO_BYTES) -> bytes:
    """Every byte of a file (at most ``limit``), or of a pipe a program is writing to.

    A bigger file is refused before it is read; a pipe is read until its writer
    closes it, for as long as it sends something at least every :data:`PIPE_WAIT`
    seconds and no more than ``limit`` bytes.
    """
    found = inspect_path(path, what)
    too_big = f"is larger than {megabytes(limit)}, the most jobbsats reads as {what}; is it the right file?"
    if stat.S_ISREG(found.st_mode) and found.st_size > limit:
        raise refused(
            path, f"is {megabytes(found.st_size)}; {what} may be at most {megabytes(limit)}: is it the right file?"
        )
    fd = _open(path, what)
    try:
        data = _read_pipe(fd, path, what, limit) if stat.S_ISFIFO(os.fstat(fd).st_mode) else _read_file(fd, limit)
    except OSError as exc:
        raise os_error(path, exc, what) from None
    finally:
        os.close(fd)
    if data is None:
        raise refused(path, too_big)
    return data


def _read_file(fd: int, limit: int) -> bytes | None:
    """Up to ``limit`` bytes, or None if there are more (a file that grew, or a /proc file that says size 0).

    The descriptor stays non-blocking: a regular file never waits, and a special
    file that poses as one (/proc/kmsg) fails at once instead of hanging.
    """
    chunks, size = [], 0
    while chunk := os.read(fd, min(1 << 20, limit + 1 - size)):
        chunks.append(chunk)
        size += len(chunk)
        if size > limit:
            return None
    return b"".join(chunks)


def _read_pipe(fd: int, path: Path, what: str, limit: int) -> bytes | None:
    """What a pipe's writer sends until it closes; refused when no one writes to it.

    Opened without blocking, a pipe answers a read with "no data yet" while some
    program holds it open for writing, and with the end of file at once when none
    does (a named pipe that nothing writes to): so an empty first read means there
    is no writer, and waiting would be forever.
    """
    chunks, size = [], 0
    while True:
        try:
            chunk = os.read(fd, 1 << 16)
        except BlockingIOError:
            ready, _, _ = select.select([fd], [], [], PIPE_WAIT)
            if not ready:
                raise refused(
                    path, f"is a pipe whose writer sent nothing for {PIPE_WAIT:g} seconds; jobbsats gave up on it"
                ) from None
            continue
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
        if size > limit:
            return None
    if not chunks:
        raise refused(
            path, f"is a pipe with nothing written to it (a named pipe that no program writes to?), not {what}"
        )
    return b"".join(chunks)
