"""Tamper evidence: each run's and import batch's rows hashed, and the hashes chained.

When a run or an import batch is written, the sha256 of its rows (table by
table) is stored in ``chain`` with a second hash over it and the previous
entry's: changing, adding or removing a row of any run or batch, or an entry
of the chain itself, breaks the chain from there on. ``jobbsats verify``
recomputes it and names the first run or batch whose rows no longer match.
The triggers (migrations 0004 and 0011) keep honest mistakes out; this shows what
someone who drops them has done. It is evidence, not a seal: the hashes have
no secret, so someone who rewrites rows and the whole chain after them is
caught only by a copy of the chain kept elsewhere (``jobbsats verify`` prints
the last link to keep).

The canonical forms, fixed for good since ledgers outlive releases:

* a run's rows, a batch's own row and its supersessions, and a forecast
  batch's own row and its rows (``jobbsats import prognos``): ``repr()`` of each
  row's tuple of values as SQLite returns them (int, str, bytes or None), one
  per line, in rowid order (a run's allocations are hashed in this form from the rows as it wrote them,
  when every value is an int, a str or None, which SQLite returns as given: see :func:`seal_run`);
* a batch's booked rows (up to a million): Python's ``marshal`` format version 2
  of each row's tuple of :data:`UTFALL_COLUMNS`, concatenated in rowid order.
  Version 2 writes no back-references, so the bytes depend on the values only,
  and it is written in C: the import can afford it for every row. Python does
  not promise the format forever: tests/test_verify.py pins it with an encoder
  written from its description (a type byte, little-endian lengths): should
  a Python ever write other bytes, that test fails, and that encoder is what
  verify would then use instead;
* a batch's sums (the key ``utfall_sums`` of its entry; batches imported before
  issue 18 have none): its booked rows summed per :data:`SUMS_GRAIN` (day, year,
  month, recipient, fund, project, purpose), each group written as a compact JSON
  array of those seven values (``null`` for no fund, project or purpose) followed
  by the sum of its amounts and its number of rows, e.g.
  ``["2024-01-31",2024,1,"ASN","sjs",null,null,125000000,2]``; the groups' lines
  sorted (by code point), each ended by a newline, hashed as UTF-8.

What each check covers: ``jobbsats verify`` (and ``show``, ``diff`` and a rule
reading the ledger, through :func:`check_batch`) rehashes every booked row, every
column of it; verify also hashes the sums the import wrote in ``utfall_sums``
(rows that hash as sealed add up as sealed: they are not summed again). A report
reads a batch's booked rows only as sums at that grain, and reads them from
``utfall_sums``: it checks those against ``utfall_sums`` in the entry
(:func:`check_batch_sums`), and that the batch's rows still number and add up to
them (:func:`rows_add_up`, one pass without a sort): a changed sum, an added or
removed row or a changed amount is refused. A row moved
within its batch to another day, board or fund, or a change to a column no report
reads (the row's text, its codes, its line), leaves every figure of every report as
sealed, and is found by ``jobbsats verify``, not by reports. A batch sealed without
sums is checked row by row, as before.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import marshal
import re
import sqlite3
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace

from jobbsats.errors import LedgerError, clip, shown
from jobbsats.ledger.connection import Ledger, bound_as_null
from jobbsats.ledger.guards import (
    changed_tables,
    foreign_triggers,
    made_schema,
    missing_guards,
    missing_tables,
    schema_changed,
)
from jobbsats.ledger.limits import joined, split_sum
from jobbsats.ledger.tables import (
    RUN_TABLES,
    SOMETIMES_RUN_TABLES,
    SUMS_GRAIN,
    UTFALL_COLUMNS,
    UTFALL_PURPOSE,
    UTFALL_SUMS_COLUMNS,
    file_of,
    insert_rows,
)

GENESIS = "0" * 64
_NAMES = {"run": "run", "batch": "import batch", "prognos": "forecast batch"}
NO_ROWS = hashlib.sha256().hexdigest()  # a batch whose rows all matched no mapping books none
_MARSHAL_VERSION = 2
_LIST_HEADER = 5  # marshal's "[" and a 4-byte length before a list's items
_SCAN = 20_000
UTFALL_SUMS = "utfall_sums"  # the key of a batch's sums in its entry (see the canonical forms above)
_INTEGERS = {"batch_id", "year", "month"}  # INTEGER NOT NULL in a STRICT table; the rest text or NULL


def run_digests(db: Ledger, run_id: int, written: Mapping[str, list[tuple]] | None = None) -> dict[str, str]:
    """The sha256 of the run's own row and of its rows in each table it writes, by table.

    ``written``: a table's rows as the run has just written them, in this transaction (see :func:`seal_run`).
    """
    digests = {"runs": _digest(db.execute("select * from runs where id = ?", [run_id]))}
    for table in RUN_TABLES:
        rows = (written or {}).get(table)
        if rows is not None and _as_returned(table, rows):
            digests[table] = _digest(rows)
        else:
            digests[table] = _digest(db.execute(f"select * from {table} where run_id = ? order by rowid", [run_id]))
    for table in SOMETIMES_RUN_TABLES:
        rows = db.execute(f"select * from {table} where run_id = ? order by rowid", [run_id]).fetchall()
        if rows:
            digests[table] = _digest(rows)
    return digests


def batch_digests(db: Ledger, batch_id: int, utfall_sha256: str, utfall_sums: str | None = None) -> dict[str, str]:
    """The sha256 of the batch's own row, of its supersessions, and (given) of its booked rows and their sums."""
    digests = {
        "import_batches": _digest(db.execute("select * from import_batches where id = ?", [batch_id])),
        "batch_supersedes": _digest(
            db.execute("select * from batch_supersedes where batch_id = ? order by rowid", [batch_id])
        ),
        "utfall": utfall_sha256,
    }
    if utfall_sums is not None:
        digests[UTFALL_SUMS] = utfall_sums
    return digests


