"""The built-in reports, registered through the same hook as any plugin."""

from jobbsats.hookspecs import hookimpl

# Each report by name, and its class: imported only when the report is looked up (see jobbsats.registry.Deferred).
REPORTS = {
    "fordelning": "jobbsats.reports.fordelning:Fordelning",
    "aterrapportering": "jobbsats.reports.aterrapportering:Aterrapportering",
    "beslut": "jobbsats.reports.beslut:Beslut",
    "projekt": "jobbsats.reports.projekt:Projekt",
    "prognos": "jobbsats.reports.prognos:Prognos",
}


@hookimpl
def register_reports(register):
    from jobbsats.registry import Deferred

    for name, target in REPORTS.items():
        register(Deferred(name, target))
