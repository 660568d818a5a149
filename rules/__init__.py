"""The built-in allocation rules, registered through the same hook as any plugin."""

from jobbsats.hookspecs import hookimpl

# Each rule by name, and its class: imported only when the rule is looked up (see jobbsats.registry.Deferred),
# so a run imports the rules its scenario names, and a report none.
RULES = {
    "carry_over": "jobbsats.rules.carry_over:CarryOver",
    "cofinancing": "jobbsats.rules.cofinancing:Cofinancing",
    "fixed": "jobbsats.rules.fixed:Fixed",
    "percentage_key": "jobbsats.rules.percentage_key:PercentageKey",
    "rate": "jobbsats.rules.rate:Rate",
    "unit_cost": "jobbsats.rules.unit_cost:UnitCost",
}


@hookimpl
def register_rules(register):
    from jobbsats.registry import Deferred

    for name, target in RULES.items():
        register(Deferred(name, target))
