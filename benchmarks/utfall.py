"""Import and report speed for booked utfall, against an honest floor: the same work without jobbsats.

Run it with the interpreter jobbsats is installed in::

    python benchmarks/utfall.py                        # 100 000 and 1 000 000 rows; prints tables, exits 0
    python benchmarks/utfall.py --big                  # and 5 000 000 rows too
    python benchmarks/utfall.py --rows 20000 --check   # one size, small and quick; exits 1 when a target is missed

It writes a realistic CSV export (Windows-1252, semicolons, decimal comma,
no-break spaces between thousands; a mix of departments, accounts,
verksamheter, projects and dates across 2024) and a scenario with an
[utfall] mapping, runs the 2024 allocation, then measures at each size, in the same run:

* ``jobbsats import utfall`` (a new process: start-up, reading, parsing, mapping,
  hashing for the chain, writing) against the floor: a new Python process (the
  script :data:`FLOOR`, written beside the CSV) that does the same work minus
  jobbsats: opens the CSV as Windows-1252, reads it with ``csv.reader``, parses
  the date into the ledger's date, year and month and the amount into integer
  öre, maps the codes as the scenario's ``[utfall]`` mapping says (cached by the
  codes as booked), and loads the rows with ONE ``executemany`` into the ledger's
  own ``utfall`` table (a copy of the same ledger: the same table, index and
  guards), in one transaction, committed. It does a little less than the import,
  so the ratio errs against jobbsats: foreign keys are off (jobbsats checks each
  row's batch), the date is sliced rather than checked and the amount assumed to
  have two decimals;
* the import's peak memory, as the child's own high-water mark (``VmHWM``, read by the
  child itself from ``/proc/self/status`` as it exits: Linux's ``ru_maxrss`` for a
  child carries the parent's peak through fork; where there is no ``/proc``, the
  child's own ``getrusage``);
* ``jobbsats report aterrapportering -f json`` against one ``GROUP BY`` over the
  current batches' rows, run as a new Python process as well (so both pay a process start).

Targets: import at most 1.8x the floor at 100 000 rows and 1.5x at 1 000 000 (and more),
peak memory under 100 MB and flat (at most 20 MB more at the largest size than at the
smallest); the report at most 1.5x its GROUP BY at 100 000 rows and 1.1x at 1 000 000.
Cost per row (µs) is printed at each size, to show it is linear. Machines are noisy:
compare the ratios, not the seconds. Each side is measured ``--rounds`` times, the two
taking turns (the order swapped every round; each import and each floor onto a fresh copy
of the same ledger), and the best time of each side is compared, as ``timeit`` does: noise
only ever adds time. Only the standard library and the installed jobbsats are used.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
import tomllib
from datetime import date, timedelta
from pathlib import Path

BIN = Path(sys.executable).parent
HAS_JOBBSATS = (BIN / "jobbsats").is_file()
SIZES = (100_000, 1_000_000)
BIG = 5_000_000
PEAK_MOST_MB, PEAK_FLAT_MB = 100.0, 20.0

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

# `jobbsats ARGS` as its entry point runs it, writing the process's own peak resident memory (kB) to
# PEAK_KB_FILE as it exits (atexit runs after click's sys.exit too). See tests/test_huge_input.py.
MEASURED_MAIN = """\
import atexit, os, sys

