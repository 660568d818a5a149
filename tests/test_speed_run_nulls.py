"""None is bound as NULL through an adapter found at once (jobbsats.ledger.connection), not through Python 3.11's
failed search for one, and a program's own adapter for None is left as it was."""

from __future__ import annotations

import sqlite3
import subprocess
import sys

import jobbsats.ledger.connection  # noqa: F401  (registers the adapter)


def test_none_has_an_adapter_that_binds_it_as_null():
    adapter = sqlite3.adapters[(type(None), sqlite3.PrepareProtocol)]
    assert adapter(None) is None
    conn = sqlite3.connect(":memory:")
    conn.execute("create table t (a integer, b integer)")
    conn.executemany("insert into t values (?, ?)", [(None, 1), (2, None)])
    assert conn.execute("select a is null, b is null, typeof(a), typeof(b) from t order by rowid").fetchall() == [
        (1, 0, "null", "integer"),
        (0, 1, "integer", "null"),
    ]


def test_a_programs_own_adapter_for_none_is_kept():
    program = (
        "import sqlite3\n"
        "def mine(value): return 'nothing'\n"
        "sqlite3.register_adapter(type(None), mine)\n"
        "import jobbsats.ledger.connection\n"
        "assert sqlite3.adapters[(type(None), sqlite3.PrepareProtocol)] is mine\n"
        "conn = sqlite3.connect(':memory:')\n"
        "print(conn.execute('select ?', [None]).fetchone()[0])\n"
    )
    done = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout == "nothing\n"
