"""``fordelning``: the allocation per year, fund, recipient and rule.

Each row is money leaving the fund, so a year's rows sum to the fund's total
(what no rule allocated is a row of its own). Money a recipient passes on (KS
granting its 4 900 000 kr to Tillväxt Malmö och Level) is shown on the row it
comes out of, never as a row of its own that would count it twice.

``--fund`` shows one fund (still the whole of it: its totals reconcile as
always). ``--recipient`` shows the rows of those recipients, a row passed on
counting for both the giver and the receiver; the totals are then the sums of
the rows shown, with no "Ej fördelat" row and no reconciliation against the
fund's total, which only the whole fund has.

What lines decided "årligen" commit in later years is :mod:`jobbsats.reports.commitments`;
money carried in from an earlier year, :mod:`jobbsats.reports.carried`.
"""

from __future__ import annotations

import dataclasses
import re

from jobbsats.contracts import FUND_OPTION, RECIPIENT_OPTION, ReportOption, ReportOptions
from jobbsats.document import Chart, Column, Document, Series, Table
from jobbsats.errors import LedgerError
from jobbsats.ledger.view import CarryRow, Difference, FundYear, LedgerView
from jobbsats.money import KRONOR, format_units
from jobbsats.reports.amounts import NOT_DECIDED, Amounts, in_words, passed_on_from
from jobbsats.reports.carried import carried_lines, carried_sentences
from jobbsats.reports.commitments import NO_COMMITMENTS, commitment_sentences, commitment_tables, commitments
from jobbsats.reports.header import header_lines
from jobbsats.reports.selection import PASSED_ON_NOTE, Selection

UNALLOCATED = "Ej fördelat"

COMMITMENTS_OPTION = ReportOption(
    "ataganden",
    "Also list what lines decided årligen already commit in later years, and what remains free of their totals.",
    type=bool,
)


