"""Import and report speed for booked utfall, against the floor SQLite itself sets.

Run it with the interpreter jobbsats is installed in::

    python benchmarks/utfall.py                      # 1 000 000 rows, prints a table, exits 0
    python benchmarks/utfall.py --rows 20000 --check # small and quick (CI); exits 1 when a target is missed

It writes a realistic CSV export (Windows-1252, semicolons, decimal comma,
no-break spaces between thousands; a mix of departments, accounts,
verksamheter, projects and dates across 2024) and a scenario with an
[utfall] mapping, runs the 2024 allocation, then measures in the same run:

* ``jobbsats import utfall`` (a new process: start-up, reading, parsing, mapping,
  writing) against the floor for loading the same rows: plain ``sqlite3``
  ``executemany`` of pre-parsed tuples into the same table in one transaction
  (timed in-process, parsing not included); also the ``sqlite3`` tool's ``.import``
  of the same CSV where that tool is installed (for information);
* ``jobbsats report aterrapportering -f json`` against one ``GROUP BY`` over the
  rows, run as a new Python process as well (so both pay a process start);
* the import's peak memory (the child's maximum resident set size).

Targets: import <= 3x the floor, report <= 2x the GROUP BY, peak memory
< 200 MB at 1 000 000 rows. Machines are noisy: compare the ratios, not the
seconds. Each side is measured ``--rounds`` times, the two sides taking turns
(each import onto a copy of the same ledger), and the best time of each side
is compared, as ``timeit`` does: noise only ever adds time. Only the standard
library and the installed jobbsats are used.
"""

from __future__ import annotations

import argparse
import random
import resource
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

BIN = Path(sys.executable).parent
JOBBSATS = [sys.executable, str(BIN / "jobbsats")] if (BIN / "jobbsats").is_file() else None

# Departments (ansvar prefixes) and how often they book.
ANSVAR = [("31", "ASN", 40), ("32", "GVN", 20), ("33", "FSN", 15), ("10", "KS", 10), ("90", None, 15)]
ACCOUNTS = ["4010", "4110", "5010", "5410", "5610", "6110", "6210", "6550", "7010", "7510"]
VERKSAMHET = [("7150", 25), ("1000", 25), ("2100", 20), ("3300", 15), ("4500", 15)]
PROJECTS = ["", "", "", "P1001", "P1002", "P2040"]
TEXTS = ["Lön", "Arbetsgivaravgift", "Köpta tjänster", "Hyra lokal", "Utbildning åäö", "Resor", "Material"]

MAPPING = """
[utfall]
accounts = ["4*", "5*", "6*", "7*"]

[utfall.columns]
date = "Bokföringsdatum"
account = "Konto"
ansvar = "Ansvar"
verksamhet = "Verksamhet"
project = "Projekt"
amount = "Belopp"
text = "Text"

[utfall.ansvar]
"31*" = "ASN"
"32*" = "GVN"
"33*" = "FSN"
"10*" = "KS"

[[utfall.map]]
match = { verksamhet = "7150" }
fund = "sjs"
"""

GROUP_BY = """select year, recipient_id, fund_id is not null, sum(amount), count(*) from utfall
              where batch_id not in (select superseded_id from batch_supersedes)
              group by year, recipient_id, fund_id is not null"""


def swedish(ore: int) -> str:
    sign, ore = ("-" if ore < 0 else ""), abs(ore)
    kronor, rest = divmod(ore, 100)
    return sign + f"{kronor:,}".replace(",", "\u00a0") + f",{rest:02d}"


def bookings(rows: int, seed: int = 2024):
    """The same pseudo-random bookings every time for a seed: (line, day, codes..., amount, text, recipient)."""
    rnd = random.Random(seed)
    departments = [a for a, _, w in ANSVAR for _ in range(w)]
    verksamheter = [v for v, w in VERKSAMHET for _ in range(w)]
    recipient = {prefix: rid for prefix, rid, _ in ANSVAR}
    start = date(2024, 1, 1)
    for line in range(2, rows + 2):
        day = start + timedelta(days=rnd.randrange(366))
        prefix = rnd.choice(departments)
        ansvar = prefix + f"{rnd.randrange(100):02d}"
        account, verksamhet, project = rnd.choice(ACCOUNTS), rnd.choice(verksamheter), rnd.choice(PROJECTS)
        if recipient[prefix] is None and verksamhet == "7150":
            verksamhet = "1000"  # the city's other departments book no jobbsatsning money
        amount = rnd.randrange(-50_000_00, 2_000_000_00) if rnd.random() < 0.05 else rnd.randrange(100, 80_000_00)
        yield line, day, account, ansvar, verksamhet, project, amount, rnd.choice(TEXTS), recipient[prefix]


def generate(path: Path, rows: int) -> None:
    """Write the CSV export."""
    with path.open("w", encoding="cp1252", newline="") as out:
        out.write("Bokföringsdatum;Konto;Ansvar;Verksamhet;Projekt;Belopp;Text\r\n")
        for _line, day, account, ansvar, verksamhet, project, amount, text, _rid in bookings(rows):
            out.write(f"{day.isoformat()};{account};{ansvar};{verksamhet};{project};{swedish(amount)};{text}\r\n")


def parsed_rows(rows: int) -> list[tuple]:
    """The rows jobbsats imports, already parsed and mapped: what the floor loads."""
    return [
        (1, line, day.isoformat(), day.year, day.month, account, ansvar, verksamhet, project,
         rid, "sjs" if verksamhet == "7150" else None, None, amount, text)
        for line, day, account, ansvar, verksamhet, project, amount, text, rid in bookings(rows)
        if rid is not None
    ]  # fmt: skip


