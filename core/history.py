"""What a run did, and what changed between two runs: built from the ledger as report documents.

``jobbsats show RUN`` and ``jobbsats diff RUN_A RUN_B`` print these in any
output format, like a report. Both cover the run's co-financed projects too:
``show`` lists every financing line with its status and what it means for the
budget, ``diff`` every line whose status, budget state or amounts changed.
``jobbsats diff --as-of DAY_A --as-of DAY_B`` compares the ledger as it stood
on two days: the newest run of each, and the import batches current then.

Times reach people as Stockholm's local time written the Swedish way ("2 december 2026 kl. 17.24",
:func:`jobbsats.reports.header.swedish_time`); the machine fields (``started_at`` in JSON) keep the
ledger's ISO 8601 UTC. ``show`` is the audit view: it names the scenario file and the imported file
by their full paths, each on a line of its own, as recorded.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import PurePath

from jobbsats.document import Column, Document, Table
from jobbsats.ledger.tables import query, reads_ledger
from jobbsats.ledger.view import AllocationRow, BatchInfo, FinancingRow, LedgerView, ProjectRow
from jobbsats.money import KRONOR, format_count, format_units
from jobbsats.projects import BUDGET, CASH, GRANTED, IN_KIND, STATE_WORDS, STATES
from jobbsats.reports.header import swedish_time

# A financing line's budget state as reports write it (the words of the ``projekt`` report).

# What identifies an allocation across runs: the year, the fund, who gets it (and via whom),
# the rule entry's label and the line's purpose. Point numbers and config key paths may move.
# The fund's unit too: a fund counted in kronor in one run and in places in the other is two funds.
Key = tuple[str, int, str, str, str, str, str]


def _key(a: AllocationRow) -> Key:
    return (a.fund.unit, a.year, a.fund.id, a.to.id, a.via.id if a.via else "", a.rule_label, a.label)


def show(view: LedgerView) -> Document:
    """The run: where it came from, and rule by rule what it allocated each year."""
    run = view.run
    plugins = ", ".join(f"{name} {version}" for name, version in sorted(run.versions.get("plugins", {}).items()))
    paragraphs = [
        f"Körning {run.id}: {run.scenario}, {swedish_time(run.started_at)}, av {run.user or 'okänd användare'}.",
        f"Scenariofil {run.config_path} (sha256 {run.config_sha256}).",
        f"jobbsats {run.versions.get('jobbsats', '?')}" + (f"; insticksprogram: {plugins}." if plugins else "."),
    ]
    per_rule: dict[tuple[str, int, str, str], list[AllocationRow]] = defaultdict(list)
    for a in view.allocations():
        per_rule[(a.fund.unit, a.year, a.rule_label, a.rule)].append(a)
    tables: dict[str, Table] = {}
    for (unit, year, label, rule), rows in per_rule.items():
        if unit not in tables:
            kind, suffix = ("money", "_ore") if unit == KRONOR else ("int", "")
            name, title = _per_unit("regler", "Per regel och år", unit)
            tables[unit] = Table(
                name=name,
                title=title,
                columns=[
                    Column("year", "År", "year"),
                    Column("rule_label", "Regel"),
                    Column("rule", "Regeltyp"),
                    Column("allocations", "Tilldelningar", "int"),
                    Column(f"amount{suffix}", f"Ur fonden ({unit})", kind),
                    Column(f"passed_on{suffix}", f"Vidare ({unit})", kind),
                    Column(f"carried{suffix}", f"Överfört ({unit})", kind),
                ],
            )
        suffix = "_ore" if unit == KRONOR else ""
        tables[unit].rows.append(
            {
                "year": year,
                "rule_label": label,
                "rule": rule,
                "allocations": len(rows),
                f"amount{suffix}": sum(a.amount for a in rows if a.via is None),
                f"passed_on{suffix}": sum(a.amount for a in rows if a.via is not None),
            }
        )
    _show_carried(view, tables)
    for d in view.rounding_differences:
        unit = d.fund.unit
        sign = "+" if d.difference > 0 else "-"
        paragraphs.append(
            f"Avrundning {d.year} ({d.rule_label}): {sign}{format_units(abs(d.difference), unit, ' ')} mot "
            f"{format_units(d.split, unit, ' ')} fördelat."
        )
    paragraphs += _budget_sentences(view)
    paragraphs += _reads_sentences(view)
    shown = list(tables.values())
    if view.projects:
        paragraphs += [_project_sentence(p) for p in view.projects]
        shown.append(_financing_table(view.projects))
    return Document(report="show", title=f"Körning {run.id}: {run.scenario}", tables=shown, paragraphs=paragraphs)


def _show_carried(view: LedgerView, tables: dict[str, Table]) -> None:
    """Money the run's rules carried into a year from an earlier one: a row per rule entry and year.

    It is not from the year's fund total (it comes on top of it), so it has a column of its own.
    """
    per_rule: dict[tuple[str, int, str, str], int] = defaultdict(int)
    for c in view.carried():
        per_rule[(c.fund.unit, c.year, c.rule_label, c.rule)] += c.amount
    for (unit, year, label, rule), amount in per_rule.items():
        if unit not in tables:  # a run that only carries: its table has the same columns
            continue
        suffix = "_ore" if unit == KRONOR else ""
        tables[unit].rows.append({"year": year, "rule_label": label, "rule": rule, f"carried{suffix}": amount})


def _budget_sentences(view: LedgerView) -> list[str]:
    """Which budgets the run is: the original of a year (its first run), or a revision of it."""
    said = []
    decision = view.run.decision
    named = ", ".join(x for x in (decision.ref, decision.date) if x)
    for year in view.decided_years:
        first = view.original_run(year)
        if first == view.run_id:
            said.append(f"Budget {year}: ursprunglig budget.")
        else:
            by = f" ({named})" if named else ""
            said.append(f"Budget {year}: revidering{by} av den ursprungliga budgeten i körning {first}.")
    return said


def _reads_sentences(view: LedgerView) -> list[str]:
    """What the run's rules read of the ledger (earlier runs and import batches), and what has changed since."""
    reads = view.reads
    runs = [str(ref) for kind, ref in reads if kind == "run"]
    batches = [ref for kind, ref in reads if kind == "batch"]
    parts = [
        f"körning {', '.join(runs)}" if runs else "",
        f"importbatch {', '.join(map(str, batches))}" if batches else "",
    ]
    said = " och ".join(p for p in parts if p)
    sentences = [f"Reglerna läste ur huvudboken: {said}."] if said else []
    replaced = {b.id: b.superseded_by for b in view.batches if b.id in batches and b.superseded_by is not None}
    for batch, by in sorted(replaced.items()):
        sentences.append(
            f"Importbatch {batch} har sedan ersatts av importbatch {by}: det som räknades på dess utfall "
            "(till exempel en överföring) bygger på utfall som inte längre gäller. Kör scenariot igen."
        )
    return sentences


