"""``jobbsats run`` and ``jobbsats validate``."""

from __future__ import annotations

from pathlib import Path

import click

from jobbsats.cli.options import db_option, resolve_config


def _plan(config: str | None):
    from jobbsats.config.load import check_scenario
    from jobbsats.engine import compute
    from jobbsats.registry import get_registry

    path, note = resolve_config(config)
    if note:
        click.echo(note, err=True)
    registry = get_registry()
    scenario, problems = check_scenario(path, registry)
    return compute(scenario, registry, problems), registry


@click.command()
@click.argument("config", required=False)
@db_option
@click.option("--quiet", "-q", is_flag=True, help="Do not print the allocation afterwards.")
def run(config: str | None, db: Path, quiet: bool) -> None:
    """Run a scenario's rules and record the allocation in the ledger.

    CONFIG is a scenario file or the name of a bundled example (see `jobbsats
    examples`). Without it, ./jobbsats.toml is used if present, else the bundled
    example malmo-2024. The run is one transaction: all of it is recorded, or
    nothing. Prints the `fordelning` report afterwards.
    """
    from jobbsats.ledger import open_ledger
    from jobbsats.ledger.view import LedgerView
    from jobbsats.ledger.write import record_run
    from jobbsats.report import ReportOptions

    plan, registry = _plan(config)
    run_id = record_run(db, plan, registry.versions(plan.plugins_used))
    click.echo(f"Run {run_id} recorded in {db}.", err=True)
    if not quiet:
        view = LedgerView(open_ledger(db, must_exist=True), run_id)
        document = registry.reports["fordelning"].build(view, ReportOptions())
        click.echo(registry.formats["md"].render(document), nl=False)


@click.command()
@click.argument("config", required=False)
def validate(config: str | None) -> None:
    """Check a scenario file and compute it, without touching the ledger.

    CONFIG is found as for `jobbsats run`. Reports every problem together, each
    with the file and key path.
    """
    from jobbsats.money import format_kr

    plan, _ = _plan(config)
    scenario = plan.scenario
    years = ", ".join(str(y) for y in scenario.years)
    allocated = sum(p.allocation.amount_ore for p in plan.allocations if p.allocation.via is None)
    click.echo(
        f"{scenario.source}: OK. {len(scenario.rules)} rules, years {years}, "
        f"{len(plan.allocations)} allocations, {format_kr(allocated, ' ')} kr allocated."
    )
