"""The command line as a new user meets it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from jobbsats import __version__, examples


def test_version(cli):
    result = cli("--version")
    assert result.exit_code == 0 and __version__ in result.stdout


def test_examples_lists_the_bundled_example(cli):
    result = cli("examples")
    assert result.exit_code == 0
    listed = {line.split()[0]: line for line in result.stdout.splitlines()}
    assert set(listed) == {
        "malmo-2024",
        "malmo-2024-2026",
        "kostnader-2020-2021",
        "platser-2020",
        "lonekostnad-2020",
        "malmokraften-2020",
    }
    assert "STK-2024-291" in listed["malmo-2024"] and "Table 3" in listed["kostnader-2020-2021"]


def test_init_writes_the_example_and_refuses_to_overwrite(cli, tmp_path):
    target = tmp_path / "mitt" / "jobbsats.toml"
    result = cli("init", tmp_path / "mitt")
    assert result.exit_code == 0, result.output
    assert target.read_bytes() == examples.path_of("malmo-2024").read_bytes()
    target.write_text("# edited\n")
    again = cli("init", tmp_path / "mitt")
    assert again.exit_code != 0 and "already exists" in again.stderr
    assert target.read_text() == "# edited\n"
    assert cli("init", tmp_path / "mitt", "--force").exit_code == 0
    assert "edited" not in target.read_text()


def test_init_unknown_example(cli):
    result = cli("init", "--example", "stockholm")
    assert result.exit_code != 0 and "no bundled example 'stockholm'" in result.stderr


def test_init_into_a_folder_named_like_another_example_asks_which_was_meant(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    refused = cli("init", "malmokraften-2020")
    assert refused.exit_code == 1
    assert "jobbsats init malmokraften-2020 --example malmokraften-2020" in refused.stderr
    assert cli("init", "sub/malmokraften-2020").exit_code == 1  # the folder's name is what reads as the example
    assert not (tmp_path / "malmokraften-2020").exists()  # no folder made
    # Either meaning, said: the example into the folder here, or the default example into a folder so named.
    assert cli("init", "--example", "malmokraften-2020").exit_code == 0
    assert (tmp_path / "jobbsats.toml").read_bytes() == examples.path_of("malmokraften-2020").read_bytes()
    assert cli("init", "malmokraften-2020", "--example", "malmo-2024").exit_code == 0
    written = (tmp_path / "malmokraften-2020" / "jobbsats.toml").read_bytes()
    assert written == examples.path_of("malmo-2024").read_bytes()


def test_run_prefers_a_local_jobbsats_toml(cli, scenario_file):
    scenario_file(("total = { 2024 = 40_000_000 }", "total = { 2024 = 41_000_000 }"), name="jobbsats.toml")
    result = cli("run", "--quiet")
    assert result.exit_code == 0, result.output
    assert "Using ./jobbsats.toml" in result.stderr
    assert cli.json_report("fordelning")["totals"][0]["amount_ore"] == 4_100_000_000


def test_run_unknown_config(cli):
    result = cli("run", "nowhere.toml")
    assert result.exit_code != 0
    assert "nowhere.toml" in result.stderr and "malmo-2024" in result.stderr
    assert not cli.db.exists()


def test_validate_checks_without_touching_the_ledger(cli, scenario_file):
    result = cli("validate", "malmo-2024")
    assert result.exit_code == 0, result.output
    assert "OK" in result.stdout and "8 allocations: Strategiska jobbsatsningar 40 000 000 kr." in result.stdout
    assert not cli.db.exists()
    bad = scenario_file(("ASN = 51", "ASN = 50"))
    result = cli("validate", bad)
    assert result.exit_code != 0 and "rules[1].key" in result.stderr and "99 %" in result.stderr


def test_report_to_a_file_follows_the_extension_and_will_not_overwrite(cli, tmp_path):
    cli.prepare(("run", "--quiet"))
    out = tmp_path / "fordelning.json"
    result = cli("report", "fordelning", "-o", out)
    assert result.exit_code == 0, result.output
    assert json.loads(out.read_text(encoding="utf-8"))["report"] == "fordelning"
    again = cli("report", "fordelning", "-o", out)
    assert again.exit_code != 0 and "already exists" in again.stderr
    assert cli("report", "beslut", "-o", out, "--force").exit_code == 0
    assert json.loads(out.read_text(encoding="utf-8"))["report"] == "beslut"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no temp files left


def test_report_into_a_missing_folder(cli, tmp_path):
    cli.prepare(("run", "--quiet"))
    result = cli("report", "fordelning", "-o", tmp_path / "nope" / "x.md")
    assert result.exit_code != 0 and "does not exist" in result.stderr


@pytest.mark.parametrize(
    "args, message",
    [
        (("report", "nosuch"), "unknown report 'nosuch'"),
        (("report", "fordelning", "--format", "pdf"), "unknown format 'pdf'"),
    ],
)
def test_report_unknown_names(cli, args, message):
    cli.prepare(("run", "--quiet"))
    result = cli(*args)
    assert result.exit_code != 0 and message in result.stderr


def test_plugins_lists_the_built_ins(cli):
    result = cli("plugins", "--json")
    assert result.exit_code == 0
    listing = {p["name"]: p for p in json.loads(result.stdout)}
    assert listing["jobbsats.rules"]["rules"] == [
        "carry_over",
        "cofinancing",
        "fixed",
        "percentage_key",
        "rate",
        "unit_cost",
    ]
    assert listing["jobbsats.reports"]["reports"] == ["aterrapportering", "beslut", "fordelning", "prognos", "projekt"]
    assert listing["jobbsats.reports.formats"]["formats"] == ["csv", "csv-sv", "docx", "html", "json", "md", "xlsx"]
    assert all(p["builtin"] for p in listing.values())
    text = cli("plugins").stdout
    assert "rules: carry_over, cofinancing, fixed, percentage_key, rate, unit_cost" in text


def test_db_option_and_environment(cli, tmp_path, monkeypatch):
    chosen = tmp_path / "annan.db"
    assert cli("run", "--quiet", "--db", chosen).exit_code == 0
    assert chosen.exists() and not cli.db.exists()
    monkeypatch.chdir(tmp_path)
    result = cli("run", "--quiet", env={"JOBBSATS_DB": None})
    assert result.exit_code == 0
    assert Path(tmp_path / "jobbsats.db").exists()


def test_problems_in_several_rules_come_together(cli, scenario_file):
    # A misspelt key in two fixed lines and a key summing to 99 % in the next rule: one message, all three.
    path = scenario_file(('purpose = "Ung i sommar"', 'purpse = "Ung i sommar"'), ("ASN = 51", "ASN = 50"))
    result = cli("validate", path)
    assert result.exit_code != 0
    assert "3 problems" in result.stderr
    assert "rules[0].lines[0].purpse: unknown key" in result.stderr
    assert "rules[0].lines[1].purpse: unknown key" in result.stderr
    assert "rules[1].key: the percentages sum to 99 %" in result.stderr


def test_report_format_is_case_insensitive_and_dash_is_standard_output(cli, tmp_path):
    cli.prepare(("run", "--quiet"))
    result = cli("report", "fordelning", "-f", "JSON", "-o", "-")
    assert result.exit_code == 0 and json.loads(result.stdout)["report"] == "fordelning"
    assert not (tmp_path / "-").exists()


def test_output_files_get_ordinary_permissions(cli, tmp_path):
    import os
    import stat

    cli.prepare(("run", "--quiet"))
    old = os.umask(0o022)
    try:
        out = tmp_path / "f.md"
        assert cli("report", "fordelning", "-o", out).exit_code == 0
        assert stat.S_IMODE(out.stat().st_mode) == 0o644
    finally:
        os.umask(old)


def test_output_never_replaces_links_or_special_files(cli, tmp_path):
    import os

    cli.prepare(("run", "--quiet"))
    target = tmp_path / "target.md"
    target.write_text("keep\n")
    link = tmp_path / "link.md"
    link.symlink_to(target)
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    for path, says in ((link, "symbolic link"), (fifo, "not a regular file"), (tmp_path, "is a folder")):
        result = cli("report", "fordelning", "-o", path, "--force")
        assert result.exit_code != 0 and says in result.stderr, (path, result.stderr)
    assert link.is_symlink() and target.read_text() == "keep\n"


def test_output_into_a_folder_that_cannot_be_written(cli, tmp_path):
    import os

    if os.geteuid() == 0:
        pytest.skip("root writes anywhere")
    cli.prepare(("run", "--quiet"))
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o555)
    result = cli("report", "fordelning", "-o", locked / "x.md")
    assert (
        result.exit_code != 0 and f"cannot create a file in {locked}: Permission denied (-o names it)" in result.stderr
    )


def test_output_below_a_file(cli, tmp_path):
    cli.prepare(("run", "--quiet"))
    (tmp_path / "good.toml").write_text("x")
    result = cli("report", "fordelning", "-o", tmp_path / "good.toml" / "x.md")
    assert result.exit_code != 0 and "is not a folder" in result.stderr


def test_report_on_a_run_that_does_not_exist(cli):
    cli.prepare(("run", "--quiet"))
    result = cli("report", "fordelning", "--run", "99")
    assert result.exit_code == 1
    assert f"{cli.db}: there is no run 99" in result.stderr


def test_a_failing_format_is_named(cli):
    import jobbsats
    from jobbsats.plugins import add_plugin

    class Broken:
        name = "broken"
        extension = "brk"
        binary = False

        def render(self, document):
            raise RuntimeError("format bug")

    class BrokenFormat:
        @jobbsats.hookimpl
        def register_formats(self, register):
            register(Broken())

    add_plugin(BrokenFormat(), "broken-format")
    cli.prepare(("run", "--quiet"))
    result = cli("report", "fordelning", "-f", "broken")
    assert result.exit_code == 3
    assert "format 'broken' (plugin 'broken-format') failed in render(): RuntimeError: format bug" in result.stderr


# ---- telling a ledger from another program's database, without touching either -----------------

KILLED_WRITER = """
import os
from jobbsats.ledger.connection import Ledger
Ledger.close = lambda self: None  # never closed: the process ends as if killed
from jobbsats.cli import main
try:
    main()
