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

from jobbsats import __version__
from jobbsats.engine import Plan
from jobbsats.errors import InputError, LedgerError, Problem, clip
from jobbsats.ledger.chain import refuse_planted, seal_run
from jobbsats.ledger.connection import Ledger
from jobbsats.ledger.db import discard_new, failure, ledger_file, migrate, open_ledger, require_ledger
from jobbsats.ledger.guards import changed_tables, missing_guards, missing_tables
from jobbsats.ledger.limits import RUN_MOST
from jobbsats.ledger.tables import file_of, insert_rows
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
def transaction(path: Path, *, guarded: bool = True) -> Iterator[Ledger]:
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


def _require_schema(db: Ledger, path: Path) -> None:
    """Refuse to write to a ledger whose tables were dropped or changed outside jobbsats (a column renamed):
    its rows would no longer be written, nor hashed, as the chain expects them."""
    tables = [*missing_tables(db), *changed_tables(db)]
    if tables:
        raise LedgerError(
            f"{clip(str(path))}: the ledger's schema was changed outside jobbsats (the table"
            f"{'s' if len(tables) > 1 else ''} {', '.join(tables)}: dropped, or not as the migrations made "
            f"{'them' if len(tables) > 1 else 'it'}); nothing was written. Run `jobbsats verify` to see what was done"
        )


def _require_guards(db: Ledger, path: Path) -> None:
    """Refuse to write to a ledger whose guards were dropped: its rows are no longer append-only."""
    missing = missing_guards(db)
    if missing:
        raise LedgerError(
            f"{path}: the ledger's triggers {', '.join(missing)} are missing, changed or were added (outside "
            "jobbsats), so its rows could be changed; nothing was written. Run `jobbsats verify` to see what "
            "was done, then `jobbsats verify --restore-guards`"
        )


_RUN = (
    "started_at",
    "user",
    "scenario",
    "config_path",
    "config_sha256",
    "config_text",
    "decision_json",
    "versions_json",
    "status",
)
_LARGEST_ROWID = 2**63 - 1
ALLOCATION_COLUMNS = (
    "id",
    "run_id",
    "seq",
    "year",
    "fund_id",
    "from_id",
    "to_id",
    "amount",
    "rule",
    "rule_index",
    "rule_label",
    "source",
    "label",
    "action",
    "decision_ref",
    "point",
    "recurring_from",
    "recurring_to",
    "agreements",
    "text",
)


def _write(db: Ledger, plan: Plan, versions: dict[str, str]) -> int:
    scenario = plan.scenario
    _refuse_stale_reads(db, plan)  # before this run's own rows, which would be what is current then
    run = (
        datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        user(),
        scenario.name,
        str(Path(scenario.source).absolute()),  # so paths in it resolve later, from anywhere
        scenario.sha256,
        scenario.text,
        json.dumps(dataclasses.asdict(scenario.decision), ensure_ascii=False),
        json.dumps({"jobbsats": __version__, "plugins": versions}, ensure_ascii=False),
        "ok",
    )
    run_id = int(insert_rows(db, "runs", _RUN, [run]) or 0)
    refuse_planted(db, "run", run_id)
    insert_rows(
        db,
        "recipients",
        ("run_id", "id", "name", "kind", "genitive"),
        ((run_id, r.id, r.name, r.kind, r.genitive) for r in scenario.recipients.values()),
    )
    insert_rows(
        db,
        "funds",
        ("run_id", "id", "name", "wording", "unit", "shown_in"),
        ((run_id, f.id, f.name, f.wording, f.unit, f.shown_in) for f in scenario.funds.values()),
    )
    insert_rows(
        db,
        "fund_totals",
        ("run_id", "fund_id", "year", "total", "unallocated", "assumed", "note"),
        (
            (
                run_id,
                fid,
                year,
                fund.totals.get(year),
                plan.unallocated.get((fid, year)),
                int(year in fund.assumed),
                fund.assumed.get(year, ""),
            )
            for fid, fund in scenario.funds.items()
            for year in plan.years
            if year in scenario.fund_years  # a project's years are no fund's "not decided" years
        ),
    )
    ref = scenario.decision.ref
    # Each row whole, its id given as SQLite would choose it (one past the largest), in the table's column order:
    # the seal hashes the rows as written instead of reading thousands back (see seal_run).
    first = (db.execute("select max(id) from allocations").fetchone()[0] or 0) + 1
    # Past the largest rowid SQLite picks unused ones at random: a row planted with id 2**63 - 1, say.
    given = first + len(plan.allocations) - 1 <= _LARGEST_ROWID
    allocations = [
        (
            first + seq if given else None,
            run_id,
            seq,
            p.year,
            p.fund,
            a.via,
            a.to,
            a.amount,
            p.rule,
            p.rule_index,
            p.rule_label,
            a.source,
            a.label,
            a.action,
            ref,
            p.point,
            a.recurring[0] if a.recurring else None,  # two ints: the engine checked them
            a.recurring[1] if a.recurring else None,
            json.dumps(list(a.agreements), ensure_ascii=False) if a.agreements else "[]",
            a.text,
        )
        for seq, p in enumerate(plan.allocations)
        for a in (p.allocation,)
    ]
    insert_rows(db, "allocations", ALLOCATION_COLUMNS, allocations)
    insert_rows(
        db,
        "rounding_differences",
        ("run_id", "fund_id", "year", "rule_index", "rule_label", "split", "difference"),
        ((run_id, d.fund, d.year, d.rule_index, d.rule_label, d.split, d.difference) for d in plan.differences),
    )
    _write_projects(db, plan, run_id)
    _write_carried(db, plan, run_id)
    _write_reads(db, plan, run_id)
    seal_run(db, run_id, {"allocations": allocations} if given else None)  # last: it covers every row written
    return run_id


