"""The README's example output is what the reports print for the shipped test data."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[1] / "README.md"
OUTPUT_BLOCK = re.compile(r"^<!-- output: (?P<args>[^>]+?) -->\n```[\w-]*\n(?P<body>.*?)^```$", re.M | re.S)


def readme_output(args: str) -> str:
    found = [m["body"] for m in OUTPUT_BLOCK.finditer(README.read_text(encoding="utf-8")) if m["args"] == args]
    assert len(found) == 1, f"README.md has {len(found)} output blocks for {args!r}"
    return found[0]


@pytest.mark.parametrize("report", ["avtal", "arshjul"])
def test_readme_output(folder, report):
    folder.run()
    result = folder.cli("report", report)
    assert result.exit_code == 0, result.output
    # Markdown keeps numbers together with non-breaking spaces; the README has plain ones.
    assert result.stdout.replace("\u00a0", " ").strip() == readme_output(f"report {report}").strip()