def sums_digest(groups: Iterable[tuple]) -> str:
    """The sha256 of a batch's sums: ``groups`` of the :data:`SUMS_GRAIN` values, the sum and the count
    (see the canonical forms above)."""
    encode = _SUMS_JSON.encode
    lines = sorted(encode(list(group)) for group in groups)
    return hashlib.sha256("".join(f"{line}\n" for line in lines).encode()).hexdigest()


# What json.dumps(group, ensure_ascii=False, separators=(",", ":")) writes, with one encoder for all of a batch's
# groups: dumps makes an encoder a call when given options, a third of the time a report spends checking sums.
_SUMS_JSON = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))
NO_SUMS = sums_digest([])


def sums_sql(where: str, has_purpose: bool = True) -> str:
    """One GROUP BY of booked rows (``where``) into (key, high half, low half, rows), read with :func:`grouped`.

    The key is one text, the batch and the grain as SQL literals (printf's ``%Q``: quoted, or NULL), because
    SQLite sorts one text for a GROUP BY several times faster than eight columns (3.0 s against 1.96 s at
    850 000 rows, where the benchmark's three-column GROUP BY took 1.48 s).
    """
    columns = ["batch_id", *SUMS_GRAIN[:-1], UTFALL_PURPOSE if has_purpose else "null"]
    formats = ",".join("%d" if column in _INTEGERS else "%Q" for column in columns)
    key = f"printf('{formats}', {', '.join(columns)})"
    return f"select {key} as k, {split_sum('amount')}, count(*) from utfall where {where} group by k"


_LITERAL = re.compile(r"'((?:[^']|'')*)'|NULL|(-?[0-9]+)")


def _values(key: str) -> list:
    """The values printf wrote into a key of :func:`sums_sql`."""
    values: list = []
    at = 0
    while True:
        found = _LITERAL.match(key, at)
        if found is None:
            raise LedgerError(f"the ledger's booked rows cannot be summed: {shown(key, 80)} is not as written")
        text, number = found.groups()
        values.append(text.replace("''", "'") if text is not None else int(number) if number is not None else None)
        at = found.end()
        if at == len(key):
            return values
        at += 1  # the comma between two values


def grouped(rows: Iterable[tuple]) -> dict[int, list[tuple]]:
    """The rows of :func:`sums_sql` by batch, each as (grain..., sum, rows), the halves joined."""
    by_batch: dict[int, list[tuple]] = {}
    for key, high, low, count in rows:
        batch_id, *grain = _values(key)
        by_batch.setdefault(batch_id, []).append((*grain, joined(high, low), count))
    return by_batch


def batch_sums(db: Ledger, batch_id: int) -> list[tuple]:
    """One batch's booked rows summed per grain (:func:`sums_sql`), read along its rowids alone: a batch's rows
    are written together, so a ledger keeping many superseded batches is not read whole."""
    where, params = _rows_of(db, batch_id)
    if where is None:
        return []
    return grouped(db.execute(sums_sql(where), params)).get(batch_id, [])


