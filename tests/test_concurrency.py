"""Several processes on one ledger at once, and a process killed midway (issue 7).

Real processes, the real command line. Each test runs once in CI; set
JOBBSATS_STRESS_ROUNDS=20 to run it twenty times in a row by hand.
"""

from __future__ import annotations

import hashlib
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from jobbsats import examples

pytestmark = pytest.mark.slow  # processes, benchmarks or a wheel: seconds each

ROUNDS = int(os.environ.get("JOBBSATS_STRESS_ROUNDS", "1"))
KEY = "key = { ASN = 51, GVN = 27, FSN = 16, KS = 6 }"


def jobbsats(*args: str | Path, db: Path, cwd: Path) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if k not in ("JOBBSATS_LOAD_PLUGINS", "JOBBSATS_DB")}
    env |= {"JOBBSATS_DB": str(db), "JOBBSATS_LOAD_PLUGINS": ""}
    command = [sys.executable, "-c", "from jobbsats.cli import main; main()", *map(str, args)]
    return subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def export(path: Path, rows: int, day: int = 1) -> Path:
    """A CSV export for the bundled 2024 mapping: rows of verksamhet 7150 on ASN's ansvar."""
    lines = ["Bokföringsdatum;Konto;Ansvar;Verksamhet;Belopp;Text"]
    lines += [f"2024-03-{day:02d};5010;31{n % 100:02d};7150;{n % 9000 + 1},50;rad {n}" for n in range(rows)]
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp1252"))
    return path


def integrity(db: Path) -> str:
    with sqlite3.connect(db) as conn:
        return conn.execute("pragma integrity_check").fetchone()[0]


def count(db: Path, table: str) -> int:
    with sqlite3.connect(db) as conn:
        return conn.execute(f"select count(*) from {table}").fetchone()[0]


@pytest.mark.parametrize("round_", range(ROUNDS))
def test_eight_processes_at_once_all_finish_or_say_busy(round_, tmp_path):
    db = tmp_path / "ledger.db"
    assert jobbsats("run", "--quiet", db=db, cwd=tmp_path).wait(timeout=120) == 0
    text = examples.path_of("malmo-2024").read_text(encoding="utf-8")
    procs = []
    for n in range(4):
        scenario = tmp_path / f"s{n}.toml"
        scenario.write_text(text.replace(KEY, f"key = {{ ASN = {51 - n}, GVN = {27 + n}, FSN = 16, KS = 6 }}"))
        procs.append(("run", jobbsats("run", scenario, "--quiet", db=db, cwd=tmp_path)))
        procs.append(
            (
                "import",
                jobbsats("import", "utfall", export(tmp_path / f"u{n}.csv", 2000, n + 1), "-q", db=db, cwd=tmp_path),
            )
        )
    done = {"run": 0, "import": 0}
    for kind, proc in procs:
        _out, err = proc.communicate(timeout=300)
        assert "Traceback" not in err, err
        if proc.returncode == 0:
            done[kind] += 1
        else:  # the only acceptable failure: a clear word that the ledger was busy
            assert proc.returncode == 4 and "busy or locked" in err, (proc.returncode, err)
    assert integrity(db) == "ok"
    assert count(db, "runs") == 1 + done["run"]
    assert count(db, "import_batches") == done["import"]
    assert count(db, "utfall") == 2000 * done["import"]


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def dump(db: Path) -> list[str]:
    with sqlite3.connect(db) as conn:
        return list(conn.iterdump())


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="no SIGKILL on this system")
@pytest.mark.parametrize("round_", range(ROUNDS))
def test_an_import_killed_midway_leaves_the_ledger_as_it_was(round_, tmp_path):
    db = tmp_path / "ledger.db"
    assert jobbsats("run", "--quiet", db=db, cwd=tmp_path).wait(timeout=120) == 0
    before_bytes, before_rows = digest(db), dump(db)
    big = export(tmp_path / "big.csv", 300_000)
    proc = jobbsats("import", "utfall", big, "-q", db=db, cwd=tmp_path)
    wal = db.with_name(db.name + "-wal")
    # Kill it once it is writing: rows have gone into the write-ahead log, nothing is committed.
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None and (not wal.exists() or wal.stat().st_size < 1_000_000):
        time.sleep(0.02)
    assert proc.poll() is None, "the import ended before it could be killed: make the file larger"
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    assert digest(db) == before_bytes  # the ledger file itself was never touched
    assert dump(db) == before_rows  # and, opened again, it holds exactly what it held
    assert integrity(db) == "ok"
    # And it still works: the same import now lands whole.
    again = jobbsats("import", "utfall", big, "-q", db=db, cwd=tmp_path)
    _out, err = again.communicate(timeout=300)
    assert again.returncode == 0, err
    assert count(db, "utfall") == 300_000
