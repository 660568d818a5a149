"""``aterrapportering``: budget against utfall per year and recipient, for each board's årsanalys.

The budget is what the run allocated to each recipient from funds in kronor
(what it passed on to others counts with them, not with it). The utfall is
what the current import batches booked as that fund's money; a recipient's
other booked money is shown apart, never mixed in. Remaining is budget less
utfall, and the share used is utfall over budget (rounded half up to a tenth
of a percent for reading; the amounts themselves are exact).

With ``--quarters`` each quarter shows its utfall and the utfall to date
against the year's budget. When rows were mapped to projects, a table per
project and year follows.

``--fund`` shows the budget from that fund and the utfall mapped to it (a
board's other money belongs to no fund and is left out). ``--recipient`` shows
those recipients' rows, and the row of a recipient that got money passed on by
a selected one (what kommunstyrelsen granted Tillväxt Malmö och Level); the
totals are the sums of the rows shown.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

from jobbsats.contracts import FUND_OPTION, QUARTERS_OPTION, RECIPIENT_OPTION, ReportOptions
from jobbsats.document import Chart, Column, Document, Series, Table
from jobbsats.ledger.view import LedgerView, UtfallSum
from jobbsats.money import KRONOR, NBSP, format_percent, format_units, round_half_up
from jobbsats.reports.selection import PASSED_ON_NOTE, Selection


def share(part: int, whole: int) -> Decimal | None:
    """``part`` of ``whole`` in percent, rounded half up to one decimal; None when there is no whole."""
    if whole <= 0:
        return None
    return Decimal(round_half_up(Fraction(part * 1000, whole))).scaleb(-1)


def _kr(ore: int) -> str:
    return format_units(ore, unit_sep=NBSP)


Key = tuple[int, "int | None", str]  # (year, quarter or None, recipient id)


class Aterrapportering:
    """The ``aterrapportering`` report: budget against utfall per year and recipient, for the årsanalys."""

    name = "aterrapportering"
    options = (RECIPIENT_OPTION, FUND_OPTION, QUARTERS_OPTION)
    description = "Återrapportering: budget, utfall, kvar och andel använd per år och mottagare."

    def build(self, ledger: LedgerView, options: ReportOptions) -> Document:
        selection = Selection.of(options)
        allocations = [
            a for a in ledger.allocations(options.year) if a.fund.unit == KRONOR and selection.takes_fund(a.fund.id)
        ]
        budget = ledger.net_allocations(options.year) if selection.fund is None else _net(allocations)
        sums = [
            s
            for s in ledger.utfall(options.year, options.get("quarters", False))
            if selection.fund is None or s.fund == selection.fund
        ]
        fund_names = sorted({a.fund.name for a in allocations})
        fund_text = " och ".join(fund_names) or "fonden"
        names = {rid: r.title for rid, r in ledger.recipients.items()}
        order = {rid: i for i, rid in enumerate(names)}  # the scenario file's order
        used: dict[Key, int] = defaultdict(int)
        other: dict[Key, int] = defaultdict(int)
        for s in sums:
            if s.fund is not None:
                used[(s.year, s.quarter, s.recipient)] += s.amount
            elif s.project is None:  # a project's money has its own table, not "other"
                other[(s.year, s.quarter, s.recipient)] += s.amount
        # A recipient's row, or one of money a selected recipient passed on to it.
        passed_by = defaultdict(set)
        for a in allocations:
            if a.via is not None:
                passed_by[(a.year, a.to.id)].add(a.via.id)
        pairs = sorted(
            (
                (y, r)
                for (y, r) in set(budget) | {(y, r) for (y, _q, r) in [*used, *other]}
                if selection.takes_any([r, *passed_by[(y, r)]])
            ),
            key=lambda p: (p[0], order.get(p[1], len(order)), p[1]),
        )
        quarters = (1, 2, 3, 4) if options.get("quarters", False) else (None,)
        keys = [(year, q, rid) for year, rid in pairs for q in quarters]
        batches = [b for b in ledger.batches if b.superseded_by is None and b.scenario == ledger.run.scenario]
        sources = ", ".join(f"import {b.id} ({Path(b.file_path).name})" for b in batches)
        elsewhere = sorted({b.scenario for b in ledger.batches if b.superseded_by is None} - {ledger.run.scenario})
        none = (
            "ingen import för det scenariot (import finns för " + ", ".join(f"”{n}”" for n in elsewhere) + ")"
            if elsewhere
            else "ingen import (inget utfall är importerat ännu)"
        )
        paragraphs = [f"Budget ur körning {ledger.run.id} ({ledger.run.scenario}); utfall ur {sources or none}."]
        paragraphs += self._selection(ledger, selection, pairs)
        paragraphs += [self._summary(year, rid, budget, used, other, names, fund_text) for year, rid in pairs]
        projects = self._projects([s for s in sums if selection.takes_recipient(s.recipient)], ledger)
        return Document(
            report=self.name,
            title=f"Återrapportering: {ledger.run.scenario}",
            tables=[self._table(keys, budget, used, other, names, options), *projects],
            paragraphs=paragraphs,
            charts=[_chart(year, pairs, budget, used, names) for year in sorted({y for y, _ in pairs})],
        )

    @staticmethod
    def _selection(ledger: LedgerView, selection: Selection, pairs: list[tuple[int, str]]) -> list[str]:
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
    def _table(keys: list[Key], budget, used, other, names, options: ReportOptions) -> Table:
        quarters = options.get("quarters", False)
        table = Table(
            name="aterrapportering",
            title="Budget och utfall per år och mottagare" + (" och kvartal" if quarters else ""),
            columns=[
                Column("year", "År", "year"),
                *([Column("quarter", "Kvartal", "int")] if quarters else []),
                Column("recipient", "Mottagare"),
                Column("budget_ore", "Budget (kr)", "money"),
                Column("utfall_ore", "Utfall (kr)", "money"),
                *([Column("to_date_ore", "Utfall hittills (kr)", "money")] if quarters else []),
                Column("remaining_ore", "Kvar (kr)", "money"),
                Column("used_percent", "Använt (%)", "percent"),
                Column("other_ore", "Övrigt utfall (kr)", "money"),
            ],
        )
        to_date: dict[tuple[int, str], int] = defaultdict(int)
        # Totals per period: the whole report, or each quarter of each year.
        totals: dict[tuple[int, int | None] | None, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        for year, quarter, rid in keys:
            spent = used.get((year, quarter, rid), 0)
            to_date[(year, rid)] += spent
            year_budget, so_far = budget.get((year, rid), 0), to_date[(year, rid)]
            row = {
                "year": year,
                "recipient_id": rid,
                "recipient": names.get(rid, rid),
                "budget_ore": year_budget,
                "utfall_ore": spent,
                "remaining_ore": year_budget - so_far,
                "used_percent": share(so_far, year_budget),
                "other_ore": other.get((year, quarter, rid), 0),
            }
            if quarters:
                row |= {"quarter": quarter, "to_date_ore": so_far}
            table.rows.append(row)
            period = (year, quarter) if quarters else None
            for field in ("budget_ore", "utfall_ore", "other_ore", "to_date_ore"):
                totals[period][field] += row.get(field, 0)
        for period, t in totals.items():
            spent_so_far = t["to_date_ore"] if quarters else t["utfall_ore"]
            total = {
                "recipient": "Summa" if period is None else f"Summa {period[0]} kv{period[1]}",
                "budget_ore": t["budget_ore"],
                "utfall_ore": t["utfall_ore"],
                "remaining_ore": t["budget_ore"] - spent_so_far,
                "used_percent": share(spent_so_far, t["budget_ore"]),
                "other_ore": t["other_ore"],
            }
            if period is not None:
                total |= {"year": period[0], "quarter": period[1], "to_date_ore": spent_so_far}
            table.totals.append(total)
        return table

    @staticmethod
    def _projects(sums: list[UtfallSum], ledger: LedgerView) -> list[Table]:
        """Utfall mapped to projects, per project, year and recipient."""
        per: dict[tuple[str, int, str], int] = defaultdict(int)
        for s in sums:
            if s.project is not None:
                per[(s.project, s.year, s.recipient)] += s.amount
        if not per:
            return []
        names = {p.id: p.name for p in ledger.projects}
        table = Table(
            name="aterrapportering_projekt",
            title="Utfall per projekt",
            columns=[
                Column("project", "Projekt"),
                Column("year", "År", "year"),
                Column("recipient", "Mottagare"),
                Column("utfall_ore", "Utfall (kr)", "money"),
            ],
        )
        recipients = {rid: r.title for rid, r in ledger.recipients.items()}
        for (project, year, rid), amount in sorted(per.items()):
            table.rows.append(
                {
                    "project": names.get(project, project),
                    "year": year,
                    "recipient": recipients.get(rid, rid),
                    "utfall_ore": amount,
                }
            )
        return [table]

    @staticmethod
    def _summary(year, rid, budget, used, other, names, fund_text) -> str:
        """A paragraph for the board's årsanalys."""
        name = names.get(rid, rid)
        got = budget.get((year, rid), 0)
        spent = sum(v for (y, _q, r), v in used.items() if y == year and r == rid)
        rest = sum(v for (y, _q, r), v in other.items() if y == year and r == rid)
        given = f"{name} tilldelades {_kr(got)} ur {fund_text} {year}"
        if not got:
            text = f"{name} tilldelades inga medel ur {fund_text} {year} men har bokfört {_kr(spent)} mot satsningen."
        elif spent == 0:
            text = f"{given}; inget utfall är bokfört mot satsningen."
        elif spent < 0:
            text = f"{given} och har netto bokfört {_kr(spent)} mot satsningen (rättelser överstiger kostnaderna)."
        elif spent > got:
            text = (
                f"{given} och har bokfört {_kr(spent)} mot satsningen, "
                f"{_kr(spent - got)} mer än tilldelat ({_percent(spent, got)})."
            )
        else:
            used_share = _percent(spent, got)
            text = f"{given} och har använt {_kr(spent)} ({used_share}); {_kr(got - spent)} återstår."
        if rest:
            text += f" Därutöver har {_kr(rest)} bokförts som annat utfall, som inte räknas till satsningen."
        return text


