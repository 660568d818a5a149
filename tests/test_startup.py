"""Start-up stays light: what the command line imports, checked in fresh processes.

Not timing tests (see benchmarks/startup.py for those): each test runs the real
``main()`` in a subprocess and looks at ``sys.modules`` afterwards.
"""

from __future__ import annotations

import copy
import gc
import json
import os
import re
import subprocess
import sys
from importlib.metadata import entry_points
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
MARK = "@@jobbsats-startup-modules@@"
# The source folders (package-dir of jobbsats, jobbsats.rules, jobbsats.reports):
# importable by these names from the repository root, but they must only ever be
# imported as jobbsats.*; under a bare name they would be second copies of the modules.
BARE = ("core", "rules", "reports")

# Runs the console script's main() (jobbsats.console, as pyproject.toml names it) as `jobbsats ARGS...`, then
# prints what it imported, whether the bare source-folder names could have been imported from here and how
# often its garbage collector runs, after a marker line.
PROBE = f"""
import gc, importlib.util, json, sys
sys.argv = ["jobbsats", *sys.argv[1:]]
from jobbsats.console import main
try:
    main()
    code = 0
except SystemExit as exc:
    code = exc.code
modules = sorted(sys.modules)
findable = sorted(n for n in {BARE!r} if importlib.util.find_spec(n) is not None)
sys.stdout.flush()
print()
print({MARK!r} + json.dumps({{"code": code, "modules": modules, "findable": findable, "gc": gc.get_threshold(), "frozen": gc.get_freeze_count()}}))
"""

# What `jobbsats --help` (and any `--help`) has no need of.
HEAVY = (
    "pluggy",
    "sqlite3",
    "_sqlite3",
    "sqlite_utils",
    "cerberus",
    "tomli",
    "jobbsats.plugins",
    "jobbsats.registry",
    "jobbsats.rules",
    "jobbsats.reports",
    "jobbsats.ledger",
)
# What a full `jobbsats run` does need: the positive control for the listing.
NEEDED_BY_RUN = (
    "click",
    "pluggy",
    "sqlite3",
    "tomli",
    "jobbsats.plugins",
    "jobbsats.registry",
    "jobbsats.rules",
    "jobbsats.reports",
    "jobbsats.ledger",
)
UNSET = None


def outside_plugins_installed() -> bool:
    return bool(list(entry_points(group="jobbsats")))


def environment(load_plugins: str | None) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("JOBBSATS_DB", None)
    env.pop("PYTHONPROFILEIMPORTTIME", None)
    env["COLUMNS"] = "80"
    if load_plugins is UNSET:
        env.pop("JOBBSATS_LOAD_PLUGINS", None)
    else:
        env["JOBBSATS_LOAD_PLUGINS"] = load_plugins
    return env


_probed: dict[tuple, tuple[subprocess.CompletedProcess, dict]] = {}


def probe(*args: str, load_plugins: str | None = "") -> tuple[subprocess.CompletedProcess, dict]:
    """Run ``jobbsats ARGS`` in a fresh interpreter from the repository root.

    The root is where the bare names ``core``, ``rules`` and ``reports`` resolve
    (``-c`` puts the working directory first on sys.path), so importing one by
    mistake would succeed there and show up in the listing.

    A command that writes nothing (``--help``, ``--version``) is run once a session (of the xdist worker):
    several tests look at ``--help``, ``--version`` and ``report --help`` each, and a new process is what
    costs (0.2 s each). Each asker gets its own copy of what it printed.
    """
    if not {"--help", "--version"} & set(args):
        return _probe(*args, load_plugins=load_plugins)
    key = (args, load_plugins)
    if key not in _probed:
        _probed[key] = _probe(*args, load_plugins=load_plugins)
    proc, out = _probed[key]
    return copy.copy(proc), copy.deepcopy(out)


def _probe(*args: str, load_plugins: str | None) -> tuple[subprocess.CompletedProcess, dict]:
    proc = subprocess.run(
        [sys.executable, "-c", PROBE, *args],
        cwd=REPO,
        env=environment(load_plugins),
        capture_output=True,
        text=True,
        timeout=120,
    )
    head, sep, tail = proc.stdout.rpartition(MARK)
    assert sep, f"no module listing from jobbsats {' '.join(args)}\nstdout:\n{proc.stdout}\nstderr:\n{proc.stderr}"
    proc.stdout = head[:-1]  # without the newline the probe printed before its marker
    return proc, json.loads(tail)


def heavy_in(modules: list[str]) -> list[str]:
    return [m for m in modules if any(m == h or m.startswith(h + ".") for h in HEAVY)]


