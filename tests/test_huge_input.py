"""Huge input is refused in a few hundred characters, without reading it whole into memory (issue 15, point 1).

Each case runs ``jobbsats`` as a new process, as a user's shell would, and
measures that process alone: its own peak resident memory (``VmHWM``), which it
reads from ``/proc/self/status`` as it exits. Linux's ``ru_maxrss`` for a child,
from ``os.wait4`` as much as from ``getrusage(RUSAGE_CHILDREN)``, is at least the
parent's peak when it started the child (the kernel carries the parent's
high-water mark through fork and exec): a pytest worker grown to 190 MB made
every case fail at "peak 192 MB", whatever jobbsats used.
Before the limits, a 50 MB CSV line printed 91 MB to stderr and peaked at 2 GB.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from jobbsats.inputfile import MAX_LINE_BYTES, MAX_SCENARIO_BYTES

MOST_CHARS = 2000  # a message, whatever the input
MOST_MEMORY_KB = 150 * 1024  # jobbsats starts in about 45 MB; 50 MB read whole would pass this with its copies
BIG = 50_000_000

SCENARIO = Path(__file__).parent / "bad_input" / "45-csv-header-lacks-a-column" / "scenario.toml"


def write_repeated(path: Path, head: bytes, byte: bytes, times: int) -> Path:
    with path.open("wb") as handle:
        handle.write(head)
        for start in range(0, times, 1 << 20):
            handle.write(byte * min(1 << 20, times - start))
    return path


# ``jobbsats ARGS`` as ``main()`` runs it, writing the process's own peak resident memory (kB) to PEAK_KB_FILE
# as it exits (atexit runs after click's sys.exit too).
MEASURED_MAIN = """\
import atexit, os

def peak():
    with open("/proc/self/status") as status, open(os.environ["PEAK_KB_FILE"], "w") as out:
        out.write(next(line.split()[1] for line in status if line.startswith("VmHWM:")))

atexit.register(peak)
from jobbsats.cli import main
main()
"""


def jobbsats(tmp_path: Path, *args: str) -> tuple[int, str, int]:
    """Exit code, stderr and the peak resident memory (kB) of ``jobbsats ARGS`` in a process of its own."""
    out, err, peak = tmp_path / "stdout", tmp_path / "stderr", tmp_path / "peak-kb"
    env = {**os.environ, "JOBBSATS_DB": str(tmp_path / "ledger.db"), "JOBBSATS_LOAD_PLUGINS": "", "PYTHONUTF8": "1"}
    env["PEAK_KB_FILE"] = str(peak)
    peak.unlink(missing_ok=True)
    with out.open("wb") as stdout, err.open("wb") as stderr:
        proc = subprocess.run(
            [sys.executable, "-c", MEASURED_MAIN, *args], stdout=stdout, stderr=stderr, env=env, cwd=tmp_path
        )
    assert out.read_text(encoding="utf-8") == ""
    assert peak.exists(), "the process ended without measuring its peak memory (killed, or os._exit?)"
    return proc.returncode, err.read_text(encoding="utf-8"), int(peak.read_text())


@pytest.fixture
def ledger(cli, tmp_path) -> Path:
    """The scenario of the CSV cases, run once so that an import has its ledger: in-process (0.5 s less a
    case), since only the import's process is measured."""
    scenario = tmp_path / "scenario.toml"
    scenario.write_bytes(SCENARIO.read_bytes())
    result = cli("run", str(scenario), "--quiet", "--db", str(tmp_path / "ledger.db"))
    assert result.exit_code == 0, result.output
    return scenario


def test_the_limits_are_what_the_messages_say():
    assert (MAX_LINE_BYTES, MAX_SCENARIO_BYTES) == (1024 * 1024, 4 * 1024 * 1024)


def test_a_50_mb_csv_line(tmp_path, ledger):
    export = write_repeated(tmp_path / "utfall.csv", b"Bokf\xf6ringsdatum;Belopp;", b"9", BIG)
    code, stderr, memory = jobbsats(tmp_path, "import", "utfall", str(export), "-c", str(ledger))
    assert (code, stderr) == (
        1,
        f"Error: {export}: line 1: is longer than 1 MB, the most jobbsats reads in one line (a file without "
        "line breaks?); a CSV export or a SIE file has a line per row\n",
    )
    assert memory < MOST_MEMORY_KB, f"peak {memory // 1024} MB"


def test_a_50_mb_csv_field_after_a_header(tmp_path, ledger):
    # The header is sound and short; the second line is one endless field.
    export = write_repeated(
        tmp_path / "utfall.csv", b"Bokf\xf6ringsdatum;Konto;Ansvar;Verksamhet;Belopp;Text\n2024-01-31;", b"x", BIG
    )
    code, stderr, memory = jobbsats(tmp_path, "import", "utfall", str(export), "-c", str(ledger))
    assert (code, len(stderr) < MOST_CHARS) == (1, True)
    assert f"{export}: line 2: is longer than 1 MB" in stderr
    assert memory < MOST_MEMORY_KB, f"peak {memory // 1024} MB"


def test_a_50_mb_sie_line(tmp_path, ledger):
    export = write_repeated(tmp_path / "utfall.se", b"#FLAGGA 0\n#PROSA ", b"x", BIG)
    code, stderr, memory = jobbsats(tmp_path, "import", "utfall", str(export), "-c", str(ledger))
    assert (code, len(stderr) < MOST_CHARS) == (1, True)
    assert f"{export}: line 2: is longer than 1 MB" in stderr
    assert memory < MOST_MEMORY_KB, f"peak {memory // 1024} MB"


def test_a_50_mb_scenario_line(tmp_path):
    scenario = write_repeated(tmp_path / "scenario.toml", b'[scenario]\nname = "', b"x", BIG)
    code, stderr, memory = jobbsats(tmp_path, "validate", str(scenario))
    assert (code, stderr) == (
        1,
        f"Error: {scenario}: is 47.7 MB; a scenario file may be at most 4 MB: is it the right file?\n",
    )
    assert memory < MOST_MEMORY_KB, f"peak {memory // 1024} MB"


def test_a_50_mb_scenario_through_a_pipe(tmp_path):
    # A pipe has no size to look at first: it is read up to the limit, and no further.
    big = write_repeated(tmp_path / "big.toml", b'[scenario]\nname = "', b"x", BIG)
    # Through `cat`, so that /dev/stdin is a pipe and not the file itself.
    shell = f"cat {big} | {sys.executable} -c 'from jobbsats.cli import main; main()' validate /dev/stdin"
    proc = subprocess.run(
        ["bash", "-c", shell],
        capture_output=True,
        text=True,
        env={**os.environ, "JOBBSATS_LOAD_PLUGINS": ""},
        cwd=tmp_path,
        timeout=60,
    )
    assert (proc.returncode, proc.stdout) == (1, "")
    assert proc.stderr == (
        "Error: /dev/stdin: is larger than 4 MB, the most jobbsats reads as a scenario file; is it the right file?\n"
    )


def test_a_100000_character_value_is_quoted_short(tmp_path):
    text = SCENARIO.read_text(encoding="utf-8")
    text = text.replace('rule = "percentage_key"', 'rule = "percentage_key"\nfund = "' + "x" * 100_000 + '"')
    scenario = tmp_path / "scenario.toml"
    scenario.write_text(text, encoding="utf-8")
    code, stderr, _ = jobbsats(tmp_path, "validate", str(scenario))
    assert code == 1
    assert stderr == (
        f"Error: {scenario}: rules[0].fund: unknown fund '{'x' * 80}… (99 920 more characters)' (funds: sjs)\n"
    )
