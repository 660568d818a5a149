"""A batch's booked rows found by two seeks in the index by batch (migration 0016, issue 18): the same rows.

Reports check a batch's rows against its sealed sums along the rowids from its first row to its last
(jobbsats.ledger.chain._rows_of). Finding those two rowids read every index entry of the batch before (17 ms of a
report at 100 000 rows); now SQLite seeks them. Not timed here (benchmarks/utfall.py times the report).
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
from unittest import mock

from jobbsats import examples
from jobbsats.ledger import chain
from jobbsats.ledger.connection import Ledger

SAMPLE = examples.utfall_of("malmo-2024")


def _other_export(path, factor: int) -> None:
    """The sample export with another text on every line: a file of its own, booking the same amounts."""
    lines = SAMPLE.read_bytes().decode("cp1252").splitlines()
    out = [lines[0]]
    for line in lines[1:]:
        fields = line.split(";")
        fields[5] = f"{fields[5]} ({factor})"
        out.append(";".join(fields))
    path.write_bytes(("\r\n".join(out) + "\r\n").encode("cp1252"))


def _three_batches(cli, tmp_path) -> None:
    scenario = examples.path_of("malmo-2024")
    second, third = tmp_path / "second.csv", tmp_path / "third.csv"
    _other_export(second, 2)
    _other_export(third, 3)
    assert cli("run", "--quiet").exit_code == 0
    for export in (SAMPLE, second, third):
        result = cli("import", "utfall", export, "-c", scenario)
        assert result.exit_code == 0, result.output


def test_each_batch_is_found_from_its_first_row_to_its_last(cli, tmp_path):
    _three_batches(cli, tmp_path)
    with contextlib.closing(sqlite3.connect(cli.db)) as conn:
        rowids: dict[int, list[int]] = {}
        for rowid, batch_id in conn.execute("select rowid, batch_id from utfall"):
            rowids.setdefault(batch_id, []).append(rowid)
        # Of the sample's 11 lines 10 are the recipients' money (one of them not the fund's: verksamhet 2100);
        # the 35 000 kr of ansvar 9000 is another förvaltning's, and not imported.
        assert sorted(rowids) == [1, 2, 3] and all(len(r) == 10 for r in rowids.values())
        db = Ledger(conn)
        for batch_id, found in rowids.items():
            where, params = chain._rows_of(db, batch_id)
            assert params == [min(found), max(found), batch_id]
            assert sorted(r for (r,) in conn.execute(f"select rowid from utfall where {where}", params)) == found
        assert chain._rows_of(db, 4) == (None, [])  # a batch that booked nothing, or none at all


def test_both_ends_are_seeks_in_the_index_by_batch(cli, tmp_path):
    _three_batches(cli, tmp_path)
    with contextlib.closing(sqlite3.connect(cli.db)) as conn:
        ran: list[str] = []
        conn.set_trace_callback(ran.append)
        chain._rows_of(Ledger(conn), 2)
        conn.set_trace_callback(None)
        (statement,) = [sql for sql in ran if "utfall" in sql]  # as SQLite ran it, the batch's id filled in
        plan = [row[-1] for row in conn.execute(f"explain query plan {statement}")]
    searches = [step for step in plan if step.startswith("SEARCH")]
    assert searches == ["SEARCH utfall USING COVERING INDEX utfall_batch_rows (batch_id=?)"] * 2, plan


def test_a_ledger_from_before_the_index_gets_it_on_its_next_command_and_reads_the_same(cli, tmp_path, release_before):
    def indexed() -> bool:
        with contextlib.closing(sqlite3.connect(cli.db)) as conn:
            return conn.execute("select 1 from sqlite_master where name = 'utfall_batch_rows'").fetchone() is not None

    with release_before("0016_utfall_batch_rows"):
        _three_batches(cli, tmp_path)
        before = cli.json_report("aterrapportering")  # as that release read it
    assert not indexed()
    after = cli.json_report("aterrapportering")  # a command brings an older ledger's schema up to date
    assert indexed()
    assert after["rows"] == before["rows"] and after["totals"] == before["totals"]
    assert "import 1 (malmo-2024.utfall.csv), import 2 (second.csv), import 3 (third.csv)" in " ".join(
        after["paragraphs"]
    )


def test_two_commands_bringing_an_older_ledger_up_to_date_at_once_both_succeed(cli, tmp_path, release_before):
    """The first commands after an upgrade may open the older ledger together (a report and `runs` in two
    terminals): each found migration 0016 pending, and the second to create the index failed with SQLite's
    "index utfall_batch_rows already exists". Here two threads, each with its own connection as two processes
    have, meet after finding what is pending (a barrier, given up after half a second): a reader now takes the
    write lock before it looks, so the second waits for the first and then finds nothing left to do."""
    from sqlite_utils.migrations import Migrations

    from jobbsats.ledger import migrations

    with release_before("0016_utfall_batch_rows"):
        _three_batches(cli, tmp_path)
    met = threading.Barrier(2, timeout=0.5)
    looked = Migrations.pending

    def pending_then_meet(self, db):
        found = looked(self, db)
        with contextlib.suppress(threading.BrokenBarrierError):
            met.wait()
        return found

    failures: list[BaseException] = []

    def bring_up_to_date() -> None:
        conn = sqlite3.connect(cli.db, timeout=10, check_same_thread=False)
        try:
            migrations.apply(Ledger(conn))
        except BaseException as exc:  # what the command would have said
            failures.append(exc)
        finally:
            conn.close()

    with mock.patch.object(Migrations, "pending", pending_then_meet):
        threads = [threading.Thread(target=bring_up_to_date) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
    assert failures == []
    with contextlib.closing(sqlite3.connect(cli.db)) as conn:
        names = [name for (name,) in conn.execute("select name from _sqlite_migrations")]
        assert names == migrations.NAMES  # each recorded once
        assert conn.execute("select 1 from sqlite_master where name = 'utfall_batch_rows'").fetchone() == (1,)
