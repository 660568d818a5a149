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


# The README says what jobbsats does and where things are; the reference lives beside it.
DOCUMENTS = ["README.md", "docs/scenario.md", "docs/commands.md", "docs/ledger.md", "benchmarks/README.md"]
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")


def anchors(markdown: str) -> set[str]:
    """GitHub's anchors for the headings of a Markdown file."""
    found = set()
    for heading in re.findall(r"^#+ (.+)$", re.sub(r"```.*?```", "", markdown, flags=re.S), re.M):
        found.add(re.sub(r"[^\w\- ]", "", heading.lower()).replace(" ", "-"))
    return found


def test_the_readme_links_the_scenario_reference_and_the_benchmarks():
    links = set(LINK.findall((ROOT / "README.md").read_text(encoding="utf-8")))
    assert {"docs/scenario.md", "benchmarks/README.md"} <= links


def test_every_relative_link_in_the_documentation_leads_somewhere():
    for name in DOCUMENTS:
        document = ROOT / name
        for target in LINK.findall(document.read_text(encoding="utf-8")):
            if re.match(r"[a-z]+:", target):
                continue  # https:, mailto:
            path, _, anchor = target.partition("#")
            linked = (document.parent / path).resolve() if path else document
            assert linked.is_file(), f"{name}: {target} leads nowhere"
            if anchor:
                assert anchor in anchors(linked.read_text(encoding="utf-8")), f"{name}: no heading for {target}"


def test_the_benchmark_commands_shown_take_only_options_their_scripts_have():
    import subprocess
    import sys

    text = (ROOT / "benchmarks" / "README.md").read_text(encoding="utf-8")
    shown = re.findall(r"^python (benchmarks/\w+\.py)(.*?)(?:\s+#.*)?$", text, re.M)
    # Every script (a module with a __main__ block; suite_cpu.py is a pytest plugin suite.py loads) is shown.
    main = re.compile(r"""^if __name__ == ["']__main__["']:""", re.M)
    scripts = [p for p in (ROOT / "benchmarks").glob("*.py") if main.search(p.read_text("utf-8"))]
    assert {script for script, _ in shown} == {f"benchmarks/{p.name}" for p in scripts}
    usages: dict[str, str] = {}  # each script's --help once: the README shows most of them several times
    for script, args in shown:
        if script not in usages:
            usages[script] = subprocess.run(
                [sys.executable, str(ROOT / script), "--help"], capture_output=True, text=True, check=True
            ).stdout
        usage = usages[script]
        for option in re.findall(r"--[\w-]+", args):
            assert option in usage, f"{script} has no {option}"
