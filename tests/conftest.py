"""Shared fixtures: a CLI runner with a throwaway ledger and no outside plugins."""

from __future__ import annotations

import contextlib
import functools
import gc
import hashlib
import json
import os
import shutil
import sqlite3
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlite_utils import Database

from jobbsats import examples, plugins

SEED_KEY = {"ASN": 51, "GVN": 27, "FSN": 16, "KS": 6}

# pytest keeps each test module with its asserts rewritten as bytecode in __pycache__, and only rewrites one
# whose source changed; PYTHONDONTWRITEBYTECODE (set in some shells and containers) stops it writing them,
# so every worker of every run rewrote all the test modules again: 6 s of a 9 s collection, before the
# first test. This process only: the jobbsats processes tests start inherit the variable as it is.
sys.dont_write_bytecode = False


# xdist (with --dist loadfile, pyproject.toml) hands each worker a whole test file at a time, in collection order:
# one worker could be starting a file of 15 s as the other runs out of files. So the files that take seconds
# (processes, wheels, benchmarks, a browser, long searches) go first, the slowest first, and the quick ones after
# them fill in, so that the two workers finish together; only the order changes. Order as measured on 2 cores;
# a file not named keeps its place.
SLOWEST_FIRST = (
    "tests/test_concurrency.py",
    "tests/test_plugins.py",
    "tests/test_new_plugin.py",
    "tests/test_bad_input_catalogue.py",
    "tests/test_benchmarks.py",
    "tests/test_speed_run_sound.py",
    "tests/test_formats_csv_sv_docx.py",
    "tests/test_web_browser.py",
    "tests/test_serve.py",
    "tests/test_os_errors.py",
    "tests/test_verify.py",
    "tests/test_special_files.py",
    "plugins/jobbsats-stadskontoret/tests/test_cli.py",
    "tests/test_utfall.py",
    "tests/test_startup.py",
    "plugins/jobbsats-asf/tests/test_cli.py",
    "tests/test_bad_input.py",
    "tests/test_totals_and_keys.py",
    "tests/test_web_pages.py",
    "tests/test_sealed_batches.py",
    "tests/test_trial15_inputs.py",
    "tests/test_formats_xlsx_html.py",
    "tests/test_projects_bad_input.py",
    "tests/test_huge_input.py",
    "tests/test_aterrapportering_purposes.py",
    "tests/test_packaging.py",
    "tests/test_cofinancing.py",
    "tests/test_ledger.py",
    "tests/test_trial16_reports.py",
    "tests/test_carry_over.py",
    "tests/test_sie.py",
    "tests/test_export.py",
    "tests/test_speed_run_apportion.py",
)


@pytest.hookimpl(tryfirst=True)  # before pytest's tmp_path plugin reads --basetemp
def pytest_configure(config):
    if hasattr(config, "workerinput"):  # an xdist worker: its controller has done this for the session
        return
    _compile_the_package()
    _scratch_in_memory(config)


def _compile_the_package() -> None:
    """Bytecode for jobbsats's own modules, beside their sources, where Python looks for it.

    An editable install leaves none, and with PYTHONDONTWRITEBYTECODE set (as in many shells and containers)
    no jobbsats process writes any. The workers' imports (above, ``sys.dont_write_bytecode``) wrote what
    collecting the tests imports, but not the rest a command may import: a `jobbsats run` started after
    collection took 141 ms, against 126 ms with all of it compiled (198 ms with none). A module is compiled
    again only when its source changed: 4 ms when nothing did.
    """
    import compileall

    import jobbsats.reports
    import jobbsats.rules

    for package in (jobbsats, jobbsats.rules, jobbsats.reports):
        for folder in package.__path__:
            compileall.compile_dir(folder, quiet=2)  # a source tree no one may write to is left as it is


IN_MEMORY = Path("/dev/shm")
IN_MEMORY_ROOM = 2 * 2**30  # a whole run writes ~600 MB of ledgers, scenarios and wheels there
KEPT = "KEPT"  # marks the folder of a session whose tests failed: left for a look
KEEP = 2  # such folders kept at most, the newest (pytest keeps its last three folders on disk)
SCRATCH = pytest.StashKey[Path]()


