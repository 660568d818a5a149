"""``prognos``: the year-end forecast (helårsprognos) per recipient, fund and purpose for one year.

Per line (recipient, fund, purpose; "" is the fund's own): the budget from the run (what the recipient
got in kronor, less what it passed on, with what it carried into the year, as in ``aterrapportering``),
the utfall booked as that money up to the cut day, the forecast for the whole year, the deviation
(budget less forecast: above 0 money is expected to be left, below 0 the budget to be overrun) and the
method that gave the forecast.

The cut day is the last day the run's scenario's current import batches book a row on in the year, or
the day ``--to-day`` gives; ``--as-of`` keeps its meaning (the ledger as it stood that day). The
forecast (see :mod:`jobbsats.prognos.forecast`) is ``--method linear`` (the default: by days elapsed)
or ``--method profile`` (by the previous year's monthly pattern, from the same scenario's utfall); a
board's own forecast, imported with ``jobbsats import prognos``, overrides the computed one for its
line and is marked ``nämndens prognos``, with its comment and the file it came from. Forecasts are
exact to the öre (rounded half up once); the running text shows whole kronor, and its deviation is the
shown budget less the shown forecast, so that the sentence adds up as written (the table's is exact).

The html format draws the cumulative utfall by month against the budget, with the forecast's path to
December.
"""

from __future__ import annotations

import datetime
import re
from collections import defaultdict
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

from jobbsats.contracts import FUND_OPTION, RECIPIENT_OPTION, ReportOption, ReportOptions
from jobbsats.document import Chart, Column, Document, Series, Table
from jobbsats.errors import JobbsatsError
from jobbsats.ledger.view import LedgerView
from jobbsats.money import KRONOR, NBSP, format_units, round_half_up
from jobbsats.prognos.forecast import (
    LINEAR,
    METHODS,
    MONTHS,
    PROFILE,
    Computed,
    compute,
    days_in,
    elapsed,
    path,
)
from jobbsats.prognos.model import BoardForecast, PrognosBatch
from jobbsats.reports.amounts import net_lines
from jobbsats.reports.header import MONTHS as MONTH_NAMES
from jobbsats.reports.header import header_lines, swedish_time
from jobbsats.reports.names import listed
from jobbsats.reports.selection import Selection

BOARD = "board"
METHOD_OPTION = ReportOption(
    "method",
    "How the forecast is computed: linear (by days elapsed, the default) or profile (by the previous "
    "year's monthly pattern).",
    allowed=METHODS,
)
TO_DAY_OPTION = ReportOption(
    "to_day", "Utfall to date up to and including this day, YYYY-MM-DD (default: the last booking day of the year)."
)
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")

Line = tuple[str, str, str]  # (recipient id, fund id, purpose; "" is the fund's own)


def _whole(ore: int) -> int:
    """``ore`` rounded half up to whole kronor (still in öre): what the running text shows."""
    return round_half_up(Fraction(ore, 100)) * 100


def _kr(ore: int) -> str:
    """Whole kronor for running text: ``12 065 934 kr`` (the öre rounded half up)."""
    return format_units(_whole(ore), unit_sep=NBSP)


def _signed(ore: int) -> str:
    """A deviation in whole kronor with its sign: ``+14 125 499 kr``; ``ore`` is already whole kronor."""
    return ("+" if ore > 0 else "") + format_units(ore, unit_sep=NBSP)


@dataclass
class _Budget:
    """The year's budget per line, the order the run gives its lines in, and who passed money on to whom."""

    amounts: dict[Line, int]
    rank: dict[tuple[str, str], int]
    passed_by: dict[str, set[str]]


def _budget(ledger: LedgerView, year: int, selection: Selection) -> _Budget:
    """What each recipient has to use in ``year`` per fund and purpose: what it got, less what it passed on
    (taken from the line it was given out of, else from the grant's own purpose), and what it carried in."""
    allocations = [a for a in ledger.allocations(year) if a.fund.unit == KRONOR and selection.takes_fund(a.fund.id)]
    carried = [c for c in ledger.carried(year) if c.fund.unit == KRONOR and selection.takes_fund(c.fund.id)]
    amounts: dict[Line, int] = defaultdict(int)
    for (_year, rid, fund, purpose), amount in net_lines(allocations, carried).items():
        amounts[(rid, fund, purpose)] += amount
    rank: dict[tuple[str, str], int] = {}
    for fund_id, label in [(a.fund.id, a.label) for a in allocations] + [(c.fund.id, c.label) for c in carried]:
        rank.setdefault((fund_id, label), len(rank))
    passed_by: dict[str, set[str]] = defaultdict(set)
    for a in allocations:
        if a.via is not None:
            passed_by[a.to.id].add(a.via.id)
    return _Budget(dict(amounts), rank, passed_by)


