"""The triggers that keep the ledger append-only: their SQL, which ones there must be, and putting them back.

The ledger is append-only (Bokföringslagen 5 kap.: corrections are new entries):
SQLite itself refuses to change or remove a row once written, and to add a row to a
run or batch once it is sealed (in the chain) or in the place of another row (an
``INSERT OR REPLACE`` removes the row it replaces without a delete trigger firing).
``jobbsats verify`` names a guard that was dropped or replaced; ``--restore-guards``
makes it again.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from typing import TYPE_CHECKING

from jobbsats.ledger.tables import GUARDED, SEALED_BY

if TYPE_CHECKING:
    from jobbsats.ledger.connection import Ledger

# The tables whose inserts a guard checks (migration 0011): every sealed one, and the chain itself.
INSERT_GUARDED = (*SEALED_BY, "chain")
GUARDS = (
    *(f"{t}_no_{a}" for t in GUARDED for a in ("update", "delete")),
    *(f"{t}_no_insert" for t in INSERT_GUARDED),
)


def refuse(action: str, table: str, when: str = "") -> str:
    message = f"jobbsats ledger: {table} is append-only; rows are never {action}d (a correction is a new run or batch)"
    return (
        f"CREATE TRIGGER {table}_no_{action} BEFORE {action.upper()} ON {table} {when}"
        f"BEGIN SELECT RAISE(ABORT, '{message}'); END"
    )


def refuse_insert(table: str) -> str:
    """The guard that refuses a row added to ``table`` for a sealed run or batch, or in another row's place."""
    if table == "chain":  # one entry per run or batch, written with it
        sealed = "EXISTS (SELECT 1 FROM chain WHERE kind = NEW.kind AND ref = NEW.ref)"
        message = "jobbsats ledger: chain is append-only; a run or batch has one entry, written with it"
    else:
        kind, column = SEALED_BY[table]
        sealed = f"EXISTS (SELECT 1 FROM chain WHERE kind = '{kind}' AND ref = NEW.{column})"
        message = (
            f"jobbsats ledger: {table} is append-only; no row is added to a sealed run or batch, nor in "
            "the place of another (a correction is a new run or batch)"
        )
    # NEW.rowid is -1 when SQLite is to choose it: no row has it.
    replaces = f"EXISTS (SELECT 1 FROM {table} WHERE rowid = NEW.rowid)"
    return (
        f"CREATE TRIGGER {table}_no_insert BEFORE INSERT ON {table} WHEN {replaces} OR {sealed} "
        f"BEGIN SELECT RAISE(ABORT, '{message}'); END"
    )


def guard_sql(name: str) -> str:
    table, action = name.rsplit("_no_", 1)
    if action == "insert":
        return refuse_insert(table)
    return refuse(action, table, "WHEN OLD.rows_read > 0 " if name == "import_batches_no_update" else "")


def missing_guards(db: Ledger) -> list[str]:
    """The guards of a migrated ledger that are not there as the migrations made them: dropped, or
    replaced by a trigger of the same name that does something else (SQLite keeps each one's text),
    and any trigger jobbsats did not make (one that ignores or changes the rows a run or import
    writes would make the ledger hold other rows than the command reported and hashed)."""
    present = dict(db.execute("select name, sql from sqlite_master where type = 'trigger'").fetchall())
    return [g for g in GUARDS if present.get(g) != guard_sql(g)] + foreign_triggers(db)


def foreign_triggers(db: Ledger) -> list[str]:
    """Triggers on the ledger that are none of its guards: added outside jobbsats."""
    names = [name for (name,) in db.execute("select name from sqlite_master where type = 'trigger' order by name")]
    return [name for name in names if name not in GUARDS]


def restore_guards(db: Ledger) -> list[str]:
    """Make the guards that are missing or changed again, as the migrations made them, and drop the
    triggers jobbsats did not make; return their names."""
    missing = missing_guards(db)
    foreign = set(foreign_triggers(db))
    for name in missing:
        db.execute(f'DROP TRIGGER IF EXISTS "{name}"')
        if name not in foreign:
            db.execute(guard_sql(name))
    return missing


# A column as the ledger's schema declares it: name, declared type, NOT NULL, default, place in the key.
Column = tuple[str, str, int, str | None, int]


def made_schema() -> dict[str, tuple[Column, ...]]:
    """Every table of a ledger as its migrations make it, by name: its columns in order.

    SQLite's own tables and sqlite-utils' record of migrations are left out: their shape is not jobbsats's to
    keep. A constant (:data:`MADE_SCHEMA`), not a ledger built in memory by the migrations for every command that
    writes (a fifth of a small run's time); tests/test_speed_run_schema.py holds it to :func:`migrated_schema`.
    """
    return MADE_SCHEMA


