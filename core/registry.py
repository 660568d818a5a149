"""What the plugins provide, by name, and which plugin provided it."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from jobbsats import guard, plugins
from jobbsats.config.schema import CORE_SCHEMA
from jobbsats.contracts import FundRule, OutputFormat, ProjectRule, Report, is_project_rule
from jobbsats.plugins import PluginInfo, get_plugin_manager

# What each kind of object must have; listed so a plugin author is told exactly what is missing.
_MEMBERS = {
    "report": ("name", "description", "build"),
    "format": ("name", "extension", "binary", "render"),
}
_RULE_MEMBERS = ("name", "description", "schema", "check")

_KINDS: dict[str, str] = {
    "register_rules": "rule",
    "register_reports": "report",
    "register_formats": "format",
}
_INTERFACES: dict[str, type] = {"report": Report, "format": OutputFormat}


@dataclass
class Registry:
    plugins: list[PluginInfo]
    rules: dict[str, FundRule | ProjectRule] = field(default_factory=dict)
    reports: dict[str, Report] = field(default_factory=dict)
    formats: dict[str, OutputFormat] = field(default_factory=dict)
    config_schema: dict[str, Any] = field(default_factory=dict)
    owner: dict[tuple[str, str], str] = field(default_factory=dict)

    def table(self, kind: str) -> dict[str, Any]:
        tables: dict[str, dict[str, Any]] = {"rule": self.rules, "report": self.reports, "format": self.formats}
        return tables[kind]

    def versions(self, used: set[str] | None = None) -> dict[str, str]:
        """Plugin name -> version, for every plugin (or those in ``used``)."""
        return {p.name: p.version for p in self.plugins if used is None or p.name in used}

    def is_builtin(self, plugin: str) -> bool:
        return any(p.builtin for p in self.plugins if p.name == plugin)

    def distribution(self, plugin: str) -> str:
        """The package that brought ``plugin``."""
        return next((p.distribution for p in self.plugins if p.name == plugin), plugin)

    def call(self, step: Callable[[], Any], kind: str, name: str, hook: str, *, where: str = "", **how: str) -> Any:
        """Call into the plugin that brought the ``kind`` named ``name`` (see :func:`jobbsats.guard.call`)."""
        owner = self.owner[(kind, name)]
        where = where or f"{kind} {name!r}"
        return guard.call(step, owner, hook, where=where, distribution=self.distribution(owner), **how)

    def is_project_rule(self, name: str) -> bool:
        return is_project_rule(self.rules[name])

    def add(self, kind: str, plugin: str, obj: Any) -> None:
        name = getattr(obj, "name", None)
        fail = lambda what: guard.failure(plugin, what, distribution=self.distribution(plugin))  # noqa: E731
        if not isinstance(name, str) or not name.strip():
            raise fail(f"registered a {kind} without a name")
        if kind == "rule":
            _check_rule(obj, name, fail)
        else:
            interface = _INTERFACES[kind]
            missing = [m for m in _MEMBERS[kind] if not hasattr(obj, m)]
            if missing or not isinstance(obj, interface):
                raise fail(
                    f"registered {kind} {name!r}, which lacks {', '.join(missing) or 'a member'} "
                    f"(see jobbsats.{interface.__name__})"
                )
            if kind == "report":
                _check_options(obj, name, fail)
        table = self.table(kind)
        if name in table:
            first = self.owner[(kind, name)]
            raise fail(f"registers {kind} {name!r}, which plugin {first!r} registers too")
        table[name] = obj
        self.owner[(kind, name)] = plugin


# Options every report has already (core/cli/report.py); a report's own may not reuse these names.
TAKEN_OPTIONS = ("format", "output", "year", "as_of", "run", "run_id", "force", "db", "help", "name", "fmt")


def _check_options(report: Any, name: str, fail: Callable[[str], Exception]) -> None:
    """A report's declared options: ReportOptions with names of their own, each once."""
    from jobbsats.contracts import ReportOption, options_of

    seen: set[str] = set()
    for option in options_of(report):
        if not isinstance(option, ReportOption):
            raise fail(f"registered report {name!r} with an option that is not a jobbsats.ReportOption: {option!r}")
        if not option.name.isidentifier():
            better = re.sub(r"\W", "_", option.name)
            raise fail(
                f"registered report {name!r} with option {option.name!r}: an option's name is a Python name, "
                f"such as {better!r} (the command line then takes --{better.replace('_', '-')})"
            )
        if option.name in TAKEN_OPTIONS or option.name in seen:
            why = "every report has already" if option.name in TAKEN_OPTIONS else "it declares twice"
            raise fail(f"registered report {name!r} with option {option.name!r}, which {why}")
        if option.type not in (str, int, bool):
            kind = getattr(option.type, "__name__", option.type)
            raise fail(f"registered report {name!r} with option {option.name!r} of type {kind}, not str, int or bool")
        seen.add(option.name)


