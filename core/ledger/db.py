"""Opening the ledger file, and telling a jobbsats ledger from any other SQLite file."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from sqlite_utils import Database

from jobbsats.errors import LedgerError
from jobbsats.ledger.migrations import MIGRATION_SET, migrations

BUSY_TIMEOUT_MS = 10_000


def open_ledger(path: Path, *, must_exist: bool = False) -> Database:
    """Open the ledger at ``path``; the file itself is created only when a run is written.

    Reading commands pass ``must_exist``: a missing file or a SQLite file that
    is not a jobbsats ledger is then an error, and nothing is written to it
    (except pending migrations of a real ledger).
    """
    if path.is_dir():
        raise LedgerError(f"{path}: is a folder, not a ledger file")
    if must_exist and not path.exists():
        raise LedgerError(f"{path}: no ledger here yet; run `jobbsats run` first (or pass --db)")
    folder = path.parent
    if not folder.is_dir():
        raise LedgerError(f"{path}: the folder {folder} does not exist")
    if not path.exists() and not os.access(folder, os.W_OK):
        raise LedgerError(f"{path}: cannot create the ledger: the folder {folder} is not writable")
    try:
        conn = sqlite3.connect(str(path))
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA schema_version").fetchone()  # fails here if it is not SQLite
        db = Database(conn, execute_plugins=False)
        if must_exist:
            require_ledger(db, path, allow_empty=False)
            migrate(db)
        return db
    except sqlite3.DatabaseError as exc:
        raise LedgerError(f"{path}: cannot open the ledger: {exc}") from exc


def require_ledger(db: Database, path: Path, *, allow_empty: bool) -> None:
    """Refuse a SQLite file that holds something other than a jobbsats ledger.

    An empty database is a new ledger only when ``allow_empty`` (a run may
    start one; a report may not).
    """
    tables = {row[0] for row in db.execute("select name from sqlite_master where type = 'table'")}
    if not tables and allow_empty:
        return
    if "_sqlite_migrations" in tables:
        sets = {row[0] for row in db.execute("select migration_set from _sqlite_migrations")}
        if MIGRATION_SET in sets:
            return
    if not tables:
        raise LedgerError(f"{path}: is an empty database, not a jobbsats ledger; run `jobbsats run` first")
    raise LedgerError(f"{path}: is a SQLite database but not a jobbsats ledger; give another --db")


def migrate(db: Database) -> None:
    migrations.apply(db)
