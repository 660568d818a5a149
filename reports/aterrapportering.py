"""``aterrapportering``: budget against utfall per year, recipient, fund and purpose, for each board's årsanalys.

The budget is what the run allocated to each recipient from funds in kronor
(what it passed on to others counts with them, not with it) and what it
carried into the year from an earlier one (``carry_over``), line by line: a
fixed line's purpose ("Ung i sommar") is a row of its own, and money without
one is the fund's own, shown under the fund's name. The utfall is what the
current import batches booked as that fund's money, on the purpose its
``[[utfall.map]]`` entry names; a recipient's other booked money is shown apart,
never mixed in. Remaining is budget less utfall, and the share used is utfall
over budget (rounded half up to a tenth of a percent for reading; the amounts
themselves are exact).

The first table has a row per year, recipient, fund and purpose; the second
sums them per year and recipient (with the recipient's other money). Each
shows the original budget (the year's first run of the scenario), the current
one (this run) and the change; a paragraph names the revisions behind a
change, with their case numbers and dates.

A year whose fund total is assumed (``assumed = true`` in the scenario: KF has
not decided it yet) gives a budget that is assumed too, and the report says so
wherever it shows one, as ``fordelning`` does: a paragraph names the assumed
total, each board's sentence marks its amount "(antaget belopp, inte
beslutat)", the tables get a column *Beslut* ("antagen", "delvis antagen" or
"beslutad", with ``assumed`` true or false in every row) and the chart's
budget bars are marked ``antaget`` (hatched).

With ``--quarters`` each quarter shows its utfall and the utfall to date
against the year's budget. When rows were mapped to projects, each such
project's plan against its utfall follows per year (or quarter), with each
granted financier's share of the booked costs, as in ``projekt``.

A recipient that finances lines of a co-financed project (a financing line
whose financier is the recipient, such as ASN's staff time in Malmökraften)
has committed itself, not spent: the table "Åtaganden i projekt" shows each
such line's amount per year (from its months), cash or in kind, and its budget
state (i budget, villkorad, ansökt, utgår), and the board's paragraph says so
in a sentence. Commitments never enter the budget, utfall or remaining columns;
they belong to no fund, so ``--fund`` leaves them out.

``--fund`` shows the budget from that fund and the utfall mapped to it (a
board's other money belongs to no fund and is left out). ``--recipient`` shows
those recipients' rows, and the rows of a recipient that got money passed on by
a selected one (what kommunstyrelsen granted Tillväxt Malmö och Level); the
totals are the sums of the rows shown.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

from jobbsats.contracts import FUND_OPTION, QUARTERS_OPTION, RECIPIENT_OPTION, ReportOptions
from jobbsats.document import Chart, Column, Document, Series, Table
from jobbsats.ledger.view import AllocationRow, CarryRow, LedgerView, RunInfo, UtfallSum
from jobbsats.money import KRONOR, format_percent, round_half_up
from jobbsats.reports.amounts import kr, net_lines
from jobbsats.reports.header import header_lines
from jobbsats.reports.names import listed
from jobbsats.reports.project_commitments import commitments_table, committed_sentences, of_boards
from jobbsats.reports.projekt import add_plan, booked_months, plan_tables
from jobbsats.reports.selection import PASSED_ON_NOTE, Selection


def share(part: int, whole: int) -> Decimal | None:
    """``part`` of ``whole`` in percent, rounded half up to one decimal; None when there is no whole."""
    if whole <= 0:
        return None
    return Decimal(round_half_up(Fraction(part * 1000, whole))).scaleb(-1)


def _signed(ore: int) -> str:
    """A change in kronor with its sign: ``+300 000 kr``, ``-300 000 kr``."""
    return ("+" if ore > 0 else "") + kr(ore)


Line = tuple[int, str, str, str]  # (year, recipient id, fund id, purpose; "" is the fund's own)
FundYearKey = tuple[str, int]  # (fund id, year)
Pair = tuple[int, str]  # (year, recipient id)
Budget = dict[Line, int]

# How a budget resting on an assumed total is marked, in the words fordelning marks the total with
# ("antagen total, inte beslutad"): the amount is assumed, the decision not yet made.
ASSUMED_AMOUNT = "antaget belopp, inte beslutat"

# The money fields of both tables, in the order they are summed into totals.
SUMMED = ("budget_original_ore", "budget_ore", "budget_change_ore", "utfall_ore", "to_date_ore", "other_ore")


@dataclass
class Step:
    """A run of the year's budget: the original, then each revision, this run last."""

    run: RunInfo
    budget: Budget