class Fordelning:
    name = "fordelning"
    options = (RECIPIENT_OPTION, FUND_OPTION, COMMITMENTS_OPTION)
    description = "Fördelning: per år, fond, mottagare och regel, med summor som stämmer mot fondens total."

    def build(self, ledger: LedgerView, options: ReportOptions) -> Document:
        selection = Selection.of(options)
        fund_years = [
            fy
            for fy in ledger.fund_years
            if (options.year is None or fy.year == options.year) and selection.takes_fund(fy.fund.id)
        ]
        # Kronor and places never share a column: one set of tables per unit the funds count in.
        by_unit: dict[str, list[FundYear]] = {}
        for fy in fund_years:
            by_unit.setdefault(fy.fund.unit, []).append(fy)
        # Earlier years' money carried into the years shown, of the recipients and fund selected.
        shown = {(fy.fund.id, fy.year) for fy in fund_years}
        carried = [c for c in ledger.carried(options.year) if selection.takes_carry(c) and (c.fund.id, c.year) in shown]
        tables = []
        for unit, group in by_unit.items():
            amounts = Amounts(unit, group, suffix=f"_{unit}" if len(by_unit) > 1 else "")
            detail = self._detail(ledger, options, group, amounts, selection, carried)
            if len({fy.year for fy in group}) > 1:
                tables.append(self._side_by_side(group, detail, amounts))
            tables.append(detail)
        later = commitments(ledger, options, selection)
        asked = bool(options.get(COMMITMENTS_OPTION.name))
        if asked:
            tables += commitment_tables(later, selection)
        return Document(
            report=self.name,
            title=f"Fördelning: {ledger.run.scenario}",
            tables=tables,
            paragraphs=[
                *header_lines(ledger, options),
                *([] if ledger.fund_years else ["Körningen fördelar ingen fond (se rapporten projekt)."]),
                *_selection_sentences(ledger, options, selection),
                *(
                    sentence
                    for fy in fund_years
                    for sentence in (
                        _total_sentence(fy),
                        *carried_sentences(fy, carried, several=len({f.fund.id for f in fund_years}) > 1),
                    )
                ),
                *(
                    _difference_sentence(d)
                    for d in ledger.rounding_differences
                    if (options.year is None or d.year == options.year) and selection.takes_fund(d.fund.id)
                ),
                *commitment_sentences(later, selection),
                *([NO_COMMITMENTS] if asked and not later else []),
            ],
            charts=[  # in the unit the tables show the kronor funds in: kr, tkr or mnkr
                dataclasses.replace(c, shown_in=Amounts(KRONOR, by_unit.get(KRONOR, [])).shown)
                for c in _charts(ledger, options, selection)
            ],
        )

    @staticmethod
    def _detail(
        ledger: LedgerView,
        options: ReportOptions,
        fund_years: list[FundYear],
        amounts: Amounts,
        selection: Selection,
        carried: list[CarryRow],
    ) -> Table:
        """One row per allocation from a fund, per decided year, with the year's total; then the money
        ``carried`` into the year from earlier ones, with the total of both (:func:`_carried_lines`).

        With recipients selected: only their rows (a row passed on is the giver's and the receiver's),
        and the total is what those rows add up to.
        """
        allocations = ledger.allocations(options.year)
        passed_on = passed_on_from(allocations)
        table = Table(
            name="fordelning" + amounts.suffix,
            title="Fördelning" + amounts.title_suffix,
            columns=[
                Column("year", "År", "year"),
                Column("fund", "Fond"),
                Column("recipient", "Mottagare"),
                Column("rule", "Regel"),
                Column("label", "Ändamål"),
                amounts.column(amounts.key, "Belopp", "Antal"),
                Column("passed_on_to", "Vidare till"),
                amounts.column(amounts.passed_key, "Varav vidare"),
            ],
        )
        for fy in fund_years:
            if fy.total is None:  # not decided
                continue
            rows = [
                a
                for a in allocations
                if a.year == fy.year
                and a.fund.id == fy.fund.id
                and a.via is None
                and selection.takes_any([a.to.id, *(o.to.id for o in passed_on.get(id(a), []))])
            ]
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
                        amounts.key: a.amount,
                        "passed_on_to": ", ".join(o.to.name for o in onward),
                        amounts.passed_key: sum(o.amount for o in onward) if onward else None,
                    }
                )
            if selection.by_recipient:
                # A selection: its rows' sum, which neither is nor reconciles with the fund's total.
                table.totals.append(
                    {
                        "year": fy.year,
                        "fund": fy.fund.name,
                        "fund_id": fy.fund.id,
                        "recipient": f"Summa {fy.year}",
                        amounts.key: sum(a.amount for a in rows),
                    }
                )
                carried_lines(table, fy, carried, amounts, sum(a.amount for a in rows))
                continue
            if fy.unallocated:
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
                        amounts.key: fy.unallocated,
                        "passed_on_to": "",
                        amounts.passed_key: None,
                    }
                )
            allocated = sum(a.amount for a in rows) + (fy.unallocated or 0)
            difference = sum(
                d.difference for d in ledger.rounding_differences if (d.fund.id, d.year) == (fy.fund.id, fy.year)
            )
            if allocated - difference != fy.total:
                unit = fy.fund.unit
                raise LedgerError(
                    f"{ledger.file}: run {ledger.run.id} does not reconcile for fund {fy.fund.id!r} {fy.year}: its "
                    f"rows and what is left add up to {format_units(allocated - difference, unit, ' ')} against the "
                    f"total of {format_units(fy.total, unit, ' ')}; run `jobbsats verify`"
                )
            table.totals.append(
                {
                    "year": fy.year,
                    "fund": fy.fund.name,
                    "fund_id": fy.fund.id,
                    "recipient": f"Summa {fy.year}",
                    amounts.key: allocated,
                    amounts.total_key: fy.total,
                }
            )
            if difference:
                table.totals.append(
                    {
                        "year": fy.year,
                        "fund": fy.fund.name,
                        "fund_id": fy.fund.id,
                        "recipient": f"Avrundningsdifferens (totalen är {amounts.text(fy.total)})",
                        amounts.key: difference,
                        "rounding_difference": True,
                    }
                )
            carried_lines(table, fy, carried, amounts, allocated)
        return table

    @staticmethod
    def _side_by_side(fund_years: list[FundYear], detail: Table, amounts: Amounts) -> Table:
        """The years as columns: what each line gives per year, "ej beslutat" where no total is set."""
        years = sorted({fy.year for fy in fund_years})
        # A money column holds amounts only: a year some fund has no total for, which says "ej beslutat", is text.
        decided = {y for y in years if all(fy.decided for fy in fund_years if fy.year == y)}
        assumed = {fy.year for fy in fund_years if fy.assumed}

        def key(year: int) -> str:
            return amounts.year_key(year) if year in decided else f"amount_{year}"

        columns = [
            Column("fund", "Fond"),
            Column("recipient", "Mottagare"),
            Column("rule", "Regel"),
            Column("label", "Ändamål"),
        ]
        for year in years:
            # A year a fund has no total for holds the words "ej beslutat", so it is a text column.
            column = (
                amounts.column(key(year), str(year))
                if year in decided
                else Column(key(year), f"{year} ({amounts.shown})")
            )
            columns.append(dataclasses.replace(column, title=column.title + " *") if year in assumed else column)
        table = Table(name="oversikt", title="Översikt per år", columns=columns, derived=True)
        lines: dict[tuple, dict] = {}
        for row in detail.rows:
            line = _line(row)
            if line not in lines:
                lines[line] = {
                    "fund": row["fund"],
                    "recipient": row["recipient"],
                    "recipient_id": row["recipient_id"],
                    "rule": row["rule"],
                    "label": row["label"],
                    **({"carried_from": row["carried_from"]} if "carried_from" in row else {}),
                }
                fund_decided = {fy.year for fy in fund_years if fy.fund.id == row["fund_id"] and fy.decided}
                lines[line].update({key(y): None if y in fund_decided else NOT_DECIDED for y in years})
            lines[line][key(row["year"])] = (lines[line][key(row["year"])] or 0) + row[amounts.key]
        # In file order: by rule, then as the rule first gave the line; what is left unallocated, then the
        # money carried from earlier years (outside the years' totals), last.
        first_seen: dict[tuple, tuple[bool, int | float, int]] = {}
        for seen, row in enumerate(detail.rows):
            rule = re.match(r"rules\[(\d+)\]", row["source"] or "")
            first_seen.setdefault(
                _line(row), ("carried_from" in row, int(rule.group(1)) if rule else float("inf"), seen)
            )
        table.rows = [lines[line] for line in sorted(lines, key=lambda line: first_seen[line])]
        sums = {
            (t["fund_id"], t["year"]): t[amounts.key]
            for t in detail.totals
            if not t.get("rounding_difference") and not t.get("with_carried")
        }
        with_carried = {(t["fund_id"], t["year"]): t[amounts.key] for t in detail.totals if t.get("with_carried")}
        rounded = {(t["fund_id"], t["year"]): t[amounts.key] for t in detail.totals if t.get("rounding_difference")}
        for fund in dict.fromkeys(fy.fund for fy in fund_years):
            total = {"fund": fund.name, "fund_id": fund.id, "recipient": "Summa"}
            for fy in (fy for fy in fund_years if fy.fund == fund):
                total[key(fy.year)] = sums[(fund.id, fy.year)] if fy.decided else NOT_DECIDED
            table.totals.append(total)
            if any(fid == fund.id for fid, _ in rounded):
                # Lines rounded each on its own sum to a little more or less than the total: as below, say by how much.
                difference = {"fund": fund.name, "fund_id": fund.id, "recipient": "Avrundningsdifferens"}
                for fy in (fy for fy in fund_years if fy.fund == fund):
                    difference[key(fy.year)] = rounded.get((fund.id, fy.year), 0) if fy.decided else NOT_DECIDED
                table.totals.append(difference)
            if any(fid == fund.id for fid, _ in with_carried):
                # A year nothing was carried into has its own sum here: nothing comes on top of it.
                both = {"fund": fund.name, "fund_id": fund.id, "recipient": "Summa med överföringar"}
                for fy in (fy for fy in fund_years if fy.fund == fund):
                    both[key(fy.year)] = (
                        with_carried.get((fund.id, fy.year), sums[(fund.id, fy.year)]) if fy.decided else NOT_DECIDED
                    )
                table.totals.append(both)
        # In a text column (a year only some funds have a total for) the other funds' amounts as people read them.
        as_text = {key(y) for y in years if y not in decided}
        for row in (*table.rows, *table.totals):
            row.update({k: amounts.text(v) for k, v in row.items() if k in as_text and isinstance(v, int)})
        return table


