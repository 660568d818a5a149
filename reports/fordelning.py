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

A line decided "årligen 2024 - 2026" binds 2025 and 2026 even before those
years have a total (a run records allocations only for the years it computes).
A sentence under the title says, for each such later year, what is already
committed and what remains free of the year's total; ``--ataganden`` adds the
table of it, line by line (:func:`commitments`).

Money an earlier year left and ``carry_over`` carried into a year is that earlier
year's, not this year's: it comes on top of the fund's total. So each year's
carried rows follow its own rows as lines of their own (``"carried_from": 2024``
in machine formats; the year's *Summa* still reconciles with the fund's total),
with a total row *Summa med överföringar*, and a sentence under the title says
how much was carried (:func:`_carried_sentences`).
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass

from jobbsats.contracts import FUND_OPTION, RECIPIENT_OPTION, ReportOption, ReportOptions
from jobbsats.document import Chart, Column, Document, Series, Table
from jobbsats.errors import LedgerError
from jobbsats.ledger.view import AllocationRow, CarryRow, Difference, FundInfo, FundYear, LedgerView
from jobbsats.money import KRONOR, format_amount, format_count, format_units, to_units
from jobbsats.reports.selection import PASSED_ON_NOTE, Selection

UNALLOCATED = "Ej fördelat"
NOT_DECIDED = "ej beslutat"
NO_COMMITMENTS = "Inga åtaganden för kommande år: ingen rad är beslutad årligen för ett år som körningen inte fördelar."


@dataclass
class Amounts:
    """How one set of tables states amounts: money in ``*_ore`` fields shown in kr, tkr or mnkr,
    or whole units (platser) in plain fields."""

    unit: str
    fund_years: list[FundYear]
    suffix: str = ""

    @property
    def money(self) -> bool:
        return self.unit == KRONOR

    @property
    def shown(self) -> str:
        if not self.money:
            return self.unit
        shown = {fy.fund.shown_in for fy in self.fund_years}
        return shown.pop() if len(shown) == 1 else KRONOR  # funds shown in different units: plain kronor

    def _field(self, name: str) -> str:
        return f"{name}_ore" if self.money else name

    key = property(lambda self: self._field("amount"))
    passed_key = property(lambda self: self._field("passed_on"))
    total_key = property(lambda self: self._field("fund_total"))
    carried_key = property(lambda self: self._field("carried"))

    def year_key(self, year: int) -> str:
        return self._field(f"amount_{year}")

    @property
    def title_suffix(self) -> str:
        return f" ({self.unit})" if self.suffix else ""

    def column(self, key: str, title: str, count_title: str | None = None) -> Column:
        """A column of amounts: money shown in kr/tkr/mnkr, or a count of the unit (titled ``count_title``)."""
        if self.money:
            return Column(key, f"{title} ({self.shown})", "money", self.shown)
        return Column(key, f"{count_title or title} ({self.unit})", "int")

    def text(self, amount: int) -> str:
        if self.money:
            return format_amount(amount, self.shown)
        return format_count(amount)


def in_words(amount: int, fund: FundInfo) -> str:
    """``9 796 tkr`` or ``1 516 platser``: an amount as the fund's reports state it."""
    if fund.unit == KRONOR:
        return f"{format_amount(amount, fund.shown_in)} {fund.shown_in}"
    return format_units(amount, fund.unit)


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


COMMITMENTS_OPTION = ReportOption(
    "ataganden",
    "Also list what lines decided årligen already commit in later years, and what remains free of their totals.",
    type=bool,
)


