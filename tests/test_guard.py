"""Issue 12, point 6: every call into plugin code goes through one guard that names the plugin and the hook."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

import jobbsats
from jobbsats import plugins
from jobbsats.errors import PluginError
from jobbsats.registry import get_registry


class Options:
    """A report plugin whose one report declares ``options``."""

    def __init__(self, *options):
        self.report = SimpleNamespace(
            name="valg", description="Val.", options=options, build=lambda ledger, options: None
        )

    @jobbsats.hookimpl
    def register_reports(self, register):
        register(self.report)


@pytest.mark.parametrize("name", ["format", "year", "db", "output", "force", "run"])
def test_a_report_option_named_like_one_every_report_has_is_refused(name):
    plugins.add_plugin(Options(jobbsats.ReportOption(name, "?")), "valg_plugin")
    with pytest.raises(
        PluginError, match=f"plugin 'valg_plugin' registered report 'valg' with option '{name}', which is taken"
    ):
        get_registry()


def test_a_report_option_of_another_type_or_twice_is_refused():
    plugins.add_plugin(Options(jobbsats.ReportOption("belopp", "?", type=float)), "float_plugin")
    with pytest.raises(PluginError, match="option 'belopp' of type float, not str, int or bool"):
        get_registry()
    plugins.reset()
    twice = jobbsats.ReportOption("del", "?")
    plugins.add_plugin(Options(twice, twice), "twice_plugin")
    with pytest.raises(PluginError, match="option 'del', which is not a name of its own"):
        get_registry()


class BrokenCommands:
    @jobbsats.hookimpl
    def register_commands(self, cli):
        raise RuntimeError("no commands today")


def test_register_commands_failing_is_named_not_a_traceback(monkeypatch):
    from jobbsats import cli as cli_module

    plugins.add_plugin(BrokenCommands(), "broken_commands")
    monkeypatch.setattr("jobbsats.entrypoints.outside_entry_points", lambda: ["one"])
    with pytest.raises(
        PluginError, match=r"plugin 'broken_commands' failed in register_commands: RuntimeError: no commands today"
    ):
        cli_module._add_plugin_commands()


def test_a_rule_that_is_both_kinds_or_neither_is_refused():
    both = SimpleNamespace(
        name="both", description="", schema={}, check=lambda s, c: [], allocate=lambda c: None, periodise=lambda c: None
    )
    plugins.add_plugin(
        SimpleNamespace(register_rules=jobbsats.hookimpl(lambda register: register(both))), "both_plugin"
    )
    with pytest.raises(PluginError, match="with both allocate\\(\\) and periodise\\(\\)"):
        get_registry()
    plugins.reset()
    neither = SimpleNamespace(name="neither", description="", schema={}, check=lambda s, c: [])
    plugins.add_plugin(
        SimpleNamespace(register_rules=jobbsats.hookimpl(lambda register: register(neither))), "neither_plugin"
    )
    with pytest.raises(PluginError, match="lacks allocate\\(\\) \\(a jobbsats.FundRule\\) or periodise\\(\\)"):
        get_registry()
