"""Fixtures: the test data copied into a throwaway folder, and the plugin registered by hand.

``JOBBSATS_LOAD_PLUGINS=''`` keeps every installed plugin out (another department's
included); :func:`jobbsats.plugins.add_plugin` then registers this one as if it were
installed, so the in-process tests need no ``pip install``.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

import jobbsats_stadskontoret
from jobbsats import examples, plugins
from jobbsats.ledger import open_ledger
from jobbsats.ledger.view import LedgerView
from jobbsats.report import Document, ReportOptions

DATA = Path(__file__).parent / "data"
SECTION = '\n[stadskontoret]\nagreements = "avtal-2024.toml"\n'


@pytest.fixture(autouse=True)
def only_this_plugin(monkeypatch):
    monkeypatch.setenv("JOBBSATS_LOAD_PLUGINS", "")
    monkeypatch.delenv("JOBBSATS_DB", raising=False)
    plugins.reset()
    plugins.add_plugin(jobbsats_stadskontoret, "stadskontoret")
    yield
    plugins.reset()


class Folder:
    """A copy of tests/data to edit, with a ledger of its own."""

    def __init__(self, path: Path):
        self.path = path
        self.db = path / "ledger.db"
        self.runner = CliRunner()
        for f in DATA.iterdir():
            shutil.copy(f, path / f.name)

    def edit(self, *replacements: tuple[str, str], name: str = "avtal-2024.toml") -> Path:
        """Replace the first of each old text in a file of the folder, in turn; each must be there."""
        path = self.path / name
        text = path.read_text(encoding="utf-8")
        for old, new in replacements:
            assert old in text, old
            text = text.replace(old, new, 1)  # in order: the same text may be replaced differently twice
        path.write_text(text, encoding="utf-8")
        return path

    def write(self, name: str, text: str) -> Path:
        (self.path / name).write_text(text, encoding="utf-8")
        return self.path / name

    def period_scenario(self) -> Path:
        """The bundled 2024-2026 example with a [stadskontoret] section: three years of grants."""
        text = examples.path_of("malmo-2024-2026").read_text(encoding="utf-8")
        return self.write("period.toml", text + SECTION)

    def cli(self, *args: str):
        from jobbsats.cli import cli

        return self.runner.invoke(cli, [*map(str, args), "--db", str(self.db)])

    def run(self, scenario: str = "avtal.toml") -> None:
        result = self.cli("run", self.path / scenario)
        assert result.exit_code == 0, result.output

    def json(self, report: str, *args: str) -> dict:
        result = self.cli("report", report, "--format", "json", *args)
        assert result.exit_code == 0, result.output
        return json.loads(result.stdout)

    def build(self, report, year: int | None = None) -> Document:
        """Build a report in-process, without the command line's check that --year is a year of the run."""
        return report.build(LedgerView(open_ledger(self.db)), ReportOptions(year=year))


@pytest.fixture
def folder(tmp_path) -> Folder:
    return Folder(tmp_path)
