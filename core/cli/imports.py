"""``jobbsats import utfall`` (booked actuals from the accounting system) and ``jobbsats import prognos``
(a board's own year-end forecast) into the ledger."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from jobbsats.cli.completion import scenarios
from jobbsats.cli.ids import LEDGER_ID
from jobbsats.cli.options import (
    WholeHelpGroup,
    counted,
    db_option,
    group_db_option,
    json_option,
    print_json,
    resolve_config,
)


@click.group("import", cls=WholeHelpGroup)
@group_db_option
def import_group() -> None:
    """Import data into the ledger."""


@import_group.command("utfall")
@click.argument("file", type=click.Path(path_type=Path))
@click.option(
    "--config",
    "-c",
    shell_complete=scenarios,
    help="Scenario file (or bundled example) whose [utfall] section maps the rows; default ./jobbsats.toml.",
)
@db_option
@click.option(
    "--replace",
    is_flag=True,
    help="Import a file again, or a corrected export of the same name: the new batch supersedes the earlier one.",
)
@click.option(
    "--supersedes",
    type=LEDGER_ID,
    multiple=True,
    metavar="BATCH",
    help="The new batch corrects this batch (see `jobbsats runs`), whatever its file was called (repeatable).",
)
@click.option(
    "--rejects",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write bad rows to this CSV file and import the rest (default: a bad row stops the import).",
)
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
@json_option
def utfall(
    file: Path,
    config: str | None,
    db: Path,
    replace: bool,
    supersedes: tuple[int, ...],
    rejects: Path | None,
    quiet: bool,
    as_json: bool,
) -> None:
    """Import booked utfall from FILE: a CSV export or a SIE 4 file.

    The scenario's [utfall] section says which columns hold what (CSV), and
    which rows are money of which recipient, fund and project. The import is
    one batch in one transaction: all of it lands, or nothing. The same file
    twice is refused unless --replace.
    """
    from jobbsats.config.load import load_scenario
    from jobbsats.errors import JobbsatsError, clip
    from jobbsats.files import can_create, look_up
    from jobbsats.money import format_units
    from jobbsats.registry import get_registry
    from jobbsats.utfall.importer import import_utfall
    from jobbsats.utfall.purposes import check_purposes
    from jobbsats.utfall.source import inspect

    if config is None and not Path("jobbsats.toml").exists():
        # Unlike `run`, no bundled example: its account codes are made up, and would map real bookings wrongly.
        raise JobbsatsError(
            f"{clip(str(file))}: which scenario maps its rows? Pass -c SCENARIO (the scenario file whose [utfall] "
            "section maps them); there is no ./jobbsats.toml here"
        )
    if rejects is not None and look_up(rejects, what="--rejects") is None:
        can_create(rejects, what="--rejects")  # a read-only file system, /proc: said now, not after the rows are read
    path, note = resolve_config(config)
    if note:
        click.echo(note, err=True)
    registry = get_registry()
    scenario = load_scenario(path, registry)
    check_purposes(scenario, registry, db)
    source = inspect(file)
    show = not quiet and sys.stderr.isatty()
    with click.progressbar(length=source.size, label="Importing utfall", file=sys.stderr, hidden=not show) as bar:
        done = [0]

        def progress(position: int) -> None:
            bar.update(position - done[0])
            done[0] = position

        summary = import_utfall(
            db,
            source,
            scenario,
            replace=replace,
            supersedes=supersedes,
            rejects=rejects,
            progress=progress,
            versions=registry.versions(),
        )

    if as_json:
        print_json(
            {
                "batch_id": summary.batch_id,
                "ledger": str(db),
                "file": str(file),
                "rows_read": summary.rows_read,
                "control_total_ore": summary.control_total,
                "fund_rows": summary.fund_rows,
                "fund_total_ore": summary.fund_total,
                "other_rows": summary.other_rows,
                "other_total_ore": summary.other_total,
                "unmatched_rows": summary.unmatched_rows,
                "unmatched_total_ore": summary.unmatched_total,
                "rejected_rows": summary.rejected_rows,
                "rejects": str(rejects) if summary.rejected_rows else None,
                "supersedes": list(summary.superseded),
                "first_date": summary.dates[0] if summary.dates else None,
                "last_date": summary.dates[1] if summary.dates else None,
                "overlaps": [
                    {"batch_id": batch, "first_date": first, "last_date": last}
                    for batch, first, last, _mine_first, _mine_last in summary.overlaps
                ],
            }
        )
        return

    def kr(ore: int) -> str:
        return format_units(ore, sep=" ")

    def rows(n: int) -> str:
        return counted(n, "row", "rows")

    # The control total is of the rows kept: said so where some were left out, lest it be read as the file's.
    kept = summary.rows_read - summary.rejected_rows
    control = f"of the {rows(kept)} kept: " if summary.rejected_rows else ""
    lines = [
        f"Batch {summary.batch_id} recorded in {db}: {rows(summary.rows_read)} read from {file} "
        f"(control total {control}{kr(summary.control_total)}).",
        f"  {rows(summary.fund_rows)} of fund or project money: {kr(summary.fund_total)}",
        f"  {rows(summary.other_rows)} of the recipients' other money: {kr(summary.other_total)}",
        f"  {rows(summary.unmatched_rows)} matched no mapping (not imported): {kr(summary.unmatched_total)}",
    ]
    if summary.superseded:
        lines.append(f"  It supersedes batch {', '.join(str(b) for b in summary.superseded)}.")
    for batch, first, last, mine_first, mine_last in summary.overlaps:
        lines.append(
            f"  Note: its dates ({mine_first} to {mine_last}) overlap current batch {batch} ({first} to {last}). "
            f"If it repeats that batch's bookings they now count twice: import it with --supersedes {batch} instead."
        )
    if summary.rejected_rows:
        lines.append(f"  {rows(summary.rejected_rows)} left out as bad and written to {rejects}.")
    click.echo("\n".join(lines), err=True)


@import_group.command("prognos")
@click.argument("file", type=click.Path(path_type=Path))
@click.option(
    "--run",
    "run_id",
    type=LEDGER_ID,
    help="Check the file's names against this run (default: the latest; see `jobbsats runs`).",
)
@click.option("--year", type=int, help="The year the forecast is for (default: the run's year, when it budgets one).")
@db_option
@json_option
def prognos(file: Path, run_id: int | None, year: int | None, db: Path, as_json: bool) -> None:
    """Import a board's own year-end forecast from FILE, a CSV file.

    Its header is recipient;fund;purpose;amount;comment (or mottagare;fond;
    ändamål;belopp;kommentar), a line per recipient, fund and purpose (empty:
    the fund's own), amounts in kronor (1 234 567,50). Every line is checked
    against the run; one bad line and nothing is imported. The batch keeps the
    file's sha256, who imported it and when; in `jobbsats report prognos` its
    lines override the computed forecast and are marked "nämndens prognos".
    A later file's line overrides an earlier one's.
    """
    from jobbsats.prognos.importer import describe, import_prognos
    from jobbsats.registry import get_registry

    summary = import_prognos(db, file, run_id=run_id, year=year, versions=get_registry().versions())
    if as_json:
        print_json(
            {
                "batch_id": summary.batch_id,
                "ledger": str(db),
                "file": str(file),
                "file_sha256": summary.sha256,
                "run_id": summary.run_id,
                "scenario": summary.scenario,
                "year": summary.year,
                "rows": summary.rows,
                "total_ore": summary.total,
                "overrides": [{"batch_id": batch, "rows": count} for batch, count in summary.overrides.items()],
            }
        )
        return
    click.echo(describe(summary, db, file), err=True)
