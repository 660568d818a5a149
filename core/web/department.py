"""What a department's start page shows, read from the ledger: its budget, utfall, remaining and forecast per
year and line, what it was allocated, and the projects it helps finance.

Plain ``sqlite3`` on the connection Datasette lends (read-only), so the figures can be checked without a
server. The budget comes from the ``web_budget`` view; the utfall is summed here from the booked rows of the
recipient alone, through the ledger's index on (batch, year, recipient), because the views sum every
recipient's rows and a department's page must answer quickly on a ledger of millions of rows. The forecast
is :mod:`jobbsats.prognos.forecast`'s linear one, from the same cut day the ``prognos`` report takes (the
last day the scenario's current batches book on in the year), unless the board's own forecast is in the
ledger: the figures of ``jobbsats report prognos`` and of the ``web_prognos`` view.
"""

from __future__ import annotations

import datetime
import sqlite3
from dataclasses import dataclass, field
from fractions import Fraction

from jobbsats.prognos.forecast import LINEAR, compute


def title(name: str) -> str:
    """A name as it starts a line: its first letter upper case (names are stored as they read mid-sentence,
    "arbetsmarknads- och socialnämnden"; SQLite's upper() leaves Å, Ä and Ö as they are)."""
    return name[:1].upper() + name[1:]


@dataclass
class Line:
    """One fund and purpose of the recipient's year; amounts in öre."""

    fund_id: str
    fund: str
    purpose: str
    budget: int
    utfall: int
    forecast: int | None
    method: str  # "linear", "board" or "none" (no utfall in the year to project from)
    comment: str = ""
    original: int = 0  # the budget as the year's first run decided it

    @property
    def remaining(self) -> int:
        return self.budget - self.utfall

    @property
    def used(self) -> Fraction | None:
        """The share of the budget used (None when there is no budget)."""
        return Fraction(self.utfall, self.budget) if self.budget else None


@dataclass
class Year:
    """A year of a scenario as its current run has it, for one recipient."""

    scenario: str
    year: int
    run_id: int
    cut_day: str | None
    lines: list[Line] = field(default_factory=list)
    original_run_id: int | None = None
    other: int = 0  # utfall booked on the recipient's other money (no fund), öre
    other_rows: int = 0

    def total(self, attribute: str) -> int | None:
        values = [getattr(line, attribute) for line in self.lines]
        return None if any(v is None for v in values) else sum(values)

    @property
    def revised(self) -> bool:
        """Whether a later run changed this recipient's budget for the year."""
        return any(line.original != line.budget for line in self.lines)

    @property
    def used(self) -> Fraction | None:
        budget = self.total("budget") or 0
        return Fraction(self.total("utfall") or 0, budget) if budget else None


@dataclass
class Allocation:
    scenario: str
    year: int
    fund: str
    purpose: str
    amount: int
    unit: str
    via: str | None
    rule: str
    decision_ref: str
    point: int


@dataclass
class ProjectLine:
    scenario: str
    project: str
    case_ref: str
    start_date: str
    end_date: str
    amount: int
    in_kind: bool
    status: str
    state: str
    reason: str


@dataclass
class Department:
    """A recipient's start page: ``id`` and ``name`` (as it starts a line), and what it has, by scenario."""

    id: str
    name: str
    kind: str
    years: list[Year]
    allocations: list[Allocation]
    projects: list[ProjectLine]
    runs: dict[str, int]  # scenario -> its newest run, which its reports are made from


def departments(conn: sqlite3.Connection) -> list[tuple[str, str, str]]:
    """Every recipient of a scenario's newest run: (scenario, id, name as it starts a line), in the run's order."""
    sql = """select r.scenario, c.id, c.name from recipients c join runs r on r.id = c.run_id
             where c.run_id = (select max(n.id) from runs n where n.scenario = r.scenario)
             order by r.scenario, c.rowid"""
    return [(scenario, rid, title(name)) for scenario, rid, name in conn.execute(sql)]


