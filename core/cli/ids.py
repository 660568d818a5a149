"""The type of a run's or batch's number on the command line."""

from __future__ import annotations

import click

# SQLite's integers end at 2**63 - 1; a larger number could not even be looked up (Python refuses to
# bind it), so it is refused where it is typed, as no run or batch of any ledger.
LEDGER_ID = click.IntRange(1, 2**63 - 1)
