"""``cofinancing``: periodises co-financed projects (ESF, Finsam, the city's own part).

Spreads every financing line of the scenario's ``[projects]`` over the
project's period into calendar months, exactly (see :mod:`jobbsats.periods`):
by ``month`` (every month weighs the same; a month the period covers in part
weighs its share of days) or by ``day``. Quarters and years are sums of
months, each within one öre of its exact share, and a line's months add up to
its amount.

It takes no money from a fund: ESF's and Finsam's money never passes through
the city's funds. What each line means for the budget (granted, conditional on
another grant, applied for, dropped) follows from the statuses in the
financing plan and is recorded with the run.

.. code-block:: toml

    [[rules]]
    rule = "cofinancing"
    by = "month"                   # or "day"; default "month"
    projects = ["malmokraften"]    # default: every project in the file
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from functools import lru_cache
from types import MappingProxyType
from typing import Any

from jobbsats.allocation import PeriodResult, ProjectContext, ProjectPeriod
from jobbsats.config.schema import TEXT
from jobbsats.errors import Problem
from jobbsats.periods import WEIGHINGS, MonthPiece, periodise
from jobbsats.scenario import RuleSpec, Scenario


class Cofinancing:
    """The ``cofinancing`` rule: a project rule, answering each year with its months."""

    name = "cofinancing"
    description = "Medfinansierade projekt: spreads each financier's part over the project period, month by month."
    schema: dict[str, Any] = {
        "by": {"type": "string", "allowed": list(WEIGHINGS)},
        "projects": {"type": "list", "empty": False, "schema": TEXT},
    }

    def check(self, spec: RuleSpec, scenario: Scenario) -> list[Problem]:
        problems = []
        named: list[str] = spec.config.get("projects") or []
        for i, pid in enumerate(named):
            if pid not in scenario.projects:
                known = ", ".join(sorted(scenario.projects)) or "none"
                problems.append(Problem(f"{spec.path}.projects[{i}]", f"unknown project {pid!r} (projects: {known})"))
            elif named.index(pid) != i:
                problems.append(Problem(f"{spec.path}.projects[{i}]", f"names {pid!r} twice"))
        if not named and not scenario.projects:
            problems.append(Problem(spec.path, "the file has no [projects] to periodise"))
        # One entry per project: two would spread the same money twice.
        mine = set(self._projects(spec, scenario))
        for other in scenario.rules:
            if other.index < spec.index and other.rule == self.name:
                twice = sorted(mine & set(self._projects(other, scenario)))
                if twice:
                    problems.append(Problem(spec.path, f"project {twice[0]!r} is periodised by {other.path} already"))
        return problems

    @staticmethod
    def _projects(spec: RuleSpec, scenario: Scenario) -> list[str]:
        named = spec.config.get("projects")
        return [p for p in named if p in scenario.projects] if named else list(scenario.projects)

    def periodise(self, context: ProjectContext) -> PeriodResult:
        by = context.spec.config.get("by", "month")
        periods = []
        for pid in self._projects(context.spec, context.scenario):
            project = context.scenario.projects[pid]
            if context.year not in project.years:
                continue
            for line in project.financing:
                periods += [
                    ProjectPeriod(pid, line.index, piece.year, piece.month, piece.amount)
                    for piece in _months_by_year(line.amount, project.start, project.end, by).get(context.year, ())
                ]
        return PeriodResult(periods=periods)


@lru_cache(maxsize=1024)
def _months_by_year(amount: int, start: date, end: date, by: str) -> Mapping[int, tuple[MonthPiece, ...]]:
    """A line's months grouped by year, computed once (the rule is asked year by year); read-only, as it is shared."""
    grouped: dict[int, list[MonthPiece]] = {}
    for piece in periodise(amount, start, end, by):
        grouped.setdefault(piece.year, []).append(piece)
    return MappingProxyType({year: tuple(pieces) for year, pieces in grouped.items()})
