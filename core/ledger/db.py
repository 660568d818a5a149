"""Opening the ledger file, and telling a jobbsats ledger from any other SQLite file.

Telling them apart must not change the other file: a plain SQLite connection
would, on its last close, move the pages of a ``-wal`` file into the database
and delete ``-wal`` and ``-shm``, and even a read-only one marks its place in
``-shm``. So the first look at a file is taken through a connection that can
write nothing at all (:func:`kind_of`); only a jobbsats ledger (or an empty
file) is then opened for real.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import stat
import tempfile
import time
import urllib.parse
from pathlib import Path

from jobbsats.errors import LedgerError, clip
from jobbsats.ledger.connection import Ledger
from jobbsats.ledger.migrations import MIGRATION_SET, up_to_date
from jobbsats.ledger.migrations import apply as apply_migrations
from jobbsats.ledger.tables import APPLICATION_ID

# How long a command waits for another's write to end. An import parses its file while it holds the
# write lock: 1 000 000 rows held it 14.7 s on a loaded 2-core machine (tests/test_concurrency.py's
# figures), so a run started beside it must wait longer than that, with margin.
BUSY_TIMEOUT_MS = 60_000
SIDE_FILES = ("-wal", "-shm", "-journal")  # SQLite's files beside a database
SQLITE_HEADER = b"SQLite format 3\x00"
# A -wal no longer than its header holds no frame: the database file alone is what it says. Such a -wal
# with a -shm no process holds (a writer killed between writing the header and its first frame: seen once
# in 36 kills of a run just after it began) makes SQLite's read-only look at -shm retry for 10 s and fail
# (SQLITE_PROTOCOL, SQLite 3.40).
WAL_HEADER = 32

# What a file holds, as kind_of() finds it.
LEDGER, EMPTY, OTHER = "ledger", "empty", "other"

# SQLite's primary result codes that mean "not now" rather than "not a database": another process
# is writing, or recovering the -wal, and a read-only look cannot wait for it the usual way; or the
# last connection closed and took -wal and -shm with it between the look at them and the opening.
_SQLITE_BUSY, _SQLITE_LOCKED, _SQLITE_READONLY, _SQLITE_CANTOPEN, _SQLITE_PROTOCOL = 5, 6, 8, 14, 15
_SQLITE_FULL, _SQLITE_IOERR = 13, 10
_SQLITE_CORRUPT = 11  # a look without locks may see a checkpoint midway: look again
_TRANSIENT = {_SQLITE_BUSY, _SQLITE_LOCKED, _SQLITE_READONLY, _SQLITE_CANTOPEN, _SQLITE_PROTOCOL}
_LOOKS = 5  # tries of the read-only look before it settles for a read-only connection that may mark -shm


def ledger_file(path: Path) -> bool:
    """Whether a file is at ``path`` (False: no ledger there yet).

    Refuses at once what can never be a ledger: a folder, a FIFO, a device or a
    socket (SQLite would fail on it, or wait for a writer that never comes), and
    a path the system cannot look up (a name too long, a folder without access).
    """
    try:
        info = path.stat()
    except FileNotFoundError:
        info = None
    except OSError as exc:
        raise LedgerError(f"{clip(str(path))}: cannot open the ledger: {exc.strerror}") from exc
    too_long = side_names_too_long(path)
    if too_long:
        raise LedgerError(f"{clip(str(path))}: {too_long}")
    if info is None:
        return False
    if stat.S_ISDIR(info.st_mode):
        raise LedgerError(f"{clip(str(path))}: is a folder, not a ledger file")
    if not stat.S_ISREG(info.st_mode):
        raise LedgerError(f"{clip(str(path))}: is {special(info.st_mode)}, not a ledger file")
    return True


def side_names_too_long(path: Path) -> str | None:
    """Why SQLite could not keep its side files (``-journal``, ``-wal``, ``-shm``) beside a database named
    ``path``, or None: their names would be longer than the folder's file system takes. SQLite would say
    only "unable to open database file", and a copy made under such a name could never be opened."""
    try:
        most = os.pathconf(path.parent, "PC_NAME_MAX")
    except (OSError, ValueError):  # a folder not there (said elsewhere), a system that cannot say
        most = 255
    if most <= 0:
        most = 255
    longest = len(os.fsencode(path.name)) + max(len(side) for side in SIDE_FILES)
    if longest <= most:
        return None
    return (
        f"the name is {len(os.fsencode(path.name))} bytes long, and SQLite's files beside it (its -journal) would "
        f"be {longest}, more than the file system takes ({most}); give a name of at most "
        f"{most - max(len(side) for side in SIDE_FILES)} bytes"
    )


def special(mode: int) -> str:
    """What a file that is neither a regular file nor a folder is, in words."""
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def open_ledger(path: Path, *, must_exist: bool = False) -> Ledger:
    """Open the ledger at ``path``; without ``must_exist`` a missing file is created, empty.

    Reading commands pass ``must_exist``: a missing file or a SQLite file that
    is not a jobbsats ledger is then an error, and nothing is written to it
    (except pending migrations of a real ledger). Without it (a write, see
    ``ledger.write.transaction``) an empty file is a new ledger; another
    program's database is refused all the same, byte for byte untouched.
    """
    exists = ledger_file(path)
    shown = clip(str(path))
    if must_exist and not exists:
        raise LedgerError(f"{shown}: no ledger here yet; run `jobbsats run` first, or give the path of one with --db")
    folder = path.parent
    if not folder.is_dir():
        raise LedgerError(f"{shown}: the folder {clip(str(folder))} does not exist")
    if exists:
        refuse_other(path, kind_of(path), allow_empty=not must_exist)
        reason = frozen(path)
        if reason:
            if not must_exist:
                raise LedgerError(f"{shown}: {reason}; nothing can be written to it")
            return _open_frozen(path, reason)
    else:
        _create(path)
    try:
        conn = sqlite3.connect(str(path))
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA schema_version").fetchone()  # fails here if it is not SQLite
        db = Ledger(conn)
        if must_exist:
            require_ledger(db, path, allow_empty=False)
            migrate(db)
        return db
    except sqlite3.DatabaseError as exc:
        raise failure(path, exc, "cannot open the ledger") from exc


def open_read_only(path: Path) -> Ledger:
    """The ledger at ``path`` opened to be read only, for a reader beside the writers (``jobbsats serve``).

    It must be a ledger whose schema is up to date: a reader migrates nothing (the writer that opens it
    next does). The newest runs are read from the ``-wal`` too, as any reader sees them.
    """
    shown = clip(str(path))
    if not ledger_file(path):
        raise LedgerError(f"{shown}: no ledger here")
    reason = frozen(path)
    if reason:
        return _open_frozen(path, reason)
    try:
        conn = sqlite3.connect(_uri(path, "mode=ro"), uri=True)
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        db = Ledger(conn)
        require_ledger(db, path, allow_empty=False)
        if not up_to_date(db, reading=True):
            raise LedgerError(f"{shown}: its schema is older than this jobbsats; run `jobbsats verify` on it first")
        return db
    except sqlite3.DatabaseError as exc:
        raise failure(path, exc, "cannot open the ledger") from exc


READ_ONLY_FILE = "is a read-only file"


def frozen(path: Path) -> str | None:
    """Why the ledger is to be read without SQLite's ``-wal`` and ``-shm`` beside it, or None to open it as usual.

    A read-only file system (a mounted archive copy), or a folder that lets no file be created in it
    (``chattr +i``, or no write access for this user): SQLite cannot create them. Or a ledger file no one may
    write to (``chmod a-w``; ``chattr +i``, which even root may not write): SQLite would create them with the
    file's own permissions, read-only, and the next writer, once the ledger is writable again, would be refused
    ("attempt to write a readonly database") for a ``-shm`` file it never names. A file only its owner may write
    is not such a file: the owner may be writing it while another user reads, and that reader needs SQLite's
    locks. No writer can be at work on a frozen ledger unless its ``-wal`` and ``-shm`` are there already.
    """
    try:
        if os.statvfs(path.parent).f_flag & os.ST_RDONLY:
            return "is on a read-only file system"
    except (OSError, AttributeError):  # AttributeError: a system without statvfs flags
        pass
    # access() says what the kernel would: no for an immutable folder even to root, yes to root otherwise.
    if not os.access(path.parent, os.W_OK | os.X_OK):
        return f"is in the folder {clip(str(path.parent.absolute()))}, which does not let files be created"
    if _no_one_writes(path):
        return READ_ONLY_FILE
    return None


def _no_one_writes(path: Path) -> bool:
    try:
        mode = path.stat().st_mode
    except OSError:
        return False
    if not mode & 0o222:
        return True
    # Write bits, yet refused to root: immutable (chattr +i). To another user access() says only what it may do.
    return getattr(os, "geteuid", lambda: -1)() == 0 and not os.access(path, os.W_OK)


def _open_frozen(path: Path, reason: str) -> Ledger:
    """A ledger beside which SQLite can create no file, or should not (see :func:`frozen`), opened to be read.

    With no ``-wal``, no writer is at work on it (it could not make one), so SQLite
    may read it as ``immutable``: no locks and no ``-shm``. With a ``-wal`` and its
    ``-shm`` there, they are read as :func:`kind_of` reads them (``readonly_shm``).
    A ``-wal`` without its ``-shm`` could be read only by making one, so such a
    ledger is refused rather than read stale.
    """
    shown = clip(str(path))
    # What to do: a read-only file is made writable again where it is; elsewhere the ledger must move.
    in_place = reason == READ_ONLY_FILE
    target = read_only_uri(path)
    if target is None:
        remedy = (
            f"make it writable again (chmod u+w {shown})"
            if in_place
            else "copy the ledger with its -wal file to a writable folder"
        )
        raise LedgerError(
            f"{shown}: {reason} with writes still in its -wal, which SQLite cannot read "
            f"there; {remedy} (or use a copy `jobbsats backup` made)"
        )
    try:
        conn = sqlite3.connect(target, uri=True)
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA foreign_keys = ON")
        db = Ledger(conn)
        require_ledger(db, path, allow_empty=False)
        if not up_to_date(db, reading=True):
            raise LedgerError(
                f"{shown}: was written by an older jobbsats and needs its schema brought up to date, which is not "
                f"possible as it {reason}; "
                + ("make it writable again first" if in_place else "copy it to a writable folder first")
            )
        return db
    except sqlite3.DatabaseError as exc:
        raise failure(path, exc, "cannot open the ledger") from exc


def _create(path: Path) -> None:
    """Create the empty ledger file, so that an operating system's refusal is said as such.

    SQLite would say only "unable to open database file" for a read-only file
    system, a folder without access or a name too long.
    """
    try:
        # Not O_EXCL: another process may create the same ledger at the same moment, and may.
        handle = os.open(path, os.O_WRONLY | os.O_CREAT, 0o644)
    except OSError as exc:
        raise LedgerError(f"{clip(str(path))}: cannot create the ledger: {exc.strerror}") from exc
    os.close(handle)


def failure(path: Path, exc: sqlite3.Error, doing: str) -> LedgerError:
    """A SQLite error as the user should read it: a full disk said as a full disk, not as a lock."""
    code = getattr(exc, "sqlite_errorcode", 0) & 0xFF
    shown = clip(str(path))
    if code == _SQLITE_FULL and disk_full(path):
        return LedgerError(f"{shown}: {doing}: the disk is full ({exc})")
    if code == _SQLITE_FULL:  # SQLite's own words: "database or disk is full"
        return LedgerError(f"{shown}: {doing}: {exc}")
    if code == _SQLITE_IOERR and disk_full(path):
        return LedgerError(f"{shown}: {doing}: the disk is full ({exc})")
    if code in (_SQLITE_BUSY, _SQLITE_LOCKED):
        return LedgerError(f"{shown}: the ledger is busy or locked ({exc}); try again")
    return LedgerError(f"{shown}: {doing}: {exc}")


def disk_full(path: Path) -> bool:
    """Whether the file system of ``path`` has (about) no room left: SQLite says only "disk I/O error"
    when it cannot grow its ``-shm`` file, or a write fails for want of space."""
    try:
        info = os.statvfs(path.parent)
    except OSError:
        return False
    return info.f_bavail * info.f_frsize < 64 * 1024


def kind_of(path: Path) -> str:
    """What the SQLite file at ``path`` holds (LEDGER, EMPTY or OTHER), read without changing a byte.

    Neither the file nor its ``-wal`` and ``-shm`` change: the newest writes, still
    in ``-wal``, are read through ``-shm`` opened read-only (SQLite's
    ``readonly_shm``); with no ``-wal`` to read, the file alone is read as
    ``immutable`` (no locks, no side files); a ``-wal`` without its ``-shm`` is read
    from a copy. A file that is not SQLite at all is refused from its header.
    """
    shown = clip(str(path))
    try:
        with path.open("rb") as handle:
            head = handle.read(len(SQLITE_HEADER))
    except OSError as exc:
        raise LedgerError(f"{shown}: cannot open the ledger: {exc.strerror}") from exc
    if not head and not has_frames(path):
        return EMPTY
    if head and head != SQLITE_HEADER:
        raise LedgerError(f"{shown}: cannot open the ledger: file is not a database")
    last: sqlite3.Error | None = None
    for attempt in range(_LOOKS):
        # Looked at anew each time: the last connection of another process may close meanwhile, and
        # SQLite then deletes -wal and -shm (and a look without locks may catch a checkpoint midway).
        try:
            return _look(path, has_frames(path))
        except FileNotFoundError:
            pass  # a side file was deleted between the look and the copy: look again
        except sqlite3.DatabaseError as exc:
            if getattr(exc, "sqlite_errorcode", 0) & 0xFF not in _TRANSIENT | {_SQLITE_CORRUPT}:
                raise failure(path, exc, "cannot open the ledger") from exc
            last = exc
        time.sleep(0.02 * (attempt + 1))
    # Another process keeps the ledger busy: a read-only connection waits for it as readers do. It
    # may mark its place in -shm, which only a file in use by someone else can get to see.
    try:
        return _read(_uri(path, "mode=ro"))
    except sqlite3.DatabaseError as exc:
        raise failure(path, last or exc, "cannot open the ledger") from exc


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def has_frames(path: Path) -> bool:
    """Whether the ledger's ``-wal`` holds any frame (more than its header) to be read with the file."""
    return _size(Path(f"{path}-wal")) > WAL_HEADER


