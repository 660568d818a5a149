"""What the operating system refuses reaches the user as a message, never a traceback (issue 15).

Standard output closed by its reader (``jobbsats report fordelning | head -1``) or on a
full device (``> /dev/full``) is tried with real processes; a full disk and a read-only
file system with a real tmpfs mounted for the test (skipped where mounting is not
permitted). A path name too long, /proc and /sys are in tests/bad_input/ (160-179).
"""

from __future__ import annotations

import gc
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

JOBBSATS = [sys.executable, "-c", "from jobbsats.cli import main; main()"]
COMMANDS = [
    ["report", "fordelning"],
    ["report", "fordelning", "-f", "csv"],
    ["runs"],
    ["show", "1"],
    ["examples"],
    ["--help"],
]


@pytest.fixture
def ledger(cli) -> Path:
    """A ledger with the bundled example's run, for the commands to print from."""
    cli.prepare(("run", "--quiet"))
    return cli.db


def environment(db: Path) -> dict[str, str]:
    return {**os.environ, "JOBBSATS_DB": str(db), "JOBBSATS_LOAD_PLUGINS": "", "PYTHONUTF8": "1"}


@pytest.mark.parametrize("args", COMMANDS, ids=" ".join)
def test_a_pipe_closed_before_the_output_ends_the_command_quietly(ledger, args):
    """The reader is gone before the first write, every time: as `| head -1` on a long report."""
    read, write = os.pipe()
    os.close(read)
    try:
        proc = subprocess.run(
            [*JOBBSATS, *args], stdout=write, stderr=subprocess.PIPE, env=environment(ledger), timeout=60, text=True
        )
    finally:
        os.close(write)
    assert proc.stderr == ""  # no BrokenPipeError, no "Exception ignored"
    assert proc.returncode == 141  # 128 + SIGPIPE, as a shell reports a program that signal ended


@pytest.mark.parametrize("args", COMMANDS[:3], ids=" ".join)
def test_a_shell_pipeline_into_head(ledger, args):
    line = " ".join([*map(repr, JOBBSATS), *args])
    proc = subprocess.run(
        ["bash", "-c", f"{line} | head -1; exit ${{PIPESTATUS[0]}}"],
        capture_output=True,
        env=environment(ledger),
        timeout=60,
        text=True,
    )
    assert proc.stderr == ""
    assert proc.returncode in (0, 141)  # 0 when the whole output fit in the pipe before head left
    assert len(proc.stdout.splitlines()) == 1


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full")
@pytest.mark.parametrize("args", COMMANDS, ids=" ".join)
def test_standard_output_on_a_full_device_is_named(ledger, args):
    with open("/dev/full", "w") as full:
        proc = subprocess.run(
            [*JOBBSATS, *args], stdout=full, stderr=subprocess.PIPE, env=environment(ledger), timeout=60, text=True
        )
    assert proc.returncode == 1
    assert proc.stderr == "Error: standard output: cannot write: No space left on device\n"


def test_the_error_message_itself_into_a_closed_pipe(tmp_path):
    """Standard error closed too: the command still ends without a traceback anyone would see."""
    read, write = os.pipe()
    os.close(read)
    try:
        proc = subprocess.run(
            [*JOBBSATS, "runs"], stdout=write, stderr=write, env=environment(tmp_path / "none.db"), timeout=60
        )
    finally:
        os.close(write)
    assert proc.returncode == 4  # no ledger here yet: said into a pipe no one reads


# ---- a real file system: full, read-only -------------------------------------------------------


@pytest.fixture
def mount(tmp_path):
    """``mount(options)``: a fresh tmpfs with those options (``size=64k``, ``ro``); unmounted after the test."""
    mounted: list[Path] = []

    def make(options: str) -> Path:
        point = tmp_path / f"fs{len(mounted)}"
        point.mkdir()
        done = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(point)], capture_output=True, text=True
        )
        if done.returncode != 0:
            pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip()}")
        mounted.append(point)
        return point

    yield make
    gc.collect()  # a connection the in-process command left open keeps the file system busy
    for point in mounted:
        if subprocess.run(["umount", str(point)], capture_output=True).returncode != 0:
            subprocess.run(["umount", "-l", str(point)], check=True)  # detached now, gone once unused


def fill(point: Path) -> None:
    """Fill the file system at ``point`` to the last byte."""
    handle = os.open(point / "fyllnad", os.O_WRONLY | os.O_CREAT)
    try:
        while os.write(handle, b"\0" * 4096):
            pass
    except OSError:
        pass
    finally:
        os.close(handle)


@pytest.mark.parametrize("size", ["8k", "32k", "64k", "128k"])
def test_a_new_ledger_on_a_full_disk_is_said_so_and_leaves_no_file(cli, mount, size):
    """Too small for the -shm file (8k, 32k: SQLite says "disk I/O error"), or for the run (64k, 128k)."""
    point = mount(f"size={size}")
    result = cli("run", "--quiet", "--db", point / "ledger.db")
    assert result.exit_code == 4, result.output
    assert "Traceback" not in result.output and "busy or locked" not in result.stderr
    assert f"{point / 'ledger.db'}: nothing was written: " in result.stderr
    assert ": nothing was written: the disk is full (" in result.stderr
    assert sorted(os.listdir(point)) == []  # no ledger, no -wal, no -shm


