"""What the plugins provide, by name, and which plugin provided it."""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable, Iterator, MutableMapping
from dataclasses import dataclass, field
from functools import partial
from typing import Any, NamedTuple

from jobbsats import guard, plugins
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


class Deferred(NamedTuple):
    """A built-in rule, report or format registered by name, its class (``"module:Class"``) imported and made
    the first time it is looked up: ``jobbsats run`` uses the rules its scenario names and shows one report,
    most commands none, and importing every rule, report and format was a fifth of a run's start. Only
    jobbsats's own registrations use it."""

    name: str
    target: str

    def make(self) -> Any:
        module, _, attribute = self.target.partition(":")
        return getattr(importlib.import_module(module), attribute)()


class Table(MutableMapping[str, Any]):
    """A registry's table of rules, reports or formats, by name in the order registered; a :class:`Deferred`
    entry is made, and checked as any registration is, when it is first looked up."""

    def __init__(self, made: Callable[[str, Any], None] | None = None) -> None:
        self._entries: dict[str, Any] = {}
        self._made = made  # checks an entry once made (Registry.add's checks)
        self._first: Callable[[], None] = lambda: None  # fills the table, the first time it is used

    def __getitem__(self, name: str) -> Any:
        self._first()
        entry = self._entries[name]
        if isinstance(entry, Deferred):
            entry = entry.make()
            if self._made is not None:
                self._made(name, entry)
            self._entries[name] = entry
        return entry

    def __setitem__(self, name: str, value: Any) -> None:
        self._first()
        self._entries[name] = value

    def __delitem__(self, name: str) -> None:
        self._first()
        del self._entries[name]

    def __iter__(self) -> Iterator[str]:
        self._first()
        return iter(self._entries)

    def __len__(self) -> int:
        self._first()
        return len(self._entries)

    def __contains__(self, name: object) -> bool:
        self._first()
        return name in self._entries  # without making the entry