def read_only_uri(path: Path, frames: bool | None = None) -> str | None:
    """How SQLite reads the file at ``path`` without writing a byte of it or beside it: with no ``-wal`` frames,
    the file alone as ``immutable`` (no locks, no side files); else through its ``-shm`` opened read-only
    (``readonly_shm``). None for a ``-wal`` without its ``-shm``, which SQLite would have to rebuild.
    ``frames``: :func:`has_frames`, when the caller has looked already."""
    if not (has_frames(path) if frames is None else frames):
        return _uri(path, "mode=ro&immutable=1")
    if Path(f"{path}-shm").exists():
        return _uri(path, "mode=ro&readonly_shm=1")
    return None


def _uri(path: Path, query: str) -> str:
    return f"file:{urllib.parse.quote(str(path.absolute()))}?{query}"


def _look(path: Path, frames: bool) -> str:
    target = read_only_uri(path, frames)
    if target is not None:
        return _read(target, alone=not frames and not _size(Path(f"{path}-journal")))
    # Left by a crash, its -shm since deleted: SQLite would rebuild -shm (and checkpoint) on opening.
    with tempfile.TemporaryDirectory(prefix="jobbsats-look-") as folder:
        copy = Path(folder) / "copy.db"
        shutil.copyfile(path, copy)
        shutil.copyfile(f"{path}-wal", f"{copy}-wal")
        return _read(str(copy))


