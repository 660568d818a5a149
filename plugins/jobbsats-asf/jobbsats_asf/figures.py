"""The report's numbers: counts per partner and quarter, their sums, and which of them are hidden."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal
from fractions import Fraction

from jobbsats import round_half_up

from jobbsats_asf.indicators import INDICATORS, QuarterRow
from jobbsats_asf.suppression import Group, mark, suppress

# A cell: (indicator key, year, partner id or None for all partners, quarter or None for the year).
Key = tuple[str, int, "str | None", "int | None"]


def share(part: int, whole: int) -> Decimal:
    """``part`` of ``whole`` in percent, rounded half up to one decimal: 312 of 300 is ``Decimal("104.0")``."""
    return Decimal(round_half_up(Fraction(part * 1000, whole))).scaleb(-1)


def quarter_span(quarters: Iterable[int]) -> str:
    """``"1–4"`` for an unbroken run of quarters, ``"1, 3"`` otherwise."""
    qs = sorted(quarters)
    if len(qs) > 1 and qs == list(range(qs[0], qs[-1] + 1)):
        return f"{qs[0]}–{qs[-1]}"
    return ", ".join(map(str, qs))


class Figures:
    """Every count the report shows, and what each cell shows after suppression.

    Per indicator and year, the groups that add up are each partner's quarters (to
    its year) and the partners' years (to the sum of all partners). The report
    shows no other sums, so no other total needs protecting.
    """

    def __init__(self, rows: list[QuarterRow], partner_order: Iterable[str], threshold: int):
        self.threshold = threshold
        self.quarters: dict[tuple[int, str], list[int]] = defaultdict(list)
        values: dict[Key, int] = {}
        for r in rows:
            self.quarters[(r.year, r.partner)].append(r.quarter)
            for i in INDICATORS:
                values[(i.key, r.year, r.partner, r.quarter)] = r.counts[i.key]
        self.years = sorted({r.year for r in rows})
        order = {pid: n for n, pid in enumerate(partner_order)}
        # Partners with rows each year, in the scenario file's order.
        self.partners = {
            y: sorted({p for (year, p) in self.quarters if year == y}, key=order.__getitem__) for y in self.years
        }
        self.hidden: dict[Key, str] = {}
        # Each indicator and year is a table of its own: no sum crosses them.
        for y in self.years:
            for i in INDICATORS:
                groups: list[Group[Key]] = []
                totals: list[Key] = []
                for p in self.partners[y]:
                    members = tuple((i.key, y, p, q) for q in sorted(self.quarters[(y, p)]))
                    values[(i.key, y, p, None)] = sum(values[m] for m in members)
                    groups.append(Group((i.key, y, p, None), members))
                    totals.append((i.key, y, p, None))
                values[(i.key, y, None, None)] = sum(values[t] for t in totals)
                groups.append(Group((i.key, y, None, None), tuple(totals)))
                cells = {k: values[k] for g in groups for k in (g.total, *g.members)}
                self.hidden |= suppress(cells, groups, threshold)
        self.values = values

    def cell(self, indicator: str, year: int, partner: str | None = None, quarter: int | None = None) -> int | str:
        """What the report shows: the count, ``"<5"`` or ``".."``."""
        key = (indicator, year, partner, quarter)
        return mark(self.values[key], self.hidden.get(key), self.threshold)

    def shown(self, indicator: str, year: int, partner: str | None = None, quarter: int | None = None) -> bool:
        return (indicator, year, partner, quarter) not in self.hidden