finally:
    os._exit(0)  # no checkpoint at exit either: the run stays in -wal, -shm beside it
"""


def run_killed_before_checkpoint(db: Path) -> None:
    """A run recorded by a process that ended before SQLite moved it from -wal into the ledger file."""
    import os
    import subprocess
    import sys

    env = {**os.environ, "JOBBSATS_DB": str(db), "JOBBSATS_LOAD_PLUGINS": ""}
    subprocess.run([sys.executable, "-c", KILLED_WRITER, "run", "--quiet"], env=env, check=True, timeout=60)
    assert Path(f"{db}-wal").stat().st_size > 0 and Path(f"{db}-shm").exists()


@pytest.mark.parametrize("shm", ["kept", "deleted"])
def test_a_ledger_whose_newest_run_is_still_in_its_wal_is_read(cli, shm):
    """Looked at read-only through -shm, or, with -shm gone, from a copy: the run in -wal counts."""
    cli.prepare(("run", "--quiet"))
    run_killed_before_checkpoint(cli.db)
    if shm == "deleted":
        Path(f"{cli.db}-shm").unlink()
    result = cli("runs")
    assert result.exit_code == 0, result.output
    assert [line.split()[0] for line in result.stdout.splitlines()] == ["1", "2"]


def test_a_first_run_only_in_the_wal_is_a_ledger(cli):
    run_killed_before_checkpoint(cli.db)  # the ledger file itself may hold no table yet
    result = cli("runs")
    assert result.exit_code == 0, result.output
    assert result.stdout.split()[0] == "1"


KILLED_AFTER_BEGIN = """
import os, sqlite3, sys
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("pragma cache_size = 2")  # so the transaction's pages spill into -wal before any commit
conn.execute("begin immediate")
conn.execute("create table scratch (x)")
for _ in range(20):
    conn.execute("insert into scratch values (randomblob(3000))")
