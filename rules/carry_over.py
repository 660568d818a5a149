"""``carry_over``: överföring av outnyttjade medel, last year's unspent money into this year.

Each recipient gets in year N what it left unspent of the fund in year N-1: its
budget from the fund then (the current run for N-1, with what it carried into
N-1 itself, less what it passed on) less what the current utfall batches booked
on the fund for it. The money is last year's, not this year's: it comes on top
of the fund's total for N and takes nothing from the rules after it, so the
entry may stand anywhere in the file.

``max_share`` caps it at a share of the recipient's N-1 budget from the fund,
``max_amount`` at an amount; a cap is rounded down to whole öre, so it is never
passed. With ``deficits = true`` an overspend is carried too, whole (the caps are
for unspent money), taken off year N.
A year N-1 that no run has decided, or that no imported utfall books, is a
problem that says what is missing: never read as zero.

.. code-block:: toml

    [[rules]]
    rule = "carry_over"
    max_share = "4 %"          # optional
    max_amount = 1_000_000     # optional
    deficits = false           # optional: carry overspends too
    to = ["ASN", "GVN"]        # optional: default every recipient with a budget from the fund in N-1
"""

from __future__ import annotations

import math
from typing import Any

from jobbsats.allocation import Carry, FundContext, RuleResult
from jobbsats.config.schema import MONEY, SHARE, TEXT
from jobbsats.errors import Problem, key_path
from jobbsats.money import KRONOR, parse_percent
from jobbsats.rulekit import unknown_recipients
from jobbsats.scenario import RuleSpec, Scenario


class CarryOver:
    name = "carry_over"
    description = "Överföring av outnyttjade medel: last year's unspent money (or overspend) into this year."
    schema: dict[str, Any] = {
        "to": {"type": "list", "empty": False, "schema": TEXT},
        "max_share": SHARE,
        "max_amount": MONEY,
        "deficits": {"type": "boolean"},
        "purpose": TEXT,
        "text": TEXT,
    }

    def check(self, spec: RuleSpec, scenario: Scenario) -> list[Problem]:
        problems = unknown_recipients(spec, "to", scenario) if "to" in spec.config else []
        named = spec.config.get("to", [])
        problems += [
            Problem(key_path(f"{spec.path}.to", i), f"names {rid!r} twice")
            for i, rid in enumerate(named)
            if rid in named[:i]
        ]
        fund = scenario.funds.get(spec.fund)
        if fund is not None and fund.unit != KRONOR:
            problems.append(
                Problem(f"{spec.path}.rule", f"carries unspent kronor, but fund {fund.id!r} counts {fund.unit}")
            )
        if spec.config.get("max_amount", 1) < 0:
            problems.append(Problem(f"{spec.path}.max_amount", "must not be below 0"))
        return problems

    def allocate(self, context: FundContext) -> RuleResult:
        spec, fund, ledger = context.spec, context.fund, context.ledger
        last = context.year - 1
        if ledger.budget(last, fund=fund.id) is None:  # this run's own, when it decides that year too
            return _missing(spec, f"no run of {context.scenario.name!r} has decided {last}'s budget to carry from")
        if ledger.utfall(last, fund=fund.id) is None:
            return _missing(
                spec,
                f"no imported utfall books {last}: import {last}'s utfall (jobbsats import utfall) before "
                f"carrying what was left of it into {context.year}",
            )
        result = RuleResult()
        named = spec.config.get("to")
        for rid in named or context.scenario.recipients:
            budget = ledger.budget(last, fund=fund.id, recipient=rid) or 0
            if not named and not budget:
                continue  # no money from the fund last year: nothing to carry, nothing to say
            left = budget - (ledger.utfall(last, fund=fund.id, recipient=rid) or 0)
            amount = self._capped(left, budget, spec) if left > 0 else left if spec.config.get("deficits") else 0
            if amount:
                where = key_path(f"{spec.path}.to", named.index(rid)) if named else key_path(spec.path, rid)
                result.carried.append(
                    Carry(rid, amount, where, last, label=spec.config.get("purpose", ""), text=spec.config.get("text"))
                )
        return result

    @staticmethod
    def _capped(left: int, budget: int, spec: RuleSpec) -> int:
        caps = [left]
        if "max_share" in spec.config:
            caps.append(math.floor(parse_percent(spec.config["max_share"]) * budget / 100))
        if "max_amount" in spec.config:
            caps.append(spec.config["max_amount"])
        return max(min(caps), 0)


def _missing(spec: RuleSpec, what: str) -> RuleResult:
    return RuleResult(problems=[Problem(spec.path, what)])
