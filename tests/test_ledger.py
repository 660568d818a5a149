"""The SQLite ledger: schema, provenance, integer money, and all-or-nothing runs."""

from __future__ import annotations

import hashlib
import json
import sqlite3

import pytest
import sqlite_utils

import jobbsats.ledger.write
from jobbsats import __version__, examples


def test_schema_is_strict_and_migrations_are_named(cli):
    assert cli("run", "--quiet").exit_code == 0
    conn = sqlite3.connect(cli.db)
    tables = dict(conn.execute("select name, sql from sqlite_master where type = 'table'").fetchall())
    names = ("recipients", "funds", "runs", "fund_totals", "allocations", "projects", "project_financing")
    for name in (
        *names,
        "project_periods",
        "financiers",
        "import_batches",
        "batch_supersedes",
        "utfall",
        "utfall_sums",
        "chain",
    ):
        assert tables[name].rstrip().endswith("STRICT"), name
    assert conn.execute("select migration_set, name from _sqlite_migrations").fetchall() == [
        ("jobbsats", "0001_initial"),
        ("jobbsats", "0002_projects"),
        ("jobbsats", "0003_utfall"),
        ("jobbsats", "0004_append_only"),
        ("jobbsats", "0005_chain"),
        ("jobbsats", "0006_chain_batches"),
        ("jobbsats", "0007_run_reads"),
        ("jobbsats", "0008_utfall_purpose"),
        ("jobbsats", "0009_carry_overs"),
        ("jobbsats", "0010_prognos"),
        ("jobbsats", "0011_sealed_inserts"),
        ("jobbsats", "0012_web_views"),
        ("jobbsats", "0013_web_views_more"),
        ("jobbsats", "0014_utfall_sums"),
        ("jobbsats", "0015_application_id"),
        ("jobbsats", "0016_utfall_batch_rows"),
    ]


def test_money_columns_refuse_anything_but_integers(cli):
    assert cli("run", "--quiet").exit_code == 0
    conn = sqlite3.connect(cli.db)
    with pytest.raises(sqlite3.IntegrityError):
        conn.execute("update allocations set amount = 1.5 where id = 1")
    with pytest.raises(sqlite3.IntegrityError):
        conn.execute("update allocations set amount = '100' || 'x' where id = 1")
    types = {t for (t,) in conn.execute("select distinct typeof(amount) from allocations")}
    assert types == {"integer"}


def test_run_records_its_provenance(cli):
    source = examples.path_of("malmo-2024")
    assert cli("run", "malmo-2024", "--quiet").exit_code == 0
    run = next(sqlite_utils.Database(cli.db)["runs"].rows)
    assert run["config_sha256"] == hashlib.sha256(source.read_bytes()).hexdigest()
    assert run["config_text"] == source.read_text(encoding="utf-8")
    assert run["status"] == "ok"
    versions = json.loads(run["versions_json"])
    assert versions == {"jobbsats": __version__, "plugins": {"jobbsats.rules": __version__}}
    decision = json.loads(run["decision_json"])
    assert decision["ref"] == "STK-2024-291" and decision["first_point"] == 2