os._exit(0)  # killed: no rollback, no close; -wal holds uncommitted frames, -shm still says it is empty
"""


def test_a_writer_killed_between_the_wals_header_and_its_first_frame_does_not_stall_a_reader(cli, digest):
    """A -wal of only its header beside a -shm no process holds: SQLite's read-only look at them retries
    for 10 s and fails (SQLITE_PROTOCOL), and jobbsats looked five times, so a report waited ~50 s."""
    import os
    import subprocess
    import sys

    cli.prepare(("run", "--quiet"))
    subprocess.run([sys.executable, "-c", KILLED_AFTER_BEGIN, str(cli.db)], check=True, timeout=60)
    wal = Path(f"{cli.db}-wal")
    assert wal.stat().st_size > 32 and Path(f"{cli.db}-shm").exists()
    with wal.open("r+b") as handle:
        handle.truncate(32)  # the header is written just before the first frame: killed in between
    sides = [digest(Path(f"{cli.db}{side}")) for side in ("", "-wal", "-shm")]
    env = {**os.environ, "JOBBSATS_DB": str(cli.db), "JOBBSATS_LOAD_PLUGINS": ""}
    look = (
        "from pathlib import Path; import sys; from jobbsats.ledger.db import kind_of;"
        "from jobbsats.cli.completion import _read_only; path = Path(sys.argv[1]); print(kind_of(path));"
        "print(_read_only(path).execute('select count(*) from runs').fetchone()[0])"  # what a TAB reads
    )
    # A bound far above a look (milliseconds) and below one stalled look (10 s): a hang fails, not waits.
    looked = subprocess.run([sys.executable, "-c", look, str(cli.db)], capture_output=True, text=True, timeout=8)
    assert looked.stdout.split() == ["ledger", "1"], looked.stderr
    assert [digest(Path(f"{cli.db}{side}")) for side in ("", "-wal", "-shm")] == sides  # a look changes nothing
    command = "from jobbsats.cli import main; main()"
    result = subprocess.run([sys.executable, "-c", command, "runs"], env=env, capture_output=True, text=True, timeout=8)
    assert result.returncode == 0, result.stderr
    assert [line.split()[0] for line in result.stdout.splitlines()] == ["1"]


def test_another_programs_migrations_table_is_not_a_ledger(cli, tmp_path, digest):
    """sqlite-utils' migrations table of another program (or of another name) is no jobbsats ledger."""
    import sqlite3

    other = tmp_path / "annan.db"
    with sqlite3.connect(other) as conn:
        conn.execute("create table _sqlite_migrations (migration_set text, name text, applied_at text)")
        conn.execute("insert into _sqlite_migrations values ('annat-program', 'start', '2024-01-01')")
    conn.close()
    before = digest(other)
    for args in (("runs",), ("run", "--quiet"), ("report", "fordelning")):
        result = cli(*args, "--db", other)
        assert result.exit_code == 4
        assert f"{other}: is a SQLite database but not a jobbsats ledger" in result.stderr
    assert digest(other) == before and sorted(p.name for p in tmp_path.glob("annan.db*")) == ["annan.db"]


