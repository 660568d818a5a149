"""The ``[asf]`` section of the scenario file, as a Cerberus fragment the core validates with the rest."""

from __future__ import annotations

from jobbsats import TEXT, tables_by_id

DEFAULT_SUPPRESS_BELOW = 5
# The indicators' keys (jobbsats_asf.indicators.INDICATORS, in its order; tests/test_indicators_csv.py holds the two
# together), written out so that checking a scenario, which every command does, need not import the CSV reader.
INDICATOR_KEYS = ("deltagare", "matchning", "anstallda", "studier")

PARTNER = {
    "name": {**TEXT, "required": True},
    "target_group": {**TEXT, "required": True},  # målgrupp
    "purpose": {**TEXT, "required": True},  # syfte
    "goal": {**TEXT, "required": True},  # mål, as the agreement words it
    # Numeric goals per year, by indicator: goals = { matchning = 300, anstallda = 40 }.
    "goals": {
        "type": "dict",
        "empty": False,
        "schema": {key: {"type": "integer", "min": 1} for key in INDICATOR_KEYS},
    },
}

SECTION = {
    "type": "dict",
    "schema": {
        "indicators": {**TEXT, "required": True},  # the CSV, relative to the scenario file
        # At least 3: with 2, "<2" next to a shown 0 would say the count is exactly 1.
        "suppress_below": {"type": "integer", "min": 3, "max": 1000},
        "partners": tables_by_id(PARTNER),
    },
}
