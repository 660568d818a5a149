"""Which outside plugins are installed and allowed, without importing them or pluggy.

Kept apart from :mod:`jobbsats.plugins` so that the command line can ask
"are there any?" cheaply on every start.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from jobbsats.errors import PluginError

if TYPE_CHECKING:
    from importlib.metadata import EntryPoint

ENTRY_POINT_GROUP = "jobbsats"
ALLOWLIST_ENV = "JOBBSATS_LOAD_PLUGINS"


def allowlist() -> set[str] | None:
    """Names from ``JOBBSATS_LOAD_PLUGINS``: None when unset (load all), empty set for none."""
    raw = os.environ.get(ALLOWLIST_ENV)
    if raw is None:
        return None
    return {name.strip() for name in raw.split(",") if name.strip()}


def outside_entry_points() -> list[EntryPoint]:
    """The installed ``jobbsats`` entry points the allowlist lets through."""
    allowed = allowlist()
    if allowed == set():
        return []  # no outside plugins wanted: skip the scan of every installed package
    from importlib.metadata import entry_points

    found = list(entry_points(group=ENTRY_POINT_GROUP))
    if allowed is None:
        return found
    missing = allowed - {ep.name for ep in found}
    if missing:
        raise PluginError(
            f"{ALLOWLIST_ENV} names {', '.join(sorted(missing))}, but no such plugin is installed "
            f"(installed: {', '.join(sorted(ep.name for ep in found)) or 'none'})"
        )
    return [ep for ep in found if ep.name in allowed]


def how_to_disable(name: str, distribution: str) -> str:
    return (
        f"To run without it, set {ALLOWLIST_ENV} to the plugins you want "
        f"({ALLOWLIST_ENV}='' for none), or `pip uninstall {distribution}`."
    )