def peak():
    try:
        with open("/proc/self/status") as status:
            kb = next(line.split()[1] for line in status if line.startswith("VmHWM:"))
    except OSError:  # no /proc: the process's own getrusage (bytes on macOS, kB elsewhere)
        import resource
        most = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        kb = str(most // 1024 if sys.platform == "darwin" else most)
    with open(os.environ["PEAK_KB_FILE"], "w") as out:
        out.write(kb)

atexit.register(peak)
from jobbsats.console import main  # what the console script runs
main()
"""

# The floor: what the import does, minus jobbsats. The mapping is the scenario's [utfall] section, read with
# tomllib (prefixes end in "*"): the accounts filter, the ansvar codes' recipients (the longest prefix wins),
# and the first map entry that matches gives the fund, project and purpose.
FLOOR = r'''
import csv, sqlite3, sys, tomllib

csv_path, db_path, mapping_path = sys.argv[1:4]
with open(mapping_path, "rb") as f:
    section = tomllib.load(f)["utfall"]


def pattern(written):
    items = [written] if isinstance(written, str) else written
    exact = {i for i in items if not i.endswith("*")}
    prefixes = tuple(i[:-1] for i in items if i.endswith("*"))
    return lambda code: code in exact or (bool(code) and code.startswith(prefixes))


accounts = pattern(section["accounts"]) if section.get("accounts") else None
ansvar = sorted(((k.rstrip("*"), k.endswith("*"), v) for k, v in section["ansvar"].items()), key=lambda a: -len(a[0]))
entries = [({f: pattern(p) for f, p in e["match"].items()}, e) for e in section.get("map", [])]
FIELDS = ("account", "ansvar", "verksamhet", "project")


def classify(codes):
    """(recipient, fund, project, purpose), or None for a row the import does not store."""
    if accounts is not None and not accounts(codes[0]):
        return None
    code = codes[1]
    recipient = next((rid for c, prefix, rid in ansvar if (code.startswith(c) if prefix else code == c)), None)
    named = dict(zip(FIELDS, codes))
    entry = next((e for match, e in entries if all(p(named[f]) for f, p in match.items())), None)
    if entry is None:
        return (recipient, None, None, None) if recipient else None
    return (entry.get("recipient") or recipient, entry.get("fund"), entry.get("project"), entry.get("purpose"))


conn = sqlite3.connect(db_path)
batch = conn.execute("select coalesce(max(id), 0) + 1 from import_batches").fetchone()[0]
columns = section["columns"]


def rows():
    cache = {}
    with open(csv_path, encoding="cp1252", newline="") as f:
        reader = csv.reader(f, delimiter=";")
        header = next(reader)
        named = ("date", "account", "ansvar", "verksamhet", "project", "amount", "text")
        at = [header.index(columns[c]) for c in named]
        line = 1
        for row in reader:
            line += 1
            d, account, ansvar_code, verksamhet, project, amount, text = (row[i] for i in at)
            codes = (account, ansvar_code, verksamhet, project)
            target = cache.get(codes, False)
            if target is False:
                target = cache[codes] = classify(codes)
            if target is None:
                continue
            ore = int(amount.replace(" ", "").replace(",", ""))
            yield (batch, line, d, int(d[:4]), int(d[5:7]), account, ansvar_code, verksamhet, project, *target[:3],
                   ore, text, target[3])


conn.execute("begin immediate")
conn.executemany(
    "insert into utfall (batch_id, line, date, year, month, account, ansvar, verksamhet, project_code, recipient_id,"
    " fund_id, project_id, amount, text, purpose) values (" + ", ".join("?" * 15) + ")",
    rows(),
)
conn.commit()
print(*conn.execute("select count(*), sum(amount) from utfall where batch_id = ?", [batch]).fetchone())
'''


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


def environment(peak_file: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("JOBBSATS_DB", None)
    env.pop("PYTHONPROFILEIMPORTTIME", None)
    env["PEAK_KB_FILE"] = str(peak_file)
    return env


def timed(argv: list[str], cwd: Path, env: dict[str, str] | None = None) -> tuple[float, str]:
    """Seconds the new process took, and what it printed."""
    began = time.perf_counter()
    result = subprocess.run(argv, cwd=cwd, capture_output=True, text=True, env=env)
    elapsed = time.perf_counter() - began
    if result.returncode != 0:
        sys.exit(f"failed: {' '.join(argv[:1] + argv[3:] if argv[1] == '-c' else argv)}\n{result.stderr}")
    return elapsed, result.stdout


def fresh_copy(before: Path, target: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(before, target)


def measure_size(folder: Path, rows: int, rounds: int, scenario: Path, before: Path, mapping: Path) -> dict:
    """Import against floor, then report against GROUP BY, at ``rows`` lines of CSV."""
    csv_path = folder / f"utfall-{rows}.csv"
    began = time.perf_counter()
    generate(csv_path, rows)
    size = csv_path.stat().st_size / 1e6
    print(f"{rows} rows: {size:.1f} MB CSV written in {time.perf_counter() - began:.1f} s", flush=True)
    floor_script = folder / "floor.py"
    floor_script.write_text(FLOOR, encoding="utf-8")
    ledger, floor_db, peak_file = folder / f"ledger-{rows}.db", folder / "floor.db", folder / "peak-kb"
    env = environment(peak_file)
    importing = [sys.executable, "-c", MEASURED_MAIN, "import", "utfall", str(csv_path), "-c", str(scenario)]
    flooring = [sys.executable, str(floor_script), str(csv_path), str(floor_db), str(mapping)]
    import_times, floor_times, peaks, loaded = [], [], [], set()
    for turn in range(rounds):
        for side in ("import", "floor") if turn % 2 == 0 else ("floor", "import"):
            if side == "import":
                fresh_copy(before, ledger)
                peak_file.unlink(missing_ok=True)
                import_times.append(timed([*importing, "--db", str(ledger)], folder, env)[0])
                peaks.append(int(peak_file.read_text()) / 1024)
            else:
                fresh_copy(before, floor_db)
                seconds, out = timed(flooring, folder)
                floor_times.append(seconds)
                loaded.add(out.strip())
    booked, total = sqlite_count(ledger)
    if loaded != {f"{booked} {total}"}:
        sys.exit(f"the floor loaded (rows, öre) {loaded}, the import {booked} {total}: not the same work")
    reporting = [sys.executable, str(BIN / "jobbsats"), "report", "aterrapportering", "-f", "json", "--db", str(ledger)]
    query = f"import sqlite3; print(sqlite3.connect({str(ledger)!r}).execute({GROUP_BY!r}).fetchall())"
    report_times, group_times = [], []
    timed(reporting, folder)  # once untimed: the first report after an import may be the one to checkpoint
    for turn in range(rounds):
        for side in ("report", "group") if turn % 2 == 0 else ("group", "report"):
            if side == "report":
                report_times.append(timed(reporting, folder)[0])
            else:
                group_times.append(timed([sys.executable, "-c", query], folder)[0])
    return {
        "rows": rows,
        "booked": booked,
        "mb": size,
        "import": min(import_times),
        "floor": min(floor_times),
        "peak": max(peaks),
        "report": min(report_times),
        "group": min(group_times),
    }


def sqlite_count(ledger: Path) -> tuple[int, int]:
    import sqlite3

    conn = sqlite3.connect(ledger)
    try:
        return conn.execute("select count(*), sum(amount) from utfall").fetchone()
    finally:
        conn.close()


def import_target(rows: int) -> float:
    return 1.5 if rows >= 1_000_000 else 1.8


def report_target(rows: int) -> float:
    return 1.1 if rows >= 1_000_000 else 1.5


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, help="one size only (lines of CSV); default 100 000 and 1 000 000")
    parser.add_argument("--big", action="store_true", help="add 5 000 000 rows to the default sizes")
    parser.add_argument("--rounds", type=int, default=3, help="measure each side this many times; keep the best")
    parser.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
    args = parser.parse_args()
    if not HAS_JOBBSATS:
        sys.exit("run this with the Python that jobbsats is installed in")
    from jobbsats import examples

    sizes = [args.rows] if args.rows else [*SIZES, *([BIG] if args.big else [])]
    results = []
    with tempfile.TemporaryDirectory(prefix="jobbsats-bench-") as tmp:
        folder = Path(tmp)
        scenario, mapping = folder / "scenario.toml", folder / "mapping.toml"
        text = examples.path_of("malmo-2024").read_text(encoding="utf-8")
        scenario.write_text(text[: text.index("# --- Utfall")] + MAPPING, encoding="utf-8")
        mapping.write_text(MAPPING, encoding="utf-8")
        tomllib.loads(MAPPING)  # the floor reads it with tomllib: it must be plain TOML
        before = folder / "before-import.db"
        timed([sys.executable, str(BIN / "jobbsats"), "run", str(scenario), "--db", str(before), "--quiet"], folder)
        for rows in sizes:
            results.append(measure_size(folder, rows, args.rounds, scenario, before, mapping))
            (folder / f"utfall-{rows}.csv").unlink()

    print(f"\nbest of {args.rounds} rounds each, interleaved; every side a new process")
    head = ("rows (CSV lines)", "booked", "jobbsats import utfall s", "floor: executemany s", "import / floor",
            "import us/row", "floor us/row", "import peak memory (MB)")  # fmt: skip
    print(" | ".join(head))
    for r in results:
        print(
            f"{r['rows']:,} | {r['booked']:,} | {r['import']:.2f} | {r['floor']:.2f} | {r['import'] / r['floor']:.2f}x"
            f" | {r['import'] / r['rows'] * 1e6:.2f} | {r['floor'] / r['rows'] * 1e6:.2f} | {r['peak']:.0f}"
        )
    print()
    head = ("rows (CSV lines)", "jobbsats report aterrapportering s", "floor: one GROUP BY s", "report / GROUP BY")
    print(" | ".join(head))
    for r in results:
        print(f"{r['rows']:,} | {r['report']:.2f} | {r['group']:.2f} | {r['report'] / r['group']:.2f}x")

    checks = []
    for r in results:
        n = f"{r['rows']:,}"
        checks.append((f"import / floor at {n}", r["import"] / r["floor"], import_target(r["rows"]), "x"))
        checks.append((f"report / GROUP BY at {n}", r["report"] / r["group"], report_target(r["rows"]), "x"))
        checks.append((f"import peak memory (MB) at {n}", r["peak"], PEAK_MOST_MB, " MB"))
    if len(results) > 1:
        growth = results[-1]["peak"] - results[0]["peak"]
        checks.append(("import peak memory growth (MB), flat", growth, PEAK_FLAT_MB, " MB"))
    print()
    failed = False
    for label, value, target, unit in checks:
        ok = value <= target if "memory" not in label or "growth" in label else value < target
        failed |= not ok
        shown = f"{value:.2f}{unit}" if unit == "x" else f"{value:.0f}{unit}"
        print(f"{label:44} {shown:>9}  target {'<' if unit == ' MB' and 'growth' not in label else '<='} "
              f"{target:g}{unit}  {'PASS' if ok else 'MISS'}")  # fmt: skip
    return 1 if failed and args.check else 0


if __name__ == "__main__":
    sys.exit(main())
