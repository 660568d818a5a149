"""The wheel holds the `jobbsats` package and nothing under the folder names core/rules/reports."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # processes, benchmarks or a wheel: seconds each

REPO = Path(__file__).resolve().parents[1]


def test_the_wheel_maps_the_folders_onto_one_package(tmp_path):
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "-q",
            "--no-deps",
            "--no-build-isolation",
            "-w",
            str(tmp_path),
            str(REPO),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    (wheel,) = tmp_path.glob("jobbsats-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    for expected in (
        "jobbsats/__init__.py",
        "jobbsats/hookspecs.py",
        "jobbsats/cli/run.py",
        "jobbsats/examples/malmo-2024.toml",
        "jobbsats/rules/fixed.py",
        "jobbsats/rules/percentage_key.py",
        "jobbsats/reports/beslut.py",
        "jobbsats/reports/formats/markdown.py",
    ):
        assert expected in names
    top = {name.split("/")[0] for name in names}
    assert {t for t in top if not t.endswith(".dist-info")} == {"jobbsats"}
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    assert "jobbsats = jobbsats.console:main" in zipfile.ZipFile(wheel).read(entry_points).decode()
