"""What a run did, and what changed between two runs: built from the ledger as report documents.

``jobbsats show RUN`` and ``jobbsats diff RUN_A RUN_B`` print these in any
output format, like a report.
"""

from __future__ import annotations

from collections import defaultdict

from jobbsats.ledger.view import AllocationRow, LedgerView
from jobbsats.report import Column, Document, Table

# What identifies an allocation across runs: the year, the fund, who gets it (and via whom),
# the rule entry's label and the line's purpose. Point numbers and config key paths may move.
Key = tuple[int, str, str, str, str, str]


def _key(a: AllocationRow) -> Key:
    return (a.year, a.fund.id, a.to.id, a.via.id if a.via else "", a.rule_label, a.label)


def show(view: LedgerView) -> Document:
    """The run: where it came from, and rule by rule what it allocated each year."""
    run = view.run
    plugins = ", ".join(f"{name} {version}" for name, version in sorted(run.versions.get("plugins", {}).items()))
    paragraphs = [
        f"Körning {run.id}: {run.scenario}, {run.started_at}, av {run.user or 'okänd användare'}.",
        f"Scenariofil {run.config_path} (sha256 {run.config_sha256}).",
        f"jobbsats {run.versions.get('jobbsats', '?')}" + (f"; insticksprogram: {plugins}." if plugins else "."),
    ]
    per_rule: dict[tuple[int, str, str], list[AllocationRow]] = defaultdict(list)
    for a in view.allocations():
        per_rule[(a.year, a.rule_label, a.rule)].append(a)
    table = Table(
        name="regler",
        title="Per regel och år",
        columns=[
            Column("year", "År", "year"),
            Column("rule_label", "Regel"),
            Column("rule", "Regeltyp"),
            Column("allocations", "Tilldelningar", "int"),
            Column("amount_ore", "Ur fonden (kr)", "money"),
            Column("passed_on_ore", "Vidare (kr)", "money"),
        ],
    )
    for (year, label, rule), rows in per_rule.items():
        table.rows.append(
            {
                "year": year,
                "rule_label": label,
                "rule": rule,
                "allocations": len(rows),
                "amount_ore": sum(a.amount for a in rows if a.via is None),
                "passed_on_ore": sum(a.amount for a in rows if a.via is not None),
            }
        )
    for d in view.rounding_differences:
        paragraphs.append(f"Avrundning {d.year} ({d.rule_label}): {d.difference:+d} öre mot {d.split} öre fördelat.")
    return Document(report="show", title=f"Körning {run.id}: {run.scenario}", tables=[table], paragraphs=paragraphs)


def diff(before: LedgerView, after: LedgerView) -> Document:
    """Every allocation whose amount differs between two runs, per year, recipient and rule, with the change."""
    amounts: dict[Key, list[int]] = defaultdict(lambda: [0, 0])
    names = {**before.recipients, **after.recipients}
    for side, view in enumerate((before, after)):
        for a in view.allocations():
            amounts[_key(a)][side] += a.amount
    table = Table(
        name="skillnader",
        title=f"Skillnader mellan körning {before.run_id} och {after.run_id}",
        columns=[
            Column("year", "År", "year"),
            Column("recipient", "Mottagare"),
            Column("via", "Via"),
            Column("rule_label", "Regel"),
            Column("label", "Ändamål"),
            Column("before_ore", f"Körning {before.run_id} (kr)", "money"),
            Column("after_ore", f"Körning {after.run_id} (kr)", "money"),
            Column("change_ore", "Ändring (kr)", "money"),
        ],
    )
    for (year, fund, to, via, rule_label, label), (was, now) in sorted(amounts.items()):
        if was == now:
            continue
        table.rows.append(
            {
                "year": year,
                "fund_id": fund,
                "recipient_id": to,
                "recipient": names[to].title if to in names else to,
                "via": names[via].title if via in names else via,
                "rule_label": rule_label,
                "label": label,
                "before_ore": was,
                "after_ore": now,
                "change_ore": now - was,
            }
        )
    if table.rows:
        table.totals.append({"recipient": "Summa", "change_ore": sum(r["change_ore"] for r in table.rows)})
    changed = len(table.rows)
    paragraphs = [
        f"Körning {before.run_id} ({before.run.scenario}, {before.run.started_at}) mot körning {after.run_id} "
        f"({after.run.scenario}, {after.run.started_at}): "
        + (f"{changed} belopp skiljer sig." if changed else "inga belopp skiljer sig.")
    ]
    return Document(report="diff", title=table.title, tables=[table], paragraphs=paragraphs)
