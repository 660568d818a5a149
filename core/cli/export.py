"""``jobbsats export``: a run as open data (CSV and a Data Package) and as a SIE 4 budget."""

from __future__ import annotations

from pathlib import Path

import click

from jobbsats.cli.ids import LEDGER_ID
from jobbsats.cli.options import db_option


@click.command()
@click.argument("folder", metavar="DIR", type=click.Path(path_type=Path))
@click.option("--run", "run_id", type=LEDGER_ID, help="Export this run (default: the latest; see `jobbsats runs`).")
@click.option(
    "--account",
    metavar="ACCOUNT",
    default="4000",  # jobbsats.export.sie.DEFAULT_ACCOUNT, not imported here: `jobbsats --help` stays light
    show_default=True,
    help="The account the SIE budget goes on: one of the cost accounts [utfall] reads utfall from.",
)
@click.option(
    "--ansvar",
    "ansvar",
    multiple=True,
    metavar="ID=CODE",
    help="The ansvar code recipient ID's SIE budget goes on (default: its first code in [utfall.ansvar]); repeatable.",
)
@click.option("--force", is_flag=True, help="Write into DIR even when it holds files (the export's own are replaced).")
@db_option
def export(folder: Path, run_id: int | None, account: str, ansvar: tuple[str, ...], force: bool, db: Path) -> None:
    """Write a run's allocations, utfall and budget against utfall to the new folder DIR.

    CSV files (UTF-8, comma, amounts in kronor with a point) described by
    datapackage.json, a Frictionless Data Package with the Fiscal Data
    Package's column types, and budget-YYYY.se: each recipient's budget per
    ansvar and month as SIE 4 #PBUDGET rows for the accounting system. Utfall
    is exported as sums per month, never as booked rows. Every file is written
    and synced before any is put in place: a new or empty DIR gets them all in
    one rename; with --force into a folder holding other files, each replaces
    its namesake by a rename of its own.
    """
    from jobbsats.errors import JobbsatsError, clip
    from jobbsats.export import build
    from jobbsats.export.folder import check_folder, write_folder
    from jobbsats.ledger import open_ledger
    from jobbsats.ledger.view import LedgerView

    codes: dict[str, str] = {}
    for given in ansvar:
        rid, sep, code = given.partition("=")
        if not (sep and rid.strip() and code.strip()):
            raise JobbsatsError(f"--ansvar {clip(given, 80)}: write it ID=CODE, such as ASN=3110")
        if rid.strip() in codes:
            raise JobbsatsError(f"--ansvar gives {rid.strip()} a code twice")
        codes[rid.strip()] = code.strip()
    check_folder(folder, force=force)  # before the work, not after
    view = LedgerView(open_ledger(db, must_exist=True), run_id)
    exported = build(view, account, codes)
    write_folder(folder, exported.files, force=force)
    written = [
        f"{name} ({exported.rows[name]} {'row' if exported.rows[name] == 1 else 'rows'})"
        if name in exported.rows
        else name
        for name in exported.files
    ]
    for note in exported.notes:
        click.echo(note, err=True)
    click.echo(f"Wrote run {view.run_id} to {folder}: {', '.join(written)}.")
