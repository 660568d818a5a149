"""Where the test suite's CPU time goes, for ``benchmarks/suite.py --where``: a pytest plugin that records the CPU
time of every test, in its own process and in the processes it started (a JSON file per pytest process when the
session ends), and :func:`breakdown`, which sums those records.

suite.py copies it into a folder of its own, as the module ``jobbsats_suite_cpu``, puts that folder on
``PYTHONPATH`` and starts pytest with ``-p jobbsats_suite_cpu``, so xdist's workers load it too. A test's time
runs from pytest's ``logstart`` to its ``logfinish``: setup, call and teardown. The processes' time is that of the
processes the test's process waited for (``RUSAGE_CHILDREN``), theirs included; a process nobody waited for is
counted by no test (suite.py says how much that was).
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterable
from dataclasses import dataclass

FOLDER = "JOBBSATS_SUITE_CPU_DIR"  # where each pytest process writes its record; unset, nothing is written

_tests: list[tuple[str, float, float]] = []  # (node id, own CPU seconds, its processes' CPU seconds)
_started: dict[str, tuple[float, float]] = {}
_collected: list[float] = []  # the process's CPU seconds when collection ended: its start, imports, collection


TOP_FILES, TOP_TESTS = 15, 10  # the rows show_breakdown() prints of each


def _children() -> float:
    import resource  # only where the plugin runs: suite.py imports this module on any system

    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def pytest_collection_finish(session):
    _collected.append(time.process_time())


def pytest_runtest_logstart(nodeid, location):
    _started[nodeid] = (time.process_time(), _children())


def pytest_runtest_logfinish(nodeid, location):
    own, children = _started.pop(nodeid, (None, None))
    if own is not None and children is not None:
        _tests.append((nodeid, time.process_time() - own, _children() - children))


def pytest_unconfigure(config):
    folder = os.environ.get(FOLDER)
    if not folder:
        return
    worker = getattr(config, "workerinput", {}).get("workerid")
    record = {
        "worker": worker,  # None: the controller (with -n 0, the process that ran the tests)
        "collected": _collected[0] if _collected else None,
        "total": time.process_time(),
        "tests": _tests,
    }
    with open(os.path.join(folder, f"{worker or 'controller'}-{os.getpid()}.json"), "w", encoding="utf-8") as out:
        json.dump(record, out)


@dataclass
class Usage:
    """CPU seconds of a test file or a test: in the pytest process that ran it, and in the processes it started."""

    tests: int = 0
    own: float = 0.0
    processes: float = 0.0

    @property
    def total(self) -> float:
        return self.own + self.processes


@dataclass
class Breakdown:
    """Where one run's CPU time went: seconds by part (in the order shown), and by test file and by test."""

    parts: dict[str, float]
    files: dict[str, Usage]
    tests: dict[str, Usage]


def breakdown(records: Iterable[dict], total: float | None) -> Breakdown:
    """Where a run's CPU time went, from suite_cpu.py's records (one per pytest process) and the CPU time of the
    whole run, pytest and every process it waited for (``total``; None where the system cannot say)."""
    records = list(records)
    workers = [r for r in records if r["worker"] is not None]
    controllers = [r for r in records if r["worker"] is None]
    runners = workers or controllers  # with -n 0, the controller ran the tests itself
    files: dict[str, Usage] = {}
    tests: dict[str, Usage] = {}
    for record in runners:
        for nodeid, own, processes in record["tests"]:
            for usage in (files.setdefault(nodeid.partition("::")[0], Usage()), tests.setdefault(nodeid, Usage())):
                usage.tests += 1
                usage.own += own
                usage.processes += processes
    started = sum(r["collected"] or 0.0 for r in runners)
    own = sum(usage.own for usage in files.values())
    parts = {
        "start and collection, in each pytest process that ran tests": started,
        "the tests, in that process": own,
        "processes the tests started (and waited for)": sum(usage.processes for usage in files.values()),
        "that process between tests and at its end": sum(r["total"] for r in runners) - started - own,
    }
    if workers:
        parts["pytest's controller, which handed out the tests"] = sum(r["total"] for r in controllers)
    if total is not None:  # what the run used that none of the above is
        parts["not counted above: each pytest process's end, processes no test waited for"] = total - sum(
            parts.values()
        )
    return Breakdown(parts, files, tests)


def show_breakdown(found: Breakdown) -> None:
    """Print ``found`` as Markdown tables: the parts, then the test files and the tests that took the most."""
    whole = sum(found.parts.values())
    print("| where the CPU time went | CPU | share |")
    print("| --- | --- | --- |")
    for part, seconds in found.parts.items():
        print(f"| {part} | {seconds:.1f} s | {f'{seconds / whole:.0%}' if whole else ''} |")
    print()
    columns = "in pytest's process | processes started | in all |"
    print(f"| test file (the {TOP_FILES} that took the most) | tests | {columns}")
    print("| --- | --- | --- | --- | --- |")
    for name, usage in _most(found.files, TOP_FILES):
        print(f"| {_cell(name)} | {usage.tests} | {usage.own:.2f} s | {usage.processes:.2f} s | {usage.total:.2f} s |")
    print()
    print(f"| test (the {TOP_TESTS} that took the most) | {columns}")
    print("| --- | --- | --- | --- |")
    for name, usage in _most(found.tests, TOP_TESTS):
        print(f"| {_cell(name)} | {usage.own:.2f} s | {usage.processes:.2f} s | {usage.total:.2f} s |")


def _most(table: dict[str, Usage], top: int) -> list[tuple[str, Usage]]:
    return sorted(table.items(), key=lambda item: -item[1].total)[:top]


def _cell(text: str) -> str:
    return text.replace("|", "\\|")  # a test's parameters may hold one