def bare_in(modules: list[str]) -> list[str]:
    return [m for m in modules if m.split(".")[0] in BARE]


@pytest.fixture(params=["JOBBSATS_LOAD_PLUGINS unset", "JOBBSATS_LOAD_PLUGINS=''"])
def load_plugins(request) -> str | None:
    if request.param.endswith("unset"):
        if outside_plugins_installed():
            pytest.skip("outside plugins are installed: they would load, and may import anything")
        return UNSET
    return ""


def test_the_probe_can_see_the_bare_names():
    """The bare-name checks below mean something: from the root, those names are importable."""
    _, out = probe("--version")
    assert out["findable"] == sorted(BARE)


@pytest.mark.parametrize("args", [["--help"], ["--version"]], ids=" ".join)
def test_help_and_version_import_nothing_heavy(args, load_plugins):
    proc, out = probe(*args, load_plugins=load_plugins)
    assert out["code"] == 0, proc.stderr
    assert "jobbsats.cli" in out["modules"] and "click" in out["modules"]
    assert heavy_in(out["modules"]) == []
    assert bare_in(out["modules"]) == []
    assert proc.stdout.strip()


def test_run_imports_what_it_needs_and_no_bare_names(tmp_path, load_plugins):
    db = tmp_path / "ledger.db"
    proc, out = probe("run", "malmo-2024", "--quiet", "--db", str(db), load_plugins=load_plugins)
    assert out["code"] == 0, proc.stderr
    assert db.exists()
    assert "Run 1 recorded" in proc.stderr
    missing = [m for m in NEEDED_BY_RUN if m not in out["modules"]]
    assert missing == [], "the module listing misses what a run must import"
    assert bare_in(out["modules"]) == []
    assert "cerberus" not in out["modules"]  # a sound file is confirmed by the quick walk alone
    # The formats' libraries load only when their format is asked for; numpy (which sqlite-utils
    # would import when installed, and matplotlib brings) not at all: see jobbsats/ledger/__init__.py.
    assert [m for m in ("numpy", "matplotlib", "jinja2", "xlsxwriter", "docx", "lxml") if m in out["modules"]] == []
    # A new ledger is made, and a run written, with plain SQL: sqlite-utils (and the dateutil it brings) is for
    # migrating a ledger an older jobbsats made (jobbsats/ledger/connection.py).
    assert [m for m in ("sqlite_utils", "dateutil") if m in out["modules"]] == []
    proc, out = probe("report", "aterrapportering", "--db", str(db), load_plugins=load_plugins)
    assert out["code"] == 0, proc.stderr
    assert proc.stdout.startswith("# Återrapportering")
    # ASN's ram in 2024: 51 % of 25 600 000 kr (seed 000), so the listing is of a report that read the ledger.
    assert "Strategiska jobbsatsningar 0\u00a0kr av 13\u00a0056\u00a0000\u00a0kr" in proc.stdout  # no-break spaces
    assert [m for m in ("sqlite_utils", "dateutil", "cerberus") if m in out["modules"]] == []
    # Markdown, the default, without the other formats: finding a format by a file's suffix makes each format
    # it looks at, and a report to standard output once looked at them all (html's charts, docx's widths).
    formats = [m for m in out["modules"] if m.startswith("jobbsats.reports.formats.")]
    assert formats == ["jobbsats.reports.formats.cells", "jobbsats.reports.formats.markdown"]
    # Nor the rules' classes (jobbsats.allocation), a rule, or the scenario file's checks (look-alike names,
    # projects' financing plans): once, `from jobbsats import to_date` in a plugin and the projekt report's
    # reading of financier groups brought them into every report, 7 classes more to create.
    # Nor the scenario file's schema (its statuses and kinds brought the projects' and scenario's classes).
    not_for_a_report = ("jobbsats.allocation", "jobbsats.config.projects", "jobbsats.config.names")
    not_for_a_report += ("jobbsats.config.schema",)
    assert [m for m in out["modules"] if m in not_for_a_report or m.startswith("jobbsats.rules.")] == []


