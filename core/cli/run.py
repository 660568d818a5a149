"""``jobbsats run`` and ``jobbsats validate``."""

from __future__ import annotations

from pathlib import Path

import click

from jobbsats.cli.completion import scenarios
from jobbsats.cli.options import counted, db_option, guarded, json_option, print_json, resolve_config

year_option = click.option(
    "--year", type=int, help="Only this year of the scenario (default: every year with a total)."
)


def _plan(config: str | None, db: Path, year: int | None = None, *, reports: bool = True):
    from jobbsats.config.load import check_scenario
    from jobbsats.engine import compute
    from jobbsats.errors import InputError, Problem
    from jobbsats.ledger.reader import LedgerReader, opener
    from jobbsats.registry import get_registry

    path, note = resolve_config(config)
    if note:
        click.echo(note, err=True)
    registry = get_registry(reports=reports)
    scenario, problems = check_scenario(path, registry)
    if year is not None and year not in scenario.years:
        years = ", ".join(str(y) for y in scenario.years)
        raise InputError(
            scenario.source, [*problems, Problem("--year", f"{year} is not a year of the scenario ({years})")]
        )
    in_projects = any(year in p.years for p in scenario.projects.values())
    if year is not None and not in_projects and not any(year in fund.totals for fund in scenario.funds.values()):
        raise InputError(
            scenario.source,
            [*problems, Problem("--year", f"{year} has no total in any fund and no project: nothing to compute")],
        )
    ledger = LedgerReader(scenario.name, opener(db))
    try:
        return compute(scenario, registry, problems, only_year=year, ledger=ledger), registry
    finally:
        ledger.close()


@click.command()
@click.argument("config", required=False, shell_complete=scenarios)
@db_option
@year_option
@click.option("--quiet", "-q", is_flag=True, help="Do not print the allocation afterwards.")
def run(config: str | None, db: Path, year: int | None, quiet: bool) -> None:
    """Run a scenario's rules and record the allocation in the ledger.

    CONFIG is a scenario file or the name of a bundled example (see `jobbsats
    examples`). Without it, ./jobbsats.toml is used if present, else the bundled
    example malmo-2024. The run is one transaction: all of it is recorded, or
    nothing. Prints the `fordelning` report afterwards (and `projekt` when the
    scenario has projects).
    """
    from jobbsats.ledger.write import record_run
    from jobbsats.money import format_units

    # A quiet run shows no report: the plugins are not asked for theirs (nor their modules imported).
    plan, registry = _plan(config, db, year, reports=not quiet)
    run_id = record_run(db, plan, registry.versions(plan.plugins_used))
    click.echo(f"Run {run_id} recorded in {db}.", err=True)
    for d in plan.differences:
        unit = plan.scenario.funds[d.fund].unit
        sign = "+" if d.difference > 0 else "-"
        click.echo(
            f"Note: rules[{d.rule_index}] ({d.rule_label}) rounded per line in {d.year}: its rows make "
            f"{format_units(d.split + d.difference, unit, ' ')} against the total of "
            f"{format_units(d.split, unit, ' ')} ({sign}{format_units(abs(d.difference), unit, ' ')}); "
            "fordelning shows it.",
            err=True,
        )
    if not quiet:
        # Imported here: a quiet run shows no report and needs no reader of the ledger.
        from jobbsats.contracts import ReportOptions
        from jobbsats.ledger import open_ledger
        from jobbsats.ledger.view import LedgerView

        # The run is recorded by now: a report that fails says so as a plugin error, not a traceback.
        view = LedgerView(open_ledger(db, must_exist=True), run_id)
        shown = [
            name for name, has in (("fordelning", plan.scenario.funds), ("projekt", plan.scenario.projects)) if has
        ]
        for number, name in enumerate(shown):
            build = registry.reports[name].build
            document = guarded(lambda build=build: build(view, ReportOptions()), "report", name, registry)
            text = guarded(lambda d=document: registry.formats["md"].render(d), "format", "md", registry)
            click.echo(("\n" if number else "") + text, nl=False)


@click.command()
@click.argument("config", required=False, shell_complete=scenarios)
@year_option
@db_option
@json_option
def validate(config: str | None, year: int | None, db: Path, as_json: bool) -> None:
    """Check a scenario file and compute it, without touching the ledger.

    CONFIG is found as for `jobbsats run`. Reports every problem together, each
    with the file and key path. Rules that read the ledger read --db, if it exists.
    """
    from jobbsats.config.years import years_text
    from jobbsats.ledger.write import within_limit
    from jobbsats.money import KRONOR, format_units
    from jobbsats.registry import get_registry
    from jobbsats.utfall.purposes import check_purposes

    plan, _ = _plan(config, db, year)
    within_limit(plan, outcome="`jobbsats run` would refuse it")  # validate passes only what run records
    scenario = plan.scenario
    check_purposes(scenario, get_registry(), db)  # what `import utfall` would refuse, said now
    given = {
        fid: sum(p.allocation.amount for p in plan.allocations if p.fund == fid and p.allocation.via is None)
        for fid in scenario.funds
    }
    if as_json:

        def amount(key: str, value: int, unit: str) -> dict[str, int]:
            return {f"{key}_ore" if unit == KRONOR else key: value}

        print_json(
            {
                "file": str(scenario.source),
                "scenario": scenario.name,
                "rules": len(scenario.rules),
                "years": list(plan.years),
                "allocations": len(plan.allocations),
                "funds": [
                    {"fund_id": fid, "fund": fund.name, "unit": fund.unit, **amount("allocated", given[fid], fund.unit)}
                    for fid, fund in scenario.funds.items()
                ],
                "projects": len(scenario.projects),
                "periodised_projects": len(plan.periodised_by),
                "rounding_differences": [
                    {
                        "rule_index": d.rule_index,
                        "rule_label": d.rule_label,
                        "fund_id": d.fund,
                        "year": d.year,
                        "unit": scenario.funds[d.fund].unit,
                        **amount("split", d.split, scenario.funds[d.fund].unit),
                        **amount("difference", d.difference, scenario.funds[d.fund].unit),
                    }
                    for d in plan.differences
                ],
            }
        )
        return
    years = years_text(plan.years)
    per_fund = [f"{fund.name} {format_units(given[fid], fund.unit, ' ')}" for fid, fund in scenario.funds.items()]
    allocations = counted(len(plan.allocations), "allocation", "allocations")
    parts = [f"{allocations}: {'; '.join(per_fund)}"] if scenario.funds else []
    if scenario.projects:
        periodised = len(plan.periodised_by)
        parts.append(f"{counted(len(scenario.projects), 'project', 'projects')}, {periodised} of them periodised")
    rules = counted(len(scenario.rules), "rule", "rules")
    click.echo(f"{scenario.source}: OK. {rules}, years {years}, {'; '.join(parts)}.")
    for d in plan.differences:
        unit = scenario.funds[d.fund].unit
        click.echo(
            f"Note: rules[{d.rule_index}] rounded per line in {d.year}: its rows make "
            f"{format_units(d.split + d.difference, unit, ' ')} "
            f"against the total of {format_units(d.split, unit, ' ')}."
        )
