"""Issue 16, point 9: help lines uncut, shell completion, --db wherever the help says, grouped counts."""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import click
import pytest
from click.shell_completion import BashComplete

from jobbsats import examples
from jobbsats.cli import cli as jobbsats_cli

JOBBSATS = Path(sys.executable).parent / "jobbsats"


def jobbsats(*args: str, columns: int = 80, **env: str) -> subprocess.CompletedProcess:
    """The installed `jobbsats` command in a fresh process, built-ins only, on a terminal COLUMNS wide."""
    environment = {k: v for k, v in os.environ.items() if k != "JOBBSATS_DB"}
    environment.update({"COLUMNS": str(columns), "JOBBSATS_LOAD_PLUGINS": "", **env})
    return subprocess.run([str(JOBBSATS), *args], capture_output=True, text=True, env=environment, timeout=120)


def commands_section(help_text: str) -> dict[str, str]:
    """Each command of a ``Commands:`` section with its description, wrapped lines joined."""
    _, found, section = help_text.partition("\nCommands:\n")
    assert found, help_text
    listed: dict[str, str] = {}
    name = ""
    for line in section.splitlines():
        if not line.strip():
            break
        match = re.match(r"^  (\S+)\s+(.*)$", line)
        if match:
            name = match.group(1)
            listed[name] = match.group(2).strip()
        else:
            listed[name] += " " + line.strip()
    return listed


# Written out by hand from each command's docstring: the first sentence, whole.
FIRST_SENTENCES = {
    "backup": "Copy the ledger to TARGET, a new file: one snapshot, whatever is written meanwhile.",
    "diff": "Show what changed between two runs, or in the ledger between two days.",
    "examples": "List the bundled example scenarios, one line each.",
    "import": "Import data into the ledger.",
    "init": "Write a bundled example as DIRECTORY/jobbsats.toml, to edit and run.",
    "new-plugin": "Write a plugin package NAME/ with one rule or report, a passing test and a README.",
    "plugins": "List the loaded plugins and the rules, reports and formats each brings.",
    "report": "Produce the report NAME from the ledger: `jobbsats report NAME --help` lists its options.",
    "run": "Run a scenario's rules and record the allocation in the ledger.",
    "runs": "List the runs and the import batches recorded in the ledger, oldest first.",
    "show": "Show what run RUN_ID did: its scenario file, versions, and rule by rule what it allocated.",
    "validate": "Check a scenario file and compute it, without touching the ledger.",
    "verify": "Check that no run's or import batch's rows were changed, added or removed outside jobbsats.",
}


@pytest.mark.parametrize("columns", [80, 200])
def test_top_level_help_shows_each_first_sentence_whole(columns):
    result = jobbsats("--help", columns=columns)
    assert result.returncode == 0, result.stderr
    listed = commands_section(result.stdout)
    for name, sentence in FIRST_SENTENCES.items():
        assert listed.get(name) == sentence, name
    section = result.stdout.partition("\nCommands:\n")[2]
    assert not [line for line in section.splitlines() if line.rstrip().endswith("...")]
    assert max(len(line) for line in result.stdout.splitlines()) <= columns


def test_import_help_lists_its_commands_whole():
    listed = commands_section(jobbsats("import", "--help").stdout)
    assert listed == {
        "prognos": "Import a board's own year-end forecast from FILE, a CSV file.",
        "utfall": "Import booked utfall from FILE: a CSV export or a SIE 4 file.",
    }


# -- completion


def complete(args: list[str], incomplete: str = "") -> list[str]:
    """What click's bash completion offers for ``jobbsats ARGS INCOMPLETE<TAB>``, in this process."""
    found = BashComplete(jobbsats_cli, {}, "jobbsats", "_JOBBSATS_COMPLETE").get_completions(args, incomplete)
    return [item.value for item in found]


def kinds(args: list[str], incomplete: str = "") -> list[str]:
    found = BashComplete(jobbsats_cli, {}, "jobbsats", "_JOBBSATS_COMPLETE").get_completions(args, incomplete)
    return [item.type for item in found]


def recipients_of(example: str) -> set[str]:
    return set(tomllib.loads(examples.path_of(example).read_text(encoding="utf-8"))["recipients"])


def folder_state(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir()) if p.is_file()}


def test_report_names_complete():
    assert {"fordelning", "beslut", "projekt", "aterrapportering", "prognos"} <= set(complete(["report"]))
    assert complete(["report"], "be") == ["beslut"]


