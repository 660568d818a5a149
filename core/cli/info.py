"""``jobbsats runs``, ``jobbsats plugins`` and ``jobbsats examples``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from jobbsats.cli.options import counted, db_option, json_option, print_json


@click.command()
@db_option
@json_option
def runs(db: Path, as_json: bool) -> None:
    """List the runs and the import batches recorded in the ledger, oldest first."""
    from jobbsats.ledger import open_ledger
    from jobbsats.ledger.view import budget_roles, list_batches, list_forecast_batches, list_runs, role_text
    from jobbsats.money import format_count, format_units
    from jobbsats.reports.header import swedish_time

    ledger = open_ledger(db, must_exist=True)
    rows = list_runs(ledger)
    roles = budget_roles(ledger) if rows else {}
    batches = list_batches(ledger)
    forecasts = list_forecast_batches(ledger)
    if as_json:
        print_json(_runs_json(rows, roles, _fund_totals(ledger), batches, forecasts))
        return
    if not rows:
        click.echo("No runs yet.")
    # The times as people read them (Stockholm's local time, as the reports' header says it; --json keeps
    # the ledger's UTC), padded to the longest so the columns after them line up.
    times = {
        key: swedish_time(started)
        for key, started in [
            *((("run", r["id"]), r["started_at"]) for r in rows),
            *((("batch", b.id), b.started_at) for b in batches),
            *((("forecast", f["id"]), f["started_at"]) for f in forecasts),
        ]
    }
    width = max(map(len, times.values()), default=0)

    def when(kind: str, ident: int) -> str:
        return times[(kind, ident)].ljust(width)

    for r in rows:
        decision = json.loads(r["decision_json"] or "{}")
        decided = " ".join(x for x in (decision.get("ref", ""), decision.get("date", "")) if x)
        role = role_text(r["id"], roles.get(r["id"], {}))
        click.echo(
            f"{r['id']:>4}  {when('run', r['id'])}  {r['status']:<4} {r['scenario']}"
            + (f"  [{role}]" if role else "")
            + (f"  {decided}" if decided else "")
            + f"  ({r['config_path']}, sha256 {r['config_sha256'][:12]})"
        )
    if batches:
        click.echo("Import batches (utfall):")
    for b in batches:
        state = f"superseded by batch {b.superseded_by}" if b.superseded_by else "current"
        click.echo(
            f"{b.id:>4}  {when('batch', b.id)}  {b.format:<4} {b.scenario}  {b.file_path}  "
            + counted(b.rows_read, "row", "rows")
            + (f" ({format_count(b.rejected_rows, sep=' ')} rejected)" if b.rejected_rows else "")
            + f", control total {format_units(b.control_total, sep=' ')}, sha256 {b.file_sha256[:12]}, {state}"
        )
    if forecasts:
        click.echo("Forecast batches (prognos):")
    for f in forecasts:
        click.echo(
            f"{f['id']:>4}  {when('forecast', f['id'])}  {f['scenario']}  {f['year']} (run {f['run_id']})  "
            f"{f['file_path']}  "
            f"{counted(f['rows_read'], 'row', 'rows')}, total {format_units(f['control_total'], sep=' ')}, "
            f"sha256 {f['file_sha256'][:12]}"
        )


def _fund_totals(ledger) -> dict[int, list[dict[str, Any]]]:
    """Each run's funds' totals per year, as recorded (None for a year without one), for ``runs --json``.

    Read as they stand, with no check against the chain: `runs` lists a ledger `verify` finds
    changed as well, as its text does.
    """
    sql = """select t.run_id, t.fund_id, f.name, f.unit, t.year, t.total, t.assumed
             from fund_totals t join funds f on f.run_id = t.run_id and f.id = t.fund_id
             order by t.run_id, t.year, t.fund_id"""
    from jobbsats.money import KRONOR

    totals: dict[int, list[dict[str, Any]]] = {}
    for run_id, fund_id, name, unit, year, total, assumed in ledger.execute(sql).fetchall():
        key = "total_ore" if unit == KRONOR else "total"
        totals.setdefault(run_id, []).append(
            {"fund_id": fund_id, "fund": name, "unit": unit, "year": year, key: total, "assumed": bool(assumed)}
        )
    return totals


def _runs_json(rows, roles, totals, batches, forecasts) -> dict[str, Any]:
    """What `runs --json` prints: the runs, the utfall batches and the forecast batches, oldest first."""
    from jobbsats.money import KRONOR

    listed = []
    for r in rows:
        funds = totals.get(r["id"], [])
        kronor = [f["total_ore"] for f in funds if f["unit"] == KRONOR and f["total_ore"] is not None]
        decision = json.loads(r["decision_json"] or "{}")
        listed.append(
            {
                "id": r["id"],
                "started_at": r["started_at"],
                # A value not recorded is null, never "" (docs/commands.md): no login name, no decision date.
                "user": r["user"] or None,
                "status": r["status"],
                "scenario": r["scenario"],
                "config_path": r["config_path"],
                "config_sha256": r["config_sha256"],
                "decision_ref": decision.get("ref") or None,
                "decision_date": decision.get("date") or None,
                "budget": [
                    {"year": year, "original_run": first, "revision": first != r["id"]}
                    for year, first in sorted(roles.get(r["id"], {}).items())
                ],
                "total_ore": sum(kronor) if kronor else None,
                "fund_totals": funds,
            }
        )
    return {
        "runs": listed,
        "import_batches": [
            {
                "id": b.id,
                "started_at": b.started_at,
                "format": b.format,
                "scenario": b.scenario,
                "file_path": b.file_path,
                "file_sha256": b.file_sha256,
                "rows_read": b.rows_read,
                "rejected_rows": b.rejected_rows,
                "control_total_ore": b.control_total,
                "superseded_by": b.superseded_by,
                "current": b.superseded_by is None,
            }
            for b in batches
        ],
        "forecast_batches": [
            {
                "id": f["id"],
                "started_at": f["started_at"],
                "scenario": f["scenario"],
                "year": f["year"],
                "run_id": f["run_id"],
                "file_path": f["file_path"],
                "file_sha256": f["file_sha256"],
                "rows_read": f["rows_read"],
                "control_total_ore": f["control_total"],
            }
            for f in forecasts
        ],
    }


@click.command()
@json_option
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
        print_json(listing)
        return
    for item in listing:
        kind = "built-in" if item["builtin"] else item["distribution"]
        click.echo(f"{item['name']} {item['version']} ({kind})")
        for key in ("rules", "reports", "formats"):
            if item[key]:
                click.echo(f"    {key}: {', '.join(item[key])}")


@click.command()
@json_option
def examples(as_json: bool) -> None:
    """List the bundled example scenarios, one line each."""
    from jobbsats import examples as bundled

    if as_json:
        listing = [
            {"name": name, "summary": bundled.summary(name), "utfall_sample": bundled.utfall_of(name) is not None}
            for name in bundled.names()
        ]
        print_json(listing)
        return
    for name in bundled.names():
        click.echo(f"{name:<20} {bundled.summary(name)}")
