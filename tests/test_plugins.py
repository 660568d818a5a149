"""The plugin mechanism for real, and CONTRIBUTING.md kept honest.

CONTRIBUTING.md's example plugins (``even_split``, ``per_recipient``) are copied out of its code
blocks (those under ``<!-- file: PATH -->``), built into wheels with a few broken test-only plugins
by setuptools' build backend (the one pip calls) in one process, pip-installed in one pip call into a
temporary folder (never into the running venv), and run through the real
command line in a subprocess with ``PYTHONPATH`` pointing at the plugins each test wants. Each
installed distribution gets a folder of its own, so a test can have the good plugins without the
broken ones. The tests of what the loaded plugins compute and say run the command line in this process
instead (``in_process``), the two good plugins' folders on ``sys.path``: found and loaded the same way.

The checks that need no installed package (clashing names, bad answers from a rule, ``add_plugin``)
run in-process with :func:`jobbsats.plugins.add_plugin`. CONTRIBUTING's Python code uses the public
API only: no ``jobbsats.<submodule>`` (checked by :func:`private_imports`).
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import textwrap
import time
from dataclasses import dataclass
from functools import cache
from importlib.metadata import entry_points
from pathlib import Path

import pytest

import jobbsats as api  # the fixture below is named jobbsats
from jobbsats import examples, plugins
from jobbsats.allocation import Allocation, RuleResult
from jobbsats.document import Column, Document, Table
from jobbsats.errors import PluginError
from jobbsats.hookspecs import hookimpl

CONTRIBUTING = Path(__file__).resolve().parents[1] / "CONTRIBUTING.md"
KR = 100  # öre per krona
NBSP = "\u00a0"

# Folders of the installed distributions (their dist-info names), one per plugin.
EVEN = "jobbsats_even_split"
PER = "jobbsats_per_recipient"
UNSPENT = "jobbsats_unspent"
BROKEN = "jobbsats_broken"
MISSPELT = "jobbsats_misspelt"
DUPE = "jobbsats_dupe_rule"
HELLO = "jobbsats_hello"
FUTURE = "jobbsats_future"

# An API one minor version newer than this jobbsats has.
_MAJOR, _MINOR = (int(part) for part in api.API_VERSION.split("."))
NEWER_API = f"{_MAJOR}.{_MINOR + 1}"

FENCE = r"\n```[\w-]*\n(?P<body>.*?)^```$"
FILE_BLOCK = re.compile(r"^<!-- file: (?P<path>\S+) -->" + FENCE, re.M | re.S)
OUTPUT_BLOCK = re.compile(r"^<!-- output: (?P<args>[^>]+?) -->" + FENCE, re.M | re.S)
PYTHON_BLOCK = re.compile(r"^```python\n(?P<body>.*?)^```$", re.M | re.S)

DOC_FILES = {
    "jobbsats-even-split/pyproject.toml",
    "jobbsats-even-split/jobbsats_even_split.py",
    "jobbsats-even-split/test_even_split.py",
    "jobbsats-per-recipient/pyproject.toml",
    "jobbsats-per-recipient/jobbsats_per_recipient.py",
    "jobbsats-per-recipient/test_per_recipient.py",
    "jobbsats-unspent/pyproject.toml",
    "jobbsats-unspent/jobbsats_unspent.py",
    "jobbsats-unspent/test_unspent.py",
    "jamn.toml",
    "platser.toml",
}


@cache
def doc_files() -> dict[str, str]:
    """CONTRIBUTING.md's files, by the path in their marker."""
    text = CONTRIBUTING.read_text(encoding="utf-8")
    files = {m["path"]: m["body"] for m in FILE_BLOCK.finditer(text)}
    assert len(files) == len(FILE_BLOCK.findall(text)), "two code blocks in CONTRIBUTING.md claim the same file"
    return files


def doc_output(args: str) -> str:
    text = CONTRIBUTING.read_text(encoding="utf-8")
    found = [m["body"] for m in OUTPUT_BLOCK.finditer(text) if m["args"] == args]
    assert len(found) == 1, f"CONTRIBUTING.md has {len(found)} output blocks for {args!r}"
    return found[0]


# A plugin imports nothing but ``jobbsats`` itself: these are the ways to reach past it.
SUBMODULE_IMPORT = re.compile(r"^\s*import\s+jobbsats\.\w[\w.]*", re.M)
FROM_SUBMODULE = re.compile(r"^\s*from\s+jobbsats\.[\w.]+\s+import\b", re.M)
FROM_JOBBSATS = re.compile(r"^\s*from\s+jobbsats\s+import\s+(?:\((?P<wrapped>[^)]*)\)|(?P<names>[^\n#]*))", re.M)
# ``jobbsats.money.parse_kronor(...)`` in code works whenever something else imported the submodule.
ATTRIBUTE = re.compile(r"(?<![\w.])jobbsats\.(?P<name>\w+)")


def private_imports(text: str) -> list[str]:
    """What the ```python blocks of ``text`` take from jobbsats beyond ``jobbsats.__all__``."""
    found = []
    for block in PYTHON_BLOCK.finditer(text):
        body = block["body"]
        found += [m[0].strip() for m in SUBMODULE_IMPORT.finditer(body)]
        found += [m[0].strip() for m in FROM_SUBMODULE.finditer(body)]
        for m in FROM_JOBBSATS.finditer(body):
            names = (m["wrapped"] or m["names"]).replace("\\", " ")
            for item in names.split(","):
                name = item.split("#")[0].strip().split(" as ")[0].strip()
                if name and name not in api.__all__:
                    found.append(f"from jobbsats import {name}")
        for line in body.splitlines():
            if not re.match(r"\s*(import|from)\s", line):
                found += [m[0] for m in ATTRIBUTE.finditer(line) if m["name"] not in api.__all__]
    return found