@pytest.mark.parametrize("device", ["/dev/null", "/dev/zero"])
def test_a_device_is_never_a_ledger(cli, device):
    for args in (("runs",), ("run", "--quiet")):
        result = cli(*args, "--db", device)
        assert result.exit_code == 4
        assert result.stderr.endswith(f"Error: {device}: is a device, not a ledger file (--db names it)\n")


def test_a_broken_link_named_jobbsats_toml_is_the_users_file_not_the_example(cli, tmp_path, monkeypatch):
    """Found by a new user: `run` took the bundled example into the real ledger, saying there was no file."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "jobbsats.toml").symlink_to(tmp_path / "moved-away.toml")
    result = cli("run", "--quiet")
    assert result.exit_code == 1
    assert "jobbsats.toml: is a symbolic link to" in result.stderr and "which does not exist" in result.stderr
    assert not cli.db.exists()


@pytest.mark.parametrize(
    ("asn", "said"),
    [
        # 51 + 27 + 16 + 6 = 100 in the example; ASN's share off by less than two decimals show. Worked by hand:
        # 100,0000003333... % rounds to 100 % at 2 to 6 decimals and reads 100,0000003 % at 7.
        ('"51,0000003333333333333333333333333 %"', "100,0000003 %"),
        ('"50,99999999 %"', "99,99999999 %"),  # 100 % at 2 to 7 decimals
        ('"50,99995"', "99,99995 %"),  # rounded half up, 100 % at 2 to 4 decimals
        ('"50,5"', "99,5 %"),  # two decimals show it, without trailing zeros
    ],
)
def test_a_key_summing_to_a_hair_off_100_says_by_how_much(cli, scenario_file, asn, said):
    result = cli("validate", scenario_file(("ASN = 51", f"ASN = {asn}")))
    assert result.exit_code == 1
    assert f"rules[1].key: the percentages sum to {said}, not 100 %" in result.stderr