def test_report_names_complete_through_the_installed_command():
    """The shell's own path: the environment variable, the real entry point, click's bash format."""
    result = jobbsats(_JOBBSATS_COMPLETE="bash_complete", COMP_WORDS="jobbsats report ", COMP_CWORD="2")
    assert result.returncode == 0, result.stderr
    offered = {line.split(",", 1)[1] for line in result.stdout.splitlines()}
    assert {"fordelning", "beslut", "projekt", "aterrapportering", "prognos"} <= offered


def test_a_completion_that_fails_prints_nothing(tmp_path):
    """An unknown report's options: no error, no traceback in the user's shell."""
    words = "jobbsats report nosuch --recipient "
    result = jobbsats(_JOBBSATS_COMPLETE="bash_complete", COMP_WORDS=words, COMP_CWORD="4")
    assert result.stdout == "" and result.stderr == ""


def test_formats_complete():
    from jobbsats.registry import get_registry

    registered = set(get_registry().formats)
    offered = complete(["report", "fordelning", "--format"])
    assert {"md", "csv", "json", "xlsx", "html"} <= set(offered) and set(offered) == registered
    assert complete(["report", "fordelning", "-f"], "x") == ["xlsx"]
    shown = set(complete(["show", "-f"]))  # show prints to standard output: text formats only
    assert {"md", "csv", "json", "html"} <= shown and "xlsx" not in shown


def test_recipient_ids_complete_from_the_latest_run(cli, monkeypatch):
    monkeypatch.setenv("JOBBSATS_DB", str(cli.db))  # as the shell has it
    assert complete(["report", "fordelning", "--recipient"]) == []  # no ledger yet: nothing, quietly
    assert not cli.db.exists()  # and none was made
    assert cli("run", "malmo-2024", "--quiet").exit_code == 0
    before = folder_state(cli.db.parent)
    offered = complete(["report", "fordelning", "--recipient"])
    assert {"ASN", "GVN", "FSN", "KS"} <= set(offered) and set(offered) == recipients_of("malmo-2024")
    assert complete(["report", "aterrapportering", "--recipient"], "G") == ["GVN"]
    assert complete(["report", "fordelning", "--fund"]) == ["sjs"]
    assert folder_state(cli.db.parent) == before  # read-only: no byte changed, no file added


def test_recipient_ids_follow_db_and_run(cli, tmp_path, monkeypatch):
    monkeypatch.setenv("JOBBSATS_DB", str(cli.db))
    other = tmp_path / "other.db"
    assert cli("run", "malmo-2024", "--quiet").exit_code == 0
    assert cli("run", "malmokraften-2020", "--quiet", "--db", str(other)).exit_code == 0
    kraften = recipients_of("malmokraften-2020")
    assert kraften != recipients_of("malmo-2024")
    assert set(complete(["report", "projekt", "--db", str(other), "--recipient"])) == kraften
    assert set(complete(["--db", str(other), "report", "projekt", "--recipient"])) == kraften
    assert cli("run", "malmokraften-2020", "--quiet").exit_code == 0  # run 2 of the test's ledger
    assert set(complete(["report", "projekt", "--recipient"])) == kraften
    assert set(complete(["report", "fordelning", "--run", "1", "--recipient"])) == recipients_of("malmo-2024")


def test_a_ledger_that_is_not_one_completes_nothing(cli, monkeypatch):
    monkeypatch.setenv("JOBBSATS_DB", str(cli.db))
    assert cli("run", "malmo-2024", "--quiet").exit_code == 0
    assert complete(["report", "fordelning", "--fund"]) == ["sjs"]  # the positive control
    cli.db.write_bytes(b"not a database at all")
    assert complete(["report", "fordelning", "--recipient"]) == []
    assert cli.db.read_bytes() == b"not a database at all"


def test_examples_complete_where_a_scenario_or_an_example_is_asked_for():
    names = examples.names()
    assert complete(["init", "--example"]) == names
    assert complete(["run"], "malmo-2024") == ["malmo-2024", "malmo-2024-2026"]
    assert complete(["validate"], "platser") == ["platser-2020"]
    assert complete(["import", "utfall", "x.csv", "-c"], "malmo") == [n for n in names if n.startswith("malmo")]
    Path("mine.toml").write_text("", encoding="utf-8")
    assert complete(["run"], "m") == [n for n in names if n.startswith("m")] + ["mine.toml"]
    assert kinds(["run"], "./sub") == ["file"]  # a path: the shell completes files
    assert kinds(["run"], "nothing-like-an-example") == ["file"]


