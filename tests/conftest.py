"""Shared fixtures: a CLI runner with a throwaway ledger and no outside plugins."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from jobbsats import examples, plugins

SEED_KEY = {"ASN": 51, "GVN": 27, "FSN": 16, "KS": 6}


@pytest.fixture(autouse=True)
def isolated(monkeypatch, tmp_path):
    """Every test runs in its own folder, with a fresh plugin manager and no outside plugins."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("JOBBSATS_LOAD_PLUGINS", "")
    monkeypatch.delenv("JOBBSATS_DB", raising=False)
    plugins.reset()
    yield
    plugins.reset()


class Cli:
    """``cli(*args)``: the command line on the test's ledger, through the plugin kit, built-ins only."""

    def __init__(self, kit):
        self.kit = kit
        self.db = kit.db

    def __call__(self, *args: str, env: dict | None = None):
        return self.kit.invoke(*args, env=env)

    def json_report(self, name: str, *args: str) -> dict:
        return self.json_report_of("report", name, *args)

    def json_report_of(self, command: str, *args: str) -> dict:
        """A command that prints a document (``report NAME``, ``show``, ``diff``), as JSON."""
        result = self(command, *args, "--format", "json")
        assert result.exit_code == 0, result.output
        return json.loads(result.stdout)


@pytest.fixture
def cli(jobbsats_ledger) -> Cli:
    jobbsats_ledger.use(None)  # the built-ins; a test adds a plugin of its own with plugins.add_plugin
    return Cli(jobbsats_ledger)


@pytest.fixture
def example_text() -> str:
    return examples.path_of("malmo-2024").read_text(encoding="utf-8")


@pytest.fixture
def example_file(tmp_path):
    """Write a bundled example (by name) with some text replaced; returns the new file's path."""

    def make(example: str, *replacements: tuple[str, str], name: str = "scenario.toml") -> Path:
        text = examples.path_of(example).read_text(encoding="utf-8")
        for old, new in replacements:
            assert old in text, old
            text = text.replace(old, new)
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return make


@pytest.fixture
def scenario_file(example_file):
    """Write the malmo-2024 example with some text replaced; returns the new file's path."""
    return lambda *replacements, name="scenario.toml": example_file("malmo-2024", *replacements, name=name)


def file_digest(path: Path) -> str | None:
    """sha256 of a file, or None when it does not exist (a ledger never created)."""
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else None


@pytest.fixture
def digest():
    """The :func:`file_digest` helper, as a fixture (test modules cannot import conftest)."""
    return file_digest


class Ledger:
    """The ledger file and any SQLite side files (-journal, -wal) next to it, watched for change."""

    def __init__(self, db: Path):
        self.db = db
        self.before = self.state()

    def state(self) -> tuple[str | None, list[str]]:
        return file_digest(self.db), sorted(p.name for p in self.db.parent.glob(self.db.name + "*"))

    def assert_unchanged(self) -> None:
        assert self.state() == self.before, "the ledger changed (or appeared) after a refused run"


@pytest.fixture
def watch_ledger(cli):
    """Start watching the CLI's ledger now; ``.assert_unchanged()`` later checks nothing changed."""
    return lambda: Ledger(cli.db)
