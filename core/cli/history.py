"""``jobbsats show RUN`` and ``jobbsats diff RUN_A RUN_B`` (or ``--as-of DAY_A --as-of DAY_B``)."""

from __future__ import annotations

from pathlib import Path

import click

from jobbsats.cli.completion import text_formats
from jobbsats.cli.ids import LEDGER_ID
from jobbsats.cli.options import db_option, guarded
from jobbsats.cli.report import Day

format_option = click.option(
    "--format",
    "-f",
    "fmt",
    default="md",
    show_default=True,
    shell_complete=text_formats,
    help="md, csv, json, html, or another text format a plugin adds.",
)


def _render(document, fmt: str) -> None:
    from jobbsats.errors import JobbsatsError
    from jobbsats.registry import get_registry

    registry = get_registry(rules=False)
    formatter = registry.formats.get(fmt.lower())
    if formatter is None or formatter.binary:
        text = ", ".join(sorted(n for n, f in registry.formats.items() if not f.binary))
        raise JobbsatsError(f"unknown or binary format {fmt!r} here (formats: {text})")
    click.echo(guarded(lambda: formatter.render(document), "format", formatter.name, registry), nl=False)


@click.command()
@click.argument("run_id", type=LEDGER_ID, required=False)
@click.option("--batch", "batch_id", type=LEDGER_ID, help="Show this import batch instead of a run.")
@db_option
@format_option
def show(run_id: int | None, batch_id: int | None, db: Path, fmt: str) -> None:
    """Show what run RUN_ID did: its scenario file, versions, and rule by rule what it allocated.

    A run with co-financed projects also lists each project's financing lines:
    financier, status, decision, budget state (i budget, villkorad, ansökt,
    utgår) with its condition or reason, and amount.

    With --batch N, import batch N instead: its file, scenario, user, time,
    versions, counts and control total, and what it supersedes or is superseded by.
    """
    from jobbsats.errors import JobbsatsError
    from jobbsats.history import show as build
    from jobbsats.history import show_batch
    from jobbsats.ledger import open_ledger
    from jobbsats.ledger.view import LedgerView

    if (run_id is None) == (batch_id is None):
        raise JobbsatsError("give a run (jobbsats show RUN_ID) or a batch (jobbsats show --batch N), one of them")
    ledger = open_ledger(db, must_exist=True)
    _render(show_batch(ledger, batch_id) if batch_id is not None else build(LedgerView(ledger, run_id)), fmt)


@click.command(short_help="Show what changed between two runs, or in the ledger between two days.")
@click.argument("run_a", type=LEDGER_ID, required=False)
@click.argument("run_b", type=LEDGER_ID, required=False)
@click.option(
    "--as-of",
    "as_of",
    type=Day(),
    multiple=True,
    metavar="YYYY-MM-DD",
    help="Instead of two runs: the ledger as it stood at the end of this day (UTC). Give it twice, the "
    "earlier day first; given once, the second point is the ledger as it is now.",
)
@db_option
@format_option
def diff(run_a: int | None, run_b: int | None, as_of: tuple, db: Path, fmt: str) -> None:
    """Show what changed from run RUN_A to run RUN_B: each amount per year, recipient and rule that differs,
    the funds' totals, and every financing line of a project whose status, budget state or amount changed
    (before and after, per year, with the reason).

    With --as-of DAY_A --as-of DAY_B instead of two runs: the newest run on or before each day, compared
    as above, and the import batches (utfall) current on each day, with those added or superseded in
    between, their files and control totals.
    """
    from jobbsats.history import diff as build
    from jobbsats.ledger import open_ledger
    from jobbsats.ledger.view import LedgerView

    days = [day.isoformat() for day in as_of]
    if days and (run_a is not None or run_b is not None):
        raise click.UsageError("give two runs (RUN_A RUN_B) or days (--as-of DAY_A --as-of DAY_B), not both")
    if not days and (run_a is None or run_b is None):
        raise click.UsageError("give two runs (jobbsats diff RUN_A RUN_B) or two days (--as-of DAY_A --as-of DAY_B)")
    if len(days) > 2:
        raise click.UsageError(f"--as-of: give one or two days, not {len(days)}")
    if len(days) == 2 and days[0] > days[1]:
        raise click.UsageError(f"--as-of: give the earlier day first ({days[1]} before {days[0]})")
    ledger = open_ledger(db, must_exist=True)
    if days:
        before, after = LedgerView(ledger, None, days[0]), LedgerView(ledger, None, days[1] if len(days) == 2 else None)
    else:
        before, after = LedgerView(ledger, run_a), LedgerView(ledger, run_b)
    _render(build(before, after), fmt)
