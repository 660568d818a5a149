"""jobbsats verify (issue 7): passes on an untouched ledger, names the run whose rows were changed behind its back."""

from __future__ import annotations

import sqlite3

import pytest


@pytest.fixture
def three_runs(cli):
    for example in ("malmo-2024", "malmokraften-2020", "platser-2020"):
        assert cli("run", example, "--quiet").exit_code == 0
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
    assert "OK, 3 runs verified" in result.stdout


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