@dataclass
class History:
    """The original budget of each line, and for each year revised since, the runs that made it."""

    original: Budget
    steps: dict[int, list[Step]] = field(default_factory=dict)  # only years whose original is an earlier run
    money: list[AllocationRow | CarryRow] = field(default_factory=list)  # of the original runs
    assumed: set[FundYearKey] = field(default_factory=set)  # the original runs' assumed totals (years in steps)

    def changed_by(self, year: int, pairs: set[Pair]) -> list[RunInfo]:
        """The revisions of ``year`` that changed the budget of these recipients, oldest first."""
        steps = self.steps.get(year, [])
        return [
            later.run
            for earlier, later in zip(steps, steps[1:], strict=False)
            if _of(earlier.budget, pairs) != _of(later.budget, pairs)
        ]

    def original_run(self, year: int) -> RunInfo | None:
        steps = self.steps.get(year)
        return steps[0].run if steps else None


def _of(budget: Budget, pairs: set[Pair]) -> dict[Line, int]:
    """The lines of ``budget`` that belong to ``pairs``, leaving out lines of 0 kr."""
    return {line: amount for line, amount in budget.items() if amount and (line[0], line[1]) in pairs}


@dataclass
class Money:
    """What a run gives in kronor (of the selected fund) for a year or all: its allocations and carried money."""

    allocations: list[AllocationRow]
    carried: list[CarryRow]

    @classmethod
    def of(cls, ledger: LedgerView, year: int | None, selection: Selection) -> Money:
        return cls(
            [a for a in ledger.allocations(year) if a.fund.unit == KRONOR and selection.takes_fund(a.fund.id)],
            [c for c in ledger.carried(year) if c.fund.unit == KRONOR and selection.takes_fund(c.fund.id)],
        )

    @property
    def rows(self) -> list[AllocationRow | CarryRow]:
        return [*self.allocations, *self.carried]


def _budget(money: Money) -> Budget:
    """What each recipient has to use per year, fund and purpose (see :func:`jobbsats.reports.amounts.net_lines`)."""
    return net_lines(money.allocations, money.carried)


def _history(ledger: LedgerView, year: int | None, selection: Selection, budget: Budget) -> History:
    """Each line's original budget: from the run that first decided its year, when that is an earlier run."""
    history = History(original=dict(budget))
    for y in [year] if year is not None else ledger.decided_years:
        first = ledger.original_run(y)
        if y not in ledger.decided_years or first is None or first == ledger.run_id:
            continue  # this run is the year's original budget
        original = ledger.of_run(first)
        money = Money.of(original, y, selection)
        history.money += money.rows
        history.assumed |= {(fy.fund.id, y) for fy in original.fund_years if fy.year == y and fy.assumed}
        steps = [Step(original.run, _budget(money))]
        for revision in ledger.revisions(y):
            view = ledger if revision.id == ledger.run_id else ledger.of_run(revision.id)
            steps.append(Step(revision, _budget(Money.of(view, y, selection))))
        history.steps[y] = steps
        history.original = {line: amount for line, amount in history.original.items() if line[0] != y}
        history.original.update(steps[0].budget)
    return history


