"""The public API: one import, listed in ``__all__``, documented, versioned, and the only thing plugins use."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

import jobbsats
from jobbsats import plugins
from jobbsats.errors import PluginError

REPO = Path(__file__).resolve().parent.parent


def test_import_jobbsats_lists_the_api_in_a_new_process():
    out = subprocess.run(
        [sys.executable, "-c", "import jobbsats, sys; print(jobbsats.__all__); print('pluggy' in sys.modules)"],
        capture_output=True,
        text=True,
        check=True,
        cwd=REPO / "tests",
    ).stdout.splitlines()
    listed = eval(out[0])  # a list of names, printed by Python itself
    for name in ("hookimpl", "FundRule", "ProjectRule", "Allocation", "RuleResult", "Report", "Document", "MONEY"):
        assert name in listed
    assert out[1] == "False", "import jobbsats must stay light: the names load on first use"


def test_every_public_name_resolves_and_no_private_one_does():
    for name in jobbsats.__all__:
        assert getattr(jobbsats, name) is not None, name
    with pytest.raises(AttributeError):
        jobbsats.kronor_to_ore  # noqa: B018 - the kronor helper a rule could misuse is not public
    assert len(set(jobbsats.__all__)) == len(jobbsats.__all__)


def test_the_reference_page_is_the_api_as_it_is():
    written = (REPO / "docs" / "api.md").read_text(encoding="utf-8")
    made = subprocess.run(
        [sys.executable, str(REPO / "docs" / "api.py")], capture_output=True, text=True, check=True
    ).stdout
    assert written == made, "docs/api.md is stale: run `python docs/api.py > docs/api.md`"
    headed = re.findall(r"^### `([^`]+)`$", written, re.M)
    assert sorted(headed) == sorted(jobbsats.__all__)


# What counts as reaching past the API: a submodule imported in any spelling.
_SUBMODULE = re.compile(r"^\s*(?:import\s+jobbsats\.\w|from\s+jobbsats\.\w[\w.]*\s+import\b)", re.M)
_FROM_JOBBSATS = re.compile(r"^\s*from\s+jobbsats\s+import\s+(\([^)]*\)|[^\n#]+)", re.M)


def reaches_past_the_api(source: str) -> list[str]:
    """The imports in ``source`` that name a jobbsats submodule or a name outside ``jobbsats.__all__``."""
    found = [m.group(0).strip() for m in _SUBMODULE.finditer(source)]
    for m in _FROM_JOBBSATS.finditer(source):
        names = [n.split(" as ")[0].strip() for n in m.group(1).strip("()").replace("\n", " ").split(",")]
        found += [f"from jobbsats import {n}" for n in names if n and n not in jobbsats.__all__]
    return found


def test_the_checker_finds_each_spelling_of_a_submodule_import():
    assert reaches_past_the_api("import jobbsats\nfrom jobbsats import Allocation, MONEY\n") == []
    for bad in (
        "from jobbsats.money import parse_kronor",
        "import jobbsats.rules",
        "    from jobbsats.ledger.view import LedgerView",
        "from jobbsats import plugins",
        "from jobbsats import (\n    Allocation,\n    registry,\n)",
    ):
        assert reaches_past_the_api(bad), bad


def _plugin_sources() -> dict[str, str]:
    tracked = subprocess.run(
        ["git", "ls-files", "plugins", "core/scaffold"], capture_output=True, text=True, check=True, cwd=REPO
    ).stdout.split()
    sources = {
        path: (REPO / path).read_text(encoding="utf-8")
        for path in tracked
        if path.endswith((".py", ".tmpl")) and (REPO / path).exists()
    }
    contributing = (REPO / "CONTRIBUTING.md").read_text(encoding="utf-8")
    for i, block in enumerate(re.findall(r"```python\n(.*?)```", contributing, re.S)):
        sources[f"CONTRIBUTING.md python block {i + 1}"] = block
    return sources


def test_plugins_templates_and_the_tutorial_use_only_the_api():
    sources = _plugin_sources()
    assert any(p.startswith("plugins/") for p in sources) and any(p.endswith(".tmpl") for p in sources)
    offending = {path: found for path, source in sources.items() if (found := reaches_past_the_api(source))}
    assert offending == {}


def test_a_plugin_that_needs_a_newer_api_is_refused_by_name():
    major, minor = (int(p) for p in jobbsats.API_VERSION.split("."))
    newer = SimpleNamespace(requires_api=f"{major}.{minor + 1}")
    with pytest.raises(PluginError) as caught:
        plugins.add_plugin(newer, "from_the_future", "2.0")
    message = str(caught.value)
    assert "'from_the_future'" in message
    assert f"{major}.{minor + 1}" in message and jobbsats.API_VERSION in message
    plugins.add_plugin(SimpleNamespace(requires_api=jobbsats.API_VERSION), "of_today")  # the same version is fine
    with pytest.raises(PluginError, match=f"needs jobbsats plugin API {major + 1}.0"):
        plugins.add_plugin(SimpleNamespace(requires_api=f"{major + 1}.0"), "next_major")


def test_allocations_own_init_is_the_one_a_frozen_dataclass_would_write():
    import dataclasses
    import inspect

    from jobbsats import Allocation

    # The twin: the same fields, with the __init__ dataclass generates.
    twin = dataclasses.make_dataclass(
        "Allocation",
        [(f.name, f.type, f) for f in dataclasses.fields(Allocation)],
        frozen=True,
    )
    # (the generated one says it returns None; this one says nothing, as docs/api.md shows)
    assert inspect.signature(Allocation).parameters == inspect.signature(twin).parameters
    assert [(f.name, f.default) for f in dataclasses.fields(Allocation)] == [
        (f.name, f.default) for f in dataclasses.fields(twin)
    ]
    for args, kwargs in (
        (("FSN", 100, "rules[0].lines[0]"), {}),
        (
            ("FSN", 100, "rules[0].lines[0]", "Ung i sommar", "beviljar", "KS", (2024, 2026), ("STK-1",), "$recipient"),
            {},
        ),
        (("FSN",), {"amount": 5, "source": "s", "via": "KS", "text": None}),
    ):
        ours, theirs = Allocation(*args, **kwargs), twin(*args, **kwargs)
        assert vars(ours) == vars(theirs)
        assert repr(ours).removeprefix("Allocation") == repr(theirs).removeprefix("Allocation")
        assert ours == Allocation(*args, **kwargs) and hash(ours) == hash(Allocation(*args, **kwargs))
        assert dataclasses.replace(ours, amount=7).amount == 7 and ours.amount != 7
        with pytest.raises(dataclasses.FrozenInstanceError):
            ours.amount = 1  # type: ignore[misc]
    for args, kwargs in (
        ((), {}),
        (("FSN", 1), {}),
        (("FSN", 1, "s"), {"colour": "red"}),
        (("FSN", 1, "s", *"x" * 7), {}),
    ):
        with pytest.raises(TypeError):
            Allocation(*args, **kwargs)
        with pytest.raises(TypeError):
            twin(*args, **kwargs)


def test_a_plugins_subclass_of_allocation_is_made_as_the_generated_init_would():
    from jobbsats import Allocation

    class Labelled(Allocation):
        @property
        def label(self):  # read-only: the generated __init__ could not set it
            return "fixed"

    with pytest.raises(AttributeError):
        Labelled("FSN", 1, "s")

    class Plain(Allocation):
        pass

    made = Plain("FSN", 1, "s", label="x")
    assert (made.to, made.amount, made.source, made.label) == ("FSN", 1, "s", "x")