def migrated_schema() -> dict[str, tuple[Column, ...]]:
    """:func:`made_schema` as a ledger built in memory by the migrations has it (the tests compare the two)."""
    from jobbsats.ledger.connection import Ledger
    from jobbsats.ledger.migrations import migration_set  # imports this module: not at the top

    conn = sqlite3.connect(":memory:")
    try:
        db = Ledger(conn)
        migration_set().apply(db.utils)  # sqlite-utils, migration by migration
        return _schema(db)
    finally:
        conn.close()


# Written out from migrated_schema(); after a new migration, print that and paste it here (the test says so).
MADE_SCHEMA: dict[str, tuple[Column, ...]] = {
    "allocations": (
        ("id", "INTEGER", 0, None, 1),
        ("run_id", "INTEGER", 1, None, 0),
        ("seq", "INTEGER", 1, None, 0),
        ("year", "INTEGER", 1, None, 0),
        ("fund_id", "TEXT", 1, None, 0),
        ("from_id", "TEXT", 0, None, 0),
        ("to_id", "TEXT", 1, None, 0),
        ("amount", "INTEGER", 1, None, 0),
        ("rule", "TEXT", 1, None, 0),
        ("rule_index", "INTEGER", 1, None, 0),
        ("rule_label", "TEXT", 1, None, 0),
        ("source", "TEXT", 1, None, 0),
        ("label", "TEXT", 1, None, 0),
        ("action", "TEXT", 1, None, 0),
        ("decision_ref", "TEXT", 1, None, 0),
        ("point", "INTEGER", 1, None, 0),
        ("recurring_from", "INTEGER", 0, None, 0),
        ("recurring_to", "INTEGER", 0, None, 0),
        ("agreements", "TEXT", 1, None, 0),
        ("text", "TEXT", 0, None, 0),
    ),
    "batch_supersedes": (
        ("batch_id", "INTEGER", 1, None, 1),
        ("superseded_id", "INTEGER", 1, None, 2),
    ),
    "carry_overs": (
        ("run_id", "INTEGER", 1, None, 1),
        ("seq", "INTEGER", 1, None, 2),
        ("year", "INTEGER", 1, None, 0),
        ("fund_id", "TEXT", 1, None, 0),
        ("to_id", "TEXT", 1, None, 0),
        ("from_year", "INTEGER", 1, None, 0),
        ("amount", "INTEGER", 1, None, 0),
        ("rule", "TEXT", 1, None, 0),
        ("rule_index", "INTEGER", 1, None, 0),
        ("rule_label", "TEXT", 1, None, 0),
        ("source", "TEXT", 1, None, 0),
        ("label", "TEXT", 1, None, 0),
        ("decision_ref", "TEXT", 1, None, 0),
        ("point", "INTEGER", 1, None, 0),
        ("text", "TEXT", 0, None, 0),
    ),
    "chain": (
        ("seq", "INTEGER", 0, None, 1),
        ("kind", "TEXT", 1, None, 0),
        ("ref", "INTEGER", 1, None, 0),
        ("rows_sha256", "TEXT", 1, None, 0),
        ("tables_json", "TEXT", 1, None, 0),
        ("chain_sha256", "TEXT", 1, None, 0),
    ),
    "financiers": (
        ("run_id", "INTEGER", 1, None, 1),
        ("id", "TEXT", 1, None, 2),
        ("name", "TEXT", 1, None, 0),
    ),
    "fund_totals": (
        ("run_id", "INTEGER", 1, None, 1),
        ("fund_id", "TEXT", 1, None, 2),
        ("year", "INTEGER", 1, None, 3),
        ("total", "INTEGER", 0, None, 0),
        ("unallocated", "INTEGER", 0, None, 0),
        ("assumed", "INTEGER", 1, "0", 0),
        ("note", "TEXT", 1, "''", 0),
    ),
    "funds": (
        ("run_id", "INTEGER", 1, None, 1),
        ("id", "TEXT", 1, None, 2),
        ("name", "TEXT", 1, None, 0),
        ("wording", "TEXT", 1, None, 0),
        ("unit", "TEXT", 1, "'kr'", 0),
        ("shown_in", "TEXT", 1, "'kr'", 0),
    ),
    "import_batches": (
        ("id", "INTEGER", 0, None, 1),
        ("kind", "TEXT", 1, None, 0),
        ("started_at", "TEXT", 1, None, 0),
        ("user", "TEXT", 1, None, 0),
        ("file_path", "TEXT", 1, None, 0),
        ("file_name", "TEXT", 1, None, 0),
        ("file_sha256", "TEXT", 1, None, 0),
        ("file_size", "INTEGER", 1, None, 0),
        ("format", "TEXT", 1, None, 0),
        ("encoding", "TEXT", 1, None, 0),
        ("scenario", "TEXT", 1, None, 0),
        ("config_path", "TEXT", 1, None, 0),
        ("config_sha256", "TEXT", 1, None, 0),
        ("versions_json", "TEXT", 1, None, 0),
        ("rows_read", "INTEGER", 1, None, 0),
        ("control_total", "INTEGER", 1, None, 0),
        ("fund_rows", "INTEGER", 1, None, 0),
        ("fund_total", "INTEGER", 1, None, 0),
        ("other_rows", "INTEGER", 1, None, 0),
        ("other_total", "INTEGER", 1, None, 0),
        ("unmatched_rows", "INTEGER", 1, None, 0),
        ("unmatched_total", "INTEGER", 1, None, 0),
        ("rejected_rows", "INTEGER", 1, None, 0),
        ("rejects_path", "TEXT", 0, None, 0),
    ),
    "prognos_batches": (
        ("id", "INTEGER", 0, None, 1),
        ("started_at", "TEXT", 1, None, 0),
        ("user", "TEXT", 1, None, 0),
        ("file_path", "TEXT", 1, None, 0),
        ("file_name", "TEXT", 1, None, 0),
        ("file_sha256", "TEXT", 1, None, 0),
        ("file_size", "INTEGER", 1, None, 0),
        ("encoding", "TEXT", 1, None, 0),
        ("scenario", "TEXT", 1, None, 0),
        ("run_id", "INTEGER", 1, None, 0),
        ("year", "INTEGER", 1, None, 0),
        ("versions_json", "TEXT", 1, None, 0),
        ("rows_read", "INTEGER", 1, None, 0),
        ("control_total", "INTEGER", 1, None, 0),
    ),
    "prognos_rows": (
        ("batch_id", "INTEGER", 1, None, 1),
        ("line", "INTEGER", 1, None, 0),
        ("recipient_id", "TEXT", 1, None, 2),
        ("fund_id", "TEXT", 1, None, 3),
        ("purpose", "TEXT", 1, None, 4),
        ("amount", "INTEGER", 1, None, 0),
        ("comment", "TEXT", 1, None, 0),
    ),
    "project_financing": (
        ("run_id", "INTEGER", 1, None, 1),
        ("project_id", "TEXT", 1, None, 2),
        ("line", "INTEGER", 1, None, 3),
        ("financier_id", "TEXT", 1, None, 0),
        ("programme", "TEXT", 1, None, 0),
        ("amount", "INTEGER", 1, None, 0),
        ("share", "TEXT", 1, None, 0),
        ("in_kind", "INTEGER", 1, None, 0),
        ("status", "TEXT", 1, None, 0),
        ("decided", "TEXT", 0, None, 0),
        ("reference", "TEXT", 1, None, 0),
        ("condition", "TEXT", 1, None, 0),
        ("state", "TEXT", 1, None, 0),
        ("reason", "TEXT", 1, None, 0),
        ("note", "TEXT", 1, None, 0),
    ),
    "project_periods": (
        ("run_id", "INTEGER", 1, None, 1),
        ("project_id", "TEXT", 1, None, 2),
        ("line", "INTEGER", 1, None, 3),
        ("year", "INTEGER", 1, None, 4),
        ("month", "INTEGER", 1, None, 5),
        ("amount", "INTEGER", 1, None, 0),
    ),
    "projects": (
        ("run_id", "INTEGER", 1, None, 1),
        ("id", "TEXT", 1, None, 2),
        ("name", "TEXT", 1, None, 0),
        ("case_ref", "TEXT", 1, None, 0),
        ("owner", "TEXT", 1, None, 0),
        ("participants", "TEXT", 1, None, 0),
        ("start_date", "TEXT", 1, None, 0),
        ("end_date", "TEXT", 1, None, 0),
        ("total", "INTEGER", 0, None, 0),
        ("periodised_by", "TEXT", 0, None, 0),
    ),
    "recipients": (
        ("run_id", "INTEGER", 1, None, 1),
        ("id", "TEXT", 1, None, 2),
        ("name", "TEXT", 1, None, 0),
        ("kind", "TEXT", 1, None, 0),
        ("genitive", "TEXT", 1, None, 0),
    ),
    "rounding_differences": (
        ("run_id", "INTEGER", 1, None, 1),
        ("fund_id", "TEXT", 1, None, 2),
        ("year", "INTEGER", 1, None, 3),
        ("rule_index", "INTEGER", 1, None, 4),
        ("rule_label", "TEXT", 1, None, 0),
        ("split", "INTEGER", 1, None, 0),
        ("difference", "INTEGER", 1, None, 0),
    ),
    "run_reads": (
        ("run_id", "INTEGER", 1, None, 1),
        ("kind", "TEXT", 1, None, 2),
        ("ref", "INTEGER", 1, None, 3),
    ),
    "runs": (
        ("id", "INTEGER", 0, None, 1),
        ("started_at", "TEXT", 1, None, 0),
        ("user", "TEXT", 1, None, 0),
        ("scenario", "TEXT", 1, None, 0),
        ("config_path", "TEXT", 1, None, 0),
        ("config_sha256", "TEXT", 1, None, 0),
        ("config_text", "TEXT", 1, None, 0),
        ("decision_json", "TEXT", 1, None, 0),
        ("versions_json", "TEXT", 1, None, 0),
        ("status", "TEXT", 1, None, 0),
    ),
    "utfall": (
        ("batch_id", "INTEGER", 1, None, 0),
        ("line", "INTEGER", 1, None, 0),
        ("date", "TEXT", 1, None, 0),
        ("year", "INTEGER", 1, None, 0),
        ("month", "INTEGER", 1, None, 0),
        ("account", "TEXT", 1, None, 0),
        ("ansvar", "TEXT", 1, None, 0),
        ("verksamhet", "TEXT", 1, None, 0),
        ("project_code", "TEXT", 1, None, 0),
        ("recipient_id", "TEXT", 1, None, 0),
        ("fund_id", "TEXT", 0, None, 0),
        ("project_id", "TEXT", 0, None, 0),
        ("amount", "INTEGER", 1, None, 0),
        ("text", "TEXT", 1, None, 0),
        ("purpose", "TEXT", 0, None, 0),
    ),
    "utfall_sums": (
        ("batch_id", "INTEGER", 1, None, 0),
        ("date", "TEXT", 1, None, 0),
        ("year", "INTEGER", 1, None, 0),
        ("month", "INTEGER", 1, None, 0),
        ("recipient_id", "TEXT", 1, None, 0),
        ("fund_id", "TEXT", 0, None, 0),
        ("project_id", "TEXT", 0, None, 0),
        ("purpose", "TEXT", 0, None, 0),
        ("amount", "INTEGER", 1, None, 0),
        ("rows", "INTEGER", 1, None, 0),
    ),
}