# -- --db wherever the help says


def ledger_commands() -> list[tuple[str, click.Command]]:
    """Every command and group whose help (or an option's help) speaks of the ledger."""
    found = []
    ctx = click.Context(jobbsats_cli)

    def walk(command: click.Command, path: str) -> None:
        text = " ".join([command.help or "", *(getattr(p, "help", "") or "" for p in command.params)])
        if "ledger" in text.lower():
            found.append((path, command))
        if isinstance(command, click.Group):
            for name in command.list_commands(ctx):
                walk(command.get_command(ctx, name), f"{path} {name}")

    walk(jobbsats_cli, "jobbsats")
    return found


def test_every_command_that_speaks_of_the_ledger_takes_db():
    listed = ledger_commands()
    names = [path for path, _ in listed]
    assert {"jobbsats runs", "jobbsats report fordelning", "jobbsats import utfall", "jobbsats backup"} <= set(names)
    missing = []
    for path, command in listed:
        db = [p for p in command.params if p.name == "db" or "--db" in getattr(p, "opts", ())]
        if not db:
            missing.append(path)
        elif not isinstance(command, click.Group) and db[0].envvar != "JOBBSATS_DB":
            missing.append(f"{path} (no JOBBSATS_DB)")
    assert missing == []


def test_db_before_the_command(cli, tmp_path):
    other = tmp_path / "other.db"
    assert cli("run", "platser-2020", "--quiet", "--db", str(other)).exit_code == 0
    assert cli("run", "malmo-2024", "--quiet").exit_code == 0
    listed = cli("--db", str(other), "runs")  # JOBBSATS_DB names the test's ledger: --db beats it
    assert listed.exit_code == 0, listed.output
    assert "Arbetsmarknadsanställningar" in listed.stdout and "Strategiska" not in listed.stdout
    own = cli("--db", str(other), "runs", "--db", str(cli.db))  # the command's own --db first
    assert "Strategiska" in own.stdout and "Arbetsmarknadsanställningar" not in own.stdout
    refused = cli("--db", str(tmp_path), "runs")
    assert refused.exit_code == 4 and "(--db names it)" in refused.stderr
    assert cli("init", ".").exit_code == 0
    imported = cli("import", "--db", str(other), "utfall", "utfall-2024.csv", "-c", "jobbsats.toml")
    assert imported.exit_code == 0, imported.output
    assert f"recorded in {other}" in imported.stderr


# -- counts grouped like amounts


def test_row_counts_are_grouped(cli):
    """1 200 bookings of 1 000 kr on ASN's ansvar and verksamhet 7150: 1 200 rows of fund money, 1 200 000 kr."""
    cli.prepare(("run", "malmo-2024", "--quiet"))
    assert cli("init", ".").exit_code == 0
    lines = ["Bokföringsdatum;Konto;Ansvar;Verksamhet;Belopp;Text"] + [
        f"2024-03-{1 + n % 28:02d};5010;3110;7150;1 000,00;Lön {n}" for n in range(1200)
    ]
    export = Path("many.csv")
    export.write_text("\n".join(lines) + "\n", encoding="cp1252")
    imported = cli("import", "utfall", str(export), "-c", "jobbsats.toml")
    assert imported.exit_code == 0, imported.output
    assert "1 200 rows read from many.csv (control total 1 200 000 kr)" in imported.stderr
    assert "1 200 rows of fund or project money: 1 200 000 kr" in imported.stderr
    assert "1 200 rows, control total 1 200 000 kr" in cli("runs").stdout
    shown = cli("show", "--batch", "1").stdout
    size = len(export.read_bytes())
    assert size >= 1000
    assert f"{size // 1000} {size % 1000:03d} byte" in shown
    assert "1 200 rader lästa, kontrollsumma 1 200 000 kr: 1 200 rader satsningens medel" in shown


def test_verify_counts_are_grouped():
    from jobbsats.cli.verify import covered
    from jobbsats.ledger.chain import Verified

    assert covered(Verified(1200, 1, "", [])) == "1 200 runs and 1 import batch"
    assert covered(Verified(1, 12_000, "", [])) == "1 run and 12 000 import batches"
