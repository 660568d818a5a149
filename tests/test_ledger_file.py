"""The ledger file itself (issue 15): what counts as a new ledger, a schema changed behind jobbsats's back,
names SQLite reads as something else, names too long for SQLite's side files, and a folder nothing can
be created in."""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import subprocess
from pathlib import Path

import pytest

from jobbsats.ledger.db import frozen, open_read_only

NAME_MAX = 255  # what ext4 and tmpfs take; the tests below check the folder says so
LONGEST_SIDE = len("-journal")


def sqlite_file(path: Path, *statements: str) -> Path:
    conn = sqlite3.connect(path)
    for statement in statements:
        conn.execute(statement)
    conn.commit()
    conn.close()
    return path


def digest_with_sides(path: Path, digest) -> list[str | None]:
    return [digest(Path(f"{path}{side}")) for side in ("", "-wal", "-shm", "-journal")]


# --- 1. another program's database, however little it holds -----------------------------------------------


@pytest.mark.parametrize(
    "statements",
    [
        ["create view v as select 1"],
        ["pragma user_version = 1"],
        ["pragma application_id = 1246973011"],
        ["create table t (x)", "create index t_x on t (x)"],
    ],
    ids=["a-view", "user-version", "application-id", "table-and-index"],
)
def test_a_foreign_file_without_tables_is_not_a_new_ledger(cli, tmp_path, digest, statements):
    other = sqlite_file(tmp_path / "v.db", *statements)
    before = digest_with_sides(other, digest)
    for args in (["run", "--quiet"], ["runs"], ["verify"]):
        result = cli(*args, "--db", str(other))
        assert result.exit_code == 4, result.output
        assert f"{other}: is a SQLite database but not a jobbsats ledger" in result.stderr
    assert digest_with_sides(other, digest) == before


def test_a_sqlite_file_that_holds_nothing_at_all_becomes_a_new_ledger(cli, tmp_path):
    empty = sqlite_file(tmp_path / "tom.db", "create table t (x)", "drop table t")  # a header, no schema
    assert empty.stat().st_size > 0
    result = cli("run", "--quiet", "--db", str(empty))
    assert result.exit_code == 0, result.output
    assert cli("verify", "--db", str(empty)).exit_code == 0


# --- 1b. the ledger's mark in SQLite's header (migration 0015) ------------------------------------------------

JOBS = 0x4A4F4253  # "JOBS" in ASCII, big-endian: 1246708307


def test_a_ledger_is_marked_as_jobbsats_in_the_files_header(cli):
    cli.prepare(("run", "--quiet"))
    assert cli.db.read_bytes()[68:72] == b"JOBS"  # the header's application_id field (sqlite.org/fileformat.html)
    with contextlib.closing(sqlite3.connect(cli.db)) as conn:
        assert conn.execute("pragma application_id").fetchone()[0] == JOBS


def test_a_ledger_from_before_the_mark_gets_it_on_its_next_command(cli, release_before):
    def mark() -> int:
        with contextlib.closing(sqlite3.connect(cli.db)) as conn:  # through -wal, where the newest header is
            return conn.execute("pragma application_id").fetchone()[0]

    with release_before("0015_application_id"):
        assert cli("run", "--quiet").exit_code == 0
    assert mark() == 0
    result = cli("runs")
    assert result.exit_code == 0, result.output
    assert mark() == JOBS


def test_a_marked_ledger_is_known_without_reading_its_schema(cli, monkeypatch):
    from jobbsats.ledger import db

    cli.prepare(("run", "--quiet"))
    monkeypatch.setattr(db, "_contents", lambda conn: pytest.fail("read the schema"))
    assert db.kind_of(cli.db) == db.LEDGER


WAL_WRITER = """
import os, sqlite3, sys
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("pragma journal_mode = wal")
conn.execute(f"pragma application_id = {int(sys.argv[2])}")
conn.execute("create table t (x)")
conn.execute("insert into t values (1)")
os._exit(0)  # no close: the writes stay in -wal, -shm beside it
"""


