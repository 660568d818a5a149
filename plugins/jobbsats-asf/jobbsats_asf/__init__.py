"""Arbetsmarknads- och socialförvaltningen's jobbsats plugin: the quarterly IOP follow-up.

It brings the ``[asf]`` section of the scenario file (the partners and where their
indicators are) and the report ``iop``. See the README for the section and the CSV.
"""

from __future__ import annotations

import jobbsats

__version__ = "0.1.0"


@jobbsats.hookimpl
def config_schema():
    """The ``[asf]`` section: ``indicators``, ``suppress_below`` and ``[asf.partners.ID]`` tables."""
    # Imported here, not at the top: every jobbsats command loads the plugin, few need the schema.
    from jobbsats_asf.schema import SECTION

    return {"asf": SECTION}


@jobbsats.hookimpl
def register_reports(register):
    """The report ``iop``: indicators per IOP partner and quarter, yearly totals and goal attainment."""
    from jobbsats_asf.report import Iop

    register(Iop())
