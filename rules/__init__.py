"""The built-in allocation rules, registered through the same hook as any plugin."""

from jobbsats.hookspecs import hookimpl


@hookimpl
def register_rules(register):
    from jobbsats.rules.carry_over import CarryOver
    from jobbsats.rules.cofinancing import Cofinancing
    from jobbsats.rules.fixed import Fixed
    from jobbsats.rules.percentage_key import PercentageKey
    from jobbsats.rules.rate import Rate
    from jobbsats.rules.unit_cost import UnitCost

    register(CarryOver())
    register(Cofinancing())
    register(Fixed())
    register(PercentageKey())
    register(Rate())
    register(UnitCost())