@pytest.mark.parametrize("mark", [JOBS, 0], ids=["marked", "unmarked"])
def test_another_programs_file_with_writes_in_its_wal_is_refused_untouched_marked_or_not(cli, tmp_path, digest, mark):
    """A connection that may write would move its -wal into it on closing: the first look must not let one
    open, even for a file bearing jobbsats's mark, until the schema has been read."""
    import subprocess
    import sys

    other = tmp_path / "wal.db"
    subprocess.run([sys.executable, "-c", WAL_WRITER, str(other), str(mark)], check=True, timeout=60)
    assert Path(f"{other}-wal").stat().st_size > 32
    before = digest_with_sides(other, digest)
    for args in (["runs"], ["report", "fordelning"], ["run", "--quiet"]):
        result = cli(*args, "--db", str(other))
        assert result.exit_code == 4, result.output
        assert f"{other}: is a SQLite database but not a jobbsats ledger" in result.stderr
    assert digest_with_sides(other, digest) == before


@pytest.mark.parametrize("statements", [["create table t (x)"], []], ids=["a-table", "nothing-else"])
def test_another_file_bearing_the_mark_is_still_refused_and_untouched(cli, tmp_path, digest, statements):
    """The mark lets the first look skip the schema; the connection that would read the ledger still checks it."""
    marked = sqlite_file(tmp_path / "marked.db", *statements, f"pragma application_id = {JOBS}")
    before = digest_with_sides(marked, digest)
    for args in (["run", "--quiet"], ["runs"], ["report", "fordelning"], ["verify"]):
        result = cli(*args, "--db", str(marked))
        assert result.exit_code == 4, result.output
        assert f"{marked}: is a SQLite database but not a jobbsats ledger" in result.stderr
    assert digest_with_sides(marked, digest) == before


# --- 2. a column renamed outside jobbsats --------------------------------------------------------------------


@pytest.fixture
def renamed(cli):
    """A ledger of one run whose allocations.text someone renamed with the sqlite3 tool."""
    cli.prepare(("run", "--quiet"))
    sqlite_file(cli.db, "alter table allocations rename column text to text2")
    return cli


def test_verify_names_the_table_whose_column_was_renamed(renamed):
    result = renamed("verify")
    assert result.exit_code == 1, result.output
    assert (
        "the table allocations was changed outside jobbsats (its schema): it lacks its column text and has the "
        "column text2, not jobbsats's"
    ) in result.stderr
    assert isinstance(result.exception, SystemExit)  # said, not a traceback


def test_nothing_is_written_to_a_ledger_whose_schema_was_changed(renamed, digest):
    before = digest_with_sides(renamed.db, digest)
    for args in (["run", "--quiet"], ["verify", "--restore-guards"]):
        result = renamed(*args)
        assert result.exit_code == 4, result.output
        assert isinstance(result.exception, SystemExit)
        assert "the ledger's schema was changed outside jobbsats (the table allocations: dropped, or not as" in (
            result.stderr
        )
        assert "nothing was written" in result.stderr
    assert digest_with_sides(renamed.db, digest) == before


def test_a_report_refuses_a_table_whose_schema_was_changed(renamed):
    result = renamed("report", "fordelning")
    assert result.exit_code == 4, result.output
    assert "the table allocations was changed outside jobbsats (its schema)" in result.stderr
    assert result.stdout == ""


def test_a_column_retyped_is_a_changed_schema_too(cli):
    cli.prepare(("run", "--quiet"))
    sqlite_file(
        cli.db,
        "pragma writable_schema = on",
        "update sqlite_master set sql = replace(sql, 'genitive TEXT', 'genitive BLOB') where name = 'recipients'",
    )
    result = cli("verify")
    assert result.exit_code == 1, result.output
    assert "the table recipients was changed outside jobbsats (its schema): it has its columns retyped" in (
        result.stderr
    )


def test_an_error_verify_did_not_foresee_is_a_finding_not_a_traceback(cli, monkeypatch):
    from jobbsats.ledger import chain

    cli.prepare(("run", "--quiet"))
    sqlite_file(cli.db, "alter table utfall rename column text to text2")  # the hash of booked rows names it
    monkeypatch.setattr(chain, "changed_tables", lambda db: [])  # as if the schema check missed it
    result = cli("verify")
    assert result.exit_code == 1, result.output
    assert (
        "the ledger cannot be read (no such column: text): it was damaged or changed outside jobbsats; a copy that "
        "`jobbsats backup` made before is the way back" in result.stderr
    )


# --- 3. names SQLite reads as something other than a file ------------------------------------------------------