def _decision(run: RunInfo) -> str:
    """A revision as a paragraph names it: ``STK-2024-500 (2024-05-14)``, else by its run."""
    ref, date = run.decision.ref, run.decision.date
    if ref:
        return f"{ref} ({date or f'körning {run.id}'})"
    return f"körning {run.id}" + (f" ({date})" if date else "")


def _original(run: RunInfo) -> str:
    """The original budget's run: ``körning 1 (STK-2024-291)``."""
    said = ", ".join(x for x in (run.decision.ref, run.decision.date) if x)
    return f"körning {run.id}" + (f" ({said})" if said else "")


class Aterrapportering:
    """The ``aterrapportering`` report: budget against utfall per year, recipient, fund and purpose."""

    name = "aterrapportering"
    options = (RECIPIENT_OPTION, FUND_OPTION, QUARTERS_OPTION)
    description = "Återrapportering: budget, utfall, kvar och andel använd per år, mottagare och ändamål."

    def build(self, ledger: LedgerView, options: ReportOptions) -> Document:
        selection = Selection.of(options)
        quarters = bool(options.get("quarters", False))
        money = Money.of(ledger, options.year, selection)
        budget = _budget(money)
        history = _history(ledger, options.year, selection, budget)
        booked_all = [
            s for s in ledger.utfall(options.year, quarters) if selection.fund is None or s.fund == selection.fund
        ]
        # Utfall of a year this run decides no budget for is set against no budget here: that year's
        # budget is another run's (a run of 2025 alone, after one of 2024), and the report says which.
        decided = set(ledger.decided_years)
        sums = [s for s in booked_all if s.project is not None or s.year in decided]
        unbudgeted = sorted({s.year for s in booked_all if s.project is None and s.year not in decided})
        used: dict[tuple[int | None, Line], int] = defaultdict(int)  # (quarter, line)
        other: dict[tuple[int, int | None, str], int] = defaultdict(int)  # (year, quarter, recipient)
        for s in sums:
            if s.fund is not None:
                used[(s.quarter, (s.year, s.recipient, s.fund, s.purpose))] += s.amount
            elif s.project is None:  # a project's money has its own table, not "other"
                other[(s.year, s.quarter, s.recipient)] += s.amount
        booked = {line for _q, line in used}

        names = {rid: r.title for rid, r in ledger.recipients.items()}
        funds = {f.id: f.name for f in ledger.funds.values()}
        for m in history.money:  # a recipient or fund the revisions dropped
            names.setdefault(m.to.id, m.to.title)
            funds.setdefault(m.fund.id, m.fund.name)
        order = {rid: i for i, rid in enumerate(names)}  # the scenario file's order
        # A recipient's rows, or those of money a selected recipient passed on to it.
        passed_by: defaultdict[Pair, set[str]] = defaultdict(set)
        for a in [*money.allocations, *history.money]:
            if isinstance(a, AllocationRow) and a.via is not None:
                passed_by[(a.year, a.to.id)].add(a.via.id)
        every = {(y, r) for (y, r, _f, _p) in [*budget, *history.original, *booked]} | {(y, r) for y, _q, r in other}
        pairs = sorted(
            ((y, r) for (y, r) in every if selection.takes_any([r, *passed_by[(y, r)]])),
            key=lambda p: (p[0], order.get(p[1], len(order)), p[1]),
        )
        # A pair's lines in the order the run gives them (fixed lines first, then the key), then any other.
        rank: dict[tuple[str, str], int] = {}
        for m in [*money.rows, *history.money]:
            rank.setdefault((m.fund.id, m.label), len(rank))
        shown = set(pairs)
        lines: dict[Pair, list[Line]] = defaultdict(list)
        for line in sorted(
            {line for line in [*budget, *history.original, *booked] if (line[0], line[1]) in shown},
            key=lambda line: (rank.get((line[2], line[3]), len(rank)), line[2], line[3]),
        ):
            if budget.get(line) or history.original.get(line) or line in booked:
                lines[(line[0], line[1])].append(line)

        carried: dict[tuple[int, str, int], int] = defaultdict(int)
        for c in money.carried:
            carried[(c.year, c.to.id, c.from_year)] += c.amount
        # A year's budget is assumed where its fund's total is (this run's; the original budget's, its own run's).
        assumed = {(fy.fund.id, fy.year) for fy in ledger.fund_years if fy.assumed}
        assumed_then = {key for key in assumed if key[1] not in history.steps} | history.assumed
        figures = _Figures(budget, history.original, used, other, quarters, carried, assumed, assumed_then)
        fund_names = sorted({m.fund.name for m in money.rows}) or sorted({m.fund.name for m in history.money})
        fund_text = " och ".join(fund_names) or "fonden"
        batches = [b for b in ledger.batches if b.superseded_by is None and b.scenario == ledger.run.scenario]
        sources = ", ".join(f"import {b.id} ({Path(b.file_path).name})" for b in batches)
        elsewhere = sorted({b.scenario for b in ledger.batches if b.superseded_by is None} - {ledger.run.scenario})
        if sources:
            utfall = f"utfall ur {sources}"
        elif elsewhere:
            utfall = "inget utfall har importerats för det scenariot (utfall finns för "
            utfall += ", ".join(f"”{n}”" for n in elsewhere) + ")"
        else:
            utfall = "inget utfall har importerats"
        paragraphs = [
            *header_lines(ledger, options),
            f"Budget ur körning {ledger.run.id} ({ledger.run.scenario}); {utfall}.",
        ]
        paragraphs += self._selection(ledger, selection, pairs)
        paragraphs += [_budgeted_elsewhere(ledger, year) for year in unbudgeted]
        paragraphs += _stale_carry(ledger, money.carried)
        years = sorted({y for y, _ in pairs})
        paragraphs += [text for y in years if (text := _revised(y, history, {p for p in pairs if p[0] == y}, figures))]
        paragraphs += _assumed_totals(ledger, {(line[2], line[0]) for p in pairs for line in lines[p]})
        commitments = of_boards(ledger, options.year, selection)
        committed = {(c.year, c.recipient) for c in commitments}
        for pair in sorted(set(pairs) | committed, key=lambda p: (p[0], order.get(p[1], len(order)), p[1])):
            said = [_summary(pair, lines[pair], figures, history, names, funds, fund_text)] if pair in shown else []
            said += committed_sentences([c for c in commitments if (c.year, c.recipient) == pair], names)
            paragraphs.append(" ".join(said))
        projects = self._projects(
            [s for s in sums if selection.takes_recipient(s.recipient)], ledger, options, selection
        )
        return Document(
            report=self.name,
            title=f"Återrapportering: {ledger.run.scenario}",
            tables=[
                _per_purpose(pairs, lines, figures, names, funds),
                _per_recipient(pairs, lines, figures, names),
                *projects,
                *commitments_table(commitments, names),
            ],
            paragraphs=paragraphs,
            charts=[_chart(y, [p for p in pairs if p[0] == y], lines, figures, names) for y in years],
        )

    @staticmethod
    def _selection(ledger: LedgerView, selection: Selection, pairs: list[Pair]) -> list[str]:
        """What the report is a selection of, and what its sums are."""
        says = []
        if selection.by_recipient:
            says.append("Summorna gäller raderna som visas.")
        if selection.fund is not None:
            says.append("Annat utfall, som inte hör till någon fond, visas inte.")
        note = selection.note(ledger, " ".join(says))
        if note is None:  # nothing selected
            return []
        paragraphs = [note]
        if any(not selection.takes_recipient(rid) for _year, rid in pairs):
            paragraphs.append(PASSED_ON_NOTE)
        return paragraphs

    @staticmethod
    def _projects(
        sums: list[UtfallSum], ledger: LedgerView, options: ReportOptions, selection: Selection
    ) -> list[Table]:
        """The projects utfall was mapped to: plan against utfall per year (or quarter), as in ``projekt``."""
        booked = {s.project for s in sums if s.project is not None}
        if not booked:
            return []
        plan, shares = plan_tables("aterrapportering_projekt", options)
        for project in ledger.projects:
            if project.id in booked:
                months = booked_months(ledger, project.id, options.year, selection.takes_recipient)
                add_plan(plan, shares, project, months, options, project.name)
        return [plan, *([shares] if shares.rows else [])]


