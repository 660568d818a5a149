"""Fixtures: each test in its own folder, with this plugin and no other outside plugin loaded."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from jobbsats import plugins

import jobbsats_asf

DATA = Path(__file__).parent / "data"


@pytest.fixture(autouse=True)
def only_this_plugin(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("JOBBSATS_LOAD_PLUGINS", "")
    monkeypatch.delenv("JOBBSATS_DB", raising=False)
    plugins.reset()
    plugins.add_plugin(jobbsats_asf, "asf")
    yield
    plugins.reset()


class Jobbsats:
    """The command line, in-process, on a ledger in the test's folder."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.db = folder / "ledger.db"
        self.runner = CliRunner()

    def __call__(self, *args: object):
        from jobbsats.cli import cli

        return self.runner.invoke(cli, [str(a) for a in args])

    def scenario(self, csv_text: str | bytes | None = None, *replacements: tuple[str, str]) -> Path:
        """The shipped scenario in this folder, with its CSV (or ``csv_text`` instead) and some text replaced."""
        text = (DATA / "iop.toml").read_text(encoding="utf-8")
        for old, new in replacements:
            assert old in text, old
            text = text.replace(old, new)
        path = self.folder / "iop.toml"
        path.write_text(text, encoding="utf-8")
        csv_path = self.folder / "indikatorer-2024.csv"
        if csv_text is None:
            shutil.copy(DATA / "indikatorer-2024.csv", csv_path)
        elif isinstance(csv_text, bytes):
            csv_path.write_bytes(csv_text)
        else:
            csv_path.write_text(csv_text, encoding="utf-8")
        return path

    def run(self, scenario: Path):
        result = self("run", "--quiet", "--db", self.db, scenario)
        assert result.exit_code == 0, result.output
        return result

    def report(self, *args: object):
        return self("report", "iop", "--db", self.db, *args)

    def tables(self, *args: object) -> dict[str, list[dict]]:
        """The report's JSON rows and totals, by table: ``{"iop_kvartal": [...], "iop_ar:totals": [...]}``."""
        result = self.report("--format", "json", *args)
        assert result.exit_code == 0, result.output
        payload = json.loads(result.stdout)
        out: dict[str, list[dict]] = {}
        for kind in ("rows", "totals"):
            for row in payload[kind]:
                name = row["table"] + (":totals" if kind == "totals" else "")
                out.setdefault(name, []).append(row)
        return out


@pytest.fixture
def jobbsats(tmp_path) -> Jobbsats:
    return Jobbsats(tmp_path)
