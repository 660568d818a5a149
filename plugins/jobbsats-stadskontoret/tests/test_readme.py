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
def test_readme_output(ledger, report):
    ledger.run(ledger.folder / "avtal.toml")
    text = ledger.report(report, fmt="md")  # fails the test unless the report exits 0
    # Markdown keeps numbers together with non-breaking spaces; the README has plain ones.
    assert text.replace("\u00a0", " ").strip() == readme_output(f"report {report}").strip()
