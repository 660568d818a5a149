"""Start-up time of the ``jobbsats`` command, measured against bare imports of its dependencies.

Run it with the interpreter jobbsats is installed in::

    python benchmarks/startup.py                # 30 rounds, prints a table, exits 0
    python benchmarks/startup.py --rounds 50    # more rounds, steadier medians
    python benchmarks/startup.py --check        # exits 1 when a target is missed (for CI)

Targets (ratio of medians, jobbsats / baseline; issue 18):

* ``jobbsats --help``  <= 1.7  x  ``python -c "import click"`` (so that noise cannot push it over 2)
* ``jobbsats run --quiet`` on the bundled example, into a fresh ledger each time,
  with ``JOBBSATS_LOAD_PLUGINS`` unset  <= 1.3  x
  ``python -c "import click, pluggy, sqlite_utils, cerberus, tomli"`` (as in ``run.py``)

Every command is a new process of the same interpreter (``sys.executable``). The
commands are interleaved: each round runs every command once, in an order that
rotates from round to round, so that machine noise falls on both sides of a ratio
alike. Only the standard library and the installed jobbsats are used.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

# jobbsats is run through its console script, the file next to sys.executable that
# users run (`jobbsats ...`), executed by sys.executable itself so that both sides of
# every ratio use the very same interpreter. It is the same as
# `python -c "from jobbsats.console import main; main()"` plus reading a three-line script.
BIN = Path(sys.executable).parent
TARGET_HELP = 1.7
TARGET_RUN = 1.3  # the bundled example, as benchmarks/run.py times it too
SCRIPT_NAME = "jobbsats.exe" if os.name == "nt" else "jobbsats"


def jobbsats_command() -> list[str]:
    script = BIN / SCRIPT_NAME
    if script.is_file() and os.name != "nt":
        return [sys.executable, str(script)]
    # No console script here (not installed by pip, or Windows' .exe launcher): the same entry point.
    return [sys.executable, "-c", "from jobbsats.console import main; main()"]


@dataclass
class Command:
    """One command to time; ``prepare`` runs before each timing, outside of it."""

    label: str
    argv: list[str]
    prepare: Callable[[], list[str]] | None = None
    times: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)  # user + system time of each run, where the system says

    def record(self, env: dict[str, str], cwd: str) -> None:
        """Run the command once (after ``prepare``) and keep its times."""
        wall, cpu = run_once(self.argv_for_round(), env, cwd)
        self.times.append(wall)
        if cpu is not None:
            self.cpu.append(cpu)

    def argv_for_round(self) -> list[str]:
        return self.argv + (self.prepare() if self.prepare else [])


@dataclass
class Comparison:
    subject: Command
    baseline: Command
    target: float | None  # None: printed for information, judged by no target


# What a run imports of its libraries today: since issue 18 it loads neither sqlite-utils nor Cerberus, which the
# issue's floor (RUN_FLOOR) imports, so that floor carries work the run no longer does and its ratio flatters the
# run. This floor is printed beside it, for information.
RUN_FLOOR = "import click, pluggy, sqlite_utils, cerberus, tomli"
RUN_LIBRARIES = "import click, pluggy, sqlite3, tomli"


def environment() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("JOBBSATS_LOAD_PLUGINS", None)  # the default: outside plugins are looked for
    env.pop("JOBBSATS_DB", None)
    env.pop("PYTHONPROFILEIMPORTTIME", None)
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # compare with .pyc files available, as users run it
    return env


def children_cpu() -> float | None:
    """User + system seconds of the finished child processes so far (None where the system cannot say)."""
    try:
        import resource
    except ImportError:  # Windows
        return None
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_once(argv: list[str], env: dict[str, str], cwd: str) -> tuple[float, float | None]:
    """Wall-clock seconds of one run of ``argv``, and the CPU seconds it used (None where unknown).

    The CPU time is the process's own work: on a machine shared with other work it moves much less than
    the wall-clock time, which also counts the time spent waiting for a core.
    """
    before = children_cpu()
    start = time.perf_counter()
    proc = subprocess.run(argv, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    elapsed = time.perf_counter() - start
    after = children_cpu()
    if proc.returncode != 0:
        sys.exit(f"failed ({proc.returncode}): {' '.join(argv)}\n{proc.stderr.decode(errors='replace')}")
    return elapsed, (after - before if before is not None and after is not None else None)


def time_once(argv: list[str], env: dict[str, str], cwd: str) -> float:
    return run_once(argv, env, cwd)[0]


def build(workdir: Path) -> list[Comparison]:
    jobbsats = jobbsats_command()
    counter = iter(range(1_000_000))

    def fresh_ledger() -> list[str]:
        db = workdir / f"ledger-{next(counter)}.db"
        return ["--db", str(db)]

    py = [sys.executable, "-c"]
    run = Command("jobbsats run --quiet", jobbsats + ["run", "malmo-2024", "--quiet"], fresh_ledger)
    return [
        Comparison(
            Command("jobbsats --help", jobbsats + ["--help"]),
            Command("import click", py + ["import click"]),
            TARGET_HELP,
        ),
        Comparison(run, Command(RUN_FLOOR, py + [RUN_FLOOR]), TARGET_RUN),
        Comparison(run, Command(RUN_LIBRARIES, py + [RUN_LIBRARIES]), None),
    ]


def measure(comparisons: list[Comparison], rounds: int, workdir: Path) -> None:
    commands = [c for comp in comparisons for c in (comp.subject, comp.baseline)]
    measure_commands(commands, rounds, workdir)


def measure_commands(commands: list[Command], rounds: int, workdir: Path) -> None:
    """An untimed warm-up of each distinct command, then ``rounds`` rounds in an order rotating each round."""
    env = environment()
    commands = [c for i, c in enumerate(commands) if all(c is not d for d in commands[:i])]  # each once a round
    for command in commands:  # warm-up, untimed: .pyc files, the page cache
        run_once(command.argv_for_round(), env, str(workdir))
    for r in range(rounds):
        shift = r % len(commands)
        for command in commands[shift:] + commands[:shift]:
            command.record(env, str(workdir))
        if sys.stderr.isatty():
            print(f"\rround {r + 1}/{rounds}", end="", file=sys.stderr, flush=True)
    if sys.stderr.isatty():
        print(file=sys.stderr)


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f}"


def report(comparisons: list[Comparison]) -> bool:
    """Print the table; True when every target is met (judged on the wall-clock medians)."""
    with_cpu = all(c.cpu for comp in comparisons for c in (comp.subject, comp.baseline))
    header = ("command", "median ms", "min ms", "baseline median ms", "baseline min ms", "ratio", "target", "result")
    if with_cpu:
        header += ("cpu median ms", "baseline cpu median ms", "cpu ratio")
    rows = []
    ok = True
    for comp in comparisons:
        subject, base = comp.subject, comp.baseline
        ratio = statistics.median(subject.times) / statistics.median(base.times)
        passed = comp.target is None or ratio <= comp.target
        ok &= passed
        row: tuple[str, ...] = (
            subject.label,
            ms(statistics.median(subject.times)),
            ms(min(subject.times)),
            ms(statistics.median(base.times)),
            ms(min(base.times)),
            f"{ratio:.3f}",
            "-" if comp.target is None else f"<= {comp.target:g}",
            "(info)" if comp.target is None else "PASS" if passed else "FAIL",
        )
        if with_cpu:
            cpu_ratio = statistics.median(subject.cpu) / statistics.median(base.cpu)
            row += (ms(statistics.median(subject.cpu)), ms(statistics.median(base.cpu)), f"{cpu_ratio:.3f}")
        rows.append(row)
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    for row in [header, *rows]:
        cells = [
            cell.ljust(w) if i == 0 else cell.rjust(w) for i, (cell, w) in enumerate(zip(row, widths, strict=True))
        ]
        print("  ".join(cells))
    print()
    for comp in comparisons:
        print(f"baseline of {comp.subject.label}: python -c {comp.baseline.label!r}")
    return ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=30, help="rounds of interleaved runs (default 30)")
    parser.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
    args = parser.parse_args(argv)
    if args.rounds < 1:
        parser.error("--rounds must be at least 1")

    workdir = Path(tempfile.mkdtemp(prefix="jobbsats-startup-"))
    try:
        comparisons = build(workdir)
        print(
            f"python {sys.version.split()[0]} ({sys.executable}), {args.rounds} rounds; "
            f"jobbsats = {' '.join(jobbsats_command())}"
        )
        measure(comparisons, args.rounds, workdir)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    ok = report(comparisons)
    return 1 if args.check and not ok else 0


if __name__ == "__main__":
    sys.exit(main())
