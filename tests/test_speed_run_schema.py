"""Issue 18: a new ledger gets its schema in one go, and the schema a ledger must have is a constant.

Both must be what the migrations make, one by one: the same objects with the same SQL in sqlite_master
(in the same order), the same record of applied migrations, and the same columns for the check that a
ledger's tables were not changed outside jobbsats.
"""

from __future__ import annotations

import pprint
import sqlite3

import pytest
from sqlite_utils import Database

from jobbsats.ledger import guards, migrations
from jobbsats.ledger.connection import Ledger
from jobbsats.ledger.write import transaction


def _migrated_one_by_one() -> sqlite3.Connection:
    conn = sqlite3.connect(":memory:")
    migrations.migration_set().apply(Database(conn, execute_plugins=False))  # sqlite-utils, migration by migration
    return conn


def _made_in_one_go() -> sqlite3.Connection:
    conn = sqlite3.connect(":memory:")
    migrations.apply(Ledger(conn))
    return conn


def _master(conn: sqlite3.Connection) -> list[tuple]:
    # rootpage aside: the pages a table happens to live on are SQLite's business.
    return conn.execute("select type, name, tbl_name, sql from sqlite_master order by rowid").fetchall()


def _records(conn: sqlite3.Connection) -> list[tuple]:
    return conn.execute("select id, migration_set, name from _sqlite_migrations order by id").fetchall()


def test_a_new_ledger_in_one_go_has_the_schema_the_migrations_make():
    one_by_one, in_one_go = _migrated_one_by_one(), _made_in_one_go()
    assert _master(in_one_go) == _master(one_by_one)
    assert _records(in_one_go) == _records(one_by_one)
    assert [name for _, _, name in _records(in_one_go)] == list(migrations.ONE_SHOT)
    for pragma in ("user_version", "application_id", "foreign_keys"):
        assert in_one_go.execute(f"pragma {pragma}").fetchone() == one_by_one.execute(f"pragma {pragma}").fetchone()


def test_every_migration_is_recorded_once_with_a_time():
    conn = _made_in_one_go()
    rows = conn.execute("select name, applied_at from _sqlite_migrations").fetchall()
    assert len({name for name, _ in rows}) == len(rows) == 16
    assert all(applied.endswith("+00:00") and applied[:2] == "20" for _, applied in rows)
    # Nothing is pending: a second apply changes nothing.
    before = _master(conn)
    migrations.apply(Ledger(conn))
    assert _master(conn) == before and len(_records(conn)) == 16


def test_a_migration_added_after_the_one_shot_still_runs_on_a_new_ledger(monkeypatch):
    extra = migrations.migration_set()._Migration("0099_test_only", lambda db: db.execute("CREATE TABLE test_only (x)"))
    monkeypatch.setattr(migrations.migration_set(), "_migrations", [*migrations.migration_set()._migrations, extra])
    monkeypatch.setattr(migrations, "NAMES", [*migrations.NAMES, extra.name])  # as @migration(name) registers it
    conn = _made_in_one_go()
    assert conn.execute("select name from sqlite_master where name = 'test_only'").fetchone() == ("test_only",)
    assert _records(conn)[-1][2] == "0099_test_only"


def test_a_ledger_that_is_not_new_is_migrated_one_by_one(tmp_path):
    # An old ledger with the first migrations only gets the rest the usual way.
    conn = sqlite3.connect(tmp_path / "old.db")
    db = Database(conn, execute_plugins=False)
    migrations.migration_set().apply(db, stop_before="0004_append_only")
    migrations.apply(Ledger(conn))
    assert _master(conn) == _master(_migrated_one_by_one())
    assert _records(conn) == _records(_migrated_one_by_one())
    conn.close()


def test_the_expected_schema_is_what_the_migrations_make():
    migrated = guards.migrated_schema()
    assert guards.made_schema() == migrated, "guards.MADE_SCHEMA is out of date: replace it with\n" + pprint.pformat(
        migrated, width=110, sort_dicts=False
    )
    assert list(guards.made_schema()) == list(migrated)  # in the same order: messages list tables in it


def test_a_new_ledger_written_by_jobbsats_passes_its_own_schema_check(tmp_path):
    path = tmp_path / "new.db"
    with transaction(path) as db:
        assert guards.missing_tables(db) == [] and guards.changed_tables(db) == []
        assert guards.missing_guards(db) == []
    conn = sqlite3.connect(path)
    assert _master(conn) == _master(_migrated_one_by_one())
    conn.close()


@pytest.mark.parametrize(
    ("change", "table"),
    [
        ("ALTER TABLE allocations RENAME COLUMN label TO purpose", "allocations"),
        ("ALTER TABLE funds ADD COLUMN extra TEXT", "funds"),
    ],
)
def test_a_table_changed_outside_jobbsats_is_still_found(tmp_path, change, table):
    path = tmp_path / "ledger.db"
    with transaction(path):
        pass
    conn = sqlite3.connect(path)
    conn.execute(change)
    conn.commit()
    db = Database(conn, execute_plugins=False)
    assert guards.changed_tables(db) == [table]
    conn.close()


def test_every_migration_is_registered_through_migration_so_up_to_date_knows_it():
    """A migration registered with sqlite-utils' decorator alone would be missing from NAMES, and an up-to-date
    look (one query) would never find it pending."""
    assert migrations.NAMES == [m.name for m in migrations.migration_set()._migrations]
    assert migrations.NAMES[-1] == "0016_utfall_batch_rows" and len(migrations.NAMES) == 16


def test_the_record_of_migrations_is_where_sqlite_utils_keeps_it():
    """A new ledger's record is written without sqlite-utils; sqlite-utils must find it there for a later migration."""
    from sqlite_utils.migrations import Migrations

    assert migrations.MIGRATIONS_TABLE == Migrations.migrations_table
    conn = _made_in_one_go()
    assert migrations.migration_set().pending(Database(conn, execute_plugins=False)) == []


def test_a_ledger_connection_is_set_up_as_sqlite_utils_sets_up_its_own():
    ledger = Ledger(sqlite3.connect(":memory:"))
    assert ledger.execute("pragma recursive_triggers").fetchone() == (1,)
    assert ledger.utils.conn is ledger.conn and ledger.utils is ledger.utils
    ledger.execute("create table t (x)")
    ledger.utils["t"].insert({"x": 1})
    assert ledger.execute("select x from t").fetchall() == [(1,)]
    ledger.close()
