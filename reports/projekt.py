"""``projekt``: co-financed projects per financier and year (or quarter), with what counts as budget.

Every financing line is shown with its amount per period, its grant status
and what that means for the budget: ``budget`` (granted, conditions met),
``villkorad`` (granted on a condition still pending), ``ansökt`` (not decided)
or ``utgår`` (refused, withdrawn, or its condition failed, with the reason).
Contributions in kind (staff time) are totalled apart from cash. Each project
gets a Swedish summary paragraph for the follow-up paper.

A financier that is a group (``[financiers.ID.members]``: Finsam's state,
region and municipalities) has each of its lines broken down by member in a
table of its own, ``projekt_medlemmar``, month by month by
:func:`jobbsats.projects.split_periods` (so every period's members add up to
the line's amount in that period exactly), and in the per-year table as rows
marked "varav" under the group's line, which no sum counts. An amount applied
for roughly (``approx = true``) is written "ca 44 000 000 kr" and marked "ca"
in the column ``approx``.

Once utfall is mapped to a project (``[[utfall.map]] project = "ID"``), the table
"Plan och utfall" sets it against the project's plan per year (quarter, month):
the plan is the months of its cash lines in the budget (state ``budget``, "i
budget": conditional, applied-for and dropped lines are no plan, and staff time
in kind is no money to book), with the planned amount, the utfall, what remains
and the share used. A second table gives each granted financier's share of the
booked costs, what the project may claim from it: utfall × the financier's
granted cash / the project's whole granted cash, exact, rounded half up to öre
once. ``--months`` shows the months the ledger holds instead of years.

``--recipient`` shows the projects a recipient owns, takes part in or
finances (whole, with every financier's lines). Projects belong to no fund, so
the report takes no ``--fund``: it is refused rather than ignored.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from decimal import Decimal
from fractions import Fraction
from typing import Any

from jobbsats.contracts import QUARTERS_OPTION, RECIPIENT_OPTION, ReportOption, ReportOptions
from jobbsats.document import Chart, Column, Document, Series, Table
from jobbsats.errors import JobbsatsError
from jobbsats.ledger.view import FinancingRow, LedgerView, ProjectRow
from jobbsats.money import round_half_up
from jobbsats.periods import quarter_of
from jobbsats.projects import (
    APPLIED,
    BUDGET,
    CASH,
    CONDITIONAL,
    DROPPED,
    IN_KIND,
    STATE_WORDS,
    STATES,
    Member,
    split_periods,
)
from jobbsats.reports.amounts import kr
from jobbsats.reports.header import header_lines
from jobbsats.reports.names import listed
from jobbsats.reports.selection import Selection
from jobbsats.scenario import Recipient

MONTHS_OPTION = ReportOption("months", "Break years into the months the ledger holds.", type=bool)
_ALL = ReportOptions()  # every year, by year: how the per-year table groups months
WEIGHING_WORDS = {"month": "lika mycket varje månad", "day": "lika mycket varje dag"}


def _kind(line: FinancingRow) -> str:
    return IN_KIND if line.in_kind else CASH


def _periods(line: FinancingRow, options: ReportOptions) -> dict[tuple[int, int | None], int]:
    """The line's amounts per (year, quarter or month), the second None unless ``--quarters`` or ``--months``."""
    return _grouped(line.months, options)


def step(options: ReportOptions) -> str | None:
    """What a year is broken into: "month" (``--months``), "quarter" (``--quarters``) or None (whole years)."""
    if options.get("months", False):
        return "month"
    return "quarter" if options.get("quarters", False) else None


def _sub_columns(options: ReportOptions) -> list[Column]:
    """The column after the year: the quarter or the month, when years are broken up."""
    kind = step(options)
    return [Column(kind, "Månad" if kind == "month" else "Kvartal", "int")] if kind else []


def _sub(options: ReportOptions, value: int | None) -> dict[str, int | None]:
    kind = step(options)
    return {kind: value} if kind else {}


