"""Writing a computed plan as one run: all of it lands or none of it."""

from __future__ import annotations

import dataclasses
import datetime
import getpass
import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlite_utils import Database

from jobbsats import __version__
from jobbsats.engine import Plan
from jobbsats.errors import InputError, LedgerError, Problem, clip
from jobbsats.ledger.chain import refuse_planted, seal_run
from jobbsats.ledger.db import discard_new, failure, ledger_file, migrate, open_ledger, require_ledger
from jobbsats.ledger.guards import changed_tables, missing_guards, missing_tables
from jobbsats.ledger.limits import RUN_MOST
from jobbsats.ledger.tables import file_of
from jobbsats.money import format_count, format_units
from jobbsats.projects import line_states


def user() -> str:
    """Who is running jobbsats, as the ledger records it ("" where the system knows no login name)."""
    try:
        return getpass.getuser()
    except Exception:  # no login name in some containers
        return ""


def record_run(path: Path, plan: Plan, versions: dict[str, str]) -> int:
    """Write the plan as one run, all of it or nothing (see :func:`transaction`); return the run id."""
    within_limit(plan)  # before the ledger is so much as opened
    with transaction(path) as db:
        return _write(db, plan, versions)


@contextmanager
def transaction(path: Path, *, guarded: bool = True) -> Iterator[Database]:
    """The ledger at ``path`` inside one ``BEGIN IMMEDIATE`` transaction, committed when the block ends.

    ``guarded``: refuse a ledger whose guards (append-only triggers) were dropped;
    only ``jobbsats verify --restore-guards`` writes to one, to put them back.

    Schema migrations run inside the same transaction. If the block raises,
    everything is rolled back, and a ledger file this call created is removed
    again, with its -wal and -shm, so a failed write leaves the ledger exactly as
    it was, down to whether it exists (a full disk included).
    """

    existed = ledger_file(path)  # refuses a folder, a FIFO, a device, a name too long
    db = open_ledger(path)
    conn = db.conn
    done = False
    try:
        # Write-ahead logging: readers go on while a run is written, and a crash midway leaves the
        # ledger as it was. It stays set in the file; outside a transaction is the only time to set it,
        # and only on a jobbsats ledger (or a new file): never on someone else's database.
        require_ledger(db, path, allow_empty=True)
        try:
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:  # busy, or a disk too full for the -wal and -shm files
            raise failure(path, exc, "nothing was written") from exc
        try:
            require_ledger(db, path, allow_empty=True)
            migrate(db)
            _require_schema(db, path)  # even to restore guards: they are made on the tables as migrated
            if guarded:
                _require_guards(db, path)
            yield db
            conn.execute("COMMIT")
            done = True
        except BaseException as exc:
            if conn.in_transaction:
                try:
                    conn.execute("ROLLBACK")
                except sqlite3.Error:
                    pass  # closing the connection below rolls back all the same
            if isinstance(exc, sqlite3.DatabaseError):
                raise failure(path, exc, "nothing was written") from exc
            raise
    finally:
        db.close()
        if not done and not existed:
            discard_new(path)  # with its -wal and -shm, unless another process has opened it meanwhile


def within_limit(plan: Plan, *, outcome: str = "nothing was written") -> None:
    """Refuse a run whose amounts add up to more than one run may record (see jobbsats.ledger.limits).

    ``outcome`` ends the message: what became of the command (``validate`` says a run would be refused).
    """
    scenario = plan.scenario
    totals = {
        (fid, year): total
        for fid, fund in scenario.funds.items()
        for year in plan.years
        if year in scenario.fund_years and (total := fund.totals.get(year)) is not None
    }
    amounts = [
        *totals.values(),
        *(p.allocation.amount for p in plan.allocations),
        *(p.carry.amount for p in plan.carried),
        *(p.total or 0 for p in scenario.projects.values()),
        *(line.amount for p in scenario.projects.values() for line in p.financing),
    ]
    recorded = sum(abs(a) for a in amounts)
    if recorded <= RUN_MOST:
        return
    where, amounts_are = "", "the run's amounts"
    if totals:  # named by its largest total, the likeliest slip (a figure in öre written as kronor)
        (fid, year), most = max(totals.items(), key=lambda item: item[1])
        where = f"funds.{fid}.total.{year}"
        amounts_are = f"{format_units(most, scenario.funds[fid].unit, ' ')} is the largest of the run's amounts, which"
    why = (
        f"{amounts_are} come to {format_count(recorded, ' ')} öre or units (its funds' totals, allocations, carried "
        f"amounts and projects, counted without sign): more than one run may record ({format_count(RUN_MOST, ' ')}),"
        f" so that no sum of the ledger's overflows; {outcome}"
    )
    raise InputError(scenario.source, [Problem(where, why)])