@pytest.mark.parametrize("name", [":memory:", "file:x.db?mode=memory", "FILE:x.db"])
def test_a_name_sqlite_takes_for_memory_or_a_uri_is_refused(cli, tmp_path, name):
    before = sorted(os.listdir(tmp_path))
    result = cli("--db", name, "run", "--quiet")
    assert result.exit_code == 4, result.output
    assert f"{name}: SQLite takes this name for a database in memory or a URI, not a file" in result.stderr
    assert "Run 1 recorded" not in result.output
    assert sorted(os.listdir(tmp_path)) == before  # no ./:memory:, no ./file:x.db...


# --- 4. a name too long for SQLite's side files ------------------------------------------------------------


def test_the_folder_takes_names_of_255_bytes(tmp_path):
    assert os.pathconf(tmp_path, "PC_NAME_MAX") == NAME_MAX


def test_a_ledger_name_whose_journal_would_pass_255_bytes_is_refused(cli, tmp_path):
    name = "c" * (NAME_MAX - LONGEST_SIDE - 3 + 1) + ".db"  # 248 bytes: its -journal would be 256
    before = sorted(os.listdir(tmp_path))
    result = cli("--db", name, "run", "--quiet")
    assert result.exit_code == 4, result.output
    assert "the name is 248 bytes long, and SQLite's files beside it (its -journal) would be 256" in result.stderr
    assert "give a name of at most 247 bytes" in result.stderr
    assert sorted(os.listdir(tmp_path)) == before


def test_a_ledger_name_of_247_bytes_is_taken(cli, tmp_path):
    name = "c" * (NAME_MAX - LONGEST_SIDE - 3) + ".db"
    assert len(name) == 247
    assert cli("--db", name, "run", "--quiet").exit_code == 0
    assert cli("--db", name, "verify").exit_code == 0


def test_a_backup_name_whose_journal_would_pass_255_bytes_is_refused(cli, tmp_path):
    cli.prepare(("run", "--quiet"))
    before = sorted(os.listdir(tmp_path))
    refused = cli("backup", "k" * 248)
    assert refused.exit_code == 1, refused.output
    assert "the name is 248 bytes long" in refused.stderr
    assert sorted(os.listdir(tmp_path)) == before
    taken = "k" * 247
    assert cli("backup", taken).exit_code == 0
    assert cli("--db", taken, "verify").exit_code == 0  # the copy opens


# --- 5. a folder in which no file can be created --------------------------------------------------------------


@contextlib.contextmanager
def immutable(path: Path):
    """``chattr +i`` on a folder or a file for the block: not even root creates a file in the folder, or writes
    to the file."""
    done = subprocess.run(["chattr", "+i", str(path)], capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"cannot make a file immutable here: {done.stderr.strip()}")
    try:
        yield
    finally:
        subprocess.run(["chattr", "-i", str(path)], check=True)


@pytest.fixture
def in_folder(cli, tmp_path):
    """The ledger in a folder of its own (the test's folder keeps what CliRunner writes)."""
    folder = tmp_path / "arkiv"
    folder.mkdir()
    ledger = folder / "ledger.db"
    assert cli("run", "--quiet", "--db", str(ledger)).exit_code == 0
    assert sorted(os.listdir(folder)) == ["ledger.db"]  # the run's close checkpointed: no -wal
    return ledger


def _read_but_not_written(cli, ledger: Path, why: str) -> None:
    """Reads of ``ledger`` work and leave nothing beside it; a run is refused, saying ``why``."""
    assert cli("runs", "--db", str(ledger)).exit_code == 0
    report = cli("report", "fordelning", "--db", str(ledger))
    assert report.exit_code == 0, report.output
    assert "13\u00a0056\u00a0000" in report.stdout  # ASN's share by the key in seed 000
    assert cli("verify", "--db", str(ledger)).exit_code == 0
    refused = cli("run", "--quiet", "--db", str(ledger))
    assert refused.exit_code == 4
    assert refused.stderr.endswith(f"Error: {ledger}: {why}; nothing can be written to it\n")
    # No -wal or -shm: where SQLite could make them, they would take the file's permissions (read-only) and stand
    # in the next writer's way.
    assert sorted(os.listdir(ledger.parent)) == ["ledger.db"]


def test_a_ledger_in_a_folder_where_nothing_can_be_created_is_read(cli, in_folder, digest):
    before = digest_with_sides(in_folder, digest)
    with immutable(in_folder.parent):
        why = f"is in the folder {in_folder.parent}, which does not let files be created"
        _read_but_not_written(cli, in_folder, why)
    assert digest_with_sides(in_folder, digest) == before


