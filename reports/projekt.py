"""``projekt``: co-financed projects per financier and year (or quarter), with what counts as budget.

Every financing line is shown with its amount per period, its grant status
and what that means for the budget: ``budget`` (granted, conditions met),
``villkorad`` (granted on a condition still pending), ``ansökt`` (not decided)
or ``utgår`` (refused, withdrawn, or its condition failed, with the reason).
Contributions in kind (staff time) are totalled apart from cash. Each project
gets a Swedish summary paragraph for the follow-up paper.

``--recipient`` shows the projects a recipient owns, takes part in or
finances (whole, with every financier's lines). Projects belong to no fund, so
the report takes no ``--fund``: it is refused rather than ignored.
"""

from __future__ import annotations

from collections import defaultdict

from jobbsats.contracts import QUARTERS_OPTION, RECIPIENT_OPTION, ReportOptions
from jobbsats.document import Column, Document, Table
from jobbsats.ledger.view import FinancingRow, LedgerView, ProjectRow
from jobbsats.money import NBSP, format_units
from jobbsats.periods import quarter_of
from jobbsats.projects import APPLIED, BUDGET, CONDITIONAL, DROPPED, STATE_WORDS, STATES
from jobbsats.reports.selection import Selection
from jobbsats.scenario import Recipient

CASH, IN_KIND = "kontant", "i annat än pengar"
WEIGHING_WORDS = {"month": "lika mycket varje månad", "day": "lika mycket varje dag"}


def _kr(ore: int) -> str:
    return format_units(ore, unit_sep=NBSP)


def _kind(line: FinancingRow) -> str:
    return IN_KIND if line.in_kind else CASH


def _periods(line: FinancingRow, options: ReportOptions) -> dict[tuple[int, int | None], int]:
    """The line's amounts per (year, quarter), the quarter None unless ``options.get("quarters", False)``."""
    out: dict[tuple[int, int | None], int] = defaultdict(int)
    for (year, month), amount in sorted(line.months.items()):
        if options.year is None or year == options.year:
            out[(year, quarter_of(month) if options.get("quarters", False) else None)] += amount
    return out


class Projekt:
    """The ``projekt`` report: every project's financing per financier and year or quarter."""

    name = "projekt"
    options = (RECIPIENT_OPTION, QUARTERS_OPTION)  # no --fund: a project draws from no fund
    description = "Medfinansierade projekt: belopp per finansiär och år eller kvartal, status och villkor."

    def build(self, ledger: LedgerView, options: ReportOptions) -> Document:
        paragraphs = [f"Körning {ledger.run.id}, {ledger.run.started_at}, från {ledger.run.config_path}."]
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
        by_year = []
        for project in chosen:
            if options.year is not None and not _runs_in(project, options.year):
                paragraphs.append(f"{project.name} pågår inte {options.year}.")
                continue
            paragraphs.append(summary(project))
            self._add(table, project, options)
            if options.year is None:
                by_year.append(self._by_year(project))
        return Document(
            report=self.name,
            title=f"Projekt: {ledger.run.scenario}",
            tables=[table, *by_year] if ledger.projects else [],
            paragraphs=paragraphs,
        )

    @staticmethod
    def _table(options: ReportOptions) -> Table:
        """One table for every project, so CSV and JSON have the same columns however many projects there are."""
        return Table(
            name="projekt",
            title=f"Finansiering per projekt, finansiär och {'kvartal' if options.get('quarters') else 'år'}",
            columns=[
                Column("project", "Projekt"),
                Column("financier_id", "Finansiär-id"),
                Column("financier", "Finansiär"),
                Column("year", "År", "year"),
                *([Column("quarter", "Kvartal", "int")] if options.get("quarters", False) else []),
                Column("amount_ore", "Belopp (kr)", "money"),
                Column("kind", "Slag"),
                Column("status", "Status"),
                Column("state", "Budget"),
                Column("reason", "Villkor eller skäl"),
            ],
        )

    @staticmethod
    def _add(table: Table, project: ProjectRow, options: ReportOptions) -> None:
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
                        **({"quarter": quarter} if options.get("quarters", False) else {}),
                        "amount_ore": amount,
                        "kind": _kind(line),
                        "status": line.status,
                        "state": STATE_WORDS[line.state],
                        "reason": line.reason,
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
    def _by_year(project: ProjectRow) -> Table:
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
            table.rows.append({"financier": financier, "state": STATE_WORDS[line.state], **amounts})
            if line.state != DROPPED:
                group = f"Summa {STATE_WORDS[line.state]}, {_kind(line)}"
                for key, value in amounts.items():
                    sums[group][key] += value
        for group in sorted(sums, key=lambda g: [w in g for w in STATE_WORDS.values()].index(True)):
            table.totals.append({"financier": group, **sums[group]})
        return table


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


def _and(parts: list[str]) -> str:
    """Swedish for a list: "a", "a och b", "a, b och c"."""
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " och " + parts[-1]


def _names(lines: list[FinancingRow]) -> str:
    return _and([f"{ln.financier_name} {_kr(ln.amount)}" + (f" {IN_KIND}" if ln.in_kind else "") for ln in lines])


def summary(project: ProjectRow) -> str:
    """A Swedish paragraph on the project: who, when, how it is financed and what counts."""
    head = project.name + (f" ({project.case})" if project.case else "")
    who = f" drivs av {project.owner}" if project.owner else " pågår"
    others = [p for p in project.participants if p != project.owner]
    together = ""
    if others:
        together = " tillsammans med " + _and(others)
    cash = sum(line.amount for line in project.financing if not line.in_kind)
    kind = sum(line.amount for line in project.financing if line.in_kind)
    sentences = [f"{head}{who} {project.start} – {project.end}{together}."]
    plan = f"Finansieringsplanen omfattar {_kr(cash)} i kontanta medel"
    sentences.append(plan + (f" och {_kr(kind)} {IN_KIND}." if kind else "."))
    by_state: dict[str, list[FinancingRow]] = defaultdict(list)
    for line in project.financing:
        by_state[line.state].append(line)
    if by_state[BUDGET]:
        budget_cash = sum(line.amount for line in by_state[BUDGET] if not line.in_kind)
        sentences.append(f"Beviljat och i budget: {_kr(budget_cash)} kontant, {_names(by_state[BUDGET])}.")
    else:
        sentences.append("Inget av finansieringen är ännu beviljat och i budget.")
    if by_state[APPLIED]:
        sentences.append(f"Ansökt men inte beslutat: {_names(by_state[APPLIED])}.")
    for label, state in (("Villkorat", CONDITIONAL), ("Utgår ur budgeten", DROPPED)):
        by_reason: dict[str, list[FinancingRow]] = defaultdict(list)
        for line in by_state[state]:
            by_reason[line.reason].append(line)
        for reason, lines in by_reason.items():
            sentences.append(
                f"{label}: {_names(lines)}, {reason}."
                if state == CONDITIONAL
                else f"{label}: {_names(lines)} ({reason})."
            )
    if project.periodised_by:
        sentences.append(
            f"Beloppen är periodiserade per månad, {WEIGHING_WORDS[project.periodised_by]} av projektperioden."
        )
    else:
        sentences.append("Beloppen är inte periodiserade (ingen regel cofinancing i scenariot).")
    return " ".join(sentences)
