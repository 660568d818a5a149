"""The built-in reports, registered through the same hook as any plugin."""

from jobbsats.hookspecs import hookimpl


@hookimpl
def register_reports(register):
    from jobbsats.reports.beslut import Beslut
    from jobbsats.reports.fordelning import Fordelning
    from jobbsats.reports.projekt import Projekt

    register(Fordelning())
    register(Beslut())
    register(Projekt())