def _scratch_in_memory(config) -> None:
    """The tests' folders (tmp_path) in memory, on Linux's /dev/shm, when it has room and no --basetemp is given.

    Every test makes ledgers, and SQLite syncs each commit of one to the disk (as it should for a user's
    ledger): a new ledger and a commit take about 3 ms on this machine's disk, 0.6 ms in memory; one pair of
    whole runs took 88 s on the disk and 80 s in memory. Nothing a test checks depends on the disk: a full one
    is made by capping SQLite's pages, or on a tmpfs of its own.

    Memory is given back: the folder goes when the session ends, unless tests failed. Then it stays for a look
    (the summary says where), and only the newest KEEP such folders of the user do, as a next session finds.
    ``--basetemp DIR`` keeps the folders on a disk instead.
    """
    if config.option.basetemp or not IN_MEMORY.is_dir() or not os.access(IN_MEMORY, os.W_OK):
        return
    room = os.statvfs(IN_MEMORY)
    if room.f_bavail * room.f_frsize < IN_MEMORY_ROOM:
        return
    import tempfile
    import time

    mine = IN_MEMORY / f"jobbsats-tests-{os.getuid()}"
    mine.mkdir(mode=0o700, exist_ok=True)
    # Another session may remove a folder while this one looks (its own at its end, or old ones as here).
    ages = {f: age for f in mine.iterdir() if (age := _modified(f)) is not None}
    kept = sorted((f for f in ages if (f / KEPT).exists()), key=ages.__getitem__)
    # A folder without the mark is a session's still running, or one killed outright: gone after a day.
    lost = [f for f, age in ages.items() if not (f / KEPT).exists() and age < time.time() - 86_400]
    for folder in kept[: max(0, len(kept) - KEEP)] + lost:
        shutil.rmtree(folder, ignore_errors=True)
    config.stash[SCRATCH] = Path(tempfile.mkdtemp(dir=mine))
    config.option.basetemp = str(config.stash[SCRATCH])


def _modified(path: Path) -> float | None:
    try:
        return path.stat().st_mtime
    except OSError:
        return None


def pytest_sessionfinish(session, exitstatus):
    folder = session.config.stash.get(SCRATCH, None)
    if folder is not None and exitstatus == pytest.ExitCode.TESTS_FAILED:
        (folder / KEPT).touch()


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    folder = config.stash.get(SCRATCH, None)
    if folder is not None and (folder / KEPT).exists():
        terminalreporter.write_line(f"The tests' folders are kept in memory, in {folder}: remove it when done.")


def pytest_unconfigure(config):
    folder = config.stash.get(SCRATCH, None)
    if folder is not None and not (folder / KEPT).exists():  # passed, interrupted, or never a session (--help)
        shutil.rmtree(folder, ignore_errors=True)


def pytest_collection_modifyitems(items):
    rank = {path: i for i, path in enumerate(SLOWEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.nodeid.partition("::")[0], len(rank)))  # stable: files stay whole


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


@pytest.fixture(scope="session")
def shared_file(tmp_path_factory):
    """``shared_file(name, text)``: a file of that name and text (str, UTF-8, or bytes), at the same path in every
    test of the session (of the xdist worker) that asks for that name and text; never to be changed.

    For the inputs of ``cli.prepare``: a ledger records the paths of the files it was made from, so one made
    from files in the test's own folder is that test's alone and made anew for each; made from these, it is
    made once and copied.
    """
    root = tmp_path_factory.mktemp("shared-files")

    def write(name: str, text: str | bytes) -> Path:
        data = text.encode("utf-8") if isinstance(text, str) else text
        path = root / hashlib.sha256(name.encode("utf-8") + b"\0" + data).hexdigest()[:16] / name
        if not path.exists():
            path.parent.mkdir()
            path.write_bytes(data)
        return path

    return write


@pytest.fixture
def cli(jobbsats_ledger, ledger_templates, monkeypatch) -> Cli:
    jobbsats_ledger.use(None)  # the built-ins; a test adds a plugin of its own with plugins.add_plugin
    return Cli(jobbsats_ledger, ledger_templates, monkeypatch)


@pytest.fixture
def example_text() -> str:
    return examples.path_of("malmo-2024").read_text(encoding="utf-8")


def example_with(example: str, *replacements: tuple[str, str]) -> str:
    """A bundled example's text (by name) with some text replaced."""
    text = examples.path_of(example).read_text(encoding="utf-8")
    for old, new in replacements:
        assert old in text, old
        text = text.replace(old, new)
    return text


