"""Shared fixtures: a CLI runner with a throwaway ledger and no outside plugins."""

from __future__ import annotations

import contextlib
import gc
import hashlib
import json
import os
import shutil
import sqlite3
import sys
from pathlib import Path

import pytest

from jobbsats import examples, plugins

SEED_KEY = {"ASN": 51, "GVN": 27, "FSN": 16, "KS": 6}

# pytest keeps each test module with its asserts rewritten as bytecode in __pycache__, and only rewrites one
# whose source changed; PYTHONDONTWRITEBYTECODE (set in some shells and containers) stops it writing them,
# so every worker of every run rewrote all the test modules again: 6 s of a 9 s collection, before the
# first test. This process only: the jobbsats processes tests start inherit the variable as it is.
sys.dont_write_bytecode = False


def pytest_collection_finish(session):
    """Collected: the modules imported and the test items made live to the session's end, so the garbage
    collector is told to leave them be (``gc.freeze``). A full collection, Python's own now and then or a
    test's ``gc.collect()`` after each case, then walks only what tests made since: 34 ms a call before,
    most of tests/test_bad_input_catalogue.py's time. Whatever a test leaves for the collector (a ledger
    connection not closed) it still collects."""
    gc.collect()
    gc.freeze()


@pytest.fixture(autouse=True)
def isolated(monkeypatch, tmp_path):
    """Every test runs in its own folder, with a fresh plugin manager and no outside plugins."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("JOBBSATS_LOAD_PLUGINS", "")
    monkeypatch.delenv("JOBBSATS_DB", raising=False)
    plugins.reset()
    yield
    plugins.reset()


SIDE_FILES = ("-journal", "-wal", "-shm")  # SQLite's files next to a ledger


class LedgerTemplates:
    """Ledger files as lists of commands left them, kept for the session (in each xdist worker)."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.made: dict[tuple, Path] = {}

    def get(self, key: tuple) -> Path | None:
        return self.made.get(key)

    def keep(self, key: tuple, db: Path) -> None:
        self.made[key] = self.folder / f"{len(self.made)}.db"
        shutil.copyfile(db, self.made[key])


class Cli:
    """``cli(*args)``: the command line on the test's ledger, through the plugin kit, built-ins only."""

    def __init__(self, kit, templates: LedgerTemplates, monkeypatch: pytest.MonkeyPatch):
        self.kit = kit
        self.db = kit.db
        self.templates = templates
        self.monkeypatch = monkeypatch

    def __call__(self, *args: str, env: dict | None = None):
        return self.kit.invoke(*args, env=env)

    def prepare(self, *commands: tuple) -> None:
        """Make this test's ledger what ``commands`` (each a tuple of arguments, each one succeeding) leave.

        For a test that only stands on the ledger they make. The first test of the session (in each xdist
        worker) to ask runs them here; later ones get a copy of the ledger file that left, instead of ~55 ms
        a run (40 % of it creating a new ledger's tables). It is the same ledger but for the times written
        in it. Kept by the commands, with each file they name by its full path and its bytes (a
        file in the test's own folder is never another test's), the environment and the plugins loaded.
        The commands are always run when the test has added a plugin by hand or patched anything with
        ``monkeypatch.setattr`` (a clock, a user name, a limit): what they write could depend on it.
        """
        assert not any(Path(f"{self.db}{suffix}").exists() for suffix in ("", *SIDE_FILES)), "a ledger already"
        key = self._key(commands)
        template = self.templates.get(key) if key is not None else None
        if template is not None:
            shutil.copyfile(template, self.db)
            return
        for command in commands:
            result = self(*command)
            assert result.exit_code == 0, f"{command}: {result.output}"
        # Kept only when the whole ledger is in its one file (every connection closed, the WAL checkpointed)
        # and names no path of this test's (its folder, or the one it runs in): another test has other paths.
        if key is None or any(Path(f"{self.db}{suffix}").exists() for suffix in SIDE_FILES):
            return
        with contextlib.closing(sqlite3.connect(self.db)) as conn:
            text = "\n".join(conn.iterdump())
        if str(self.db.parent) not in text and str(Path.cwd()) not in text:
            self.templates.keep(key, self.db)

    def _key(self, commands: tuple) -> tuple | None:
        _, loaded = plugins.get_plugin_manager()
        if not all(info.builtin for info in loaded) or getattr(self.monkeypatch, "_setattr", True):
            return None
        parts: list = [tuple(sorted((k, v) for k, v in os.environ.items() if k != "PYTEST_CURRENT_TEST"))]
        # What `run` and `import` take without a scenario, before the bundled one: the test's own when there.
        parts.append(str(Path("jobbsats.toml").resolve()) if Path("jobbsats.toml").exists() else None)
        for command in commands:
            named = []
            for arg in map(str, command):
                path = Path(arg)
                if path.is_file():
                    named.append((str(path.resolve()), file_digest(path)))
                elif path.exists():
                    named.append((str(path.resolve()), None))  # a folder: its path, its own to the test
                else:
                    named.append(arg)
            parts.append(tuple(named))
        return tuple(parts)

    def json_report(self, name: str, *args: str) -> dict:
        return self.json_report_of("report", name, *args)

    def json_report_of(self, command: str, *args: str) -> dict:
        """A command that prints a document (``report NAME``, ``show``, ``diff``), as JSON."""
        result = self(command, *args, "--format", "json")
        assert result.exit_code == 0, result.output
        return json.loads(result.stdout)


@pytest.fixture(scope="session")
def ledger_templates(tmp_path_factory) -> LedgerTemplates:
    return LedgerTemplates(tmp_path_factory.mktemp("ledger-templates"))


@pytest.fixture
def cli(jobbsats_ledger, ledger_templates, monkeypatch) -> Cli:
    jobbsats_ledger.use(None)  # the built-ins; a test adds a plugin of its own with plugins.add_plugin
    return Cli(jobbsats_ledger, ledger_templates, monkeypatch)


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
