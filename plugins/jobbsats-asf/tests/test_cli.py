"""The real command line in a subprocess, with jobbsats-asf installed as a user would install it.

CI runs ``pip install ./plugins/jobbsats-asf`` before pytest; without the distribution these tests
are skipped (the in-process tests register the module by hand and run anyway).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from importlib.metadata import PackageNotFoundError, distribution
from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"
NBSP = "\u00a0"

try:
    distribution("jobbsats-asf")
except PackageNotFoundError:
    pytestmark = pytest.mark.skip(reason="jobbsats-asf is not installed: pip install ./plugins/jobbsats-asf first")

# The jobbsats installed next to the Python running the tests; PATH's might belong to another environment.
JOBBSATS = shutil.which("jobbsats", path=str(Path(sys.executable).parent)) or "jobbsats"


def jobbsats(*args: object, plugins: str | None = "asf", cwd: Path) -> subprocess.CompletedProcess:
    """``jobbsats ARGS``; ``plugins`` is JOBBSATS_LOAD_PLUGINS (only this plugin by default, so a plugin
    being worked on elsewhere in the environment cannot break these tests), None for unset."""
    env = {k: v for k, v in os.environ.items() if k not in ("JOBBSATS_LOAD_PLUGINS", "JOBBSATS_DB")}
    if plugins is not None:
        env["JOBBSATS_LOAD_PLUGINS"] = plugins
    return subprocess.run(
        [JOBBSATS, *map(str, args)], cwd=cwd, env=env, capture_output=True, text=True, encoding="utf-8", timeout=60
    )


def test_run_and_report_in_json_and_markdown(tmp_path):
    db = tmp_path / "ledger.db"
    ran = jobbsats("run", DATA / "iop.toml", "--db", db, "--quiet", cwd=tmp_path)
    assert ran.returncode == 0, ran.stderr
    as_json = jobbsats("report", "iop", "--db", db, "-f", "json", cwd=tmp_path)
    assert as_json.returncode == 0, as_json.stderr
    payload = json.loads(as_json.stdout)
    assert payload["report"] == "iop"
    goals = [r for r in payload["rows"] if r["table"] == "iop_mal"]
    # 78 + 81 + 70 + 83 = 312 of 300 = 104 %; 9 + 11 + 8 + 13 = 41 of 40 = 102,5 %.
    assert [(r["outcome"], r["goal"], r["attainment_percent"]) for r in goals] == [
        (312, 300, 104.0),
        (41, 40, 102.5),
    ]
    as_md = jobbsats("report", "iop", "--db", db, "-f", "md", cwd=tmp_path)
    assert as_md.returncode == 0, as_md.stderr
    assert f"| 2024 | MFF Karriärakademien | I matchning | 1–4 | 312 | 300 | 104,0{NBSP}% |" in as_md.stdout
    assert "| 2024 | 1 | Botildenborg | 18 | 0 | 0 | <5 |" in as_md.stdout


def test_plugins_lists_asf_and_its_report(tmp_path):
    listed = jobbsats("plugins", "--json", cwd=tmp_path)
    assert listed.returncode == 0, listed.stderr
    asf = [p for p in json.loads(listed.stdout) if p["name"] == "asf"]
    assert len(asf) == 1
    assert asf[0]["distribution"] == "jobbsats-asf" and asf[0]["reports"] == ["iop"]
    assert "reports: iop" in jobbsats("plugins", cwd=tmp_path).stdout


def test_without_the_plugin(tmp_path):
    db = tmp_path / "ledger.db"
    # The core still runs a scenario without an [asf] section...
    ran = jobbsats("run", "malmo-2024", "--db", db, "--quiet", plugins="", cwd=tmp_path)  # a bundled example
    assert ran.returncode == 0, ran.stderr
    # ...but knows no report iop, and no [asf] section either.
    report = jobbsats("report", "iop", "--db", db, plugins="", cwd=tmp_path)
    assert report.returncode == 1
    assert "unknown report 'iop'" in report.stderr
    refused = jobbsats("run", DATA / "iop.toml", "--db", db, plugins="", cwd=tmp_path)
    assert refused.returncode == 1
    assert "asf: unknown key" in refused.stderr
    assert "Traceback" not in report.stderr + refused.stderr


def test_a_bad_csv_is_an_error_not_a_traceback(tmp_path):
    shutil.copy(DATA / "iop.toml", tmp_path / "iop.toml")
    (tmp_path / "indikatorer-2024.csv").write_text(
        "partner;år;kvartal;deltagare;matchning;anställda;studier\nmff;2024;1;85;-1;9;2\n", encoding="utf-8"
    )
    db = tmp_path / "ledger.db"
    assert jobbsats("run", "iop.toml", "--db", db, "--quiet", cwd=tmp_path).returncode == 0
    report = jobbsats("report", "iop", "--db", db, cwd=tmp_path)
    assert report.returncode == 1
    assert (
        report.stderr == f"Error: {tmp_path / 'indikatorer-2024.csv'}: line 2: matchning must not be negative, not -1\n"
    )