@dataclass
class Registry:
    plugins: list[PluginInfo]
    rules: Table = field(default_factory=Table)  # FundRule or ProjectRule by name
    reports: Table = field(default_factory=Table)
    formats: Table = field(default_factory=Table)
    config_schema: dict[str, Any] = field(default_factory=dict)
    owner: dict[tuple[str, str], str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # A deferred built-in gets the checks of any registration once it is made (a broken one is named).
        for kind, table in (("rule", self.rules), ("report", self.reports), ("format", self.formats)):
            table._made = partial(self._made, kind)

    def defer(self, tables: tuple[Table, ...], register: Callable[[], None]) -> None:
        """Have ``register`` fill ``tables`` when one of them is first used, not now."""
        state: dict[str, BaseException | None] = {}

        def first() -> None:
            if "done" in state:
                if state["done"] is not None:
                    raise state["done"]  # the plugin's failure, said again to whoever looks next
                return
            state["done"] = None  # before registering, which looks the tables up itself
            try:
                register()
            except BaseException as exc:
                state["done"] = exc
                raise

        for table in tables:
            table._first = first

    def fill(self, *, rules: bool = True, reports: bool = True) -> None:
        """Ask the plugins now for what is asked of them later otherwise: a plugin's failure is said here."""
        for asked, table in ((rules, self.rules), (reports, self.reports), (reports, self.formats)):
            if asked:
                table._first()

    def _made(self, kind: str, name: str, obj: Any) -> None:
        if getattr(obj, "name", None) != name:
            owner = self.owner[(kind, name)]
            raise guard.failure(
                owner,
                f"registered {kind} {name!r}, which is named {getattr(obj, 'name', None)!r} once made",
                distribution=self.distribution(owner),
            )
        self._check(kind, name, obj)

    def table(self, kind: str) -> MutableMapping[str, Any]:
        tables: dict[str, MutableMapping[str, Any]] = {
            "rule": self.rules,
            "report": self.reports,
            "format": self.formats,
        }
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
        if isinstance(obj, Deferred):
            if not self.is_builtin(plugin):
                raise fail(f"registered {kind} {name!r} by name only, which only jobbsats's own {kind}s may")
        else:
            self._check(kind, name, obj, plugin)
        table = self.table(kind)
        if name in table:
            first = self.owner[(kind, name)]
            raise fail(f"registers {kind} {name!r}, which plugin {first!r} registers too")
        table[name] = obj
        self.owner[(kind, name)] = plugin

    def _check(self, kind: str, name: str, obj: Any, plugin: str | None = None) -> None:
        """What a rule, report or format must have; a failure names the plugin that brought it."""
        plugin = plugin or self.owner[(kind, name)]
        fail = lambda what: guard.failure(plugin, what, distribution=self.distribution(plugin))  # noqa: E731
        if kind == "rule":
            _check_rule(obj, name, fail)
            return
        interface = _INTERFACES[kind]
        missing = [m for m in _MEMBERS[kind] if not hasattr(obj, m)]
        if missing or not isinstance(obj, interface):
            raise fail(
                f"registered {kind} {name!r}, which lacks {', '.join(missing) or 'a member'} "
                f"(see jobbsats.{interface.__name__})"
            )
        if kind == "report":
            _check_options(obj, name, fail)


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


def build_registry(*, rules: bool = True, reports: bool = True) -> Registry:
    """Ask every plugin for its rules, reports, formats and config sections.

    Without ``rules``, the plugins are asked for their rules only when the registry's rules are first looked
    at; without ``reports``, for their reports and formats only when either is: a command that uses none
    (``jobbsats run --quiet`` shows no report, a report computes no rule) imports none, nor any module a
    plugin's rules or reports need.
    """
    pm, infos = get_plugin_manager()
    registry = Registry(infos)

    def hook_call(impl: Any, hook_name: str, kwargs: dict[str, Any]) -> Any:
        step = partial(impl.function, *[kwargs[arg] for arg in impl.argnames])
        return guard.call(step, impl.plugin_name, hook_name, distribution=registry.distribution(impl.plugin_name))

    def register(*hook_names: str) -> None:
        for hook_name in hook_names:
            for impl in getattr(pm.hook, hook_name).get_hookimpls():
                hook_call(impl, hook_name, {"register": _registrar(registry, _KINDS[hook_name], impl.plugin_name)})

    registry.defer((registry.rules,), partial(register, "register_rules"))
    registry.defer((registry.reports, registry.formats), partial(register, "register_reports", "register_formats"))
    registry.fill(rules=rules, reports=reports)  # in the order of the hooks, as an eager registry asks them
    for impl in pm.hook.config_schema.get_hookimpls():
        fragment = hook_call(impl, "config_schema", {}) or {}
        fail = partial(guard.failure, impl.plugin_name, distribution=registry.distribution(impl.plugin_name))
        if not isinstance(fragment, dict):
            raise fail(f"returned {type(fragment).__name__} from config_schema(), not a dict of sections")
        # Imported only here, for a plugin's sections: the core schema brings the project and scenario classes,
        # which a report has no use for.
        from jobbsats.config.schema import CORE_SCHEMA

        for key, section in fragment.items():
            if key in CORE_SCHEMA:
                raise fail(f"claims the core config key {key!r}")
            if key in registry.config_schema:
                raise fail(f"claims config key {key!r}, which plugin {registry.owner[('config', key)]!r} claims too")
            registry.config_schema[key] = section
            registry.owner[("config", key)] = impl.plugin_name
    return registry


_cached: tuple[int, Registry] | None = None


def get_registry(*, rules: bool = True, reports: bool = True) -> Registry:
    """What the current plugins provide, built once for each set of plugins.

    ``rules=False`` is for a command that computes no rule, ``reports=False`` for one that may show no report:
    the plugins are asked for those only if the command looks at them (see :func:`build_registry`).
    """
    global _cached
    if _cached is not None and _cached[0] == plugins.generation():
        _cached[1].fill(rules=rules, reports=reports)
        return _cached[1]
    registry = build_registry(rules=rules, reports=reports)  # may load the plugins, which moves the generation on
    _cached = (plugins.generation(), registry)
    return registry
