"""What the plugins provide, by name, and which plugin provided it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from jobbsats.entrypoints import how_to_disable
from jobbsats.errors import PluginError
from jobbsats.plugins import PluginInfo, get_plugin_manager
from jobbsats.report import OutputFormat, Report
from jobbsats.rule import Rule

# What each kind of object must have; listed so a plugin author is told exactly what is missing.
_MEMBERS = {
    "rule": ("name", "description", "schema", "check", "allocate"),
    "report": ("name", "description", "build"),
    "format": ("name", "extension", "binary", "render"),
}

_KINDS: dict[str, tuple[str, type]] = {
    "register_rules": ("rule", Rule),
    "register_reports": ("report", Report),
    "register_formats": ("format", OutputFormat),
}


@dataclass
class Registry:
    plugins: list[PluginInfo]
    rules: dict[str, Rule] = field(default_factory=dict)
    reports: dict[str, Report] = field(default_factory=dict)
    formats: dict[str, OutputFormat] = field(default_factory=dict)
    config_schema: dict[str, Any] = field(default_factory=dict)
    owner: dict[tuple[str, str], str] = field(default_factory=dict)

    def table(self, kind: str) -> dict[str, Any]:
        return {"rule": self.rules, "report": self.reports, "format": self.formats}[kind]

    def versions(self, used: set[str] | None = None) -> dict[str, str]:
        """Plugin name -> version, for every plugin (or those in ``used``)."""
        return {p.name: p.version for p in self.plugins if used is None or p.name in used}

    def is_builtin(self, plugin: str) -> bool:
        return any(p.builtin for p in self.plugins if p.name == plugin)

    def add(self, kind: str, interface: type, plugin: str, obj: Any) -> None:
        name = getattr(obj, "name", None)
        if not isinstance(name, str) or not name.strip():
            raise PluginError(f"plugin {plugin!r} registered a {kind} without a name")
        hint = how_to_disable(plugin, _dist_of(self.plugins, plugin))
        missing = [m for m in _MEMBERS[kind] if not hasattr(obj, m)]
        if missing or not isinstance(obj, interface):
            raise PluginError(
                f"plugin {plugin!r} registered {kind} {name!r}, which lacks {', '.join(missing) or 'a member'} "
                f"(see {interface.__module__}.{interface.__name__})\n{hint}"
            )
        table = self.table(kind)
        if name in table:
            first = self.owner[(kind, name)]
            raise PluginError(f"{kind} {name!r} is registered by both plugin {first!r} and plugin {plugin!r}\n{hint}")
        table[name] = obj
        self.owner[(kind, name)] = plugin


def _registrar(registry: Registry, kind: str, interface: type, plugin: str) -> Callable[[Any], None]:
    """The ``register`` callback handed to one plugin's hook: it knows who is calling."""

    def register(obj: Any) -> None:
        registry.add(kind, interface, plugin, obj)

    return register


def _dist_of(plugins: list[PluginInfo], name: str) -> str:
    return next((p.distribution for p in plugins if p.name == name), name)


def build_registry() -> Registry:
    """Ask every plugin for its rules, reports, formats and config sections."""
    from jobbsats.config.schema import CORE_SCHEMA

    pm, plugins = get_plugin_manager()
    registry = Registry(plugins)
    for hook_name, (kind, interface) in _KINDS.items():
        for impl in getattr(pm.hook, hook_name).get_hookimpls():
            _call(impl, hook_name, {"register": _registrar(registry, kind, interface, impl.plugin_name)}, plugins)
    for impl in pm.hook.config_schema.get_hookimpls():
        fragment = _call(impl, "config_schema", {}, plugins) or {}
        if not isinstance(fragment, dict):
            raise PluginError(
                f"plugin {impl.plugin_name!r}: config_schema() must return a dict of sections, "
                f"not {type(fragment).__name__}"
            )
        for key, rules in fragment.items():
            if key in CORE_SCHEMA:
                raise PluginError(f"plugin {impl.plugin_name!r} claims the core config key {key!r}")
            if key in registry.config_schema:
                first = registry.owner[("config", key)]
                raise PluginError(
                    f"config key {key!r} is claimed by both plugin {first!r} and plugin {impl.plugin_name!r}"
                )
            registry.config_schema[key] = rules
            registry.owner[("config", key)] = impl.plugin_name
    return registry


def _call(impl: Any, hook_name: str, kwargs: dict[str, Any], plugins: list[PluginInfo]) -> Any:
    try:
        return impl.function(*[kwargs[arg] for arg in impl.argnames])
    except PluginError:
        raise
    except Exception as exc:
        name = impl.plugin_name
        raise PluginError(
            f"plugin {name!r} failed in {hook_name}: {type(exc).__name__}: {exc}\n"
            f"{how_to_disable(name, _dist_of(plugins, name))}"
        ) from exc


_cached: Registry | None = None


def get_registry() -> Registry:
    global _cached
    if _cached is None:
        _cached = build_registry()
    return _cached


def reset() -> None:
    global _cached
    _cached = None
