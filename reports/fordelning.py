"""``fordelning``: the allocation per year, fund, recipient and rule.

Each row is money leaving the fund, so a year's rows sum to the fund's total
(what no rule allocated is a row of its own). Money a recipient passes on (KS
granting its 4 900 000 kr to Tillväxt Malmö och Level) is shown on the row it
comes out of, never as a row of its own that would count it twice.
"""

from __future__ import annotations

import re
from collections import defaultdict

from jobbsats.errors import LedgerError
from jobbsats.ledger.view import AllocationRow, Difference, FundYear, LedgerView
from jobbsats.money import format_amount
from jobbsats.report import Column, Document, ReportOptions, Table

UNALLOCATED = "Ej fördelat"
NOT_DECIDED = "ej beslutat"


def _passed_on(allocations: list[AllocationRow]) -> dict[int, list[AllocationRow]]:
    """Map each row from the fund (by ``id``) to the rows its recipient passes on from it.

    A passed-on row belongs to the fund row of the same year whose recipient it
    comes via, preferring the one whose config line contains its own.
    """
    out: dict[int, list[AllocationRow]] = defaultdict(list)
    direct = [a for a in allocations if a.via is None]
    for child in allocations:
        if child.via is None:
            continue
        parents = [p for p in direct if p.year == child.year and p.to.id == child.via.id]
        nested = [p for p in parents if child.source.startswith(p.source)]
        if nested or parents:
            out[id((nested or parents)[0])].append(child)
    return out


