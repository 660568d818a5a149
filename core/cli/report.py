"""``jobbsats report``."""

from __future__ import annotations

import os
from pathlib import Path

import click

from jobbsats.cli.completion import formats, report_values
from jobbsats.cli.ids import LEDGER_ID
from jobbsats.cli.options import db_parameter, group_db_option


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


class ReportGroup(click.Group):
    """``jobbsats report NAME``: one command per registered report, with the options it declares."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        from jobbsats.registry import get_registry

        return sorted(get_registry(rules=False).reports)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        from jobbsats.contracts import options_of
        from jobbsats.entrypoints import ALLOWLIST_ENV
        from jobbsats.errors import JobbsatsError
        from jobbsats.registry import get_registry

        reports = get_registry(rules=False).reports
        if name not in reports:
            hint = ""
            if os.environ.get(ALLOWLIST_ENV) is not None:
                hint = f"; {ALLOWLIST_ENV}={os.environ[ALLOWLIST_ENV]!r} may leave out the plugin that brings it"
            raise JobbsatsError(f"unknown report {name!r} (reports: {', '.join(sorted(reports))}){hint}")
        report = reports[name]
        own = [_click_option(option) for option in options_of(report)]
        summary = (report.description or "").strip()
        return ReportCommand(
            name,
            callback=lambda **given: _report(name, **given),
            params=[*COMMON, *own],
            help=summary,
            short_help=summary.split(". ")[0],
        )

    def resolve_command(self, ctx: click.Context, args: list[str]):
        # A report's name is never abbreviated nor suggested: an unknown one is named with the known ones.
        name = args[0]
        return name, self.get_command(ctx, name), args[1:]


class ReportCommand(click.Command):
    """One report's command: an option it does not take is named as such, with the ones it does."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        from jobbsats.errors import JobbsatsError

        try:
            return super().parse_args(ctx, args)
        except click.NoSuchOption as exc:
            takes = sorted(opt for param in self.params for opt in param.opts if opt.startswith("--"))
            raise JobbsatsError(
                f"report {self.name!r} takes no {exc.option_name} (it takes {', '.join(takes)}; "
                f"see `jobbsats report {self.name} --help`)"
            ) from None


def _click_option(option) -> click.Option:
    """The click option for a report's declared :class:`jobbsats.ReportOption`."""
    flag = f"--{option.name.replace('_', '-')}"
    if option.type is bool:
        return click.Option([flag, option.name], is_flag=True, help=option.help, expose_value=True)
    return click.Option(
        [flag, option.name],
        type=option.type,
        multiple=option.multiple,
        help=option.help,
        metavar=option.name.upper(),
        shell_complete=report_values(option),
    )


COMMON = [
    click.Option(
        ["--format", "-f", "fmt"],
        help="Output format: md (default), csv, csv-sv, json, xlsx, html, docx, or one a plugin adds.",
        shell_complete=formats,
    ),
    click.Option(
        ["--output", "-o"], type=click.Path(path_type=Path), help="Write to this file (- for standard output)."
    ),
    click.Option(["--year"], type=int, help="Only this year."),
    click.Option(
        ["--as-of", "as_of"],
        type=Day(),
        metavar="YYYY-MM-DD",
        help="Report as the ledger stood at the end of this day (UTC): its newest run then, and utfall "
        "imported by then.",
    ),
    click.Option(
        ["--run", "run_id"], type=LEDGER_ID, help="Report on this run (default: the latest; see `jobbsats runs`)."
    ),
    click.Option(["--force"], is_flag=True, help="Replace the output file if it exists."),
    click.Option(
        ["--no-header", "no_header"],
        is_flag=True,
        help="Leave out the line a report starts with (run, local time, scenario file).",
    ),
    db_parameter,
]


@click.group(cls=ReportGroup, invoke_without_command=False, no_args_is_help=True)
@group_db_option
def report() -> None:
    """Produce the report NAME from the ledger: `jobbsats report NAME --help` lists its options.

    Built in: `fordelning` (the allocation, with totals), `beslut` (the
    numbered decision points in Swedish), `projekt` (co-financed projects
    per financier and year or quarter), `aterrapportering` (budget against
    booked utfall) and `prognos` (the year-end forecast); `jobbsats plugins`
    lists the reports plugins add. With -o
    and no --format, the format follows the file's extension.
    """


def _report(
    name: str,
    fmt: str | None,
    output: Path | None,
    year: int | None,
    as_of,
    run_id: int | None,
    force: bool,
    no_header: bool,
    db: Path,
    **values,
) -> None:
    from jobbsats.errors import JobbsatsError
    from jobbsats.files import can_create, check_target, same_file, write_atomic
    from jobbsats.ledger import open_ledger
    from jobbsats.ledger.view import LedgerView
    from jobbsats.produce import produce
    from jobbsats.registry import get_registry

    registry = get_registry(rules=False)  # a report computes no rule
    if output is not None and str(output) == "-":
        output = None  # the usual spelling of standard output
    if fmt is not None:
        fmt = fmt.lower()
    if fmt is None:
        suffix = output.suffix.lstrip(".").lower() if output else ""
        # Without a suffix, Markdown, before any format is looked at: looking makes each (imports its module).
        fmt = next((f.name for f in registry.formats.values() if f.extension == suffix), None) if suffix else "md"
        if fmt is None:
            known = ", ".join(sorted(registry.formats))
            raise JobbsatsError(f"{output}: no format writes .{suffix} files (formats: {known}); pass --format")
    if fmt not in registry.formats:
        raise JobbsatsError(f"unknown format {fmt!r} (formats: {', '.join(sorted(registry.formats))})")
    formatter = registry.formats[fmt]
    if output is not None:
        if same_file(output, db):
            raise JobbsatsError(f"{output}: is the ledger itself; write the report to another file")
        check_target(output, force=force, what="-o")  # before the report is built, not after
        can_create(output, what="-o")
    if formatter.binary and output is None:
        raise JobbsatsError(f"the {fmt} format is binary; write it to a file with -o FILE")
    if as_of is not None and run_id is not None:
        raise JobbsatsError("give --run or --as-of, not both")
    view = LedgerView(open_ledger(db, must_exist=True), run_id, as_of.isoformat() if as_of else None)
    # --no-header reaches every report as the option value no_header (reports.header.header_lines reads it).
    content = produce(registry, view, name, fmt, year, {**values, "no_header": no_header})
    if output is None:
        click.echo(content, nl=False)
    else:
        write_atomic(output, content, force=force)
        click.echo(f"Wrote {output}.", err=True)