def _kr(ore: int) -> str:
    return format_units(ore, sep=" ")


def _kind(line: FinancingRow) -> str:
    return IN_KIND if line.in_kind else CASH


def _line_years(line: FinancingRow) -> dict[int | None, int]:
    """A line's amounts per year as the run periodised it; year None for a line the run did not periodise."""
    if not line.months:
        return {None: line.amount}
    years: dict[int | None, int] = {}
    for (year, _month), amount in sorted(line.months.items()):
        years[year] = years.get(year, 0) + amount
    return years


def _project_sentence(p: ProjectRow) -> str:
    """ "Projekt malmokraften: Malmökraften 2.0 (ASN-2019-12911), 2020-01-01 till 2022-06-30, ..." for ``show``."""
    by = {"month": "periodiserat per månad", "day": "periodiserat per dag"}.get(p.periodised_by or "")
    total = f"; budget {_kr(p.total)}" if p.total is not None else ""
    count = "1 finansieringsrad" if len(p.financing) == 1 else f"{len(p.financing)} finansieringsrader"
    return (
        f"Projekt {p.id}: {p.name}"
        + (f" ({p.case})" if p.case else "")
        + f", {p.start} till {p.end}"
        + (f", projektägare {p.owner}" if p.owner else "")
        + f"; {count}, {by or 'ej periodiserat'}{total}."
    )


