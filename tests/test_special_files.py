"""Special files and operating-system errors where an input file should be (issue 15, points 2 and 3).

A named pipe nobody writes to, a device that never ends, a socket: refused at
once, naming the file. A pipe that a program writes to (``<(cat file.toml)``)
still works. A path through a file, a loop of links, a name too long: a
message, never a traceback.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from jobbsats import inputfile
from jobbsats.config.load import read_text
from jobbsats.errors import InputError

CASE = Path(__file__).parent / "bad_input" / "45-csv-header-lacks-a-column"
JOBBSATS = f"{sys.executable} -c 'from jobbsats.cli import main; main()'"
QUICK = 5.0  # seconds: "at once", with room for a slow, shared machine


@pytest.fixture
def scenario(tmp_path) -> Path:
    path = tmp_path / "scenario.toml"
    path.write_bytes((CASE / "scenario.toml").read_bytes())
    return path


def shell(command: str, tmp_path: Path) -> subprocess.CompletedProcess:
    """``command`` run by bash, where ``jobbsats`` is this checkout's command line and the ledger is in tmp_path."""
    env = {**os.environ, "JOBBSATS_LOAD_PLUGINS": "", "JOBBSATS_DB": str(tmp_path / "ledger.db")}
    script = f'jobbsats() {{ {JOBBSATS} "$@"; }}\n{command}'
    return subprocess.run(["bash", "-c", script], capture_output=True, text=True, env=env, cwd=tmp_path, timeout=60)


def refused(path: Path | str) -> str:
    """The one line read_text refuses ``path`` with."""
    with pytest.raises(InputError) as caught:
        read_text(Path(path))
    return str(caught.value)


# --- A pipe with a writer works ----------------------------------------------------------------------------------


def test_validate_reads_a_process_substitution(tmp_path, scenario):
    done = shell(f"jobbsats validate <(cat {scenario})", tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("/dev/fd/") and ": OK. 1 rule, years 2024" in done.stdout


def test_run_reads_a_process_substitution_that_writes_late(tmp_path, scenario):
    done = shell(f"jobbsats run <(sleep 1; cat {scenario}) --quiet", tmp_path)
    assert done.returncode == 0, done.stderr
    assert "Run 1 recorded" in done.stderr + done.stdout


def test_validate_reads_standard_input_from_a_pipe(tmp_path, scenario):
    done = shell(f"cat {scenario} | jobbsats validate /dev/stdin", tmp_path)
    assert (done.returncode, done.stdout.startswith("/dev/stdin: OK.")) == (0, True), done.stderr


def test_a_named_pipe_whose_writer_is_waiting_is_read(tmp_path, scenario):
    fifo = tmp_path / "scenario.toml.fifo"
    os.mkfifo(fifo)
    # The writer opens first (it waits in open() until a reader comes), then takes its time to write.
    writer = subprocess.Popen(["bash", "-c", f"exec 3>{fifo}; sleep 1; cat {scenario} >&3"])
    time.sleep(0.3)
    done = shell(f"jobbsats validate {fifo}", tmp_path)
    writer.wait(timeout=30)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"{fifo}: OK.")


# --- Refused at once -----------------------------------------------------------------------------------------------


def test_a_named_pipe_without_a_writer_is_refused_at_once(tmp_path):
    fifo = tmp_path / "scenario.toml"
    os.mkfifo(fifo)
    started = time.monotonic()
    done = shell(f"jobbsats validate {fifo}", tmp_path)
    assert time.monotonic() - started < QUICK
    assert (done.returncode, done.stdout) == (1, "")
    assert done.stderr == (
        f"Error: {fifo}: is a pipe with nothing written to it (a named pipe that no program writes to?), "
        "not a scenario file\n"
    )


def test_a_pipe_whose_writer_closes_without_writing_is_refused(tmp_path):
    done = shell("jobbsats validate <(true)", tmp_path)
    assert done.returncode == 1 and "is a pipe with nothing written to it" in done.stderr


