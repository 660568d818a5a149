"""Pytest fixtures for writing and testing jobbsats plugins (registered as a ``pytest11`` plugin).

Installed with jobbsats, so a plugin package's tests need no conftest of their
own. ``jobbsats_ledger`` is a throwaway ledger in the test's folder::

    import jobbsats_even_split

    def test_even_split(jobbsats_ledger):
        jobbsats_ledger.use(jobbsats_even_split, "even_split")   # only this plugin, for this test
        assert jobbsats_ledger.allocate(SCENARIO) == {(2025, "A"): 333_334_00, ...}   # the rule alone
        jobbsats_ledger.run(SCENARIO)                                  # a whole run into the ledger
        tables = jobbsats_ledger.tables("fordelning")                  # report rows by table

Without ``use()``, every installed plugin is loaded, as on the command line.
Everything here is imported lazily: pytest loads this module in every test
session where jobbsats is installed.
"""

from __future__ import annotations

import json
import os
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ALLOWLIST_ENV = "JOBBSATS_LOAD_PLUGINS"


class JobbsatsLedger:
    """A ledger file in a temporary folder, the plugins it runs with, and the ways to fill and read it."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.db = folder / "jobbsats.db"
        self._scenarios = 0
        self._pinned = False  # use() chose the plugins
        self._environ: dict[str, str | None] = {}

    # -- plugins

    def use(self, plugin: object | None, name: str = "", version: str = "0") -> None:
        """Run with ``plugin`` (a module or object with ``@jobbsats.hookimpl`` functions) and the
        built-ins only, as if it were the one plugin installed; ``use(None)``: the built-ins only.
        Undone when the test ends."""
        from jobbsats import plugins

        self._set_env(ALLOWLIST_ENV, "")
        if not self._pinned:
            plugins.reset()
            self._pinned = True
        if plugin is not None:
            plugins.add_plugin(plugin, name or getattr(plugin, "__name__", "plugin"), version)

    def _set_env(self, key: str, value: str) -> None:
        self._environ.setdefault(key, os.environ.get(key))
        os.environ[key] = value

    def _current_plugins(self) -> None:
        """Unless ``use()`` chose them, the plugins installed now, as a new process would see them."""
        if not self._pinned:
            from jobbsats import plugins

            plugins.reset()

    def close(self) -> None:
        from jobbsats import plugins

        for key, value in self._environ.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        plugins.reset()  # the next test starts from what is installed, whatever this one did

    # -- the command line, in-process

    def invoke(self, *args: str | Path, env: dict[str, str | None] | None = None) -> Any:
        """Run ``jobbsats ARGS`` on this ledger; returns click's ``Result`` (``.exit_code``, ``.stdout``,
        ``.stderr``). ``env`` sets (or, with None, unsets) environment variables for the command."""
        from click.testing import CliRunner

        from jobbsats.cli import cli

        self._current_plugins()
        return CliRunner().invoke(cli, [str(a) for a in args], env={"JOBBSATS_DB": str(self.db), **(env or {})})

    def example(self, name: str) -> Path:
        """A bundled example (``jobbsats examples``) written into the ledger's folder, to run or edit,
        with its sample utfall export beside it (``NAME.utfall.csv``) where it has one."""
        from jobbsats import examples

        source = examples.path_of(name)
        if source is None:
            pytest.fail(f"no bundled example {name!r} (examples: {', '.join(examples.names())})")
        path = self.folder / source.name
        path.write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
        if (sample := examples.utfall_of(name)) is not None:
            (self.folder / sample.name).write_bytes(sample.read_bytes())
        return path

    def scenario(self, toml: str | Path) -> Path:
        """A scenario file: ``toml`` written into the ledger's folder, or a path as it is."""
        if isinstance(toml, Path):
            return toml
        self._scenarios += 1
        path = self.folder / f"scenario-{self._scenarios}.toml"
        path.write_text(toml, encoding="utf-8")
        return path

    def run(self, toml: str | Path, *args: str, check: bool = True) -> Any:
        """``jobbsats run`` on a scenario (TOML text or a path); with ``check``, a failed run fails the test."""
        result = self.invoke("run", self.scenario(toml), "--quiet", *args)
        if check and result.exit_code != 0:
            pytest.fail(f"jobbsats run failed ({result.exit_code}): {result.output}")
        return result

    def import_utfall(self, path: str | Path, *args: str, check: bool = True) -> Any:
        """``jobbsats import utfall PATH ARGS`` into this ledger (``--config`` and the like go in ``args``)."""
        result = self.invoke("import", "utfall", Path(path), *args)
        if check and result.exit_code != 0:
            pytest.fail(f"jobbsats import utfall failed ({result.exit_code}): {result.output}")
        return result

    def report(self, name: str, *args: str, fmt: str = "json") -> Any:
        """The report ``name`` of the latest run: a dict for json, text for other formats."""
        result = self.invoke("report", name, "--format", fmt, *args)
        if result.exit_code != 0:
            pytest.fail(f"jobbsats report {name} failed ({result.exit_code}): {result.output}")
        return json.loads(result.stdout) if fmt == "json" else result.stdout

    def rows(self, name: str, *args: str) -> list[dict[str, Any]]:
        """The data rows of every table of the report ``name`` (money in integer öre, in ``*_ore`` fields)."""
        return list(self.report(name, *args)["rows"])

    def tables(self, name: str, *args: str) -> dict[str, list[dict[str, Any]]]:
        """The report's rows by table name; a table's total rows under ``"NAME:totals"``."""
        payload = self.report(name, *args)
        only = payload["tables"][0]["name"] if len(payload.get("tables", [])) == 1 else None
        out: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for kind, suffix in (("rows", ""), ("totals", ":totals")):
            for row in payload.get(kind, []):
                out[row.get("table", only) + suffix].append(row)  # one table: its rows carry no name
        return dict(out)

    # -- a report or a rule, without the command line

    def view(self, run_id: int | None = None, as_of: str | None = None) -> Any:
        """The :class:`jobbsats.LedgerView` a report gets: the latest run, or ``run_id``, or as of a day."""
        from jobbsats.ledger import open_ledger
        from jobbsats.ledger.view import LedgerView

        return LedgerView(open_ledger(self.db, must_exist=True), run_id, as_of)

    def build(self, report: str, year: int | None = None, run_id: int | None = None, **values: Any) -> Any:
        """The :class:`jobbsats.Document` report ``report`` builds from the ledger, called directly: what
        it raises (an :class:`jobbsats.InputError` about its own file) reaches the test as it is."""
        from jobbsats.contracts import ReportOptions
        from jobbsats.registry import get_registry

        self._current_plugins()
        return get_registry().reports[report].build(self.view(run_id), ReportOptions(year=year, values=values))

    def allocate(self, toml: str | Path, year: int | None = None) -> dict[tuple[int, str], int]:
        """Check and compute a scenario with the current plugins, writing nothing: what each
        recipient gets from the funds (before passing any on), by ``(year, recipient)``, in each fund's unit. Bad input
        raises :class:`jobbsats.InputError` (a plugin's bug :class:`jobbsats.PluginError`), as a run would."""
        plan = self.plan(toml, year)
        got: dict[tuple[int, str], int] = defaultdict(int)
        for planned in plan.allocations:
            if planned.allocation.via is None:
                got[(planned.year, planned.allocation.to)] += planned.allocation.amount
        return dict(got)

    def plan(self, toml: str | Path, year: int | None = None) -> Any:
        """The checked plan of a scenario, as a run would record it (``.allocations``, ``.periods``,
        ``.unallocated``, and ``.ledger.reads``: what its rules read of this ledger)."""
        from jobbsats.config.load import check_scenario
        from jobbsats.engine import compute
        from jobbsats.ledger.reader import LedgerReader, opener
        from jobbsats.registry import get_registry

        self._current_plugins()
        registry = get_registry()
        scenario, problems = check_scenario(self.scenario(toml), registry)
        reader = LedgerReader(scenario.name, opener(self.db))  # rules read this ledger, as in a run
        try:
            return compute(scenario, registry, problems, only_year=year, ledger=reader)
        finally:
            reader.close()


@pytest.fixture
def jobbsats_ledger(tmp_path: Path) -> Iterator[JobbsatsLedger]:
    """A throwaway ledger: ``.use(plugin, name)``, ``.allocate(toml)``, ``.plan(toml)``, ``.run(toml)``,
    ``.example(name)``, ``.import_utfall(path, ...)``, ``.tables(report)``, ``.rows(report)``,
    ``.report(report, fmt=...)``, ``.build(report)``, ``.view()``, ``.invoke(*args)``."""
    folder = tmp_path / "jobbsats-ledger"  # a name no import can take for the package
    folder.mkdir()
    ledger = JobbsatsLedger(folder)
    yield ledger
    ledger.close()