def _financing_table(projects: list[ProjectRow]) -> Table:
    """Every project's financing lines with their status and budget state; totals per project, state and kind."""
    table = Table(
        name="finansiering",
        title="Projektens finansiering",
        columns=[
            Column("project", "Projekt"),
            Column("financier", "Finansiär"),
            Column("kind", "Slag"),
            Column("status", "Status"),
            Column("decided", "Beslutad"),
            Column("reference", "Referens"),
            Column("state", "Budget"),
            Column("reason", "Villkor eller skäl"),
            Column("amount_ore", "Belopp (kr)", "money"),
        ],
    )
    for p in projects:
        per_state: dict[tuple[str, str], int] = defaultdict(int)
        for line in p.financing:
            table.rows.append(
                {
                    "project_id": p.id,
                    "project": p.name,
                    "line": line.line,
                    "financier_id": line.financier,
                    "financier": line.financier_name,
                    "programme": line.programme,
                    "kind": _kind(line),
                    "status": line.status,
                    "decided": line.decided,
                    "reference": line.reference,
                    "state": STATE_WORDS.get(line.state, line.state),
                    "reason": line.reason or _condition_met(p, line),
                    "amount_ore": line.amount,
                }
            )
            per_state[(line.state, _kind(line))] += line.amount
        table.totals += [
            {
                "project_id": p.id,
                "project": p.name,
                "financier": f"Summa {STATE_WORDS[state]}, {kind}",
                "amount_ore": per_state[(state, kind)],
            }
            for state in STATES
            for kind in (CASH, IN_KIND)
            if (state, kind) in per_state
        ]
    return table


def diff(before: LedgerView, after: LedgerView) -> Document:
    """Every amount that differs between two runs: allocations per year, recipient and rule, fund totals,
    and the financing lines of their projects whose status, budget state or amounts changed.

    One table per unit (kronor, or places and such), since amounts of different
    units never share a column. Money passed on from one recipient to another is
    shown, but the sum counts only what left the funds. When either view is read
    as of a day (``LedgerView(..., as_of=DAY)``), the import batches current on
    each side are compared too.
    """
    amounts: dict[Key, list[int]] = defaultdict(lambda: [0, 0])
    names = {**before.recipients, **after.recipients}
    carried: dict[Key, list[int]] = defaultdict(lambda: [0, 0])
    for side, view in enumerate((before, after)):
        for a in view.allocations():
            amounts[_key(a)][side] += a.amount
        for c in view.carried():  # an earlier year's money: on top of the funds, its own lines
            carried[(c.fund.unit, c.year, c.fund.id, c.to.id, "", f"Överföring från {c.from_year}", c.label)][side] += (
                c.amount
            )
    tables: dict[str, Table] = {}
    for is_carried, changes in ((False, amounts), (True, carried)):
        for (unit, year, fund, to, via, rule_label, label), (was, now) in sorted(changes.items()):
            if was == now:
                continue
            if unit not in tables:
                tables[unit] = _changes_table(before.run_id, after.run_id, unit)
            tables[unit].rows.append(
                {
                    "year": year,
                    "fund_id": fund,
                    "recipient_id": to,
                    "recipient": names[to].title if to in names else to,
                    "via": names[via].title if via in names else via,
                    "rule_label": rule_label,
                    "label": label,
                    **({"carried": True} if is_carried else {}),
                    **_pair(unit, was, now),
                }
            )
    changed = sum(len(t.rows) for t in tables.values())
    for unit, table in tables.items():
        out = [r for r in table.rows if not r["via"] and not r.get("carried")]
        if out:
            key = "change_ore" if unit == KRONOR else "change"
            table.totals.append({"recipient": "Summa ur fonderna", key: sum(r[key] for r in out)})
    totals = _fund_total_changes(before, after)
    lines = _financing_changes(before, after)
    paragraphs = [
        f"Körning {before.run_id} ({before.run.scenario}, {swedish_time(before.run.started_at)}) mot körning "
        f"{after.run_id} ({after.run.scenario}, {swedish_time(after.run.started_at)}): "
        + _what_differs(changed, len(totals), len(lines))
    ]
    if any(t.rows and any(r["via"] for r in t.rows) for t in tables.values()):
        paragraphs.append("Belopp som en mottagare för vidare (kolumnen Via) räknas inte en gång till i summan.")
    paragraphs += [_line_change_sentence(change, before.run_id, after.run_id) for change in lines]
    title = f"Skillnader mellan körning {before.run_id} och {after.run_id}"
    shown = list(tables.values()) or ([] if lines else [_changes_table(before.run_id, after.run_id, KRONOR)])
    shown += _totals_tables(before, after, totals)
    if lines:
        shown.append(_financing_changes_table(before, after, lines))
    if before.as_of is not None or after.as_of is not None:
        point_a, point_b = _point(before), _point(after)
        title = f"Skillnader mellan {point_a[0]} och {point_b[0]}"
        paragraphs.insert(
            0,
            f"Ställningen {point_a[1]} mot ställningen {point_b[1]} (dagen räknad i UTC): körning {before.run_id} "
            f"mot körning {after.run_id}, och de importbatcher (utfall) som gällde.",
        )
        batches, said = _batch_changes(before.batches, after.batches, point_a, point_b)
        for row in batches.rows:  # what it names, it vouches for: every row of it as the chain sealed it
            after.check_batch(row["batch_id"])
        paragraphs.append(said)
        shown.append(batches)
    return Document(report="diff", title=title, tables=shown, paragraphs=paragraphs)


