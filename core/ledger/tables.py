"""The ledger's tables by the part they play, its file's name for messages, reading and adding rows, and a failure to
read it.

Plain names only, so the modules that hash (chain), guard (guards) and build
(migrations) the ledger can all build on this one without importing each other.
"""

from __future__ import annotations

import functools
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from jobbsats.errors import LedgerError

if TYPE_CHECKING:
    from jobbsats.ledger.connection import Ledger

F = TypeVar("F", bound=Callable[..., Any])

# SQLite's header field for the program a file belongs to (PRAGMA application_id), set by migration 0015:
# "JOBS" in ASCII. `file` and any SQLite tool can read it without parsing the schema.
APPLICATION_ID = int.from_bytes(b"JOBS", "big")

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
# Tables a run writes rows to only when it has some (what its rules read of the ledger, migration 0007).
# Their digest joins a run's entry only then, so runs sealed before such a table existed still match;
# rows added later to a run that had none change its digest all the same.
SOMETIMES_RUN_TABLES = ("run_reads", "carry_overs")
# A booked row as the import writes it and the hash reads it; then its purpose (migration 0008), which
# joins the hashed row only when it is set (see jobbsats.ledger.chain.canonical).
UTFALL_COLUMNS = (
    "batch_id",
    "line",
    "date",
    "year",
    "month",
    "account",
    "ansvar",
    "verksamhet",
    "project_code",
    "recipient_id",
    "fund_id",
    "project_id",
    "amount",
    "text",
)
UTFALL_PURPOSE = "purpose"
# The grain of a batch's sums, fixed for good: what any report reads of a booked row (the chain seals them).
SUMS_GRAIN = ("date", "year", "month", "recipient_id", "fund_id", "project_id", "purpose")
# Those sums as the import writes them beside its rows and seals them with them (migration 0014): what
# reports read instead of the rows.
UTFALL_SUMS_COLUMNS = ("batch_id", *SUMS_GRAIN, "amount", "rows")
# The ledger is append-only (Bokföringslagen 5 kap.: corrections are new entries): SQLite itself
# refuses to change or remove a row once written. A correction is a new run, or an import batch
# that supersedes an earlier one. The one write after an insert is an import batch's own counts,
# set once at the end of its transaction (its rows_read is 0 until then, and never after).
APPEND_ONLY = ("runs", *RUN_TABLES, "batch_supersedes", "utfall")
# What a forecast batch writes (`jobbsats import prognos`, migration 0010): its own row, then its rows.
PROGNOS_TABLES = ("prognos_batches", "prognos_rows")
# Every table a trigger guards (see jobbsats.ledger.guards).
GUARDED = (*APPEND_ONLY, *SOMETIMES_RUN_TABLES, "import_batches", "chain", *PROGNOS_TABLES, "utfall_sums")
# The entry in the chain that seals each table's rows: its kind, and the column naming its run or batch.
# Once a run or batch is sealed, no row of it is added (migration 0011), as none is changed or removed.
SEALED_BY = {
    "runs": ("run", "id"),
    **{table: ("run", "run_id") for table in (*RUN_TABLES, *SOMETIMES_RUN_TABLES)},
    "import_batches": ("batch", "id"),
    "batch_supersedes": ("batch", "batch_id"),
    "utfall": ("batch", "batch_id"),
    "prognos_batches": ("prognos", "id"),
    "prognos_rows": ("prognos", "batch_id"),
    "utfall_sums": ("batch", "batch_id"),
}


def query(db: Ledger, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> Iterator[dict[str, Any]]:
    """The rows of a read, each a dict by column name: sqlite-utils' ``db.query`` less the savepoint it wraps
    around every statement (for writes through it), two statements more a read, and a report reads dozens.
    The columns' names must differ (jobbsats's own SQL): sqlite-utils would rename a second "id", this keeps
    the last."""
    cursor = db.execute(sql, params)
    keys = [column[0] for column in cursor.description]
    for row in cursor:
        yield dict(zip(keys, row, strict=True))


def has_table(db: Ledger, name: str) -> bool:
    """Whether the ledger has the table ``name`` (one from a later migration may be missing in an old one):
    one look, where sqlite-utils' ``db[name].exists()`` lists every view and every table."""
    sql = "select 1 from sqlite_master where type = 'table' and name = ?"
    return db.execute(sql, [name]).fetchone() is not None


def file_of(db: Ledger) -> str:
    """The ledger's file, for messages."""
    return next((row[2] for row in db.execute("PRAGMA database_list") if row[1] == "main"), "the ledger")


def unreadable(db: Ledger | None, error: sqlite3.Error) -> LedgerError:
    """An SQLite error met while reading the ledger, said as the ledger's problem it is."""
    try:
        where = file_of(db) if db is not None else "the ledger"
    except sqlite3.Error:
        where = "the ledger"
    return LedgerError(f"{where}: the ledger cannot be read ({error}); run `jobbsats verify` to see what is wrong")


def reads_ledger(function: F) -> F:
    """Turn an SQLite error while ``function`` reads the ledger into a :class:`LedgerError` saying so.

    For what reports and rules call (jobbsats.LedgerView, jobbsats.LedgerReader): a ledger
    that cannot be read is never "plugin X failed". The ledger is the first argument's
    ``_db`` (a method's), or the first argument itself.
    """

    @functools.wraps(function)
    def read(first: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return function(first, *args, **kwargs)
        except sqlite3.Error as error:
            raise unreadable(getattr(first, "_db", first), error) from error

    return read  # type: ignore[return-value]


def insert_rows(db: Ledger, table: str, columns: tuple[str, ...], rows: Iterable[tuple[Any, ...]]) -> int | None:
    """Add ``rows`` (values in the order of ``columns``) to ``table`` with one prepared statement; return the
    rowid of a row given alone in a list.

    Plain ``executemany``: sqlite-utils' ``insert_all`` builds a dict, a statement and a conversion of every
    value for each row, most of the time a run of thousands of allocations took to write. The values here are
    what SQLite stores as they are (text, integers, NULL); an error rolls the whole run back as before.
    """
    names = ", ".join(f'"{c}"' for c in columns)
    marks = ", ".join("?" * len(columns))
    statement = f'INSERT INTO "{table}" ({names}) VALUES ({marks})'
    if isinstance(rows, list) and len(rows) == 1:
        return db.conn.execute(statement, rows[0]).lastrowid  # executemany() leaves lastrowid as it was
    db.conn.executemany(statement, rows)
    return None
