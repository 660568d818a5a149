"""Cross-checks of the ``[utfall]`` section against the rest of the scenario."""

from __future__ import annotations

import datetime

from jobbsats.config.names import looks_like
from jobbsats.errors import Problem, key_path
from jobbsats.money import KRONOR
from jobbsats.rulekit import unknown_recipient
from jobbsats.scenario import Scenario


def purpose_problems(section: dict, purposes: dict[str, set[str]]) -> list[Problem]:
    """A map entry's ``purpose`` must be one the allocations from its fund have (``purposes``: by fund id)."""
    problems = []
    for i, entry in enumerate(section.get("map", [])):
        if "purpose" not in entry or "fund" not in entry:
            continue
        known = purposes.get(entry["fund"], set())
        if entry["purpose"] not in known:
            listed = ", ".join(repr(p) for p in sorted(known)) or "none"
            problems.append(
                Problem(
                    f"utfall.map[{i}].purpose",
                    f"no allocation from fund {entry['fund']!r} has the purpose {entry['purpose']!r} "
                    f"(its purposes: {listed})",
                )
            )
    return problems


def check_utfall(section: dict, scenario: Scenario) -> list[Problem]:
    """Every recipient, fund and project the mapping names must exist in the file."""
    problems = []
    columns: dict[str, str] = {}
    for field, name in section.get("columns", {}).items():
        if name in columns:
            problems.append(Problem(f"utfall.columns.{field}", f"{name!r} is the column for {columns[name]} already"))
        columns.setdefault(name, field)
    for code, rid in section.get("ansvar", {}).items():
        if rid not in scenario.recipients:
            problems.append(unknown_recipient(rid, key_path("utfall.ansvar", code), scenario))
    for i, entry in enumerate(section.get("map", [])):
        path = f"utfall.map[{i}]"
        if "fund" not in entry and "project" not in entry:
            problems.append(Problem(path, "names neither a fund nor a project the matching rows are money of"))
        fund = scenario.funds.get(entry.get("fund", ""))
        if "fund" in entry and fund is None:
            known = ", ".join(scenario.funds) or "none"
            alike = looks_like(entry["fund"], scenario.funds)
            problems.append(Problem(f"{path}.fund", f"unknown fund {entry['fund']!r} (funds: {known}){alike}"))
        elif fund is not None and fund.unit != KRONOR:
            problems.append(Problem(f"{path}.fund", f"fund {fund.id!r} counts {fund.unit}, and utfall is kronor"))
        if "project" in entry and entry["project"] not in scenario.projects:
            known = ", ".join(scenario.projects) or "none"
            alike = looks_like(entry["project"], scenario.projects)
            problems.append(
                Problem(f"{path}.project", f"unknown project {entry['project']!r} (projects: {known}){alike}")
            )
        if "purpose" in entry and "fund" not in entry:
            problems.append(Problem(f"{path}.purpose", "is a purpose of a fund's money: name the fund too"))
        if "recipient" in entry and entry["recipient"] not in scenario.recipients:
            problems.append(unknown_recipient(entry["recipient"], f"{path}.recipient", scenario))
    return problems


def project_periods(scenario: Scenario) -> dict[str, tuple[datetime.date, datetime.date]]:
    """Each project's first and last day: a row mapped to the project must be booked within them."""
    return {pid: (p.start, p.end) for pid, p in scenario.projects.items()}


def outside_project(project: str, day: datetime.date, period: tuple[datetime.date, datetime.date]) -> str | None:
    """Why a row of ``project`` booked on ``day`` is refused, or None when the day is in the project's period."""
    start, end = period
    if start <= day <= end:
        return None
    return f"the date {day} is outside the period of project {project!r} ({start} – {end}), which the row is mapped to"
