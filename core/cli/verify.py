"""``jobbsats verify``: recompute the ledger's chain of hashes and name what was changed behind its back."""

from __future__ import annotations

from pathlib import Path

import click

from jobbsats.cli.options import counted, db_option, json_option, print_json


@click.command()
@db_option
@click.option(
    "--expect",
    "expect",
    multiple=True,
    metavar="LINK",
    help="A link printed by an earlier verify and kept elsewhere: it must still be in the chain (repeatable).",
)
@click.option(
    "--restore-guards",
    is_flag=True,
    help="Create the guards (triggers) someone dropped again, so jobbsats writes to the ledger again.",
)
@json_option
def verify(db: Path, expect: tuple[str, ...], restore_guards: bool, as_json: bool) -> None:
    """Check that no run's or import batch's rows were changed, added or removed outside jobbsats.

    Recomputes the sha256 of every run's and batch's rows and the chain that
    links them, and names the first one that no longer matches. Exit 0 when
    all match; the last link is printed, to keep elsewhere and compare later.
    With --json, what it found is printed as JSON either way (exit 1 as ever
    when something no longer matches).
    """
    from jobbsats.errors import JobbsatsError
    from jobbsats.ledger import open_ledger
    from jobbsats.ledger.chain import not_a_link
    from jobbsats.ledger.chain import verify as check

    wrong = [problem for link in expect if (problem := not_a_link(link))]
    if wrong:  # a slip in what was pasted, not evidence against the ledger: said before it is opened
        raise JobbsatsError(f"{db}: --expect: {'; '.join(wrong)}")
    ledger = open_ledger(db, must_exist=True)
    found = check(ledger, expect)
    findings = found.findings
    restored: list[str] = []
    if restore_guards:
        from jobbsats.ledger.guards import restore_guards as restore
        from jobbsats.ledger.write import transaction

        ledger.close()
        with transaction(db, guarded=False) as writable:
            restored = restore(writable)
        click.echo(f"Guards restored: {', '.join(restored)}." if restored else "No guard was missing.", err=True)
        findings = [f for f in findings if f.guard not in restored]  # what it restored is no longer wrong
    if as_json:
        print_json(
            {
                "ledger": str(db),
                "ok": not findings,
                "runs": found.runs,
                "import_batches": found.batches,
                "forecast_batches": found.forecasts,
                "last_link": found.last_link,
                "expected": [link.strip().lower() for link in expect],
                "guards_restored": list(restored),
                "findings": [{"message": f.message, "guard": f.guard or None} for f in findings],
            }
        )
    if findings:
        listed = "\n".join(f"  - {f.message}" for f in findings[1:])
        more = f"\n{len(findings) - 1} more:\n{listed}" if len(findings) > 1 else ""
        raise JobbsatsError(f"{db}: the ledger does not match its chain; first: {findings[0].message}{more}")
    if as_json:
        return
    click.echo(f"{db}: OK, {covered(found)} verified: their rows match the chain of hashes.")
    if expect:
        click.echo("The links kept earlier are in it." if len(expect) > 1 else "The link kept earlier is in it.")
    click.echo(f"Last link: {found.last_link}")


def covered(found) -> str:
    """ "2 runs and 1 import batch" (counts grouped: "1 200 runs"), and the forecast batches where there are
    any ("1 run, 2 import batches and 1 forecast batch"), of what ``verify`` found."""
    parts = [counted(found.runs, "run", "runs"), counted(found.batches, "import batch", "import batches")]
    if found.forecasts:
        parts.append(counted(found.forecasts, "forecast batch", "forecast batches"))
    return ", ".join(parts[:-1]) + " and " + parts[-1]