def _day(value: str | None) -> datetime.date | None:
    if value is None:
        return None
    try:
        if not _DAY.fullmatch(value):
            raise ValueError
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise JobbsatsError(f"--to-day: {value!r} is not a day of the calendar written YYYY-MM-DD") from None


def _year(ledger: LedgerView, asked: int | None, to_day: datetime.date | None) -> int:
    """The year asked for; else the year of ``--to-day``; else the year of the last booking; else the first
    year with a budget."""
    years = ledger.years
    if to_day is not None:
        if asked is not None and to_day.year != asked:
            raise JobbsatsError(f"--to-day {to_day} is not a day of {asked}, the year asked for")
        if to_day.year not in years:
            shown = ", ".join(str(y) for y in years)
            raise JobbsatsError(f"--to-day {to_day}: run {ledger.run_id} has no year {to_day.year} (years: {shown})")
        return to_day.year
    if asked is not None:
        return asked
    last = ledger.last_booking_date()
    if last is not None and int(last[:4]) in years:
        return int(last[:4])
    if not years:  # a run of projects alone: no fund, no budget to forecast against
        raise JobbsatsError(
            f"run {ledger.run_id} allocates no fund, so there is no budget to forecast; see the report projekt"
        )
    return (ledger.decided_years or years)[0]  # a run has a year for every fund total, decided or not


@dataclass
class _Line:
    """One row's figures."""

    line: Line
    budget: int
    to_date: int
    computed: Computed
    board: BoardForecast | None

    @property
    def forecast(self) -> int | None:
        return self.board.amount if self.board is not None else self.computed.amount

    @property
    def method(self) -> str:
        return BOARD if self.board is not None else self.computed.method


class Prognos:
    """The ``prognos`` report: budget, utfall to date, forecast, deviation and method for a year."""

    name = "prognos"
    options = (RECIPIENT_OPTION, FUND_OPTION, METHOD_OPTION, TO_DAY_OPTION)
    description = "Helårsprognos: budget, utfall hittills, prognos, avvikelse och metod per mottagare och ändamål."

    def build(self, ledger: LedgerView, options: ReportOptions) -> Document:
        selection = Selection.of(options)
        method = options.get("method") or LINEAR
        if method not in METHODS:
            raise JobbsatsError(f"--method: unknown method {method!r} (methods: {', '.join(METHODS)})")
        to_day = _day(options.get("to_day"))
        year = _year(ledger, options.year, to_day)
        last = ledger.last_booking_date(year)
        cut = to_day or (datetime.date.fromisoformat(last) if last else None)

        budget = _budget(ledger, year, selection)
        months: dict[Line, dict[int, int]] = defaultdict(dict)  # utfall to the cut day, by month
        if cut is not None:
            for (month, rid, fund, _project, purpose), amount in ledger.monthly_utfall(year, cut.isoformat()).items():
                if fund is not None and selection.takes_fund(fund):
                    months[(rid, fund, purpose)][month] = months[(rid, fund, purpose)].get(month, 0) + amount
        previous: dict[Line, dict[int, int]] = defaultdict(dict)
        if method == PROFILE:
            for (month, rid, fund, _project, purpose), amount in ledger.monthly_utfall(year - 1).items():
                if fund is not None:
                    previous[(rid, fund, purpose)][month] = previous[(rid, fund, purpose)].get(month, 0) + amount
        board = {
            (b.recipient, b.fund, b.purpose): b for b in ledger.board_forecasts(year) if selection.takes_fund(b.fund)
        }

        order = {rid: i for i, rid in enumerate(ledger.recipients)}
        shown = {
            line
            for line in [*(k for k, v in budget.amounts.items() if v), *months, *board]
            if selection.takes_any([line[0], *budget.passed_by.get(line[0], ())])
        }
        lines = sorted(
            shown,
            key=lambda ln: (order.get(ln[0], len(order)), ln[0], budget.rank.get((ln[1], ln[2]), len(budget.rank)), ln),
        )
        figures = []
        for line in lines:
            to_date = sum(months.get(line, {}).values())
            computed = compute(to_date, cut, method, previous.get(line))
            figures.append(_Line(line, budget.amounts.get(line, 0), to_date, computed, board.get(line)))

        names = {rid: r.title for rid, r in ledger.recipients.items()}
        funds = {f.id: f.name for f in ledger.funds.values()}
        table = _table(year, figures, names, funds)
        paragraphs = [*header_lines(ledger, options), *_source(ledger, year, cut, to_day is not None)]
        if note := selection.note(ledger, "Summorna gäller raderna som visas." if selection.by_recipient else ""):
            paragraphs.append(note)
        paragraphs += _method(method, year, cut)
        paragraphs += _boards([f.board for f in figures if f.board is not None])
        paragraphs += _summaries(figures, names, funds)
        charts = [_chart(year, figures, months, cut)] if cut is not None and figures else []
        return Document(
            report=self.name, title=f"Helårsprognos {year}", tables=[table], paragraphs=paragraphs, charts=charts
        )