_SUMS_READ = ", ".join(UTFALL_SUMS_COLUMNS[1:])
_WRITE_SUMS = (
    f"insert into utfall_sums ({', '.join(UTFALL_SUMS_COLUMNS)}) values ({', '.join('?' * len(UTFALL_SUMS_COLUMNS))})"
)


def write_sums(db: Ledger, batch_id: int, groups: list[tuple]) -> None:
    """Write a batch's sums (each as (grain..., sum, rows)) beside its rows; inside its transaction, before it is
    sealed with their :func:`sums_digest`."""
    db.conn.executemany(_WRITE_SUMS, [(batch_id, *group) for group in groups])


def written_sums(db: Ledger, batch_id: int) -> list[tuple]:
    """One batch's sums as its import wrote them in ``utfall_sums``, each as (grain..., sum, rows)."""
    return db.execute(f"select {_SUMS_READ} from utfall_sums where batch_id = ?", [batch_id]).fetchall()


def written_sums_digests(db: Ledger) -> dict[int, str]:
    """Every batch's written sums hashed (:func:`sums_digest`), by batch id."""
    by_batch: dict[int, list[tuple]] = {}
    for batch_id, *group in db.execute(f"select batch_id, {_SUMS_READ} from utfall_sums"):
        by_batch.setdefault(batch_id, []).append(tuple(group))
    return {batch_id: sums_digest(groups) for batch_id, groups in by_batch.items()}


def rows_add_up(db: Ledger, batch_id: int, groups: list[tuple]) -> bool:
    """Whether the batch's booked rows still number and add up to what its sums (``groups``) say: one pass along
    its rows without a sort (summing them at the sealed grain needs one). A row added, removed or with its
    amount changed shows here; a row moved between days, boards or funds is found by ``jobbsats verify``."""
    where, params = _rows_of(db, batch_id)
    found = (0, 0)
    if where is not None:
        sql = f"select {split_sum('amount')}, count(*) from utfall where {where}"
        high, low, count = db.execute(sql, params).fetchone()
        found = (joined(high, low) or 0, count)
    return found == (sum(group[-2] for group in groups), sum(group[-1] for group in groups))


def sealed_with_sums(db: Ledger) -> list[int]:
    """The import batches whose chain entry seals their sums, in the chain's order."""
    entries = db.execute("select ref, tables_json from chain where kind = 'batch' order by seq").fetchall()
    return [ref for ref, tables_json in entries if UTFALL_SUMS in _recorded(tables_json)]


def prognos_digests(db: Ledger, batch_id: int) -> dict[str, str]:
    """The sha256 of a forecast batch's own row and of its rows."""
    return {
        "prognos_batches": _digest(db.execute("select * from prognos_batches where id = ?", [batch_id])),
        "prognos_rows": _digest(db.execute("select * from prognos_rows where batch_id = ? order by rowid", [batch_id])),
    }


def canonical(rows: list[tuple]) -> list[tuple]:
    """Rows of :data:`UTFALL_COLUMNS` and a purpose as they are hashed: the purpose only where it is set,
    so rows booked before purposes existed (and rows without one) hash as they always did."""
    return [row if row[-1] is not None else row[:-1] for row in rows]


class UtfallHasher:
    """The running sha256 of booked rows, fed chunk by chunk as the import writes them."""

    def __init__(self) -> None:
        self._hash = hashlib.sha256()

    def add(self, rows: list[tuple]) -> None:
        """Add rows (tuples of :data:`UTFALL_COLUMNS`, or those and a purpose as :func:`canonical` makes
        them), in the order they are inserted."""
        if rows:
            self._hash.update(memoryview(marshal.dumps(rows, _MARSHAL_VERSION))[_LIST_HEADER:])

    def hexdigest(self) -> str:
        return self._hash.hexdigest()


def _has_purpose(db: Ledger) -> bool:
    # Migration 0006 hashes the batches before 0008 adds the purpose: read it only where it is.
    return UTFALL_PURPOSE in {row[1] for row in db.execute("pragma table_info(utfall)")}


