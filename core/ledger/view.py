"""A read-only view of one run of the ledger, for reports.

Reports get Python objects from here and never write SQL themselves, so the
schema can evolve without breaking a department's plugin.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property
from pathlib import Path

from jobbsats.errors import JobbsatsError, LedgerError
from jobbsats.ledger.chain import batch_sums, check_batch, check_prognos, check_run, checked_sums, written_sums
from jobbsats.ledger.connection import Ledger
from jobbsats.ledger.tables import file_of, has_table, query, reads_ledger
from jobbsats.prognos.model import BoardForecast, PrognosBatch
from jobbsats.scenario import Decision, Recipient


@dataclass(frozen=True)
class RunInfo:
    id: int
    started_at: str
    user: str
    scenario: str
    config_path: str
    config_sha256: str
    decision: Decision
    versions: dict


@dataclass(frozen=True)
class FundInfo:
    id: str
    name: str
    wording: str
    shown_in: str = "kr"
    unit: str = "kr"  # kr: amounts in öre; otherwise whole units of this


@dataclass(frozen=True)
class AllocationRow:
    """One allocation of the run, with its recipients resolved."""

    year: int
    fund: FundInfo
    to: Recipient
    via: Recipient | None
    amount: int
    rule: str
    rule_label: str
    source: str
    label: str
    action: str
    point: int
    decision_ref: str
    recurring: tuple[int, int] | None
    agreements: tuple[str, ...]
    text: str | None


@dataclass(frozen=True)
class CarryRow:
    """An earlier year's money carried into ``year`` (signed: an overspend carried is below 0)."""

    year: int
    fund: FundInfo
    to: Recipient
    from_year: int
    amount: int
    rule: str
    rule_label: str
    source: str
    label: str
    point: int
    decision_ref: str
    text: str | None


@dataclass(frozen=True)
class FundYear:
    """A fund's total for one year of the run; ``total`` is None while not decided."""

    fund: FundInfo
    year: int
    total: int | None
    unallocated: int | None
    assumed: bool = False
    note: str = ""

    @property
    def decided(self) -> bool:
        return self.total is not None


@reads_ledger
def list_runs(db: Ledger) -> list[dict]:
    if not has_table(db, "runs"):
        return []
    sql = """select id, started_at, user, scenario, config_path, config_sha256, status, decision_json
             from runs order by id"""
    return list(query(db, sql))


@reads_ledger
def budget_roles(db: Ledger) -> dict[int, dict[int, int]]:
    """For each run, the years it decides a total for, each with the run that decided it first.

    The first run of a scenario that records a year is that year's original budget; every later
    run of the scenario for the year is a revision of it. ``{run: {year: first run}}``.
    """
    sql = """select t.run_id, t.year,
                    (select min(t2.run_id) from fund_totals t2 join runs r2 on r2.id = t2.run_id
                     where r2.scenario = r.scenario and t2.year = t.year and t2.total is not null) as first
             from fund_totals t join runs r on r.id = t.run_id
             where t.total is not null group by t.run_id, t.year order by t.run_id, t.year"""
    roles: dict[int, dict[int, int]] = {}
    for run_id, year, first in db.execute(sql).fetchall():
        roles.setdefault(run_id, {})[year] = first
    return roles


def role_text(run_id: int, years: dict[int, int]) -> str:
    """ "budget 2024 (original); 2025 revised (original in run 3)" for ``jobbsats runs``."""
    parts = [
        f"{year} original" if first == run_id else f"{year} revised (original: run {first})"
        for year, first in sorted(years.items())
    ]
    return "budget " + "; ".join(parts) if parts else ""


@dataclass(frozen=True)
class BatchInfo:
    """An import batch: what was read from which file, for which scenario, and whether a later batch replaced it."""

    id: int
    scenario: str
    started_at: str
    file_path: str
    file_sha256: str
    format: str
    rows_read: int
    control_total: int
    superseded_by: int | None
    rejected_rows: int = 0


