"""Sixteen processes on one ledger at once, and processes killed at random moments (issues 7 and 15).

Real processes, the real command line, run through tests/timed_cli.py, which also logs how long each
write waited for the ledger's lock and held it. Each test runs once in CI; JOBBSATS_STRESS_ROUNDS=10
runs each ten times in a row (issue 15's acceptance), with new random moments every round.
JOBBSATS_STRESS_SEED=N draws the same random delays again as a failed run did (it prints its seed).
`pytest -rP` prints the figures each round measured.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import re
import signal
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from jobbsats import examples
from jobbsats.ledger.db import BUSY_TIMEOUT_MS
from jobbsats.ledger.tables import RUN_TABLES, SOMETIMES_RUN_TABLES

pytestmark = pytest.mark.slow  # processes, benchmarks or a wheel: seconds each

ROUNDS = int(os.environ.get("JOBBSATS_STRESS_ROUNDS", "1"))
SEED = int(os.environ.get("JOBBSATS_STRESS_SEED") or random.randrange(2**32))
KEY = "key = { ASN = 51, GVN = 27, FSN = 16, KS = 6 }"
TIMED_CLI = Path(__file__).with_name("timed_cli.py")
MARGIN = 3  # the busy timeout must be this many times the slowest legitimate writer's wait and hold


@dataclass
class Proc:
    """One jobbsats process: what it does, what it writes (a run's scenario, an import's file)."""

    kind: str
    popen: subprocess.Popen
    target: Path | None = None
    rows: int = 0
    started: float = 0.0
    out: str = ""
    err: str = ""
    killed: bool = False

    def finish(self, timeout: float = 300) -> Proc:
        self.out, self.err = self.popen.communicate(timeout=timeout)
        return self

    @property
    def code(self) -> int:
        return self.popen.returncode

    def said(self) -> str:
        return f"{self.kind} {self.target.name if self.target else ''} exit {self.code}: {self.err[-1500:]}"


def start(kind: str, *args: str | Path, db: Path, log: Path, target: Path | None = None, rows: int = 0) -> Proc:
    """Start ``jobbsats ARGS`` on the ledger ``db``, in its folder, logging its lock times to ``log``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("JOBBSATS_")}
    env |= {"JOBBSATS_DB": str(db), "JOBBSATS_LOAD_PLUGINS": "", "JOBBSATS_TIMING_LOG": str(log)}
    command = [sys.executable, str(TIMED_CLI), *map(str, args)]
    popen = subprocess.Popen(command, cwd=db.parent, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    return Proc(kind, popen, target, rows, time.monotonic())


def run(scenario: Path, *, db: Path, log: Path) -> Proc:
    return start("run", "run", scenario, "--quiet", db=db, log=log, target=scenario)


def import_(csv: Path, rows: int, *, config: Path, db: Path, log: Path) -> Proc:
    return start("import", "import", "utfall", csv, "-c", config, "-q", db=db, log=log, target=csv, rows=rows)


def ok(proc: Proc) -> Proc:
    proc.finish()
    assert proc.code == 0 and "Traceback" not in proc.err, proc.said()
    return proc


def scenario(path: Path, n: int = 0) -> Path:
    """The bundled malmo-2024 scenario; ``n`` other than 0 moves its key a little (another allocation)."""
    text = examples.path_of("malmo-2024").read_text(encoding="utf-8")
    path.write_text(text.replace(KEY, f"key = {{ ASN = {51 - n}, GVN = {27 + n}, FSN = 16, KS = 6 }}"))
    return path


def export(path: Path, rows: int, day: int = 1) -> Path:
    """A CSV export for malmo-2024: rows of verksamhet 7150 on ASN's ansvar, all of them fund money.

    ``day`` makes the content of each file its own (the same content twice is a repeat).
    """
    month, day = divmod(day - 1, 28)
    lines = ["Bokföringsdatum;Konto;Ansvar;Verksamhet;Belopp;Text"]
    lines += [
        f"2024-{month + 1:02d}-{day + 1:02d};5010;31{n % 100:02d};7150;{n % 9000 + 1},50;rad {n}" for n in range(rows)
    ]
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp1252"))
    return path


def query(db: Path, sql: str, *params) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        rows = conn.execute(sql, params).fetchall()
    conn.close()
    return rows


def integrity(db: Path) -> str:
    return query(db, "pragma integrity_check")[0][0]


def count(db: Path, table: str) -> int:
    return query(db, f"select count(*) from {table}")[0][0]


def run_rows(db: Path, run_id: int) -> dict[str, int]:
    """How many rows the run wrote to each of its tables."""
    tables = ("runs", *RUN_TABLES, *SOMETIMES_RUN_TABLES)
    return {
        t: query(db, f"select count(*) from {t} where {'id' if t == 'runs' else 'run_id'} = ?", run_id)[0][0]
        for t in tables
    }


def verified(db: Path, log: Path) -> str:
    """``jobbsats verify`` passes; what it says it covered ("3 runs and 2 import batches")."""
    proc = ok(start("verify", "verify", db=db, log=log))
    found = re.search(r": OK, (.+) verified", proc.out)
    assert found, proc.out
    return found[1]


def covered(runs: int, batches: int) -> str:
    return f"{runs} run{'s' * (runs != 1)} and {batches} import batch{'es' * (batches != 1)}"


def lock_times(log: Path) -> dict[int, list[dict]]:
    """What tests/timed_cli.py logged, per process id."""
    events: dict[int, list[dict]] = {}
    for line in log.read_text().splitlines() if log.exists() else []:
        event = json.loads(line)
        events.setdefault(event["pid"], []).append(event)
    return events


def rng_for(test: str, round_: int) -> random.Random:
    return random.Random(f"{SEED}:{test}:{round_}")


# -- Sixteen at once ------------------------------------------------------------------------------------------------

# Five runs (each its own key), five imports (each its own file, one of them large), and reports and
# verify reading meanwhile. None of them can lose a race: runs of malmo-2024 read nothing of the ledger
# (so none is stale when written), and every import is a file of its own. So all sixteen must succeed;
# a "busy or locked" would mean the busy timeout is too short for the writers ahead in the queue.
MIX = ["run"] * 5 + ["import"] * 5 + ["fordelning", "aterrapportering"] * 2 + ["verify"] * 2
IMPORT_ROWS = [10_000, 500, 1_000, 2_000, 3_000]
HEADINGS = {"fordelning": "# Fördelning: ", "aterrapportering": "# Återrapportering: "}


@pytest.mark.parametrize("round_", range(ROUNDS))
def test_sixteen_processes_at_once_all_succeed_and_the_ledger_holds_what_they_report(round_, tmp_path):
    rng = rng_for("sixteen", round_)
    db, log = tmp_path / "ledger.db", tmp_path / "locks.jsonl"
    base = scenario(tmp_path / "malmo.toml")
    ok(run(base, db=db, log=log))
    ok(import_(export(tmp_path / "first.csv", 2_000), 2_000, config=base, db=db, log=log))
    sizes = IMPORT_ROWS[:]
    rng.shuffle(sizes)
    mix = MIX[:]
    rng.shuffle(mix)
    procs: list[Proc] = []
    for kind in mix:
        n = sum(p.kind == kind for p in procs) + 1
        if kind == "run":
            procs.append(run(scenario(tmp_path / f"s{n}.toml", n), db=db, log=log))
        elif kind == "import":
            rows = sizes[n - 1]
            procs.append(import_(export(tmp_path / f"u{n}.csv", rows, n + 1), rows, config=base, db=db, log=log))
        elif kind == "verify":
            procs.append(start(kind, "verify", db=db, log=log))
        else:
            procs.append(start(kind, "report", kind, db=db, log=log))
    for proc in procs:
        proc.finish()
    failed = [p.said() for p in procs if p.code != 0 or "Traceback" in p.err or "locked" in p.err]
    assert not failed, f"seed {SEED}:\n" + "\n".join(failed)
    for proc in procs:
        if proc.kind in HEADINGS:
            assert proc.out.startswith(HEADINGS[proc.kind]), proc.out[:300]
        elif proc.kind == "verify":
            assert ": OK, " in proc.out, proc.out

    # The ledger holds exactly the runs and batches the processes said they recorded, each whole.
    runs = {1: base}
    batches = {1: (tmp_path / "first.csv", 2_000)}
    for proc in procs:
        if proc.kind == "run":
            (said,) = re.findall(r"^Run (\d+) recorded in ", proc.err, re.M)
            assert int(said) not in runs, proc.err
            runs[int(said)] = proc.target
        elif proc.kind == "import":
            grouped = f"{proc.rows:,}".replace(",", " ")  # counts are grouped as amounts are: "2 000 rows"
            (said,) = re.findall(rf"^Batch (\d+) recorded in .*: {grouped} rows read from ", proc.err, re.M)
            assert int(said) not in batches, proc.err
            batches[int(said)] = (proc.target, proc.rows)
    assert len(runs) == 6 and len(batches) == 6
    assert dict(query(db, "select id, config_path from runs")) == {k: str(v) for k, v in runs.items()}
    assert {i: (name, n) for i, name, n in query(db, "select id, file_name, rows_read from import_batches")} == {
        k: (path.name, n) for k, (path, n) in batches.items()
    }
    assert dict(query(db, "select batch_id, count(*) from utfall group by batch_id")) == {
        k: n for k, (_, n) in batches.items()
    }
    assert integrity(db) == "ok"
    assert verified(db, log) == covered(6, 6)

    # The busy timeout covers the slowest writer with margin: its wait for the lock, and its hold of it.
    events = lock_times(log)
    writes = []  # (kind, wait, hold) of each write transaction
    for proc in procs:
        seen = events.get(proc.popen.pid, [])
        if proc.kind in ("run", "import"):  # one transaction each, committed
            assert [(e["event"], e.get("how")) for e in seen] == [("begun", None), ("ended", "commit")], seen
            writes.append((proc.kind, seen[0]["wait_ms"], seen[1]["hold_ms"]))
        else:  # readers never take the write lock, and never wait for it
            assert seen == [], seen
    slowest = max(wait + hold for _, wait, hold in writes)
    print(
        f"round {round_}: longest wait for the lock {max(w for _, w, _ in writes):.0f} ms, longest hold "
        f"{max(h for _, _, h in writes):.0f} ms (import {max(h for k, _, h in writes if k == 'import'):.0f}, "
        f"run {max(h for k, _, h in writes if k == 'run'):.0f}), slowest writer from BEGIN IMMEDIATE to "
        f"COMMIT {slowest:.0f} ms; busy timeout {BUSY_TIMEOUT_MS} ms"
    )
    assert MARGIN * slowest <= BUSY_TIMEOUT_MS, (slowest, writes)


# -- Killed at random moments ---------------------------------------------------------------------------------------

VICTIM_ROWS = 5_000  # large enough that an import holds the lock a while, small enough to stay quick
Delay = float | tuple[str, float]  # seconds after a process started, or ("lock", seconds) after it took the lock


def kill_on_time(procs: list[Proc], delays: list[Delay], log: Path) -> None:
    """SIGKILL each process at its moment: seconds after it started, or ``("lock", s)`` seconds after it
    took the write lock."""
    pending = list(zip(procs, delays, strict=True))
    since: dict[int, float] = {}  # when the test saw each process take the lock
    deadline = time.monotonic() + 120
    read, events = -1, {}
    while pending and time.monotonic() < deadline:
        # Read again only when the log has grown: it is looked at every 3 ms, and on a loaded machine
        # reading and parsing it each time was seconds of the test's own CPU, taken from the processes.
        size = log.stat().st_size if log.exists() else 0
        if size != read:
            read, events = size, lock_times(log)
        now = time.monotonic()
        for proc, delay in pending[:]:
            if any(e["event"] == "begun" for e in events.get(proc.popen.pid, [])):
                since.setdefault(proc.popen.pid, now)
            if isinstance(delay, tuple):
                due = proc.popen.pid in since and now >= since[proc.popen.pid] + delay[1]
            else:
                due = now >= proc.started + delay
            if proc.popen.poll() is not None:
                pending.remove((proc, delay))
            elif due:
                proc.popen.send_signal(signal.SIGKILL)
                proc.killed = True
                pending.remove((proc, delay))
        time.sleep(0.003)
    assert not pending, "a process neither ended nor was killed in two minutes"
    for proc in procs:
        proc.finish(timeout=60)
        if proc.killed and proc.code == 0:  # it ended between the look and the kill
            proc.killed = False


def moment(proc: Proc, events: dict[int, list[dict]]) -> str:
    """When the process died: before it held the lock, holding it, or after its commit; or it ended."""
    if not proc.killed:
        return "ended"
    seen = [e["event"] for e in events.get(proc.popen.pid, [])]
    return "after commit" if "ended" in seen else "holding the lock" if "begun" in seen else "before the lock"


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="no SIGKILL on this system")
@pytest.mark.parametrize("round_", range(ROUNDS))
def test_runs_and_imports_killed_at_random_moments_land_whole_or_not_at_all(round_, tmp_path):
    rng = rng_for("kills", round_)
    db, log = tmp_path / "ledger.db", tmp_path / "locks.jsonl"
    base = scenario(tmp_path / "malmo.toml")

    # A run alone, on a ledger of its own: how long one takes here now, and what a whole run writes.
    reference = ok(run(base, db=tmp_path / "reference.db", log=tmp_path / "reference.jsonl"))
    run_seconds = time.monotonic() - reference.started
    whole_run = run_rows(tmp_path / "reference.db", 1)
    assert whole_run["allocations"] > 0

    # The very first run, which creates the ledger, killed at a random moment: a ledger with that run
    # whole, or none (no file, or one with no tables yet); either way the next run is recorded.
    first = run(base, db=db, log=log)
    kill_on_time([first], [rng.uniform(0, 1.5 * run_seconds)], log)
    tables = query(db, "select name from sqlite_master where type = 'table'") if db.exists() else []
    if tables:
        assert integrity(db) == "ok"
        assert [run_rows(db, i) for (i,) in query(db, "select id from runs")] == [whole_run], moment(
            first, lock_times(log)
        )
        assert verified(db, log) == covered(1, 0)
    again = ok(run(base, db=db, log=log))
    assert re.search(rf"^Run {2 if tables else 1} recorded", again.err, re.M), again.err
    start_import = time.monotonic()
    ok(import_(export(tmp_path / "setup.csv", VICTIM_ROWS), VICTIM_ROWS, config=base, db=db, log=log))
    import_seconds = time.monotonic() - start_import

    # Six at once, killed at random moments of their lives, which they share two cores for: many die
    # before they write, some while, some after. One run is killed at a random moment once it holds
    # the lock, one import as soon as it holds it.
    span = 3 * (run_seconds + import_seconds) / (os.cpu_count() or 1)
    run_hold = max(e["hold_ms"] for e in lock_times(log)[again.popen.pid] if e["event"] == "ended") / 1000
    victims: list[Proc] = []
    delays: list[Delay] = []
    for n in range(3):
        victims.append(run(scenario(tmp_path / f"r{n}.toml"), db=db, log=log))
        delays.append(("lock", rng.uniform(0, 3 * run_hold)) if n == 0 else rng.uniform(0, 1.3 * span))
        csv = export(tmp_path / f"k{n}.csv", VICTIM_ROWS, n + 2)
        victims.append(import_(csv, VICTIM_ROWS, config=base, db=db, log=log))
        delays.append(("lock", 0.0) if n == 0 else rng.uniform(0, 1.3 * span))
    kill_on_time(victims, delays, log)
    events = lock_times(log)
    moments = [f"{p.kind} {p.target.name}: {moment(p, events)}" for p in victims]
    print(f"round {round_} (seed {SEED}): first run: {moment(first, events)}; " + "; ".join(moments))
    assert moment(victims[1], events) == "holding the lock", moments

    # Each victim's run or batch is in the ledger whole, or not at all; one that said it was
    # recorded is there; the ledger verifies.
    assert integrity(db) == "ok"
    missing = []
    for proc in victims:
        assert proc.code == (-signal.SIGKILL if proc.killed else 0), proc.said()
        assert "Traceback" not in proc.err, proc.said()
        if proc.kind == "run":
            ids = [i for (i,) in query(db, "select id from runs where config_path = ?", str(proc.target))]
            assert [run_rows(db, i) for i in ids] in ([], [whole_run]), (moments, ids)
        else:
            ids = [i for (i,) in query(db, "select id from import_batches where file_name = ?", proc.target.name)]
            batches = [query(db, "select count(*) from utfall where batch_id = ?", i)[0][0] for i in ids]
            assert batches in ([], [VICTIM_ROWS]), (moments, ids, batches)
            assert [query(db, "select rows_read from import_batches where id = ?", i)[0][0] for i in ids] in (
                [],
                [VICTIM_ROWS],
            )
        assert ids or proc.killed, proc.said()
        if not ids:
            missing.append(proc)
    runs, batches_ = count(db, "runs"), count(db, "import_batches")
    assert verified(db, log) == covered(runs, batches_), moments

    # And the ledger goes on: whatever a kill left out is recorded now, with a new run and import besides.
    later = [
        run(p.target, db=db, log=log)
        if p.kind == "run"
        else import_(p.target, VICTIM_ROWS, config=base, db=db, log=log)
        for p in missing
    ]
    later.append(run(base, db=db, log=log))
    later.append(import_(export(tmp_path / "later.csv", VICTIM_ROWS, 20), VICTIM_ROWS, config=base, db=db, log=log))
    for proc in later:
        ok(proc)
    assert (count(db, "runs"), count(db, "import_batches")) == (
        runs + sum(p.kind == "run" for p in later),
        batches_ + sum(p.kind == "import" for p in later),
    )
    assert count(db, "utfall") == VICTIM_ROWS * count(db, "import_batches")
    assert verified(db, log) == covered(count(db, "runs"), count(db, "import_batches"))
    assert integrity(db) == "ok"


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def dump(db: Path) -> list[str]:
    with sqlite3.connect(db) as conn:
        return list(conn.iterdump())


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="no SIGKILL on this system")
@pytest.mark.parametrize("round_", range(ROUNDS))
def test_an_import_killed_midway_leaves_the_ledger_as_it_was(round_, tmp_path):
    db, log = tmp_path / "ledger.db", tmp_path / "locks.jsonl"
    base = scenario(tmp_path / "malmo.toml")
    ok(run(base, db=db, log=log))
    before_bytes, before_rows = digest(db), dump(db)
    rows = 60_000
    big = export(tmp_path / "big.csv", rows)
    proc = import_(big, rows, config=base, db=db, log=log)
    wal = db.with_name(db.name + "-wal")
    # Kill it once it is writing: rows have gone into the write-ahead log, nothing is committed.
    deadline = time.monotonic() + 60
    while (
        time.monotonic() < deadline
        and proc.popen.poll() is None
        and (not wal.exists() or wal.stat().st_size < 1_000_000)
    ):
        time.sleep(0.02)
    assert proc.popen.poll() is None, "the import ended before it could be killed: make the file larger"
    proc.popen.send_signal(signal.SIGKILL)
    proc.killed = True
    proc.finish(timeout=30)
    assert moment(proc, lock_times(log)) == "holding the lock"
    assert digest(db) == before_bytes  # the ledger file itself was never touched
    assert dump(db) == before_rows  # and, opened again, it holds exactly what it held
    assert integrity(db) == "ok"
    # And it still works: the same import now lands whole.
    again = ok(import_(big, rows, config=base, db=db, log=log))
    assert count(db, "utfall") == rows
    (hold,) = [e["hold_ms"] for e in lock_times(log)[again.popen.pid] if e["event"] == "ended"]
    print(f"round {round_}: an import of {rows} rows alone held the lock {hold:.0f} ms")