@pytest.fixture
def example_file(tmp_path):
    """Write a bundled example (by name) with some text replaced; returns the new file's path."""

    def make(example: str, *replacements: tuple[str, str], name: str = "scenario.toml") -> Path:
        path = tmp_path / name
        path.write_text(example_with(example, *replacements), encoding="utf-8")
        return path

    return make


@pytest.fixture
def shared_example(shared_file):
    """``example_file``, written by ``shared_file``: a scenario for ``cli.prepare`` to run."""
    return lambda example, *replacements, name="scenario.toml": shared_file(name, example_with(example, *replacements))


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


@contextlib.contextmanager
def _release_before(monkeypatch: pytest.MonkeyPatch, migration: str) -> Iterator[pytest.MonkeyPatch]:
    """jobbsats as an older release wrote ledgers. Within it, commands migrate a ledger only up to ``migration``
    (not included), check and hash only the tables and guards those migrations made, and write nothing to a
    table made later. Yields the monkeypatch context, for what else the release did otherwise."""
    from jobbsats.ledger import chain, guards, write
    from jobbsats.ledger import db as ledger_db
    from jobbsats.ledger.migrations import migration_set
    from jobbsats.utfall import importer

    def old_migrate(db: Any) -> None:  # a jobbsats Ledger or a sqlite-utils Database
        migration_set().apply(getattr(db, "utils", db), stop_before=migration)

    conn = sqlite3.connect(":memory:")
    made = Database(conn, execute_plugins=False)
    old_migrate(made)
    schema = guards._schema(made)
    triggers = {name for (name,) in conn.execute("select name from sqlite_master where type = 'trigger'")}
    conn.close()
    with monkeypatch.context() as old:
        old.setattr(ledger_db, "migrate", old_migrate)
        old.setattr(write, "migrate", old_migrate)
        old.setattr(guards, "GUARDS", tuple(g for g in guards.GUARDS if g in triggers))
        old.setattr(guards, "made_schema", lambda: schema)
        old.setattr(chain, "SOMETIMES_RUN_TABLES", tuple(t for t in chain.SOMETIMES_RUN_TABLES if t in schema))
        own = {
            kind: (column, tuple(t for t in tables if t in schema))
            for kind, (column, tables) in chain._OWN_ROWS.items()
        }
        old.setattr(chain, "_OWN_ROWS", own)
        if "utfall_sums" not in schema:
            old.setattr(importer, "write_sums", lambda *args: None)
        yield old


@pytest.fixture
def release_before(monkeypatch):
    """``with release_before("0014_utfall_sums"):`` jobbsats as the release before that migration (see
    :func:`_release_before`), for tests of what opening such a ledger does."""
    return functools.partial(_release_before, monkeypatch)


def _tampered(db: Path, *statements: str) -> None:
    """Run ``statements`` on the ledger with its guards on utfall and utfall_sums dropped, as someone might."""
    conn = sqlite3.connect(db)
    for table in ("utfall", "utfall_sums"):
        for action in ("update", "delete", "insert"):
            conn.execute(f"drop trigger {table}_no_{action}")
    for statement in statements:
        assert conn.execute(statement).rowcount >= 1, statement
    conn.commit()
    conn.close()


@pytest.fixture
def tampered():
    """``tampered(db, *statements)``: change a ledger's booked rows or sums behind jobbsats's back."""
    return _tampered


_BROWSER_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)


@pytest.fixture
def headless_chromium(tmp_path) -> list[str]:
    """The command that starts headless Chromium with a profile of the test's own; arguments go after it.

    .ci/run installs Chromium, so in CI a test that asks for it runs (and fails without it); elsewhere
    it is skipped without one.
    """
    browser = (
        "/usr/bin/chromium"
        if os.access("/usr/bin/chromium", os.X_OK)
        else shutil.which("chromium") or shutil.which("chromium-browser")
    )
    if browser is None:
        if os.environ.get("CI"):
            pytest.fail("Chromium is missing in CI: .ci/run should have installed it")
        pytest.skip("no Chromium here (Debian: apt-get install chromium)")
    return [browser, *_BROWSER_FLAGS, f"--user-data-dir={tmp_path / 'chromium-profile'}"]