def utfall_digests(db: Ledger) -> dict[int, str]:
    """Every batch's booked rows hashed, by batch id, in one pass over the table."""
    hashers: dict[int, UtfallHasher] = {}
    purpose = UTFALL_PURPOSE if _has_purpose(db) else "null"
    cursor = db.execute(f"select {', '.join(UTFALL_COLUMNS)}, {purpose} from utfall order by rowid")
    while rows := cursor.fetchmany(_SCAN):
        for batch_id, group in itertools.groupby(canonical(rows), key=lambda row: row[0]):
            if batch_id not in hashers:
                hashers[batch_id] = UtfallHasher()
            hashers[batch_id].add(list(group))
    return {batch_id: hasher.hexdigest() for batch_id, hasher in hashers.items()}


def utfall_digest(db: Ledger, batch_id: int) -> str:
    """One batch's booked rows hashed (a report reads a batch's rows only once this matches its entry)."""
    where, params = _rows_of(db, batch_id)
    if where is None:
        return NO_ROWS
    where = f"where {where}"
    # Most batches name no purpose: their rows are read as they are hashed, without canonical()'s copy.
    purposes = f"select exists (select 1 from utfall {where} and {UTFALL_PURPOSE} is not null)"
    plain = not _has_purpose(db) or not db.execute(purposes, params).fetchone()[0]
    columns = ", ".join(UTFALL_COLUMNS if plain else (*UTFALL_COLUMNS, UTFALL_PURPOSE))
    cursor = db.execute(f"select {columns} from utfall {where} order by rowid", params)
    hasher = UtfallHasher()
    while rows := cursor.fetchmany(_SCAN):
        hasher.add(rows if plain else canonical(rows))
    return hasher.hexdigest()


# A batch's first and last rowid. Two subqueries, not min() and max() in one: SQLite seeks either end of the index
# by batch (migration 0016) only for a lone min() or max(); together they read every entry of the batch.
BATCH_ENDS = (
    "select (select min(rowid) from utfall where batch_id = ?), (select max(rowid) from utfall where batch_id = ?)"
)


def _rows_of(db: Ledger, batch_id: int) -> tuple[str | None, list[int]]:
    """A WHERE clause (and its parameters) for the batch's booked rows along the rowids from its first to its
    last (the "+" keeps SQLite from the index, which would find the rows fast but then fetch them one by one);
    the rows of other batches in between are skipped in SQLite. None for a batch that booked no rows."""
    first, last = db.execute(BATCH_ENDS, [batch_id, batch_id]).fetchone()
    if first is None:
        return None, []
    return "rowid between ? and ? and +batch_id = ?", [first, last, batch_id]


def _digest(rows: Iterable) -> str:
    # Values come back from SQLite as int, str, bytes or None, so repr() is the same every time.
    # One string for all of a run's rows (a few MB at most), not two hasher calls a row: a run writes
    # thousands of allocations.
    text = "".join([f"{row!r}\n" if type(row) is tuple else f"{tuple(row)!r}\n" for row in rows])
    return hashlib.sha256(text.encode()).hexdigest()


def _combined(digests: dict[str, str]) -> str:
    return hashlib.sha256("".join(f"{t}:{d}\n" for t, d in sorted(digests.items())).encode()).hexdigest()


def _link(previous: str, rows: str) -> str:
    return hashlib.sha256(f"{previous}{rows}".encode()).hexdigest()


def _seal(db: Ledger, kind: str, ref: int, digests: dict[str, str]) -> None:
    last = db.execute("select chain_sha256 from chain order by seq desc limit 1").fetchone()
    rows = _combined(digests)
    columns = ("kind", "ref", "rows_sha256", "tables_json", "chain_sha256")
    tables_json = json.dumps(digests, sort_keys=True)  # names the table that changed, when one does
    insert_rows(db, "chain", columns, [(kind, ref, rows, tables_json, _link(last[0] if last else GENESIS, rows))])


_OWN_ROWS = {
    "run": ("run_id", (*RUN_TABLES, *SOMETIMES_RUN_TABLES)),
    "batch": ("batch_id", ("batch_supersedes", "utfall", "utfall_sums")),
    "prognos": ("batch_id", ("prognos_rows",)),
}


def refuse_planted(db: Ledger, kind: str, ref: int) -> None:
    """Refuse to write run or batch ``ref`` when rows for it are there already.

    Someone added them outside jobbsats (an insert needs no trigger dropped);
    sealing them into the new entry would make them look genuine. Called just
    after the run's or batch's own row is inserted, inside its transaction.
    """
    column, tables = _OWN_ROWS[kind]
    sql = "select exists (select 1 from {} where " + column + " = ?)"
    found = [t for t in tables if db.execute(sql.format(t), [ref]).fetchone()[0]]
    if found:
        raise LedgerError(
            f"{file_of(db)}: the ledger already holds rows for {_NAMES[kind]} {ref} in {', '.join(found)}, which "
            "jobbsats did not write; nothing was written. Run `jobbsats verify` to see what was added"
        )


