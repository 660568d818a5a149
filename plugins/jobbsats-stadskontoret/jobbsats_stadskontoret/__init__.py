"""Stadskontoret's jobbsats plugin: two Swedish follow-up reports.

- ``avtal``: the yearly follow-up of agreements with outside organisations
  (what the run grants under each agreement, what the organisation reported,
  and whether its report came in on time), from the ledger and the agreements
  file named in the scenario's ``[stadskontoret]`` section.
- ``arshjul``: the yearly cycle of STK-2024-291 as a calendar for a budget year.
"""

from __future__ import annotations

import jobbsats

__version__ = "0.1.0"


@jobbsats.hookimpl
def register_reports(register):
    """Register the ``avtal`` and ``arshjul`` reports."""
    # Imported here, not at the top: every jobbsats command imports this module,
    # and most of them never build a report.
    from jobbsats_stadskontoret.arshjul import Arshjul
    from jobbsats_stadskontoret.avtal import Avtal

    register(Avtal())
    register(Arshjul())


@jobbsats.hookimpl
def config_schema():
    """The scenario file's ``[stadskontoret]`` section: where the agreements file is."""
    from jobbsats_stadskontoret.schema import SECTION_SCHEMA

    return SECTION_SCHEMA