def _stale_carry(ledger: LedgerView, carried: list[CarryRow]) -> list[str]:
    """Money carried over on utfall that a later import has replaced since the run was made."""
    read = {ref for kind, ref in ledger.reads if kind == "batch"}
    replaced = sorted((b.id, b.superseded_by) for b in ledger.batches if b.id in read and b.superseded_by)
    if not carried or not replaced:
        return []
    named = ", ".join(f"import {old} (ersatt av import {new})" for old, new in replaced)
    return [
        f"Överföringarna i körning {ledger.run.id} räknades på utfall som sedan har ersatts: {named}. "
        "Kör scenariot igen för att räkna dem på det utfall som gäller nu."
    ]


def _budgeted_elsewhere(ledger: LedgerView, year: int) -> str:
    """Why a year's utfall is not shown: this run does not decide its budget; which run does."""
    revisions = ledger.revisions(year)
    current = revisions[-1].id if revisions else ledger.original_run(year)
    said = f"Utfall för {year} visas inte: körning {ledger.run.id} beslutar inte budgeten för {year}"
    if current is None:
        return said + ", och ingen körning av scenariot gör det."
    return said + f"; den finns i körning {current} (jobbsats report aterrapportering --run {current})."


def _assumed_totals(ledger: LedgerView, shown: set[FundYearKey]) -> list[str]:
    """A sentence per assumed fund total the budget shown rests on, as ``beslut`` words it."""
    return [
        f"Budgeten för {fy.year} bygger på en antagen total för {fy.fund.name}"
        + (f" ({fy.note})" if fy.note else "")
        + ", inte på ett beslut."
        for fy in ledger.fund_years
        if fy.assumed and (fy.fund.id, fy.year) in shown
    ]