def floor_executemany(db: Path, rows: list[tuple]) -> float:
    """Seconds to load pre-parsed rows into the same table, in one transaction."""
    from jobbsats.ledger.migrations import _UTFALL  # the very table and index jobbsats writes to

    conn = sqlite3.connect(db)
    conn.execute("create table import_batches (id integer primary key) strict")
    conn.execute("insert into import_batches (id) values (1)")
    for statement in _UTFALL.split(";"):
        if "CREATE TABLE utfall" in statement or "CREATE INDEX" in statement:
            conn.execute(statement)
    conn.commit()
    began = time.perf_counter()
    conn.execute("begin immediate")
    conn.executemany(f"insert into utfall values ({', '.join('?' * 14)})", rows)
    conn.execute("commit")
    elapsed = time.perf_counter() - began
    conn.close()
    return elapsed


def floor_cli_import(folder: Path, csv_path: Path) -> float | None:
    """Seconds for the sqlite3 tool's .import of the raw CSV into a plain table, where the tool exists."""
    tool = shutil.which("sqlite3")
    if tool is None:
        return None
    utf8 = folder / "utf8.csv"
    utf8.write_text(csv_path.read_text(encoding="cp1252"), encoding="utf-8")
    script = f".mode csv\n.separator ;\n.import {utf8} raw\n"
    began = time.perf_counter()
    subprocess.run([tool, str(folder / "cli.db")], input=script, text=True, check=True, capture_output=True)
    return time.perf_counter() - began


def timed(argv: list[str], cwd: Path) -> float:
    began = time.perf_counter()
    result = subprocess.run(argv, cwd=cwd, capture_output=True, text=True)
    elapsed = time.perf_counter() - began
    if result.returncode != 0:
        sys.exit(f"failed: {' '.join(argv)}\n{result.stderr}")
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=3, help="measure each side this many times; keep the best")
    parser.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
    args = parser.parse_args()
    if JOBBSATS is None:
        sys.exit("run this with the Python that jobbsats is installed in")
    from jobbsats import examples

    with tempfile.TemporaryDirectory(prefix="jobbsats-bench-") as tmp:
        folder = Path(tmp)
        scenario = folder / "scenario.toml"
        text = examples.path_of("malmo-2024").read_text(encoding="utf-8")
        scenario.write_text(text[: text.index("# --- Utfall")] + MAPPING, encoding="utf-8")
        csv_path = folder / "utfall-2024.csv"
        began = time.perf_counter()
        generate(csv_path, args.rows)
        size = csv_path.stat().st_size / 1e6
        print(f"{args.rows} rows, {size:.1f} MB CSV written in {time.perf_counter() - began:.1f} s")

        before = folder / "before-import.db"
        timed([*JOBBSATS, "run", str(scenario), "--db", str(before), "--quiet"], folder)
        ledger = folder / "ledger.db"
        import_times, floor_times = [], []
        for turn in range(args.rounds):
            for name in (ledger.name, f"{ledger.name}-wal", f"{ledger.name}-shm", "floor.db"):
                (folder / name).unlink(missing_ok=True)
            shutil.copyfile(before, ledger)
            importing = [*JOBBSATS, "import", "utfall", str(csv_path), "-c", str(scenario), "--db", str(ledger)]
            import_times.append(timed(importing, folder))
            if turn == 0:
                # Read now, while this process is small: a child started later counts the floor's rows
                # this process then holds in its own peak (the pages it was forked with).
                peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # kB on Linux
                parsed = parsed_rows(args.rows)
            floor_times.append(floor_executemany(folder / "floor.db", parsed))
        import_s, floor_s = min(import_times), min(floor_times)
        cli_s = floor_cli_import(folder, csv_path)
        del parsed

        reporting = [*JOBBSATS, "report", "aterrapportering", "-f", "json", "--db", str(ledger)]
        query = f"import sqlite3; print(sqlite3.connect({str(ledger)!r}).execute({GROUP_BY!r}).fetchall())"
        report_times, group_times = [], []
        for _turn in range(args.rounds):
            report_times.append(timed(reporting, folder))
            group_times.append(timed([sys.executable, "-c", query], folder))
        report_s, group_s = min(report_times), min(group_times)

    rows = args.rows
    lines = [
        ("jobbsats import utfall", import_s, rows / import_s),
        ("floor: executemany (pre-parsed)", floor_s, rows / floor_s),
        *([("sqlite3 .import (raw CSV, info)", cli_s, rows / cli_s)] if cli_s else []),
        ("jobbsats report aterrapportering", report_s, None),
        ("floor: one GROUP BY (new process)", group_s, None),
    ]
    print(f"best of {args.rounds} rounds each")
    print(f"{'step':36} {'seconds':>8} {'rows/s':>12}")
    for label, seconds, rate in lines:
        print(f"{label:36} {seconds:8.2f} {rate and f'{rate:,.0f}' or '':>12}")
    import_ratio, report_ratio = import_s / floor_s, report_s / group_s
    checks = [
        ("import / floor", import_ratio, 3.0, f"{import_ratio:.2f}x"),
        ("report / GROUP BY", report_ratio, 2.0, f"{report_ratio:.2f}x"),
        ("import peak memory (MB)", peak_mb, 200.0, f"{peak_mb:.0f} MB"),
    ]
    print()
    failed = False
    for label, value, target, shown in checks:
        ok = value <= target
        failed |= not ok
        print(f"{label:36} {shown:>10}  target <= {target:g}  {'PASS' if ok else 'MISS'}")
    return 1 if failed and args.check else 0


if __name__ == "__main__":
    sys.exit(main())