def seal_run(db: Ledger, run_id: int, written: Mapping[str, list[tuple]] | None = None) -> None:
    """Add the run to the chain; inside the run's own transaction, after its last row.

    ``written``: the rows the run wrote to a table (by its name), each whole (every column, in the table's order,
    its rowid given), in rowid order, with nothing else written to that table for the run. SQLite returns from a
    STRICT table exactly the value it stored, and stores exactly what it was given when that is an int in an
    INTEGER column, a str in a TEXT one, or None, with no adapter of this process's sqlite3 in between: such rows
    are hashed as they are, not read back (6 000 allocations of twenty columns took ~40 ms to read back, as
    many Python objects again). Any other row (a year given as text, which SQLite stores as an integer; a rule's
    own subclass of str, whose repr() may differ from its value's; a program's adapter for str) is read back, as
    every table not given is.
    """
    _seal(db, "run", run_id, run_digests(db, run_id, written))


_STORED_AS_GIVEN = {"INTEGER": frozenset({int, type(None)}), "TEXT": frozenset({str, type(None)})}


def _as_returned(table: str, rows: list[tuple]) -> bool:
    """Whether SQLite stores, and so returns, every value of ``rows`` (whole rows of ``table``) as it is."""
    if _adapted():
        return False
    kinds = [_STORED_AS_GIVEN.get(column[1]) for column in made_schema()[table]]
    columns = list(zip(*rows, strict=False))  # rows all of one length: executemany took them
    return not columns or (
        len(columns) == len(kinds)
        and all(
            kind is not None and set(map(type, values)) <= kind for values, kind in zip(columns, kinds, strict=True)
        )
    )


def _adapted() -> bool:
    """Whether this process's sqlite3 turns an int, a str or None into something else before it is stored."""
    adapters, protocol = sqlite3.adapters, sqlite3.PrepareProtocol
    ours = adapters.get((type(None), protocol), bound_as_null) is bound_as_null
    return (int, protocol) in adapters or (str, protocol) in adapters or not ours


def seal_batch(db: Ledger, batch_id: int, utfall_sha256: str, utfall_sums: str | None = None) -> None:
    """Add the import batch to the chain; inside its own transaction, once its counts are set.

    ``utfall_sums``: the digest of its rows' sums (:func:`sums_digest`), which reports check."""
    _seal(db, "batch", batch_id, batch_digests(db, batch_id, utfall_sha256, utfall_sums))


def seal_prognos(db: Ledger, batch_id: int) -> None:
    """Add the forecast batch to the chain; inside its own transaction, after its last row."""
    _seal(db, "prognos", batch_id, prognos_digests(db, batch_id))


def check_run(db: Ledger, run_id: int) -> None:
    """Refuse to read a run whose rows no longer match its entry in the chain (a few milliseconds).

    Every report, ``show`` and ``diff`` reads through this: figures changed behind
    jobbsats's back never reach a decision paper unremarked. Batches are checked
    likewise when read (:func:`check_batch`, :func:`check_prognos`).
    """
    refuse_changed_schema(db, ("runs", *RUN_TABLES, *SOMETIMES_RUN_TABLES, "chain"))
    entry = db.execute("select rows_sha256 from chain where kind = 'run' and ref = ?", [run_id]).fetchone()
    digests = run_digests(db, run_id)
    if entry is None or _combined(digests) != entry[0]:
        what = (
            "it is not in the ledger's chain: it was added outside jobbsats"
            if entry is None
            else "its rows no longer match the ledger's chain: they were changed outside jobbsats"
        )
        path = file_of(db)
        raise LedgerError(f"{path}: run {run_id}: {what}. Run `jobbsats verify` to see what; nothing is made from it")


def check_batch(db: Ledger, batch_id: int, *, booked: bool = True) -> None:
    """Refuse to read import batch ``batch_id`` when its rows no longer match its entry in the chain.

    ``booked``: its booked rows too (a few seconds per million of them), for a reader of
    their amounts; without, its own row and supersessions only (what lists of batches show).
    """
    refuse_changed_schema(db, ("import_batches", "batch_supersedes", *(("utfall",) if booked else ()), "chain"))
    digests = batch_digests(db, batch_id, utfall_digest(db, batch_id) if booked else "")
    if not booked:
        del digests["utfall"]
    _check(db, "batch", batch_id, digests)