def _per(options: ReportOptions) -> str:
    return {"month": "månad", "quarter": "kvartal"}.get(step(options) or "", "år")


def _grouped(months: dict[tuple[int, int], int], options: ReportOptions) -> dict[tuple[int, int | None], int]:
    """Month amounts summed per (year, quarter or month) of the years shown, the second None unless asked for."""
    kind = step(options)
    out: dict[tuple[int, int | None], int] = defaultdict(int)
    for (year, month), amount in sorted(months.items()):
        if options.year is None or year == options.year:
            out[(year, month if kind == "month" else quarter_of(month) if kind == "quarter" else None)] += amount
    return out


def member_months(line: FinancingRow, members: tuple[Member, ...]) -> list[dict[tuple[int, int], int]]:
    """A group's line split among its members month by month (every month's members add up to the line's month)."""
    return split_periods(dict(sorted(line.months.items())), [m.share for m in members])


# --- Plan och utfall: the project's periodised plan against the utfall mapped to it.

PLAN_STATES = (BUDGET,)  # the lines that are the plan: granted, and whatever they depend on granted


def used_share(part: int, whole: int | None) -> Decimal | None:
    """``part`` of ``whole`` in percent, half up to a tenth; None without a whole above 0."""
    if not whole or whole <= 0:
        return None
    return Decimal(round_half_up(Fraction(part * 1000, whole))).scaleb(-1)


def _plan_lines(project: ProjectRow) -> list[FinancingRow]:
    """The plan: the project's cash lines in the budget (in kind is no money to book against)."""
    return [line for line in project.financing if line.state in PLAN_STATES and not line.in_kind]


def granted(project: ProjectRow) -> dict[str, tuple[str, int]]:
    """Each granted financier's cash in the plan, ``{financier: (name, öre)}``, in file order."""
    out: dict[str, tuple[str, int]] = {}
    for line in _plan_lines(project):
        name, so_far = out.get(line.financier, (line.financier_name, 0))
        out[line.financier] = (name, so_far + line.amount)
    return out


def claim(booked: int, part: int, whole: int) -> int:
    """A financier's share of ``booked``: booked × part / whole, exact, rounded half up to öre once."""
    return round_half_up(Fraction(booked * part, whole)) if whole else 0


