"""The triggers that keep the ledger append-only: their SQL, which ones there must be, and putting them back.

The ledger is append-only (Bokföringslagen 5 kap.: corrections are new entries):
SQLite itself refuses to change or remove a row once written. ``jobbsats verify``
names a guard that was dropped or replaced; ``--restore-guards`` makes it again.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from jobbsats.ledger.tables import GUARDED

if TYPE_CHECKING:
    from sqlite_utils import Database

GUARDS = tuple(f"{t}_no_{a}" for t in GUARDED for a in ("update", "delete"))


def refuse(action: str, table: str, when: str = "") -> str:
    message = f"jobbsats ledger: {table} is append-only; rows are never {action}d (a correction is a new run or batch)"
    return (
        f"CREATE TRIGGER {table}_no_{action} BEFORE {action.upper()} ON {table} {when}"
        f"BEGIN SELECT RAISE(ABORT, '{message}'); END"
    )


def guard_sql(name: str) -> str:
    table, action = name.rsplit("_no_", 1)
    return refuse(action, table, "WHEN OLD.rows_read > 0 " if name == "import_batches_no_update" else "")


def missing_guards(db: Database) -> list[str]:
    """The guards of a migrated ledger that are not there as the migrations made them: dropped, or
    replaced by a trigger of the same name that does something else (SQLite keeps each one's text)."""
    present = dict(db.execute("select name, sql from sqlite_master where type = 'trigger'").fetchall())
    return [g for g in GUARDS if present.get(g) != guard_sql(g)]


def restore_guards(db: Database) -> list[str]:
    """Create the guards that are missing or changed again, as the migrations made them; return their names."""
    missing = missing_guards(db)
    for name in missing:
        db.execute(f"DROP TRIGGER IF EXISTS {name}")
        db.execute(guard_sql(name))
    return missing