def check_batch_sums(db: Ledger, batch_id: int, sums: str) -> bool:
    """Refuse to read import batch ``batch_id`` when its own row, its supersessions or its booked rows' sums
    (``sums``, :func:`sums_digest` of them as read now) no longer match its entry in the chain.

    False, checking nothing, for a batch sealed without sums: its reader checks it row by row instead
    (:func:`check_batch`)."""
    entry = db.execute("select tables_json from chain where kind = 'batch' and ref = ?", [batch_id]).fetchone()
    if entry is None or UTFALL_SUMS not in _recorded(entry[0]):
        return False
    refuse_changed_schema(db, ("import_batches", "batch_supersedes", "utfall_sums", "chain"))
    digests = batch_digests(db, batch_id, "", sums)
    del digests["utfall"]
    _check(db, "batch", batch_id, digests)
    return True


def checked_sums(db: Ledger, batch_id: int) -> tuple[list[tuple], bool]:
    """A batch's booked rows summed at the sealed grain (each group (grain..., sum, rows)), for a reader of their
    amounts (reports, rules reading the ledger), refused when they no longer match the chain.

    The sums its import wrote (``utfall_sums``), checked against the chain, and its rows checked to still number
    and add up to them in one pass; where they do not, or the batch was sealed before imports wrote sums, its rows
    are checked one by one (the refusal names what changed) and summed. A row moved within its batch between
    days, boards, funds or purposes is left to ``jobbsats verify``, which names it.

    With the sums, whether they are the written ones (False: summed from rows hashed one by one).
    """
    groups = written_sums(db, batch_id)
    if check_batch_sums(db, batch_id, sums_digest(groups)) and rows_add_up(db, batch_id, groups):
        return groups, True
    check_batch(db, batch_id)
    return batch_sums(db, batch_id), False


def check_prognos(db: Ledger, batch_id: int) -> None:
    """Refuse to read forecast batch ``batch_id`` when its rows no longer match its entry in the chain."""
    refuse_changed_schema(db, ("prognos_batches", "prognos_rows", "chain"))
    _check(db, "prognos", batch_id, prognos_digests(db, batch_id))


def refuse_changed_schema(db: Ledger, tables: tuple[str, ...]) -> None:
    """Refuse to read from ``tables`` when one of them was changed outside jobbsats (a column renamed):
    its rows can be neither read nor checked as the chain hashed them."""
    changed = changed_tables(db, tables)
    if changed:
        raise LedgerError(
            f"{file_of(db)}: the table {changed[0]} {schema_changed(db, changed[0])}. Run `jobbsats verify` to "
            "see what; nothing is made from it"
        )


def _check(db: Ledger, kind: str, ref: int, digests: dict[str, str]) -> None:
    """Refuse when ``digests`` (some or all of an entry's tables) differ from what ``ref``'s entry recorded."""
    entry = db.execute("select rows_sha256, tables_json from chain where kind = ? and ref = ?", [kind, ref]).fetchone()
    if entry is None:
        what = "it is not in the ledger's chain: it was added outside jobbsats"
    else:
        recorded = _recorded(entry[1])
        # A report's sums are read from the table utfall_sums: the digest of that name is that table's.
        changed = [table for table, digest in digests.items() if recorded.get(table) != digest]
        if _combined(recorded) != entry[0]:
            what = "its entry in the ledger's chain was changed outside jobbsats"
        elif not changed:
            return
        else:
            tables = ", ".join(changed)
            what = f"its rows in {tables} no longer match the ledger's chain: they were changed outside jobbsats"
    named = f"{file_of(db)}: {_NAMES[kind]} {ref}"
    raise LedgerError(f"{named}: {what}. Run `jobbsats verify` to see what; nothing is made from it")


@dataclass(frozen=True)
class Finding:
    """Where the ledger no longer matches its chain, in words; ``order`` is the chain's (what was written first).

    ``guard`` names the guard (trigger) a finding is about, if it is about one.
    """

    order: int
    message: str
    guard: str = ""


