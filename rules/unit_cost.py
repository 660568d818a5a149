"""``unit_cost``: volume times a cost per month times the months, per kind of cost.

A line per kind, such as 10 development employments (UVA) at 5 270 kr a month
for 12 months = 632 400 kr; the lines together are the cost taken from the
fund. Amounts stay exact: a volume with decimals (half-time) that does not give
a whole number of öre is an error, never rounded.

.. code-block:: toml

    [[rules]]
    rule = "unit_cost"
    to = "ASF"
    months = 12
    kinds = [
        { name = "Utvecklingsanställning (UVA)", monthly_cost = 5_270, volume = 10 },
        { name = "Nystartsjobb (NYS)", monthly_cost = 14_500, volume = 10 },
    ]
"""

from __future__ import annotations

from typing import Any

from jobbsats.allocation import Allocation, FundContext, RuleResult
from jobbsats.config.schema import MONEY, QUANTITY, TEXT
from jobbsats.errors import Problem
from jobbsats.money import KRONOR, format_units, parse_quantity
from jobbsats.rulekit import unknown_recipient
from jobbsats.scenario import RuleSpec, Scenario

_KIND = {
    "name": {**TEXT, "required": True},
    "monthly_cost": {**MONEY, "required": True},
    "volume": {**QUANTITY, "required": True},  # people or posts; "0,5" for half-time
}


class UnitCost:
    name = "unit_cost"
    description = "Volume times a cost per month times the months, a cost line per kind."
    schema: dict[str, Any] = {
        "to": {**TEXT, "required": True},
        "months": {"type": "integer", "min": 1, "max": 1200},
        "kinds": {"type": "list", "required": True, "empty": False, "schema": {"type": "dict", "schema": _KIND}},
    }

    def check(self, spec: RuleSpec, scenario: Scenario) -> list[Problem]:
        problems = []
        if spec.config["to"] not in scenario.recipients:
            problems.append(unknown_recipient(spec.config["to"], f"{spec.path}.to", scenario))
        fund = scenario.funds.get(spec.fund)
        if fund is not None and fund.unit != KRONOR:
            problems.append(Problem(f"{spec.path}.rule", f"costs are kronor, but fund {fund.id!r} counts {fund.unit}"))
        for i, kind in enumerate(spec.config["kinds"]):
            cost = self._cost(kind, spec.config.get("months", 12))
            if cost.denominator != 1:
                problems.append(
                    Problem(f"{spec.path}.kinds[{i}].volume", "volume times cost is not a whole number of öre")
                )
        return problems

    @staticmethod
    def _cost(kind: dict, months: int):
        return parse_quantity(kind["volume"]) * kind["monthly_cost"] * months  # monthly_cost arrives in öre

    def allocate(self, context: FundContext) -> RuleResult:
        spec = context.spec
        months = spec.config.get("months", 12)
        allocations = [
            Allocation(
                to=spec.config["to"],
                amount=int(self._cost(kind, months)),
                source=f"{spec.path}.kinds[{i}]",
                label=kind["name"],
            )
            for i, kind in enumerate(spec.config["kinds"])
        ]
        total = sum(a.amount for a in allocations)
        if total > context.available:
            return RuleResult(
                problems=[
                    Problem(
                        spec.path,
                        f"the costs for {context.year} come to {format_units(total, KRONOR, ' ')}, more than the "
                        f"{format_units(context.available, KRONOR, ' ')} left in fund {context.fund.id!r}",
                    )
                ]
            )
        return RuleResult(allocations=allocations)