def _read(target: str, *, alone: bool = False) -> str:
    conn = sqlite3.connect(target, uri=target.startswith("file:"))
    try:
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        # A file marked as a ledger (migration 0015) is taken at its word without parsing its schema (2.7 ms of a
        # 9 ms `runs`), and require_ledger checks the schema on the connection that then reads it. Only a file
        # standing ``alone`` (no -wal frames, no -journal): with them, that connection would change another
        # program's file that bore the mark (move its -wal into it and delete -wal and -shm, or roll back its
        # -journal) before the check refused it.
        if alone and conn.execute("pragma application_id").fetchone()[0] == APPLICATION_ID:
            return LEDGER
        return _contents(conn)
    finally:
        conn.close()


def _contents(conn: sqlite3.Connection) -> str:
    """LEDGER, EMPTY or OTHER, from the schema a connection sees.

    EMPTY only when the file holds nothing at all: no schema object of any kind
    (a view, an index or a trigger alone is another program's work) and no
    ``user_version`` or ``application_id``, which only a program that means the
    file to be its own sets.
    """
    objects = conn.execute("select type, name from sqlite_master").fetchall()
    if not objects:
        marked = any(conn.execute(f"pragma {mark}").fetchone()[0] for mark in ("user_version", "application_id"))
        return OTHER if marked else EMPTY
    tables = {name for kind, name in objects if kind == "table"}
    if "_sqlite_migrations" not in tables:
        return OTHER
    columns = {row[1] for row in conn.execute("pragma table_info(_sqlite_migrations)")}
    if "migration_set" not in columns:  # another program's table of the same name
        return OTHER
    sets = {row[0] for row in conn.execute("select migration_set from _sqlite_migrations")}
    return LEDGER if MIGRATION_SET in sets else OTHER


