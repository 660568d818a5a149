"""The README's Quick start is what CI runs: the test command there is the last line of .ci/run."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_the_quick_start_is_two_commands_and_ci_runs_the_second():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    start = readme[readme.index("## Quick start") : readme.index("\n## ", readme.index("## Quick start") + 5)]
    commands = re.findall(r"```bash\n(.*?)\n```", start, re.S)
    assert len(commands) == 2 and all("\n" not in c for c in commands)
    run, test = commands
    assert run.startswith("python3 -m venv .venv && ") and run.endswith(".venv/bin/jobbsats run")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").strip().splitlines()
    assert ci[-1] == test
    for plugin in re.findall(r"\./plugins/([\w-]+)", test):
        assert (ROOT / "plugins" / plugin / "pyproject.toml").is_file(), plugin
