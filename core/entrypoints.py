"""Which outside plugins are installed and allowed, without importing them or pluggy.

Kept apart from :mod:`jobbsats.plugins` so that the command line can ask
"are there any?" cheaply on every start.

Every command asks, so the entry points are read the way the packaging specifications lay them out
("Recording installed projects", "Entry points"): each folder on ``sys.path``, its ``*.dist-info`` and
``*.egg-info`` folders, a distribution counted once (the first found, by its normalised name, as
:mod:`importlib.metadata` does), and the ``[jobbsats]`` section of its ``entry_points.txt``. Importing
:mod:`importlib.metadata` itself costs more than ``import click`` (it brings :mod:`email`, :mod:`zipfile`
and :mod:`csv`), for a scan of a few small files. Where ``sys.path`` holds something else (a zip file),
:mod:`importlib.metadata` reads it all instead. tests/test_entrypoints.py holds the two to the same answer.
"""

from __future__ import annotations

import importlib
import os
import re
import sys
from typing import TYPE_CHECKING, Any, NamedTuple

from jobbsats.errors import PluginError

if TYPE_CHECKING:
    from collections.abc import Iterator

ENTRY_POINT_GROUP = "jobbsats"
ALLOWLIST_ENV = "JOBBSATS_LOAD_PLUGINS"


def allowlist() -> set[str] | None:
    """Names from ``JOBBSATS_LOAD_PLUGINS``: None when unset (load all), empty set for none."""
    raw = os.environ.get(ALLOWLIST_ENV)
    if raw is None:
        return None
    return {name.strip() for name in raw.split(",") if name.strip()}


# Named tuples rather than dataclasses: every command, --help included, imports this module, and a
# dataclass costs about a millisecond to create.
class Distribution(NamedTuple):
    """An installed distribution, as its metadata names it."""

    name: str
    version: str


class EntryPoint(NamedTuple):
    """A ``jobbsats`` entry point: ``name = value`` (``module`` or ``module:attribute``) of ``dist``."""

    name: str
    value: str
    dist: Distribution | None

    def load(self) -> Any:
        """Import the module and return it, or the attribute the value names in it."""
        module, _, attribute = self.value.partition(":")
        found = importlib.import_module(module.strip())
        for part in filter(None, attribute.strip().split(".")):
            found = getattr(found, part)
        return found


def _normalised(name: str) -> str:
    return re.sub(r"[-_.]+", "_", name).lower()


def _section(text: str, group: str) -> Iterator[tuple[str, str]]:
    """The ``name = value`` lines of ``[group]`` in an ``entry_points.txt`` (an INI file)."""
    inside = False
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("[") and line.endswith("]"):
            inside = line[1:-1].strip() == group
        elif inside and "=" in line:
            name, _, value = line.partition("=")
            yield name.strip(), value.strip()


def _metadata(folder: str) -> Distribution:
    """Name and version from the headers of a distribution's ``METADATA`` (``PKG-INFO`` for an egg)."""
    fields: dict[str, str] = {}
    for file in ("METADATA", "PKG-INFO"):
        try:
            with open(os.path.join(folder, file), encoding="utf-8", errors="replace") as handle:
                for line in handle:
                    if not line.strip():
                        break  # the headers end at the first empty line
                    key, _, value = line.partition(":")
                    fields.setdefault(key.strip().lower(), value.strip())
            break
        except OSError:
            continue
    return Distribution(fields.get("name", ""), fields.get("version", ""))


def _scanned(group: str) -> list[EntryPoint] | None:
    """The entry points of ``group``, read from the folders on ``sys.path``; None when one is not a folder."""
    seen: set[str] = set()
    found: list[EntryPoint] = []
    for entry in sys.path:
        root = entry or "."
        try:
            children = os.listdir(root)
        except NotADirectoryError:
            return None  # a zip file: importlib.metadata reads those
        except OSError:
            continue  # a folder that is not there (yet), as importlib.metadata skips it
        infos: dict[str, list[str]] = {}
        for child in children:
            low = child.lower()
            if low.endswith((".dist-info", ".egg-info")):
                infos.setdefault(_normalised(low.rpartition(".")[0].partition("-")[0]), []).append(child)
        for normalised, folders in infos.items():
            for child in folders:
                if normalised in seen:
                    break
                folder = os.path.join(root, child)
                try:
                    with open(os.path.join(folder, "entry_points.txt"), encoding="utf-8") as handle:
                        text = handle.read()
                except (FileNotFoundError, NotADirectoryError):
                    text = ""  # a distribution without entry points (an egg-info may be a file)
                except OSError:
                    continue  # unreadable: skipped
                seen.add(normalised)
                if f"[{group}]" in text:
                    dist = _metadata(folder)
                    found += [EntryPoint(name, value, dist) for name, value in _section(text, group)]
    return found


_scans: dict[str, list[EntryPoint] | None] = {}  # by group: what this process found installed


def forget() -> None:
    """Scan again on the next asking (after a plugin was installed or removed): :func:`jobbsats.plugins.reset`."""
    _scans.clear()


def installed(group: str = ENTRY_POINT_GROUP) -> list[Any]:
    """Every installed entry point of ``group``, in :mod:`importlib.metadata`'s order.

    Scanned once a process (until :func:`forget`): every command asks twice, for its plugins' commands and
    then for the plugins, and what is installed is fixed for the process as its plugin manager is.
    """
    if group not in _scans:
        _scans[group] = _scanned(group)
    found = _scans[group]
    if found is None:
        from importlib.metadata import entry_points

        return list(entry_points(group=group))
    return list(found)


def outside_entry_points() -> list[Any]:
    """The installed ``jobbsats`` entry points the allowlist lets through."""
    allowed = allowlist()
    if allowed == set():
        return []  # no outside plugins wanted: skip the scan of every installed package
    found = installed()
    if allowed is None:
        return found
    missing = allowed - {ep.name for ep in found}
    if missing:
        raise PluginError(
            f"{ALLOWLIST_ENV} names {', '.join(sorted(missing))}, but no such plugin is installed "
            f"(installed: {', '.join(sorted(ep.name for ep in found)) or 'none'})"
        )
    return [ep for ep in found if ep.name in allowed]


def how_to_disable(name: str, distribution: str) -> str:
    return (
        f"To run without it, set {ALLOWLIST_ENV} to the plugins you want "
        f"({ALLOWLIST_ENV}='' for none), or `pip uninstall {distribution}`."
    )
