"""What a rule may read of the ledger: the same scenario's earlier runs and its current utfall.

A rule that carries last year's unspent money over needs last year's budget and
what was booked against it. It gets them through ``context.ledger``, a
:class:`LedgerReader`, which opens the ledger only when first asked (most rules
never ask) and remembers every run and import batch it read: the run records
them (``jobbsats show`` lists them), and refuses to be written if any of them
stopped being current while the rules were computed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from jobbsats.ledger.tables import SUMS_GRAIN, reads_ledger

if TYPE_CHECKING:
    from jobbsats.ledger.connection import Ledger

# Where a batch's sums (jobbsats.ledger.chain.checked_sums) hold each part of the grain, and the sum.
_YEAR, _MONTH, _RECIPIENT, _FUND, _PURPOSE = (
    SUMS_GRAIN.index(c) for c in ("year", "month", "recipient_id", "fund_id", "purpose")
)
_AMOUNT = len(SUMS_GRAIN)
# A read, as recorded with the run: ("run", id) or ("batch", id).
Read = tuple[str, int]
# Money this very run gives in a year it decides: (fund, to, from (None: straight from the fund), purpose, amount).
OwnRow = tuple[str, str, str | None, str, int]


def opener(path: Path) -> Callable[[], Ledger | None]:
    """Opens the ledger at ``path`` for reading when a rule first asks; None when there is none yet."""

    def connect() -> Ledger | None:
        if not path.exists():
            return None
        from jobbsats.ledger import open_ledger

        return open_ledger(path, must_exist=True)

    return connect


@dataclass
class LedgerReader:
    """Read-only sums of the ledger for the scenario named ``scenario``, in each fund's unit.

    Amounts are integers: öre for a fund in kronor, whole units for a fund that
    counts something else. ``None`` means the ledger holds nothing to answer with
    (no run for that year, no utfall imported for it): never read it as zero.

    jobbsats makes the reader and hands it to rules (``context.ledger``); ``connect`` opens its own
    connection to the ledger file (``jobbsats.ledger.connection.Ledger``) when a rule first reads.
    """

    scenario: str
    connect: Callable[[], Ledger | None]
    reads: set[Read] = field(default_factory=set)
    # The years this run decides, with what it gives in each: a rule in a later year of the same run
    # reads these (the run being computed is that year's current budget), not an older run's.
    own: dict[int, list[OwnRow]] = field(default_factory=dict)
    _runs_for: dict[int, int | None] = field(default_factory=dict, init=False, repr=False)
    _batches: list[int] | None = field(default=None, init=False, repr=False)
    _sums: tuple[list[int], list[tuple]] | None = field(default=None, init=False, repr=False)  # see _booked
    _db: Ledger | None = field(default=None, init=False, repr=False)
    _opened: bool = field(default=False, init=False, repr=False)

    def _ledger(self) -> Ledger | None:
        if not self._opened:
            self._db, self._opened = self.connect(), True
        return self._db

    def decided(self, year: int, rows: list[OwnRow]) -> None:
        """Say that the run being computed decides ``year``, giving ``rows`` (the engine calls this)."""
        self.own[year] = rows

    @reads_ledger
    def run_for(self, year: int) -> int | None:
        """The newest run of this scenario in the ledger that decided a total for ``year`` (None for a year
        the run being computed decides itself: it is that year's budget, see :meth:`budget`)."""
        db = self._ledger()
        if db is None:
            return None
        row = db.execute(
            """select max(r.id) from runs r join fund_totals t on t.run_id = r.id
               where r.scenario = ? and t.year = ? and t.total is not null""",
            [self.scenario, year],
        ).fetchone()
        found = row[0] if row and row[0] is not None else None
        self._runs_for.setdefault(year, found)
        return found

    @reads_ledger
    def budget(
        self, year: int, *, fund: str | None = None, recipient: str | None = None, purpose: str | None = None
    ) -> int | None:
        """What ``year``'s current run gave (``recipient``: what it got less what it passed on), or None without a run.

        :param fund: only from this fund
        :param recipient: only this recipient's money, net of what it passed on to others
        :param purpose: only lines with this purpose ("Ung i sommar"); ``""`` for the fund's own purpose

        A year the run being computed decides is read from that run's own rows, not the ledger.
        """
        if year in self.own:
            rows = [r for r in self.own[year] if fund in (None, r[0]) and purpose in (None, r[3])]
            return _net((to, via, amount) for _f, to, via, _p, amount in rows)(recipient)
        run_id = self.run_for(year)
        if run_id is None:
            return None
        db = self._ledger()
        assert db is not None  # run_for found a run in it
        from jobbsats.ledger.chain import check_run

        check_run(db, run_id)  # figures changed behind jobbsats's back are never read
        self.reads.add(("run", run_id))
        where: list[str] = ["run_id = ?", "year = ?"]
        params: list[int | str] = [run_id, year]
        if fund is not None:
            where.append("fund_id = ?")
            params.append(fund)
        if purpose is not None:
            where.append("coalesce(label, '') = ?")
            params.append(purpose)
        where_sql = " and ".join(where)
        # What was carried into the year from an earlier one is the year's money to use too.
        sql = f"""select to_id, from_id, amount from allocations where {where_sql}
                  union all select to_id, null, amount from carry_overs where {where_sql}"""
        return _net(db.execute(sql, [*params, *params]).fetchall())(recipient)

    @reads_ledger
    def purposes(self) -> dict[str, set[str]]:
        """Every purpose the scenario's runs gave money for, by fund (not a read a run records)."""
        db = self._ledger()
        if db is None:
            return {}
        sql = """select distinct a.fund_id, a.label from allocations a join runs r on r.id = a.run_id
                 where r.scenario = ? and a.label <> ''"""
        found: dict[str, set[str]] = {}
        for fund, label in db.execute(sql, [self.scenario]).fetchall():
            found.setdefault(fund, set()).add(label)
        return found

    @reads_ledger
    def current_batches(self) -> list[int]:
        """The scenario's import batches that no later batch supersedes, oldest first."""
        db = self._ledger()
        if db is None:
            return []
        sql = """select b.id from import_batches b
                 where b.scenario = ? and not exists (select 1 from batch_supersedes s where s.superseded_id = b.id)
                 order by b.id"""
        batches = [batch for (batch,) in db.execute(sql, [self.scenario]).fetchall()]
        if self._batches is None:
            self._batches = batches
        return batches

    @reads_ledger
    def utfall(
        self,
        year: int,
        *,
        month: int | None = None,
        fund: str | None = None,
        recipient: str | None = None,
        purpose: str | None = None,
    ) -> int | None:
        """What the current batches booked in ``year`` (or one month of it), or None when none books that year.

        :param purpose: only rows the mapping gave this purpose; ``""`` for the fund's own
        """
        for name, value in (("year", year), ("month", month)):
            # Compared with the sums in Python, where SQLite would have taken "2024" for 2024: said, not None.
            if value is not None and (not isinstance(value, int) or isinstance(value, bool)):
                raise TypeError(f"ledger.utfall(): {name} must be a whole number, not {type(value).__name__}")
        batches = self.current_batches()
        if not batches:
            return None
        self.reads.update(("batch", b) for b in batches)
        # None when nothing is booked in the year (on the fund, when one is named): an import that books
        # only another fund's money says nothing of this one's, and must not read as 0 spent.
        booked = [g for g in self._booked(batches) if g[_YEAR] == year and (fund is None or g[_FUND] == fund)]
        if not booked:
            return None
        return sum(
            g[_AMOUNT]
            for g in booked
            if (month is None or g[_MONTH] == month)
            and (recipient is None or g[_RECIPIENT] == recipient)
            and (purpose is None or (g[_PURPOSE] or "") == purpose)
        )

    def _booked(self, batches: list[int]) -> list[tuple]:
        """The batches' booked rows summed at the sealed grain, as their imports wrote them, checked against the
        chain (:func:`~jobbsats.ledger.chain.checked_sums`): booked rows changed behind jobbsats's back are never
        read. Read once: a few hundred groups a month, however many rows were booked."""
        if self._sums is None or self._sums[0] != batches:
            from jobbsats.ledger.chain import checked_sums

            db = self._ledger()
            assert db is not None
            self._sums = (batches, [group for batch in batches for group in checked_sums(db, batch)[0]])
        return self._sums[1]

    @property
    def asked(self) -> bool:
        """Whether a rule asked anything (even what turned out not to be there)."""
        return bool(self._runs_for) or self._batches is not None

    @reads_ledger
    def changed_in(self, db: Ledger) -> str | None:
        """What the ledger ``db`` (about to be written) holds now that differs from what was read, or None."""
        now = LedgerReader(self.scenario, lambda: db)
        for year, run_id in sorted(self._runs_for.items()):
            if now.run_for(year) != run_id:
                return f"the current run for {year} is now {now.run_for(year)}, not {run_id}"
        if self._batches is not None and now.current_batches() != self._batches:
            return "the current import batches changed"
        return None

    def close(self) -> None:
        if self._db is not None:
            self._db.conn.close()
            self._db = None


def _net(rows: Iterable[tuple[str, str | None, int]]) -> Callable[[str | None], int]:
    """Sum (to, from, amount) rows: for no recipient what left the fund (money passed on counts once),
    for a recipient what it got less what it passed on."""
    listed = list(rows)

    def total(recipient: str | None) -> int:
        if recipient is None:
            return sum(amount for _to, via, amount in listed if via is None)
        return sum(amount for to, _v, amount in listed if to == recipient) - sum(
            amount for _t, via, amount in listed if via == recipient
        )

    return total
