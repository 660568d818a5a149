"""Every hook has a section in CONTRIBUTING.md's hooks reference, with its arguments and an example."""

from __future__ import annotations

import inspect
import re
from pathlib import Path

from jobbsats import hookspecs

CONTRIBUTING = (Path(__file__).resolve().parents[1] / "CONTRIBUTING.md").read_text(encoding="utf-8")


def hooks() -> dict[str, inspect.Signature]:
    return {
        name: inspect.signature(function)
        for name, function in inspect.getmembers(hookspecs, inspect.isfunction)
        if hasattr(function, "jobbsats_spec")
    }


def section(name: str) -> str:
    reference = CONTRIBUTING[CONTRIBUTING.index("## Hooks reference") :]
    reference = reference[: reference.index("\n## ", 3)]
    match = re.search(rf"^### `{name}\((?P<args>[^)]*)\)`\n(?P<body>.*?)(?=^### |\Z)", reference, re.M | re.S)
    assert match, f"CONTRIBUTING.md's hooks reference has no section for the hook {name!r}"
    return match


def test_the_hooks_are_found():
    assert set(hooks()) == {
        "register_rules",
        "register_reports",
        "register_formats",
        "register_commands",
        "config_schema",
    }


def test_every_hook_has_a_section_with_its_arguments_and_an_example():
    for name, signature in hooks().items():
        match = section(name)
        assert match["args"].split(", ") == [p for p in signature.parameters] or (
            not signature.parameters and not match["args"]
        ), f"{name}: the section's arguments ({match['args']}) are not the hook's ({list(signature.parameters)})"
        body = match["body"]
        for parameter in signature.parameters:
            assert f"- `{parameter}`" in body, f"{name}: argument {parameter!r} is not described"
        assert f"@jobbsats.hookimpl\ndef {name}(" in body, f"{name}: no example implementing it"
