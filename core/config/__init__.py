"""Reading and validating scenario files (TOML + Cerberus).

``load_scenario`` is loaded on first use: importing ``jobbsats.config.schema`` (the plugin registry does, for the
core's keys) must not import Cerberus and the TOML reader for a command that reads no scenario file (a report).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from jobbsats.config.load import load_scenario

__all__ = ["load_scenario"]


def __getattr__(name: str) -> Any:
    if name == "load_scenario":
        from jobbsats.config.load import load_scenario

        return load_scenario
    raise AttributeError(f"module 'jobbsats.config' has no attribute {name!r}")