class Fordelning:
    name = "fordelning"
    description = "Fördelning per år, fond, mottagare och regel, med summor som stämmer mot fondens total."

    def build(self, ledger: LedgerView, options: ReportOptions) -> Document:
        fund_years = [fy for fy in ledger.fund_years if options.year is None or fy.year == options.year]
        units = {fy.fund.shown_in for fy in fund_years}
        unit = units.pop() if len(units) == 1 else "kr"  # funds shown in different units: plain kronor
        detail = self._detail(ledger, options, fund_years, unit)
        tables = [detail]
        if len({fy.year for fy in fund_years}) > 1:
            tables.insert(0, self._side_by_side(fund_years, detail, unit))
        return Document(
            report=self.name,
            title=f"Fördelning: {ledger.run.scenario}",
            tables=tables,
            paragraphs=[
                f"Körning {ledger.run.id}, {ledger.run.started_at}, från {ledger.run.config_path}.",
                *(_total_sentence(fy) for fy in fund_years),
                *(
                    _difference_sentence(d)
                    for d in ledger.rounding_differences
                    if options.year is None or d.year == options.year
                ),
            ],
        )

    @staticmethod
    def _detail(ledger: LedgerView, options: ReportOptions, fund_years: list[FundYear], unit: str) -> Table:
        """One row per allocation from a fund, per decided year, with the year's total."""
        allocations = ledger.allocations(options.year)
        passed_on = _passed_on(allocations)
        table = Table(
            name="fordelning",
            title="Fördelning",
            columns=[
                Column("year", "År", "year"),
                Column("fund", "Fond"),
                Column("recipient", "Mottagare"),
                Column("rule", "Regel"),
                Column("label", "Ändamål"),
                Column("amount_ore", f"Belopp ({unit})", "money", unit),
                Column("passed_on_to", "Vidare till"),
                Column("passed_on_ore", f"Varav vidare ({unit})", "money", unit),
            ],
        )
        for fy in fund_years:
            if not fy.decided:
                continue
            rows = [a for a in allocations if a.year == fy.year and a.fund.id == fy.fund.id and a.via is None]
            for a in rows:
                onward = passed_on.get(id(a), [])
                table.rows.append(
                    {
                        "year": a.year,
                        "fund": a.fund.name,
                        "fund_id": a.fund.id,
                        "recipient": a.to.title,
                        "recipient_id": a.to.id,
                        "source": a.source,
                        "rule": a.rule_label,
                        "label": a.label,
                        "amount_ore": a.amount_ore,
                        "passed_on_to": ", ".join(o.to.name for o in onward),
                        "passed_on_ore": sum(o.amount_ore for o in onward) if onward else None,
                    }
                )
            if fy.unallocated_ore:
                table.rows.append(
                    {
                        "year": fy.year,
                        "fund": fy.fund.name,
                        "fund_id": fy.fund.id,
                        "recipient": UNALLOCATED,
                        "recipient_id": None,
                        "source": None,
                        "rule": "",
                        "label": "",
                        "amount_ore": fy.unallocated_ore,
                        "passed_on_to": "",
                        "passed_on_ore": None,
                    }
                )
            allocated = sum(a.amount_ore for a in rows) + (fy.unallocated_ore or 0)
            difference = sum(
                d.difference_ore for d in ledger.rounding_differences if (d.fund.id, d.year) == (fy.fund.id, fy.year)
            )
            if allocated - difference != fy.total_ore:
                raise LedgerError(f"run {ledger.run.id} does not reconcile for fund {fy.fund.id!r} {fy.year}")
            table.totals.append(
                {
                    "year": fy.year,
                    "fund": fy.fund.name,
                    "fund_id": fy.fund.id,
                    "recipient": f"Summa {fy.year}",
                    "amount_ore": allocated,
                    "fund_total_ore": fy.total_ore,
                }
            )
            if difference:
                table.totals.append(
                    {
                        "year": fy.year,
                        "fund": fy.fund.name,
                        "fund_id": fy.fund.id,
                        "recipient": f"Avrundningsdifferens (totalen är {format_amount(fy.total_ore, unit)})",
                        "amount_ore": difference,
                        "rounding_difference": True,
                    }
                )
        return table

    @staticmethod
    def _side_by_side(fund_years: list[FundYear], detail: Table, unit: str) -> Table:
        """The years as columns: what each line gives per year, "ej beslutat" where no total is set."""
        years = sorted({fy.year for fy in fund_years})
        decided = {y for y in years if any(fy.decided for fy in fund_years if fy.year == y)}
        assumed = {fy.year for fy in fund_years if fy.assumed}

        def key(year: int) -> str:
            return f"amount_{year}_ore" if year in decided else f"amount_{year}"

        columns = [
            Column("fund", "Fond"),
            Column("recipient", "Mottagare"),
            Column("rule", "Regel"),
            Column("label", "Ändamål"),
        ]
        for year in years:
            title = f"{year} ({unit})" + (" *" if year in assumed else "")
            columns.append(Column(key(year), title, "money" if year in decided else "text", unit))
        table = Table(name="oversikt", title="Översikt per år", columns=columns, derived=True)
        lines: dict[tuple, dict] = {}
        for row in detail.rows:
            line = (row["fund_id"], row["recipient"], row["rule"], row["label"])
            if line not in lines:
                lines[line] = {
                    "fund": row["fund"],
                    "recipient": row["recipient"],
                    "recipient_id": row["recipient_id"],
                    "rule": row["rule"],
                    "label": row["label"],
                }
                fund_decided = {fy.year for fy in fund_years if fy.fund.id == row["fund_id"] and fy.decided}
                lines[line].update({key(y): None if y in fund_decided else NOT_DECIDED for y in years})
            lines[line][key(row["year"])] = (lines[line][key(row["year"])] or 0) + row["amount_ore"]
        # In file order: by rule, then as the rule first gave the line; what is left unallocated last.
        first_seen = {}
        for seen, row in enumerate(detail.rows):
            line = (row["fund_id"], row["recipient"], row["rule"], row["label"])
            rule = re.match(r"rules\[(\d+)\]", row["source"] or "")
            first_seen.setdefault(line, (int(rule.group(1)) if rule else float("inf"), seen))
        table.rows = [lines[line] for line in sorted(lines, key=lambda line: first_seen[line])]
        sums = {(t["fund_id"], t["year"]): t["amount_ore"] for t in detail.totals if t["recipient"].startswith("Summa")}
        for fund in dict.fromkeys(fy.fund for fy in fund_years):
            total = {"fund": fund.name, "fund_id": fund.id, "recipient": "Summa"}
            for fy in (fy for fy in fund_years if fy.fund == fund):
                total[key(fy.year)] = sums[(fund.id, fy.year)] if fy.decided else NOT_DECIDED
            table.totals.append(total)
        return table


def _difference_sentence(d: Difference) -> str:
    unit = d.fund.shown_in
    rows = format_amount(d.split_ore + d.difference_ore, unit)
    more = "mer" if d.difference_ore > 0 else "mindre"
    return (
        f"Avrundning per rad ({d.rule_label}, {d.year}): raderna summerar till {rows} {unit}, "
        f"{format_amount(abs(d.difference_ore), unit)} {unit} {more} än de "
        f"{format_amount(d.split_ore, unit)} {unit} som fördelades."
    )


def _total_sentence(fy: FundYear) -> str:
    if not fy.decided:
        return f"{fy.fund.name} {fy.year}: totalen är ej beslutad."
    unit = fy.fund.shown_in
    text = f"{fy.fund.name} {fy.year}: totalt {format_amount(fy.total_ore, unit)} {unit}"
    if fy.unallocated_ore:
        text += f", varav ej fördelat {format_amount(fy.unallocated_ore, unit)} {unit}"
    if fy.assumed:
        text += " (*antagen total, inte beslutad" + (f": {fy.note}" if fy.note else "") + ")"
    return text + "."