def test_allocation_rows_say_where_money_comes_from(cli):
    assert cli("run", "--quiet").exit_code == 0
    db = sqlite_utils.Database(cli.db)
    rows = list(db.query("select from_id, to_id, amount, point, action, agreements from allocations order by seq"))
    assert [(r["from_id"], r["to_id"], r["amount"] // 100, r["point"], r["action"]) for r in rows] == [
        (None, "ASN", 9_000_000, 2, "tilldelar"),
        (None, "KS", 500_000, 3, "tilldelar"),
        (None, "KS", 4_900_000, 4, "överför"),
        ("KS", "tillvaxt_level", 4_900_000, 5, "beviljar"),
        (None, "ASN", 13_056_000, 6, "tilldelar"),
        (None, "GVN", 6_912_000, 7, "tilldelar"),
        (None, "FSN", 4_096_000, 8, "tilldelar"),
        (None, "KS", 1_536_000, 9, "tilldelar"),
    ]
    assert json.loads(rows[3]["agreements"]) == ["STK-2023-1150", "STK-2023-1149"]


def test_reports_use_the_latest_run_unless_told(cli, scenario_file):
    assert cli("run", "--quiet").exit_code == 0
    bigger = scenario_file(("total = { 2024 = 40_000_000 }", "total = { 2024 = 50_000_000 }"))
    assert cli("run", bigger, "--quiet").exit_code == 0
    latest = cli.json_report("fordelning")
    first = cli.json_report("fordelning", "--run", "1")
    assert latest["totals"][0]["amount_ore"] == 5_000_000_000
    assert first["totals"][0]["amount_ore"] == 4_000_000_000
    listing = cli("runs")
    assert listing.exit_code == 0
    assert [line.split()[0] for line in listing.stdout.splitlines()] == ["1", "2"]


def test_a_failure_while_writing_leaves_the_ledger_as_it_was(cli, monkeypatch, digest):
    assert cli("run", "--quiet").exit_code == 0
    before = digest(cli.db)
    original = jobbsats.ledger.write.insert_rows

    def insert_then_fail(db, table, *args, **kwargs):
        result = original(db, table, *args, **kwargs)
        if table == "allocations":
            raise sqlite3.OperationalError("disk I/O error (simulated)")
        return result

    monkeypatch.setattr(jobbsats.ledger.write, "insert_rows", insert_then_fail)
    result = cli("run", "--quiet")
    assert result.exit_code != 0
    assert "nothing was written" in result.stderr
    assert "Traceback" not in result.output
    assert digest(cli.db) == before


def test_a_failed_first_run_leaves_no_ledger_file(cli, monkeypatch):
    def fail(db, table, *args, **kwargs):
        raise sqlite3.OperationalError("database or disk is full (simulated)")

    monkeypatch.setattr(jobbsats.ledger.write, "insert_rows", fail)
    result = cli("run", "--quiet")
    assert result.exit_code != 0 and "disk is full" in result.stderr
    assert not cli.db.exists()


@pytest.mark.parametrize(
    "args, message",
    [
        (("report", "fordelning"), "no ledger here yet"),
        (("runs",), "no ledger here yet"),
    ],
)
def test_reading_a_missing_ledger_is_a_clear_error(cli, args, message):
    result = cli(*args)
    assert result.exit_code != 0
    assert message in result.stderr and str(cli.db) in result.stderr
    assert not cli.db.exists()


def test_a_missing_ledger_named_with_db_is_said_so(cli, tmp_path):
    """The hint fits whether --db was given or not: "pass --db" read oddly to one who had passed it."""
    missing = tmp_path / "saknas.db"
    result = cli("runs", "--db", missing)
    assert result.exit_code == 4
    assert result.stderr == (
        f"Error: {missing}: no ledger here yet; run `jobbsats run` first, or give the path of one with --db\n"
    )


def test_a_file_that_is_not_a_ledger(cli, digest):
    cli.db.write_text("this is not SQLite\n" * 100)
    before = digest(cli.db)
    for args in (("run", "--quiet"), ("report", "fordelning"), ("runs",)):
        result = cli(*args)
        assert result.exit_code != 0
        assert "not a database" in result.stderr and "Traceback" not in result.output
    assert digest(cli.db) == before


def test_unknown_run_and_year_are_clear_errors(cli):
    assert cli("run", "--quiet").exit_code == 0
    result = cli("report", "fordelning", "--run", "99")
    assert result.exit_code != 0 and "no run 99" in result.stderr
    result = cli("report", "fordelning", "--year", "2031")
    assert result.exit_code != 0 and "no year 2031" in result.stderr


def test_a_later_run_does_not_rewrite_an_earlier_runs_reports(cli, scenario_file):
    assert cli("run", "--quiet").exit_code == 0
    first = cli.json_report("beslut", "--run", "1")
    renamed = scenario_file(
        ('name = "funktionsstödsnämnden"', 'name = "nya nämnden"'),
        ('wording = "från kommunstyrelsens anslag', 'wording = "ur en annan pott'),
    )
    assert cli("run", renamed, "--quiet").exit_code == 0
    assert cli.json_report("beslut", "--run", "1") == first
    latest = {r["point"]: r["text"] for r in cli.json_report("beslut")["rows"]}
    assert latest[8].startswith("Kommunstyrelsen tilldelar nya nämnden 4 096 000 kronor 2024 ur en annan pott")


@pytest.mark.parametrize("args", [("runs",), ("report", "beslut"), ("report", "fordelning", "--run", "1")])
def test_reading_never_writes_to_a_database_that_is_not_a_ledger(cli, digest, args):
    conn = sqlite3.connect(cli.db)
    conn.execute("create table customers (id integer primary key, name text)")
    conn.commit()
    conn.close()
    before = digest(cli.db)
    result = cli(*args)
    assert result.exit_code == 4
    assert "not a jobbsats ledger" in result.stderr
    assert digest(cli.db) == before


def test_reading_an_empty_database_writes_nothing(cli, digest):
    cli.db.touch()
    result = cli("runs")
    assert result.exit_code == 4 and "empty database" in result.stderr
    assert cli.db.stat().st_size == 0


def test_a_run_refuses_a_database_that_is_not_a_ledger(cli, digest):
    conn = sqlite3.connect(cli.db)
    conn.execute("create table customers (id integer primary key, name text)")
    conn.commit()
    conn.close()
    before = digest(cli.db)
    result = cli("run", "--quiet")
    assert result.exit_code == 4 and "not a jobbsats ledger" in result.stderr
    assert digest(cli.db) == before


def test_a_run_may_start_a_ledger_in_an_empty_file(cli):
    cli.db.touch()
    assert cli("run", "--quiet").exit_code == 0
    assert cli("runs").exit_code == 0


def test_a_failed_first_run_keeps_a_ledger_another_process_wrote(tmp_path):
    # Between our look at the file and our failure, another run may have created and filled it.
    from jobbsats.ledger.db import discard_new

    theirs = tmp_path / "theirs.db"
    conn = sqlite3.connect(theirs)
    conn.execute("create table runs (id integer primary key)")
    conn.commit()
    conn.close()
    discard_new(theirs)
    assert theirs.exists()
    ours = tmp_path / "ours.db"
    sqlite3.connect(ours).close()
    discard_new(ours)
    assert not ours.exists()


# The first release's schema. A ledger records that 0001 ran, so changing its SQL would leave
# every existing ledger with the old tables: change the schema with a new migration instead.
SHIPPED_0001_SHA256 = "8e8f728ac26e1c94f5e8831c2e19841a71d0fde597aadd15a44a94e16031efe2"


def test_the_shipped_migration_is_never_edited():
    from jobbsats.ledger.migrations import _INITIAL

    assert hashlib.sha256(_INITIAL.encode()).hexdigest() == SHIPPED_0001_SHA256


@pytest.mark.parametrize(
    "statement",
    [
        "update allocations set amount = amount + 100",
        "delete from allocations",
        "update runs set scenario = 'x'",
        "delete from fund_totals",
        "update utfall set amount = 0",
        "delete from utfall",
        "update import_batches set rows_read = 1",
        "delete from import_batches",
    ],
)
def test_the_ledger_is_append_only(statement, cli, tmp_path, digest):
    """SQLite itself refuses to change or remove a row (Bokföringslagen: corrections are new entries)."""
    assert cli("run", "--quiet").exit_code == 0
    booked = tmp_path / "u.csv"
    booked.write_bytes((examples.utfall_of("malmo-2024")).read_bytes())
    assert cli("import", "utfall", booked, "-c", "malmo-2024").exit_code == 0
    before = digest(cli.db)
    conn = sqlite3.connect(cli.db)
    with pytest.raises(sqlite3.DatabaseError, match="is append-only; rows are never"):
        conn.execute(statement)
    conn.close()
    assert digest(cli.db) == before


def test_the_ledger_is_written_ahead(cli):
    assert cli("run", "--quiet").exit_code == 0
    assert sqlite3.connect(cli.db).execute("pragma journal_mode").fetchone() == ("wal",)