def _what_differs(allocations: int, fund_years: int, financing: int = 0) -> str:
    if not allocations and not fund_years and not financing:
        return "inga belopp skiljer sig."
    parts = []
    if allocations or fund_years:
        counted = (
            "1 tilldelat belopp skiljer" if allocations == 1 else f"{allocations or 'inga'} tilldelade belopp skiljer"
        )
        parts.append(f"{counted} sig")
    if fund_years:
        parts.append(f"fondernas totaler skiljer sig för {fund_years} fond och år")
    if financing:
        rad = "1 finansieringsrad" if financing == 1 else f"{financing} finansieringsrader"
        parts.append(f"{rad} i projekten har ändrats (status, budgetläge eller belopp)")
    return "; ".join(parts) + "."


def _per_unit(name: str, title: str, unit: str) -> tuple[str, str]:
    """A table's name and title for amounts of ``unit``: kronor plain, other units marked."""
    return (name, title) if unit == KRONOR else (f"{name}_{unit}", f"{title} ({unit})")


def _pair(unit: str, was: int | None, now: int | None) -> dict:
    """Before, after and the change, in öre fields for kronor, plain fields for other units."""
    suffix = "_ore" if unit == KRONOR else ""
    change = None if was is None or now is None else now - was
    return {f"before{suffix}": was, f"after{suffix}": now, f"change{suffix}": change}


def _value_columns(first: int, second: int, unit: str, what: str = "") -> list[Column]:
    kind, suffix = ("money", "_ore") if unit == KRONOR else ("int", "")
    return [
        Column(f"before{suffix}", f"{what}Körning {first} ({unit})", kind),
        Column(f"after{suffix}", f"{what}Körning {second} ({unit})", kind),
        Column(f"change{suffix}", f"Ändring ({unit})", kind),
    ]


def _changes_table(first: int, second: int, unit: str) -> Table:
    # Not the document's title ("Skillnader mellan ..."), which a format writes above it already.
    name, title = _per_unit("skillnader", f"Belopp som skiljer sig mellan körning {first} och {second}", unit)
    return Table(
        name=name,
        title=title,
        columns=[
            Column("year", "År", "year"),
            Column("recipient", "Mottagare"),
            Column("via", "Via"),
            Column("rule_label", "Regel"),
            Column("label", "Ändamål"),
            *_value_columns(first, second, unit),
        ],
    )


def _fund_total_changes(before: LedgerView, after: LedgerView) -> list[tuple]:
    """(fund, year, before, after) for every fund and year whose total, unallocated or assumption differs."""
    sides = [{(f.fund.id, f.fund.unit, f.year): f for f in view.fund_years} for view in (before, after)]
    changes = []
    for key in sorted(set(sides[0]) | set(sides[1])):
        was, now = sides[0].get(key), sides[1].get(key)
        facts = [(f.total, f.unallocated, f.assumed) if f else None for f in (was, now)]
        if facts[0] != facts[1]:
            changes.append((key[0], key[2], was, now))
    return changes


def _totals_tables(before: LedgerView, after: LedgerView, changes: list[tuple]) -> list[Table]:
    tables: dict[str, Table] = {}
    for fund_id, year, was, now in changes:
        fund = (now or was).fund
        if fund.unit not in tables:
            name, title = _per_unit("fondtotaler", "Fondernas totaler som skiljer sig", fund.unit)
            tables[fund.unit] = Table(
                name=name,
                title=title,
                columns=[
                    Column("year", "År", "year"),
                    Column("fund", "Fond"),
                    Column("what", "Belopp"),
                    *_value_columns(before.run_id, after.run_id, fund.unit),
                ],
            )
        sides = ((before.run_id, was), (after.run_id, now))
        assumed = [str(run) for run, f in sides if f and f.assumed]
        for what, field in (("Total", "total"), ("Ej fördelat", "unallocated")):
            values = [getattr(f, field) if f else None for _, f in sides]
            same_assumption = len(assumed) != 1  # both runs assumed the total, or neither did
            if values[0] == values[1] and (field != "total" or same_assumption):
                continue
            marks = f" (antagen i körning {', '.join(assumed)})" if field == "total" and assumed else ""
            tables[fund.unit].rows.append(
                {"year": year, "fund_id": fund_id, "fund": fund.name, "what": what + marks, **_pair(fund.unit, *values)}
            )
    return list(tables.values())