def _percent(part: int, whole: int) -> str:
    """:func:`share` as text, of a budget above 0."""
    value = share(part, whole)
    # Only ever asked of a budget that is not 0, and none is negative: the engine lets no recipient pass on
    # more than it got, so what each ends up with (got less passed on) is at least 0.
    assert value is not None
    return format_percent(value)


def _net(allocations) -> dict[tuple[int, str], int]:
    """As ``LedgerView.net_allocations``, of these allocations: what each got less what it passed on."""
    out: dict[tuple[int, str], int] = defaultdict(int)
    for a in allocations:
        out[(a.year, a.to.id)] += a.amount
        if a.via is not None:
            out[(a.year, a.via.id)] -= a.amount
    return dict(out)


def _chart(year: int, pairs, budget, used, names) -> Chart:
    """Budget against utfall per recipient, for one year."""
    recipients = [rid for y, rid in pairs if y == year]
    spent: dict[str, int] = defaultdict(int)
    for (y, _q, rid), amount in used.items():
        if y == year:
            spent[rid] += amount
    return Chart(
        title=f"Budget och utfall {year}",
        categories=tuple(names.get(rid, rid) for rid in recipients),
        series=(
            Series("Budget", tuple(budget.get((year, rid), 0) for rid in recipients)),
            Series("Utfall", tuple(spent[rid] for rid in recipients)),
        ),
    )
