"""Wall time of the test suite, with the start-up floor measured beside it in the same run.

Run it from a clone, with the interpreter the README's test command installs (``.venv/bin/python``)::

    python benchmarks/suite.py                               # the whole suite, 2 rounds
    python benchmarks/suite.py --against ../other-clone      # this clone's suite and another's, taking turns
    python benchmarks/suite.py --rounds 1 -- tests/test_money.py -n 0   # pytest's arguments after --
    python benchmarks/suite.py --where                       # one run: where its CPU time goes

Target (issue 18): the whole suite, as the README's test command runs it (``pytest`` in the clone: two
xdist workers on two cores), in under 60 s of wall time on a 2-core machine. ``--check`` exits 1 when the
best round of this clone's whole suite takes 60 s or more.

A suite's time follows its machine's speed, and a shared virtual machine's speed changes by the hour; so
each round also times the floor of ``startup.py`` and ``run.py``, a new process running
``python -c "import click, pluggy, sqlite_utils, cerberus, tomli"``, ``--floors`` times before the suite
and as many after (the median of those is the round's floor). The table gives the suite's time in floors,
and for the whole suite how fast the floor must be for the suite to take 60 s on that machine.

Every round is a new process, ``python -P -m pytest -q -p no:cacheprovider`` and the arguments given (``-P``:
the clone's folder is not put on ``sys.path``, as it is not for the ``pytest`` command), in the clone, with the
environment this script has but for ``JOBBSATS_`` and ``PYTEST_`` variables (as CI runs it). The CPU time is the
user and system time of the suite and every process it waited for (from ``getrusage``). A failing suite stops
the script with exit status 3: a failing suite's time is not the suite's. The first round on a fresh clone also
writes the bytecode of jobbsats and of the test modules.

``--against OTHER`` times another clone's suite too (another commit, say), with the Python of its own
``.venv`` as its README installs it: the two take turns, this clone first in odd rounds and the other
first in even ones (so give an even number of rounds), each with its own floor around it, and the script
prints each one's best time and the ratio of the two.

``--where`` runs the suite once with the pytest plugin of ``suite_cpu.py`` and tells where its CPU time went:
the workers' start and collection, the tests in their worker, the processes the tests started, the workers
between tests, pytest's controller, and what no test waited for; then the test files and the tests that took
the most. Such a run is not judged against the target.

The suite runs this script on one small test file (tests/test_benchmarks.py). So that a mistake can never
make the suite start itself whole, over and over, a run of the whole suite is refused inside another run of
this script (which marks its suites with ``JOBBSATS_SUITE_PY_OUTER``, kept in their environment).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from startup import RUN_FLOOR, children_cpu, run_once  # noqa: E402
from suite_cpu import FOLDER, breakdown, show_breakdown  # noqa: E402

CLONE = Path(__file__).resolve().parent.parent
TARGET_SECONDS = 60.0
PLUGIN = "jobbsats_suite_cpu"  # the module name suite_cpu.py is loaded under (--where), from a folder of its own
OUTER = "JOBBSATS_SUITE_PY_OUTER"
FAILED = 3  # the exit status when a suite fails (argparse's errors are 2, a missed --check 1)


@dataclass
class Side:
    """A clone whose suite is timed, with the Python that runs it, and its rounds' figures."""

    clone: Path
    python: str
    walls: list[float] = field(default_factory=list)
    ratios: list[float] = field(default_factory=list)


def environment() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JOBBSATS_", "PYTEST_"))}
    return env | {OUTER: str(os.getpid())}


def floors(count: int, env: dict[str, str]) -> list[float]:
    return [run_once([sys.executable, "-c", RUN_FLOOR], env, str(CLONE))[0] for _ in range(count)]


def suite(side: Side, pytest_args: list[str], env: dict[str, str]) -> tuple[float, float | None, str]:
    """Wall and CPU seconds of one run of the suite, and pytest's last line ("2280 passed in 86.2s")."""
    argv = [side.python, "-P", "-m", "pytest", "-q", "-p", "no:cacheprovider", *pytest_args]
    before = children_cpu()
    start = time.perf_counter()
    done = subprocess.run(argv, env=env, cwd=side.clone, capture_output=True, text=True)
    wall = time.perf_counter() - start
    after = children_cpu()
    lines = done.stdout.strip().splitlines()
    if done.returncode != 0:
        said = "\n".join([*lines[-30:], done.stderr.strip()]).strip()
        print(f"the suite failed (pytest's exit status {done.returncode}) in {side.clone}: {' '.join(argv)}")
        print(said, flush=True)
        sys.exit(FAILED)
    return wall, (after - before if before is not None and after is not None else None), lines[-1] if lines else ""


def clone_problem(clone: Path) -> str | None:
    if not clone.is_dir():
        return f"{clone}: no such folder"
    if not (clone / "tests").is_dir() or not (clone / "pyproject.toml").is_file():
        return f"{clone}: no tests/ and pyproject.toml here, so not a clone of jobbsats"
    return None