# What identifies a financing line across runs: its project, financier, programme and kind, and
# which of the project's lines of that financier, programme and kind it is (the first, the second).
LineKey = tuple[str, str, str, bool, int]


@dataclass(frozen=True)
class LineChange:
    """A financing line whose status, budget state or amounts differ between two runs (None: not in that run)."""

    project: ProjectRow  # the later run's project, or the earlier's when the later run lacks it
    before: FinancingRow | None
    after: FinancingRow | None
    after_project: ProjectRow | None  # the later run's project, for what the line's condition depends on


def _financing_lines(view: LedgerView) -> dict[LineKey, tuple[ProjectRow, FinancingRow]]:
    lines: dict[LineKey, tuple[ProjectRow, FinancingRow]] = {}
    for p in view.projects:
        seen: Counter[tuple[str, str, bool]] = Counter()
        for line in p.financing:
            which = (line.financier, line.programme, line.in_kind)
            lines[(p.id, *which, seen[which])] = (p, line)
            seen[which] += 1
    return lines


def _financing_changes(before: LedgerView, after: LedgerView) -> list[LineChange]:
    """The financing lines whose status, budget state or amounts (in all, or in a year) differ, in file order."""
    was, now = _financing_lines(before), _financing_lines(after)
    changes = []
    for key in [*now, *(k for k in was if k not in now)]:
        a, b = was.get(key), now.get(key)
        la, lb = (a[1] if a else None), (b[1] if b else None)
        if la is not None and lb is not None and _facts(la) == _facts(lb):
            continue
        project = (b or a)[0]  # type: ignore[index]  # one side holds the line
        changes.append(LineChange(project, la, lb, b[0] if b else None))
    return changes


def _facts(line: FinancingRow) -> tuple:
    """What ``diff`` compares of a line: its status, budget state, amount and amounts per year."""
    return line.status, line.state, line.amount, _line_years(line)


def _why(project: ProjectRow | None, line: FinancingRow | None) -> str:
    """Why a line is in its budget state: the reason the run recorded, or what made it count."""
    if project is None or line is None:
        return ""
    if line.reason:
        return line.reason
    return _condition_met(project, line) or (_granted(line) if line.status == GRANTED else "")


def _condition_met(project: ProjectRow, line: FinancingRow) -> str:
    """ "villkoret att ESF beviljar medel är uppfyllt: beviljad 2020-02-14, ..." for a line in the budget
    because the grant it depends on was made; "" for any other line."""
    if line.state != BUDGET or not line.condition:
        return ""
    names = {other.financier: other.financier_name for other in project.financing}
    met = next((o for o in project.financing if o.financier == line.condition and o.state == BUDGET), None)
    detail = _granted(met) if met is not None else ""
    return f"villkoret att {names.get(line.condition, line.condition)} beviljar medel är uppfyllt" + (
        f": {detail}" if detail else ""
    )


def _granted(line: FinancingRow) -> str:
    """ "beviljad 2020-02-14, ESF-2020-0042", or "" when the line names neither date nor reference."""
    details = ", ".join(x for x in (line.decided, line.reference) if x)
    return f"{line.status} {details}" if details else ""


def _reason(change: LineChange, second: int) -> str:
    """The table's *Skäl*: why the line is where it is in the later run (``second``), or that it is gone."""
    if change.after is None:
        return f"finansieringsraden finns inte i körning {second}"
    why = _why(change.after_project, change.after)
    if change.before is None:
        return f"ny finansieringsrad i körning {second}" + (f"; {why}" if why else "")
    return why