@pytest.mark.parametrize("spare", [0, 2048, 8192])
def test_a_new_ledger_on_a_disk_already_full_leaves_no_file(cli, mount, spare):
    """A disk filled to its last bytes before the run: not even SQLite's journal finds room, and the empty
    file the run created must go too (found by a new user trying it: a 0-byte ledger stayed)."""
    point = mount("size=64k")
    fill(point)
    if spare:
        os.truncate(point / "fyllnad", os.stat(point / "fyllnad").st_size - spare)
    result = cli("run", "--quiet", "--db", point / "ledger.db")
    assert result.exit_code == 4, result.output
    assert f"{point / 'ledger.db'}: nothing was written: the disk is full (" in result.stderr
    assert sorted(os.listdir(point)) == ["fyllnad"]


def test_rejects_onto_a_full_disk_names_the_file_and_writes_nothing(cli, mount, tmp_path):
    cli.prepare(("run", "--quiet"))
    ledger = cli.db.read_bytes()
    point = mount("size=64k")
    fill(point)
    os.truncate(point / "fyllnad", os.stat(point / "fyllnad").st_size - 16384)
    booked = tmp_path / "utfall.csv"
    rows = ["Bokföringsdatum;Konto;Ansvar;Verksamhet;Belopp;Text"]
    rows += [f"2024-01-31;5010;3110;7150;{'Y' * 500};rad {n}" for n in range(200)]  # 100 kB of bad amounts
    booked.write_text("\r\n".join(rows) + "\r\n", encoding="cp1252")
    result = cli("import", "utfall", booked, "-c", "malmo-2024", "--rejects", point / "avvisade.csv")
    assert result.exit_code == 1, result.output
    assert result.stderr.endswith(
        f"\nError: {point / 'avvisade.csv'}: cannot write the rejected rows: No space left on device\n"
    )
    assert sorted(os.listdir(point)) == ["fyllnad"]  # no rejects file, no temporary one
    assert cli.db.read_bytes() == ledger


def test_output_onto_a_read_only_file_system(cli, mount):
    cli.prepare(("run", "--quiet"))
    point = mount("ro,size=64k")
    result = cli("report", "fordelning", "-o", point / "fordelning.md")
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: {point / 'fordelning.md'}: cannot create a file in {point}: Read-only file system (-o names it)\n"
    )


def test_rejects_onto_a_read_only_file_system(cli, mount, tmp_path):
    cli.prepare(("run", "--quiet"))
    point = mount("ro,size=64k")
    booked = tmp_path / "utfall.csv"
    booked.write_bytes("Bokföringsdatum;Konto;Ansvar;Verksamhet;Belopp;Text\r\n".encode("cp1252"))
    result = cli("import", "utfall", booked, "-c", "malmo-2024", "--rejects", point / "avvisade.csv")
    assert result.exit_code == 1
    assert "Read-only file system (--rejects names it)" in result.stderr


def test_a_ledger_on_a_read_only_file_system_cannot_be_created(cli, mount):
    point = mount("ro,size=64k")
    result = cli("run", "--quiet", "--db", point / "ledger.db")
    assert result.exit_code == 4
    assert f"{point / 'ledger.db'}: cannot create the ledger: Read-only file system" in result.stderr


def test_output_onto_a_full_disk_leaves_nothing_behind(cli, mount):
    cli.prepare(("run", "--quiet"))
    point = mount("size=64k")
    fill(point)
    result = cli("report", "fordelning", "-o", point / "fordelning.md")
    assert result.exit_code == 1
    assert f"{point / 'fordelning.md'}: " in result.stderr and "No space left on device" in result.stderr
    assert os.listdir(point) == ["fyllnad"]  # no half a report, no temporary file


def test_a_backup_onto_a_full_disk_leaves_nothing_behind(cli, mount):
    cli.prepare(("run", "--quiet"))
    point = mount("size=64k")  # the ledger is larger
    result = cli("backup", point / "kopia.db")
    assert result.exit_code in (1, 4), result.output
    assert "Traceback" not in result.output
    assert f"{point / 'kopia.db'}: the backup failed: " in result.stderr
    assert "disk is full" in result.stderr or "No space left on device" in result.stderr
    assert os.listdir(point) == []


def test_an_error_no_command_foresaw_is_a_message_naming_its_path(cli, monkeypatch):
    """The net under every command: an OSError that escapes becomes one line, exit 1, no traceback."""
    from jobbsats import examples

    def unreadable():
        raise PermissionError(13, "Permission denied", "/srv/exempel/malmo-2024.toml")

    monkeypatch.setattr(examples, "names", unreadable)
    result = cli("examples")
    assert result.exit_code == 1
    assert result.stderr == "Error: /srv/exempel/malmo-2024.toml: Permission denied\n"
    assert result.stdout == ""


