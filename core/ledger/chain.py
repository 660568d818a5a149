"""Tamper evidence: each run's rows hashed, and the hashes chained, so a change behind jobbsats's back shows.

When a run is written, the sha256 of every row it wrote (table by table, in the
order they were written) is stored in ``chain`` with a second hash over it and
the previous entry's: changing, adding or removing a row of any run, or an
entry of the chain itself, breaks the chain from there on. ``jobbsats verify``
recomputes it and names the first run whose rows no longer match. The triggers
(migration 0004) keep honest mistakes out; this shows what someone who drops
them has done.

Import batches are not chained yet: hashing a million booked rows costs more
than the import's time target allows (see the notes of issue 7).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from sqlite_utils import Database

# What a run writes, in the order it writes it (besides its row in runs); the ledger's migrations
# make these append-only too.
RUN_TABLES = (
    "recipients",
    "funds",
    "fund_totals",
    "allocations",
    "rounding_differences",
    "financiers",
    "projects",
    "project_financing",
    "project_periods",
)
GENESIS = "0" * 64


def run_digests(db: Database, run_id: int) -> dict[str, str]:
    """The sha256 of the run's own row and of its rows in each table it writes, by table."""
    digests = {"runs": _digest(db.execute("select * from runs where id = ?", [run_id]))}
    for table in RUN_TABLES:
        digests[table] = _digest(db.execute(f"select * from {table} where run_id = ? order by rowid", [run_id]))
    return digests


def _digest(rows) -> str:
    # Values come back from SQLite as int, str, bytes or None, so repr() is the same every time.
    hasher = hashlib.sha256()
    for row in rows:
        hasher.update(repr(tuple(row)).encode())
        hasher.update(b"\n")
    return hasher.hexdigest()


def _combined(digests: dict[str, str]) -> str:
    return hashlib.sha256("".join(f"{t}:{d}\n" for t, d in sorted(digests.items())).encode()).hexdigest()


def _link(previous: str, rows: str) -> str:
    return hashlib.sha256(f"{previous}{rows}".encode()).hexdigest()


def seal_run(db: Database, run_id: int) -> None:
    """Add the run to the chain; inside the run's own transaction, after its last row."""
    last = db.execute("select chain_sha256 from chain order by seq desc limit 1").fetchone()
    digests = run_digests(db, run_id)
    rows = _combined(digests)
    db["chain"].insert(
        {
            "kind": "run",
            "ref": run_id,
            "rows_sha256": rows,
            "tables_json": json.dumps(digests, sort_keys=True),  # to name the table that changed
            "chain_sha256": _link(last[0] if last else GENESIS, rows),
        }
    )


@dataclass(frozen=True)
class Finding:
    """Where the ledger no longer matches its chain, in words."""

    ref: int
    message: str


def verify(db: Database) -> tuple[int, list[Finding]]:
    """Recompute the chain: how many runs it covers, and what no longer matches (first finding first)."""
    findings: list[Finding] = []
    previous = GENESIS
    sql = "select seq, ref, rows_sha256, tables_json, chain_sha256 from chain order by seq"
    entries = list(db.execute(sql))
    for seq, ref, rows_sha256, tables_json, chain_sha256 in entries:
        if _link(previous, rows_sha256) != chain_sha256:
            findings.append(Finding(ref, f"run {ref}: the chain is broken at entry {seq} (an entry was changed)"))
        digests = run_digests(db, ref)
        if _combined(digests) != rows_sha256:
            recorded = json.loads(tables_json)
            changed = [t for t, d in digests.items() if recorded.get(t) != d] or ["its entry in the chain"]
            findings.append(Finding(ref, f"run {ref}: its rows in {', '.join(changed)} were changed outside jobbsats"))
        previous = chain_sha256
    chained = {entry[1] for entry in entries}
    findings += [
        Finding(run_id, f"run {run_id}: it is in the ledger but not in the chain (added or its entry removed)")
        for (run_id,) in db.execute("select id from runs order by id")
        if run_id not in chained
    ]
    return len(entries), sorted(findings, key=lambda f: f.ref)