class Fordelning:
    name = "fordelning"
    options = (RECIPIENT_OPTION, FUND_OPTION, COMMITMENTS_OPTION)
    description = "Fördelning per år, fond, mottagare och regel, med summor som stämmer mot fondens total."

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
            tables += _commitment_tables(later, selection)
        return Document(
            report=self.name,
            title=f"Fördelning: {ledger.run.scenario}",
            tables=tables,
            paragraphs=[
                f"Körning {ledger.run.id}, {ledger.run.started_at}, från {ledger.run.config_path}.",
                *([] if ledger.fund_years else ["Körningen fördelar ingen fond (se rapporten projekt)."]),
                *_selection_sentences(ledger, options, selection),
                *(
                    sentence
                    for fy in fund_years
                    for sentence in (
                        _total_sentence(fy),
                        *_carried_sentences(fy, carried, several=len({f.fund.id for f in fund_years}) > 1),
                    )
                ),
                *(
                    _difference_sentence(d)
                    for d in ledger.rounding_differences
                    if (options.year is None or d.year == options.year) and selection.takes_fund(d.fund.id)
                ),
                *_commitment_sentences(later, selection),
                *([NO_COMMITMENTS] if asked and not later else []),
            ],
            charts=_charts(ledger, options, selection),
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
        passed_on = _passed_on(allocations)
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
                _carried_lines(table, fy, carried, amounts, sum(a.amount for a in rows))
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
            _carried_lines(table, fy, carried, amounts, allocated)
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
        for fund in dict.fromkeys(fy.fund for fy in fund_years):
            total = {"fund": fund.name, "fund_id": fund.id, "recipient": "Summa"}
            for fy in (fy for fy in fund_years if fy.fund == fund):
                total[key(fy.year)] = sums[(fund.id, fy.year)] if fy.decided else NOT_DECIDED
            table.totals.append(total)
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


def carry_label(c: CarryRow) -> str:
    """How the Regel column names carried money: the entry's label, else "Överföring från 2024"."""
    return c.rule_label if c.rule_label != c.rule else f"Överföring från {c.from_year}"


def _carried_lines(table: Table, fy: FundYear, carried: list[CarryRow], amounts: Amounts, summed: int) -> None:
    """After a year's rows and its sum (``summed``): the money carried into it from earlier years, a line
    each (an overspend carried below 0, marked ``carried_from``), and the total with it. The year's sum
    and the fund's total it reconciles with are left as they are: the carried money is outside them."""
    here = [c for c in carried if (c.fund.id, c.year) == (fy.fund.id, fy.year)]
    if not here:
        return
    where = {"year": fy.year, "fund": fy.fund.name, "fund_id": fy.fund.id}
    for c in here:
        table.rows.append(
            {
                **where,
                "recipient": c.to.title,
                "recipient_id": c.to.id,
                "source": c.source,
                "rule": carry_label(c),
                "label": c.label,
                amounts.key: c.amount,
                "passed_on_to": "",
                amounts.passed_key: None,
                "carried_from": c.from_year,
            }
        )
    extra = sum(c.amount for c in here)
    table.totals.append(
        {
            **where,
            "recipient": f"Summa med överföringar {fy.year}",
            amounts.key: summed + extra,
            amounts.carried_key: extra,
            "with_carried": True,
        }
    )


def _carried_sentences(fy: FundYear, carried: list[CarryRow], several: bool) -> list[str]:
    """ "Överfört från 2024 till 2025: 1 056 000 kr (utöver 2025 års total).", per year carried from."""
    by_year: dict[int, int] = {}
    for c in carried:
        if (c.fund.id, c.year) == (fy.fund.id, fy.year):
            by_year[c.from_year] = by_year.get(c.from_year, 0) + c.amount
    head = f"Överfört ur {fy.fund.name}" if several else "Överfört"
    sentences = []
    for from_year, amount in sorted(by_year.items()):
        if amount >= 0:
            what = f"{in_words(amount, fy.fund)} (utöver {fy.year} års total)"
        else:
            what = f"underskott om {in_words(-amount, fy.fund)} (utanför {fy.year} års total)"
        sentences.append(f"{head} från {from_year} till {fy.year}: {what}.")
    return sentences


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


@dataclass(frozen=True)
class Committed:
    """What a fund's lines decided årligen already commit in one later year the run did not allocate.

    ``year`` is the fund's year with its total (``total`` None: not decided, ``assumed`` for an assumed
    one); ``lines`` each line's row from the fund as the run last allocated it (the amount it holds
    every year it runs), with what its recipient passes on from it: counted in the line, never again.
    """

    year: FundYear
    lines: tuple[tuple[AllocationRow, tuple[AllocationRow, ...]], ...]

    @property
    def amount(self) -> int:
        return sum(line.amount for line, _ in self.lines)

    @property
    def spans(self) -> dict[tuple[int, int], int]:
        """What is committed, by the years the lines are decided for (``(2024, 2026)``), in line order."""
        out: dict[tuple[int, int], int] = {}
        for line, _ in self.lines:
            span = line.recurring or (line.year, line.year)
            out[span] = out.get(span, 0) + line.amount
        return out


def commitments(ledger: LedgerView, options: ReportOptions, selection: Selection) -> list[Committed]:
    """Per fund and year, the lines decided årligen that reach a year after the first the run allocated
    them in, which the run did not allocate (a year it allocated holds them already), by year and fund.

    With ``--year``, that year's; with recipients selected, the lines of those recipients (a line
    passed on is the giver's and the receiver's), as the allocation table shows them.
    """
    allocations = ledger.allocations()
    passed_on = _passed_on(allocations)
    allocated = {(fy.fund.id, fy.year) for fy in ledger.fund_years if fy.decided}
    lines: dict[tuple[str, str], list[AllocationRow]] = {}
    for a in allocations:
        if a.via is None and a.recurring is not None:
            lines.setdefault((a.fund.id, a.source), []).append(a)
    found: dict[tuple[str, int], list[tuple[AllocationRow, tuple[AllocationRow, ...]]]] = {}
    for rows in lines.values():
        row = max(rows, key=lambda a: a.year)  # the line as the run last allocated it
        onward = tuple(passed_on.get(id(row), ()))
        if not (selection.takes_fund(row.fund.id) and selection.takes_any([row.to.id, *(o.to.id for o in onward)])):
            continue
        first, last = row.recurring or (row.year, row.year)
        for year in range(max(first, min(a.year for a in rows) + 1), last + 1):
            if (row.fund.id, year) not in allocated and options.year in (None, year):
                found.setdefault((row.fund.id, year), []).append((row, onward))
    totals = _totals_of_the_run(ledger) if found else {}
    order = list(dict.fromkeys([*(fy.fund.id for fy in ledger.fund_years), *ledger.funds]))
    return [
        Committed(totals.get(key) or FundYear(ledger.funds[key[0]], key[1], None, None), tuple(found[key]))
        for key in sorted(found, key=lambda key: (key[1], order.index(key[0])))
    ]


def _totals_of_the_run(ledger: LedgerView) -> dict[tuple[str, int], FundYear]:
    """Each fund's total per year: as the run recorded it, else as the run's scenario file gives it.

    A run of one year (``jobbsats run --year 2024``) records that year's totals only; the totals its
    file gives for later years, decided or assumed, are in the copy of the file the run keeps.
    """
    out: dict[tuple[str, int], FundYear] = {}
    funds = ledger.config.get("funds")
    for fid, section in funds.items() if isinstance(funds, dict) else ():
        fund = ledger.funds.get(unicodedata.normalize("NFC", fid))
        total = section.get("total") if isinstance(section, dict) else None
        if fund is None or not isinstance(total, dict):
            continue
        for year, value in total.items():
            entry = value if isinstance(value, dict) else {"amount": value}
            try:
                found = FundYear(
                    fund,
                    int(year),
                    to_units(entry.get("amount"), fund.unit),
                    None,
                    bool(entry.get("assumed", False)),
                    str(entry.get("note", "")),
                )
            except ValueError:  # (an AmountError too) the run checked its file: a total it cannot read is none
                continue
            out[(fund.id, found.year)] = found
    out.update({(fy.fund.id, fy.year): fy for fy in ledger.fund_years})
    return out


def _commitment_tables(later: list[Committed], selection: Selection) -> list[Table]:
    """One table per unit: each later year's committed lines, their sum, the year's total and what is free.

    The *Beslut* column says how each is decided: the line "beslutat årligen 2024–2026", the total
    "beslutad", "antagen" or "ej beslutat" (then neither the total nor what is free has an amount,
    never 0). With recipients selected only the sum of the rows shown: the total and what is free
    are the whole fund's.
    """
    by_unit: dict[str, list[Committed]] = {}
    for c in later:
        by_unit.setdefault(c.year.fund.unit, []).append(c)
    tables = []
    for unit, group in by_unit.items():
        amounts = Amounts(unit, [c.year for c in group], suffix=f"_{unit}" if len(by_unit) > 1 else "")
        table = Table(
            name="ataganden" + amounts.suffix,
            title="Åtaganden för kommande år" + amounts.title_suffix,
            columns=[
                Column("year", "År", "year"),
                Column("fund", "Fond"),
                Column("recipient", "Mottagare"),
                Column("label", "Ändamål"),
                Column("decided", "Beslut"),
                amounts.column(amounts.key, "Belopp", "Antal"),
                Column("passed_on_to", "Vidare till"),
                amounts.column(amounts.passed_key, "Varav vidare"),
            ],
        )
        for c in group:
            fy = c.year
            where = {"year": fy.year, "fund": fy.fund.name, "fund_id": fy.fund.id}
            for line, onward in c.lines:
                first, last = line.recurring or (line.year, line.year)
                table.rows.append(
                    {
                        **where,
                        "recipient": line.to.title,
                        "recipient_id": line.to.id,
                        "source": line.source,
                        "label": line.label,
                        "decided": f"beslutat årligen {first}–{last}",
                        amounts.key: line.amount,
                        "passed_on_to": ", ".join(o.to.name for o in onward),
                        amounts.passed_key: sum(o.amount for o in onward) if onward else None,
                        "recurring_from": first,
                        "recurring_to": last,
                    }
                )
            table.totals.append(
                {**where, "recipient": f"Summa åtaganden {fy.year}", "kind": "committed", amounts.key: c.amount}
            )
            if selection.by_recipient:
                continue
            if fy.total is None:
                status, free_status, total, free = NOT_DECIDED, NOT_DECIDED, None, None
            else:
                status = "antagen" if fy.assumed else "beslutad"
                free_status, total, free = "antagen total" if fy.assumed else "", fy.total, fy.total - c.amount
            assumed = {"assumed": fy.assumed, **({"note": fy.note} if fy.note else {})}
            table.totals += [
                {
                    **where,
                    "recipient": f"Total {fy.year}",
                    "kind": "total",
                    "decided": status,
                    amounts.key: total,
                    **assumed,
                },
                {
                    **where,
                    "recipient": f"Fritt {fy.year}",
                    "kind": "free",
                    "decided": free_status,
                    amounts.key: free,
                    **assumed,
                },
            ]
        tables.append(table)
    return tables


def _commitment_sentences(later: list[Committed], selection: Selection) -> list[str]:
    """ "Åtaganden 2025: 14 400 000 kr beslutade årligen 2024–2026; totalen är ej beslutad.", per fund and year."""
    several = len({c.year.fund.id for c in later}) > 1
    sentences = []
    for c in later:
        fy, fund = c.year, c.year.fund
        head = f"Åtaganden ur {fund.name} {fy.year}" if several else f"Åtaganden {fy.year}"
        spans = c.spans
        if len(spans) == 1:
            [(first, last)] = spans
            text = f"{head}: {in_words(c.amount, fund)} beslutade årligen {first}–{last}"
        else:
            parts = ", ".join(f"{in_words(amount, fund)} {first}–{last}" for (first, last), amount in spans.items())
            text = f"{head}: {in_words(c.amount, fund)} beslutade årligen ({parts})"
        if selection.by_recipient:
            pass  # the lines shown: what is free is the whole fund's to say
        elif fy.total is None:
            text += "; totalen är ej beslutad"
        else:
            total = ("den antagna totalen " if fy.assumed else "totalen ") + in_words(fy.total, fund)
            if fy.assumed and fy.note:
                total += f" ({fy.note})"
            free = fy.total - c.amount
            if free >= 0:
                text += f"; av {total} återstår {in_words(free, fund)}"
            else:
                text += f"; det är {in_words(-free, fund)} mer än {total}"
        sentences.append(text + ".")
    return sentences


def _charts(ledger: LedgerView, options: ReportOptions, selection: Selection) -> list[Chart]:
    """The kronor each recipient ends up with, per year: what it got less what it passed on."""
    if selection.fund is None:
        money = ledger.net_allocations(options.year)
    else:  # the same, of the one fund
        money = {}
        for a in ledger.allocations(options.year):
            if a.fund.unit != KRONOR or a.fund.id != selection.fund:
                continue
            money[(a.year, a.to.id)] = money.get((a.year, a.to.id), 0) + a.amount
            if a.via is not None:
                money[(a.year, a.via.id)] = money.get((a.year, a.via.id), 0) - a.amount
        for c in ledger.carried(options.year):  # as net_allocations: an earlier year's money is the year's too
            if c.fund.unit == KRONOR and c.fund.id == selection.fund:
                money[(c.year, c.to.id)] = money.get((c.year, c.to.id), 0) + c.amount
    money = {(y, rid): amount for (y, rid), amount in money.items() if selection.takes_recipient(rid)}
    if not money:
        return []
    years = sorted({y for y, _ in money})
    recipients = [rid for rid in ledger.recipients if any(money.get((y, rid)) for y in years)]
    return [
        Chart(
            title="Fördelning per mottagare och år",
            categories=tuple(ledger.recipients[rid].title for rid in recipients),
            series=tuple(Series(str(y), tuple(money.get((y, rid), 0) for rid in recipients)) for y in years),
        )
    ]