class Memo:
    """What each import batch's booked rows add up to, kept between pages: per year and recipient, the sums and
    counts by fund and purpose; per year, the last booking day. A batch's rows never change once written (the
    ledger is append-only, and a batch's rows land in one transaction), so a figure found once holds for good,
    and a superseding batch is another batch."""

    def __init__(self) -> None:
        self.sums: dict[tuple[int, int, str], dict[tuple[str | None, str], tuple[int, int]]] = {}
        self.days: dict[tuple[int, int], str | None] = {}
        self.scanned: set[int] = set()  # batches whose every row fill() summed

    def fill(self, conn: sqlite3.Connection) -> None:
        """Every batch's figures from the sums its import wrote beside its rows (``utfall_sums``, a few hundred
        rows a month however many were booked): what a server does once when it starts, so that no department's
        page waits for them. A batch imported before those sums were written is summed from its rows, through
        the index, when a page first asks for it."""
        for batch, year, recipient, fund, purpose, amount, count, day in conn.execute(
            """select batch_id, year, recipient_id, fund_id, coalesce(purpose, ''), sum(amount), sum(rows), max(date)
               from utfall_sums group by batch_id, year, recipient_id, fund_id, coalesce(purpose, '')"""
        ):
            self.sums.setdefault((batch, year, recipient), {})[(fund, purpose)] = (amount, count)
            last = self.days.get((batch, year))
            self.days[(batch, year)] = day if last is None or day > last else last
            self.scanned.add(batch)

    def sums_of(
        self, conn: sqlite3.Connection, batch: int, year: int, recipient: str
    ) -> dict[tuple[str | None, str], tuple[int, int]]:
        """The recipient's sums and counts in ``batch`` and ``year``, by fund (None: its other money) and purpose."""
        key = (batch, year, recipient)
        if key not in self.sums:
            if batch in self.scanned:
                return {}  # the batch was summed whole, and has no row of this recipient and year
            # The index on (batch_id, year, recipient_id) finds exactly the rows.
            self.sums[key] = {
                (fund, purpose): (amount, count)
                for fund, purpose, amount, count in conn.execute(
                    """select fund_id, coalesce(purpose, ''), sum(amount), count(*) from utfall
                       where batch_id = ? and year = ? and recipient_id = ? group by fund_id, coalesce(purpose, '')""",
                    [batch, year, recipient],
                )
            }
        return self.sums[key]

    def day_of(self, conn: sqlite3.Connection, batch: int, year: int) -> str | None:
        """The last day ``batch`` books a row on in ``year`` (None: it has none)."""
        if (batch, year) not in self.days:
            if batch in self.scanned:
                return None
            sql = "select max(date) from utfall where batch_id = ? and year = ?"
            self.days[(batch, year)] = conn.execute(sql, [batch, year]).fetchone()[0]
        return self.days[(batch, year)]


def department(conn: sqlite3.Connection, recipient_id: str, memo: Memo | None = None) -> Department | None:
    """The start page of ``recipient_id``, or None when no scenario's newest run knows it; ``memo`` keeps what
    the booked rows add up to between calls (see :class:`Memo`)."""
    known = conn.execute(
        """select r.scenario, r.id, c.name, c.kind from recipients c join runs r on r.id = c.run_id
           where c.id = ? and r.id = (select max(n.id) from runs n where n.scenario = r.scenario)
           order by r.id desc""",
        [recipient_id],
    ).fetchall()
    if not known:
        return None
    runs = {scenario: run_id for scenario, run_id, _name, _kind in known}
    memo = Memo() if memo is None else memo
    years = [
        _year(conn, recipient_id, scenario, year, run_id, memo, original)
        for scenario, year, run_id, original in _years(conn, runs)
    ]
    return Department(
        id=recipient_id,
        name=title(known[0][2]),
        kind=known[0][3],
        years=[y for y in years if y.lines or y.other_rows],
        allocations=_allocations(conn, recipient_id),
        projects=_projects(conn, recipient_id),
        runs=runs,
    )


def _years(conn: sqlite3.Connection, runs: dict[str, int]) -> list[tuple[str, int, int, int]]:
    marks = ", ".join("?" * len(runs))
    sql = f"""select scenario, year, run_id, original_run_id from web_runs where scenario in ({marks})
              order by scenario, year"""
    return [tuple(row) for row in conn.execute(sql, list(runs))]


