"""Issue 18: rules, reports and formats are made when first looked up; a quiet run asks for no report, a report
for no rule.

The built-in rules, reports and formats are registered by name and their modules imported when one is used; the
plugins are asked for theirs (and import their modules) when a command first looks at rules, or at reports or
formats.
Everything that lists or uses them sees the same tables as before, in the same order, with the same checks.
"""

from __future__ import annotations

import os
import subprocess
import sys
from types import SimpleNamespace

import pytest

import jobbsats
from jobbsats import plugins
from jobbsats.errors import PluginError
from jobbsats.registry import Deferred, get_registry

# What `run --quiet` should leave unimported, and what a command that shows a report needs.
REPORT_MODULES = ("jobbsats.reports.fordelning", "jobbsats.reports.aterrapportering", "jobbsats.reports.formats.html")


def _modules_after(*args: str, tmp_path) -> set[str]:
    """The modules a new process of ``jobbsats ARGS`` had imported when it ended."""
    code = (
        "import atexit, sys\n"
        "listing = sys.argv[1]\n"
        "atexit.register(lambda: print('\\n'.join(sorted(sys.modules)), file=open(listing, 'w')))\n"
        "from jobbsats.cli import main\n"
        f"sys.argv = ['jobbsats', *{list(args)!r}]\n"
        "main()\n"
    )
    listing = tmp_path / "modules.txt"
    env = {k: v for k, v in os.environ.items() if k not in ("JOBBSATS_DB", "JOBBSATS_LOAD_PLUGINS")}
    done = subprocess.run(
        [sys.executable, "-c", code, str(listing)], cwd=tmp_path, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    return set(listing.read_text().split())


def test_built_in_reports_and_formats_are_listed_in_order_and_made_as_named():
    registry = get_registry()
    assert [n for n in registry.reports if registry.owner[("report", n)] == "jobbsats.reports"] == [
        "fordelning",
        "aterrapportering",
        "beslut",
        "projekt",
        "prognos",
    ]
    assert [n for n in registry.formats if registry.owner[("format", n)] == "jobbsats.reports.formats"] == [
        "md",
        "csv",
        "csv-sv",
        "json",
        "xlsx",
        "html",
        "docx",
    ]
    for name in registry.reports:
        assert registry.reports[name].name == name
    for name in registry.formats:
        assert registry.formats[name].name == name
    # The first .csv format is the machine one, as before: `-o file.csv` picks it.
    assert next(f.name for f in registry.formats.values() if f.extension == "csv") == "csv"


def test_a_quiet_run_imports_no_report_and_no_format(tmp_path):
    modules = _modules_after("run", "malmo-2024", "--quiet", "--db", str(tmp_path / "l.db"), tmp_path=tmp_path)
    # The two packages that register them by name are all that is imported of them.
    made = [m for m in modules if m.startswith(("jobbsats.reports.", "jobbsats.ledger.view"))]
    assert made == ["jobbsats.reports.formats"]


def test_a_run_that_shows_its_allocation_makes_fordelning_and_md_only(tmp_path):
    modules = _modules_after("run", "malmo-2024", "--db", str(tmp_path / "l.db"), tmp_path=tmp_path)
    assert {"jobbsats.reports.fordelning", "jobbsats.reports.formats.markdown"} <= modules
    assert "jobbsats.reports.aterrapportering" not in modules and "jobbsats.reports.formats.html" not in modules


class BrokenReports:
    @jobbsats.hookimpl
    def register_reports(self, register):
        raise RuntimeError("no reports today")


def test_a_plugin_whose_reports_fail_stops_a_run_that_shows_one_and_the_report_command(cli):
    plugins.add_plugin(BrokenReports(), "broken_reports")
    for args in (("run",), ("report", "fordelning"), ("plugins",)):
        result = cli(*args)
        assert result.exit_code == 3, (args, result.output)
        assert "plugin 'broken_reports' failed in register_reports: RuntimeError: no reports today" in result.stderr
        assert "Traceback" not in result.output
    assert cli("runs").stdout == ""  # the run that would show its allocation recorded nothing


def test_a_quiet_run_does_not_ask_the_plugins_for_reports(cli):
    # It shows none, so a plugin whose reports are broken does not stop it (as one without reports would not).
    plugins.add_plugin(BrokenReports(), "broken_reports")
    result = cli("run", "--quiet")
    assert result.exit_code == 0, result.output
    assert cli("report", "fordelning").exit_code == 3


def test_the_failure_is_said_again_to_whoever_looks_next():
    plugins.add_plugin(BrokenReports(), "broken_reports")
    registry = get_registry(reports=False)
    for _ in range(2):
        with pytest.raises(PluginError, match="failed in register_reports"):
            list(registry.reports)
    with pytest.raises(PluginError, match="failed in register_reports"):
        "md" in registry.formats  # noqa: B015


def test_only_jobbsats_registers_by_name():
    sneaky = SimpleNamespace(register_reports=jobbsats.hookimpl(lambda register: register(Deferred("x", "os:getcwd"))))
    plugins.add_plugin(sneaky, "sneaky_plugin")
    with pytest.raises(PluginError, match="plugin 'sneaky_plugin' registered report 'x' by name only"):
        get_registry()


def test_a_plugin_report_named_like_a_built_in_is_refused():
    copycat = SimpleNamespace(name="beslut", description="", build=lambda ledger, options: None, options=())
    plugins.add_plugin(
        SimpleNamespace(register_reports=jobbsats.hookimpl(lambda register: register(copycat))), "copycat"
    )
    with pytest.raises(PluginError, match="registers report 'beslut', which plugin '.*' registers too"):
        get_registry()


# ---- rules: made when first looked up, and a command that computes none asks the plugins for none ----------


def test_built_in_rules_are_listed_in_order_and_made_as_named():
    registry = get_registry()
    built_in = [n for n in registry.rules if registry.owner[("rule", n)] == "jobbsats.rules"]
    assert built_in == ["carry_over", "cofinancing", "fixed", "percentage_key", "rate", "unit_cost"]
    for name in built_in:
        assert registry.rules[name].name == name


def test_a_run_imports_the_rules_its_scenario_names_and_a_report_none(tmp_path):
    ledger = str(tmp_path / "l.db")
    # malmo-2024's rules: "fixed" (its lines on ram) and "percentage_key" (the key), nothing else.
    modules = _modules_after("run", "malmo-2024", "--quiet", "--db", ledger, tmp_path=tmp_path)
    assert sorted(m for m in modules if m.startswith("jobbsats.rules.")) == [
        "jobbsats.rules.fixed",
        "jobbsats.rules.percentage_key",
    ]
    modules = _modules_after("report", "fordelning", "--db", ledger, tmp_path=tmp_path)
    assert [m for m in modules if m.startswith("jobbsats.rules.")] == []


class BrokenRules:
    @jobbsats.hookimpl
    def register_rules(self, register):
        raise RuntimeError("no rules today")


def test_a_plugin_whose_rules_fail_stops_a_run_but_not_a_report(cli):
    assert cli("run", "--quiet").exit_code == 0
    before = cli("runs").stdout
    plugins.add_plugin(BrokenRules(), "broken_rules")
    report = cli("report", "fordelning")
    assert report.exit_code == 0, report.output  # it computes no rule, so asks for none
    assert "13\u00a0056\u00a0000" in report.stdout  # ASN's share by the key in seed 000
    for args in (("run", "--quiet"), ("plugins",)):
        result = cli(*args)
        assert result.exit_code == 3, (args, result.output)
        assert "plugin 'broken_rules' failed in register_rules: RuntimeError: no rules today" in result.stderr
    assert cli("runs").stdout == before  # the refused run recorded nothing


def test_a_plugin_may_not_register_a_rule_by_name():
    sneaky = SimpleNamespace(register_rules=jobbsats.hookimpl(lambda register: register(Deferred("x", "os:getcwd"))))
    plugins.add_plugin(sneaky, "sneaky_rules")
    with pytest.raises(PluginError, match="plugin 'sneaky_rules' registered rule 'x' by name only"):
        get_registry()
