"""The export's tables: allocations, grants, utfall and budget against utfall, each with its schema.

Every table is a :class:`Resource`: its rows, and the fields that describe them, which
:mod:`jobbsats.export.datapackage` writes into ``datapackage.json``. The files are CSV as RFC 4180
and the Tabular Data Package expect: UTF-8 without a byte order mark, a comma between fields, one
header line. Amounts are kronor with a point and two decimals (``13056000.00``), never öre: the
Fiscal Data Package's ``value`` is an amount in the currency (SEK here, declared once as a constant)
and has no scale factor since v1, so a reader that sums the column gets kronor without being told
to divide. They are written from integer öre exactly, never through a float. A fund that counts
something other than money (platser) has its whole units in ``amount`` and its unit in ``unit``.

Utfall is exported as sums per year, month, recipient, fund, project and purpose of the fund's and
the projects' money only: never booked rows, whose free text may name people, and never a board's
other money, which is no part of what the scenario decides.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from jobbsats.files import not_a_formula
from jobbsats.ledger.view import AllocationRow, CarryRow, LedgerView
from jobbsats.money import KRONOR
from jobbsats.reports.amounts import net_lines, passed_on_from

CURRENCY = "SEK"
# The Fiscal Data Package's phases of a budget: proposed (here: a year whose total is assumed, not decided),
# approved (as first decided), adjusted (as revised) and executed (utfall).
PROPOSED, APPROVED, ADJUSTED, EXECUTED = "proposed", "approved", "adjusted", "executed"


def kronor(ore: int) -> str:
    """Öre as kronor with a point and two decimals: ``1305600000`` -> ``13056000.00``; exact."""
    whole, cents = divmod(abs(ore), 100)
    return f"{'-' if ore < 0 else ''}{whole}.{cents:02d}"


@dataclass(frozen=True)
class Field:
    """One column: its name, Table Schema type, what it holds, and its Fiscal Data Package ColumnType."""

    name: str
    type: str
    description: str
    column_type: str = ""
    extra: dict[str, Any] = field(default_factory=dict)  # such as normalize: {"phase": "approved"}


@dataclass
class Resource:
    """A table of the export: the CSV file ``path`` and what its schema says about it."""

    name: str
    title: str
    description: str
    fields: list[Field]
    rows: list[list[object]]
    primary_key: list[str]
    foreign_keys: list[dict] = field(default_factory=list)
    # The Fiscal Data Package's extraFields: constants (direction, currency) and the targets of the measures'
    # normalize (one amount and its phase per row, in the data's denormalised form).
    extra_fields: list[dict] = field(default_factory=list)
    # Whether "" is a value of its own (no fund, the fund's own purpose) rather than a missing one:
    # such fields are part of the primary key, which may not be missing.
    empty_is_value: bool = False

    @property
    def path(self) -> str:
        return f"{self.name}.csv"

    def csv(self) -> bytes:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")  # RFC 4180's line break
        writer.writerow([f.name for f in self.fields])
        # Only a text field can be a formula in a spreadsheet: a name such as "=HYPERLINK(...)" stays text,
        # and an amount below 0 stays a number.
        kinds = [f.type for f in self.fields]
        writer.writerows([_cell(v, kind) for v, kind in zip(row, kinds, strict=True)] for row in self.rows)
        return buffer.getvalue().encode("utf-8")


def _cell(value: object, kind: str) -> object:
    if kind == "boolean":
        return "true" if value else "false"
    return not_a_formula(value) if kind == "string" else value


def assumed(view: LedgerView) -> set[tuple[str, int]]:
    """The (fund, year) pairs whose total the run assumes rather than has decided."""
    return {(fy.fund.id, fy.year) for fy in view.fund_years if fy.assumed}


def _phase(view: LedgerView, row: AllocationRow | CarryRow) -> str:
    """``proposed`` in a year whose total is assumed, else ``approved`` when this run first decided the
    year's budget and ``adjusted`` when it revises it."""
    if (row.fund.id, row.year) in assumed(view):
        return PROPOSED
    first = view.original_run(row.year)
    return APPROVED if first in (None, view.run_id) else ADJUSTED


