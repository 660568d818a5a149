"""Reading and validating scenario files (TOML + Cerberus)."""

from jobbsats.config.load import load_scenario

__all__ = ["load_scenario"]