@reads_ledger
def list_forecast_batches(db: Ledger) -> list[dict]:
    """Every board's forecast file imported (``jobbsats import prognos``), oldest first."""
    if not has_table(db, "prognos_batches"):
        return []
    return list(query(db, "select * from prognos_batches order by id"))


@reads_ledger
def list_batches(db: Ledger, as_of: str | None = None) -> list[BatchInfo]:
    """Every import batch in the ledger, oldest first, with the batch that supersedes it (if any).

    With ``as_of`` (YYYY-MM-DD), as the ledger held them at the end of that day.
    """
    day = as_of or "9999-12-31"
    sql = f"""select b.*, (select max(s.batch_id) from batch_supersedes s join import_batches later
                           on later.id = s.batch_id and {_ON_OR_BEFORE.format(t="later")}
                           where s.superseded_id = b.id) as by_id
              from import_batches b where {_ON_OR_BEFORE.format(t="b")} order by b.id"""
    params = {"day": day}
    return [
        BatchInfo(
            r["id"],
            r["scenario"],
            r["started_at"],
            r["file_path"],
            r["file_sha256"],
            r["format"],
            r["rows_read"],
            r["control_total"],
            r["by_id"],
            r["rejected_rows"],
        )
        for r in query(db, sql, params)
    ]


_ON_OR_BEFORE = "substr({t}.started_at, 1, 10) <= :day"


@reads_ledger
def latest_run_id(db: Ledger, as_of: str | None = None) -> int:
    """The newest run, or the newest made on or before the day ``as_of`` (YYYY-MM-DD, UTC).

    None there is the user's mistake (exit 1), not a ledger that cannot be read.
    """
    sql, params = "select max(id) as id from runs", []
    if as_of is not None:
        sql, params = sql + " where substr(started_at, 1, 10) <= ?", [as_of]
    row = next(query(db, sql, params), None) if has_table(db, "runs") else None
    if row and row["id"] is not None:
        return int(row["id"])
    first = db.execute("select min(id), substr(min(started_at), 1, 10) from runs").fetchone() if row else None
    if first is None or first[0] is None:
        raise JobbsatsError(f"{file_of(db)}: the ledger has no runs yet; run `jobbsats run` first")
    raise JobbsatsError(
        f"{file_of(db)}: --as-of {as_of}: the ledger has no run made on or before {as_of}; its first, "
        f"run {first[0]}, was made on {first[1]} (see `jobbsats runs`)"
    )


@dataclass(frozen=True)
class Difference:
    """A rule's per-line rounding in one fund and year: its rows add up to ``split + difference``."""

    fund: FundInfo
    year: int
    rule_label: str
    split: int
    difference: int


@dataclass(frozen=True)
class FinancingRow:
    """One financing line of a project, as the run recorded it; ``months`` maps (year, month) to öre."""

    line: int
    financier: str
    financier_name: str
    programme: str
    amount: int
    share: str
    in_kind: bool
    status: str
    decided: str
    reference: str
    condition: str
    state: str  # budget, villkorad, ansökt or utgår (see jobbsats.projects)
    reason: str
    note: str
    months: dict[tuple[int, int], int]


@dataclass(frozen=True)
class ProjectRow:
    """A project of the run with its financing plan; ``periodised_by`` is month, day or None (not periodised)."""

    id: str
    name: str
    case: str
    owner: str
    participants: tuple[str, ...]
    start: str
    end: str
    total: int | None
    periodised_by: str | None
    financing: tuple[FinancingRow, ...]


@dataclass(frozen=True)
class UtfallSum:
    """Booked utfall summed per year (and quarter), recipient, fund and project, from the current batches.

    ``fund`` and ``project`` are None for a recipient's other money.
    """

    year: int
    quarter: int | None
    recipient: str
    fund: str | None
    project: str | None
    amount: int
    rows: int
    purpose: str = ""  # the fund's purpose the rows were mapped to ("Ung i sommar"); "": the fund's own


