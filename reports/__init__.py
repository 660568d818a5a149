"""The built-in reports, registered through the same hook as any plugin."""

from jobbsats.hookspecs import hookimpl


@hookimpl
def register_reports(register):
    from jobbsats.reports.aterrapportering import Aterrapportering
    from jobbsats.reports.beslut import Beslut
    from jobbsats.reports.fordelning import Fordelning
    from jobbsats.reports.prognos import Prognos
    from jobbsats.reports.projekt import Projekt

    register(Fordelning())
    register(Aterrapportering())
    register(Beslut())
    register(Projekt())
    register(Prognos())
