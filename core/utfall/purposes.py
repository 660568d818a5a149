"""Which of a fund's purposes a ``[[utfall.map]]`` entry may name: one its allocations have."""

from __future__ import annotations

from pathlib import Path

from jobbsats.config.utfall import purpose_problems
from jobbsats.engine import compute
from jobbsats.errors import InputError
from jobbsats.ledger.reader import LedgerReader, opener
from jobbsats.registry import Registry
from jobbsats.scenario import Scenario


def check_purposes(scenario: Scenario, registry: Registry, db: Path) -> None:
    """A purpose the mapping names must be one the scenario's allocations from that fund have.

    The allocations are those the ledger holds for the scenario and, when the scenario computes
    now, those it would make: a rule that needs this very import (carry_over) must not stop it.
    """
    if not any("purpose" in entry for entry in scenario.utfall.get("map", [])):
        return
    ledger = LedgerReader(scenario.name, opener(db))
    try:
        purposes = ledger.purposes()
        try:
            plan = compute(scenario, registry, ledger=ledger)
        except InputError:
            plan = None
    finally:
        ledger.close()
    for planned in plan.allocations if plan is not None else ():
        if planned.allocation.label:
            purposes.setdefault(planned.fund, set()).add(planned.allocation.label)
    problems = purpose_problems(scenario.utfall, purposes)
    if problems:
        raise InputError(scenario.source, problems)
