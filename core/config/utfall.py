"""Cross-checks of the ``[utfall]`` section against the rest of the scenario."""

from __future__ import annotations

from jobbsats.errors import Problem, key_path
from jobbsats.rule import unknown_recipient
from jobbsats.scenario import Scenario


def check_utfall(section: dict, scenario: Scenario) -> list[Problem]:
    """Every recipient, fund and project the mapping names must exist in the file."""
    problems = []
    for code, rid in section.get("ansvar", {}).items():
        if rid not in scenario.recipients:
            problems.append(unknown_recipient(rid, key_path("utfall.ansvar", code), scenario))
    for i, entry in enumerate(section.get("map", [])):
        path = f"utfall.map[{i}]"
        if "fund" not in entry and "project" not in entry:
            problems.append(Problem(path, "names neither a fund nor a project the matching rows are money of"))
        if "fund" in entry and entry["fund"] not in scenario.funds:
            known = ", ".join(scenario.funds) or "none"
            problems.append(Problem(f"{path}.fund", f"unknown fund {entry['fund']!r} (funds: {known})"))
        if "project" in entry and entry["project"] not in scenario.projects:
            known = ", ".join(scenario.projects) or "none"
            problems.append(Problem(f"{path}.project", f"unknown project {entry['project']!r} (projects: {known})"))
        if "recipient" in entry and entry["recipient"] not in scenario.recipients:
            problems.append(unknown_recipient(entry["recipient"], f"{path}.recipient", scenario))
    return problems
