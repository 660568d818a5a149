"""jobbsats verify (issue 7): passes on an untouched ledger, names the run whose rows were changed behind its back."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sqlite3
import subprocess
import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlite_utils import Database

from jobbsats import __version__


@pytest.fixture
def three_runs(cli):
    cli.prepare(*(("run", example, "--quiet") for example in ("malmo-2024", "malmokraften-2020", "platser-2020")))
    return cli


def tamper(db, *statements: str) -> None:
    """What someone with the sqlite3 tool can do: drop the guard, then change a row."""
    conn = sqlite3.connect(db)
    for statement in statements:
        conn.execute(statement)
    conn.commit()
    conn.close()


def test_an_untouched_ledger_verifies(three_runs):
    result = three_runs("verify")
    assert result.exit_code == 0, result.output
    assert "OK, 3 runs and 0 import batches verified" in result.stdout


@pytest.mark.parametrize(
    ("statements", "run", "tables"),
    [
        (
            ["drop trigger allocations_no_update", "update allocations set amount = amount + 100 where id = 3"],
            1,
            "allocations",
        ),
        (
            ["drop trigger project_periods_no_delete", "delete from project_periods where rowid = 5"],
            2,
            "project_periods",
        ),
        (["drop trigger recipients_no_update", "update recipients set name = 'x' where run_id = 3"], 3, "recipients"),
        (["drop trigger runs_no_update", "update runs set user = 'someone else' where id = 2"], 2, "runs"),
    ],
)
def test_a_row_changed_behind_its_back_names_the_run(statements, run, tables, three_runs):
    tamper(three_runs.db, *statements)
    result = three_runs("verify")
    assert result.exit_code == 1
    assert f"first: run {run}: its rows in {tables} were changed outside jobbsats" in result.stderr


def test_a_row_added_behind_its_back_shows(three_runs):
    conn = sqlite3.connect(three_runs.db)
    conn.execute("drop trigger allocations_no_insert")  # run 1 is sealed: an insert needs its guard dropped
    row = conn.execute("select * from allocations where run_id = 1 order by id limit 1").fetchone()
    conn.execute(f"insert into allocations values (null, {', '.join('?' * (len(row) - 1))})", row[1:])
    conn.commit()
    conn.close()
    result = three_runs("verify")
    assert result.exit_code == 1 and "first: run 1: its rows in allocations were changed" in result.stderr


def test_a_chain_entry_changed_or_removed_shows(three_runs):
    tamper(three_runs.db, "drop trigger chain_no_delete", "delete from chain where ref = 2")
    result = three_runs("verify")
    assert result.exit_code == 1
    assert "run 2: it is in the ledger but not in the chain" in result.stderr
    assert "run 3: the chain is broken" in result.stderr  # entry 3 no longer follows entry 1


def test_a_run_that_failed_leaves_no_entry(three_runs, scenario_file):
    bad = scenario_file(("key = { ASN = 51", "key = { ASN = 52"))
    assert three_runs("run", bad, "--quiet").exit_code == 1
    assert three_runs("verify").exit_code == 0


# --- Import batches are chained too: their own row, their supersessions and every booked row.


@pytest.fixture
def with_batches(cli, tmp_path):
    """Run 1, batch 1 (the bundled sample export), run 2, then batch 2 correcting batch 1 (--replace)."""
    assert cli("init", tmp_path / "kommun").exit_code == 0
    config = tmp_path / "kommun" / "jobbsats.toml"
    export = tmp_path / "kommun" / "utfall-2024.csv"
    assert export.is_file()
    assert cli("run", config, "--quiet").exit_code == 0
    assert cli("import", "utfall", export, "-c", config).exit_code == 0
    assert cli("run", config, "--quiet").exit_code == 0
    text = export.read_bytes().replace(b"1\xa0250\xa0000,00", b"1\xa0250\xa0000,50")
    assert text != export.read_bytes()
    export.write_bytes(text)
    result = cli("import", "utfall", export, "-c", config, "--replace")
    assert result.exit_code == 0, result.output
    assert "supersedes batch 1" in result.stderr
    cli.config = config
    return cli


def test_a_ledger_with_batches_verifies_and_prints_its_last_link(with_batches):
    result = with_batches("verify")
    assert result.exit_code == 0, result.output
    assert "OK, 2 runs and 2 import batches verified" in result.stdout
    conn = sqlite3.connect(with_batches.db)
    kinds = conn.execute("select kind, ref from chain order by seq").fetchall()
    assert kinds == [("run", 1), ("batch", 1), ("run", 2), ("batch", 2)]  # in the order they were written
    last = conn.execute("select chain_sha256 from chain order by seq desc limit 1").fetchone()[0]
    assert f"Last link: {last}" in result.stdout


@pytest.mark.parametrize(
    ("statements", "named", "tables"),
    [
        (["drop trigger utfall_no_update", "update utfall set amount = amount - 1 where rowid = 3"], 1, "utfall"),
        (
            ["drop trigger utfall_no_update", "update utfall set recipient_id = 'GVN' where batch_id = 2 and line = 2"],
            2,
            "utfall",
        ),
        (["drop trigger utfall_no_delete", "delete from utfall where batch_id = 2 and line = 5"], 2, "utfall"),
        (["drop trigger utfall_no_update", "update utfall set text = text || ' ' where batch_id = 1"], 1, "utfall"),
        (
            ["drop trigger import_batches_no_update", "update import_batches set user = 'x' where id = 2"],
            2,
            "import_batches",
        ),
        (["drop trigger batch_supersedes_no_delete", "delete from batch_supersedes"], 2, "batch_supersedes"),
    ],
)
def test_a_booked_row_changed_behind_its_back_names_the_batch(statements, named, tables, with_batches):
    tamper(with_batches.db, *statements)
    result = with_batches("verify")
    assert result.exit_code == 1
    assert f"first: import batch {named}: its rows in {tables} were changed outside jobbsats" in result.stderr


def test_a_row_moved_from_one_batch_to_another_names_both_first_the_earlier(with_batches):
    tamper(with_batches.db, "drop trigger utfall_no_update", "update utfall set batch_id = 2 where rowid = 1")
    result = with_batches("verify")
    assert result.exit_code == 1
    assert "first: import batch 1: its rows in utfall were changed" in result.stderr
    assert "import batch 2: its rows in utfall were changed" in result.stderr


def test_findings_come_in_the_order_things_were_written(with_batches):
    # Run 2 was written after batch 1: a change to both names batch 1 first.
    tamper(
        with_batches.db,
        "drop trigger allocations_no_update",
        "update allocations set amount = amount + 1 where run_id = 2 and seq = 1",
        "drop trigger utfall_no_update",
        "update utfall set amount = 0 where batch_id = 1 and line = 4",
    )
    result = with_batches("verify")
    assert result.exit_code == 1
    assert "first: import batch 1: its rows in utfall" in result.stderr
    assert "run 2: its rows in allocations" in result.stderr


def test_booked_rows_added_for_a_batch_that_does_not_exist_show(with_batches):
    conn = sqlite3.connect(with_batches.db)
    conn.execute("pragma foreign_keys = off")
    row = conn.execute("select * from utfall where batch_id = 1 limit 1").fetchone()
    conn.execute(f"insert into utfall values (9, {', '.join('?' * (len(row) - 1))})", row[1:])
    conn.commit()
    conn.close()
    result = with_batches("verify")
    assert result.exit_code == 1
    assert "utfall: 1 row was added outside jobbsats with batch_id 9, which is not in import_batches" in result.stderr


def test_a_batch_that_failed_leaves_no_entry(with_batches, tmp_path):
    broken = tmp_path / "trasig.csv"
    broken.write_bytes(
        b"Bokf\xf6ringsdatum;Konto;Ansvar;Verksamhet;Belopp;Text\r\n2024-01-31;5010;3110;7150;12,3,4;x\r\n"
    )
    assert with_batches("import", "utfall", broken, "-c", with_batches.config).exit_code == 1
    assert with_batches("verify").exit_code == 0


def test_a_batch_records_the_plugins_loaded(with_batches):
    conn = sqlite3.connect(with_batches.db)
    versions = json.loads(conn.execute("select versions_json from import_batches where id = 2").fetchone()[0])
    # No outside plugin is loaded in the tests: the built-in ones, each at jobbsats's version.
    builtin = ("jobbsats.rules", "jobbsats.reports", "jobbsats.reports.formats")
    assert versions == {"jobbsats": __version__, "plugins": dict.fromkeys(builtin, __version__)}


def test_the_chain_covers_the_booked_rows_as_sqlite_returns_them(with_batches):
    """The hash the import made from its tuples equals one made from the rows read back, by an independent reading."""
    conn = sqlite3.connect(with_batches.db)
    for batch_id, tables_json in conn.execute("select ref, tables_json from chain where kind = 'batch'").fetchall():
        rows = conn.execute("select * from utfall where batch_id = ? order by rowid", [batch_id]).fetchall()
        assert len(rows) >= 8
        # The purpose, the last column (migration 0008), belongs to the row only where it is set.
        rows = [row if row[-1] is not None else row[:-1] for row in rows]
        # marshal version 2 of each row, concatenated (chain.py's documented canonical form)
        expected = hashlib.sha256(b"".join(marshal_v2(row) for row in rows)).hexdigest()
        assert json.loads(tables_json)["utfall"] == expected


@pytest.fixture
def release_before_0006(release_before):
    """jobbsats as the release before batches joined the chain: migrations up to 0005, batches not sealed."""
    from jobbsats.utfall import importer

    @contextlib.contextmanager
    def release():
        with release_before("0006_chain_batches") as old:
            old.setattr(importer, "seal_batch", lambda *args: None)
            yield

    return release


def test_batches_imported_before_the_chain_covered_them_join_it_on_upgrade(cli, tmp_path, release_before_0006):
    """A ledger written by the release before (migrations up to 0005, batches not sealed) is brought up to date."""
    with release_before_0006():
        assert cli("init", tmp_path / "kommun").exit_code == 0
        config = tmp_path / "kommun" / "jobbsats.toml"
        # That release's mapping knew no purposes (migration 0008 came later): the example without them.
        text = config.read_text(encoding="utf-8")
        config.write_text(text.replace('purpose = "Tillväxt Malmö & Level"  #', "#"), encoding="utf-8")
        assert cli("run", config, "--quiet").exit_code == 0
        assert cli("import", "utfall", tmp_path / "kommun" / "utfall-2024.csv", "-c", config).exit_code == 0
        assert cli("run", "malmo-2024", "--quiet").exit_code == 0
    conn = sqlite3.connect(cli.db)
    assert conn.execute("select kind, ref from chain order by seq").fetchall() == [("run", 1), ("run", 2)]
    before = conn.execute("select chain_sha256 from chain order by seq").fetchall()
    conn.close()

    result = cli("verify")  # opening the ledger applies 0006
    assert result.exit_code == 0, result.output
    assert "OK, 2 runs and 1 import batch verified" in result.stdout
    conn = sqlite3.connect(cli.db)
    assert conn.execute("select kind, ref from chain order by seq").fetchall() == [("run", 1), ("run", 2), ("batch", 1)]
    assert conn.execute("select chain_sha256 from chain order by seq limit 2").fetchall() == before
    conn.close()
    tamper(cli.db, "drop trigger utfall_no_delete", "delete from utfall where rowid = 2")
    result = cli("verify")
    assert result.exit_code == 1 and "first: import batch 1: its rows in utfall were changed" in result.stderr


def test_a_batch_whose_chain_entry_was_removed_shows(with_batches):
    tamper(with_batches.db, "drop trigger chain_no_delete", "delete from chain where kind = 'batch' and ref = 1")
    result = with_batches("verify")
    assert result.exit_code == 1
    assert "import batch 1: it is in the ledger but not in the chain" in result.stderr
    assert "run 2: the chain is broken" in result.stderr  # the entry after it no longer follows


# --- Rows planted for a run or batch not written yet: reported, and never sealed in by the next write.


def planted(db, sql: str, *params) -> None:
    """An insert with the sqlite3 tool: no trigger to drop, and foreign keys are off there."""
    conn = sqlite3.connect(db)
    conn.execute(sql, params)
    conn.commit()
    conn.close()


def test_a_supersession_planted_for_the_next_batch_is_reported_and_never_sealed(with_batches, tmp_path):
    planted(with_batches.db, "insert into batch_supersedes values (3, 2)")  # batch 3 would hide batch 2
    result = with_batches("verify")
    assert result.exit_code == 1
    assert "batch_supersedes: 1 row was added outside jobbsats with batch_id 3, which is not in import_batches" in (
        result.stderr
    )
    before = with_batches.db.read_bytes()
    other = tmp_path / "december.csv"
    other.write_bytes(b"Bokf\xf6ringsdatum;Konto;Ansvar;Verksamhet;Belopp;Text\r\n2024-12-01;5010;3110;7150;1,00;x\r\n")
    result = with_batches("import", "utfall", other, "-c", with_batches.config)
    assert result.exit_code == 4
    assert "already holds rows for import batch 3 in batch_supersedes, which jobbsats did not write" in result.stderr
    assert with_batches.db.read_bytes() == before


def test_allocations_planted_for_the_next_run_are_reported_and_never_sealed(with_batches):
    conn = sqlite3.connect(with_batches.db)
    row = conn.execute("select * from allocations where run_id = 2 order by id limit 1").fetchone()
    conn.close()
    planted(with_batches.db, f"insert into allocations values (null, 3, {', '.join('?' * (len(row) - 2))})", *row[2:])
    result = with_batches("verify")
    assert result.exit_code == 1
    assert "allocations: 1 row was added outside jobbsats with run_id 3, which is not in runs" in result.stderr
    before = with_batches.db.read_bytes()
    result = with_batches("run", with_batches.config, "--quiet")
    assert result.exit_code == 4
    assert "already holds rows for run 3 in allocations, which jobbsats did not write" in result.stderr
    assert with_batches.db.read_bytes() == before


def test_verify_reads_one_snapshot_while_someone_imports(with_batches, tmp_path, monkeypatch):
    """An import that commits while verify reads is either seen whole or not at all: never tampering."""
    from jobbsats.ledger import chain

    other = tmp_path / "december.csv"
    other.write_bytes(b"Bokf\xf6ringsdatum;Konto;Ansvar;Verksamhet;Belopp;Text\r\n2024-12-01;5010;3110;7150;1,00;x\r\n")
    hashed = chain.utfall_digests
    imported = []

    def import_meanwhile(db):
        # verify has read the chain by now; another process commits batch 3 before the rows are read
        result = subprocess.run(
            [
                sys.executable,
                "-c",
                "from jobbsats.cli import main; main()",
                "import",
                "utfall",
                str(other),
                "-c",
                str(with_batches.config),
            ],
            env={**os.environ, "JOBBSATS_DB": str(with_batches.db)},
            capture_output=True,
            text=True,
        )
        imported.append(result)
        return hashed(db)

    monkeypatch.setattr(chain, "utfall_digests", import_meanwhile)
    result = with_batches("verify")
    assert imported[0].returncode == 0, imported[0].stderr
    assert "Batch 3 recorded" in imported[0].stderr
    assert result.exit_code == 0, result.output
    assert "OK, 2 runs and 2 import batches verified" in result.stdout  # the snapshot before batch 3
    monkeypatch.undo()
    assert "OK, 2 runs and 3 import batches verified" in with_batches("verify").stdout


def test_an_old_ledger_whose_chain_guard_was_dropped_still_opens_and_tells(cli, tmp_path, release_before_0006):
    with release_before_0006():
        assert cli("run", "malmo-2024", "--quiet").exit_code == 0
        assert cli("run", "malmo-2024", "--quiet").exit_code == 0
    tamper(cli.db, "drop trigger chain_no_delete", "delete from chain where ref = 1")
    result = cli("verify")
    assert result.exit_code == 1, result.output  # not "cannot open the ledger" (exit 4)
    assert "first: chain entry 1 is missing: removed outside jobbsats" in result.stderr
    assert "run 2: the chain is broken at entry 2" in result.stderr
    assert "run 1: it is in the ledger but not in the chain" in result.stderr
    assert "guard" not in result.stderr  # 0006 put the guard back; the chain keeps the evidence


# --- What a new user tried on a damaged ledger: a finding each, never a traceback.


def last_link(result) -> str:
    return next(line for line in result.stdout.splitlines() if line.startswith("Last link: ")).split(": ")[1]


def test_a_kept_link_is_checked_even_after_later_writes_and_a_rewritten_chain_fails(three_runs, tmp_path):
    kept = last_link(three_runs("verify"))
    assert three_runs("run", "malmo-2024", "--quiet").exit_code == 0
    result = three_runs("verify", "--expect", kept)
    assert result.exit_code == 0 and "The link kept earlier is in it." in result.stdout
    # Someone changes run 1 and computes every hash again with jobbsats's own functions: all match...

    from jobbsats.ledger import chain

    conn = sqlite3.connect(three_runs.db)
    conn.execute("drop trigger allocations_no_update")
    conn.execute("drop trigger chain_no_update")
    conn.execute("update allocations set amount = amount + 100 where run_id = 1 and seq = 1")
    db, previous = Database(conn), chain.GENESIS
    for seq, ref in conn.execute("select seq, ref from chain order by seq").fetchall():
        digests = chain.run_digests(db, ref)
        rows = chain._combined(digests)
        previous = chain._link(previous, rows)
        conn.execute(
            "update chain set rows_sha256 = ?, tables_json = ?, chain_sha256 = ? where seq = ?",
            [rows, json.dumps(digests, sort_keys=True), previous, seq],
        )
    conn.commit()
    conn.close()
    result = three_runs("verify", "--expect", kept)
    assert result.exit_code == 1  # ...but the link kept elsewhere is no longer in the chain
    assert f"first: the link {kept} kept earlier is not in the chain: the chain was rewritten" in result.stderr
    assert "the guard allocations_no_update is missing" in result.stderr


def test_an_edited_chain_entry_is_named_as_such(three_runs):
    tamper(three_runs.db, "drop trigger chain_no_update", "update chain set tables_json = '{}' where seq = 2")
    result = three_runs("verify")
    assert result.exit_code == 1
    assert "first: run 2: its entry 2 in the chain was changed outside jobbsats" in result.stderr


def remove_run(db, run_id: int) -> None:
    """Remove a run whole, with its entry in the chain: what someone who knows the tables could do."""
    from jobbsats.ledger.chain import RUN_TABLES

    conn = sqlite3.connect(db)
    for table in (*RUN_TABLES, "runs", "chain"):
        conn.execute(f"drop trigger if exists {table}_no_delete")
    for table in reversed(RUN_TABLES):
        conn.execute(f"delete from {table} where run_id = ?", [run_id])
    conn.execute("delete from runs where id = ?", [run_id])
    conn.execute("delete from chain where kind = 'run' and ref = ?", [run_id])
    conn.commit()
    conn.close()


def test_a_removed_run_is_named_by_its_number(three_runs):
    remove_run(three_runs.db, 3)
    result = three_runs("verify")  # the last run, removed whole: only a kept link shows it (and the guards)
    assert "run 3" not in result.stderr and "the guard runs_no_delete is missing" in result.stderr
    restored = three_runs("verify", "--restore-guards")  # puts them back: only a kept link shows the removal now
    assert restored.exit_code == 0 and "Guards restored: runs_no_delete, " in restored.stderr, restored.output
    assert "guard" not in restored.stdout and "missing" not in restored.stderr
    assert three_runs("run", "malmo-2024", "--quiet").exit_code == 0  # a new run 3
    remove_run(three_runs.db, 1)
    result = three_runs("verify")
    assert result.exit_code == 1
    assert "first: run 1 is missing: removed outside jobbsats" in result.stderr
    assert "chain entry 1 is missing: removed outside jobbsats" in result.stderr


@pytest.mark.parametrize("table", ["chain", "utfall", "allocations"])
def test_a_dropped_table_is_a_finding_not_a_traceback(three_runs, table):
    tamper(three_runs.db, f"drop table {table}")
    result = three_runs("verify")
    assert result.exit_code == 1, result.output
    assert f"first: the table {table} is missing: dropped outside jobbsats" in result.stderr
    assert "Traceback" not in result.output


def plant_run_4(conn) -> None:
    """A run 4 copied from run 1, with one allocation and none of the recipients or funds it names."""
    conn.execute(
        "insert into runs select 4, started_at, user, scenario, config_path, config_sha256, config_text, "
        "decision_json, versions_json, status from runs where id = 1"
    )
    row = conn.execute("select * from allocations where run_id = 1 order by id limit 1").fetchone()
    conn.execute(f"insert into allocations values (null, 4, {', '.join('?' * (len(row) - 2))})", row[2:])


def test_a_run_added_or_changed_behind_jobbsatss_back_is_not_reported_from(three_runs):
    conn = sqlite3.connect(three_runs.db)
    plant_run_4(conn)
    conn.commit()
    conn.close()
    tamper(
        three_runs.db, "drop trigger allocations_no_update", "update allocations set amount = amount + 100 where id = 2"
    )
    cases = {
        4: [["show", "4"], ["diff", "2", "4"], ["report", "fordelning", "--run", "4"]],
        1: [["report", "beslut", "--run", "1"], ["report", "aterrapportering", "--run", "1"], ["show", "1"]],
    }
    says = {
        4: "run 4: it is not in the ledger's chain: it was added outside jobbsats. Run `jobbsats verify`",
        1: "run 1: its rows no longer match the ledger's chain: they were changed outside jobbsats. Run `jobbsats",
    }
    for run, commands in cases.items():
        for command in commands:
            result = three_runs(*command)
            assert result.exit_code == 4, (command, result.output)
            assert f"{three_runs.db}: {says[run]}" in result.stderr
            assert "Traceback" not in result.output
    assert three_runs("report", "fordelning", "--run", "2").exit_code == 0  # the others read as before


def test_backup_copies_what_the_log_still_holds_and_verifies_the_copy(three_runs, tmp_path):
    # A reader holding a snapshot keeps the newest run in the write-ahead log, not yet in the file.
    reader = sqlite3.connect(three_runs.db)
    reader.execute("begin")
    reader.execute("select count(*) from runs").fetchone()
    assert three_runs("run", "malmo-2024", "--quiet").exit_code == 0
    plain = tmp_path / "plain-copy.db"
    plain.write_bytes(three_runs.db.read_bytes())  # what copying the file gives
    assert sqlite3.connect(plain).execute("select count(*) from runs").fetchone()[0] == 3
    target = tmp_path / "backup.db"
    result = three_runs("backup", target)
    reader.close()
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in tmp_path.iterdir() if "backup" in p.name) == ["backup.db"]  # no -wal, -shm
    assert target.stat().st_mode & 0o777 == three_runs.db.stat().st_mode & 0o777
    assert "copied to" in result.stdout and "4 runs and 0 import batches, verified." in result.stdout
    assert sqlite3.connect(target).execute("select count(*) from runs").fetchone()[0] == 4
    assert three_runs("verify", "--db", target).exit_code == 0
    again = three_runs("backup", target)
    assert again.exit_code == 1 and f"{target}: exists already" in again.stderr
    assert three_runs("backup", three_runs.db).exit_code == 1


# --- The canonical form of booked rows is marshal format version 2; Python does not promise that
# format forever, so it is pinned here by an encoder written from the format's description: if a
# future Python writes other bytes, this fails before any ledger's hashes are read with it.


def marshal_v2(row: tuple) -> bytes:
    """Version 2 of marshal for a tuple of None, int and str: type byte, little-endian lengths, no references."""
    out = [b"(", len(row).to_bytes(4, "little")]
    for value in row:
        if value is None:
            out.append(b"N")
        elif isinstance(value, int) and -(2**31) <= value < 2**31:
            out += [b"i", value.to_bytes(4, "little", signed=True)]
        elif isinstance(value, int):  # base 2**15 digits, the sign on the count
            digits, rest = [], abs(value)
            while rest:
                rest, digit = divmod(rest, 2**15)
                digits.append(digit)
            count = len(digits) if value > 0 else -len(digits)
            out += [b"l", count.to_bytes(4, "little", signed=True), *(d.to_bytes(2, "little") for d in digits)]
        else:
            data = value.encode("utf-8", "surrogatepass")
            out += [b"u", len(data).to_bytes(4, "little"), data]
    return b"".join(out)


@given(
    st.lists(
        st.tuples(
            st.integers(1, 10**6),
            st.integers(-(10**15), 10**15),
            st.text(max_size=40),
            st.none() | st.text(max_size=5),
            st.sampled_from(["ASN", "", "åäö", "sjs"]),
        ),
        max_size=30,
    )
)
def test_booked_rows_hash_as_marshal_version_2_is_written(rows):
    from jobbsats.ledger.chain import UtfallHasher

    hasher = UtfallHasher()
    hasher.add(rows[:7])  # in chunks, as the import writes them
    hasher.add(rows[7:])
    assert hasher.hexdigest() == hashlib.sha256(b"".join(marshal_v2(row) for row in rows)).hexdigest()


def test_show_batch_tells_where_a_batch_came_from(with_batches):
    """Batch 2 of the bundled export corrected by 0,50 kr: 11 rows, 19 561 501 kr, superseding batch 1."""
    result = with_batches("show", "--batch", "2")
    assert result.exit_code == 0, result.output
    conn = sqlite3.connect(with_batches.db)
    sha = conn.execute("select file_sha256 from import_batches where id = 2").fetchone()[0]
    assert sha == hashlib.sha256((with_batches.config.parent / "utfall-2024.csv").read_bytes()).hexdigest()
    for says in (
        "Import 2: utfall-2024.csv för Strategiska jobbsatsningar 2024",
        f"sha256 {sha}",
        "11 rader lästa, kontrollsumma 19 561 501 kr: 9 rader satsningens medel (19 346 501 kr), "
        "1 rad andra medel (180 000 kr), 1 rad utan mappning (35 000 kr, ej importerade).",
        "Bokföringsdagar 2024-01-31 till 2024-12-31.",
        "Ersätter import 1. Gäller.",
        f"jobbsats {__version__}; insticksprogram: jobbsats.reports {__version__}",
    ):
        assert says in result.stdout, says
    assert "Ersätter ingen import. Ersatt av import 2." in with_batches("show", "--batch", "1").stdout
    assert with_batches("show").exit_code == 1 and with_batches("show", "1", "--batch", "1").exit_code == 1


def test_a_ledger_whose_guards_were_dropped_is_not_written_to_until_they_are_restored(three_runs, scenario_file):
    tamper(three_runs.db, "drop trigger allocations_no_update", "drop trigger utfall_no_delete")
    before = three_runs.db.read_bytes()
    result = three_runs("run", "malmo-2024", "--quiet")
    assert result.exit_code == 4
    assert (
        "the ledger's triggers allocations_no_update, utfall_no_delete are missing, changed or were added (outside jobbsats)"
        in (result.stderr)
    )
    assert "`jobbsats verify --restore-guards`" in result.stderr
    assert three_runs.db.read_bytes() == before
    restored = three_runs("verify", "--restore-guards")
    assert "Guards restored: allocations_no_update, utfall_no_delete." in restored.stderr
    # What it just put back is no error; no row was changed meanwhile: all is well again.
    assert restored.exit_code == 0 and "is missing" not in restored.stderr, restored.output
    assert "OK, 3 runs and 0 import batches verified" in restored.stdout
    assert three_runs("verify").exit_code == 0
    conn = sqlite3.connect(three_runs.db)
    with pytest.raises(sqlite3.IntegrityError, match="allocations is append-only"):
        conn.execute("update allocations set amount = 0 where id = 1")
    conn.close()
    assert three_runs("run", "malmo-2024", "--quiet").exit_code == 0
    assert "No guard was missing." in three_runs("verify", "--restore-guards").stderr


def test_a_guard_replaced_by_one_that_does_nothing_is_found_and_restored(three_runs):
    tamper(
        three_runs.db,
        "drop trigger allocations_no_update",
        "create trigger allocations_no_update before update on allocations begin select 1; end",
    )
    result = three_runs("verify")
    assert result.exit_code == 1
    assert "the guard allocations_no_update is changed (replaced outside jobbsats)" in result.stderr
    assert three_runs("run", "malmo-2024", "--quiet").exit_code == 4
    assert "Guards restored: allocations_no_update." in three_runs("verify", "--restore-guards").stderr
    conn = sqlite3.connect(three_runs.db)
    with pytest.raises(sqlite3.IntegrityError, match="allocations is append-only"):
        conn.execute("update allocations set amount = 0 where id = 1")
    conn.close()
    assert three_runs("verify").exit_code == 0


def test_a_planted_run_whose_chain_was_rewritten_too_is_read_as_incomplete_not_a_traceback(three_runs):
    """Past the chain (someone sealed the planted run with jobbsats's own functions), the view still says what is wrong."""

    from jobbsats.ledger.chain import seal_run

    conn = sqlite3.connect(three_runs.db)
    plant_run_4(conn)
    seal_run(Database(conn), 4)
    conn.commit()
    conn.close()
    for command in (["show", "4"], ["report", "fordelning", "--run", "4"]):
        result = three_runs(*command)
        assert result.exit_code == 4, (command, result.output)
        assert (
            "run 4 is incomplete: an allocation names fund 'sjs' and recipient 'ASN', which the run does not hold"
            in (result.stderr)
        )


def test_a_trigger_added_outside_jobbsats_is_named_and_removed(three_runs, tmp_path):
    """A trigger that drops some of an import's rows (found by a new user): the import would report the rows
    it read, store fewer, and only later reports would notice. verify names it; no write goes past it."""
    tamper(
        three_runs.db,
        "create trigger sneaky before insert on utfall when new.amount < 0 begin select raise(ignore); end",
    )
    result = three_runs("verify")
    assert result.exit_code == 1
    assert "the trigger sneaky was added outside jobbsats: it may change or drop the rows" in result.stderr
    run = three_runs("run", "malmo-2024", "--quiet")
    assert run.exit_code == 4
    assert "the ledger's triggers sneaky are missing, changed or were added (outside jobbsats)" in run.stderr
    restored = three_runs("verify", "--restore-guards")
    assert restored.exit_code == 0, restored.output
    assert "Guards restored: sneaky." in restored.stderr
    conn = sqlite3.connect(three_runs.db)
    assert conn.execute("select count(*) from sqlite_master where name = 'sneaky'").fetchone() == (0,)
    conn.close()
    assert three_runs("run", "malmo-2024", "--quiet").exit_code == 0
