"""The built-in allocation rules, registered through the same hook as any plugin."""

from jobbsats.hookspecs import hookimpl


@hookimpl
def register_rules(register):
    from jobbsats.rules.fixed import Fixed
    from jobbsats.rules.percentage_key import PercentageKey

    register(Fixed())
    register(PercentageKey())