def where(pytest_args: list[str], env: dict[str, str]) -> int:
    """Run the suite once with suite_cpu.py's plugin, and show where its CPU time went."""
    with tempfile.TemporaryDirectory(prefix="jobbsats-suite-cpu-") as folder:
        plugin, records = Path(folder) / "plugin", Path(folder) / "records"
        plugin.mkdir()
        records.mkdir()
        shutil.copyfile(Path(__file__).with_name("suite_cpu.py"), plugin / f"{PLUGIN}.py")
        paths = [str(plugin), *filter(None, [env.get("PYTHONPATH")])]
        env = env | {"PYTHONPATH": os.pathsep.join(paths), FOLDER: str(records)}
        wall, cpu, said = suite(Side(CLONE, sys.executable), ["-p", PLUGIN, *pytest_args], env)
        found = [json.loads(path.read_text(encoding="utf-8")) for path in sorted(records.glob("*.json"))]
    shown = " ".join(["pytest", *pytest_args])
    print(f"python {sys.version.split()[0]} ({sys.executable}), {os.cpu_count()} cores; suite: {shown}")
    print(f"one run: {wall:.1f} s of wall time, {f'{cpu:.1f} s' if cpu is not None else '?'} of CPU; {said}")
    print("(a run to see where the time goes: not judged against the target)")
    print()
    if not found:
        print("the plugin wrote no record: no pytest process loaded it", file=sys.stderr)
        return 1
    show_breakdown(breakdown(found, cpu))
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        usage="%(prog)s [--rounds N] [--floors N] [--against CLONE] [--check] [--where] [-- PYTEST_ARGS...]",
    )
    parser.add_argument("--rounds", type=int, help="runs of the suite (default 2)")
    parser.add_argument("--floors", type=int, help="floor processes before and after each (default 5)")
    parser.add_argument("--against", type=Path, help="another clone (with its .venv) whose suite takes turns")
    parser.add_argument("--check", action="store_true", help="exit 1 when the best wall time is 60 s or more")
    parser.add_argument("--where", action="store_true", help="one run: where its CPU time goes (not judged)")
    parser.add_argument("pytest_args", nargs="*", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.where and (args.rounds is not None or args.floors is not None or args.against is not None or args.check):
        parser.error(
            "--where is one run of this clone's suite, with no floor: give no --rounds, --floors, --against or --check"
        )
    args.rounds = 2 if args.rounds is None else args.rounds
    args.floors = 5 if args.floors is None else args.floors
    if args.rounds < 1:
        parser.error("--rounds must be at least 1")
    if args.floors < 1:
        parser.error("--floors must be at least 1")
    whole = not args.pytest_args
    if args.check and not whole:
        parser.error("--check judges the whole suite: give no pytest arguments with it")
    if whole and os.environ.get(OUTER):
        parser.error(f"the whole suite inside a suite this script runs (process {os.environ[OUTER]}) would run itself")
    problem = clone_problem(CLONE)
    if problem:
        parser.error(f"{problem}; run this script from a clone")
    sides = [Side(CLONE, sys.executable)]
    if args.against is not None:
        other = args.against.resolve()
        python = other / ".venv" / "bin" / "python"
        problem = clone_problem(other) or (None if python.exists() else f"{other}: no .venv/bin/python, install one")
        if problem:
            parser.error(f"--against {problem}")
        sides.append(Side(other, str(python)))

    env = environment()
    if args.where:
        return where(args.pytest_args, env)
    shown = " ".join(["pytest", *args.pytest_args])
    print(f"python {sys.version.split()[0]} ({sys.executable}), {os.cpu_count()} cores, {args.rounds} rounds")
    print(f"suite: {shown}; floor: python -c {RUN_FLOOR!r}, {args.floors} before and after each suite")
    print()
    columns = "| round | clone | suite wall | suite CPU | floor median | suite / floor | 60 s at that: a floor of |"
    print(f"{columns} pytest |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for n in range(1, args.rounds + 1):
        for side in sides if n % 2 else sides[::-1]:  # take turns: neither side always runs on a warmer machine
            around = floors(args.floors, env)
            wall, cpu, said = suite(side, args.pytest_args, env)
            around += floors(args.floors, env)
            floor = statistics.median(around)
            side.walls.append(wall)
            side.ratios.append(wall / floor)
            used = f"{cpu:.1f} s" if cpu is not None else "?"
            at_60 = f"{TARGET_SECONDS * floor / wall * 1000:.0f} ms" if whole else ""  # only the whole suite's
            print(
                f"| {n} | {side.clone} | {wall:.1f} s | {used} | {floor * 1000:.1f} ms | {wall / floor:.0f} |"
                f" {at_60} | {said} |",
                flush=True,
            )
    print()
    for side in sides:
        best = min(side.walls)
        if whole:
            verdict = f"target under {TARGET_SECONDS:.0f} s: {'met' if best < TARGET_SECONDS else 'MISSED'}"
        else:  # a part of the suite, or other options: the target is the whole suite's
            verdict = f"(the target of {TARGET_SECONDS:.0f} s is judged without pytest arguments)"
        print(f"{side.clone}: best wall {best:.1f} s; {verdict}")
        print(f"  suite / floor: best {min(side.ratios):.0f}, median {statistics.median(side.ratios):.0f}")
    if len(sides) == 2:
        this, other = sides
        print(f"best wall, this clone / the other: {min(this.walls) / min(other.walls):.3f}")
    return 1 if args.check and min(sides[0].walls) >= TARGET_SECONDS else 0


if __name__ == "__main__":
    sys.exit(main())
