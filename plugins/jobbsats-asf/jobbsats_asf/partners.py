"""The ``[asf]`` section as read back from a run: the partners and where their indicators are."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from jobbsats import JobbsatsError

from jobbsats_asf.schema import DEFAULT_SUPPRESS_BELOW


@dataclass(frozen=True)
class Partner:
    """One IOP partner: the agreement's words and its numeric goals per year, by indicator key."""

    id: str
    name: str
    target_group: str
    purpose: str
    goal: str
    goals: Mapping[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Section:
    indicators: Path
    suppress_below: int
    partners: dict[str, Partner]  # in the scenario file's order


def read_section(config: dict, folder: Path, run_id: int) -> Section:
    """The run's ``[asf]`` section; the core checked it against the schema when the run was made."""
    asf = config.get("asf")
    if asf is None:
        raise JobbsatsError(
            f"run {run_id}'s scenario file has no [asf] section: add one (see the jobbsats-asf README) "
            "and run the scenario again"
        )
    partners = {
        pid: Partner(pid, p["name"], p["target_group"], p["purpose"], p["goal"], dict(p.get("goals", {})))
        for pid, p in asf["partners"].items()
    }
    return Section(folder / asf["indicators"], asf.get("suppress_below", DEFAULT_SUPPRESS_BELOW), partners)
