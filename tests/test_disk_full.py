"""A full disk midway through a write: a clear error, and nothing of the run or the import (issues 7 and 15).

The disk is made full the way SQLite sees it, by capping the ledger's pages (``PRAGMA
max_page_count``) on the connection the write uses, just above what the ledger already holds. A
real full file system (a small tmpfs) is tried in tests/test_os_errors.py.
"""

from __future__ import annotations

import sqlite3

import pytest

from jobbsats.ledger import write


@pytest.fixture
def full_disk(monkeypatch):
    """Every write from now on finds room for only ``spare`` more pages."""

    def cap(spare: int) -> None:
        opened = write.open_ledger

        def open_capped(path, **kwargs):
            db = opened(path, **kwargs)
            pages = db.conn.execute("pragma page_count").fetchone()[0]
            db.conn.execute(f"pragma max_page_count = {pages + spare}")
            return db

        monkeypatch.setattr(write, "open_ledger", open_capped)

    return cap


def rows(db) -> dict[str, int]:
    with sqlite3.connect(db) as conn:
        return {t: conn.execute(f"select count(*) from {t}").fetchone()[0] for t in ("runs", "allocations", "utfall")}


def test_a_run_on_a_full_disk_is_refused_whole(cli, full_disk, digest, scenario_file):
    cli.prepare(("run", "--quiet"))
    before, counts = digest(cli.db), rows(cli.db)
    full_disk(0)
    result = cli("run", scenario_file(), "--quiet")
    assert result.exit_code == 4
    assert f"{cli.db}: nothing was written: database or disk is full" in result.stderr
    assert "Traceback" not in result.output
    assert digest(cli.db) == before and rows(cli.db) == counts


def test_an_import_on_a_full_disk_is_refused_whole(cli, full_disk, digest, tmp_path):
    cli.prepare(("run", "--quiet"))
    before, counts = digest(cli.db), rows(cli.db)
    lines = ["Bokföringsdatum;Konto;Ansvar;Verksamhet;Belopp;Text"]
    lines += [f"2024-05-{n % 28 + 1:02d};5010;3110;7150;{n + 1},00;rad {n}" for n in range(20_000)]
    booked = tmp_path / "stor.csv"
    booked.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    full_disk(50)  # room for a few hundred rows of the twenty thousand
    result = cli("import", "utfall", booked, "-c", "malmo-2024")
    assert result.exit_code == 4
    assert "nothing was written: database or disk is full" in result.stderr
    assert "Traceback" not in result.output
    assert digest(cli.db) == before and rows(cli.db) == counts


@pytest.mark.parametrize("spare", [1, 3, 20])
def test_a_first_run_on_a_full_disk_leaves_no_ledger(cli, full_disk, spare):
    """Said as a full disk, never as a lock; no ledger file, -wal or -shm left (issue 15)."""
    full_disk(spare)
    result = cli("run", "--quiet")
    assert result.exit_code == 4
    assert f"{cli.db}: nothing was written: database or disk is full" in result.stderr
    assert "busy or locked" not in result.stderr and "Traceback" not in result.output
    assert sorted(p.name for p in cli.db.parent.glob(f"{cli.db.name}*")) == []
