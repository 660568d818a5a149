"""Finding and loading plugins.

The plugin manager is built by :func:`get_plugin_manager` on first use, never
as an import side effect. Built-in rules, reports and formats are registered
as ordinary plugins; outside plugins come from the ``jobbsats`` entry-point
group, filtered by the ``JOBBSATS_LOAD_PLUGINS`` allowlist.
"""

from __future__ import annotations

import importlib
import re
from typing import Any, NamedTuple

import pluggy

from jobbsats import API_VERSION, __version__, guard, hookspecs
from jobbsats.entrypoints import ENTRY_POINT_GROUP, outside_entry_points
from jobbsats.entrypoints import forget as forget_installed
from jobbsats.guard import BUILTIN_DISTRIBUTION

BUILTIN_MODULES = ("jobbsats.rules", "jobbsats.reports", "jobbsats.reports.formats")


class PluginInfo(NamedTuple):  # a named tuple: made in a fraction of a dataclass's time, on every command
    name: str
    distribution: str
    version: str
    builtin: bool


def _distribution(ep: Any) -> tuple[str, str]:
    """Name and version of an entry point's distribution (ours, or importlib.metadata's)."""
    dist = ep.dist
    return (dist.name, dist.version) if dist is not None else (ep.name, "unknown")


def _api_problem(plugin: object) -> str | None:
    """Why this jobbsats cannot serve a plugin that says ``requires_api = "MAJOR.MINOR"``, or None.

    A minor release only adds names, so any minor up to ours will do; another major will not.
    """
    wanted = getattr(plugin, "requires_api", None)
    if wanted is None:
        return None
    shown = str(wanted)
    match = re.fullmatch(r"(\d+)(?:\.(\d+))?", shown, re.ASCII) if isinstance(wanted, str | int | float) else None
    if match is None:
        return f'says requires_api = {wanted!r}, which is not a version such as "{API_VERSION}": fix the plugin'
    need = (int(match.group(1)), int(match.group(2) or 0))
    have = tuple(int(part) for part in API_VERSION.split("."))
    if need[0] < have[0]:
        return (
            f"needs jobbsats plugin API {shown}, which this jobbsats ({__version__}, API {API_VERSION}) "
            "no longer serves: upgrade the plugin"
        )
    if need > have:
        return (
            f"needs jobbsats plugin API {shown}, and this jobbsats {__version__} has API {API_VERSION}: "
            "upgrade jobbsats"
        )
    return None


def _check_api(plugin: object, name: str, shown: str, distribution: str | None = None) -> None:
    """Refuse a plugin that needs another plugin API than this jobbsats has."""
    problem = _api_problem(plugin)
    if problem:
        raise guard.failure(name, f"(from {shown}) {problem}", distribution=distribution)


def build_plugin_manager() -> tuple[pluggy.PluginManager, list[PluginInfo]]:
    """A fresh plugin manager with the built-ins and the allowed outside plugins."""
    pm = pluggy.PluginManager(ENTRY_POINT_GROUP)
    pm.add_hookspecs(hookspecs)
    infos = []
    for module in BUILTIN_MODULES:
        pm.register(importlib.import_module(module), name=module)
        infos.append(PluginInfo(module, BUILTIN_DISTRIBUTION, __version__, True))
    for ep in outside_entry_points():
        dist, version = _distribution(ep)
        shown = f"{dist} {version}"
        plugin = guard.call(ep.load, ep.name, "loading", distribution=dist, about=f"(from {shown})")
        _check_api(plugin, ep.name, shown, dist)
        if pm.is_registered(plugin) or pm.has_plugin(ep.name):
            raise guard.failure(ep.name, f"(from {dist}) is registered twice", distribution=dist)
        try:
            pm.register(plugin, name=ep.name)
        except pluggy.PluginValidationError as exc:
            raise guard.failure(ep.name, f"(from {dist}): {exc}", distribution=dist) from exc
        infos.append(PluginInfo(ep.name, dist, version, False))
    try:
        pm.check_pending()
    except pluggy.PluginValidationError as exc:
        name = pm.get_name(exc.plugin) or "?"
        dist = next((i.distribution for i in infos if i.name == name), name)
        raise guard.failure(name, f"implements a hook jobbsats does not have: {exc}", distribution=dist) from exc
    return pm, infos


_cached: tuple[pluggy.PluginManager, list[PluginInfo]] | None = None
_generation = 0  # grows whenever the set of plugins changes, so what was built from them is rebuilt


def generation() -> int:
    """A number that changes whenever plugins are added or forgotten."""
    return _generation


def get_plugin_manager() -> tuple[pluggy.PluginManager, list[PluginInfo]]:
    """The process's plugin manager, built on first use."""
    global _cached
    if _cached is None:
        _cached = build_plugin_manager()
    return _cached


def add_plugin(plugin: object, name: str, version: str = "0") -> None:
    """Register a plugin object by hand (tests, notebooks): as if it were installed."""
    global _generation
    _check_api(plugin, name, f"{name} {version}")
    pm, infos = get_plugin_manager()
    try:
        pm.register(plugin, name=name)
        pm.check_pending()
    except (ValueError, pluggy.PluginValidationError) as exc:
        if pm.is_registered(plugin):
            pm.unregister(plugin)
        raise guard.failure(name, f"cannot be registered: {exc}") from exc
    infos.append(PluginInfo(name, name, version, False))
    _generation += 1


def reset() -> None:
    """Forget the plugin manager and all built from it (tests, and after installing a plugin)."""
    global _cached, _generation
    forget_installed()
    _cached = None
    _generation += 1