def _amount(row: AllocationRow | CarryRow) -> tuple[str, object]:
    """(unit, amount): kronor for money, whole units of what else a fund counts."""
    if row.fund.unit == KRONOR:
        return CURRENCY, kronor(row.amount)
    return row.fund.unit, row.amount


_YEAR = Field("fiscal_year", "integer", "The year (calendar year) the amount is for.", "date:fiscal-year")
_RECIPIENT = Field(
    "recipient_id",
    "string",
    "The recipient's id in the scenario file ([recipients]).",
    "administrative-classification:generic:level1:code",
)
_RECIPIENT_NAME = Field(
    "recipient_name", "string", "The recipient's name.", "administrative-classification:generic:level1:label"
)
_KIND = Field("recipient_kind", "string", "nämnd (a board of the city), extern (an outside organisation) or projekt.")
_FUND = Field("fund_id", "string", "The fund's id in the scenario file ([funds]).", "fin-source:generic:code")
_FUND_NAME = Field("fund_name", "string", "The fund's name.", "fin-source:generic:label")
_PURPOSE = Field(
    "purpose",
    "string",
    "What the money is for, as the decision names it (Ung i sommar); empty: the fund's own purpose.",
    "functional-classification:generic:code",
)
_POINT = Field("decision_point", "integer", "The number of the decision's point that gives the amount.")
_REF = Field("decision_ref", "string", "The decision's case number (diarienummer).")
_AGREEMENTS = Field("agreements", "string", "Case numbers of the agreements the money is paid under, ; between.")
_PHASE = Field(
    "phase",
    "string",
    "approved: the year's budget as first decided; adjusted: as a later run revised it; proposed: a year "
    "whose total is assumed, not yet decided.",
    "phase:id",
)
_UNIT = Field("unit", "string", "SEK for money; otherwise what the fund counts (platser).", "value-kind:code")
_AMOUNT = Field("amount", "number", "The amount: kronor for money (two decimals), else whole units.", "value")
_EXPENDITURE = {"name": "direction", "type": "string", "columnType": "direction", "constant": "expenditure"}
_SEK = {"name": "currency", "type": "string", "columnType": "value-currency:code", "constant": CURRENCY}


def _ids(rows: Sequence[AllocationRow | CarryRow]) -> list[str]:
    """Each row's id: its year and its place in the scenario file (``2024:rules[1].key.ASN``), unique."""
    seen: dict[str, int] = defaultdict(int)
    out = []
    for r in rows:
        base = f"{r.year}:{r.source}"
        seen[base] += 1
        out.append(base if seen[base] == 1 else f"{base}#{seen[base]}")
    return out