def _line(row: dict) -> tuple:
    """A line of the overview: the same fund, recipient, rule and purpose (and year carried from) every year."""
    return (row["fund_id"], row["recipient"], row["rule"], row["label"], row.get("carried_from"))


def _difference_sentence(d: Difference) -> str:
    more = "mer" if d.difference > 0 else "mindre"
    return (
        f"Avrundning per rad ({d.rule_label}, {d.year}): "
        f"raderna summerar till {in_words(d.split + d.difference, d.fund)}, "
        f"{in_words(abs(d.difference), d.fund)} {more} än de {in_words(d.split, d.fund)} som fördelades."
    )


def _total_sentence(fy: FundYear) -> str:
    if fy.total is None:  # not decided
        return f"{fy.fund.name} {fy.year}: totalen är ej beslutad."
    text = f"{fy.fund.name} {fy.year}: totalt {in_words(fy.total, fy.fund)}"
    if fy.unallocated:
        text += f", varav ej fördelat {in_words(fy.unallocated, fy.fund)}"
    if fy.assumed:
        text += " (*antagen total, inte beslutad" + (f": {fy.note}" if fy.note else "") + ")"
    return text + "."


def _selection_sentences(ledger: LedgerView, options: ReportOptions, selection: Selection) -> list[str]:
    """What the report is a selection of, that its sums are the rows', and when a row is there as money passed on."""
    totals = "Summorna gäller raderna som visas, inte hela fonden; ej fördelat visas bara för hela fonden."
    note = selection.note(ledger, totals if selection.by_recipient else "")
    if note is None:  # nothing selected
        return []
    if not selection.by_recipient:
        return [note]
    sentences = [note]
    allocations = [a for a in ledger.allocations(options.year) if selection.takes_fund(a.fund.id)]
    for a in allocations:
        if a.via is None:
            continue
        parties = [a.to.id, a.via.id]
        if selection.takes_any(parties) and not all(selection.takes_recipient(r) for r in parties):
            sentences.append(PASSED_ON_NOTE)
            break
    return sentences