@dataclass
class _Figures:
    """The report's amounts: budgets per line (now and originally), utfall per quarter and line, other money."""

    budget: Budget
    original: Budget
    used: dict[tuple[int | None, Line], int]
    other: dict[tuple[int, int | None, str], int]
    quarters: bool
    carried: dict[tuple[int, str, int], int] = field(default_factory=dict)  # (year, recipient, from year)
    assumed: set[FundYearKey] = field(default_factory=set)  # this run's assumed totals
    assumed_then: set[FundYearKey] = field(default_factory=set)  # those of the original budgets' runs

    def assumed_budget(self, lines: Iterable[Line], original: bool = False) -> int:
        """The part of the budget of ``lines`` (or their original budget) from a fund year whose total is assumed.

        A line counts whole: money carried into an assumed year belongs to that year's budget too.
        """
        budget, assumed = (self.original, self.assumed_then) if original else (self.budget, self.assumed)
        return sum(budget.get(line, 0) for line in lines if (line[2], line[0]) in assumed)

    def decided(self, lines: list[Line]) -> dict[str, Any]:
        """Whether the budget of ``lines`` rests on assumed totals: ``assumed`` and the *Beslut* column's word."""
        marked = [line for line in lines if (line[2], line[0]) in self.assumed]
        word = "beslutad" if not marked else "antagen" if len(marked) == len(lines) else "delvis antagen"
        return {"assumed": bool(marked), "decided": word}

    @property
    def periods(self) -> tuple[int | None, ...]:
        return (1, 2, 3, 4) if self.quarters else (None,)

    def spent(self, lines: Iterable[Line], quarter: int | None = None, whole_year: bool = False) -> int:
        """Utfall on ``lines`` in ``quarter`` (or the year), or, with ``whole_year``, in all of it."""
        wanted = set(lines)
        return sum(v for (q, line), v in self.used.items() if line in wanted and (whole_year or q == quarter))

    def other_money(self, pair: Pair, quarter: int | None = None, whole_year: bool = False) -> int:
        """The recipient's other money (no fund, no project) in ``quarter`` (or the year), or in all of it."""
        return sum(v for (y, q, r), v in self.other.items() if (y, r) == pair and (whole_year or q == quarter))

    def rows(self, lines: list[Line]) -> list[dict[str, Any]]:
        """The money fields of ``lines`` together, one dict per period (the year, or each quarter)."""
        now = sum(self.budget.get(line, 0) for line in lines)
        then = sum(self.original.get(line, 0) for line in lines)
        out, so_far = [], 0
        for quarter in self.periods:
            spent = self.spent(lines, quarter)
            so_far += spent
            row: dict[str, Any] = {
                "budget_original_ore": then,
                "budget_ore": now,
                "budget_change_ore": now - then,
                "utfall_ore": spent,
                "remaining_ore": now - so_far,
                "used_percent": share(so_far, now),
            }
            if self.quarters:
                row |= {"quarter": quarter, "to_date_ore": so_far}
            out.append(row)
        return out


