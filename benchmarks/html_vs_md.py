"""Time of the html report against the Markdown one: what its page and its charts cost.

Run it with the interpreter jobbsats is installed in::

    python benchmarks/html_vs_md.py               # 20 rounds, prints a table, exits 0
    python benchmarks/html_vs_md.py --rounds 50   # more rounds
    python benchmarks/html_vs_md.py --check       # exits 1 when the target is missed

Target: ``jobbsats report fordelning -f html`` takes at most 1.5x the time of
``jobbsats report fordelning -f md``, on the bundled example (``malmo-2024``, run once
into a ledger in a temporary folder). Both print to standard output (thrown away).

Every report is a new process of the same interpreter, as people run it, so both
sides pay the same start-up and differ by the format alone: Jinja2, the page's
template and the SVG charts against the Markdown writer. After one untimed
warm-up of each, the two take turns, round by round (the order swapped every
round), and the best time of each side is compared, as ``timeit`` does: noise only
ever adds time. The medians are printed too. Only the standard library and the
installed jobbsats are used.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

# Run as a script, this folder is on sys.path: the start-up benchmark's way of starting and timing a command.
from startup import environment, jobbsats_command, ms, time_once

TARGET = 1.5


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=20, help="rounds of the two reports in turn (default 20)")
    parser.add_argument("--example", default="malmo-2024", help="the bundled example to report on")
    parser.add_argument("--check", action="store_true", help=f"exit 1 when html takes more than {TARGET}x md")
    args = parser.parse_args(argv)
    if args.rounds < 1:
        parser.error("--rounds must be at least 1")

    jobbsats, env = jobbsats_command(), environment()
    workdir = Path(tempfile.mkdtemp(prefix="jobbsats-html-md-"))
    times: dict[str, list[float]] = {"md": [], "html": []}
    try:
        db = workdir / "ledger.db"
        time_once([*jobbsats, "run", args.example, "--quiet", "--db", str(db)], env, workdir)
        commands = {fmt: [*jobbsats, "report", "fordelning", "-f", fmt, "--db", str(db)] for fmt in times}
        print(
            f"python {sys.version.split()[0]} ({sys.executable}), {args.rounds} rounds, example {args.example}; "
            f"jobbsats = {' '.join(jobbsats)}"
        )
        for argv_ in commands.values():  # warm-up, untimed: .pyc files, the page cache
            time_once(argv_, env, workdir)
        for r in range(args.rounds):
            order = list(commands) if r % 2 == 0 else list(reversed(commands))
            for fmt in order:
                times[fmt].append(time_once(commands[fmt], env, workdir))
            if sys.stderr.isatty():
                print(f"\rround {r + 1}/{args.rounds}", end="", file=sys.stderr, flush=True)
        if sys.stderr.isatty():
            print(file=sys.stderr)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)

    best = {fmt: min(t) for fmt, t in times.items()}
    ratio = best["html"] / best["md"]
    median_ratio = statistics.median(times["html"]) / statistics.median(times["md"])
    rows = [
        ("report fordelning", "best ms", "median ms"),
        *((f"-f {fmt}", ms(best[fmt]), ms(statistics.median(times[fmt]))) for fmt in times),
        ("html / md", f"{ratio:.3f}", f"{median_ratio:.3f}"),
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    for label, *cells in rows:
        print("  ".join([label.ljust(widths[0]), *(c.rjust(w) for c, w in zip(cells, widths[1:], strict=True))]))
    passed = ratio <= TARGET
    print(f"\nhtml / md of the best times: {ratio:.3f}, target <= {TARGET:g}: {'PASS' if passed else 'FAIL'}")
    return 1 if args.check and not passed else 0


if __name__ == "__main__":
    sys.exit(main())
