"""The benchmark scripts run at a small size, so they cannot rot; their timings are not judged here.

One round each: every round runs the same code (only the order of the sides turns), so more rounds would
check nothing more, and each costs new processes (the utfall script's extra two rounds were 2.5 s).

Timing targets are checked by running the scripts by hand at full size (see the
README's Performance section): a shared CI machine is too noisy for them.
"""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # processes, benchmarks or a wheel: seconds each

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"


def run(script: str, *args: str) -> str:
    result = subprocess.run(
        [sys.executable, str(BENCHMARKS / script), *args], capture_output=True, text=True, timeout=600
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def test_the_utfall_benchmark_runs_and_reports_its_ratios():
    out = run("utfall.py", "--rows", "3000", "--rounds", "1")
    assert "3000 rows" in out
    for label in ("jobbsats import utfall", "floor: executemany", "import / floor", "report / GROUP BY"):
        assert label in out, out
    assert "import peak memory (MB)" in out


def test_the_startup_benchmark_runs():
    out = run("startup.py", "--rounds", "1")
    assert "jobbsats --help" in out and "jobbsats run --quiet" in out


def test_the_html_benchmark_runs_and_prints_its_ratio():
    out = run("html_vs_md.py", "--rounds", "1")
    assert "-f md" in out and "-f html" in out and "html / md" in out, out


def test_the_web_benchmark_runs_and_times_the_start_page():
    pytest.importorskip("datasette")
    out = run("web.py", "--rows", "3000", "--rounds", "1")
    assert "3000 booked rows in the ledger" in out, out
    for label in ("ASN start page", "GVN start page", "index /-/jobbsats", "floor: ASN's sums"):
        assert label in out, out


def test_the_run_benchmark_validates_its_generated_scenario_and_prints_both_ratios():
    out = run("run.py", "--recipients", "12", "--years", "3", "--rounds", "1")
    # 12 recipients over 3 years: the key gives each of the 12 a share every year (36) and every fifth
    # recipient (R01, R06, R11: 3) a fixed line every year (9), so 45 allocations, said by validate and
    # read back from the ledger.
    assert "45 allocations" in out, out
    assert "allocations recorded by a run of the generated scenario: 45" in out, out
    for label in ("jobbsats run generated (12 x 3) --quiet", "jobbsats run malmo-2024 --quiet", "import click, pluggy"):
        assert label in out, out


def test_the_suite_benchmark_takes_turns_with_another_clone_on_a_part_of_the_suite():
    # One small test file in one process, this clone against itself: the whole suite inside the suite would run for
    # ever (the next test), and another clone would need an install of its own.
    clone = str(BENCHMARKS.parent)
    out = run(
        "suite.py",
        "--rounds",
        "1",
        "--floors",
        "1",
        "--against",
        clone,
        "--",
        "tests/test_swedish_numbers.py",
        "-n",
        "0",
    )
    rows = [line for line in out.splitlines() if line.startswith("| 1 |")]
    assert len(rows) == 2 and all(" passed in " in row for row in rows), out
    assert "judged without pytest arguments" in out and "best wall, this clone / the other: " in out, out


def test_the_suite_benchmark_refuses_the_whole_suite_inside_a_suite_it_runs():
    env = {**os.environ, "JOBBSATS_SUITE_PY_OUTER": "1"}
    # With --against a folder that is no clone, so that were the guard gone this would stop there, not run the suite.
    command = [sys.executable, str(BENCHMARKS / "suite.py"), "--against", str(BENCHMARKS / "no-such-clone")]
    result = subprocess.run(command, capture_output=True, text=True, env=env)
    assert result.returncode == 2 and "would run itself" in result.stderr, result.stderr


def test_the_suite_benchmark_stops_at_a_failing_suite():
    result = subprocess.run(
        [
            sys.executable,
            str(BENCHMARKS / "suite.py"),
            "--rounds",
            "1",
            "--floors",
            "1",
            "--",
            "tests/test_money.py",
            "-n",
            "0",
            "-k",
            "no_such",
        ],
        capture_output=True,
        text=True,
    )
    # pytest's exit status 5: no test was collected, which is not a suite's time either.
    assert result.returncode == 3 and "pytest's exit status 5" in result.stdout, result.stdout + result.stderr


def test_the_suite_benchmark_refuses_to_compare_with_a_folder_that_is_no_clone(tmp_path):
    result = subprocess.run(
        # With a part of the suite to run: the whole one is refused first when the suite itself runs under suite.py.
        [sys.executable, str(BENCHMARKS / "suite.py"), "--against", str(tmp_path), "--", "tests/test_money.py"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2 and "not a clone of jobbsats" in result.stderr, result.stderr


def test_the_suite_benchmark_says_where_the_cpu_time_of_a_part_of_the_suite_went():
    # One worker (-n 1): the plugin must be loaded in xdist's workers, where the whole suite's tests run. One test of
    # test_readme.py starts processes (every benchmark script's --help, each a new Python); test_swedish_numbers.py's
    # start none, and take a few tenths of a second in the worker (a Hypothesis search).
    out = run("suite.py", "--where", "--", "tests/test_readme.py", "tests/test_swedish_numbers.py", "-n", "1")
    rows = {name: cells for name, cells in re.findall(r"^\| ([^|]+?) \| (.*) \|$", out, re.M)}
    numbers = {name: [float(n) for n in re.findall(r"(-?\d+\.\d+) s", cells)] for name, cells in rows.items()}
    passed = int(re.search(r"(\d+) passed", out)[1])
    readme, swedish = rows["tests/test_readme.py"], rows["tests/test_swedish_numbers.py"]
    assert int(readme.split(" | ")[0]) + int(swedish.split(" | ")[0]) == passed, out
    own, processes, _ = numbers["tests/test_swedish_numbers.py"]
    assert own > 0 and processes == 0, out
    own, processes, _ = numbers[
        "tests/test_readme.py::test_the_benchmark_commands_shown_take_only_options_their_scripts_have"
    ]
    assert processes >= 0.05 and own < processes, out  # six scripts' --help, each 20 ms or more of a new Python
    part = {name.split(",")[0]: values[0] for name, values in numbers.items() if values and name[:6] != "tests/"}
    assert part["start and collection"] > 0 and part["pytest's controller"] > 0, out
    assert part["that process between tests and at its end"] >= 0, out  # collection ended before the tests began


def test_the_suite_benchmark_runs_where_once_only():
    result = subprocess.run(
        [sys.executable, str(BENCHMARKS / "suite.py"), "--where", "--rounds", "2", "--", "tests/test_money.py"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2 and "--where is one run" in result.stderr, result.stderr


def suite_cpu():
    """benchmarks/suite_cpu.py as a module, loaded from its file (benchmarks/ is not put on sys.path)."""
    name = "jobbsats_benchmarks_suite_cpu"
    if name not in sys.modules:  # its dataclasses look their module up there
        spec = importlib.util.spec_from_file_location(name, BENCHMARKS / "suite_cpu.py")
        sys.modules[name] = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(sys.modules[name])
    return sys.modules[name]


def test_the_breakdown_sums_the_workers_records_and_leaves_the_controllers_replay_out():
    gw0 = [["t/a.py::x", 3.0, 1.5], ["t/a.py::y", 1.0, 0.0]]
    gw1 = [["t/b.py::z", 2.5, 4.0], ["t/b.py::w", 0.5, 0.5]]
    records = [
        {"worker": "gw0", "collected": 2.0, "total": 10.0, "tests": gw0},
        {"worker": "gw1", "collected": 2.5, "total": 6.0, "tests": gw1},
        {"worker": None, "collected": None, "total": 1.25, "tests": [["t/a.py::x", 0.5, 0.0]]},  # xdist's replay
    ]
    found = suite_cpu().breakdown(records, 30.0)
    # By hand: started 2 + 2.5 = 4.5; in the workers' tests 3 + 1 + 2.5 + 0.5 = 7; their processes 1.5 + 4 + 0.5 = 6;
    # between tests (10 + 6) - 4.5 - 7 = 4.5; the controller 1.25; not counted 30 - (4.5 + 7 + 6 + 4.5 + 1.25) = 6.75.
    assert list(found.parts.values()) == [4.5, 7.0, 6.0, 4.5, 1.25, 6.75]
    assert sum(found.parts.values()) == 30.0
    files = {name: (u.tests, u.own, u.processes, u.total) for name, u in found.files.items()}
    assert files == {"t/a.py": (2, 4.0, 1.5, 5.5), "t/b.py": (2, 3.0, 4.5, 7.5)}
    assert (found.tests["t/a.py::x"].own, found.tests["t/a.py::x"].processes) == (3.0, 1.5)  # not the replay's 0.5


def test_the_breakdown_of_a_run_without_workers_counts_the_controllers_tests():
    records = [{"worker": None, "collected": 1.5, "total": 4.0, "tests": [["t/a.py::x", 2.0, 0.25]]}]
    found = suite_cpu().breakdown(records, None)
    # No worker: the controller ran the tests (no part of its own); no total: nothing "not counted".
    assert list(found.parts.values()) == [1.5, 2.0, 0.25, 0.5]
    assert found.files["t/a.py"].total == 2.25