def _schema(db: Ledger, only: list[str] | None = None) -> dict[str, tuple[Column, ...]]:
    names = [name for (name,) in db.execute("select name from sqlite_master where type = 'table' order by name")]
    if only is not None:
        names = [name for name in names if name in only]
    return {
        name: tuple((c[1], c[2].upper(), c[3], c[4], c[5]) for c in db.execute(f'pragma table_info("{name}")'))
        for name in names
        if not name.startswith(("sqlite_", "_sqlite"))
    }


def changed_tables(db: Ledger, tables: Iterable[str] | None = None) -> list[str]:
    """The ledger's tables (of ``tables``, else all) whose columns are not as its migrations made them (a
    column renamed, dropped, added or retyped outside jobbsats); a table missing altogether is not among them."""
    made = made_schema()
    present = _schema(db, None if tables is None else [t for t in tables if t in made])
    return [name for name, columns in made.items() if name in present and present[name] != columns]


def missing_tables(db: Ledger) -> list[str]:
    """The tables a ledger's migrations make that are not in it: dropped outside jobbsats."""
    present = {name for (name,) in db.execute("select name from sqlite_master where type = 'table'")}
    return [name for name in made_schema() if name not in present]


def schema_changed(db: Ledger, table: str) -> str:
    """How ``table``'s columns differ from what the migrations made, in words (for a message)."""
    from jobbsats.errors import clip

    made = [c[0] for c in made_schema()[table]]
    present = [c[1] for c in db.execute(f'pragma table_info("{table}")')]
    gone = [c for c in made if c not in present]
    added = [clip(c, 40) for c in present if c not in made]
    said = [
        *([f"lacks its column{'s' if len(gone) > 1 else ''} {', '.join(gone)}"] if gone else []),
        *([f"has the column{'s' if len(added) > 1 else ''} {', '.join(added)}, not jobbsats's"] if added else []),
    ]
    how = " and ".join(said) or "has its columns retyped or reordered"
    return f"was changed outside jobbsats (its schema): it {how}"
