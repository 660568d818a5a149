"""How the allocation reports state amounts: money in kr, tkr or mnkr, or whole units such as platser."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from jobbsats.document import Column
from jobbsats.ledger.view import AllocationRow, CarryRow, FundInfo, FundYear
from jobbsats.money import KRONOR, NBSP, format_amount, format_count, format_units

NOT_DECIDED = "ej beslutat"


def kr(ore: int) -> str:
    """Kronor in running Swedish text: ``13 056 000 kr``, ``2 730 500,50 kr`` (no line break before "kr")."""
    return format_units(ore, unit_sep=NBSP)


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


def passed_on_from(allocations: list[AllocationRow]) -> dict[int, list[AllocationRow]]:
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


def net_lines(allocations: list[AllocationRow], carried: list[CarryRow]) -> dict[tuple[int, str, str, str], int]:
    """What each recipient has to use, by (year, recipient, fund, purpose): what it got, less what it passed
    on, and what it carried into the year (an overspend carried is taken off).

    Money passed on is taken from the line it was given out of (KS's 4 900 000 kr for Tillväxt Malmö &
    Level, granted on in full), or, when the grant is no part of one of the giver's lines, from the
    grant's own purpose.
    """
    out: dict[tuple[int, str, str, str], int] = defaultdict(int)
    for c in carried:
        out[(c.year, c.to.id, c.fund.id, c.label)] += c.amount
    direct = [a for a in allocations if a.via is None]
    for a in allocations:
        out[(a.year, a.to.id, a.fund.id, a.label)] += a.amount
        if a.via is not None:
            parents = [
                p
                for p in direct
                if (p.year, p.to.id, p.fund.id) == (a.year, a.via.id, a.fund.id) and a.source.startswith(p.source + ".")
            ]
            out[(a.year, a.via.id, a.fund.id, parents[0].label if parents else a.label)] -= a.amount
    return dict(out)
