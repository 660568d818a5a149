"""``percentage_key``: fördelningsnyckel.

Splits what earlier rules left in the fund by percentages per recipient. The
percentages must sum to exactly 100 % (compared as exact fractions, never as
floats) unless ``normalise = true``. Shares are rounded to ``round_to`` (in the fund's unit;
default 1 kr, or one place) by the largest-remainder method, so they sum exactly to the
amount split (see :mod:`jobbsats.apportion` for the tie-break), or with
``rounding = "per_line"`` each on its own, reporting the difference.

.. code-block:: toml

    [[rules]]
    rule = "percentage_key"
    key = { ASN = 51, GVN = 27, FSN = 16, KS = 6 }
"""

from __future__ import annotations

import functools
from fractions import Fraction
from typing import Any

from jobbsats.allocation import FundContext, RuleResult
from jobbsats.apportion import largest_remainder, per_line
from jobbsats.config.schema import PERCENT, ROUNDING, TEXT
from jobbsats.errors import Problem
from jobbsats.money import parse_percent, rounded_percent
from jobbsats.rulekit import rounding_problems, shares_result, unknown_recipients
from jobbsats.scenario import RuleSpec, Scenario


class PercentageKey:
    name = "percentage_key"
    description = "Fördelningsnyckel: splits what is left in the fund by percentages that sum to 100 %."
    schema: dict[str, Any] = {
        "key": {
            "type": "dict",
            "required": True,
            "empty": False,
            "keysrules": TEXT,
            "valuesrules": PERCENT,
        },
        **ROUNDING,
        "normalise": {"type": "boolean"},
        "purpose": TEXT,
    }

    def check(self, spec: RuleSpec, scenario: Scenario) -> list[Problem]:
        problems = unknown_recipients(spec, "key", scenario)
        total = sum(self._weights(spec), Fraction(0))
        if total == 0:
            problems.append(Problem(f"{spec.path}.key", "the percentages sum to 0 %"))
        elif total != 100 and not spec.config.get("normalise", False):
            problems.append(
                Problem(
                    f"{spec.path}.key",
                    f"the percentages sum to {rounded_percent(total / 100, Fraction(1))}, not 100 % "
                    "(set normalise = true to scale them)",
                )
            )
        return problems + rounding_problems(spec)

    @staticmethod
    def _weights(spec: RuleSpec) -> list[Fraction]:
        values = tuple(spec.config["key"].values())
        try:
            return list(_parsed(tuple((type(v), v) for v in values)))
        except TypeError:  # a value that cannot be hashed (no file holds one): read it as it is
            return [parse_percent(v) for v in values]

    def allocate(self, context: FundContext) -> RuleResult:
        spec = context.spec
        unit = context.round_to
        amount = context.available
        if spec.config.get("rounding") == "per_line":
            shares = per_line(amount, self._weights(spec), unit)
        else:
            shares = largest_remainder(amount, self._weights(spec), unit)
        return shares_result(spec, "key", shares, amount, unit)


@functools.lru_cache(maxsize=64)
def _parsed(values: tuple[tuple[type, Any], ...]) -> tuple[Fraction, ...]:
    """A key's percentages, read once for its check and every year it is allocated (a key of 500 lines
    over ten years would otherwise be read eleven times). Keyed by type as well as value: 1 and 1,0 (a
    Decimal) are equal to Python, and each is read as written."""
    return tuple(parse_percent(v) for _, v in values)