def _write_carried(db: Ledger, plan: Plan, run_id: int) -> None:
    """Earlier years' money the rules carried into a year, each its own decision point."""
    if not plan.carried:
        return
    ref = plan.scenario.decision.ref
    insert_rows(
        db,
        "carry_overs",
        (
            "run_id",
            "seq",
            "year",
            "fund_id",
            "to_id",
            "from_year",
            "amount",
            "rule",
            "rule_index",
            "rule_label",
            "source",
            "label",
            "decision_ref",
            "point",
            "text",
        ),
        (
            (
                run_id,
                seq,
                p.year,
                p.fund,
                c.to,
                c.from_year,
                c.amount,
                p.rule,
                p.rule_index,
                p.rule_label,
                c.source,
                c.label,
                ref,
                p.point,
                c.text,
            )
            for seq, p in enumerate(plan.carried)
            for c in (p.carry,)
        ),
    )


def _refuse_stale_reads(db: Ledger, plan: Plan) -> None:
    """A run whose rules read runs or batches that are no longer current is not written."""
    # Asked counts, not only what was found: a run for a year that had none may have come since.
    changed = plan.ledger.changed_in(db) if plan.ledger is not None and plan.ledger.asked else None
    if changed:
        raise LedgerError(
            f"{file_of(db)}: the ledger changed while the rules read it ({changed}); nothing was written. Run again"
        )


def _write_reads(db: Ledger, plan: Plan, run_id: int) -> None:
    """Record what the rules read of the ledger (``jobbsats show`` lists it)."""
    if plan.ledger is None or not plan.ledger.reads:
        return
    insert_rows(
        db, "run_reads", ("run_id", "kind", "ref"), ((run_id, kind, ref) for kind, ref in sorted(plan.ledger.reads))
    )


def _write_projects(db: Ledger, plan: Plan, run_id: int) -> None:
    scenario = plan.scenario
    if not scenario.projects:
        return
    financiers = ((run_id, f.id, f.name) for f in scenario.financiers.values())
    insert_rows(db, "financiers", ("run_id", "id", "name"), financiers)
    names = {f.id: f.name for f in scenario.financiers.values()}
    for project in scenario.projects.values():
        spec = plan.periodised_by.get(project.id)
        insert_rows(
            db,
            "projects",
            (
                "run_id",
                "id",
                "name",
                "case_ref",
                "owner",
                "participants",
                "start_date",
                "end_date",
                "total",
                "periodised_by",
            ),
            [
                (
                    run_id,
                    project.id,
                    project.name,
                    project.case,
                    project.owner,
                    json.dumps(list(project.participants), ensure_ascii=False),
                    project.start.isoformat(),
                    project.end.isoformat(),
                    project.total,
                    spec.config.get("by", "month") if spec else None,
                )
            ],
        )
        states = line_states(project, names)
        insert_rows(
            db,
            "project_financing",
            (
                "run_id",
                "project_id",
                "line",
                "financier_id",
                "programme",
                "amount",
                "share",
                "in_kind",
                "status",
                "decided",
                "reference",
                "condition",
                "state",
                "reason",
                "note",
            ),
            (
                (
                    run_id,
                    project.id,
                    line.index,
                    line.financier,
                    line.programme,
                    line.amount,
                    line.share,
                    int(line.in_kind),
                    line.status,
                    line.decided.isoformat() if line.decided else None,
                    line.reference,
                    line.condition,
                    states[line.index].state,
                    states[line.index].reason,
                    line.note,
                )
                for line in project.financing
            ),
        )
    insert_rows(
        db,
        "project_periods",
        ("run_id", "project_id", "line", "year", "month", "amount"),
        ((run_id, pid, line, year, month, amount) for (pid, line, year, month), amount in sorted(plan.periods.items())),
    )
