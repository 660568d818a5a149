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
        PluginError, match=f"plugin 'valg_plugin' registered report 'valg' with option '{name}', which every report has"
    ):
        get_registry()


def test_a_report_option_of_another_type_or_twice_is_refused():
    plugins.add_plugin(Options(jobbsats.ReportOption("belopp", "?", type=float)), "float_plugin")
    with pytest.raises(PluginError, match="option 'belopp' of type float, not str, int or bool"):
        get_registry()
    plugins.reset()
    twice = jobbsats.ReportOption("del", "?")
    plugins.add_plugin(Options(twice, twice), "twice_plugin")
    with pytest.raises(PluginError, match="option 'del', which it declares twice"):
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


def test_an_option_name_that_is_no_python_name_is_shown_the_one_to_use():
    plugins.add_plugin(Options(jobbsats.ReportOption("min-amount", "?", type=int)), "dash_plugin")
    with pytest.raises(PluginError, match="an option's name is a Python name, such as 'min_amount' .* --min-amount"):
        get_registry()


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


class BadReport:
    """A report whose build() returns what the test gives it."""

    def __init__(self, answer):
        self.report = SimpleNamespace(name="dalig", description="Dålig.", build=lambda ledger, options: answer())

    @jobbsats.hookimpl
    def register_reports(self, register):
        register(self.report)


def _money_table(value):
    table = jobbsats.Table("t", "T", [jobbsats.Column("amount_ore", "Belopp", "money")], rows=[{"amount_ore": value}])
    return jobbsats.Document("dalig", "Dålig", tables=[table])


@pytest.mark.parametrize(
    ("answer", "says"),
    [
        (lambda: {"title": "x"}, "returned dict, not a jobbsats.Document"),
        (lambda: _money_table(9_000_000.0), "put 9000000.0 in money column 'amount_ore' of table 't'"),
        (lambda: _money_table("9 000 000"), "put '9 000 000' in money column 'amount_ore'"),
        (lambda: _money_table(True), "put True in money column 'amount_ore'"),
    ],
)
def test_what_a_report_builds_is_checked_and_blamed_on_the_report_not_a_format(cli, answer, says):
    cli.prepare(("run", "--quiet"))
    plugins.add_plugin(BadReport(answer), "dalig_plugin")
    for fmt in ("md", "csv"):
        result = cli("report", "dalig", "--format", fmt)
        assert result.exit_code == 3, result.output
        assert f"report 'dalig' (plugin 'dalig_plugin') {says}" in result.stderr
        assert "format" not in result.stderr.split("\n")[0]


class Exits:
    @jobbsats.hookimpl
    def register_rules(self, register):
        raise SystemExit(3)


def test_a_plugin_that_calls_sys_exit_is_named():
    plugins.add_plugin(Exits(), "exits_plugin")
    with pytest.raises(PluginError, match="plugin 'exits_plugin' failed in register_rules: SystemExit: 3"):
        get_registry()


@pytest.mark.parametrize(
    ("wanted", "says"),
    [
        ("0.9", "no longer serves: upgrade the plugin"),
        ("abc", "which is not a version such as"),
        ("1.0.0", "which is not a version such as"),
        ("9.0", "upgrade jobbsats"),
    ],
)
def test_requires_api_says_which_side_to_upgrade(wanted, says):
    with pytest.raises(PluginError, match=says):
        plugins.add_plugin(SimpleNamespace(requires_api=wanted), "versioned")


def test_requires_api_may_name_the_major_alone():
    plugins.add_plugin(SimpleNamespace(requires_api=jobbsats.API_VERSION.split(".")[0]), "major_only")
