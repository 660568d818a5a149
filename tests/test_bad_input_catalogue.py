"""The catalogue of bad input in ``tests/bad_input/`` (issue 7), in the style of hledger's ``test/errors/``.

Each folder ``NN-short-name/`` is one case: its input files, as the exact bytes to
test (a ``scenario.toml``, a ``utfall.csv`` in Windows-1252, ...), and a ``case.toml``:

    why = "One line: what is wrong with the input."
    command = ["validate", "{dir}/scenario.toml"]      # the arguments after `jobbsats`
    exit = 1                                            # the exit code expected
    says = ["{dir}/scenario.toml: rules[1].key: "]      # fragments the message must contain
    before = ["run", "{dir}/scenario.toml", "--quiet"]  # optional: a command (or a list of them) run first
    env = { JOBBSATS_LOAD_PLUGINS = "x" }               # optional: environment of the command
    unchanged = ["{dir}/target.md"]                     # optional: files besides the ledger it must not touch
    subprocess = true                                   # optional: run a new `jobbsats` process, not in-process
    most_chars = 2000                                   # optional: the longest the message may be
    xfail = "what it does instead"                      # optional: a known bug (strict: remove it once fixed)
    make = [["fifo", "scenario.toml"]]                  # optional: inputs made when the case runs (MAKERS)
    not_as_root = true                                  # optional: skipped as root (file modes do not bind it)

``{dir}`` is the case's folder, copied into the test's own tmp_path, ``{long}`` a file
name of 300 characters (longer than any file system takes), and ``{db}`` the
ledger (conftest's ``cli`` fixture sets JOBBSATS_DB to it). Every case asserts the
exit code, each fragment in the message (stderr), no traceback, nothing on stdout
when refused, and the ledger's bytes, with its -journal, -wal and -shm side files,
the same after the command as before it (a ledger that did not exist still does
not). To add a case: add a folder, run the command by hand, and write down what a
user should see.
"""

from __future__ import annotations

import gc
import hashlib
import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

CATALOGUE = Path(__file__).parent / "bad_input"
FOLDERS = sorted((path for path in CATALOGUE.iterdir() if path.is_dir()), key=lambda path: int(path.name.split("-")[0]))
NAME = re.compile(r"^(\d{2,3})-[a-z0-9]+(-[a-z0-9]+)*$")
SIDE_FILES = ("", "-journal", "-wal", "-shm")  # SQLite's files next to a ledger

REQUIRED = {"why": str, "command": list, "exit": int, "says": list}
OPTIONAL = {
    "before": list,
    "env": dict,
    "unchanged": list,
    "subprocess": bool,
    "most_chars": int,
    "xfail": str,
    "make": list,
    "not_as_root": bool,
}