class LedgerView:
    """One run of the ledger: its allocations, the funds' totals and its decision.

    What it hands out has been checked against the ledger's chain first: the run when
    the view is made, an import or forecast batch when it is first read. Rows changed
    behind jobbsats's back are refused (:class:`LedgerError`), never reported from.

    jobbsats makes the views and hands them to reports: ``db`` is its own connection to the ledger
    file (``jobbsats.ledger.connection.Ledger``: what is asked of it is a sqlite3 connection's
    ``execute`` and ``.conn``, which a sqlite-utils ``Database`` has too), never opened by a plugin.
    """

    @reads_ledger
    def __init__(self, db: Ledger, run_id: int | None = None, as_of: str | None = None):
        """One run: ``run_id``, else the newest, or the newest on or before the day ``as_of`` (YYYY-MM-DD).

        With ``as_of``, utfall is read as the ledger held it at the end of that day too: batches
        imported later, and the supersessions they made, are left out.
        """
        self._db = db
        # The batches checked against the chain so far, shared with the views this one makes: each once.
        self._checked: set[tuple[str, int]] = set()
        self._sums: list[tuple] | None = None  # see _booked
        self.as_of = as_of
        self.run_id = latest_run_id(db, as_of) if run_id is None else run_id
        rows = list(query(db, "select * from runs where id = ?", [self.run_id]))
        if not rows:
            raise JobbsatsError(f"{file_of(db)}: there is no run {self.run_id} in the ledger (see `jobbsats runs`)")
        r = rows[0]
        self.run = RunInfo(
            id=r["id"],
            started_at=r["started_at"],
            user=r["user"] or "",
            scenario=r["scenario"],
            config_path=r["config_path"],
            config_sha256=r["config_sha256"],
            decision=_decision(json.loads(r["decision_json"] or "{}")),
            versions=json.loads(r["versions_json"] or "{}"),
        )
        check_run(db, self.run_id)

    @reads_ledger
    def original_run(self, year: int) -> int | None:
        """The run that first decided ``year``'s budget for this run's scenario (this run, when it is the first)."""
        sql = """select min(t.run_id) from fund_totals t join runs r on r.id = t.run_id
                 where r.scenario = ? and t.year = ? and t.total is not null and t.run_id <= ?"""
        row = self._db.execute(sql, [self.run.scenario, year, self.run_id]).fetchone()
        return row[0] if row and row[0] is not None else None

    @reads_ledger
    def revisions(self, year: int) -> list[RunInfo]:
        """The runs after the original of ``year`` up to this one that revised it, oldest first."""
        first = self.original_run(year)
        if first is None:
            return []
        sql = """select distinct t.run_id from fund_totals t join runs r on r.id = t.run_id
                 where r.scenario = ? and t.year = ? and t.total is not null and t.run_id > ? and t.run_id <= ?
                 order by t.run_id"""
        ids = [r for (r,) in self._db.execute(sql, [self.run.scenario, year, first, self.run_id]).fetchall()]
        return [LedgerView(self._db, run_id).run for run_id in ids]

    def of_run(self, run_id: int) -> LedgerView:
        """Another run of the same ledger (an original budget, say), read as this one is."""
        view = LedgerView(self._db, run_id, self.as_of)
        view._checked = self._checked  # a batch checked for one of them is checked for both
        return view

    @reads_ledger
    def check_batch(self, batch_id: int) -> None:
        """Refuse import batch ``batch_id`` (:class:`LedgerError`) when its rows, its booked rows too, no longer
        match the ledger's chain: for a document that names a batch without reading its rows through this view."""
        self._check("booked", batch_id)

    def _check(self, kind: str, batch_id: int) -> None:
        """Refuse an import batch (``batch``: its own row and supersessions; ``booked``: its booked rows too)
        or a forecast batch (``prognos``) whose rows no longer match the ledger's chain; each once."""
        if (kind, batch_id) in self._checked or (kind == "batch" and ("booked", batch_id) in self._checked):
            return
        if kind == "prognos":
            check_prognos(self._db, batch_id)
        else:
            check_batch(self._db, batch_id, booked=kind == "booked")
        self._checked.add((kind, batch_id))

    @reads_ledger
    def later_runs(self) -> list[int]:
        """Runs of the ledger made after this one."""
        return [r for (r,) in self._db.execute("select id from runs where id > ? order by id", [self.run_id])]

    @property
    def file(self) -> str:
        """The ledger's file, for messages."""
        return file_of(self._db)

    @cached_property
    @reads_ledger
    def config(self) -> dict:
        """The run's scenario file as it was read then (TOML, decimals as Decimal), from the copy the run keeps.

        A plugin keeps its own data in its own section of the scenario file
        (declared with the ``config_schema`` hook, so it is checked when the run
        is made) and reads it back here: ``ledger.config.get("asf", {})``.
        """
        import tomli

        text = self._db.execute("select config_text from runs where id = ?", [self.run_id]).fetchone()[0]
        return tomli.loads(text, parse_float=Decimal)

    @property
    def config_folder(self) -> Path:
        """The folder (absolute) the run's scenario file was in: paths written in the file are relative to it."""
        return Path(self.run.config_path).parent

    @cached_property
    @reads_ledger
    def recipients(self) -> dict[str, Recipient]:
        rows = query(self._db, "select * from recipients where run_id = ? order by rowid", [self.run_id])
        return {r["id"]: Recipient(r["id"], r["name"], r["kind"], r["genitive"]) for r in rows}

    @cached_property
    @reads_ledger
    def funds(self) -> dict[str, FundInfo]:
        rows = query(self._db, "select * from funds where run_id = ?", [self.run_id])
        return {f["id"]: FundInfo(f["id"], f["name"], f["wording"], f["shown_in"], f["unit"]) for f in rows}

    @cached_property
    @reads_ledger
    def fund_years(self) -> list[FundYear]:
        # In the order the scenario lists its funds (the order they were written in).
        sql = """select t.* from fund_totals t join funds f on f.run_id = t.run_id and f.id = t.fund_id
                 where t.run_id = ? order by t.year, f.rowid"""
        return [
            FundYear(
                self.funds[r["fund_id"]],
                r["year"],
                r["total"],
                r["unallocated"],
                bool(r["assumed"]),
                r["note"],
            )
            for r in query(self._db, sql, [self.run_id])
        ]

    @cached_property
    @reads_ledger
    def rounding_differences(self) -> list[Difference]:
        sql = "select * from rounding_differences where run_id = ? order by year, fund_id, rule_index"
        return [
            Difference(self.funds[r["fund_id"]], r["year"], r["rule_label"], r["split"], r["difference"])
            for r in query(self._db, sql, [self.run_id])
        ]

    @cached_property
    @reads_ledger
    def projects(self) -> list[ProjectRow]:
        """The run's projects in file order, each with its financing lines and their months."""
        months: dict[tuple[str, int], dict[tuple[int, int], int]] = {}
        for r in query(self._db, "select * from project_periods where run_id = ? order by year, month", [self.run_id]):
            months.setdefault((r["project_id"], r["line"]), {})[(r["year"], r["month"])] = r["amount"]
        financiers = query(self._db, "select * from financiers where run_id = ?", [self.run_id])
        names = {r["id"]: r["name"] for r in financiers}
        lines: dict[str, list[FinancingRow]] = {}
        sql = "select * from project_financing where run_id = ? order by rowid"
        for r in query(self._db, sql, [self.run_id]):
            lines.setdefault(r["project_id"], []).append(
                FinancingRow(
                    line=r["line"],
                    financier=r["financier_id"],
                    financier_name=names.get(r["financier_id"], r["financier_id"]),
                    programme=r["programme"],
                    amount=r["amount"],
                    share=r["share"],
                    in_kind=bool(r["in_kind"]),
                    status=r["status"],
                    decided=r["decided"] or "",
                    reference=r["reference"],
                    condition=r["condition"],
                    state=r["state"],
                    reason=r["reason"],
                    note=r["note"],
                    months=months.get((r["project_id"], r["line"]), {}),
                )
            )
        return [
            ProjectRow(
                id=r["id"],
                name=r["name"],
                case=r["case_ref"],
                owner=r["owner"],
                participants=tuple(json.loads(r["participants"])),
                start=r["start_date"],
                end=r["end_date"],
                total=r["total"],
                periodised_by=r["periodised_by"],
                financing=tuple(lines.get(r["id"], ())),
            )
            for r in query(self._db, "select * from projects where run_id = ? order by rowid", [self.run_id])
        ]

    @cached_property
    @reads_ledger
    def reads(self) -> list[tuple[str, int]]:
        """What the run's rules read of the ledger: ("run", id) and ("batch", id), in order."""
        sql = "select kind, ref from run_reads where run_id = ? order by kind desc, ref"
        return [(kind, ref) for kind, ref in self._db.execute(sql, [self.run_id]).fetchall()]

    @cached_property
    @reads_ledger
    def batches(self) -> list[BatchInfo]:
        """Every import batch in the ledger (up to ``as_of``), oldest first, with the batch that supersedes it."""
        batches = list_batches(self._db, self.as_of)
        for batch in batches:
            self._check("batch", batch.id)
        return batches

    @reads_ledger
    def utfall(self, year: int | None = None, quarters: bool = False) -> list[UtfallSum]:
        """Utfall of the run's scenario from the batches no later batch supersedes, summed in one GROUP BY."""
        sums: dict[tuple, list[int]] = {}
        for _d, y, month, rid, fund, project, purpose, amount, rows in self._booked():
            if year is None or y == year:
                key = (y, (month + 2) // 3 if quarters else None, rid, fund, project, purpose or "")
                summed = sums.setdefault(key, [0, 0])
                summed[0] += amount
                summed[1] += rows
        return [
            UtfallSum(y, quarter, rid, fund, project, amount, rows, purpose)
            for (y, quarter, rid, fund, project, purpose), (amount, rows) in _in_order(sums)
        ]

    @property
    def years(self) -> list[int]:
        """Every year of the run's funds, decided or not."""
        return sorted({fy.year for fy in self.fund_years})

    @property
    def project_years(self) -> list[int]:
        """Every year some project of the run runs in."""
        return sorted({y for p in self.projects for y in range(int(p.start[:4]), int(p.end[:4]) + 1)})

    @property
    def decided_years(self) -> list[int]:
        """The years of the run that some fund has a total for."""
        return sorted({fy.year for fy in self.fund_years if fy.decided})

    @reads_ledger
    def carried(self, year: int | None = None) -> list[CarryRow]:
        """Earlier years' money carried into the run's years (or ``year``), in the order the rules gave it."""
        sql = "select * from carry_overs where run_id = ?" + (" and year = ?" if year is not None else "")
        params = [self.run_id, *([year] if year is not None else [])]
        return [
            CarryRow(
                year=r["year"],
                fund=self.funds[r["fund_id"]],
                to=self.recipients[r["to_id"]],
                from_year=r["from_year"],
                amount=r["amount"],
                rule=r["rule"],
                rule_label=r["rule_label"],
                source=r["source"],
                label=r["label"],
                point=r["point"],
                decision_ref=r["decision_ref"],
                text=r["text"],
            )
            for r in query(self._db, sql + " order by seq", params)
        ]

    def net_allocations(self, year: int | None = None) -> dict[tuple[int, str], int]:
        """Money (öre) per (year, recipient) as it ends up: what each got, less what it passed on to others,
        and what it carried into the year from an earlier one.

        Funds that count other things than kronor (platser) are left out.
        """
        out: dict[tuple[int, str], int] = {}
        for a in self.allocations(year):
            if a.fund.unit != "kr":
                continue
            out[(a.year, a.to.id)] = out.get((a.year, a.to.id), 0) + a.amount
            if a.via is not None:
                out[(a.year, a.via.id)] = out.get((a.year, a.via.id), 0) - a.amount
        for c in self.carried(year):  # an earlier year's money is the recipient's to use this year too
            if c.fund.unit == "kr":
                out[(c.year, c.to.id)] = out.get((c.year, c.to.id), 0) + c.amount
        return out

    @reads_ledger
    def allocations(self, year: int | None = None) -> list[AllocationRow]:
        sql = "select * from allocations where run_id = ?"
        params: list = [self.run_id]
        if year is not None:
            sql += " and year = ?"
            params.append(year)
        sql += " order by seq"
        return [self._row(r) for r in query(self._db, sql, params)]

    def _row(self, r: dict) -> AllocationRow:
        recurring = (r["recurring_from"], r["recurring_to"]) if r["recurring_from"] is not None else None
        missing = [
            f"{what} {r[key]!r}"
            for what, key, known in (("fund", "fund_id", self.funds), ("recipient", "to_id", self.recipients))
            if r[key] not in known
        ] + ([f"recipient {r['from_id']!r}"] if r["from_id"] and r["from_id"] not in self.recipients else [])
        if missing:  # only a ledger changed behind jobbsats's back holds such a row
            raise LedgerError(
                f"{file_of(self._db)}: run {self.run_id} is incomplete: an allocation names "
                f"{' and '.join(missing)}, which the run does not hold; run `jobbsats verify`"
            )
        return AllocationRow(
            year=r["year"],
            fund=self.funds[r["fund_id"]],
            to=self.recipients[r["to_id"]],
            via=self.recipients[r["from_id"]] if r["from_id"] else None,
            amount=r["amount"],
            rule=r["rule"],
            rule_label=r["rule_label"] or r["rule"],
            source=r["source"],
            label=r["label"] or "",
            action=r["action"],
            point=r["point"],
            decision_ref=r["decision_ref"] or "",
            recurring=recurring,
            agreements=tuple(json.loads(r["agreements"] or "[]")),
            text=r["text"],
        )

    # -- for the prognos report (year-end forecasts)

    def _booked(self) -> list[tuple]:
        """The current batches' booked rows (see :meth:`utfall`) summed per :data:`SUMS_GRAIN` (day, year, month,
        recipient, fund, project, purpose), each group with its sum and rows, read once for every method here:
        as each batch's import wrote them (``utfall_sums``), checked against the ledger's chain; a batch sealed
        without sums is summed from its rows, every one of them checked."""
        if self._sums is None:
            current = [b.id for b in self.batches if b.superseded_by is None and b.scenario == self.run.scenario]
            self._sums = []
            for batch_id in current:
                if ("sums", batch_id) in self._checked:  # by another view of the same ledger (of_run)
                    self._sums += written_sums(self._db, batch_id)
                elif ("booked", batch_id) in self._checked:
                    self._sums += batch_sums(self._db, batch_id)
                else:
                    groups, written = checked_sums(self._db, batch_id)
                    self._sums += groups
                    # Its own row and supersessions were checked with them; its rows too when not written.
                    self._checked |= {("batch", batch_id), ("sums" if written else "booked", batch_id)}
        return self._sums

    @reads_ledger
    def monthly_utfall(
        self, year: int, through: str | None = None
    ) -> dict[tuple[int, str, str | None, str | None, str], int]:
        """Utfall of the run's scenario in ``year`` from the current batches, booked on or before the day
        ``through`` (YYYY-MM-DD; every day when None), in öre by (month, recipient, fund, project, purpose).

        ``fund`` and ``project`` are None for a recipient's other money; purpose "" is the fund's own.
        """
        sums: dict[tuple, list[int]] = {}
        for day, y, month, rid, fund, project, purpose, amount, _rows in self._booked():
            if y == year and (through is None or day <= through):
                sums.setdefault((month, rid, fund, project, purpose or ""), [0])[0] += amount
        return {key: amount for key, (amount,) in _in_order(sums)}

    @reads_ledger
    def project_utfall(self, year: int | None = None) -> dict[tuple[str, str, int, int], int]:
        """Utfall mapped to projects from the run's scenario's current batches, in öre by
        (project, recipient, year, month)."""
        sums: dict[tuple, list[int]] = {}
        for _d, y, month, rid, _fund, project, _purpose, amount, _rows in self._booked():
            if project is not None and (year is None or y == year):
                sums.setdefault((project, rid, y, month), [0])[0] += amount
        return {key: amount for key, (amount,) in _in_order(sums)}

    @reads_ledger
    def last_booking_date(self, year: int | None = None) -> str | None:
        """The last day (YYYY-MM-DD) the run's scenario's current batches book a row on, in ``year`` or any."""
        return max((g[0] for g in self._booked() if year is None or g[1] == year), default=None)

    @reads_ledger
    def prognos_batches(self, year: int | None = None) -> list[PrognosBatch]:
        """The boards' forecast files imported for the run's scenario (up to ``as_of``; of ``year``), oldest first."""
        if not has_table(self._db, "prognos_batches"):
            return []
        sql = f"""select * from prognos_batches b where scenario = :scenario and {_ON_OR_BEFORE.format(t="b")}
                  {"and year = :year" if year is not None else ""} order by id"""
        params = {"scenario": self.run.scenario, "day": self.as_of or "9999-12-31", "year": year}
        batches = [
            PrognosBatch(
                id=r["id"],
                started_at=r["started_at"],
                user=r["user"],
                file_path=r["file_path"],
                file_name=r["file_name"],
                file_sha256=r["file_sha256"],
                scenario=r["scenario"],
                run_id=r["run_id"],
                year=r["year"],
                rows_read=r["rows_read"],
                control_total=r["control_total"],
            )
            for r in query(self._db, sql, params)
        ]
        for batch in batches:
            self._check("prognos", batch.id)
        return batches

    @reads_ledger
    def board_forecasts(self, year: int) -> list[BoardForecast]:
        """The boards' own forecasts for ``year`` of the run's scenario: for each recipient, fund and purpose
        the one in the newest forecast batch (up to ``as_of``) that gives it, in the order of its file."""
        batches = {b.id: b for b in self.prognos_batches(year)}
        if not batches:
            return []
        marks = ", ".join("?" * len(batches))
        sql = f"select * from prognos_rows where batch_id in ({marks}) order by batch_id, rowid"
        newest: dict[tuple[str, str, str], BoardForecast] = {}
        for r in query(self._db, sql, list(batches)):
            key = (r["recipient_id"], r["fund_id"], r["purpose"])
            newest.pop(key, None)  # a later batch's line takes the place of an earlier one's
            newest[key] = BoardForecast(
                r["recipient_id"],
                r["fund_id"],
                r["purpose"],
                r["amount"],
                r["comment"],
                r["line"],
                batches[r["batch_id"]],
            )
        return list(newest.values())


def _in_order(sums: dict[tuple, list[int]]) -> list[tuple[tuple, list[int]]]:
    """``sums`` by key as SQLite orders such keys: None (no fund, no quarter) before any value."""
    return sorted(sums.items(), key=lambda item: [(v is not None, 0 if v is None else v) for v in item[0]])


def _decision(d: dict) -> Decision:
    return Decision(
        ref=d.get("ref", ""),
        decider=d.get("decider", ""),
        preamble=tuple(d.get("preamble", ())),
        closing=tuple(d.get("closing", ())),
        first_point=d.get("first_point", 1),
        date=d.get("date", ""),
    )
