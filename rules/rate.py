"""``rate``: a rate of a base per recipient, such as places as 5,7 % of each förvaltning's head count.

Each recipient's exact share is ``rate × base``. With ``rounding = "per_line"``
each share is rounded on its own (halves up), as the papers do, and the total
they were meant to make (the exact sum, rounded) is what the rule takes from
the fund; any difference between the rounded lines and that total is reported,
never absorbed. With ``rounding = "largest_remainder"`` (the default) that
total is split by the bases with the largest-remainder method, so the shares
sum to it exactly.

.. code-block:: toml

    [[rules]]
    rule = "rate"
    rate = "5,7 %"
    base = { GVF = 1584, ASF = 2331 }
    rounding = "per_line"
"""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Any

from jobbsats.allocation import FundContext, RuleResult
from jobbsats.apportion import largest_remainder, per_line
from jobbsats.config.schema import PERCENT, QUANTITY, ROUNDING, TEXT
from jobbsats.errors import Problem
from jobbsats.money import format_units, parse_percent, parse_quantity
from jobbsats.rulekit import rounding_problems, shares_result, unknown_recipients
from jobbsats.scenario import RuleSpec, Scenario


class Rate:
    name = "rate"
    description = "A rate of a base per recipient (5,7 % of the head count), rounded per line or as a whole."
    schema: dict[str, Any] = {
        "rate": {**PERCENT, "required": True},
        "base": {"type": "dict", "required": True, "empty": False, "keysrules": TEXT, "valuesrules": QUANTITY},
        **ROUNDING,
        "purpose": TEXT,
    }

    def check(self, spec: RuleSpec, scenario: Scenario) -> list[Problem]:
        problems = unknown_recipients(spec, "base", scenario)
        if sum(self._bases(spec), Fraction(0)) == 0:
            problems.append(Problem(f"{spec.path}.base", "the bases sum to 0: there is nothing to take a rate of"))
        return problems + rounding_problems(spec)

    @staticmethod
    def _bases(spec: RuleSpec) -> list[Fraction]:
        return [parse_quantity(v) for v in spec.config["base"].values()]

    def allocate(self, context: FundContext) -> RuleResult:
        spec, unit_name = context.spec, context.fund.unit
        unit = context.round_to
        scale = context.fund.one  # a base in kronor counts in öre, like the fund
        rate = parse_percent(spec.config["rate"]) / 100
        bases = self._bases(spec)
        exact = rate * sum(bases, Fraction(0)) * scale
        total = math.floor(exact / unit + Fraction(1, 2)) * unit  # what the lines are meant to make
        if total > context.available:
            return RuleResult(
                problems=[
                    Problem(
                        spec.path,
                        f"the rate gives {format_units(total, unit_name, ' ')} for {context.year}, more than the "
                        f"{format_units(context.available, unit_name, ' ')} left in fund {context.fund.id!r}",
                    )
                ]
            )
        if spec.config.get("rounding") == "per_line":
            shares = per_line(exact, bases, unit)
        else:
            shares = largest_remainder(total, bases, unit)
        return shares_result(spec, "base", shares, total, unit)
