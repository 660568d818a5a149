"""The ledger's tables by the part they play, and its file's name for messages.

Plain names only, so the modules that hash (chain), guard (guards) and build
(migrations) the ledger can all build on this one without importing each other.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
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
# The ledger is append-only (Bokföringslagen 5 kap.: corrections are new entries): SQLite itself
# refuses to change or remove a row once written. A correction is a new run, or an import batch
# that supersedes an earlier one. The one write after an insert is an import batch's own counts,
# set once at the end of its transaction (its rows_read is 0 until then, and never after).
APPEND_ONLY = ("runs", *RUN_TABLES, "batch_supersedes", "utfall")
# What a forecast batch writes (`jobbsats import prognos`, migration 0010): its own row, then its rows.
PROGNOS_TABLES = ("prognos_batches", "prognos_rows")
# Every table a trigger guards (see jobbsats.ledger.guards).
GUARDED = (*APPEND_ONLY, *SOMETIMES_RUN_TABLES, "import_batches", "chain", *PROGNOS_TABLES)


def file_of(db: Database) -> str:
    """The ledger's file, for messages."""
    return next((row[2] for row in db.execute("PRAGMA database_list") if row[1] == "main"), "the ledger")
