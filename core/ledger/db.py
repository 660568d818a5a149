"""Opening the ledger file."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from jobbsats.errors import LedgerError
from sqlite_utils import Database

DB_ENV = "JOBBSATS_DB"
DEFAULT_FILE = "jobbsats.db"
BUSY_TIMEOUT_MS = 10_000


def default_path(option: str | None = None) -> Path:
    """``--db`` if given, else ``$JOBBSATS_DB``, else ``./jobbsats.db``."""
    return Path(option or os.environ.get(DB_ENV) or DEFAULT_FILE)


def open_ledger(path: Path, *, must_exist: bool = False) -> Database:
    """Open (or create) the ledger. Pending migrations are applied by the caller's write.

    Reading commands pass ``must_exist`` so that a mistyped path is an error,
    not a new empty ledger.
    """
    if must_exist and not path.exists():
        raise LedgerError(f"{path}: no ledger here yet; run `jobbsats run` first (or pass --db)")
    if path.is_dir():
        raise LedgerError(f"{path}: is a folder, not a ledger file")
    try:
        conn = sqlite3.connect(str(path))
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA foreign_keys = ON")
        return Database(conn, execute_plugins=False)
    except sqlite3.Error as exc:
        raise LedgerError(f"{path}: cannot open the ledger: {exc}") from exc


def migrate(db: Database) -> None:
    from jobbsats.ledger.migrations import migrations

    migrations.apply(db)
