"""What installing jobbsats brings (issue 16): no drawing library, and under 60 MB of site-packages.

Read from the installed distributions' own records (``importlib.metadata``): the
requirements of jobbsats followed to the end, extras left out, each one's files
summed as its RECORD lists them. pip and setuptools are not counted (a venv has them
anyway); jobbsats itself is counted from its source folders, since the test venv
installs it editable.
"""

from __future__ import annotations

import re
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement

REPO = Path(__file__).resolve().parent.parent
NOT_COUNTED = {"pip", "setuptools"}


def key(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


INSTALLED = {key(dist.metadata["Name"]): dist for dist in metadata.distributions()}


def closure(name: str, found: dict[str, metadata.Distribution]) -> dict[str, metadata.Distribution]:
    """Every distribution ``name`` needs, itself included, as installed here."""
    if key(name) in found:
        return found
    dist = INSTALLED[key(name)]
    found[key(name)] = dist
    for written in dist.requires or []:
        requirement = Requirement(written)
        if requirement.marker is not None and not requirement.marker.evaluate({"extra": ""}):
            continue  # an extra (test, ...), or not for this platform
        closure(requirement.name, found)
    return found


def test_no_drawing_library_comes_with_jobbsats():
    needed = closure("jobbsats", {})
    assert "jobbsats" in needed and "jinja2" in needed  # the walk follows requirements at all
    assert not {"matplotlib", "numpy", "pillow", "fonttools"} & set(needed), sorted(needed)


def test_an_install_with_every_format_is_under_60_mb():
    needed = closure("jobbsats", {})
    sizes = {
        name: sum(f.size or 0 for f in dist.files or [])
        for name, dist in needed.items()
        if name not in NOT_COUNTED and name != "jobbsats"
    }
    own = sum(p.stat().st_size for folder in ("core", "rules", "reports") for p in (REPO / folder).rglob("*.py"))
    total = sum(sizes.values()) + own
    assert sizes["python-docx"] > 0 and sizes["xlsxwriter"] > 0  # RECORD sizes are there to be summed
    assert total < 60_000_000, {name: round(size / 1e6, 1) for name, size in sorted(sizes.items())}