def _financing_changes_table(before: LedgerView, after: LedgerView, changes: list[LineChange]) -> Table:
    """A row per changed line and year, before and after; totals per project, budget state and kind that differ."""
    first, second = before.run_id, after.run_id
    table = Table(
        name="finansiering",
        title="Finansiering som ändrats",
        columns=[
            Column("project", "Projekt"),
            Column("financier", "Finansiär"),
            Column("kind", "Slag"),
            Column("year", "År", "year"),
            Column("status_before", "Status före"),
            Column("status_after", "Status efter"),
            Column("state_before", "Budget före"),
            Column("state_after", "Budget efter"),
            *_value_columns(first, second, KRONOR),
            Column("reason", "Skäl"),
        ],
    )
    for change in changes:
        line = change.after or change.before
        assert line is not None  # a change holds the line on one side at least
        years = [_line_years(x) if x else {} for x in (change.before, change.after)]
        every = sorted(set(years[0]) | set(years[1]), key=lambda y: (y is not None, y or 0))
        states = [STATE_WORDS.get(x.state, x.state) if x else None for x in (change.before, change.after)]
        for year in every:
            table.rows.append(
                {
                    "project_id": change.project.id,
                    "project": change.project.name,
                    "financier_id": line.financier,
                    "financier": line.financier_name,
                    "programme": line.programme,
                    "kind": _kind(line),
                    "year": year,
                    "status_before": change.before.status if change.before else None,
                    "status_after": change.after.status if change.after else None,
                    "state_before": states[0],
                    "state_after": states[1],
                    **_pair(KRONOR, years[0].get(year), years[1].get(year)),
                    "reason": _reason(change, second),
                }
            )
    projects = {c.project.id: c.project.name for c in changes}
    sums = [_state_sums(view) for view in (before, after)]
    for pid, name in projects.items():
        for state in STATES:
            for kind in (CASH, IN_KIND):
                was, now = (s.get((pid, state, kind), 0) for s in sums)
                if was != now:
                    table.totals.append(
                        {
                            "project_id": pid,
                            "project": name,
                            "financier": f"Summa {STATE_WORDS[state]}, {kind}",
                            "kind": kind,
                            "state": STATE_WORDS[state],
                            **_pair(KRONOR, was, now),
                        }
                    )
    return table


def _state_sums(view: LedgerView) -> dict[tuple[str, str, str], int]:
    """What each project of the run holds per budget state and kind (cash, in kind), over the years it periodised."""
    sums: dict[tuple[str, str, str], int] = defaultdict(int)
    for p in view.projects:
        for line in p.financing:
            sums[(p.id, line.state, _kind(line))] += sum(_line_years(line).values())
    return sums


def _line_change_sentence(change: LineChange, first: int, second: int) -> str:
    """ "Malmökraften 2.0, Europeiska socialfonden (ESF): status från ansökt till beviljad, ..." for ``diff``."""
    line = change.after or change.before
    assert line is not None
    who = f"{change.project.name}, {line.financier_name}" + (f" ({IN_KIND})" if line.in_kind else "")
    a, b = change.before, change.after
    if a is None or b is None:
        parts = [f"ny i körning {second}" if a is None else f"finns inte i körning {second}"]
    else:
        parts = []
        if a.status != b.status:
            parts.append(f"status från {a.status} till {b.status}")
        if a.state != b.state:
            words = [STATE_WORDS.get(x.state, x.state) for x in (a, b)]
            parts.append(f"budgetläge från {words[0]} till {words[1]}")
        if a.amount != b.amount:
            parts.append(f"belopp från {_kr(a.amount)} till {_kr(b.amount)}")
        elif _line_years(a) != _line_years(b):
            parts.append("beloppen per år har ändrats")
    why = _why(change.after_project, b)
    years = _line_years(line)
    per_year = ", ".join(
        f"{_kr(amount)} ({year})" if year is not None else _kr(amount) for year, amount in years.items()
    )
    shown = first if b is None else second
    return (
        f"{who}: " + ", ".join(parts) + (f"; skäl: {why}" if why else "") + f"; per år i körning {shown}: {per_year}."
    )


def _point(view: LedgerView) -> tuple[str, str]:
    """("2025-01-31", "per 2025-01-31") for a view read as of a day, ("nu", "nu") for the ledger as it is."""
    return (view.as_of, f"per {view.as_of}") if view.as_of is not None else ("nu", "nu")