@dataclass(frozen=True)
class Verified:
    """What ``verify`` found: how many runs and batches the chain covers, its last link, and what no longer matches."""

    runs: int
    batches: int  # import batches of utfall
    last_link: str
    findings: list[Finding]
    forecasts: int = 0  # forecast batches (import prognos)


def verify(db: Ledger, expect: tuple[str, ...] = ()) -> Verified:
    """Recompute the chain, entry by entry (first finding first), from one snapshot of the ledger.

    One read transaction: a run or an import committed meanwhile by someone else is
    either wholly seen or not at all, never half (as if added behind jobbsats's back).
    ``expect`` are links kept from earlier: each must still be in the chain.
    """
    db.conn.execute("BEGIN")
    try:
        # A table dropped or changed (a column renamed, say) cannot be read as the chain hashed it: said
        # as such, without going on to read it.
        schema = [
            *(Finding(0, f"the table {t} is missing: dropped outside jobbsats") for t in missing_tables(db)),
            *(Finding(0, f"the table {t} {schema_changed(db, t)}") for t in changed_tables(db)),
        ]
        if schema:
            return Verified(0, 0, "", schema)
        found = _verify(db)
        # Removals and kept links first, then what the chain shows, then how (the guards dropped).
        findings = [*_gaps(db), *_expected(db, expect), *found.findings, *_dropped_guards(db)]
        return replace(found, findings=findings)
    except sqlite3.Error as exc:  # what no check above foresaw: said as a finding, never a traceback
        # A damaged file (a disk or a copy gone wrong) reads the same as one edited: both are named.
        what = f"the ledger cannot be read ({exc}): it was damaged or changed outside jobbsats; a copy that "
        return Verified(0, 0, "", [Finding(0, what + "`jobbsats backup` made before is the way back")])
    finally:
        db.conn.execute("ROLLBACK")


_CAN_BE = {"update": "updated", "delete": "deleted", "insert": "added to sealed runs or batches"}


def _dropped_guards(db: Ledger) -> list[Finding]:
    present = {name for (name,) in db.execute("select name from sqlite_master where type = 'trigger'")}
    foreign = foreign_triggers(db)
    return [
        Finding(
            0,
            f"the trigger {clip(name, 80)} was added outside jobbsats: it may change or drop the rows a run or "
            "an import writes (`jobbsats verify --restore-guards` removes it)",
            guard=name,
        )
        for name in foreign
    ] + [
        Finding(
            0,
            f"the guard {g} is {'missing (dropped' if g not in present else 'changed (replaced'} outside jobbsats): "
            f"rows of {table} can be {_CAN_BE[action]}",
            guard=g,
        )
        for g in missing_guards(db)
        if g not in foreign
        for table, action in [g.rsplit("_no_", 1)]
    ]


def _gaps(db: Ledger) -> list[Finding]:
    """Runs, batches or chain entries missing from their numbering.

    Ids come one after the other (a write that fails leaves no number behind): a gap is a removal.
    """
    findings = []
    numbered = (
        ("run", "runs", "id"),
        ("import batch", "import_batches", "id"),
        ("forecast batch", "prognos_batches", "id"),
        ("chain entry", "chain", "seq"),
    )
    for what, table, column in numbered:
        ids = [i for (i,) in db.execute(f"select {column} from {table} order by {column}")]
        gaps = sorted(set(range(1, ids[-1] + 1)) - set(ids)) if ids else []
        findings += [Finding(0, f"{what} {n} is missing: removed outside jobbsats") for n in gaps]
    return findings


_HEX = frozenset("0123456789abcdef")


def not_a_link(text: str) -> str | None:
    """What is wrong with ``text`` as a link of the chain (64 hexadecimal digits, as verify prints it), or None."""
    link = text.strip().lower()
    if len(link) == len(GENESIS) and set(link) <= _HEX:
        return None
    return (
        f"{shown(text, 80)} is not a link of the chain: a link is 64 hexadecimal digits (0-9, a-f), as "
        "`jobbsats verify` prints after 'Last link:'"
    )


def _expected(db: Ledger, links: tuple[str, ...]) -> list[Finding]:
    known = {link for (link,) in db.execute("select chain_sha256 from chain")}
    return [
        Finding(0, f"the link {link.strip()} kept earlier is not in the chain: the chain was rewritten or cut short")
        for link in links
        if link.strip().lower() not in known
    ]