def _require_schema(db: Database, path: Path) -> None:
    """Refuse to write to a ledger whose tables were dropped or changed outside jobbsats (a column renamed):
    its rows would no longer be written, nor hashed, as the chain expects them."""
    tables = [*missing_tables(db), *changed_tables(db)]
    if tables:
        raise LedgerError(
            f"{clip(str(path))}: the ledger's schema was changed outside jobbsats (the table"
            f"{'s' if len(tables) > 1 else ''} {', '.join(tables)}: dropped, or not as the migrations made "
            f"{'them' if len(tables) > 1 else 'it'}); nothing was written. Run `jobbsats verify` to see what was done"
        )


def _require_guards(db: Database, path: Path) -> None:
    """Refuse to write to a ledger whose guards were dropped: its rows are no longer append-only."""
    missing = missing_guards(db)
    if missing:
        raise LedgerError(
            f"{path}: the ledger's triggers {', '.join(missing)} are missing, changed or were added (outside "
            "jobbsats), so its rows could be changed; nothing was written. Run `jobbsats verify` to see what "
            "was done, then `jobbsats verify --restore-guards`"
        )


def _write(db: Database, plan: Plan, versions: dict[str, str]) -> int:
    scenario = plan.scenario
    _refuse_stale_reads(db, plan)  # before this run's own rows, which would be what is current then
    runs = db.table("runs")
    runs.insert(
        {
            "started_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
            "user": user(),
            "scenario": scenario.name,
            "config_path": str(Path(scenario.source).absolute()),  # so paths in it resolve later, from anywhere
            "config_sha256": scenario.sha256,
            "config_text": scenario.text,
            "decision_json": json.dumps(dataclasses.asdict(scenario.decision), ensure_ascii=False),
            "versions_json": json.dumps({"jobbsats": __version__, "plugins": versions}, ensure_ascii=False),
            "status": "ok",
        }
    )
    run_id = int(runs.last_pk or 0)  # set by the insert just made
    refuse_planted(db, "run", run_id)
    db.table("recipients").insert_all({"run_id": run_id, **dataclasses.asdict(r)} for r in scenario.recipients.values())
    db.table("funds").insert_all(
        {"run_id": run_id, "id": f.id, "name": f.name, "wording": f.wording, "unit": f.unit, "shown_in": f.shown_in}
        for f in scenario.funds.values()
    )
    db.table("fund_totals").insert_all(
        {
            "run_id": run_id,
            "fund_id": fid,
            "year": year,
            "total": fund.totals.get(year),
            "unallocated": plan.unallocated.get((fid, year)),
            "assumed": int(year in fund.assumed),
            "note": fund.assumed.get(year, ""),
        }
        for fid, fund in scenario.funds.items()
        for year in plan.years
        if year in scenario.fund_years  # a project's years are no fund's "not decided" years
    )
    db.table("allocations").insert_all(
        {
            "run_id": run_id,
            "seq": seq,
            "year": p.year,
            "fund_id": p.fund,
            "from_id": p.allocation.via,
            "to_id": p.allocation.to,
            "amount": p.allocation.amount,
            "rule": p.rule,
            "rule_index": p.rule_index,
            "rule_label": p.rule_label,
            "source": p.allocation.source,
            "label": p.allocation.label,
            "action": p.allocation.action,
            "decision_ref": scenario.decision.ref,
            "point": p.point,
            "recurring_from": p.allocation.recurring[0] if p.allocation.recurring else None,
            "recurring_to": p.allocation.recurring[1] if p.allocation.recurring else None,
            "agreements": json.dumps(list(p.allocation.agreements), ensure_ascii=False),
            "text": p.allocation.text,
        }
        for seq, p in enumerate(plan.allocations)
    )
    db.table("rounding_differences").insert_all(
        {
            "run_id": run_id,
            "fund_id": d.fund,
            "year": d.year,
            "rule_index": d.rule_index,
            "rule_label": d.rule_label,
            "split": d.split,
            "difference": d.difference,
        }
        for d in plan.differences
    )
    _write_projects(db, plan, run_id)
    _write_carried(db, plan, run_id)
    _write_reads(db, plan, run_id)
    seal_run(db, run_id)  # last: the chain covers every row the run wrote
    return run_id


