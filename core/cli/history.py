"""``jobbsats show RUN`` and ``jobbsats diff RUN_A RUN_B``."""

from __future__ import annotations

from pathlib import Path

import click

from jobbsats.cli.options import db_option, guarded

format_option = click.option("--format", "-f", "fmt", default="md", show_default=True, help="md, csv, json, ...")


def _render(document, fmt: str) -> None:
    from jobbsats.errors import JobbsatsError
    from jobbsats.registry import get_registry

    registry = get_registry()
    formatter = registry.formats.get(fmt.lower())
    if formatter is None or formatter.binary:
        text = ", ".join(sorted(n for n, f in registry.formats.items() if not f.binary))
        raise JobbsatsError(f"unknown or binary format {fmt!r} here (formats: {text})")
    click.echo(guarded(lambda: formatter.render(document), "format", formatter.name, registry), nl=False)


@click.command()
@click.argument("run_id", type=int, required=False)
@click.option("--batch", "batch_id", type=int, help="Show this import batch instead of a run.")
@db_option
@format_option
def show(run_id: int | None, batch_id: int | None, db: Path, fmt: str) -> None:
    """Show what run RUN_ID did: its scenario file, versions, and rule by rule what it allocated.

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


@click.command()
@click.argument("run_a", type=int)
@click.argument("run_b", type=int)
@db_option
@format_option
def diff(run_a: int, run_b: int, db: Path, fmt: str) -> None:
    """Show what changed from run RUN_A to run RUN_B: each amount per year, recipient and rule that differs."""
    from jobbsats.history import diff as build
    from jobbsats.ledger import open_ledger
    from jobbsats.ledger.view import LedgerView

    ledger = open_ledger(db, must_exist=True)
    _render(build(LedgerView(ledger, run_a), LedgerView(ledger, run_b)), fmt)