def _method_name(f: _Line, year: int) -> str:
    if f.board is not None:
        return "nämndens prognos"
    c = f.computed
    if c.method == PROFILE:
        return f"profil ({year - 1})"
    if c.method == LINEAR:
        return f"linjär ({c.note})" if c.note else "linjär"
    return "ingen prognos (inget utfall)"


def _table(year: int, figures: list[_Line], names: dict[str, str], funds: dict[str, str]) -> Table:
    several = len({f.line[1] for f in figures}) > 1
    table = Table(
        name="prognos",
        title=f"Helårsprognos {year}",
        columns=[
            Column("recipient", "Mottagare"),
            *([Column("fund", "Fond")] if several else []),
            Column("purpose_name", "Ändamål"),
            Column("budget_ore", "Budget (kr)", "money"),
            Column("utfall_ore", "Utfall hittills (kr)", "money"),
            Column("forecast_ore", "Prognos (kr)", "money"),
            Column("deviation_ore", "Avvikelse (kr)", "money"),
            Column("method_name", "Metod"),
            Column("comment", "Kommentar"),
        ],
    )
    for f in figures:
        rid, fund, purpose = f.line
        forecast = f.forecast
        table.rows.append(
            {
                "year": year,
                "recipient_id": rid,
                "recipient": names.get(rid, rid),
                "fund_id": fund,
                "fund": funds.get(fund, fund),
                "purpose": purpose,
                "purpose_name": purpose or funds.get(fund, fund),
                "budget_ore": f.budget,
                "utfall_ore": f.to_date,
                "forecast_ore": forecast,
                "deviation_ore": None if forecast is None else f.budget - forecast,
                "method": f.method,
                "method_name": _method_name(f, year),
                "comment": f.board.comment if f.board is not None else "",
                "computed_ore": f.computed.amount,
                "prognos_batch": f.board.batch.id if f.board is not None else None,
            }
        )
    forecasts = [f.forecast for f in figures]
    total = None if any(x is None for x in forecasts) else sum(x for x in forecasts if x is not None)
    budget = sum(f.budget for f in figures)
    table.totals = [
        {
            "recipient": "Summa",
            "budget_ore": budget,
            "utfall_ore": sum(f.to_date for f in figures),
            "forecast_ore": total,
            "deviation_ore": None if total is None else budget - total,
        }
    ]
    return table


def _source(ledger: LedgerView, year: int, cut: datetime.date | None, given: bool) -> list[str]:
    batches = [b for b in ledger.batches if b.superseded_by is None and b.scenario == ledger.run.scenario]
    sources = ", ".join(f"import {b.id} ({Path(b.file_path).name})" for b in batches) or "ingen import"
    head = f"Budget ur körning {ledger.run.id} ({ledger.run.scenario})"
    if cut is None:
        return [
            f"{head}. Inget utfall är bokfört för {year} i scenariots importer ({sources}), så ingen prognos "
            "kan räknas fram; ange en dag med --to-day för att räkna från den."
        ]
    which = "den dag som angavs" if given else "den sista bokföringsdagen"
    return [
        f"{head}; utfall hittills ur {sources} till och med {cut.isoformat()}, {which} "
        f"(dag {elapsed(cut)} av {days_in(year)})."
    ]


def _method(method: str, year: int, cut: datetime.date | None) -> list[str]:
    if cut is None:
        return []
    if method == PROFILE:
        month = MONTH_NAMES[cut.month - 1]
        said = (
            f"Metod: profil. Utfallet hittills delas med den andel av radens utfall {year - 1} som var bokförd "
            f"vid samma tid på året (hela månader före {month} och av {month} de dagar som gått), så att en "
            f"satsning som bokförs under några månader inte räknas som en rak linje. En rad utan utfall "
            f"{year - 1} att följa räknas linjärt och är märkt så."
        )
    else:
        said = (
            f"Metod: linjär. Utfallet hittills räknas upp till helår efter förfluten tid "
            f"({days_in(year)}/{elapsed(cut)} dagar)."
        )
    return [
        said,
        "Prognosen avrundas halvt uppåt till hela öre, i texten till hela kronor. Avvikelse är budget minus "
        "prognos: över noll väntas medel bli kvar, under noll väntas budgeten överskridas. I texten är "
        "avvikelsen skillnaden mellan de avrundade beloppen; tabellen visar den exakt.",
    ]


