"""``ledger``: jobbsats's ``jobbsats_ledger`` fixture with only this plugin, and the shipped test data.

``jobbsats_ledger.use`` registers the module as if it were installed, with
``JOBBSATS_LOAD_PLUGINS=''`` keeping every other installed plugin out, so the in-process
tests need no ``pip install``.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import jobbsats_asf

DATA = Path(__file__).parent / "data"


@pytest.fixture
def ledger(jobbsats_ledger):
    """The ledger, running with this plugin only; tests/data copied into ``ledger.folder``."""
    jobbsats_ledger.use(jobbsats_asf, "asf")
    for f in DATA.iterdir():
        shutil.copy(f, jobbsats_ledger.folder / f.name)
    return jobbsats_ledger


@pytest.fixture
def iop(ledger):
    """``iop(csv_text=None, *replacements)``: the shipped iop.toml in the ledger's folder, with its CSV
    (or ``csv_text``, text or bytes, instead) and each ``(old, new)`` text replaced; returns its path."""

    def write(csv_text: str | bytes | None = None, *replacements: tuple[str, str]) -> Path:
        text = (DATA / "iop.toml").read_text(encoding="utf-8")
        for old, new in replacements:
            assert old in text, old
            text = text.replace(old, new)
        path = ledger.folder / "iop.toml"
        path.write_text(text, encoding="utf-8")
        csv_path = ledger.folder / "indikatorer-2024.csv"
        if csv_text is None:
            shutil.copy(DATA / "indikatorer-2024.csv", csv_path)
        elif isinstance(csv_text, bytes):
            csv_path.write_bytes(csv_text)
        else:
            csv_path.write_text(csv_text, encoding="utf-8")
        return path

    return write
