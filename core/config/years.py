"""Years as messages and reports write them, and the years a rule names checked against the scenario's."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from jobbsats.errors import Problem, shown

if TYPE_CHECKING:
    from jobbsats.scenario import Fund, Scenario


def years_text(years: Sequence[int]) -> str:
    """``2024-2026`` for an unbroken span of years, else ``2024, 2026``."""
    if len(years) > 1 and list(years) == list(range(years[0], years[-1] + 1)):
        return f"{years[0]}-{years[-1]}"
    return ", ".join(str(y) for y in years)


def years_problems(path: str, years: Sequence[int] | None, fund: Fund | None, scenario: Scenario) -> list[Problem]:
    """The years a key names must lie in ``[scenario].years`` (when given), and one must have a total.

    A year outside the period is most likely a typo; a line or rule whose years
    all lack a total would silently do nothing.
    """
    if not years:
        return []
    outside = [y for y in years if scenario.period and y not in scenario.period]
    if outside and scenario.period:
        verb = "is" if len(outside) == 1 else "are"
        span = years_text(scenario.period)
        return [Problem(path, f"{years_text(outside)} {verb} outside the scenario's years ({span})")]
    if fund is not None and fund.totals and not set(years) & set(fund.totals):
        with_total = ", ".join(str(y) for y in sorted(fund.totals))
        return [Problem(path, f"none of these years has a total in fund {shown(fund.id)} ({with_total})")]
    return []
