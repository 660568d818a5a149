"""What lines decided "årligen 2024 - 2026" already commit in later years, as ``fordelning`` shows it.

Such a line binds 2025 and 2026 even before those years have a total (a run
records allocations only for the years it computes). A sentence under the title
says, for each such later year, what is already committed and what remains free
of the year's total; ``--ataganden`` adds the table of it, line by line.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from jobbsats.contracts import ReportOptions
from jobbsats.document import Column, Table
from jobbsats.ledger.view import AllocationRow, FundYear, LedgerView
from jobbsats.money import to_units
from jobbsats.reports.amounts import NOT_DECIDED, Amounts, in_words, passed_on_from
from jobbsats.reports.selection import Selection

NO_COMMITMENTS = "Inga åtaganden för kommande år: ingen rad är beslutad årligen för ett år som körningen inte fördelar."


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
    passed_on = passed_on_from(allocations)
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


def commitment_tables(later: list[Committed], selection: Selection) -> list[Table]:
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


def commitment_sentences(later: list[Committed], selection: Selection) -> list[str]:
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
