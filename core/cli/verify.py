"""``jobbsats verify``: recompute the ledger's chain of hashes and name what was changed behind its back."""

from __future__ import annotations

from pathlib import Path

import click

from jobbsats.cli.options import db_option


@click.command()
@db_option
def verify(db: Path) -> None:
    """Check that no run's rows were changed, added or removed outside jobbsats.

    Recomputes the sha256 of every run's rows and the chain that links them,
    and names the first run that no longer matches. Exit 0 when all match.
    """
    from jobbsats.errors import JobbsatsError
    from jobbsats.ledger import open_ledger
    from jobbsats.ledger.chain import verify as check

    ledger = open_ledger(db, must_exist=True)
    count, findings = check(ledger)
    if findings:
        listed = "\n".join(f"  - {f.message}" for f in findings)
        raise JobbsatsError(f"{db}: the ledger does not match its chain; first: {findings[0].message}\n{listed}")
    click.echo(f"{db}: OK, {count} runs verified: their rows match the chain of hashes.")