def _verify(db: Ledger) -> Verified:
    findings: list[Finding] = []
    previous = GENESIS
    sql = "select seq, kind, ref, rows_sha256, tables_json, chain_sha256 from chain order by seq"
    entries = list(db.execute(sql))
    booked = utfall_digests(db)
    # The sums the import wrote need no summing of the rows again: rows that hash as sealed sum as sealed.
    summed = any(kind == "batch" and UTFALL_SUMS in _recorded(tables) for _, kind, _, _, tables, _ in entries)
    written = written_sums_digests(db) if summed else {}
    for seq, kind, ref, rows_sha256, tables_json, chain_sha256 in entries:
        name = f"{_NAMES.get(kind, kind)} {ref}"
        if _link(previous, rows_sha256) != chain_sha256:
            findings.append(
                Finding(
                    seq,
                    f"{name}: the chain is broken at entry {seq} (it, or an entry before it, was changed or removed)",
                )
            )
        if kind == "run":
            digests = run_digests(db, ref)
        elif kind == "prognos":
            digests = prognos_digests(db, ref)
        else:
            with_sums = UTFALL_SUMS in _recorded(tables_json)
            digests = batch_digests(db, ref, booked.get(ref, NO_ROWS), written.get(ref, NO_SUMS) if with_sums else None)
        recorded = _recorded(tables_json)
        if _combined(recorded) != rows_sha256:
            findings.append(Finding(seq, f"{name}: its entry {seq} in the chain was changed outside jobbsats"))
            previous = chain_sha256
            continue
        changed = [t for t, d in digests.items() if recorded.get(t) != d]  # a batch's sums: the table utfall_sums
        if changed:
            findings.append(Finding(seq, f"{name}: its rows in {', '.join(changed)} were changed outside jobbsats"))
        previous = chain_sha256
    findings += _unchained(db, entries, order=len(entries) + 1)
    kinds = Counter(e[1] for e in entries)
    ordered = sorted(findings, key=lambda f: f.order)
    return Verified(kinds["run"], kinds["batch"], previous, ordered, forecasts=kinds["prognos"])


def _recorded(tables_json: str) -> dict[str, str]:
    try:
        recorded = json.loads(tables_json)
    except ValueError:
        return {}
    return recorded if isinstance(recorded, dict) else {}


def _unchained(db: Ledger, entries: list, order: int) -> list[Finding]:
    """Runs, batches and rows the chain does not know: added behind jobbsats's back, or their entry removed."""
    chained = {(kind, ref) for _, kind, ref, *_ in entries}
    findings: list[Finding] = []
    missing = "it is in the ledger but not in the chain (added, or its entry removed)"
    for kind, table in (("run", "runs"), ("batch", "import_batches"), ("prognos", "prognos_batches")):
        findings += [
            Finding(order, f"{_NAMES[kind]} {ref}: {missing}")
            for (ref,) in db.execute(f"select id from {table} order by id")
            if (kind, ref) not in chained
        ]
    return findings + [Finding(order, message) for message in _orphans(db)]


def _orphans(db: Ledger) -> list[str]:
    """Rows that name a run, batch or other row the ledger does not hold (SQLite's own foreign key check).

    Rows planted for a run or batch not written yet, or left behind when one was
    removed; sqlite3's command line tool does not enforce foreign keys.
    """
    found: dict[tuple[str, str, tuple], list[int]] = {}
    columns: dict[tuple[str, int], list[str]] = {}
    for table, rowid, parent, fkid in db.execute("pragma foreign_key_check").fetchall():
        if (table, fkid) not in columns:
            keys = [r for r in db.execute(f"pragma foreign_key_list({table})").fetchall() if r[0] == fkid]
            columns[(table, fkid)] = [r[3] for r in sorted(keys, key=lambda r: r[1])]
        names = columns[(table, fkid)]
        values = db.execute(f"select {', '.join(names)} from {table} where rowid = ?", [rowid]).fetchone()
        found.setdefault((table, parent, tuple(zip(names, values, strict=True))), []).append(rowid)
    messages = []
    for (table, parent, pairs), rowids in sorted(found.items(), key=lambda item: (item[0][0], item[1][0])):
        shown = ", ".join(f"{name} {value!r}" for name, value in pairs)
        rows = "1 row was" if len(rowids) == 1 else f"{len(rowids)} rows were"
        listed = ", ".join(str(r) for r in rowids[:5]) + (", …" if len(rowids) > 5 else "")
        messages.append(
            f"{table}: {rows} added outside jobbsats with {shown}, which is not in {parent} (rowid {listed})"
        )
    return messages