def _write_carried(db: Database, plan: Plan, run_id: int) -> None:
    """Earlier years' money the rules carried into a year, each its own decision point."""
    if not plan.carried:
        return
    db.table("carry_overs").insert_all(
        {
            "run_id": run_id,
            "seq": seq,
            "year": p.year,
            "fund_id": p.fund,
            "to_id": p.carry.to,
            "from_year": p.carry.from_year,
            "amount": p.carry.amount,
            "rule": p.rule,
            "rule_index": p.rule_index,
            "rule_label": p.rule_label,
            "source": p.carry.source,
            "label": p.carry.label,
            "decision_ref": plan.scenario.decision.ref,
            "point": p.point,
            "text": p.carry.text,
        }
        for seq, p in enumerate(plan.carried)
    )


def _refuse_stale_reads(db: Database, plan: Plan) -> None:
    """A run whose rules read runs or batches that are no longer current is not written."""
    # Asked counts, not only what was found: a run for a year that had none may have come since.
    changed = plan.ledger.changed_in(db) if plan.ledger is not None and plan.ledger.asked else None
    if changed:
        raise LedgerError(
            f"{file_of(db)}: the ledger changed while the rules read it ({changed}); nothing was written. Run again"
        )


def _write_reads(db: Database, plan: Plan, run_id: int) -> None:
    """Record what the rules read of the ledger (``jobbsats show`` lists it)."""
    if plan.ledger is None or not plan.ledger.reads:
        return
    db.table("run_reads").insert_all(
        {"run_id": run_id, "kind": kind, "ref": ref} for kind, ref in sorted(plan.ledger.reads)
    )


def _write_projects(db: Database, plan: Plan, run_id: int) -> None:
    scenario = plan.scenario
    if not scenario.projects:
        return
    db.table("financiers").insert_all(
        {"run_id": run_id, "id": f.id, "name": f.name} for f in scenario.financiers.values()
    )
    for project in scenario.projects.values():
        spec = plan.periodised_by.get(project.id)
        db.table("projects").insert(
            {
                "run_id": run_id,
                "id": project.id,
                "name": project.name,
                "case_ref": project.case,
                "owner": project.owner,
                "participants": json.dumps(list(project.participants), ensure_ascii=False),
                "start_date": project.start.isoformat(),
                "end_date": project.end.isoformat(),
                "total": project.total,
                "periodised_by": spec.config.get("by", "month") if spec else None,
            }
        )
        states = line_states(project, {f.id: f.name for f in scenario.financiers.values()})
        db.table("project_financing").insert_all(
            {
                "run_id": run_id,
                "project_id": project.id,
                "line": line.index,
                "financier_id": line.financier,
                "programme": line.programme,
                "amount": line.amount,
                "share": line.share,
                "in_kind": int(line.in_kind),
                "status": line.status,
                "decided": line.decided.isoformat() if line.decided else None,
                "reference": line.reference,
                "condition": line.condition,
                "state": states[line.index].state,
                "reason": states[line.index].reason,
                "note": line.note,
            }
            for line in project.financing
        )
    db.table("project_periods").insert_all(
        {"run_id": run_id, "project_id": pid, "line": line, "year": year, "month": month, "amount": amount}
        for (pid, line, year, month), amount in sorted(plan.periods.items())
    )
