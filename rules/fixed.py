"""``fixed``: fasta belopp på ram.

Named amounts to named recipients, taken off the fund before any key is
applied. A line may hold for several years ("årligen 2024 - 2026") and may pass
money on: KS receives 4 900 000 kr on its ram and grants it to Tillväxt Malmö
och Level under two agreements.

.. code-block:: toml

    [[rules]]
    rule = "fixed"
    [[rules.lines]]
    to = "KS"
    amount = 4_900_000
    years = "2024-2026"
    action = "överför"
    [[rules.lines.grants]]
    to = "tillvaxt_level"
    agreements = ["STK-2023-1150", "STK-2023-1149"]
"""

from __future__ import annotations

import functools
from typing import Any

from jobbsats.allocation import Allocation, FundContext, RuleResult, check_text
from jobbsats.config.schema import MONEY, TEXT, YEARS
from jobbsats.config.years import years_problems
from jobbsats.errors import Problem
from jobbsats.money import KRONOR, format_units
from jobbsats.rulekit import unknown_recipient, years_of
from jobbsats.scenario import RuleSpec, Scenario

_GRANT = {
    "to": {**TEXT, "required": True},
    "amount": MONEY,
    "purpose": TEXT,
    "action": {"type": "string", "allowed": ["beviljar", "tilldelar", "överför"]},
    "agreements": {"type": "list", "schema": TEXT},
    "text": TEXT,
}
_LINE = {
    "to": {**TEXT, "required": True},
    # One amount for every year of the line, or a table of amounts by year (the years then follow).
    "amount": {"check_with": "money_by_year", "required": True},
    "years": YEARS,
    "purpose": TEXT,
    "action": {"type": "string", "allowed": ["tilldelar", "överför"]},
    "agreements": {"type": "list", "schema": TEXT},
    "text": TEXT,
    "grants": {"type": "list", "schema": {"type": "dict", "schema": _GRANT}},
}


def _line_years(line: dict) -> list[int] | None:
    """The line's years: from ``years``, or the keys of an amount table; None for every year."""
    if isinstance(line["amount"], dict):
        return sorted(int(year) for year in line["amount"])
    written = line.get("years")
    if isinstance(written, str):  # read once, not again for every line and year it is asked for
        years = _span_years(written)
        return None if years is None else list(years)
    return years_of(written)


@functools.lru_cache(maxsize=256)
def _span_years(written: str) -> tuple[int, ...] | None:
    years = years_of(written)
    return None if years is None else tuple(years)


def _line_amount(line: dict, year: int) -> int:
    """The line's amount for ``year``, in the fund's unit (the core converted it)."""
    amount = line["amount"]
    return amount[str(year)] if isinstance(amount, dict) else amount


def _span(years: list[int] | None) -> tuple[int, int] | None:
    """ "Årligen first - last" only for an unbroken run of more than one year."""
    if years and len(years) > 1 and years == list(range(years[0], years[-1] + 1)):
        return (years[0], years[-1])
    return None


class Fixed:
    name = "fixed"
    description = "Fasta belopp på ram: named amounts to named recipients, taken off the fund first."
    schema: dict[str, Any] = {
        "lines": {"type": "list", "required": True, "empty": False, "schema": {"type": "dict", "schema": _LINE}}
    }

    def check(self, spec: RuleSpec, scenario: Scenario) -> list[Problem]:
        problems = []
        fund = scenario.funds.get(spec.fund)
        unit = fund.unit if fund is not None else KRONOR
        for i, line in enumerate(spec.config["lines"]):
            path = f"{spec.path}.lines[{i}]"
            if line["to"] not in scenario.recipients:
                problems.append(unknown_recipient(line["to"], f"{path}.to", scenario))
            if isinstance(line["amount"], dict) and "years" in line:
                problems.append(Problem(f"{path}.years", "cannot go with amounts by year: those give the years"))
            years = _line_years(line)
            where = f"{path}.amount" if isinstance(line["amount"], dict) else f"{path}.years"
            problems += years_problems(where, years, fund, scenario)
            if "text" in line:
                problems += check_text(line["text"], f"{path}.text")
            amounts = line["amount"].values() if isinstance(line["amount"], dict) else [line["amount"]]
            smallest = min(amounts)  # the grants must fit in every year
            granted = sum(grant.get("amount", smallest) for grant in line.get("grants", []))
            for j, grant in enumerate(line.get("grants", [])):
                if grant["to"] not in scenario.recipients:
                    problems.append(unknown_recipient(grant["to"], f"{path}.grants[{j}].to", scenario))
                if "text" in grant:
                    problems += check_text(grant["text"], f"{path}.grants[{j}].text")
            if granted > smallest:
                problems.append(
                    Problem(
                        f"{path}.grants",
                        f"grants {format_units(granted, unit, ' ')}, "
                        f"more than the line's {format_units(smallest, unit, ' ')}",
                    )
                )
        return problems

    def allocate(self, context: FundContext) -> RuleResult:
        result = RuleResult()
        path = context.spec.path
        for i, line in enumerate(context.spec.config["lines"]):
            years = _line_years(line)
            if years is not None and context.year not in years:
                continue
            # Different amounts by year are decided year by year, never "årligen".
            recurring = None if isinstance(line["amount"], dict) else _span(years)
            amount = _line_amount(line, context.year)
            source = f"{path}.lines[{i}]"
            result.allocations.append(
                Allocation(
                    to=line["to"],
                    amount=amount,
                    source=source,
                    label=line.get("purpose", ""),
                    action=line.get("action", "tilldelar"),
                    recurring=recurring,
                    agreements=tuple(line.get("agreements", ())),
                    text=line.get("text"),
                )
            )
            for j, grant in enumerate(line.get("grants", [])):
                result.allocations.append(
                    Allocation(
                        to=grant["to"],
                        amount=grant.get("amount", amount),
                        source=f"{source}.grants[{j}]",
                        label=grant.get("purpose", line.get("purpose", "")),
                        action=grant.get("action", "beviljar"),
                        via=line["to"],
                        recurring=recurring,
                        agreements=tuple(grant.get("agreements", ())),
                        text=grant.get("text"),
                    )
                )
        taken = sum(a.amount for a in result.allocations if a.via is None)
        if taken > context.available:
            result.problems.append(
                Problem(
                    f"{path}.lines",
                    f"the fixed lines for {context.year} come to {format_units(taken, context.fund.unit, ' ')}, "
                    f"more than the {format_units(context.available, context.fund.unit, ' ')} left in fund "
                    f"{context.fund.id!r}",
                )
            )
        return result