def _batch_changes(
    before: list[BatchInfo], after: list[BatchInfo], point_a: tuple[str, str], point_b: tuple[str, str]
) -> tuple[Table, str]:
    """The import batches current at either point, with what differs (added, superseded), and a sentence."""
    (day_a, first), (day_b, second) = point_a, point_b
    table = Table(
        name="importbatcher",
        title=f"Importbatcher (utfall) {first} och {second}",
        columns=[
            Column("batch_id", "Import", "int"),
            Column("scenario", "Scenario"),
            Column("file_name", "Fil"),
            Column("imported", "Importerad"),  # started_at, the machine field, as people read it
            Column("rows_read", "Rader", "int"),
            Column("what", "Skillnad"),
            Column("before_ore", f"Kontrollsumma {first} (kr)", "money"),
            Column("after_ore", f"Kontrollsumma {second} (kr)", "money"),
            Column("change_ore", "Ändring (kr)", "money"),
        ],
    )
    sides = [{b.id: b for b in batches} for batches in (before, after)]
    added, superseded = [], []
    per_scenario: dict[str, list[int]] = {}
    for batch_id in sorted(set(sides[0]) | set(sides[1])):
        a, b = sides[0].get(batch_id), sides[1].get(batch_id)
        current = [x is not None and x.superseded_by is None for x in (a, b)]
        states = [_batch_state(x) for x in (a, b)]
        if not any(current) and states[0] == states[1]:
            continue  # superseded at both points: history from before either
        batch = b or a
        assert batch is not None
        if states[0] == states[1]:
            what = "oförändrad"
        elif a is None:  # imported between the two points (and perhaps superseded since)
            what = "tillkommen" + ("" if current[1] else f", {states[1]}")
            added.append(batch)
            if not current[1]:
                superseded.append(batch)
        elif current[0] and not current[1]:
            what = states[1]
            superseded.append(batch)
        else:  # only when the second point is the earlier one
            what = f"{states[0]} {first}, {states[1]} {second}"
        was, now = (x.control_total if x is not None and x.superseded_by is None else None for x in (a, b))
        table.rows.append(
            {
                "batch_id": batch.id,
                "scenario": batch.scenario,
                "file_name": PurePath(batch.file_path).name,
                "started_at": batch.started_at,
                "imported": swedish_time(batch.started_at),
                "rows_read": batch.rows_read,
                "what": what,
                "before_ore": was,
                "after_ore": now,
                "change_ore": (now or 0) - (was or 0),
                "file_sha256": batch.file_sha256,
            }
        )
        sums = per_scenario.setdefault(batch.scenario, [0, 0])
        sums[0] += was or 0
        sums[1] += now or 0
    for scenario, (was, now) in per_scenario.items():
        table.totals.append({"scenario": scenario, "file_name": "Summa", **_pair(KRONOR, was, now)})
    now_current = [b.id for b in after if b.superseded_by is None]
    return table, _batch_sentence(added, superseded, (day_a, first), (day_b, second), now_current)


def _batch_state(batch: BatchInfo | None) -> str:
    if batch is None:
        return "ej importerad"
    return f"ersatt av import {batch.superseded_by}" if batch.superseded_by is not None else "gäller"


def _batch_sentence(
    added: list[BatchInfo],
    superseded: list[BatchInfo],
    point_a: tuple[str, str],
    point_b: tuple[str, str],
    current: list[int],
) -> str:
    """ "Importbatcher som skiljer sig mellan 2025-01-31 och nu: tillkommen: import 2 (utfall.csv); ..." """

    def named(batches: list[BatchInfo], by: bool = False) -> str:
        return ", ".join(
            f"import {b.id} ({PurePath(b.file_path).name}"
            + (f", ersatt av import {b.superseded_by})" if by and b.superseded_by is not None else ")")
            for b in batches
        )

    if not added and not superseded:
        ids = ", ".join(map(str, current))
        return f"Samma importbatcher gäller {point_a[1]} och {point_b[1]}: " + (f"import {ids}." if ids else "inga.")
    said = []
    if added:
        said.append(("tillkommen: " if len(added) == 1 else "tillkomna: ") + named(added))
    if superseded:
        said.append(("ersatt: " if len(superseded) == 1 else "ersatta: ") + named(superseded, by=True))
    return f"Importbatcher som skiljer sig mellan {point_a[0]} och {point_b[0]}: " + "; ".join(said) + "."


