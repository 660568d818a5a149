"""Pytest fixtures for writing and testing jobbsats plugins (registered as a ``pytest11`` plugin).

Installed with jobbsats, so a plugin package's tests can use them without a
conftest: ``jobbsats_ledger`` builds a throwaway ledger from a TOML string,
runs it through the real command line (in-process, with every installed
plugin), and hands back a report's rows::

    def test_my_report(jobbsats_ledger):
        jobbsats_ledger.run(SCENARIO_TOML)
        rows = jobbsats_ledger.rows("my_report")
        assert rows[0]["amount_ore"] == 600_000_00

Everything here is imported lazily: pytest loads this module in every test
session where jobbsats is installed.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest


class JobbsatsLedger:
    """A ledger file in a temporary folder, and the command line to fill and read it."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.db = folder / "jobbsats.db"
        self._scenarios = 0

    def invoke(self, *args: str | Path) -> Any:
        """Run ``jobbsats ARGS`` on this ledger; returns click's ``Result`` (``.exit_code``, ``.stdout``)."""
        from click.testing import CliRunner

        from jobbsats import plugins
        from jobbsats.cli import cli

        plugins.reset()  # the plugins installed now, as a new process would see them
        runner = CliRunner()
        return runner.invoke(cli, [str(a) for a in args], env={"JOBBSATS_DB": str(self.db)})

    def scenario(self, toml: str) -> Path:
        """Write ``toml`` as a scenario file in the ledger's folder; returns its path."""
        self._scenarios += 1
        path = self.folder / f"scenario-{self._scenarios}.toml"
        path.write_text(toml, encoding="utf-8")
        return path

    def run(self, toml: str, *args: str, check: bool = True) -> Any:
        """``jobbsats run`` on a scenario given as TOML text; with ``check``, a failed run fails the test."""
        result = self.invoke("run", self.scenario(toml), "--quiet", *args)
        if check and result.exit_code != 0:
            pytest.fail(f"jobbsats run failed ({result.exit_code}): {result.output}")
        return result

    def report(self, name: str, *args: str, fmt: str = "json") -> Any:
        """The report ``name`` of the latest run: a dict for json, text for other formats."""
        result = self.invoke("report", name, "--format", fmt, *args)
        if result.exit_code != 0:
            pytest.fail(f"jobbsats report {name} failed ({result.exit_code}): {result.output}")
        return json.loads(result.stdout) if fmt == "json" else result.stdout

    def rows(self, name: str, *args: str) -> list[dict[str, Any]]:
        """The data rows of the report ``name`` (money in integer öre, in ``*_ore`` fields)."""
        return self.report(name, *args)["rows"]


@pytest.fixture
def jobbsats_ledger(tmp_path: Path) -> JobbsatsLedger:
    """A throwaway ledger: ``.run(toml)``, ``.rows(report)``, ``.report(report, fmt=...)``, ``.invoke(*args)``."""
    folder = tmp_path / "jobbsats"
    folder.mkdir()
    return JobbsatsLedger(folder)
