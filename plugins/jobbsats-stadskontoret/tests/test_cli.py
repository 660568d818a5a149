"""The installed package through the real command line, in subprocesses.

These need ``jobbsats-stadskontoret`` installed where the tests run (CI runs
``pip install ./plugins/jobbsats-stadskontoret`` first): the entry point is what
is tested here. ``JOBBSATS_LOAD_PLUGINS=stadskontoret`` keeps any other
department's plugin out, so a broken neighbour cannot fail these tests.
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
KR = 100

try:
    distribution("jobbsats-stadskontoret")
except PackageNotFoundError:
    pytestmark = pytest.mark.skip(
        reason="jobbsats-stadskontoret is not installed here; pip install ./plugins/jobbsats-stadskontoret first"
    )


# The jobbsats installed next to the Python running the tests; PATH's might belong to another environment.
JOBBSATS = shutil.which("jobbsats", path=str(Path(sys.executable).parent)) or "jobbsats"


@pytest.fixture
def jobbsats(tmp_path):
    for f in DATA.iterdir():
        shutil.copy(f, tmp_path / f.name)

    def run(*args: str, allow: str = "stadskontoret") -> subprocess.CompletedProcess:
        env = {k: v for k, v in os.environ.items() if k not in ("JOBBSATS_DB", "PYTHONPATH")}
        env |= {"JOBBSATS_LOAD_PLUGINS": allow, "PYTHONUTF8": "1"}
        return subprocess.run(
            [JOBBSATS, *map(str, args)],
            env=env,
            cwd=tmp_path,
            capture_output=True,
            text=True,
            encoding="utf-8",
            timeout=60,
        )

    return run


def test_run_and_report(jobbsats, tmp_path):
    db = tmp_path / "ledger.db"
    done = jobbsats("run", "avtal.toml", "--db", db)
    assert done.returncode == 0, done.stderr

    avtal = jobbsats("report", "avtal", "--db", db, "-f", "json")
    assert avtal.returncode == 0, avtal.stderr
    rows = {r["agreements"]: r for r in json.loads(avtal.stdout)["rows"]}
    # 2 450 000 kr each; Tillväxt Malmö used 2 412 300,50 kr: 37 699,50 kr left.
    assert rows["STK-2023-1150"]["granted_ore"] == 2_450_000 * KR
    assert rows["STK-2023-1150"]["difference_ore"] == 37_699 * KR + 50
    assert rows["STK-2023-1149"]["status"] == "försenad"

    md = jobbsats("report", "avtal", "--db", db, "-f", "md")
    assert md.returncode == 0, md.stderr
    assert md.stdout.startswith("# Uppföljning av avtal: Strategiska jobbsatsningar 2024\n")
    assert "| 2024 | STK-2023-1149 | Level |" in md.stdout

    arshjul = jobbsats("report", "arshjul", "--db", db)
    assert arshjul.returncode == 0, arshjul.stderr
    assert "| 2024 | 1 | november | 2023 | år 1 | Kommunfullmäktige |" in arshjul.stdout
    assert "| 2024 | 4 | januari/februari | 2025 | år 3 | Respektive nämnd |" in arshjul.stdout


def test_plugins_lists_the_plugin_and_its_reports(jobbsats):
    text = jobbsats("plugins")
    assert text.returncode == 0, text.stderr
    assert "stadskontoret 0.1.0 (jobbsats-stadskontoret)\n    reports: arshjul, avtal\n" in text.stdout
    listed = {p["name"]: p for p in json.loads(jobbsats("plugins", "--json").stdout)}
    assert listed["stadskontoret"]["reports"] == ["arshjul", "avtal"]
    assert listed["stadskontoret"]["builtin"] is False


def test_without_the_plugin(jobbsats, tmp_path):
    db = tmp_path / "ledger.db"
    # A scenario without a [stadskontoret] section runs as ever.
    done = jobbsats("run", "malmo-2024", "--db", db, allow="")  # a bundled example
    assert done.returncode == 0, done.stderr
    for name in ("avtal", "arshjul"):
        refused = jobbsats("report", name, "--db", db, allow="")
        assert refused.returncode == 1
        assert refused.stderr.startswith(f"Error: unknown report '{name}'")
    assert "stadskontoret" not in jobbsats("plugins", allow="").stdout
    # A scenario with the section names it, rather than ignoring what it cannot check.
    section = jobbsats("run", "avtal.toml", "--db", tmp_path / "other.db", allow="")
    assert section.returncode == 1
    assert "stadskontoret: unknown key" in section.stderr