def test_a_writer_that_never_writes_is_given_up_on(tmp_path, monkeypatch):
    monkeypatch.setattr(inputfile, "PIPE_WAIT", 0.5)
    fifo = tmp_path / "scenario.toml"
    os.mkfifo(fifo)
    holding = threading.Event()

    def hold() -> None:
        fd = os.open(fifo, os.O_WRONLY)  # waits until the reader below opens the pipe
        holding.wait(10)
        os.close(fd)

    writer = threading.Thread(target=hold)
    writer.start()
    time.sleep(0.2)  # the writer is in open(), counted as a writer
    started = time.monotonic()
    try:
        message = refused(fifo)
    finally:
        holding.set()
        writer.join()
    assert 0.5 <= time.monotonic() - started < QUICK
    assert message == f"{fifo}: is a pipe whose writer sent nothing for 0.5 seconds; jobbsats gave up on it"


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom", "/dev/null"])
def test_a_device_is_refused_before_it_is_opened(cli, device, tmp_path):
    link = tmp_path / "scenario.toml"
    link.symlink_to(device)
    started = time.monotonic()
    direct, through_link = cli("validate", device), cli("validate", str(link))
    assert time.monotonic() - started < QUICK
    assert (direct.exit_code, direct.stderr) == (1, f"Error: {device}: is a device, not a scenario file\n")
    assert through_link.stderr == f"Error: {link}: is a link to {device}, a device, not a scenario file\n"


def test_a_socket_is_refused(tmp_path):
    path = tmp_path / "s"
    server = socket.socket(socket.AF_UNIX)
    try:
        server.bind(str(path))
        assert refused(path) == f"{path}: is a socket, not a scenario file"
    finally:
        server.close()


def test_an_export_from_a_pipe_is_refused_with_what_to_do(tmp_path, scenario):
    assert shell(f"jobbsats run {scenario} --quiet", tmp_path).returncode == 0
    export = tmp_path / "utfall.csv"
    export.write_bytes((CASE / "utfall.csv").read_bytes())
    done = shell(f"jobbsats import utfall <(cat {export}) -c {scenario}", tmp_path)
    assert done.returncode == 1
    assert done.stderr.endswith(
        ": is a pipe; a file to import is read more than once, so save it as a file first and name that file\n"
    )


# --- Operating-system errors -----------------------------------------------------------------------------------------


def test_a_path_through_a_file(tmp_path, scenario):
    assert refused(scenario / "x.toml") == f"{scenario}/x.toml: {str(scenario)!r} on its way is a file, not a folder"


def test_a_loop_of_links(tmp_path):
    (tmp_path / "a.toml").symlink_to("b.toml")
    (tmp_path / "b.toml").symlink_to("a.toml")
    assert refused(tmp_path / "a.toml").endswith(
        "a.toml: its symbolic links lead round in a loop (or nest more than 40 deep)"
    )


def test_a_name_too_long(tmp_path):
    assert refused(tmp_path / ("x" * 300)).endswith(": a name in the path has 300 bytes; file systems take at most 255")


def test_a_path_too_long(tmp_path):
    path = Path("/" + "/".join(["d" * 200] * 25))  # 5 025 bytes, every name short enough
    assert refused(path).endswith(": the path is longer than the system allows (5025 bytes)")


def test_a_folder(tmp_path):
    assert refused(tmp_path) == f"{tmp_path}: is a folder, not a scenario file"


def test_a_link_to_nothing(tmp_path):
    (tmp_path / "s.toml").symlink_to("gone.toml")
    assert refused(tmp_path / "s.toml") == f"{tmp_path}/s.toml: is a symbolic link to 'gone.toml', which does not exist"


@pytest.mark.skipif(os.geteuid() == 0, reason="as root, file modes do not refuse anything")
def test_a_folder_without_access(tmp_path, scenario):
    closed = tmp_path / "closed"
    closed.mkdir()
    shutil.copy(scenario, closed / "scenario.toml")
    closed.chmod(0)
    try:
        message = refused(closed / "scenario.toml")
    finally:
        closed.chmod(0o755)
    assert message.endswith("permission denied: jobbsats may not read it, or may not enter a folder on its way")


def test_every_error_of_the_operating_system_is_worded():
    # The errors above, and any other one, are said in words (never a traceback).
    error = OSError(5, "Input/output error")
    assert inputfile.os_error_text(Path("x"), error) == "cannot be read: Input/output error"
