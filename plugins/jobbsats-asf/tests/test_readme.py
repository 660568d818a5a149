"""The README's example output is what the report prints."""

from __future__ import annotations

import re
from pathlib import Path

README = Path(__file__).parents[1] / "README.md"
DATA = Path(__file__).parent / "data"
BLOCK = re.compile(r"^<!-- output: report iop -->\n```markdown\n(?P<body>.*?)^```$", re.M | re.S)


def test_every_line_of_the_example_is_in_the_output(ledger):
    (block,) = BLOCK.findall(README.read_text(encoding="utf-8"))
    ledger.run(DATA / "iop.toml")
    text = ledger.report("iop", fmt="md")  # fails the test unless the report exits 0
    printed = set(text.replace("\u00a0", " ").splitlines())  # the README is typed with plain spaces
    missing = [line for line in block.splitlines() if line and line not in printed]
    assert missing == []
