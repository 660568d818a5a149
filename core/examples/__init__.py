"""Scenario files shipped with jobbsats, runnable by name."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path


def folder() -> Path:
    return Path(str(files(__name__)))


def names() -> list[str]:
    return sorted(p.stem for p in folder().glob("*.toml"))


def path_of(name: str) -> Path | None:
    candidate = folder() / f"{name}.toml"
    return candidate if name in names() else None


def utfall_of(name: str) -> Path | None:
    """The sample utfall export shipped with an example (``NAME.utfall.csv``), if it has one."""
    candidate = folder() / f"{name}.utfall.csv"
    return candidate if candidate.is_file() else None


def summary(name: str) -> str:
    """The example's first comment line, without the ``#``."""
    path = path_of(name)
    for line in path.read_text(encoding="utf-8").splitlines() if path is not None else ():
        if line.startswith("#"):
            return line.lstrip("# ").strip()
    return ""