def _current_batches(conn: sqlite3.Connection, scenario: str) -> list[int]:
    sql = """select id from import_batches b where scenario = ?
             and not exists (select 1 from batch_supersedes s where s.superseded_id = b.id) order by id"""
    return [row[0] for row in conn.execute(sql, [scenario])]


def _year(
    conn: sqlite3.Connection,
    recipient_id: str,
    scenario: str,
    year: int,
    run_id: int,
    memo: Memo,
    original_run_id: int | None = None,
) -> Year:
    budget: dict[tuple[str, str], int] = {}
    original: dict[tuple[str, str], int] = {}
    names: dict[str, str] = {}
    for fund_id, fund, purpose, amount, first in conn.execute(
        """select fund_id, fund, purpose, budget_ore, budget_original_ore from web_budget
           where scenario = ? and year = ? and recipient_id = ? order by fund_id, purpose""",
        [scenario, year, recipient_id],
    ):
        if amount:
            budget[(fund_id, purpose)] = amount
        original[(fund_id, purpose)] = first
        names[fund_id] = fund
    booked: dict[tuple[str, str], int] = {}
    other = other_rows = 0
    days: list[str] = []
    for batch in _current_batches(conn, scenario):
        for (fund_id, purpose), (amount, count) in memo.sums_of(conn, batch, year, recipient_id).items():
            if fund_id is None:  # the recipient's other money, beside the funds
                other, other_rows = other + amount, other_rows + count
            else:
                booked[(fund_id, purpose)] = booked.get((fund_id, purpose), 0) + amount
        day = memo.day_of(conn, batch, year)
        if day is not None:
            days.append(day)
    cut_day = max(days) if days else None
    board = _board(conn, recipient_id, scenario, year)
    for fund_id, fund in conn.execute("select id, name from funds where run_id = ?", [run_id]):
        names.setdefault(fund_id, fund)  # a fund booked on without a budget line here
    cut = datetime.date.fromisoformat(cut_day) if cut_day else None
    lines = []
    revised_away = sorted(k for k, v in original.items() if v and k not in budget)  # a line a revision took off
    keys = [*budget, *revised_away]
    keys += sorted(set(booked) - set(keys))
    keys += sorted(set(board) - set(keys))
    for key in keys:
        fund_id, purpose = key
        utfall = booked.get(key, 0)
        if key in board:
            forecast, method, comment = board[key][0], "board", board[key][1]
        else:
            computed = compute(utfall, cut, LINEAR)
            forecast, method, comment = computed.amount, computed.method, ""
        lines.append(
            Line(
                fund_id,
                names.get(fund_id, fund_id),
                purpose,
                budget.get(key, 0),
                utfall,
                forecast,
                method,
                comment,
                original.get(key, 0),
            )
        )
    return Year(scenario, year, run_id, cut_day, lines, original_run_id, other, other_rows)


def _board(conn: sqlite3.Connection, recipient_id: str, scenario: str, year: int) -> dict[tuple[str, str], tuple]:
    """The board's own forecast per fund and purpose: the line of the newest forecast batch that gives it."""
    sql = """select r.fund_id, r.purpose, r.amount, r.comment from prognos_rows r
             join prognos_batches b on b.id = r.batch_id
             where b.scenario = ? and b.year = ? and r.recipient_id = ? order by b.id, r.rowid"""
    return {
        (fund, purpose): (amount, comment)
        for fund, purpose, amount, comment in conn.execute(sql, [scenario, year, recipient_id])
    }


def _allocations(conn: sqlite3.Connection, recipient_id: str) -> list[Allocation]:
    sql = """select scenario, year, fund, purpose, amount, unit, via, rule, decision_ref, point
             from web_allocations where recipient_id = ? and current order by scenario, year, seq"""
    return [Allocation(*row) for row in conn.execute(sql, [recipient_id])]


def _projects(conn: sqlite3.Connection, recipient_id: str) -> list[ProjectLine]:
    sql = """select scenario, project, case_ref, start_date, end_date, amount_ore, in_kind, status, state, reason
             from web_projects where financier_id = ? and current order by scenario, project_id, line"""
    return [
        ProjectLine(scenario, project, case_ref, start, end, amount, bool(in_kind), status, state, reason)
        for scenario, project, case_ref, start, end, amount, in_kind, status, state, reason in conn.execute(
            sql, [recipient_id]
        )
    ]
