"""Money an earlier year left, carried into a year by ``carry_over``, as ``fordelning`` shows it.

It is that earlier year's money, not this year's: it comes on top of the fund's
total. So each year's carried rows follow its own rows as lines of their own
(``"carried_from": 2024`` in machine formats; the year's *Summa* still reconciles
with the fund's total), with a total row *Summa med överföringar*, and a sentence
under the title says how much was carried.
"""

from __future__ import annotations

from jobbsats.document import Table
from jobbsats.ledger.view import CarryRow, FundYear
from jobbsats.reports.amounts import Amounts, in_words


def carry_label(c: CarryRow) -> str:
    """How the Regel column names carried money: the entry's label, else "Överföring från 2024"."""
    return c.rule_label if c.rule_label != c.rule else f"Överföring från {c.from_year}"


def carried_lines(table: Table, fy: FundYear, carried: list[CarryRow], amounts: Amounts, summed: int) -> None:
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


def carried_sentences(fy: FundYear, carried: list[CarryRow], several: bool) -> list[str]:
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
