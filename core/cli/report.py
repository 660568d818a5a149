"""``jobbsats report``."""

from __future__ import annotations

import os
from pathlib import Path

import click

from jobbsats.cli.options import db_option, guarded


class Day(click.ParamType):
    """A day written YYYY-MM-DD; a day that does not exist (2024-02-30) is named as such."""

    name = "day"

    def convert(self, value, param, ctx):
        import datetime

        if isinstance(value, datetime.date):
            return value
        shape = len(value) == 10 and value[4] == value[7] == "-" and value.replace("-", "").isascii()
        if not (shape and value.replace("-", "").isdigit()):  # fromisoformat alone takes 20261123 and weeks
            self.fail(f"{value!r} is not written YYYY-MM-DD", param, ctx)
        try:
            return datetime.date.fromisoformat(value)
        except ValueError as exc:
            self.fail(f"{value} is not a day of the calendar ({exc})", param, ctx)


@click.command()
@click.argument("name")
@click.option("--format", "-f", "fmt", help="Output format: md (default), csv, json, xlsx, html, or one a plugin adds.")
@click.option("--output", "-o", type=click.Path(path_type=Path), help="Write to this file (- for standard output).")
@click.option("--year", type=int, help="Only this year.")
@click.option("--quarters", is_flag=True, help="Break years into quarters (reports that can, such as projekt).")
@click.option(
    "--as-of",
    type=Day(),
    metavar="YYYY-MM-DD",
    help="Report as the ledger stood at the end of this day (UTC): its newest run then, and utfall imported by then.",
)
@click.option("--run", "run_id", type=int, help="Report on this run (default: the latest; see `jobbsats runs`).")
@click.option("--force", is_flag=True, help="Replace the output file if it exists.")
@db_option
def report(
    name: str,
    fmt: str | None,
    output: Path | None,
    year: int | None,
    quarters: bool,
    as_of,
    run_id: int | None,
    force: bool,
    db: Path,
) -> None:
    """Produce the report NAME from the ledger (see `jobbsats plugins` for the reports).

    Built in: `fordelning` (the allocation, with totals), `beslut` (the
    numbered decision points in Swedish), `projekt` (co-financed projects
    per financier and year or quarter) and `aterrapportering` (budget against
    booked utfall). `jobbsats plugins` lists the reports plugins add. With -o and no --format, the format
    follows the file's extension.
    """
    from jobbsats.entrypoints import ALLOWLIST_ENV
    from jobbsats.errors import JobbsatsError
    from jobbsats.files import write_atomic
    from jobbsats.ledger import open_ledger
    from jobbsats.ledger.view import LedgerView
    from jobbsats.registry import get_registry
    from jobbsats.report import ReportOptions

    registry = get_registry()
    if output is not None and str(output) == "-":
        output = None  # the usual spelling of standard output
    if fmt is not None:
        fmt = fmt.lower()
    if name not in registry.reports:
        hint = ""
        if os.environ.get(ALLOWLIST_ENV) is not None:
            hint = f"; {ALLOWLIST_ENV}={os.environ[ALLOWLIST_ENV]!r} may leave out the plugin that brings it"
        raise JobbsatsError(f"unknown report {name!r} (reports: {', '.join(sorted(registry.reports))}){hint}")
    if fmt is None:
        suffix = output.suffix.lstrip(".").lower() if output else ""
        fmt = next((f.name for f in registry.formats.values() if f.extension == suffix), None if suffix else "md")
        if fmt is None:
            known = ", ".join(sorted(registry.formats))
            raise JobbsatsError(f"{output}: no format writes .{suffix} files (formats: {known}); pass --format")
    if fmt not in registry.formats:
        raise JobbsatsError(f"unknown format {fmt!r} (formats: {', '.join(sorted(registry.formats))})")
    formatter = registry.formats[fmt]
    if output is not None and output.resolve() == db.resolve():
        raise JobbsatsError(f"{output}: is the ledger itself; write the report to another file")
    if formatter.binary and output is None:
        raise JobbsatsError(f"the {fmt} format is binary; write it to a file with -o FILE")
    if as_of is not None and run_id is not None:
        raise JobbsatsError("give --run or --as-of, not both")
    view = LedgerView(open_ledger(db, must_exist=True), run_id, as_of.isoformat() if as_of else None)
    all_years = sorted(set(view.years) | set(view.project_years))
    if year is not None and year not in all_years:
        years = ", ".join(str(y) for y in all_years)
        raise JobbsatsError(f"run {view.run_id} has no year {year} (years: {years})")
    document = guarded(
        lambda: registry.reports[name].build(view, ReportOptions(year=year, quarters=quarters)),
        "report",
        name,
        registry,
    )
    if as_of is not None:
        document.paragraphs.insert(0, _as_of_note(view))
    content = guarded(lambda: formatter.render(document), "format", fmt, registry)
    if output is None:
        click.echo(content, nl=False)
    else:
        write_atomic(output, content, force=force)
        click.echo(f"Wrote {output}.", err=True)


def _as_of_note(view) -> str:
    """Says that a report shows the ledger as it stood on a day, and what has come since."""
    later = view.later_runs()
    since = f"; senare finns körning {', '.join(str(r) for r in later)}" if later else ""
    return (
        f"Ställning per {view.as_of} (dagen räknad i UTC): körning {view.run_id} och utfall importerat "
        f"till och med den dagen{since}."
    )
