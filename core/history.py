"""What a run did, and what changed between two runs: built from the ledger as report documents.

``jobbsats show RUN`` and ``jobbsats diff RUN_A RUN_B`` print these in any
output format, like a report.
"""

from __future__ import annotations

import json
from collections import defaultdict

from jobbsats.document import Column, Document, Table
from jobbsats.ledger.view import AllocationRow, LedgerView
from jobbsats.money import KRONOR, format_units

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
        f"Körning {run.id}: {run.scenario}, {run.started_at}, av {run.user or 'okänd användare'}.",
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
    return Document(report="show", title=f"Körning {run.id}: {run.scenario}", tables=shown, paragraphs=paragraphs)


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


def diff(before: LedgerView, after: LedgerView) -> Document:
    """Every amount that differs between two runs: allocations per year, recipient and rule, and fund totals.

    One table per unit (kronor, or places and such), since amounts of different
    units never share a column. Money passed on from one recipient to another is
    shown, but the sum counts only what left the funds.
    """
    amounts: dict[Key, list[int]] = defaultdict(lambda: [0, 0])
    names = {**before.recipients, **after.recipients}
    for side, view in enumerate((before, after)):
        for a in view.allocations():
            amounts[_key(a)][side] += a.amount
    tables: dict[str, Table] = {}
    for (unit, year, fund, to, via, rule_label, label), (was, now) in sorted(amounts.items()):
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
                **_pair(unit, was, now),
            }
        )
    changed = sum(len(t.rows) for t in tables.values())
    for unit, table in tables.items():
        out = [r for r in table.rows if not r["via"]]
        if out:
            key = "change_ore" if unit == KRONOR else "change"
            table.totals.append({"recipient": "Summa ur fonderna", key: sum(r[key] for r in out)})
    totals = _fund_total_changes(before, after)
    paragraphs = [
        f"Körning {before.run_id} ({before.run.scenario}, {before.run.started_at}) mot körning {after.run_id} "
        f"({after.run.scenario}, {after.run.started_at}): " + _what_differs(changed, len(totals))
    ]
    if any(t.rows and any(r["via"] for r in t.rows) for t in tables.values()):
        paragraphs.append("Belopp som en mottagare för vidare (kolumnen Via) räknas inte en gång till i summan.")
    title = f"Skillnader mellan körning {before.run_id} och {after.run_id}"
    shown = list(tables.values()) or [_changes_table(before.run_id, after.run_id, KRONOR)]
    return Document(
        report="diff", title=title, tables=[*shown, *_totals_tables(before, after, totals)], paragraphs=paragraphs
    )


def _what_differs(allocations: int, fund_years: int) -> str:
    if not allocations and not fund_years:
        return "inga belopp skiljer sig."
    counted = "1 tilldelat belopp skiljer" if allocations == 1 else f"{allocations or 'inga'} tilldelade belopp skiljer"
    parts = [f"{counted} sig"]
    if fund_years:
        parts.append(f"fondernas totaler skiljer sig för {fund_years} fond och år")
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
    name, title = _per_unit("skillnader", f"Skillnader mellan körning {first} och {second}", unit)
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


def show_batch(db, batch_id: int) -> Document:
    """An import batch: the file and scenario it came from, who imported it when, and what it holds."""
    from jobbsats.errors import JobbsatsError

    rows = list(db.query("select * from import_batches where id = ?", [batch_id]))
    if not rows:
        raise JobbsatsError(f"there is no import batch {batch_id} in the ledger (see `jobbsats runs`)")
    b = rows[0]
    versions = json.loads(b["versions_json"] or "{}")
    plugins = ", ".join(f"{name} {version}" for name, version in sorted(versions.get("plugins", {}).items()))
    supersedes = [r[0] for r in db.execute("select superseded_id from batch_supersedes where batch_id = ?", [batch_id])]
    by = [r[0] for r in db.execute("select batch_id from batch_supersedes where superseded_id = ?", [batch_id])]
    first, last = db.execute("select min(date), max(date) from utfall where batch_id = ?", [batch_id]).fetchone()

    def kr(ore: int) -> str:
        return format_units(ore, sep=" ")

    def rader(n: int) -> str:
        return "1 rad" if n == 1 else f"{n} rader"

    paragraphs = [
        f"Import {b['id']}: {b['file_name']} för {b['scenario']}, {b['started_at']}, "
        f"av {b['user'] or 'okänd användare'}.",
        f"Fil {b['file_path']} ({b['format']}, {b['encoding']}, {b['file_size']} byte, sha256 {b['file_sha256']}).",
        f"Scenariofil {b['config_path']} (sha256 {b['config_sha256']}).",
        f"jobbsats {versions.get('jobbsats', '?')}" + (f"; insticksprogram: {plugins}." if plugins else "."),
        f"{rader(b['rows_read'])} lästa, kontrollsumma {kr(b['control_total'])}: {rader(b['fund_rows'])} "
        f"satsningens medel ({kr(b['fund_total'])}), {rader(b['other_rows'])} andra medel ({kr(b['other_total'])}), "
        f"{rader(b['unmatched_rows'])} utan mappning ({kr(b['unmatched_total'])}, ej importerade)"
        + (f", {rader(b['rejected_rows'])} avvisade (i {b['rejects_path']})" if b["rejected_rows"] else "")
        + ".",
        (f"Bokföringsdagar {first} till {last}." if first else "Inga rader bokförda."),
        (f"Ersätter import {', '.join(map(str, supersedes))}." if supersedes else "Ersätter ingen import.")
        + (f" Ersatt av import {', '.join(map(str, by))}." if by else " Gäller."),
    ]
    return Document(report="show", title=f"Import {b['id']}: {b['file_name']}", tables=[], paragraphs=paragraphs)