def plan_utfall(
    project: ProjectRow, booked: dict[tuple[int, int], int], options: ReportOptions
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
    """The project's plan against its utfall per period shown: (rows, their totals, financiers' rows, totals).

    ``booked`` is the utfall mapped to the project, by (year, month). The plan is the months of
    its cash lines in the budget; a financier's share of the booked costs is booked × its granted
    cash / the plan's whole cash, each figure rounded half up to öre once (a total is worked out from
    the total booked, so it may differ by an öre from the sum of its periods).
    """
    plan_months: dict[tuple[int, int], int] = defaultdict(int)
    for line in _plan_lines(project):
        for key, amount in line.months.items():
            plan_months[key] += amount
    periodised = project.periodised_by is not None or bool(plan_months)
    planned = _grouped(dict(plan_months), options)
    spent = _grouped(booked, options)
    financiers = granted(project)
    whole = sum(amount for _name, amount in financiers.values())
    rows: list[dict[str, Any]] = []
    shares: list[dict[str, Any]] = []
    for year, sub in sorted(set(planned) | set(spent), key=lambda p: (p[0], p[1] or 0)):
        plan = planned.get((year, sub), 0) if periodised else None
        cost = spent.get((year, sub), 0)
        rows.append(
            {
                "project": project.id,
                "year": year,
                **_sub(options, sub),
                "planned_ore": plan,
                "utfall_ore": cost,
                "remaining_ore": None if plan is None else plan - cost,
                "used_percent": used_share(cost, plan),
            }
        )
        for fid, (name, amount) in financiers.items():
            shares.append(
                {
                    "project": project.id,
                    "financier_id": fid,
                    "financier": name,
                    "year": year,
                    **_sub(options, sub),
                    "granted_ore": amount,
                    "budget_percent": used_share(amount, whole),
                    "utfall_ore": cost,
                    "claim_ore": claim(cost, amount, whole),
                }
            )
    plan_total = sum(planned.values()) if periodised else None
    cost_total = sum(spent.values())
    totals = (
        [
            {
                "project": project.id,
                "planned_ore": plan_total,
                "utfall_ore": cost_total,
                "remaining_ore": None if plan_total is None else plan_total - cost_total,
                "used_percent": used_share(cost_total, plan_total),
            }
        ]
        if rows
        else []
    )
    share_totals = (
        [
            {
                "project": project.id,
                "financier_id": fid,
                "financier": f"Summa {name}",
                "granted_ore": amount,
                "budget_percent": used_share(amount, whole),
                "utfall_ore": cost_total,
                "claim_ore": claim(cost_total, amount, whole),
            }
            for fid, (name, amount) in financiers.items()
        ]
        if rows
        else []
    )
    return rows, totals, shares, share_totals


def plan_tables(name: str, options: ReportOptions) -> tuple[Table, Table]:
    """The empty tables "Plan och utfall" and the financiers' shares of the booked costs."""
    head = [Column("project", "Projekt"), Column("year", "År", "year"), *_sub_columns(options)]
    plan = Table(
        name=name,
        title=f"Plan och utfall per projekt och {_per(options)}",
        columns=[
            *head,
            Column("planned_ore", "Planerat (kr)", "money"),
            Column("utfall_ore", "Utfall (kr)", "money"),
            Column("remaining_ore", "Kvar (kr)", "money"),
            Column("used_percent", "Andel använd (%)", "percent"),
        ],
    )
    shares = Table(
        name=f"{name}_finansiarer",
        title=f"Finansiärernas andel av de bokförda kostnaderna per {_per(options)}",
        columns=[
            Column("project", "Projekt"),
            Column("financier_id", "Finansiär-id"),
            Column("financier", "Finansiär"),
            *head[1:],
            Column("granted_ore", "Beviljat (kr)", "money"),
            Column("budget_percent", "Andel av budgeten (%)", "percent"),
            Column("utfall_ore", "Utfall (kr)", "money"),
            Column("claim_ore", "Finansiärens andel (kr)", "money"),
        ],
    )
    return plan, shares


def add_plan(
    plan: Table,
    shares: Table,
    project: ProjectRow,
    booked: dict[tuple[int, int], int],
    options: ReportOptions,
    label: str | None = None,
) -> None:
    """The project's rows and totals in the two tables of :func:`plan_tables`, named ``label`` (else its id)."""
    rows, totals, share_rows, share_totals = plan_utfall(project, booked, options)
    for row in [*rows, *totals, *share_rows, *share_totals]:
        row["project"] = label or project.id
    plan.rows += rows
    plan.totals += totals
    shares.rows += share_rows
    shares.totals += share_totals


def booked_months(
    ledger: LedgerView, project: str, year: int | None, recipients: Callable[[str], bool] | None = None
) -> dict[tuple[int, int], int]:
    """The utfall mapped to ``project`` by (year, month), of every recipient or those ``recipients`` takes."""
    out: dict[tuple[int, int], int] = defaultdict(int)
    for (pid, rid, y, m), amount in ledger.project_utfall(year).items():
        if pid == project and (recipients is None or recipients(rid)):
            out[(y, m)] += amount
    return dict(out)


class _Facts:
    """What the report reads from the run's copy of the scenario file: groups and approximate lines."""

    def __init__(self, ledger: LedgerView) -> None:
        # Imported here: aterrapportering imports this module, and reading a scenario's projects brings the
        # config checks and the rules' classes along, which a report of a run without projects never needs.
        from jobbsats.config.projects import financier_members

        config = ledger.config
        self.groups = financier_members(config)
        self.approx = {
            (pid, i)
            for pid, p in (config.get("projects") or {}).items()
            for i, line in enumerate(p.get("financing") or [])
            if line.get("approx")
        }

    def is_approx(self, project: ProjectRow, line: FinancingRow) -> bool:
        return (project.id, line.line) in self.approx


def _amount(ore: int, approx: bool) -> str:
    """ "ca 44 000 000 kr" for an amount applied for roughly, else the amount."""
    return ("ca " if approx else "") + kr(ore)


class Projekt:
    """The ``projekt`` report: every project's financing per financier and year or quarter."""

    name = "projekt"
    options = (RECIPIENT_OPTION, QUARTERS_OPTION, MONTHS_OPTION)  # no --fund: a project draws from no fund
    description = "Medfinansierade projekt: belopp per finansiär och år eller kvartal, status och villkor."

    def build(self, ledger: LedgerView, options: ReportOptions) -> Document:
        if options.get("months", False) and options.get("quarters", False):
            raise JobbsatsError("--months and --quarters: give one of them (months or quarters)")
        paragraphs = header_lines(ledger, options)
        if not ledger.projects:
            paragraphs.append("Körningen har inga projekt.")
        selection = Selection.of(options)
        chosen = [p for p in ledger.projects if _selected(p, selection, ledger.recipients)]
        shows = "Rapporten visar de projekt urvalet driver, deltar i eller finansierar, med all deras finansiering."
        note = selection.note(ledger, shows)  # None when nothing is selected
        if note is not None:
            paragraphs.append(note)
            if ledger.projects and not chosen:
                paragraphs.append("Inget projekt i körningen hör till urvalet.")
        table = self._table(options)
        facts = _Facts(ledger) if ledger.projects else None
        members = self._members_table(options)
        plan, shares = plan_tables("projekt_utfall", options)
        by_year = []
        charts = []
        for project in chosen:
            if options.year is not None and not _runs_in(project, options.year):
                paragraphs.append(f"{project.name} pågår inte {options.year}.")
                continue
            assert facts is not None
            paragraphs.append(summary(project, facts))
            self._add(table, project, options, facts)
            self._add_members(members, project, options, facts)
            booked = booked_months(ledger, project.id, options.year)
            if booked:  # the plan against utfall, once utfall is mapped to the project
                add_plan(plan, shares, project, booked, options)
            if options.year is None:
                by_year.append(self._by_year(project, facts))
            charts += chart(project, options)
        tables = [
            table,
            *([members] if members.rows else []),
            *([plan] if plan.rows else []),
            *([shares] if shares.rows else []),
            *by_year,
        ]
        return Document(
            report=self.name,
            title=f"Projekt: {ledger.run.scenario}",
            tables=tables if ledger.projects else [table],  # its header, for a file another system reads
            paragraphs=paragraphs,
            charts=charts,
        )

    @staticmethod
    def _table(options: ReportOptions) -> Table:
        """One table for every project, so CSV and JSON have the same columns however many projects there are."""
        return Table(
            name="projekt",
            title=f"Finansiering per projekt, finansiär och {_per(options)}",
            columns=[
                Column("project", "Projekt"),
                Column("financier_id", "Finansiär-id"),
                Column("financier", "Finansiär"),
                Column("year", "År", "year"),
                *_sub_columns(options),
                Column("amount_ore", "Belopp (kr)", "money"),
                Column("kind", "Slag"),
                Column("status", "Status"),
                Column("state", "Budget"),
                Column("reason", "Villkor eller skäl"),
                Column("approx", "Ca-belopp"),
            ],
        )

    @staticmethod
    def _members_table(options: ReportOptions) -> Table:
        """Groups' lines by member: a table of its own, so no table counts a group's money twice."""
        return Table(
            name="projekt_medlemmar",
            title=f"Finansiärsgrupper per medlem och {_per(options)}",
            columns=[
                Column("project", "Projekt"),
                Column("financier_id", "Finansiär-id"),
                Column("financier", "Finansiär"),
                Column("line", "Rad", "int"),
                Column("member_id", "Medlem-id"),
                Column("member", "Medlem"),
                Column("share", "Andel"),
                Column("year", "År", "year"),
                *_sub_columns(options),
                Column("amount_ore", "Belopp (kr)", "money"),
                Column("kind", "Slag"),
                Column("status", "Status"),
                Column("state", "Budget"),
            ],
        )

    @staticmethod
    def _add_members(table: Table, project: ProjectRow, options: ReportOptions, facts: _Facts) -> None:
        """Each group line's members per period, then each member's total per group."""
        per_member: dict[tuple[str, str], tuple[str, str, int]] = {}
        for line in project.financing:
            members = facts.groups.get(line.financier, ())
            if not members:
                continue
            split: list[dict[tuple[int | None, int | None], int]]
            if line.months:
                split = [dict(_grouped(months, options).items()) for months in member_months(line, members)]
            else:  # not periodised: the whole amount, split once
                shares = [m.share for m in members]
                split = [{(None, None): piece[0]} for piece in split_periods({0: line.amount}, shares)]
            for member, periods in zip(members, split, strict=True):
                for (year, quarter), amount in periods.items():
                    table.rows.append(
                        {
                            "project": project.id,
                            "financier_id": line.financier,
                            "financier": line.financier_name,
                            "line": line.line,
                            "member_id": member.id,
                            "member": member.name,
                            "share": member.written,
                            "year": year,
                            **_sub(options, quarter),
                            "amount_ore": amount,
                            "kind": _kind(line),
                            "status": line.status,
                            "state": STATE_WORDS[line.state],
                        }
                    )
                key = (line.financier, member.id)
                _, _, so_far = per_member.get(key, (line.financier_name, member.name, 0))
                per_member[key] = (line.financier_name, member.name, so_far + sum(periods.values()))
        for (fid, mid), (group, name, amount) in per_member.items():
            table.totals.append(
                {
                    "project": project.id,
                    "financier_id": fid,
                    "financier": f"Summa {group}",
                    "member_id": mid,
                    "member": name,
                    "amount_ore": amount,
                }
            )

    @staticmethod
    def _add(table: Table, project: ProjectRow, options: ReportOptions, facts: _Facts) -> None:
        """The project's rows, then its totals per financier and per budget state (cash apart from in kind)."""
        per_state: dict[tuple[str, str], int] = defaultdict(int)
        per_financier: dict[str, tuple[str, int]] = {}
        for line in project.financing:
            # Copied into a dict whose year may be None, for a line without months.
            periods: dict[tuple[int | None, int | None], int] = dict(_periods(line, options).items())
            if not line.months:  # not periodised: one row for the whole project period
                periods = {(None, None): line.amount}
            for (year, quarter), amount in periods.items():
                table.rows.append(
                    {
                        "project": project.id,
                        "financier_id": line.financier,
                        "financier": line.financier_name,
                        "year": year,
                        **_sub(options, quarter),
                        "amount_ore": amount,
                        "kind": _kind(line),
                        "status": line.status,
                        "state": STATE_WORDS[line.state],
                        "reason": line.reason,
                        "approx": "ca" if facts.is_approx(project, line) else "",
                    }
                )
                per_state[(line.state, _kind(line))] += amount
            name, so_far = per_financier.get(line.financier, (line.financier_name, 0))
            per_financier[line.financier] = (name, so_far + sum(periods.values()))
        for fid, (name, amount) in per_financier.items():
            table.totals.append(
                {"project": project.id, "financier_id": fid, "financier": f"Summa {name}", "amount_ore": amount}
            )
        for state in STATES:
            for kind in (CASH, IN_KIND):
                if (state, kind) in per_state:
                    table.totals.append(
                        {
                            "project": project.id,
                            "financier": f"Summa {STATE_WORDS[state]}, {kind}",
                            "amount_ore": per_state[(state, kind)],
                            "kind": kind,
                            "state": STATE_WORDS[state],
                        }
                    )

    @staticmethod
    def _by_year(project: ProjectRow, facts: _Facts) -> Table:
        """Financiers down, years across: the per-year totals people read (derived from the table above)."""
        years = sorted({y for line in project.financing for (y, _m) in line.months})
        table = Table(
            name=f"projekt_{project.id}_per_ar",
            title=f"{project.name}: per år",
            columns=[
                Column("financier", "Finansiär"),
                Column("state", "Budget"),
                *(Column(f"amount_{y}_ore", str(y), "money") for y in years),
                Column("amount_ore", "Totalt (kr)", "money"),
            ],
            derived=True,
        )
        sums: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        for line in project.financing:
            amounts: dict[str, int] = {}
            for (year, _month), amount in line.months.items():
                amounts[f"amount_{year}_ore"] = amounts.get(f"amount_{year}_ore", 0) + amount
            # The years shown: a run of one year (--year) holds only that year's months.
            amounts["amount_ore"] = sum(line.months.values()) if line.months else line.amount
            financier = line.financier_name + (f" ({IN_KIND})" if line.in_kind else "")
            financier += " (ca-belopp)" if facts.is_approx(project, line) else ""
            table.rows.append({"financier": financier, "state": STATE_WORDS[line.state], **amounts})
            # A group's members under its line, marked "varav": shown, never summed.
            members = facts.groups.get(line.financier, ())
            for member, months in zip(members, member_months(line, members) if line.months else [], strict=True):
                split = {f"amount_{year}_ore": amount for (year, _q), amount in _grouped(months, _ALL).items()}
                table.rows.append(
                    {
                        "financier": f"varav {member.name} ({member.written})",
                        "state": STATE_WORDS[line.state],
                        **split,
                        "amount_ore": sum(months.values()),
                    }
                )
            if line.state != DROPPED:
                group = f"Summa {STATE_WORDS[line.state]}, {_kind(line)}"
                for key, value in amounts.items():
                    sums[group][key] += value
        for group in sorted(sums, key=lambda g: [w in g for w in STATE_WORDS.values()].index(True)):
            table.totals.append({"financier": group, **sums[group]})
        return table


def chart(project: ProjectRow, options: ReportOptions) -> list[Chart]:
    """The project's cash per year, each year's bar made of its financiers: granted money as it is,
    money applied for or granted on a pending condition marked with its state. Dropped lines are
    no financing and staff time in kind is no cash, so neither is in it; a project that is not
    periodised has one bar for its whole period. No chart without cash to show."""
    lines = [line for line in project.financing if line.state != DROPPED and not line.in_kind]
    periodised = any(line.months for line in lines)
    per: dict[tuple[str, str], dict[str, int]] = defaultdict(lambda: defaultdict(int))  # (financier, state): period
    for line in lines:
        if periodised:
            for (year, _month), amount in line.months.items():
                if options.year is None or year == options.year:
                    per[(line.financier_name, line.state)][str(year)] += amount
        else:
            per[(line.financier_name, line.state)][f"{project.start} – {project.end}"] += line.amount
    periods = sorted({period for amounts in per.values() for period in amounts})
    if not periods:
        return []
    parts = tuple(
        Series(name, tuple(amounts.get(p, 0) for p in periods), undecided="" if state == BUDGET else STATE_WORDS[state])
        for (name, state), amounts in per.items()
    )
    totals = tuple(sum(part.values[i] for part in parts) for i in range(len(periods)))
    return [
        Chart(
            title=f"{project.name}: kontant finansiering per {'år' if periodised else 'projektperiod'}",
            categories=tuple(periods),
            series=(Series("Kontant finansiering", totals, parts=parts),),
        )
    ]


def _selected(project: ProjectRow, selection: Selection, recipients: dict[str, Recipient]) -> bool:
    """Whether a selected recipient owns the project, takes part in it or finances a line of it.

    Owner and participants are free text ("Arbetsförmedlingen"): a recipient is one of them
    when the text is its id or its name.
    """
    if not selection.by_recipient:
        return True
    if any(selection.takes_recipient(line.financier) for line in project.financing):
        return True
    people = {text.strip().casefold() for text in (project.owner, *project.participants) if text}
    return any(
        {rid.casefold(), r.name.casefold()} & people for rid, r in recipients.items() if selection.takes_recipient(rid)
    )


def _runs_in(project: ProjectRow, year: int) -> bool:
    return int(project.start[:4]) <= year <= int(project.end[:4])


def _names(lines: list[FinancingRow], project: ProjectRow, facts: _Facts | None) -> str:
    def named(ln: FinancingRow) -> str:
        approx = facts is not None and facts.is_approx(project, ln)
        return f"{ln.financier_name} {_amount(ln.amount, approx)}" + (f" {IN_KIND}" if ln.in_kind else "")

    return listed([named(ln) for ln in lines])


def _by_reason(lines: list[FinancingRow]) -> dict[str, list[FinancingRow]]:
    """Lines grouped by their reason, in the order the reasons first come."""
    grouped: dict[str, list[FinancingRow]] = defaultdict(list)
    for line in lines:
        grouped[line.reason].append(line)
    return grouped


def summary(project: ProjectRow, facts: _Facts | None = None) -> str:
    """A Swedish paragraph on the project: who, when, how it is financed and what counts."""
    head = project.name + (f" ({project.case})" if project.case else "")
    who = f" drivs av {project.owner}" if project.owner else " pågår"
    others = [p for p in project.participants if p != project.owner]
    together = ""
    if others:
        together = " tillsammans med " + listed(others)
    cash = sum(line.amount for line in project.financing if not line.in_kind)
    kind = sum(line.amount for line in project.financing if line.in_kind)

    def rough(in_kind: bool) -> bool:  # a sum with an amount applied for roughly is itself rough
        return facts is not None and any(
            facts.is_approx(project, line) for line in project.financing if line.in_kind == in_kind
        )

    sentences = [f"{head}{who} {project.start} – {project.end}{together}."]
    plan = f"Finansieringsplanen omfattar {_amount(cash, rough(False))} i kontanta medel"
    sentences.append(plan + (f" och {_amount(kind, rough(True))} {IN_KIND}." if kind else "."))
    by_state: dict[str, list[FinancingRow]] = defaultdict(list)
    for line in project.financing:
        by_state[line.state].append(line)
    if by_state[BUDGET]:
        budget_cash = sum(line.amount for line in by_state[BUDGET] if not line.in_kind)
        sentences.append(
            f"Beviljat och i budget: {kr(budget_cash)} kontant, {_names(by_state[BUDGET], project, facts)}."
        )
    else:
        sentences.append("Inget av finansieringen är ännu beviljat och i budget.")
    if by_state[APPLIED]:
        sentences.append(f"Ansökt men inte beslutat: {_names(by_state[APPLIED], project, facts)}.")
    for reason, lines in _by_reason(by_state[CONDITIONAL]).items():
        sentences.append(f"Villkorat: {_names(lines, project, facts)}, {reason}.")
    # What drops out, in one sentence: each line (or the lines dropped for one reason) with its reason.
    dropped = [f"{_names(lines, project, facts)} ({reason})" for reason, lines in _by_reason(by_state[DROPPED]).items()]
    if dropped:
        sentences.append(f"Utgår ur budgeten: {listed(dropped)}.")
    for line in project.financing:
        members = facts.groups.get(line.financier, ()) if facts is not None else ()
        if members:
            shares = [m.share for m in members]
            if line.months:
                totals = [sum(months.values()) for months in member_months(line, members)]
            else:
                totals = [sum(piece.values()) for piece in split_periods({0: line.amount}, shares)]
            parts = [f"{m.name} {kr(total)} ({m.written})" for m, total in zip(members, totals, strict=True)]
            sentences.append(f"{line.financier_name} betalas av {listed(parts)}.")
    if project.periodised_by:
        sentences.append(
            f"Beloppen är periodiserade per månad, {WEIGHING_WORDS[project.periodised_by]} av projektperioden."
        )
    else:
        sentences.append("Beloppen är inte periodiserade (ingen regel cofinancing i scenariot).")
    return " ".join(sentences)
