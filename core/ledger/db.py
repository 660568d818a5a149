"""Opening the ledger file."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlite_utils import Database

from jobbsats.errors import LedgerError

BUSY_TIMEOUT_MS = 10_000


def open_ledger(path: Path, *, must_exist: bool = False) -> Database:
    """Open the ledger at ``path`` (creating the file only when it is first written).

    Reading commands pass ``must_exist`` so that a mistyped path is an error,
    not a new empty ledger; an existing ledger gets any pending migrations.
    """
    if must_exist and not path.exists():
        raise LedgerError(f"{path}: no ledger here yet; run `jobbsats run` first (or pass --db)")
    if path.is_dir():
        raise LedgerError(f"{path}: is a folder, not a ledger file")
    if not path.parent.is_dir():
        raise LedgerError(f"{path}: the folder {path.parent} does not exist")
    try:
        conn = sqlite3.connect(str(path))
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA schema_version").fetchone()  # fails here if it is not SQLite
        db = Database(conn, execute_plugins=False)
        if must_exist:
            migrate(db)
        return db
    except sqlite3.DatabaseError as exc:
        raise LedgerError(f"{path}: cannot open the ledger: {exc}") from exc


def migrate(db: Database) -> None:
    from jobbsats.ledger.migrations import migrations

    migrations.apply(db)