def allocations(view: LedgerView) -> tuple[Resource, Resource]:
    """The run's allocations from the funds (with money carried into a year), and what recipients pass on."""
    rows = view.allocations()
    direct: list[AllocationRow | CarryRow] = [a for a in rows if a.via is None]
    carried = view.carried()
    ids = dict(zip(map(id, [*direct, *carried]), _ids([*direct, *carried]), strict=True))
    table = []
    for r in [*direct, *carried]:
        unit, amount = _amount(r)
        table.append(
            [
                ids[id(r)],
                r.year,
                r.to.id,
                r.to.name,
                r.to.kind,
                r.fund.id,
                r.fund.name,
                r.label,
                r.from_year if isinstance(r, CarryRow) else "",
                r.rule_label,
                r.point,
                r.decision_ref,
                ";".join(getattr(r, "agreements", ())),
                _phase(view, r),
                unit,
                amount,
            ]
        )
    allocation = Resource(
        "allocations",
        "Fördelning",
        "The run's allocations from the funds, a row per decided line and recipient, and money carried into "
        "a year from an earlier one (carried_from). Money a recipient passes on is in grants, and counted "
        "here once, with the recipient it was given to first: a year's rows without carried_from sum to "
        "what the fund allocated.",
        [
            Field("id", "string", "The row's year and its place in the scenario file.", "budget-line-id"),
            _YEAR,
            _RECIPIENT,
            _RECIPIENT_NAME,
            _KIND,
            _FUND,
            _FUND_NAME,
            _PURPOSE,
            Field("carried_from", "integer", "Money carried from this earlier year (empty: the year's own)."),
            Field("rule", "string", "The rule that allocated the row, by its label."),
            _POINT,
            _REF,
            _AGREEMENTS,
            _PHASE,
            _UNIT,
            _AMOUNT,
        ],
        table,
        ["id"],
        extra_fields=[_EXPENDITURE],
    )
    by_id = {id(r): r for r in direct}
    parents = {id(child): by_id[key] for key, children in passed_on_from(rows).items() for child in children}
    passed = [a for a in rows if a.via is not None]
    grant_rows = []
    for a, row_id in zip(passed, _ids(passed), strict=True):
        unit, amount = _amount(a)
        parent = parents.get(id(a))
        grant_rows.append(
            [
                row_id,
                ids[id(parent)] if parent is not None else "",
                a.year,
                a.via.id if a.via else "",
                a.to.id,
                a.to.name,
                a.to.kind,
                a.fund.id,
                a.label,
                a.point,
                a.decision_ref,
                ";".join(a.agreements),
                _phase(view, a),
                unit,
                amount,
            ]
        )
    grants = Resource(
        "grants",
        "Medel som förs vidare",
        "Money a recipient passes on from what it was allocated (kommunstyrelsen's grant to Tillväxt Malmö "
        "och Level): a row per grant, already counted in allocations with the one who passes it on.",
        [
            Field("id", "string", "The grant's year and its place in the scenario file.", "budget-line-id"),
            Field("allocation_id", "string", "The row of allocations the money is passed on from."),
            _YEAR,
            Field("from_id", "string", "The recipient that passes the money on.", "administrator:generic:id"),
            Field("recipient_id", "string", "The id of the one the money is passed on to.", "recipient:generic:id"),
            Field("recipient_name", "string", "Its name.", "recipient:generic:name"),
            _KIND,
            _FUND,
            _PURPOSE,
            _POINT,
            _REF,
            _AGREEMENTS,
            _PHASE,
            _UNIT,
            _AMOUNT,
        ],
        grant_rows,
        ["id"],
        foreign_keys=[{"fields": "allocation_id", "reference": {"resource": "allocations", "fields": "id"}}],
        extra_fields=[_EXPENDITURE],
    )
    return allocation, grants


def utfall(view: LedgerView) -> Resource:
    """Booked utfall of the fund's and the projects' money, summed per year, month, recipient, fund, project
    and purpose, from the current import batches of the run's scenario."""
    rows = []
    names = {rid: r.name for rid, r in view.recipients.items()}
    for year in sorted({u.year for u in view.utfall()}):
        for (month, rid, fund, project, purpose), amount in view.monthly_utfall(year).items():
            if fund is None and project is None:
                continue  # a board's other money: not the fund's, and not the scenario's to publish
            rows.append([year, month, rid, names.get(rid, rid), fund or "", project or "", purpose, kronor(amount)])
    rows.sort(key=lambda row: row[:7])
    return Resource(
        "utfall",
        "Utfall",
        "Booked utfall (executed budget) from the accounting system, summed per year, month, recipient, fund, "
        "project and purpose: the current import batches of the run's scenario, the fund's and the projects' "
        "money only. No booked row and none of its text is exported.",
        [
            _YEAR,
            Field("month", "integer", "The month the rows were booked in (1-12).", "date:fiscal-period:month"),
            _RECIPIENT,
            _RECIPIENT_NAME,
            Field("fund_id", "string", "The fund's id; empty for a project's money.", "fin-source:generic:code"),
            Field(
                "project_id", "string", "The project's id; empty for a fund's money.", "activity:generic:project:code"
            ),
            _PURPOSE,
            Field("amount", "number", "Kronor booked (costs above 0), two decimals.", "value"),
        ],
        rows,
        ["fiscal_year", "month", "recipient_id", "fund_id", "project_id", "purpose"],
        extra_fields=[
            _EXPENDITURE,
            _SEK,
            {"name": "phase", "type": "string", "columnType": "phase:id", "constant": EXECUTED},
        ],
        empty_is_value=True,
    )