@reads_ledger
def show_batch(db, batch_id: int) -> Document:
    """An import batch: the file and scenario it came from, who imported it when, and what it holds.

    Refused (:class:`~jobbsats.errors.LedgerError`) when its rows no longer match the ledger's chain.
    """
    from jobbsats.errors import JobbsatsError
    from jobbsats.ledger.chain import check_batch

    rows = list(query(db, "select * from import_batches where id = ?", [batch_id]))
    if not rows:
        raise JobbsatsError(f"there is no import batch {batch_id} in the ledger (see `jobbsats runs`)")
    check_batch(db, batch_id)
    b = rows[0]
    versions = json.loads(b["versions_json"] or "{}")
    plugins = ", ".join(f"{name} {version}" for name, version in sorted(versions.get("plugins", {}).items()))
    supersedes = [r[0] for r in db.execute("select superseded_id from batch_supersedes where batch_id = ?", [batch_id])]
    by = [r[0] for r in db.execute("select batch_id from batch_supersedes where superseded_id = ?", [batch_id])]
    first, last = db.execute("select min(date), max(date) from utfall where batch_id = ?", [batch_id]).fetchone()

    def kr(ore: int) -> str:
        return format_units(ore, sep=" ")

    def rader(n: int) -> str:
        return "1 rad" if n == 1 else f"{format_count(n, sep=' ')} rader"

    size = format_count(b["file_size"], sep=" ")
    paragraphs = [
        f"Import {b['id']}: {b['file_name']} för {b['scenario']}, {swedish_time(b['started_at'])}, "
        f"av {b['user'] or 'okänd användare'}.",
        f"Fil {b['file_path']} ({b['format']}, {b['encoding']}, {size} byte, sha256 {b['file_sha256']}).",
        f"Scenariofil {b['config_path']} (sha256 {b['config_sha256']}).",
        f"jobbsats {versions.get('jobbsats', '?')}" + (f"; insticksprogram: {plugins}." if plugins else "."),
        f"{rader(b['rows_read'])} lästa, kontrollsumma "
        # Of the rows kept, said so where some were left out (as the import's summary says it).
        + (_kept(b["rows_read"] - b["rejected_rows"], rader) if b["rejected_rows"] else "")
        + f"{kr(b['control_total'])}: {rader(b['fund_rows'])} "
        f"satsningens medel ({kr(b['fund_total'])}), {rader(b['other_rows'])} andra medel ({kr(b['other_total'])}), "
        f"{rader(b['unmatched_rows'])} utan mappning ({kr(b['unmatched_total'])}, ej importerade)"
        + (f", {rader(b['rejected_rows'])} avvisade (i {b['rejects_path']})" if b["rejected_rows"] else "")
        + ".",
        (f"Bokföringsdagar {first} till {last}." if first else "Inga rader bokförda."),
        (f"Ersätter import {', '.join(map(str, supersedes))}." if supersedes else "Ersätter ingen import.")
        + (f" Ersatt av import {', '.join(map(str, by))}." if by else " Gäller."),
    ]
    facts = {
        "batch_id": b["id"],
        "file_name": b["file_name"],
        "rows_read": b["rows_read"],
        "control_total_ore": b["control_total"],
        "state": f"ersatt av import {', '.join(map(str, by))}" if by else "gäller",
        "file_path": b["file_path"],
        "format": b["format"],
        "encoding": b["encoding"],
        "file_size": b["file_size"],
        "file_sha256": b["file_sha256"],
        "scenario": b["scenario"],
        "config_path": b["config_path"],
        "config_sha256": b["config_sha256"],
        "started_at": b["started_at"],
        "user": b["user"],
        "jobbsats_version": versions.get("jobbsats"),
        "plugins": dict(sorted(versions.get("plugins", {}).items())),
        "fund_rows": b["fund_rows"],
        "fund_total_ore": b["fund_total"],
        "other_rows": b["other_rows"],
        "other_total_ore": b["other_total"],
        "unmatched_rows": b["unmatched_rows"],
        "unmatched_total_ore": b["unmatched_total"],
        "rejected_rows": b["rejected_rows"],
        "rejects_path": b["rejects_path"],
        "first_date": first,
        "last_date": last,
        "supersedes": supersedes,
        "superseded_by": by,
        "current": not by,
    }
    # One row of the batch's facts: the text formats show a few columns of it under the sentences,
    # the machine formats (json, csv) every field, so a program need not read the sentences.
    table = Table(
        name="import",
        title="Importbatch",
        columns=[
            Column("batch_id", "Import", "int"),
            Column("file_name", "Fil"),
            Column("rows_read", "Rader", "int"),
            Column("control_total_ore", "Kontrollsumma (kr)", "money"),
            Column("state", "Läge"),
        ],
        rows=[facts],
    )
    return Document(report="show", title=f"Import {b['id']}: {b['file_name']}", tables=[table], paragraphs=paragraphs)


def _kept(n: int, rader: Callable[[int], str]) -> str:
    """Whose control total it is, where rows were left out: "för de 8 rader som behölls", "för den rad som behölls"."""
    return "för den rad som behölls " if n == 1 else f"för de {rader(n)} som behölls "
