"""``jobbsats runs``, ``jobbsats plugins`` and ``jobbsats examples``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from jobbsats.cli.options import db_option


@click.command()
@db_option
def runs(db: Path) -> None:
    """List the runs and the import batches recorded in the ledger, oldest first."""
    from jobbsats.ledger import open_ledger
    from jobbsats.ledger.view import budget_roles, list_batches, list_forecast_batches, list_runs, role_text
    from jobbsats.money import format_units

    ledger = open_ledger(db, must_exist=True)
    rows = list_runs(ledger)
    roles = budget_roles(ledger) if rows else {}
    if not rows:
        click.echo("No runs yet.")
    for r in rows:
        decision = json.loads(r["decision_json"] or "{}")
        decided = " ".join(x for x in (decision.get("ref", ""), decision.get("date", "")) if x)
        role = role_text(r["id"], roles.get(r["id"], {}))
        click.echo(
            f"{r['id']:>4}  {r['started_at']}  {r['status']:<4} {r['scenario']}"
            + (f"  [{role}]" if role else "")
            + (f"  {decided}" if decided else "")
            + f"  ({r['config_path']}, sha256 {r['config_sha256'][:12]})"
        )
    batches = list_batches(ledger)
    if batches:
        click.echo("Import batches (utfall):")
    for b in batches:
        state = f"superseded by batch {b.superseded_by}" if b.superseded_by else "current"
        click.echo(
            f"{b.id:>4}  {b.started_at}  {b.format:<4} {b.scenario}  {b.file_path}  {b.rows_read} rows"
            + (f" ({b.rejected_rows} rejected)" if b.rejected_rows else "")
            + f", control total {format_units(b.control_total, sep=' ')}, sha256 {b.file_sha256[:12]}, {state}"
        )
    forecasts = list_forecast_batches(ledger)
    if forecasts:
        click.echo("Forecast batches (prognos):")
    for f in forecasts:
        click.echo(
            f"{f['id']:>4}  {f['started_at']}  {f['scenario']}  {f['year']} (run {f['run_id']})  {f['file_path']}  "
            f"{f['rows_read']} rows, total {format_units(f['control_total'], sep=' ')}, sha256 {f['file_sha256'][:12]}"
        )


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")
def plugins(as_json: bool) -> None:
    """List the loaded plugins and the rules, reports and formats each brings.

    Outside plugins come from the `jobbsats` entry-point group; set
    JOBBSATS_LOAD_PLUGINS to a comma-separated allowlist ('' for none).
    """
    from jobbsats.registry import get_registry

    registry = get_registry()
    listing: list[dict[str, Any]] = []
    for info in registry.plugins:
        provides: dict[str, list[str]] = {"rules": [], "reports": [], "formats": []}
        for (kind, name), owner in sorted(registry.owner.items()):
            if owner == info.name and kind in ("rule", "report", "format"):
                provides[kind + "s"].append(name)
        listing.append(
            {
                "name": info.name,
                "distribution": info.distribution,
                "version": info.version,
                "builtin": info.builtin,
                **provides,
            }
        )
    if as_json:
        click.echo(json.dumps(listing, ensure_ascii=False, indent=2))
        return
    for item in listing:
        kind = "built-in" if item["builtin"] else item["distribution"]
        click.echo(f"{item['name']} {item['version']} ({kind})")
        for key in ("rules", "reports", "formats"):
            if item[key]:
                click.echo(f"    {key}: {', '.join(item[key])}")


@click.command()
def examples() -> None:
    """List the bundled example scenarios, one line each."""
    from jobbsats import examples as bundled

    for name in bundled.names():
        click.echo(f"{name:<20} {bundled.summary(name)}")