@pytest.fixture
def syncs(monkeypatch):
    """What reaches the disk, in order: ("fsync", "file" or "folder") and ("replace", target name)."""
    import stat

    events: list[tuple[str, str]] = []
    fsync, replace = os.fsync, os.replace

    def fsync_logged(fd):
        events.append(("fsync", "folder" if stat.S_ISDIR(os.fstat(fd).st_mode) else "file"))
        return fsync(fd)

    def replace_logged(source, target):
        events.append(("replace", Path(target).name))
        return replace(source, target)

    monkeypatch.setattr(os, "fsync", fsync_logged)
    monkeypatch.setattr(os, "replace", replace_logged)
    return events


@pytest.mark.parametrize(
    "args, name",
    [(["report", "fordelning", "-o", "fordelning.md"], "fordelning.md"), (["backup", "kopia.db"], "kopia.db")],
)
def test_a_file_is_synced_before_its_rename_and_its_folder_after(cli, syncs, args, name):
    """A power cut leaves the old file or the new one whole, and the new name survives it."""
    cli.prepare(("run", "--quiet"))
    result = cli(*args)
    assert result.exit_code == 0, result.output
    assert syncs == [("fsync", "file"), ("replace", name), ("fsync", "folder")]


def test_a_ledger_on_a_read_only_file_system_is_read_and_never_written(cli, mount):
    """An archived copy mounted read-only: SQLite cannot make its -shm there, so it is read as immutable."""
    cli.prepare(("run", "--quiet"))
    point = mount("size=1m")
    shutil.copyfile(cli.db, point / "ledger.db")  # the run's last close checkpointed: no -wal to copy
    subprocess.run(["mount", "-o", "remount,ro", str(point)], check=True)
    ledger = point / "ledger.db"
    report = cli("report", "fordelning", "--db", ledger)
    assert report.exit_code == 0, report.output
    assert "13\u00a0056\u00a0000" in report.stdout  # ASN's share by the key in seed 000
    assert cli("verify", "--db", ledger).exit_code == 0
    refused = cli("run", "--quiet", "--db", ledger)
    assert refused.exit_code == 4
    assert refused.stderr.endswith(f"Error: {ledger}: is on a read-only file system; nothing can be written to it\n")


@pytest.mark.parametrize(
    "release, read",
    [("0015_application_id", True), ("0014_utfall_sums", False)],
    ids=["without-the-mark-alone", "without-utfall-sums"],
)
def test_an_older_ledger_on_a_read_only_file_system(cli, mount, release_before, release, read):
    """Read as it is when all it lacks is what a reader can do without (the file's mark, migration 0015);
    refused, saying why, when it lacks a table the reports read."""
    with release_before(release):
        assert cli("run", "--quiet").exit_code == 0
    point = mount("size=1m")
    ledger = point / "ledger.db"
    shutil.copyfile(cli.db, ledger)
    subprocess.run(["mount", "-o", "remount,ro", str(point)], check=True)
    report = cli("report", "fordelning", "--db", ledger)
    if read:
        assert report.exit_code == 0, report.output
        assert "13\u00a0056\u00a0000" in report.stdout  # ASN's share by the key in seed 000
    else:
        assert report.exit_code == 4
        assert (
            f"{ledger}: was written by an older jobbsats and needs its schema brought up to date, which is not "
            "possible as it is on a read-only file system; copy it to a writable folder first"
        ) in report.stderr


def test_a_read_only_ledger_with_writes_in_its_wal_is_refused_not_read_stale(cli, mount):
    cli.prepare(("run", "--quiet"))
    point = mount("size=1m")
    ledger = point / "ledger.db"
    shutil.copyfile(cli.db, ledger)
    # As a copy taken while a run was being written: a header (32 bytes) and one frame (24 + a 4096-byte page).
    (point / "ledger.db-wal").write_bytes(b"\0" * (32 + 24 + 4096))
    subprocess.run(["mount", "-o", "remount,ro", str(point)], check=True)
    result = cli("report", "fordelning", "--db", ledger)
    assert result.exit_code == 4
    assert f"{ledger}: is on a read-only file system with writes still in its -wal" in result.stderr


def test_a_read_only_ledger_whose_wal_is_only_a_header_is_read(cli, mount):
    """A -wal of 32 bytes holds no frame (a writer began and wrote nothing more): the file alone is the ledger."""
    cli.prepare(("run", "--quiet"))
    point = mount("size=1m")
    ledger = point / "ledger.db"
    shutil.copyfile(cli.db, ledger)
    (point / "ledger.db-wal").write_bytes(b"\0" * 32)
    subprocess.run(["mount", "-o", "remount,ro", str(point)], check=True)
    result = cli("runs", "--db", ledger)
    assert result.exit_code == 0, result.output
    assert [line.split()[0] for line in result.stdout.splitlines()] == ["1"]