def _money_columns(quarters: bool) -> list[Column]:
    return [
        Column("budget_original_ore", "Ursprunglig budget (kr)", "money"),
        Column("budget_ore", "Budget (kr)", "money"),
        Column("budget_change_ore", "Förändring (kr)", "money"),
        Column("utfall_ore", "Utfall (kr)", "money"),
        *([Column("to_date_ore", "Utfall hittills (kr)", "money")] if quarters else []),
        Column("remaining_ore", "Kvar (kr)", "money"),
        Column("used_percent", "Andel använd (%)", "percent"),
    ]


def _decided_column(pairs: list[Pair], lines: dict[Pair, list[Line]], figures: _Figures) -> list[Column]:
    """The column *Beslut* ("antagen", "beslutad"), when a budget shown rests on an assumed total."""
    if any((line[2], line[0]) in figures.assumed for pair in pairs for line in lines[pair]):
        return [Column("decided", "Beslut")]
    return []


def _head(quarters: bool, *middle: Column) -> list[Column]:
    return [
        Column("year", "År", "year"),
        *([Column("quarter", "Kvartal", "int")] if quarters else []),
        Column("recipient", "Mottagare"),
        *middle,
    ]


def _per_purpose(
    pairs: list[Pair], lines: dict[Pair, list[Line]], figures: _Figures, names: dict[str, str], funds: dict[str, str]
) -> Table:
    """A row per year, recipient, fund and purpose (and quarter)."""
    shown_funds = {line[2] for pair in pairs for line in lines[pair]}
    table = Table(
        name="aterrapportering",
        title="Budget och utfall per ändamål" + (" och kvartal" if figures.quarters else ""),
        columns=_head(
            figures.quarters,
            *([Column("fund", "Fond")] if len(shown_funds) > 1 else []),
            Column("purpose_name", "Ändamål"),
            *_decided_column(pairs, lines, figures),
            *_money_columns(figures.quarters),
        ),
    )
    for pair in pairs:
        for line in lines[pair]:
            year, rid, fund, purpose = line
            for money in figures.rows([line]):
                table.rows.append(
                    {
                        "year": year,
                        "recipient_id": rid,
                        "recipient": names.get(rid, rid),
                        "fund_id": fund,
                        "fund": funds.get(fund, fund),
                        "purpose": purpose,
                        "purpose_name": purpose or funds.get(fund, fund),
                        **figures.decided([line]),
                        **money,
                    }
                )
    table.totals = _totals(table.rows, figures.quarters)
    return table