Line = tuple[int, str, str, str]  # (year, recipient, fund, purpose)


def _budget(view: LedgerView, year: int | None = None) -> dict[Line, int]:
    """What each recipient has to use per year, fund and purpose, in öre (as ``aterrapportering`` has it)."""
    money = [a for a in view.allocations(year) if a.fund.unit == KRONOR]
    carried = [c for c in view.carried(year) if c.fund.unit == KRONOR]
    return net_lines(money, carried)


def budget_utfall(view: LedgerView) -> Resource:
    """Per year, recipient, fund and purpose: the original budget, this run's, the utfall and what remains."""
    current = _budget(view)
    original = dict(current)
    for year in view.decided_years:
        first = view.original_run(year)
        if first is not None and first != view.run_id:
            original = {k: v for k, v in original.items() if k[0] != year}
            original.update(_budget(view.of_run(first), year))
    booked: dict[Line, int] = defaultdict(int)
    for u in view.utfall():
        if u.fund is not None:
            booked[(u.year, u.recipient, u.fund, u.purpose)] += u.amount
    names = {rid: r.name for rid, r in view.recipients.items()}
    funds = {fid: f.name for fid, f in view.funds.items()}
    proposals = assumed(view)
    rows = []
    for line in sorted(set(current) | set(original) | set(booked)):
        amounts = (original.get(line, 0), current.get(line, 0), booked.get(line, 0))
        if not any(amounts):
            continue  # a line given on in full (KS's 4 900 000 kr for Tillväxt Malmö & Level) and not booked
        year, rid, fund, purpose = line
        rows.append(
            [
                year,
                rid,
                names.get(rid, rid),
                fund,
                funds.get(fund, fund),
                purpose,
                (fund, year) in proposals,
                *map(kronor, amounts),
                kronor(amounts[1] - amounts[2]),
            ]
        )
    return Resource(
        "budget_utfall",
        "Budget och utfall",
        "Per year, recipient, fund and purpose: what the recipient has to use (what it got, less what it passed "
        "on, with money carried into the year), as first decided and as this run has it, against the utfall "
        "booked as that money, and what remains. As the report aterrapportering.",
        [
            _YEAR,
            _RECIPIENT,
            _RECIPIENT_NAME,
            _FUND,
            _FUND_NAME,
            _PURPOSE,
            Field(
                "assumed",
                "boolean",
                "true: the year's total is assumed, not decided, and its budget a proposal (phase proposed).",
            ),
            Field(
                "budget_original",
                "number",
                "The budget as the year's first run decided it, kronor.",
                "value",
                {"normalize": {"phase": APPROVED}},
            ),
            Field(
                "budget",
                "number",
                "The budget as this run has it, kronor.",
                "value",
                {"normalize": {"phase": ADJUSTED}},
            ),
            Field("utfall", "number", "Kronor booked as this money.", "value", {"normalize": {"phase": EXECUTED}}),
            Field("remaining", "number", "budget less utfall, kronor.", "value:remaining"),
        ],
        rows,
        ["fiscal_year", "recipient_id", "fund_id", "purpose"],
        extra_fields=[
            _EXPENDITURE,
            _SEK,
            {"name": "amount", "type": "number", "columnType": "value", "normalizationTarget": True},
            {"name": "phase", "type": "string", "columnType": "phase:id"},
        ],
        empty_is_value=True,
    )