def _boards(forecasts: list[BoardForecast]) -> list[str]:
    """Where each board's own forecast comes from: file, sha256, who imported it and when."""
    used: dict[int, list[BoardForecast]] = defaultdict(list)
    batches: dict[int, PrognosBatch] = {}
    for b in forecasts:
        used[b.batch.id].append(b)
        batches[b.batch.id] = b.batch
    out = []
    for batch_id, rows in sorted(used.items()):
        batch = batches[batch_id]
        count = f"{len(rows)} rad" + ("" if len(rows) == 1 else "er")
        who = f" av {batch.user}" if batch.user else ""
        out.append(
            f"Nämndens egen prognos ersätter den beräknade på {count} (metod ”nämndens prognos”): "
            f"prognosimport {batch.id}, filen {batch.file_name} (sha256 {batch.file_sha256}), "
            f"importerad {swedish_time(batch.started_at)}{who}, kontrollerad mot körning {batch.run_id}."
        )
    return out


def _summaries(figures: list[_Line], names: dict[str, str], funds: dict[str, str]) -> list[str]:
    """A sentence per recipient, in whole kronor."""
    per: dict[str, list[_Line]] = defaultdict(list)
    for f in figures:
        per[f.line[0]].append(f)
    out = []
    for rid, rows in per.items():
        budget = sum(f.budget for f in rows)
        to_date = sum(f.to_date for f in rows)
        text = f"{names.get(rid, rid)}: budget {_kr(budget)}, utfall hittills {_kr(to_date)}"
        forecasts = [f.forecast for f in rows]
        if all(x is None for x in forecasts):
            out.append(text + "; ingen prognos.")
            continue
        if any(x is None for x in forecasts):
            # No sum for the recipient: a line without a forecast (no utfall yet, no forecast of the board's own)
            # is not zero. What the lines with one say is said with their names.
            def named(lines: list[_Line]) -> str:
                return listed(f.line[2] or funds.get(f.line[1], f.line[1]) for f in lines)

            given, missing = [f for f in rows if f.forecast is not None], [f for f in rows if f.forecast is None]
            known = sum(f.forecast or 0 for f in given)
            out.append(f"{text}; prognos {_kr(known)} för {named(given)}, ingen prognos för {named(missing)}.")
            continue
        forecast = sum(x for x in forecasts if x is not None)
        # Each figure is rounded to whole kronor on its own, so the exact deviation rounded could differ by
        # a krona from the difference of the figures shown (22 056 000 kr less 7 930 500,50 kr is
        # 14 125 499,50 kr, rounded 14 125 500 kr, while 22 056 000 - 7 930 501 = 14 125 499): the sentence
        # takes the difference of the rounded figures, so it adds up as a reader checks it. The table keeps
        # the exact deviation in öre.
        deviation = _whole(budget) - _whole(forecast)
        out.append(f"{text}, prognos {_kr(forecast)}, avvikelse {_signed(deviation)}.")
    return out


def _chart(year: int, figures: list[_Line], months: dict[Line, dict[int, int]], cut: datetime.date) -> Chart:
    """Cumulative utfall by month up to the cut day, and the forecast's path from then to December,
    against the year's budget (the rows shown, together)."""
    budget = sum(f.budget for f in figures)
    actual, so_far = [], 0
    for month in range(1, 13):
        so_far += sum(months.get(f.line, {}).get(month, 0) for f in figures)
        actual.append(so_far if month <= cut.month else 0)
    ahead: dict[int, Fraction] = defaultdict(Fraction)
    for f in figures:
        forecast = f.forecast
        if forecast is None:
            continue
        for month, value in path(f.to_date, forecast, cut, f.computed.pattern).items():
            ahead[month] += value
    projected = tuple(round_half_up(ahead[m]) if m >= cut.month else 0 for m in range(1, 13))
    return Chart(
        title=f"Ackumulerat utfall och prognos mot budget {year}",
        categories=MONTHS,
        series=(
            Series("Budget", (budget,) * 12),
            Series("Utfall hittills (ackumulerat)", tuple(actual)),
            Series("Prognos (ackumulerad)", projected, undecided="prognos"),
        ),
    )
