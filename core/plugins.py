"""Finding and loading plugins.

The plugin manager is built by :func:`get_plugin_manager` on first use, never
as an import side effect. Built-in rules, reports and formats are registered
as ordinary plugins; outside plugins come from the ``jobbsats`` entry-point
group, filtered by the ``JOBBSATS_LOAD_PLUGINS`` allowlist.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from importlib.metadata import EntryPoint

import pluggy

from jobbsats import __version__, hookspecs
from jobbsats.entrypoints import ENTRY_POINT_GROUP, how_to_disable, outside_entry_points
from jobbsats.errors import PluginError

BUILTIN_MODULES = ("jobbsats.rules", "jobbsats.reports", "jobbsats.reports.formats")


@dataclass(frozen=True)
class PluginInfo:
    name: str
    distribution: str
    version: str
    builtin: bool


def _distribution(ep: EntryPoint) -> tuple[str, str]:
    dist = ep.dist
    return (dist.name, dist.version) if dist is not None else (ep.name, "unknown")


def build_plugin_manager() -> tuple[pluggy.PluginManager, list[PluginInfo]]:
    """A fresh plugin manager with the built-ins and the allowed outside plugins."""
    pm = pluggy.PluginManager(ENTRY_POINT_GROUP)
    pm.add_hookspecs(hookspecs)
    infos = []
    for module in BUILTIN_MODULES:
        pm.register(importlib.import_module(module), name=module)
        infos.append(PluginInfo(module, "jobbsats", __version__, True))
    for ep in outside_entry_points():
        dist, version = _distribution(ep)
        try:
            plugin = ep.load()
        except Exception as exc:  # a broken plugin must not show a traceback
            raise PluginError(
                f"plugin {ep.name!r} (from {dist} {version}) failed to load: "
                f"{type(exc).__name__}: {exc}\n{how_to_disable(ep.name, dist)}"
            ) from exc
        if pm.is_registered(plugin) or pm.has_plugin(ep.name):
            raise PluginError(f"plugin {ep.name!r} (from {dist}) is registered twice")
        try:
            pm.register(plugin, name=ep.name)
        except pluggy.PluginValidationError as exc:
            raise PluginError(f"plugin {ep.name!r} (from {dist}): {exc}\n{how_to_disable(ep.name, dist)}") from exc
        infos.append(PluginInfo(ep.name, dist, version, False))
    try:
        pm.check_pending()
    except pluggy.PluginValidationError as exc:
        name = pm.get_name(exc.plugin) or "?"
        dist = next((i.distribution for i in infos if i.name == name), name)
        raise PluginError(f"plugin {name!r}: {exc}\n{how_to_disable(name, dist)}") from exc
    return pm, infos


_cached: tuple[pluggy.PluginManager, list[PluginInfo]] | None = None


def get_plugin_manager() -> tuple[pluggy.PluginManager, list[PluginInfo]]:
    """The process's plugin manager, built on first use."""
    global _cached
    if _cached is None:
        _cached = build_plugin_manager()
    return _cached


def add_plugin(plugin: object, name: str, version: str = "0") -> None:
    """Register a plugin object by hand (tests, notebooks): as if it were installed.

    Call before the registry is first used, or call :func:`jobbsats.registry.reset` after.
    """
    pm, infos = get_plugin_manager()
    try:
        pm.register(plugin, name=name)
        pm.check_pending()
    except (ValueError, pluggy.PluginValidationError) as exc:
        if pm.is_registered(plugin):
            pm.unregister(plugin)
        raise PluginError(f"plugin {name!r}: {exc}") from exc
    infos.append(PluginInfo(name, name, version, False))
    from jobbsats import registry

    registry.reset()


def reset() -> None:
    """Forget the cached plugin manager and registry (tests, and after installing a plugin)."""
    global _cached
    _cached = None
    from jobbsats import registry

    registry.reset()
