"""``ledger``: jobbsats's ``jobbsats_ledger`` fixture with only this plugin, and the test data to edit.

``jobbsats_ledger.use`` registers the module as if it were installed, with
``JOBBSATS_LOAD_PLUGINS=''`` keeping every other installed plugin out (another
department's included), so the in-process tests need no ``pip install``.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import jobbsats_stadskontoret

DATA = Path(__file__).parent / "data"
SECTION = '\n[stadskontoret]\nagreements = "avtal-2024.toml"\n'


@pytest.fixture
def ledger(jobbsats_ledger):
    """The ledger, running with this plugin only; a copy of tests/data to edit in ``ledger.folder``."""
    jobbsats_ledger.use(jobbsats_stadskontoret, "stadskontoret")
    for f in DATA.iterdir():
        shutil.copy(f, jobbsats_ledger.folder / f.name)
    return jobbsats_ledger


@pytest.fixture
def edit(ledger):
    """``edit((old, new), ..., name="avtal-2024.toml")``: replace the first of each old text in a file of
    the ledger's folder, in turn (the same text may be replaced differently twice); each must be there."""

    def replace(*replacements: tuple[str, str], name: str = "avtal-2024.toml") -> Path:
        path = ledger.folder / name
        text = path.read_text(encoding="utf-8")
        for old, new in replacements:
            assert old in text, old
            text = text.replace(old, new, 1)
        path.write_text(text, encoding="utf-8")
        return path

    return replace


@pytest.fixture
def period_scenario(ledger) -> Path:
    """period.toml: the bundled 2024-2026 example with a
    [stadskontoret] section, in the ledger's folder: three years of grants."""
    path = ledger.folder / "period.toml"
    path.write_text(ledger.example("malmo-2024-2026").read_text(encoding="utf-8") + SECTION, encoding="utf-8")
    return path