def _charts(ledger: LedgerView, options: ReportOptions, selection: Selection) -> list[Chart]:
    """The kronor each recipient ends up with per year (what it got, less what it passed on, with what it
    carried in), made of its purposes (a line's label, else its rule's), a year of assumed total marked."""
    money: dict[tuple[int, str, str], int] = {}  # (year, recipient, purpose): öre

    def add(year: int, rid: str, purpose: str, amount: int) -> None:
        money[(year, rid, purpose)] = money.get((year, rid, purpose), 0) + amount

    for a in ledger.allocations(options.year):
        if a.fund.unit == KRONOR and selection.takes_fund(a.fund.id):
            purpose = a.label or a.rule_label
            add(a.year, a.to.id, purpose, a.amount)
            if a.via is not None:  # passed on: the giver's purpose less what it passed on
                add(a.year, a.via.id, purpose, -a.amount)
    for c in ledger.carried(options.year):  # an earlier year's money is the year's too
        if c.fund.unit == KRONOR and selection.takes_fund(c.fund.id):
            add(c.year, c.to.id, f"Överfört från {c.from_year}", c.amount)
    money = {key: amount for key, amount in money.items() if amount and selection.takes_recipient(key[1])}
    if not money:
        return []
    years = sorted({y for y, _r, _p in money})
    purposes = list(dict.fromkeys(p for _y, _r, p in money))
    net = {(y, r): 0 for y, r, _p in money}
    for (y, r, _p), amount in money.items():
        net[(y, r)] += amount
    recipients = [rid for rid in ledger.recipients if any(net.get((y, rid)) for y in years)]
    assumed = {fy.year for fy in ledger.fund_years if fy.assumed and selection.takes_fund(fy.fund.id)}

    def parts(year: int) -> tuple[Series, ...]:
        if len(purposes) < 2:  # one purpose: the bars are it
            return ()
        return tuple(Series(p, tuple(money.get((year, rid, p), 0) for rid in recipients)) for p in purposes)

    return [
        Chart(
            title="Fördelning per mottagare och år",
            categories=tuple(ledger.recipients[rid].title for rid in recipients),
            series=tuple(
                Series(
                    str(y),
                    tuple(net.get((y, rid), 0) for rid in recipients),
                    undecided="antaget" if y in assumed else "",
                    parts=parts(y),
                )
                for y in years
            ),
        )
    ]