def scenario_text(*replacements: tuple[str, str]) -> str:
    """CONTRIBUTING.md's jamn.toml with some text replaced."""
    text = doc_files()["jamn.toml"]
    for old, new in replacements:
        assert old in text, old
        text = text.replace(old, new)
    return text


def digest(path: Path) -> str | None:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else None


def normalised(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


# ---------------------------------------------------------------------------------------------
# Test-only plugins, installed next to CONTRIBUTING's.


def _package(dist: str, entry_point: str, module: str, source: str) -> dict[str, str]:
    pyproject = f"""\
        [build-system]
        requires = ["setuptools>=61"]
        build-backend = "setuptools.build_meta"

        [project]
        name = "{dist}"
        version = "0.1.0"
        dependencies = ["jobbsats"]

        [project.entry-points.jobbsats]
        {entry_point} = "{module}"

        [tool.setuptools]
        py-modules = ["{module}"]
        """
    return {f"{dist}/pyproject.toml": textwrap.dedent(pyproject), f"{dist}/{module}.py": textwrap.dedent(source)}


TEST_PACKAGES = {
    **_package(
        "jobbsats-broken",
        "broken",
        BROKEN,
        """\
        import jobbsats
        import jobbsats_no_such_dependency  # ModuleNotFoundError when jobbsats loads the plugin
        """,
    ),
    **_package(
        "jobbsats-misspelt",
        "misspelt",
        MISSPELT,
        """\
        import jobbsats


        @jobbsats.hookimpl
        def register_rule(register):  # should be register_rules
            raise AssertionError("never called")
        """,
    ),
    **_package(
        "jobbsats-dupe-rule",
        "dupe_rule",
        DUPE,
        """\
        import jobbsats


        class AnotherEvenSplit:
            name = "even_split"  # the even_split plugin's rule has this name too
            description = "Not the even_split you are looking for."
            schema = {}

            def check(self, spec, scenario):
                return []

            def allocate(self, context):
                return jobbsats.RuleResult()


        @jobbsats.hookimpl
        def register_rules(register):
            register(AnotherEvenSplit())
        """,
    ),
    **_package(
        "jobbsats-hello",
        "hello",
        HELLO,
        """        import click

        import jobbsats


        @jobbsats.hookimpl
        def register_commands(cli):
            @cli.command()
            @click.argument("name")
            def hello(name):
                "Greet NAME (a command from a plugin)."
                click.echo(f"Hej {name}!")


        @jobbsats.hookimpl
        def config_schema():
            return {"hello": {"type": "dict", "schema": {"greeting": {"type": "string"}}}}
        """,
    ),
    **_package(
        "jobbsats-future",
        "future",
        FUTURE,
        f"""\
        import jobbsats

        requires_api = "{NEWER_API}"  # newer than this jobbsats has


        @jobbsats.hookimpl
        def register_rules(register):
            raise AssertionError("never called: the plugin is refused before")
        """,
    ),
}


# ---------------------------------------------------------------------------------------------
# Installing, once for the module.


def _base_env() -> dict[str, str]:
    """The environment without anything jobbsats or the test session set (conftest sets the allowlist)."""
    drop = {"JOBBSATS_LOAD_PLUGINS", "JOBBSATS_DB", "PYTHONPATH"}
    return {**{k: v for k, v in os.environ.items() if k not in drop}, "PYTHONUTF8": "1"}


def _pip(*args: str, env: dict[str, str], cwd: Path) -> None:
    cmd = [sys.executable, "-m", "pip", "--disable-pip-version-check", "install", "-q", *args]
    done = subprocess.run(cmd, env=env, cwd=cwd, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, f"{' '.join(cmd)} failed:\n{done.stdout}\n{done.stderr}"


@dataclass(frozen=True)
class Site:
    """Installed plugins, one folder per distribution."""

    root: Path
    sources: Path

    def path(self, *dists: str) -> str:
        return os.pathsep.join(str(self.root / d) for d in dists)


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Site:
    """Built once a session: xdist's workers make their temporary folders in one folder of the session, and
    the first worker to claim the site's folder there builds it while the others wait for it (4 s each)."""
    shared = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        shared = shared.parent
    base = shared / "plugins-site"
    try:
        base.mkdir()
    except FileExistsError:
        deadline = time.monotonic() + 600
        while not (base / "built").exists():
            if (base / "failed").exists():
                pytest.fail("building and installing the plugins failed in another worker: see its error")
            if time.monotonic() > deadline:
                pytest.fail(f"another worker has not built the plugins in {base} in ten minutes")
            time.sleep(0.05)
        return Site(base / "site", base / "src")
    try:
        site = _build_site(base)
    except BaseException:
        (base / "failed").touch()
        raise
    (base / "built").touch()
    return site


def _build_site(base: Path) -> Site:
    sources = base / "src"
    files = {**doc_files(), **TEST_PACKAGES}
    for rel, text in files.items():
        (sources / rel).parent.mkdir(parents=True, exist_ok=True)
        (sources / rel).write_text(text, encoding="utf-8")
    packages = sorted({str(sources / rel.split("/")[0]) for rel in files if rel.endswith("/pyproject.toml")})

    # The test extra brings setuptools >= 70.1, which builds wheels by itself, so neither build isolation
    # nor a package index is needed. pip, given the folders, would run the backend in three new processes a
    # package (24 here, 8 s); the backend's build_wheel, called in one process, makes the same wheels, and
    # pip installs them as it would have: the same files, but for the wheel's path in direct_url.json.
    env = _base_env()
    wheels = base / "wheels"
    build = (
        "import os, sys\n"
        "from setuptools import build_meta\n"
        "wheels, *packages = sys.argv[1:]  # build_wheel sets sys.argv for setuptools: read it first\n"
        "for package in packages:\n"
        "    os.chdir(package)\n"
        "    build_meta.build_wheel(wheels)\n"
    )
    command = [sys.executable, "-c", build, str(wheels), *packages]
    done = subprocess.run(command, env=env, cwd=base, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, f"building the plugins' wheels failed:\n{done.stdout}\n{done.stderr}"
    built = sorted(wheels.glob("*.whl"))
    assert len(built) == len(packages), [p.name for p in built]

    staging = base / "staging"
    _pip("--no-deps", "--no-index", "--no-compile", "--target", str(staging), *map(str, built), env=env, cwd=base)

    # Split the one target folder into a folder per distribution, by each one's RECORD.
    root = base / "site"
    for info in staging.glob("*.dist-info"):
        dest = root / info.name.split("-")[0]
        with (info / "RECORD").open(encoding="utf-8", newline="") as record:
            for row in csv.reader(record):
                (dest / row[0]).parent.mkdir(parents=True, exist_ok=True)
                shutil.move(staging / row[0], dest / row[0])
    assert sorted(p.name for p in root.iterdir()) == sorted([BROKEN, DUPE, EVEN, FUTURE, HELLO, MISSPELT, PER, UNSPENT])
    return Site(root, sources)


@dataclass
class Result:
    code: int
    out: str
    err: str

    def json(self):
        assert self.code == 0, self.err
        return json.loads(self.out)


def _command_line(site: Site, folder: Path, *args, on: tuple[str, ...], allow: str | None) -> Result:
    env = {**_base_env(), "JOBBSATS_DB": str(folder / "ledger.db"), "PYTHONPATH": site.path(*on)}
    if allow is not None:
        env["JOBBSATS_LOAD_PLUGINS"] = allow
    cmd = [sys.executable, "-c", "from jobbsats.cli import main; main()", *map(str, args)]
    done = subprocess.run(cmd, env=env, cwd=folder, capture_output=True, text=True, encoding="utf-8", timeout=60)
    return Result(done.returncode, done.stdout, done.stderr)


@pytest.fixture
def jobbsats(site, tmp_path):
    """Run the real command line in a subprocess: ``jobbsats(*args, on=[dists], allow=None)``.

    ``allow=None`` leaves JOBBSATS_LOAD_PLUGINS unset, so every plugin on the path loads.
    """

    def run(*args: str, on: tuple[str, ...] = (EVEN, PER), allow: str | None = None) -> Result:
        return _command_line(site, tmp_path, *args, on=on, allow=allow)

    return run


@pytest.fixture
def in_process(site, tmp_path, monkeypatch):
    """``jobbsats(*args)`` with CONTRIBUTING's two plugins installed, every plugin loaded, in this process (click's
    CliRunner): for the tests of what a loaded plugin computes and says, which need no process of their own (a
    command in a new process was 0.3-0.5 s; here tens of ms). The plugins are found as a new process finds them:
    by the entry points of the distributions on ``sys.path``, whose scan ``plugins.reset()`` forgets. What is
    about loading itself (allowlists, broken plugins, a plugin's own command) stays in a process of its own."""
    from click.testing import CliRunner

    from jobbsats.cli import cli

    for dist in (PER, EVEN):
        monkeypatch.syspath_prepend(str(site.root / dist))
    monkeypatch.delenv("JOBBSATS_LOAD_PLUGINS", raising=False)  # unset: every plugin installed loads
    monkeypatch.setenv("JOBBSATS_DB", str(tmp_path / "ledger.db"))
    monkeypatch.chdir(tmp_path)

    def run(*args: str | int | Path) -> Result:
        plugins.reset()  # each command starts from what is installed, as a new process does
        done = CliRunner().invoke(cli, [str(a) for a in args])
        assert done.exception is None or isinstance(done.exception, SystemExit), done.exc_info  # no traceback
        return Result(done.exit_code, done.stdout, done.stderr)

    yield run
    plugins.reset()  # sys.path is put back by monkeypatch: the next command finds these plugins no more
    for module in (EVEN, PER):
        sys.modules.pop(module, None)  # nor has them imported already


@pytest.fixture(scope="module")
def jamn_run(site, tmp_path_factory) -> tuple[Result, Path]:
    """``jobbsats run jamn.toml --quiet`` with the example plugins, once for the module (of the xdist worker):
    what it said, and the ledger it wrote, for the tests that go on from that ledger (a run is a new process,
    0.5 s). CONTRIBUTING's jamn.toml as it is, in a folder of its own."""
    folder = tmp_path_factory.mktemp("jamn-run")
    path = folder / "jamn.toml"
    path.write_text(scenario_text(), encoding="utf-8")
    result = _command_line(site, folder, "run", path, "--quiet", on=(EVEN, PER), allow=None)
    assert result.code == 0, result.err
    assert not (folder / "ledger.db-wal").exists()  # the run's connection closed: the ledger is its one file
    return result, folder / "ledger.db"


@pytest.fixture
def ran(jamn_run, tmp_path) -> Result:
    """This test's ledger is what ``jobbsats run jamn.toml --quiet`` writes (a copy of it); what the run said."""
    result, ledger = jamn_run
    shutil.copyfile(ledger, tmp_path / "ledger.db")
    return result


@pytest.fixture
def scenario(tmp_path):
    """Write CONTRIBUTING's jamn.toml (with replacements) into the test's folder."""

    def write(*replacements: tuple[str, str], name: str = "jamn.toml") -> Path:
        path = tmp_path / name
        path.write_text(scenario_text(*replacements), encoding="utf-8")
        return path

    return write


def listing(result: Result) -> dict[str, dict]:
    return {item["name"]: item for item in result.json()}


# ---------------------------------------------------------------------------------------------
# CONTRIBUTING's example plugins, installed.


def test_contributing_has_every_example_file():
    assert set(doc_files()) == DOC_FILES


def test_contributing_code_uses_the_public_api_only():
    """A plugin never imports a ``jobbsats.<submodule>``: nor may the guide's code."""
    text = CONTRIBUTING.read_text(encoding="utf-8")
    assert len(PYTHON_BLOCK.findall(text)) >= 9  # the plugins, their tests, requires_api, the hooks reference
    assert private_imports(text) == []


@pytest.mark.parametrize(
    "line",
    [
        "from jobbsats.money import parse_kronor",
        "from jobbsats.config.schema import MONEY, TEXT",
        "import jobbsats.rules",
        "import jobbsats.ledger.view as view",
        "from jobbsats import money",
        "from jobbsats import Allocation, plugins",
        "from jobbsats import (\n    Allocation,\n    registry,\n)",
        "ROUND = jobbsats.money.parse_kronor(1)",
    ],
)
def test_a_submodule_import_in_contributing_would_be_caught(line):
    """The check above, shown failing: the even_split module with one import added."""
    text = CONTRIBUTING.read_text(encoding="utf-8")
    anchor = "\nimport jobbsats\n\nrequires_api"
    assert anchor in text
    changed = text.replace(anchor, f"\nimport jobbsats\n{line}\n\nrequires_api", 1)
    found = private_imports(changed)
    assert len(found) == 1, found
    assert found[0].split()[:2] == line.split()[:2] or found[0] == "jobbsats.money", found


def test_public_names_from_jobbsats_pass_the_check():
    assert private_imports("```python\nfrom jobbsats import Allocation, RuleResult as R  # ok\n```\n") == []


def test_plugins_lists_the_example_plugins(jobbsats):
    text = jobbsats("plugins")
    assert text.code == 0, text.err
    assert "even_split 0.1.0 (jobbsats-even-split)\n    rules: even_split\n" in text.out
    assert "per_recipient 0.1.0 (jobbsats-per-recipient)\n    reports: per_recipient\n" in text.out

    found = listing(jobbsats("plugins", "--json"))
    assert found["jobbsats.rules"]["rules"] == [
        "carry_over",
        "cofinancing",
        "fixed",
        "percentage_key",
        "rate",
        "unit_cost",
    ]
    even, per = found["even_split"], found["per_recipient"]
    assert normalised(even.pop("distribution")) == "jobbsats-even-split"
    assert normalised(per.pop("distribution")) == "jobbsats-per-recipient"
    assert even == {
        "name": "even_split",
        "version": "0.1.0",
        "builtin": False,
        "rules": ["even_split"],
        "reports": [],
        "formats": [],
    }
    assert per == {
        "name": "per_recipient",
        "version": "0.1.0",
        "builtin": False,
        "rules": [],
        "reports": ["per_recipient"],
        "formats": [],
    }


def test_run_with_even_split_records_the_split_worked_out_by_hand(in_process, ran, tmp_path):
    assert ran.code == 0, ran.err
    assert "Run 1 recorded" in ran.err

    rows = in_process("report", "fordelning", "--format", "json").json()["rows"]
    assert [(r["year"], r["recipient_id"], r["rule"], r["amount_ore"]) for r in rows] == [
        # 2025: 10 000 000 - 1 000 000 (fixed) = 9 000 000 left; / 3 = 3 000 000 each.
        (2025, "ASN", "fixed", 1_000_000 * KR),
        (2025, "ASN", "Jämn fördelning", 3_000_000 * KR),
        (2025, "GVN", "Jämn fördelning", 3_000_000 * KR),
        (2025, "FSN", "Jämn fördelning", 3_000_000 * KR),
        # 2026: 10 000 000 / 3 = 3 333 333,33: 3 333 333 each, the krona left over to the
        # first listed (equal remainders, equal weights).
        (2026, "ASN", "Jämn fördelning", 3_333_334 * KR),
        (2026, "GVN", "Jämn fördelning", 3_333_333 * KR),
        (2026, "FSN", "Jämn fördelning", 3_333_333 * KR),
    ]

    # The run records which plugin version computed it.
    with sqlite3.connect(tmp_path / "ledger.db") as conn:
        versions = json.loads(conn.execute("select versions_json from runs where id = 1").fetchone()[0])
    assert versions["plugins"] == {"jobbsats.rules": api.__version__, "even_split": "0.1.0"}

    # The two years are one decision, numbered straight through: 2025 opens with the fixed line, 2026 has none.
    rows = in_process("report", "beslut", "--format", "json").json()["rows"]
    assert [(r["year"], r["point"], r["recipient"], r["amount_ore"]) for r in rows] == [
        (2025, 1, "arbetsmarknads- och socialnämnden", 1_000_000 * KR),
        (2025, 2, "arbetsmarknads- och socialnämnden", 3_000_000 * KR),
        (2025, 3, "gymnasie- och vuxenutbildningsnämnden", 3_000_000 * KR),
        (2025, 4, "funktionsstödsnämnden", 3_000_000 * KR),
        (2026, 5, "arbetsmarknads- och socialnämnden", 3_333_334 * KR),
        (2026, 6, "gymnasie- och vuxenutbildningsnämnden", 3_333_333 * KR),
        (2026, 7, "funktionsstödsnämnden", 3_333_333 * KR),
    ]
    # With --year, a year's own decision, numbered on its own.
    rows = in_process("report", "beslut", "--year", 2026, "--format", "json").json()["rows"]
    assert [(r["year"], r["point"], r["recipient"]) for r in rows] == [
        (2026, 1, "arbetsmarknads- och socialnämnden"),
        (2026, 2, "gymnasie- och vuxenutbildningsnämnden"),
        (2026, 3, "funktionsstödsnämnden"),
    ]


def test_even_split_round_to_one_ore(in_process, scenario):
    path = scenario(('to = ["ASN", "GVN", "FSN"]', 'to = ["ASN", "GVN", "FSN"]\nround_to = "0,01"'))
    assert in_process("run", path, "--quiet").code == 0
    rows = in_process("report", "fordelning", "--year", 2026, "--format", "json").json()["rows"]
    # 1 000 000 000 öre / 3 = 333 333 333,33 öre: the öre left over goes to ASN.
    assert [(r["recipient_id"], r["amount_ore"]) for r in rows] == [
        ("ASN", 333_333_334),
        ("GVN", 333_333_333),
        ("FSN", 333_333_333),
    ]


def test_per_recipient_report_sums_per_year(in_process, ran):

    report = in_process("report", "per_recipient", "--format", "json").json()
    assert report["report"] == "per_recipient"
    assert [(r["year"], r["recipient_id"], r["amount_ore"]) for r in report["rows"]] == [
        (2025, "ASN", 4_000_000 * KR),  # 1 000 000 fixed + 3 000 000 split
        (2025, "FSN", 3_000_000 * KR),
        (2025, "GVN", 3_000_000 * KR),
        (2026, "ASN", 3_333_334 * KR),
        (2026, "FSN", 3_333_333 * KR),
        (2026, "GVN", 3_333_333 * KR),
    ]
    assert [(t["year"], t["amount_ore"]) for t in report["totals"]] == [
        (2025, 10_000_000 * KR),
        (2026, 10_000_000 * KR),
    ]
    assert all(isinstance(r["amount_ore"], int) for r in report["rows"])

    only_2026 = in_process("report", "per_recipient", "--year", 2026, "--format", "json").json()
    assert {r["year"] for r in only_2026["rows"]} == {2026}

    table = in_process("report", "per_recipient", "--format", "csv")
    assert table.code == 0, table.err
    assert table.out.splitlines()[:2] == [
        "year,recipient,amount_ore,recipient_id",
        "2025,Arbetsmarknads- och socialnämnden,400000000,ASN",
    ]

    markdown = in_process("report", "per_recipient")
    assert markdown.code == 0, markdown.err
    assert markdown.out.replace(NBSP, " ").strip() == doc_output("report per_recipient").strip()


def test_per_recipient_takes_the_options_it_declares(in_process, ran):

    helped = in_process("report", "per_recipient", "--help")
    assert helped.code == 0, helped.err
    assert "--recipient RECIPIENT" in helped.out and "--fund" not in helped.out

    some = in_process("report", "per_recipient", "--recipient", "GVN", "--recipient", "ASN", "--format", "json").json()
    assert [(r["year"], r["recipient_id"], r["amount_ore"]) for r in some["rows"]] == [
        (2025, "ASN", 4_000_000 * KR),
        (2025, "GVN", 3_000_000 * KR),
        (2026, "ASN", 3_333_334 * KR),
        (2026, "GVN", 3_333_333 * KR),
    ]
    # The totals are of the rows shown: 4 000 000 + 3 000 000; 3 333 334 + 3 333 333.
    assert [(t["year"], t["amount_ore"]) for t in some["totals"]] == [(2025, 7_000_000 * KR), (2026, 6_666_667 * KR)]

    unknown = in_process("report", "per_recipient", "--recipient", "XYZ")
    assert unknown.code == 1 and unknown.out == ""
    assert "--recipient: unknown recipient 'XYZ' in run 1 (known: ASN, FSN, GVN)" in unknown.err

    # An option the report does not declare is refused, never ignored.
    undeclared = in_process("report", "per_recipient", "--fund", "sjs")
    assert undeclared.code == 1 and undeclared.out == ""
    assert undeclared.err.startswith("Error: report 'per_recipient' takes no --fund (it takes ")
    assert "--recipient" in undeclared.err


def test_per_recipient_counts_passed_on_money_once(in_process):
    """On the bundled example KS passes its 4 900 000 kr line on to Tillväxt Malmö och Level."""
    assert in_process("run", "malmo-2024", "--quiet").code == 0
    rows = in_process("report", "per_recipient", "--format", "json").json()["rows"]
    assert {r["recipient_id"]: r["amount_ore"] for r in rows} == {
        "ASN": (9_000_000 + 13_056_000) * KR,  # Ung i sommar + 51 % of 25 600 000
        "FSN": 4_096_000 * KR,  # 16 %
        "GVN": 6_912_000 * KR,  # 27 %
        "KS": (500_000 + 4_900_000 - 4_900_000 + 1_536_000) * KR,  # 6 %; the 4 900 000 passed on
        "tillvaxt_level": 4_900_000 * KR,
    }
    assert sum(r["amount_ore"] for r in rows) == 40_000_000 * KR


def test_even_split_problems_have_key_paths(in_process, scenario, tmp_path):
    misspelt = in_process("validate", scenario(('to = ["ASN"', 'tu = ["ASN"')))
    assert misspelt.code == 1
    # As shown in CONTRIBUTING.md.
    assert misspelt.err.splitlines() == [
        f"Error: {tmp_path / 'jamn.toml'}: 2 problems:",
        "  - rules[1].to: is required but missing",
        "  - rules[1].tu: unknown key (is it misspelt?)",
    ]

    wrong = in_process("validate", scenario(('to = ["ASN", "GVN", "FSN"]', 'to = ["ASN", "XYZ", "ASN"]\nround_to = 0')))
    assert wrong.code == 1
    assert set(wrong.err.splitlines()[1:]) == {
        "  - rules[1].to[1]: unknown recipient 'XYZ' (recipients: ASN, FSN, GVN)",
        "  - rules[1].to[2]: 'ASN' is listed twice",
        "  - rules[1].round_to: must be more than 0",
    }
    assert not (tmp_path / "ledger.db").exists()


def test_even_split_splits_a_fund_of_places_in_whole_places(in_process, tmp_path):
    """CONTRIBUTING's platser.toml: the same code, a fund that counts places, no öre anywhere."""
    path = tmp_path / "platser.toml"
    path.write_text(doc_files()["platser.toml"], encoding="utf-8")
    result = in_process("run", path, "--quiet")
    assert result.code == 0, result.err
    rows = in_process("report", "fordelning", "--format", "json").json()["rows"]
    # 1 516 places / 3 = 505,33: 505 each, the place left over to the first listed.
    assert [(r["recipient_id"], r["amount"]) for r in rows] == [("ASN", 506), ("GVN", 505), ("FSN", 505)]

    # round_to is a key declared with MONEY: in a fund of places it is whole places.
    half = tmp_path / "half.toml"
    half.write_text(doc_files()["platser.toml"] + 'round_to = "0,5"\n', encoding="utf-8")
    refused = in_process("validate", half)
    assert refused.code == 1
    assert "rules[0].round_to: " in refused.err and "not a whole number of platser" in refused.err


def test_nothing_left_to_split_is_a_problem_and_the_ledger_is_unchanged(in_process, ran, scenario, tmp_path):
    ledger = tmp_path / "ledger.db"
    before = digest(ledger)

    result = in_process("run", scenario(("amount = 1_000_000", "amount = 10_000_000")))
    assert result.code == 1
    assert "rules[1]: nothing is left in fund 'sjs' to split in 2025" in result.err
    assert digest(ledger) == before


@pytest.mark.parametrize(
    ("package", "tests"), [("jobbsats-even-split", 5), ("jobbsats-per-recipient", 4), ("jobbsats-unspent", 2)]
)
def test_the_contributing_example_tests_pass(site, package, tests):
    """CONTRIBUTING's test files, run by pytest (with the jobbsats_ledger fixture) against the installed plugin."""
    folder = site.sources / package
    # A plugin that clashes with even_split is installed too: the fixture's use() must keep it out.
    env = {**_base_env(), "PYTHONPATH": site.path(EVEN, PER, UNSPENT, DUPE)}
    # As the guide says: cd there, pytest. Without the pytest plugins of this test environment (the test extra),
    # which a plugin author need not have: they cost each run half a second of start-up and change nothing in it.
    cmd = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"]
    cmd += ["-p", "no:hypothesispytest", "-p", "no:xdist", "-p", "no:anyio"]
    done = subprocess.run(cmd, env=env, cwd=folder, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"{tests} passed" in done.stdout


# ---------------------------------------------------------------------------------------------
# JOBBSATS_LOAD_PLUGINS.


def test_empty_allowlist_loads_no_outside_plugin(jobbsats, scenario, tmp_path):
    found = listing(jobbsats("plugins", "--json", allow=""))
    assert not {"even_split", "per_recipient"} & set(found)

    result = jobbsats("run", scenario(), allow="")
    assert result.code == 1
    assert (
        "rules[1].rule: unknown rule 'even_split' (known rules: carry_over, cofinancing, fixed, percentage_key, rate, unit_cost)"
        in result.err
    )
    assert "Traceback" not in result.err
    assert not (tmp_path / "ledger.db").exists()


def test_allowlist_loads_only_the_plugins_it_names(jobbsats, scenario):
    everything = (EVEN, PER, BROKEN, MISSPELT, DUPE)
    only = listing(jobbsats("plugins", "--json", on=everything, allow="even_split"))
    assert only["even_split"]["rules"] == ["even_split"]
    assert not {"per_recipient", "broken", "misspelt", "dupe_rule"} & set(only)
    # The broken plugins are installed but not loaded, so this works: the way out of a broken plugin.
    assert jobbsats("run", scenario(), "--quiet", on=everything, allow="even_split").code == 0

    both = listing(jobbsats("plugins", "--json", on=everything, allow=" even_split , per_recipient"))
    assert {"even_split", "per_recipient"} <= set(both)
    assert not {"broken", "misspelt", "dupe_rule"} & set(both)


@pytest.mark.parametrize("name", ["nonexistent", "jobbsats-even-split"])
def test_allowlist_naming_a_plugin_not_installed_is_an_error(jobbsats, name):
    result = jobbsats("plugins", allow=f"even_split,{name}")
    assert result.code == 3
    # The list also holds whatever the test's own environment has installed (the department plugins in CI).
    installed = sorted({"even_split", "per_recipient", *(ep.name for ep in entry_points(group="jobbsats"))})
    assert result.err.strip() == (
        f"Error: JOBBSATS_LOAD_PLUGINS names {name}, but no such plugin is installed "
        f"(installed: {', '.join(installed)})"
    )


# ---------------------------------------------------------------------------------------------
# Broken plugins, installed.


def test_plugin_failing_at_import_stops_every_command_and_leaves_the_ledger(jobbsats, scenario, tmp_path):
    ledger = tmp_path / "ledger.db"
    path = scenario()
    for args in (("run", path), ("plugins",), ("report", "fordelning")):
        result = jobbsats(*args, on=(EVEN, BROKEN))
        assert result.code == 3, args
        assert result.out == ""
        first, second = result.err.splitlines()
        assert first.startswith("Error: plugin 'broken' failed in loading (from jobbsats-broken 0.1.0): ")
        assert "ModuleNotFoundError: No module named 'jobbsats_no_such_dependency'" in first
        assert "JOBBSATS_LOAD_PLUGINS='' for none" in second
        assert "pip uninstall jobbsats-broken" in second
        assert "Traceback" not in result.err
    assert not ledger.exists()

    assert jobbsats("run", path, "--quiet", on=(EVEN, BROKEN), allow="even_split").code == 0
    before = digest(ledger)
    assert jobbsats("run", path, on=(EVEN, BROKEN)).code == 3
    assert digest(ledger) == before


def test_a_plugin_needing_a_newer_api_is_refused_by_name(jobbsats, scenario, tmp_path):
    result = jobbsats("run", scenario(), on=(EVEN, FUTURE))
    assert result.code == 3
    first, second = result.err.splitlines()
    assert first == (
        f"Error: plugin 'future' (from jobbsats-future 0.1.0) needs jobbsats plugin API {NEWER_API}, "
        f"and this jobbsats {api.__version__} has API {api.API_VERSION}: upgrade jobbsats"
    )
    assert "pip uninstall jobbsats-future" in second
    assert not (tmp_path / "ledger.db").exists()
    # CONTRIBUTING's plugins ask for this API, and load.
    for module in ("jobbsats-even-split/jobbsats_even_split.py", "jobbsats-per-recipient/jobbsats_per_recipient.py"):
        assert f'requires_api = "{api.API_VERSION}"' in doc_files()[module]
    assert jobbsats("run", scenario(), "--quiet", on=(EVEN, FUTURE), allow="even_split").code == 0


def test_help_and_version_still_work_with_a_broken_plugin(jobbsats):
    # The way out of a broken plugin must be findable from the command itself.
    helped = jobbsats("--help", on=(EVEN, BROKEN))
    for result in (helped, jobbsats("--version", on=(EVEN, BROKEN))):
        assert result.code == 0, result.err
        assert result.err.startswith("Warning: outside plugins not loaded: plugin 'broken'")
        assert "JOBBSATS_LOAD_PLUGINS" in result.err
    assert "run" in helped.out


def test_misspelt_hook_fails_loudly_naming_the_plugin(jobbsats):
    result = jobbsats("plugins", on=(EVEN, MISSPELT))
    assert result.code == 3
    assert result.err.startswith(
        "Error: plugin 'misspelt' implements a hook jobbsats does not have: unknown hook 'register_rule'"
    )
    assert "JOBBSATS_LOAD_PLUGINS" in result.err
    assert "Traceback" not in result.err


def test_two_installed_plugins_with_one_rule_name(jobbsats, scenario, tmp_path):
    result = jobbsats("run", scenario(), on=(EVEN, DUPE))
    assert result.code == 3
    clash = re.match(
        r"Error: plugin '(\w+)' registers rule 'even_split', which plugin '(\w+)' registers too\n", result.err
    )
    assert clash and set(clash.groups()) == {"even_split", "dupe_rule"}, result.err
    assert f"pip uninstall jobbsats-{clash[1].replace('_', '-')}" in result.err  # the way out of the one refused
    assert "Traceback" not in result.err
    assert not (tmp_path / "ledger.db").exists()


# ---------------------------------------------------------------------------------------------
# In-process, with add_plugin (conftest sets JOBBSATS_LOAD_PLUGINS='').


class NamedRule:
    description = "A test rule."
    schema: dict = {}

    def __init__(self, name: str, amount=0):
        self.name = name
        self.amount = amount

    def check(self, spec, scenario):
        return []

    def allocate(self, context):
        return RuleResult(allocations=[Allocation(to="ASN", amount=self.amount, source=context.spec.path)])


class NamedReport:
    description = "A test report."

    def __init__(self, name: str):
        self.name = name

    def build(self, ledger, options):
        return Document(self.name, "Test", [Table("t", "T", [Column("amount_ore", "Belopp", "money")])])


class Misspelt:
    @hookimpl
    def register_rule(self, register):  # should be register_rules
        pass


class RulePlugin:
    def __init__(self, *rules):
        self.rules = rules

    @hookimpl
    def register_rules(self, register):
        for rule in self.rules:
            register(rule)


class ReportPlugin:
    def __init__(self, *reports):
        self.reports = reports

    @hookimpl
    def register_reports(self, register):
        for report in self.reports:
            register(report)


def test_two_plugins_with_one_rule_name_in_process(cli):
    plugins.add_plugin(RulePlugin(NamedRule("twice")), "first_plugin")
    plugins.add_plugin(RulePlugin(NamedRule("twice")), "second_plugin")
    result = cli("plugins")
    assert result.exit_code == 3
    assert "plugin 'second_plugin' registers rule 'twice', which plugin 'first_plugin' registers too" in result.stderr


def test_two_plugins_with_one_report_name(cli):
    plugins.add_plugin(ReportPlugin(NamedReport("twice")), "first_plugin")
    plugins.add_plugin(ReportPlugin(NamedReport("twice")), "second_plugin")
    result = cli("report", "twice")
    assert result.exit_code == 3
    assert "plugin 'second_plugin' registers report 'twice', which plugin 'first_plugin' registers too" in result.stderr


def test_a_plugin_report_named_like_a_builtin(cli):
    plugins.add_plugin(ReportPlugin(NamedReport("fordelning")), "copycat")
    result = cli("plugins")
    assert result.exit_code == 3
    assert (
        "plugin 'copycat' registers report 'fordelning', which plugin 'jobbsats.reports' registers too" in result.stderr
    )


def test_the_core_refuses_a_float_amount_from_a_rule(cli, tmp_path):
    """CONTRIBUTING promises: a float amount is refused, naming the rule and plugin, nothing written."""
    plugins.add_plugin(RulePlugin(NamedRule("floaty", amount=100.0)), "floaty_plugin")
    path = tmp_path / "floaty.toml"
    path.write_text(
        scenario_text(('rule = "even_split"', 'rule = "floaty"'), ('to = ["ASN", "GVN", "FSN"]', "")), encoding="utf-8"
    )
    result = cli("run", path)
    assert result.exit_code == 3
    assert "rules[1]: rule 'floaty' (plugin 'floaty_plugin')" in result.stderr
    assert "amounts are integer öre" in result.stderr
    assert not cli.db.exists()


class RaisingRule(NamedRule):
    def allocate(self, context):
        raise RuntimeError("boom")


def test_a_rule_that_raises_is_named_as_contributing_shows(cli, tmp_path):
    """The wording CONTRIBUTING's "When a plugin breaks" shows: where, plugin, call, year, error; nothing written."""
    plugins.add_plugin(RulePlugin(RaisingRule("boom")), "boom_plugin")
    path = tmp_path / "boom.toml"
    path.write_text(
        scenario_text(('rule = "even_split"', 'rule = "boom"'), ('to = ["ASN", "GVN", "FSN"]', "")), encoding="utf-8"
    )
    result = cli("run", path)
    assert result.exit_code == 3
    first, second = result.stderr.splitlines()
    assert first == (
        f"Error: {path}: rules[1]: rule 'boom' (plugin 'boom_plugin') failed in allocate() for 2025: "
        "RuntimeError: boom. Nothing was written to the ledger."
    )
    assert second.startswith("To run without it, set JOBBSATS_LOAD_PLUGINS")
    assert "Traceback" not in result.stderr
    assert not cli.db.exists()
    shown = re.search(
        r"^Error: jamn\.toml: rules\[1\]: rule 'even_split' \(plugin 'even_split'\) failed in (.*)$",
        CONTRIBUTING.read_text(encoding="utf-8"),
        re.M,
    )
    assert (
        shown
        and shown[1].startswith("allocate() for 2025: ")
        and shown[1].endswith(". Nothing was written to the ledger.")
    )


def test_add_plugin_with_a_misspelt_hook_names_the_plugin():
    with pytest.raises(PluginError, match="plugin 'misspelt' cannot be registered: unknown hook 'register_rule'"):
        plugins.add_plugin(Misspelt(), "misspelt")


def test_add_plugin_failure_leaves_the_manager_usable():
    with pytest.raises(Exception, match="register_rule"):
        plugins.add_plugin(Misspelt(), "misspelt")
    plugins.add_plugin(RulePlugin(NamedRule("fine")), "fine_plugin")
    from jobbsats.registry import get_registry

    assert "fine" in get_registry().rules


def test_a_plugin_adds_a_command_and_a_config_section(jobbsats, tmp_path):
    result = jobbsats("hello", "Malmö", on=(HELLO,))
    assert (result.code, result.out) == (0, "Hej Malmö!\n")
    assert "Greet NAME" in jobbsats("--help", on=(HELLO,)).out
    assert jobbsats("hello", "x", on=(HELLO,), allow="").code == 2  # no such command without the plugin

    example = examples.path_of("malmo-2024").read_text(encoding="utf-8")
    good = tmp_path / "good.toml"
    good.write_text(example + '\n[hello]\ngreeting = "Hej"\n', encoding="utf-8")
    assert jobbsats("validate", good, on=(HELLO,)).code == 0
    bad = tmp_path / "bad.toml"
    bad.write_text(example + '\n[hello]\ngreting = "Hej"\n', encoding="utf-8")
    result = jobbsats("validate", bad, on=(HELLO,))
    assert result.code == 1 and "hello.greting: unknown key" in result.err