def _repeat(path: Path, head: str, chunk: str, times: str) -> None:
    """``head`` then ``chunk`` ``times`` times: a file too big to commit (a 50 MB line), written in blocks."""
    block = chunk.encode() * max(1, 1_000_000 // max(1, len(chunk.encode())))
    left = int(times) * len(chunk.encode())
    with path.open("wb") as handle:
        handle.write(head.encode())
        while left > 0:
            handle.write(block[:left])
            left -= len(block)


def _foreign_wal(path: Path) -> None:
    """Another program's SQLite file in WAL mode, its last writes still in ``-wal`` (as a crash leaves them)."""
    code = (
        "import os, sqlite3, sys\n"
        "conn = sqlite3.connect(sys.argv[1])\n"
        "conn.execute('pragma journal_mode = wal')\n"
        "conn.execute('create table notes (id integer primary key, text)')\n"
        "conn.executemany('insert into notes (text) values (?)', [('note %d' % i,) for i in range(100)])\n"
        "conn.commit()\n"
        "os._exit(0)  # no close: the writes stay in -wal, -shm stays beside it\n"
    )
    subprocess.run([sys.executable, "-c", code, str(path)], check=True)
    assert Path(f"{path}-wal").stat().st_size > 0


# What a case's ``make`` may ask for: [maker, file name in the case's folder, arguments...].
MAKERS = {
    "fifo": lambda path: os.mkfifo(path),
    "repeat": _repeat,
    "foreign-wal": _foreign_wal,
    "folder": lambda path: path.mkdir(),
    # A link made when the case runs: git ignores *.db, so a committed ledger.db link would be lost.
    "symlink": lambda path, target: path.symlink_to(target),
    "mode": lambda path, mode: path.chmod(int(mode, 8)),
}


def load(folder: Path) -> dict:
    with (folder / "case.toml").open("rb") as handle:
        return tomllib.load(handle)


def commands_before(case: dict) -> list[list[str]]:
    """``before`` is one command (a list of strings) or a list of commands."""
    before = case.get("before", [])
    return [before] if before and isinstance(before[0], str) else before


def param(folder: Path):
    try:
        reason = load(folder).get("xfail")
    except (OSError, tomllib.TOMLDecodeError):
        reason = None  # test_every_case_is_well_formed says what is wrong
    marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
    return pytest.param(folder, id=folder.name, marks=marks)


def state(paths: list[Path]) -> dict[str, str | None]:
    """sha256 of each file and its SQLite side files; None where there is none."""
    out: dict[str, str | None] = {}
    for path in paths:
        for suffix in SIDE_FILES:
            side = Path(f"{path}{suffix}")
            if side.is_file():
                out[str(side)] = hashlib.sha256(side.read_bytes()).hexdigest()
            else:
                out[str(side)] = "a folder" if side.is_dir() else None
    return out


def in_new_process(args: list[str], db: Path, env: dict[str, str], cwd: Path) -> tuple[int, str, str]:
    """``jobbsats ARGS`` as a user's shell runs it (the ``isolated`` fixture set JOBBSATS_LOAD_PLUGINS='')."""
    code = "from jobbsats.cli import main; main()"
    proc = subprocess.run(
        [sys.executable, "-c", code, *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="replace",
        env={**os.environ, "PYTHONUTF8": "1", "JOBBSATS_DB": str(db), **env},
        cwd=cwd,
        timeout=60,
    )
    return proc.returncode, proc.stdout, proc.stderr


@pytest.mark.parametrize("folder", [param(folder) for folder in FOLDERS])
def test_bad_input(folder: Path, cli, tmp_path):
    case = load(folder)
    if case.get("not_as_root") and os.geteuid() == 0:
        pytest.skip("as root, file modes do not refuse anything")
    work = tmp_path / folder.name
    shutil.copytree(folder, work, symlinks=True)
    for maker, name, *args in case.get("make", []):
        MAKERS[maker](work / name, *args)

    def fill(text: str) -> str:
        return text.replace("{dir}", str(work)).replace("{db}", str(cli.db)).replace("{long}", "x" * 300)

    for command in commands_before(case):
        first = cli(*map(fill, command))
        assert first.exit_code == 0, f"`before` failed: {first.output}"

    watched = [cli.db, *(Path(fill(path)) for path in case.get("unchanged", []))]
    before = state(watched)
    args = [fill(arg) for arg in case["command"]]
    env = {name: fill(value) for name, value in case.get("env", {}).items()}
    if case.get("subprocess"):
        code, stdout, stderr = in_new_process(args, cli.db, env, cwd=tmp_path)
    else:
        result = cli(*args, env=env)
        code, stdout, stderr = result.exit_code, result.stdout, result.stderr
        # CliRunner catches what a real shell would show as a traceback: check what it caught.
        assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)

        # A command that fails halfway may leave its ledger connection to the garbage collector (as
        # the end of a process would close it): while open, SQLite keeps the -wal and -shm files.
        del result
        gc.collect()

    shown = stdout + stderr
    assert "Traceback" not in shown, f"a traceback: ...{shown[-400:]}"
    assert code == case["exit"], f"exit {code}, not {case['exit']}:\n{shown[:3000]}"
    message = stderr if code else shown
    for fragment in case["says"]:
        assert fill(fragment) in message, f"{fill(fragment)!r} not in:\n{message[:3000]}"
    if code:
        assert stdout == "", "a refused command prints nothing on stdout"
    if "most_chars" in case:
        assert len(message) <= case["most_chars"], f"a message of {len(message)} characters: {message[:300]}..."
    assert state(watched) == before, "the ledger (or a file it must leave alone) changed, or appeared"


def test_the_catalogue_has_at_least_40_cases_of_bad_input():
    refused = [folder.name for folder in FOLDERS if load(folder)["exit"] != 0]
    assert len(refused) >= 40, refused


def test_every_case_is_well_formed():
    numbers = []
    for folder in FOLDERS:
        name = folder.name
        match = NAME.match(name)
        assert match, f"{name}: name it NN-short-name (lower case, digits and dashes)"
        numbers.append(match.group(1))
        case = load(folder)
        assert set(case) <= set(REQUIRED) | set(OPTIONAL), (
            f"{name}: unknown keys {set(case) - set(REQUIRED) - set(OPTIONAL)}"
        )
        for key, kind in REQUIRED.items():
            assert isinstance(case.get(key), kind), f"{name}: {key} is required ({kind.__name__})"
        for key, kind in OPTIONAL.items():
            assert key not in case or isinstance(case[key], kind), f"{name}: {key} must be {kind.__name__}"
        assert case["why"].strip() and "\n" not in case["why"], f"{name}: why is one line"
        assert case["command"] and all(isinstance(arg, str) for arg in case["command"]), name
        assert case["says"] and all(isinstance(s, str) and s for s in case["says"]), name
        assert all(isinstance(cmd, list) and all(isinstance(a, str) for a in cmd) for cmd in commands_before(case)), (
            name
        )
        assert all(isinstance(v, str) for v in case.get("env", {}).values()), name
        for made in case.get("make", []):
            assert isinstance(made, list) and made and made[0] in MAKERS, f"{name}: make {made}: one of {set(MAKERS)}"
            assert all(isinstance(arg, str) for arg in made), f"{name}: make {made}: strings only"
        assert case.get("make") or case.get("before") or any(path.name != "case.toml" for path in folder.iterdir()), (
            f"{name}: no input files, and no command that makes the ledger it reads"
        )
    assert len(numbers) == len(set(numbers)), "two cases share a number"