def test_the_department_plugins_import_what_building_their_reports_takes_only_then(cli):
    """Their reports are made on every report command (every report is checked), but what building them takes
    is imported only when they are built (CONTRIBUTING.md, register_reports)."""
    if {"asf", "stadskontoret"} - {ep.name for ep in entry_points(group="jobbsats")}:
        pytest.skip("plugins/jobbsats-asf and plugins/jobbsats-stadskontoret are not installed")
    cli.prepare(("run", "malmo-2024", "--quiet"))
    proc, out = probe("report", "aterrapportering", "-f", "json", "--db", str(cli.db), load_plugins=UNSET)
    assert out["code"] == 0, proc.stderr
    assert {"jobbsats_asf.report", "jobbsats_stadskontoret.avtal"} <= set(out["modules"])  # they were loaded
    building = ("jobbsats_asf.tables", "jobbsats_stadskontoret.agreements", "jobbsats_stadskontoret.grants")
    assert [m for m in building if m in out["modules"]] == []
    # And what they import does not bring the rules' classes or the scenario checks along either.
    assert [m for m in ("jobbsats.allocation", "jobbsats.config.projects") if m in out["modules"]] == []
    # A run checks the asf section with its schema, which names the indicators without their CSV reader.
    proc, out = probe("run", "malmo-2024", "--quiet", "--db", str(cli.db), load_plugins=UNSET)
    assert out["code"] == 0, proc.stderr
    assert "jobbsats_asf.schema" in out["modules"] and "jobbsats_asf.indicators" not in out["modules"]


def test_the_console_script_collects_less_often_and_an_importer_keeps_its_own_setting():
    from jobbsats import console

    before = gc.get_threshold()
    assert console.GC_YOUNG_THRESHOLD > before[0]  # the test means something: the default is lower
    proc, out = probe("--version")
    assert out["code"] == 0, proc.stderr
    assert out["gc"] == [console.GC_YOUNG_THRESHOLD, *before[1:]]
    assert out["frozen"] > 10_000  # what start-up made, left out of the collector's passes
    # A program using jobbsats runs its command line (jobbsats.cli.main), not the console script: it keeps its own.
    program = (
        "import gc, json, sys\n"
        "sys.argv = ['jobbsats', '--version']\n"
        "from jobbsats.cli import main\n"
        "try:\n"
        "    main()\n"
        "except SystemExit:\n"
        "    pass\n"
        "print(json.dumps([gc.get_threshold(), gc.get_freeze_count()]))\n"
    )
    done = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.splitlines()[-1]) == [list(before), 0]


def listed_commands(help_text: str) -> list[str]:
    """Command names from the ``Commands:`` section of click's help."""
    _, found, section = help_text.partition("\nCommands:\n")
    assert found, help_text
    names = []
    for line in section.splitlines():
        if not line.strip():
            break
        match = re.match(r"^  (\S+)(\s|$)", line)  # wrapped descriptions are indented deeper
        if match:
            names.append(match.group(1))
    return names


@pytest.fixture(scope="module")
def commands() -> list[str]:
    proc, out = probe("--help")
    assert out["code"] == 0, proc.stderr
    return listed_commands(proc.stdout)


def test_help_lists_every_built_in_command(commands):
    from jobbsats.cli import COMMANDS

    assert set(COMMANDS) <= set(commands)
    assert len(commands) == len(set(commands))


def test_report_help_lists_the_reports_and_each_report_its_options():
    proc, out = probe("report", "--help")
    assert out["code"] == 0, proc.stderr
    assert "aterrapportering" in proc.stdout and "fordelning" in proc.stdout
    from jobbsats.reports import REPORTS

    built_in = proc.stdout.partition("Built in:")[2].partition("plugins add")[0]
    assert [name for name in REPORTS if f"`{name}`" not in built_in] == []  # each built-in report said in words
    proc, out = probe("report", "aterrapportering", "--help")
    assert out["code"] == 0, proc.stderr
    for option in ("--recipient", "--fund", "--quarters", "--year", "--format"):
        assert option in proc.stdout, option


def test_every_command_has_help(commands):
    failures = []
    for name in commands:
        proc, out = probe(name, "--help")
        usage, _, description = proc.stdout.partition("\n")
        problems = []
        if out["code"] != 0:
            problems.append(f"exit {out['code']}")
        if not usage.startswith(f"Usage: jobbsats {name} "):
            problems.append(f"usage line {usage!r}")
        if not description.strip():
            problems.append("no help text")
        if proc.stderr.strip():
            problems.append(f"stderr {proc.stderr.strip()!r}")
        # `report --help` lists the reports every plugin brings, so it loads them; the rest stay light.
        if name != "report" and (heavy := heavy_in(out["modules"])):
            problems.append(f"imports {heavy}")
        if bare := bare_in(out["modules"]):
            problems.append(f"imports bare {bare}")
        if problems:
            failures.append(f"jobbsats {name} --help: {'; '.join(problems)}")
    assert failures == []
