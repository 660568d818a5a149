"""Wall time of the test suite, with the start-up floor measured beside it in the same run.

Run it from a clone, with the interpreter the README's test command installs (``.venv/bin/python``)::

    python benchmarks/suite.py                               # the whole suite, 3 rounds
    python benchmarks/suite.py --against ../other-clone      # this clone's suite and another's, taking turns
    python benchmarks/suite.py --rounds 1 -- tests/test_money.py -n 0   # pytest's arguments after --

Target (issue 18): the whole suite, as the README's test command runs it (``pytest`` in the clone: two
xdist workers on two cores), in under 60 s of wall time on a 2-core machine.

A suite's time follows its machine's speed, and a shared virtual machine's speed changes by the hour; so
each round also times the floor of ``startup.py`` and ``run.py``, a new process running
``python -c "import click, pluggy, sqlite_utils, cerberus, tomli"``, ``--floors`` times before the suite
and as many after (the median of those is the round's floor), and prints the suite's time in floors. A
ratio that holds while the seconds move says the suite changed no more than the machine did; 60 s over the
ratio is how fast the floor must be for the suite to take 60 s on that machine.

Every round is a new process of pytest, ``python -m pytest -q -p no:cacheprovider`` and the arguments
given, in the clone, with the environment this script has but for ``JOBBSATS_`` and ``PYTEST_`` variables
(as CI runs it). The CPU time is the user and system time of the suite and every process it waited for
(from ``getrusage``). A round whose suite fails stops the script: a failing suite's time is not the suite's.
The first round on a fresh clone also writes the bytecode of jobbsats and of the test modules.

``--against OTHER`` times another clone's suite too (another commit, say), with the Python of its own
``.venv`` as its README installs it: the two take turns, this clone first in odd rounds and the other
first in even ones, each with its own floor around it, and the script prints each one's best time and
the ratio of the two.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from startup import RUN_FLOOR, children_cpu, run_once  # noqa: E402

CLONE = Path(__file__).resolve().parent.parent
TARGET_SECONDS = 60.0


@dataclass
class Side:
    """A clone whose suite is timed, with the Python that runs it, and its rounds' figures."""

    clone: Path
    python: str
    walls: list[float] = field(default_factory=list)
    ratios: list[float] = field(default_factory=list)


def environment() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith(("JOBBSATS_", "PYTEST_"))}


def floors(count: int, env: dict[str, str]) -> list[float]:
    return [run_once([sys.executable, "-c", RUN_FLOOR], env, str(CLONE))[0] for _ in range(count)]


def suite(side: Side, pytest_args: list[str], env: dict[str, str]) -> tuple[float, float | None, str]:
    """Wall and CPU seconds of one run of the suite, and pytest's last line ("2280 passed in 86.2s")."""
    argv = [side.python, "-m", "pytest", "-q", "-p", "no:cacheprovider", *pytest_args]
    before = children_cpu()
    start = time.perf_counter()
    done = subprocess.run(argv, env=env, cwd=side.clone, capture_output=True, text=True)
    wall = time.perf_counter() - start
    after = children_cpu()
    lines = done.stdout.strip().splitlines()
    if done.returncode != 0:
        sys.exit(
            f"the suite failed ({done.returncode}) in {side.clone}: {' '.join(argv)}\n"
            + "\n".join(lines[-30:])
            + done.stderr
        )
    return wall, (after - before if before is not None and after is not None else None), lines[-1] if lines else ""


def clone_problem(clone: Path) -> str | None:
    if not (clone / "tests").is_dir() or not (clone / "pyproject.toml").is_file():
        return f"{clone}: no tests/ and pyproject.toml here, so not a clone of jobbsats"
    return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        usage="%(prog)s [--rounds N] [--floors N] [--against CLONE] [--check] [-- PYTEST_ARGS...]",
    )
    parser.add_argument("--rounds", type=int, default=3, help="runs of the suite (default 3)")
    parser.add_argument("--floors", type=int, default=5, help="floor processes before and after each (default 5)")
    parser.add_argument("--against", type=Path, help="another clone (with its .venv) whose suite takes turns")
    parser.add_argument("--check", action="store_true", help="exit 1 when the best wall time is 60 s or more")
    parser.add_argument("pytest_args", nargs="*", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.rounds < 1:
        parser.error("--rounds must be at least 1")
    if args.floors < 1:
        parser.error("--floors must be at least 1")
    problem = clone_problem(CLONE)
    if problem:
        sys.exit(f"{problem}; run this script from a clone")
    sides = [Side(CLONE, sys.executable)]
    if args.against is not None:
        other = args.against.resolve()
        python = other / ".venv" / "bin" / "python"
        problem = clone_problem(other) or (
            None if python.exists() else f"{other}: no .venv/bin/python; install it first"
        )
        if problem:
            parser.error(f"--against {problem}")
        sides.append(Side(other, str(python)))

    env = environment()
    shown = " ".join(["pytest", *args.pytest_args])
    print(f"python {sys.version.split()[0]} ({sys.executable}), {os.cpu_count()} cores, {args.rounds} rounds")
    print(f"suite: {shown}; floor: python -c {RUN_FLOOR!r}, {args.floors} before and after each suite")
    print()
    print(
        "| round | clone | suite wall | suite CPU | floor median | suite / floor | 60 s at that: a floor of | pytest |"
    )
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
            print(
                f"| {n} | {side.clone} | {wall:.1f} s | {used} | {floor * 1000:.1f} ms | {wall / floor:.0f} |"
                f" {TARGET_SECONDS * floor / wall * 1000:.0f} ms | {said} |",
                flush=True,
            )
    print()
    for side in sides:
        best = min(side.walls)
        if args.pytest_args:  # a part of the suite, or other options: the target is the whole suite's
            verdict = f"(the target of {TARGET_SECONDS:.0f} s is judged without pytest arguments)"
        else:
            verdict = f"target under {TARGET_SECONDS:.0f} s: {'met' if best < TARGET_SECONDS else 'MISSED'}"
        print(f"{side.clone}: best wall {best:.1f} s; {verdict}")
        print(f"  suite / floor: best {min(side.ratios):.0f}, median {statistics.median(side.ratios):.0f}")
    if len(sides) == 2:
        this, other = sides
        print(f"best wall, this clone / the other: {min(this.walls) / min(other.walls):.3f}")
    return 1 if args.check and min(sides[0].walls) >= TARGET_SECONDS else 0


if __name__ == "__main__":
    sys.exit(main())