def refuse_other(path: Path, kind: str, *, allow_empty: bool) -> None:
    """Refuse a file that holds something other than a jobbsats ledger (EMPTY only when ``allow_empty``)."""
    if kind == LEDGER or (kind == EMPTY and allow_empty):
        return
    if kind == EMPTY:
        raise LedgerError(f"{clip(str(path))}: is an empty database, not a jobbsats ledger; run `jobbsats run` first")
    raise LedgerError(f"{clip(str(path))}: is a SQLite database but not a jobbsats ledger; give another --db")


def require_ledger(db: Ledger, path: Path, *, allow_empty: bool) -> None:
    """Refuse a SQLite file that holds something other than a jobbsats ledger.

    An empty database is a new ledger only when ``allow_empty`` (a run may
    start one; a report may not). This reads through ``db``'s own connection;
    :func:`open_ledger` has looked at the file without one before.
    """
    refuse_other(path, _contents(db.conn), allow_empty=allow_empty)


def discard_new(path: Path) -> None:
    """Remove a ledger file this process created and then wrote nothing to, with its side files.

    Unless another process has opened it meanwhile (it may be writing the first
    run itself): the check holds SQLite's exclusive lock, which it cannot get
    while any other connection reads the file, and in that locking mode SQLite
    needs no ``-shm`` (a full disk may have no room for one).
    """
    try:
        conn = sqlite3.connect(str(path), timeout=0, isolation_level=None)
    except sqlite3.Error:
        return
    try:
        conn.execute("PRAGMA locking_mode = EXCLUSIVE")
        if _size(path) == 0 and not _size(Path(f"{path}-wal")):
            # Nothing in it yet, so no journal mode of its own to change: a journal kept in memory lets
            # the lock be taken on a full disk, where a -journal file finds no room.
            conn.execute("PRAGMA journal_mode = MEMORY")
        conn.execute("BEGIN EXCLUSIVE")
        if conn.execute("select count(*) from sqlite_master").fetchone()[0]:
            return
        for suffix in ("", *SIDE_FILES):  # while the lock is held: no one can start writing to them
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    except (sqlite3.Error, OSError):
        return
    finally:
        try:
            conn.close()
        except sqlite3.Error:
            pass


def migrate(db: Ledger) -> None:
    """Apply the schema's pending migrations (none, for an up-to-date ledger; all at once, for a new one)."""
    apply_migrations(db)