def _check_rule(rule: Any, name: str, fail: Callable[[str], Exception]) -> None:
    """A rule is a fund rule (``allocate``) or a project rule (``periodise``), never both."""
    missing = [m for m in _RULE_MEMBERS if not hasattr(rule, m)]
    allocates, periodises = callable(getattr(rule, "allocate", None)), is_project_rule(rule)
    if allocates and periodises:
        raise fail(f"registered rule {name!r} with both allocate() and periodise(); a rule is one or the other")
    if not (allocates or periodises):
        missing.append("allocate() (a jobbsats.FundRule) or periodise() (a jobbsats.ProjectRule)")
    if missing or not isinstance(rule, ProjectRule if periodises else FundRule):
        raise fail(f"registered rule {name!r}, which lacks {', '.join(missing) or 'a member'}")


def _registrar(registry: Registry, kind: str, plugin: str) -> Callable[[Any], None]:
    """The ``register`` callback handed to one plugin's hook: it knows who is calling."""

    def register(obj: Any) -> None:
        registry.add(kind, plugin, obj)

    return register


def build_registry() -> Registry:
    """Ask every plugin for its rules, reports, formats and config sections."""
    pm, infos = get_plugin_manager()
    registry = Registry(infos)

    def hook_call(impl: Any, hook_name: str, kwargs: dict[str, Any]) -> Any:
        step = partial(impl.function, *[kwargs[arg] for arg in impl.argnames])
        return guard.call(step, impl.plugin_name, hook_name, distribution=registry.distribution(impl.plugin_name))

    for hook_name, kind in _KINDS.items():
        for impl in getattr(pm.hook, hook_name).get_hookimpls():
            hook_call(impl, hook_name, {"register": _registrar(registry, kind, impl.plugin_name)})
    for impl in pm.hook.config_schema.get_hookimpls():
        fragment = hook_call(impl, "config_schema", {}) or {}
        fail = partial(guard.failure, impl.plugin_name, distribution=registry.distribution(impl.plugin_name))
        if not isinstance(fragment, dict):
            raise fail(f"returned {type(fragment).__name__} from config_schema(), not a dict of sections")
        for key, rules in fragment.items():
            if key in CORE_SCHEMA:
                raise fail(f"claims the core config key {key!r}")
            if key in registry.config_schema:
                raise fail(f"claims config key {key!r}, which plugin {registry.owner[('config', key)]!r} claims too")
            registry.config_schema[key] = rules
            registry.owner[("config", key)] = impl.plugin_name
    return registry


_cached: tuple[int, Registry] | None = None


def get_registry() -> Registry:
    """What the current plugins provide, built once for each set of plugins."""
    global _cached
    if _cached is None or _cached[0] != plugins.generation():
        registry = build_registry()  # may load the plugins, which moves the generation on
        _cached = (plugins.generation(), registry)
    return _cached[1]
