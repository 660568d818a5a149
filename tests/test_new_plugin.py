"""CONTRIBUTING.md's fifteen-minute tutorial, step by step: scaffold, install, test, run, see the report.

The commands are read from the tutorial's ``<!-- tutorial -->`` block and carried out as written,
with two changes so the test's own environment stays clean: ``pip install`` installs into a
temporary folder (``--target``, on ``PYTHONPATH`` for the later steps) instead of the running
environment, and the ledger is a temporary file.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

from jobbsats.plugins import add_plugin

CONTRIBUTING = Path(__file__).resolve().parents[1] / "CONTRIBUTING.md"
NBSP = "\u00a0"
# pytest plugins of this test environment (the test extra) that someone following the tutorial does not have:
# left out of the plugin's own pytest, they save it half a second of start-up each and change nothing it runs.
NOT_THE_READERS = ["-p", "no:hypothesispytest", "-p", "no:xdist", "-p", "no:anyio"]


def tutorial() -> list[list[str]]:
    text = CONTRIBUTING.read_text(encoding="utf-8")
    block = re.search(r"<!-- tutorial -->\n```console\n(.*?)```", text, re.S)
    assert block, "CONTRIBUTING.md has no <!-- tutorial --> block"
    return [shlex.split(line[2:]) for line in block[1].splitlines() if line.startswith("$ ")]


def test_the_tutorial_steps_work_as_written(tmp_path):
    steps = tutorial()
    assert [s[:2] for s in steps] == [
        ["jobbsats", "new-plugin"],
        ["pip", "install"],
        ["pytest", "demo"],
        ["jobbsats", "plugins"],
        ["jobbsats", "run"],
        ["jobbsats", "report"],
    ], "the tutorial changed: change this test with it"
    site = tmp_path / "site"
    env = {k: v for k, v in os.environ.items() if k not in ("JOBBSATS_LOAD_PLUGINS", "PYTHONPATH")}
    env |= {"PYTHONPATH": str(site), "JOBBSATS_DB": str(tmp_path / "ledger.db"), "PYTHONUTF8": "1"}
    outputs = []
    for step in steps:
        if step[0] == "jobbsats":
            command = [sys.executable, "-c", "from jobbsats.cli import main; main()", *step[1:]]
        elif step[0] == "pip":
            # Not editable, and into a folder of its own: the test must not change the environment it runs in.
            package = step[-1].split("[")[0].strip("'")
            command = [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--no-build-isolation"]
            command += ["--no-index", "--target", str(site), package]
        else:
            command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *NOT_THE_READERS, *step[1:]]
        done = subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, f"step {' '.join(step)!r} failed:\n{done.stdout}\n{done.stderr}"
        outputs.append(done.stdout)
    scaffold, _pip, tests, listing, _run, report = outputs
    assert (tmp_path / "demo" / "jobbsats_demo.py").is_file() and "Wrote the report plugin demo" in scaffold
    assert "3 passed" in tests
    assert "demo 0.1.0 (jobbsats-demo)\n    reports: demo" in listing
    # The 2024 example: ASN 9 000 000 + 13 056 000; KS keeps 500 000 + 1 536 000 of what it got.
    assert f"| 2024 | Arbetsmarknads- och socialnämnden | 22{NBSP}056{NBSP}000 |" in report
    assert f"| 2024 | Kommunstyrelsen | 2{NBSP}036{NBSP}000 |" in report
    assert f"| **Summa** | **40{NBSP}000{NBSP}000** |" in report


def test_new_plugin_refuses_a_bad_name_and_an_existing_folder(cli, tmp_path):
    for name in ("Demo-1", "x_", "a__b", "1x"):
        bad = cli("new-plugin", name, "--dir", tmp_path)
        assert bad.exit_code == 1 and "words joined by single _" in bad.stderr, name
    taken = cli("new-plugin", "fordelning", "--dir", tmp_path)
    assert taken.exit_code == 1 and "'fordelning' is a report already (from jobbsats.reports)" in taken.stderr
    assert cli("new-plugin", "lika", "--rule", "--dir", tmp_path).exit_code == 0
    assert (tmp_path / "lika" / "jobbsats_lika.py").read_text(encoding="utf-8").count("class Lika") == 1
    again = cli("new-plugin", "lika", "--dir", tmp_path)
    assert again.exit_code == 1 and "exists already" in again.stderr


def test_the_scaffolded_rule_splits_a_fund_of_places_in_whole_places(cli, tmp_path):
    """1 516 platser in three: 506 + 505 + 505 (the rule's unit is the fund's, not öre)."""
    assert cli("new-plugin", "lika", "--rule", "--dir", tmp_path).exit_code == 0
    source = (tmp_path / "lika" / "jobbsats_lika.py").read_text(encoding="utf-8")
    namespace: dict = {}
    exec(compile(source, "jobbsats_lika.py", "exec"), namespace)  # the module as written, without installing it
    add_plugin(SimpleNamespace(register_rules=namespace["register_rules"]), "lika")
    text = """
[scenario]
name = "Platser"
[recipients.A]
name = "a"
kind = "nämnd"
[recipients.B]
name = "b"
kind = "nämnd"
[recipients.C]
name = "c"
kind = "nämnd"
[funds.p]
name = "Platser"
unit = "platser"
total = { 2024 = 1516 }
[[rules]]
rule = "lika"
to = ["A", "B", "C"]
"""
    path = tmp_path / "platser.toml"
    path.write_text(text, encoding="utf-8")
    assert cli("run", path, "--quiet").exit_code == 0
    rows = cli.json_report("fordelning")["rows"]
    assert [(r["recipient_id"], r["amount"]) for r in rows if r.get("recipient_id")] == [
        ("A", 506),
        ("B", 505),
        ("C", 505),
    ]


def test_the_scaffolded_rule_passes_its_own_tests_with_the_kit_alone(tmp_path):
    """`new-plugin NAME --rule`, installed as the tutorial installs, passes its four tests (kronor split
    334/333/333 kr, 1 516 places split 506/505/505, a run, an unknown recipient) with only the fixture."""
    site = tmp_path / "site"
    env = {k: v for k, v in os.environ.items() if k not in ("JOBBSATS_LOAD_PLUGINS", "PYTHONPATH")}
    env |= {"PYTHONPATH": str(site), "PYTHONUTF8": "1"}
    steps = [
        [sys.executable, "-c", "from jobbsats.cli import main; main()", "new-plugin", "lika", "--rule"],
        [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--no-build-isolation", "--no-index"]
        + ["--target", str(site), "./lika"],
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *NOT_THE_READERS, "lika"],
    ]
    for command in steps:
        done = subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, f"{command[-1]!r} failed:\n{done.stdout}\n{done.stderr}"
    assert "4 passed" in done.stdout