def test_a_ledger_file_no_one_may_write_is_read_without_files_beside_it(cli, in_folder, digest):
    before = digest_with_sides(in_folder, digest)
    in_folder.chmod(0o444)  # chmod a-w: its owner would have to make it writable again to write
    try:
        _read_but_not_written(cli, in_folder, "is a read-only file")
        served = open_read_only(in_folder)  # the web view's reader, as `jobbsats serve` opens it
        assert served.execute("select count(*) from runs").fetchone() == (1,)
        served.close()
        assert sorted(os.listdir(in_folder.parent)) == ["ledger.db"]
        # Writes in a -wal that SQLite cannot read without making a -shm: said with what to do here.
        (in_folder.parent / "ledger.db-wal").write_bytes(b"\0" * (32 + 24 + 4096))
        refused = cli("report", "fordelning", "--db", str(in_folder))
        assert refused.exit_code == 4
        assert (
            f"{in_folder}: is a read-only file with writes still in its -wal, which SQLite cannot read there; make "
            f"it writable again (chmod u+w {in_folder})"
        ) in refused.stderr
        (in_folder.parent / "ledger.db-wal").unlink()
    finally:
        in_folder.chmod(0o644)
    assert digest_with_sides(in_folder, digest) == before
    assert cli("run", "--quiet", "--db", str(in_folder)).exit_code == 0  # writable again: nothing in the way


def test_a_ledger_file_only_its_owner_may_write_is_read_with_locks(in_folder, monkeypatch):
    """Another user may not write it, but its owner may be writing it now: such a reader needs SQLite's locks
    (read lock-free as immutable, it could meet a checkpoint midway: "database disk image is malformed")."""
    real = os.access
    monkeypatch.setattr(os, "geteuid", lambda: 1000)
    monkeypatch.setattr(os, "access", lambda p, mode: real(p, mode) and not (Path(p) == in_folder and mode & os.W_OK))
    assert frozen(in_folder) is None


def test_an_immutable_ledger_file_is_read_without_files_beside_it(cli, in_folder, digest):
    before = digest_with_sides(in_folder, digest)
    with immutable(in_folder):
        _read_but_not_written(cli, in_folder, "is a read-only file")
    assert digest_with_sides(in_folder, digest) == before


def test_with_its_wal_and_shm_there_the_newest_run_is_read(cli, in_folder):
    held = sqlite3.connect(in_folder)  # another reader: the run's close leaves -wal and -shm to it
    try:
        held.execute("select count(*) from runs").fetchone()
        assert cli("run", "--quiet", "--db", str(in_folder)).exit_code == 0
        assert Path(f"{in_folder}-wal").stat().st_size > 0
        with immutable(in_folder.parent):
            runs = cli("runs", "--db", str(in_folder), "--json")
            assert runs.exit_code == 0, runs.output
            assert [run["id"] for run in json.loads(runs.stdout)["runs"]] == [1, 2]  # the newest from -wal
            assert cli("verify", "--db", str(in_folder)).exit_code == 0
    finally:
        held.close()


def test_a_damaged_ledger_is_said_to_be_damaged_or_changed_with_the_way_back(cli):
    """A page of the file overwritten (a disk or a copy gone wrong): verify names the file and what can be done,
    a report refuses it; neither with a traceback."""
    assert cli("run", "--quiet").exit_code == 0
    conn = sqlite3.connect(cli.db)
    page_size = conn.execute("pragma page_size").fetchone()[0]
    root = conn.execute("select rootpage from sqlite_master where name = 'allocations'").fetchone()[0]
    conn.close()
    with open(cli.db, "r+b") as file:
        file.seek((root - 1) * page_size)  # the allocations table's first page: its header and cells
        file.write(b"\xff" * 200)
    verified = cli("verify")
    assert verified.exit_code == 1
    assert verified.stderr.startswith(f"Error: {cli.db}: the ledger does not match its chain; first: the ledger ")
    assert (
        "cannot be read (database disk image is malformed): it was damaged or changed outside jobbsats; a copy "
        "that `jobbsats backup` made before is the way back" in verified.stderr
    )
    report = cli("report", "fordelning")
    assert report.exit_code == 4
    assert "the ledger cannot be read (database disk image is malformed)" in report.stderr
    assert "Traceback" not in verified.output + report.output
