"""The most the ledger holds, so that no sum of its amounts leaves SQLite's 64-bit integers.

SQLite's ``sum()`` of integers fails with "integer overflow" past
9 223 372 036 854 775 807 (öre, or whole units). No single limit on a row
keeps every sum inside that; limits on what a row, a batch, a run and the whole
ledger hold, counted without sign, do: any sum over any subset of rows is at
most what they add up to without sign. The figures, in öre (docs/ledger.md):

* a booked or forecast row: at most 10^15 (10 000 000 000 000 kr);
* an import or forecast batch: at most 10^17, its rows counted without sign;
* every booked and forecast row of the ledger together: at most 10^18;
* a run: at most 10^18, its funds' totals, allocations, carried amounts,
  projects' totals and financing lines counted without sign.

A report reads one or two runs and the ledger's rows: at most 3 x 10^18, a third
of what SQLite holds. An import or a run past a limit is refused whole. The sums
the ledger's readers make are in two halves besides (:func:`split_sum`), so even
a ledger written before these limits, or changed behind jobbsats's back, never
fails a report with "integer overflow".
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from jobbsats.ledger.tables import has_table

if TYPE_CHECKING:
    from jobbsats.ledger.connection import Ledger

ROW_MOST = 10**15
BATCH_MOST = 10**17
LEDGER_MOST = 10**18
RUN_MOST = 10**18

# A 64-bit amount is its high half times 2^32 plus its low half (SQLite's / and % both truncate toward
# zero, so both halves have the amount's sign): each half is below 2^32, so a sum of each cannot overflow
# over fewer than 2^31 rows, and Python, whose integers have no bound, puts the two together.
_HALF = 2**32
# The tables whose rows the ledger's limit counts: booked rows and forecast lines.
_HELD = ("utfall", "prognos_rows")


def split_sum(expression: str, *, absolute: bool = False) -> str:
    """SQL for the sum of ``expression`` as two columns, its high and low halves (see :func:`joined`);
    ``absolute``: of its absolute value (SQLite's abs() itself overflows on the least 64-bit integer)."""
    if absolute:
        return f"sum(abs(({expression}) / {_HALF})), sum(abs(({expression}) % {_HALF}))"
    return f"sum(({expression}) / {_HALF}), sum(({expression}) % {_HALF})"


def joined(high: int | None, low: int | None) -> int | None:
    """The sum :func:`split_sum` read in halves; None when it summed no rows."""
    if high is None or low is None:
        return None
    return high * _HALF + low


def ledger_total(db: Ledger) -> int:
    """Every booked and forecast amount of the ledger added up without sign (öre), for :data:`LEDGER_MOST`."""
    held = [t for t in _HELD if has_table(db, t)]  # a ledger of a release before forecasts holds none
    sums = [db.execute(f"select {split_sum('amount', absolute=True)} from {t}").fetchone() for t in held]
    return sum(joined(*halves) or 0 for halves in sums)