def _per_recipient(pairs: list[Pair], lines: dict[Pair, list[Line]], figures: _Figures, names: dict[str, str]) -> Table:
    """The sum of each recipient's rows per year (and quarter), with its other booked money."""
    table = Table(
        name="aterrapportering_mottagare",
        title="Budget och utfall per mottagare" + (" och kvartal" if figures.quarters else ""),
        columns=[
            *_head(figures.quarters, *_decided_column(pairs, lines, figures), *_money_columns(figures.quarters)),
            Column("other_ore", "Övrigt utfall (kr)", "money"),
        ],
    )
    for pair in pairs:
        year, rid = pair
        for money in figures.rows(lines[pair]):
            table.rows.append(
                {
                    "year": year,
                    "recipient_id": rid,
                    "recipient": names.get(rid, rid),
                    **figures.decided(lines[pair]),
                    **money,
                    "other_ore": figures.other_money(pair, money.get("quarter")),
                }
            )
    table.totals = _totals(table.rows, figures.quarters)
    return table


def _totals(rows: list[dict[str, Any]], quarters: bool) -> list[dict[str, Any]]:
    """The sums of ``rows``: one "Summa", or with quarters one per year and quarter."""
    sums: dict[tuple[int, int] | None, dict[str, int]] = {}
    for row in rows:
        period = (row["year"], row["quarter"]) if quarters else None
        summed = sums.setdefault(period, defaultdict(int))
        for key in SUMMED:
            if key in row:
                summed[key] += row[key]
    out = []
    for period, t in sums.items():
        spent = t["to_date_ore"] if quarters else t["utfall_ore"]
        total: dict[str, Any] = {
            "recipient": "Summa" if period is None else f"Summa {period[0]} kv{period[1]}",
            **{key: t[key] for key in SUMMED if key in t and key != "to_date_ore"},
            "remaining_ore": t["budget_ore"] - spent,
            "used_percent": share(spent, t["budget_ore"]),
        }
        if period is not None:
            total |= {"year": period[0], "quarter": period[1], "to_date_ore": spent}
        out.append(total)
    return out


def _revised(year: int, history: History, pairs: set[Pair], figures: _Figures) -> str:
    """The paragraph that says which revisions changed the year's budget, from what to what; "" if none."""
    first = history.original_run(year)
    if first is None:  # this run is the year's original budget
        return ""
    lines = [line for line in {*figures.budget, *figures.original} if (line[0], line[1]) in pairs]
    now = sum(figures.budget.get(line, 0) for line in lines)
    then = sum(figures.original.get(line, 0) for line in lines)
    revisions = history.changed_by(year, pairs)
    if not revisions:
        return f"Budgeten för {year} är oförändrad sedan den ursprungliga budgeten i {_original(first)}."
    return (
        f"Budgeten för {year} reviderades genom {listed(_decision(r) for r in revisions)}. "
        f"Den ursprungliga budgeten i {_original(first)} var {kr(then)}, nu {kr(now)}: "
        f"en förändring med {_signed(now - then)}."
    )


