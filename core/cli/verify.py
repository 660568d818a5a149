"""``jobbsats verify``: recompute the ledger's chain of hashes and name what was changed behind its back."""

from __future__ import annotations

from pathlib import Path

import click

from jobbsats.cli.options import db_option


@click.command()
@db_option
def verify(db: Path) -> None:
    """Check that no run's or import batch's rows were changed, added or removed outside jobbsats.

    Recomputes the sha256 of every run's and batch's rows and the chain that
    links them, and names the first one that no longer matches. Exit 0 when
    all match; the last link is printed, to keep elsewhere and compare later.
    """
    from jobbsats.errors import JobbsatsError
    from jobbsats.ledger import open_ledger
    from jobbsats.ledger.chain import verify as check

    ledger = open_ledger(db, must_exist=True)
    found = check(ledger)
    if found.findings:
        listed = "\n".join(f"  - {f.message}" for f in found.findings)
        raise JobbsatsError(f"{db}: the ledger does not match its chain; first: {found.findings[0].message}\n{listed}")
    runs = f"{found.runs} run" + ("" if found.runs == 1 else "s")
    batches = f"{found.batches} import batch" + ("" if found.batches == 1 else "es")
    click.echo(f"{db}: OK, {runs} and {batches} verified: their rows match the chain of hashes.")
    click.echo(f"Last link: {found.last_link}")