def _summary(
    pair: Pair,
    lines: list[Line],
    figures: _Figures,
    history: History,
    names: dict[str, str],
    funds: dict[str, str],
    fund_text: str,
) -> str:
    """A paragraph for the board's årsanalys."""
    year, rid = pair
    name = names.get(rid, rid)
    got = sum(figures.budget.get(line, 0) for line in lines)
    then = sum(figures.original.get(line, 0) for line in lines)
    spent = figures.spent(lines, whole_year=True)
    rest = figures.other_money(pair, whole_year=True)
    assumed = figures.assumed_budget(lines)
    mark = f" ({ASSUMED_AMOUNT})" if assumed == got else f" (varav {kr(assumed)} {ASSUMED_AMOUNT})" if assumed else ""
    given = f"{name} tilldelades {kr(got)}{mark} ur {fund_text} {year}"
    if not got:
        text = f"{name} tilldelades inga medel ur {fund_text} {year}"
        text += f" men har bokfört {kr(spent)} mot satsningen." if spent else "."
    elif got < 0:  # an overspend carried in that is larger than the year's money
        text = f"{name} har {kr(got)}{mark} ur {fund_text} {year}, sedan ett underskott förts över"
        text += (
            f", och har bokfört {kr(spent)} mot satsningen." if spent else "; inget utfall är bokfört mot satsningen."
        )
    elif spent == 0:
        text = f"{given}; inget utfall är bokfört mot satsningen."
    elif spent < 0:
        text = f"{given} och har netto bokfört {kr(spent)} mot satsningen (rättelser överstiger kostnaderna)."
    elif spent > got:
        text = (
            f"{given} och har bokfört {kr(spent)} mot satsningen, "
            f"{kr(spent - got)} mer än tilldelat ({_percent(spent, got)})."
        )
    else:
        used_share = _percent(spent, got)
        text = f"{given} och har använt {kr(spent)} ({used_share}); {kr(got - spent)} återstår."
    for (y, r, from_year), amount in sorted(figures.carried.items()):
        if (y, r) != pair or not amount:
            continue
        if amount > 0:
            text += f" I budgeten ingår {kr(amount)} som förts över från {from_year}."
        else:
            text += f" Budgeten har minskats med underskottet från {from_year}, {kr(-amount)}."
    if got != then:
        revisions = history.changed_by(year, {pair})
        text += f" Budgeten har ändrats med {_signed(got - then)} från ursprungliga {kr(then)}"
        text += f" genom {listed(_decision(r) for r in revisions)}." if revisions else "."
    if len(lines) > 1:
        parts = []
        for line in lines:
            line_budget, line_spent = figures.budget.get(line, 0), figures.spent([line], whole_year=True)
            purpose = line[3] or funds.get(line[2], line[2])
            line_share = share(line_spent, line_budget)
            if line_share is not None:
                parts.append(f"{purpose} {kr(line_spent)} av {kr(line_budget)} ({format_percent(line_share)})")
            else:  # money booked on a purpose the recipient has no budget for (or no longer has)
                parts.append(f"{purpose} {kr(line_spent)} utan budget")
        text += f" Per ändamål: {'; '.join(parts)}."
    if rest:
        text += f" Därutöver har {kr(rest)} bokförts som annat utfall, som inte räknas till satsningen."
    return text


def _percent(part: int, whole: int) -> str:
    """:func:`share` as text, of a budget above 0 (the only budgets it is asked of)."""
    value = share(part, whole)
    return format_percent(value) if value is not None else "ingen budget"


def _chart(year: int, pairs: list[Pair], lines: dict[Pair, list[Line]], figures: _Figures, names) -> Chart:
    """Budget against utfall per recipient, for one year (and the original budget, when it was revised)."""
    budgets = tuple(sum(figures.budget.get(line, 0) for line in lines[p]) for p in pairs)
    originals = tuple(sum(figures.original.get(line, 0) for line in lines[p]) for p in pairs)
    # The bars of a budget that rests (in part) on an assumed total are marked, as fordelning marks its year.
    shown = [line for p in pairs for line in lines[p]]
    now = "antaget" if figures.assumed_budget(shown) else ""
    then = "antaget" if figures.assumed_budget(shown, original=True) else ""
    return Chart(
        title=f"Budget och utfall {year}",
        categories=tuple(names.get(rid, rid) for _y, rid in pairs),
        series=(
            *([Series("Ursprunglig budget", originals, undecided=then)] if originals != budgets else []),
            Series("Budget", budgets, undecided=now),
            Series("Utfall", tuple(figures.spent(lines[p], whole_year=True) for p in pairs)),
        ),
    )
