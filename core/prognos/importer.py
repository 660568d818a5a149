"""``jobbsats import prognos FILE``: a board's own year-end forecast, as one batch in one transaction.

The file is CSV, ``;`` or ``,`` between fields, in UTF-8 (or Windows-1252, as Excel saves
"CSV (semikolonavgränsad)"), with a header naming the columns ``recipient``, ``fund``, ``purpose``,
``amount`` and optionally ``comment`` (or in Swedish ``mottagare``, ``fond``, ``ändamål``, ``belopp``,
``kommentar``), one line per recipient, fund and purpose::

    recipient;fund;purpose;amount;comment
    ASN;sjs;Ung i sommar;8 500 000;Färre platser än planerat

``recipient`` and ``fund`` are ids (or names) of the run the file is checked against; ``purpose`` is
one the run's allocations from that fund give the recipient (or pass on through it) for the year, empty
(or the fund's name) for the fund's own;
``amount`` is the year's forecast in kronor written the Swedish way (``1 234 567,50``). Every line is
checked before anything is written: a bad line is refused with its number, and nothing of the file
lands. The batch keeps the file's sha256, name and path, who imported it and when, the run and year.
"""

from __future__ import annotations

import csv
import datetime
import io
import json
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from jobbsats import __version__
from jobbsats.errors import InputError, Problem, natural_key
from jobbsats.inputfile import read_whole
from jobbsats.ledger.chain import refuse_planted, seal_prognos
from jobbsats.ledger.connection import Ledger
from jobbsats.ledger.db import open_ledger
from jobbsats.ledger.limits import BATCH_MOST, LEDGER_MOST, ROW_MOST, ledger_total
from jobbsats.ledger.tables import file_of
from jobbsats.ledger.view import LedgerView
from jobbsats.ledger.write import transaction, user
from jobbsats.money import KRONOR, format_count, format_units
from jobbsats.reports.amounts import net_lines
from jobbsats.utfall.csvreader import delimiter_of
from jobbsats.utfall.source import SIE, Source, inspect
from jobbsats.utfall.swedish import parse_amount

COLUMNS = ("recipient", "fund", "purpose", "amount", "comment")
MAX_FORECAST_BYTES = 64 * 1024 * 1024  # a line per recipient, fund and purpose: a few kB in practice
REQUIRED = COLUMNS[:4]
SWEDISH = {"mottagare": "recipient", "fond": "fund", "ändamål": "purpose", "belopp": "amount", "kommentar": "comment"}


@dataclass(frozen=True)
class Forecast:
    """A line of the file, checked: ids as the run has them, the amount in öre."""

    line: int
    recipient: str
    fund: str
    purpose: str
    amount: int
    comment: str


@dataclass
class Summary:
    """What an import did, for the message afterwards."""

    batch_id: int
    run_id: int
    scenario: str
    year: int
    sha256: str
    rows: int
    total: int
    overrides: dict[int, int] = field(default_factory=dict)  # earlier batch -> lines of it this one overrides


def import_prognos(
    db_path: Path,
    path: Path,
    *,
    run_id: int | None = None,
    year: int | None = None,
    versions: dict[str, str] | None = None,
) -> Summary:
    """Check every line of ``path`` against run ``run_id`` (the latest) and write it as one forecast batch
    for ``year`` (the run's one year with a budget); raise :class:`InputError`, nothing written, otherwise."""
    open_ledger(db_path, must_exist=True).conn.close()  # no ledger, or not a jobbsats one: said as reports say it
    source = inspect(path)
    if source.format == SIE:
        raise InputError(
            str(path), [Problem("", "is a SIE file; a forecast is a CSV file (recipient;fund;purpose;amount;comment)")]
        )
    lines = _records(source)
    with transaction(db_path) as db:
        view = LedgerView(db, run_id)
        year = _year(view, year, path)
        forecasts = _checked(lines, view, year, path)
        total = sum(f.amount for f in forecasts)
        _within_limits(db, total, path)
        table = db.utils.table("prognos_batches")
        table.insert(
            {
                "started_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
                "user": user(),
                "file_path": str(path.absolute()),
                "file_name": path.name,
                "file_sha256": source.sha256,
                "file_size": source.size,
                "encoding": source.text_encoding,
                "scenario": view.run.scenario,
                "run_id": view.run_id,
                "year": year,
                "versions_json": json.dumps({"jobbsats": __version__, "plugins": versions or {}}, ensure_ascii=False),
                "rows_read": len(forecasts),
                "control_total": total,
            }
        )
        batch = int(table.last_pk or 0)  # set by the insert just made
        refuse_planted(db, "prognos", batch)
        db.conn.executemany(
            "insert into prognos_rows (batch_id, line, recipient_id, fund_id, purpose, amount, comment) "
            "values (?, ?, ?, ?, ?, ?, ?)",
            [(batch, f.line, f.recipient, f.fund, f.purpose, f.amount, f.comment) for f in forecasts],
        )
        seal_prognos(db, batch)
        overrides = _overrides(db, batch, view.run.scenario, year)
    return Summary(batch, view.run_id, view.run.scenario, year, source.sha256, len(forecasts), total, overrides)


def _refused(path: Path, problems: list[Problem]) -> InputError:
    problems = sorted(problems, key=lambda p: natural_key(p.path))
    last = problems[-1]
    problems[-1] = Problem(last.path, last.message + "; nothing was imported")
    return InputError(str(path), problems)


def _records(source: Source) -> list[tuple[int, dict[str, str]]]:
    """The file's lines after the header, each with its line number and its fields by column."""
    path = source.path
    try:
        text = read_whole(path, "a forecast file", MAX_FORECAST_BYTES).decode(source.text_encoding)
    except UnicodeDecodeError:  # pragma: no cover - inspect() found the encoding the whole file has
        raise InputError(str(path), [Problem("", "is not text in one encoding")]) from None
    first = text.split("\n", 1)[0].removeprefix("\ufeff")
    delimiter = delimiter_of(first, {*COLUMNS, *SWEDISH})
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    problems: list[Problem] = []
    records: list[tuple[int, dict[str, str]]] = []
    header: list[str] | None = None
    try:
        for fields in reader:
            line = reader.line_num
            if header is None:
                header = _header(fields, path)
                continue
            if not any(f.strip() for f in fields):
                continue  # a blank line
            if len(fields) != len(header):
                hint = " (in a file separated by commas, put an amount with a decimal comma in quotes)"
                said = f"has {len(fields)} fields, the header {len(header)}" + (hint if delimiter == "," else "")
                problems.append(Problem(f"line {line}", said))
                continue
            records.append((line, dict(zip(header, fields, strict=True))))
    except csv.Error as exc:
        problems.append(Problem(f"line {reader.line_num}", f"cannot be read as CSV ({exc})"))
    if header is None:
        raise InputError(str(path), [Problem("", "is empty; a forecast file starts with its header line")])
    if problems:
        raise _refused(path, problems)
    if not records:
        raise InputError(str(path), [Problem("", "holds no forecast lines after its header; nothing was imported")])
    return records


def _header(fields: list[str], path: Path) -> list[str]:
    names = [SWEDISH.get(_key(f), _key(f)) for f in fields]
    problems = [
        Problem("line 1", f"unknown column {f.strip()!r} (the columns are {', '.join(COLUMNS)})")
        for f, name in zip(fields, names, strict=True)
        if name and name not in COLUMNS  # an empty one (a ";" at the end of each line) is left aside
    ]
    problems += [
        Problem("line 1", f"names the column {name!r} twice")
        for name in dict.fromkeys(names)
        if name and names.count(name) > 1
    ]
    problems += [Problem("line 1", f"lacks the column {name!r}") for name in REQUIRED if name not in names]
    if problems:
        raise _refused(path, problems)
    return names


def _key(text: str) -> str:
    """A name as it is matched: its letters composed the one way (å typed or pasted), case and spaces aside."""
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())


def _year(view: LedgerView, year: int | None, path: Path) -> int:
    years = view.decided_years
    shown = ", ".join(str(y) for y in years) or "none"
    if year is None:
        if len(years) == 1:
            return years[0]
        why = f"run {view.run_id} has a budget for {shown}: give the year the forecast is for"
        raise _refused(path, [Problem("--year", why)])
    if year not in years:
        raise _refused(path, [Problem("--year", f"run {view.run_id} has no budget for {year} (years: {shown})")])
    return year


def _checked(records: Iterable[tuple[int, dict[str, str]]], view: LedgerView, year: int, path: Path) -> list[Forecast]:
    """Every line's names looked up in the run, its amount read; all problems together."""
    run = view.run_id
    # An id, or the name as written in running text; an id wins over another's name.
    recipients = {_key(r.name): rid for rid, r in view.recipients.items()} | {_key(rid): rid for rid in view.recipients}
    funds = {f.id: f for f in view.funds.values() if f.unit == KRONOR}
    fund_keys = {_key(fid): fid for fid in funds} | {_key(f.name): fid for fid, f in funds.items()}
    purposes: dict[str, dict[str, str]] = {fid: {} for fid in funds}
    allocations, carried = view.allocations(year), view.carried(year)
    for fund_id, name in [(a.fund.id, a.label) for a in allocations] + [(c.fund.id, c.label) for c in carried]:
        if fund_id in purposes and name:
            purposes[fund_id].setdefault(_key(name), name)
    # What each recipient has a budget line for, by fund, as report prognos and aterrapportering reckon it: what
    # its allocations give it, less what it passes on (KS's 4 900 000 kr for Tillväxt Malmö & Level, granted on in
    # full, is Tillväxt's line, not KS's), with what is carried into the year; "" for the fund's own. A forecast
    # for another line (another board's purpose, a mistyped recipient) would stand against a budget of 0.
    lines: dict[tuple[str, str], set[str]] = {}
    for (_, holder, fund_id, line_purpose), net in net_lines(allocations, carried).items():
        if net:
            lines.setdefault((holder, fund_id), set()).add(line_purpose)
    problems: list[Problem] = []
    out: list[Forecast] = []
    seen: dict[tuple[str, str, str], int] = {}
    for line, fields in records:
        where = f"line {line}"
        found = len(problems)
        given = fields["recipient"].strip()
        rid = recipients.get(_key(given))
        if rid is None:
            known = ", ".join(view.recipients) or "none"
            problems.append(
                Problem(where, f"recipient {given!r} is not a recipient of run {run} (recipients: {known})")
            )
        given = fields["fund"].strip()
        fid = fund_keys.get(_key(given)) if given else (next(iter(funds)) if len(funds) == 1 else None)
        if fid is None:
            known = ", ".join(funds) or "none"
            what = f"fund {given!r} is not a fund in kronor of run {run}" if given else "fund is empty; name it"
            problems.append(Problem(where, f"{what} (funds: {known})"))
        purpose = ""
        given = fields["purpose"].strip()
        if fid is not None and given and _key(given) != _key(funds[fid].name):
            label = purposes[fid].get(_key(given))
            if label is None:
                known = ", ".join(repr(p) for p in sorted(purposes[fid].values()))
                problems.append(
                    Problem(
                        where,
                        f"purpose {given!r} is not a purpose of fund {fid!r} in run {run} for {year} "
                        f"(purposes: {known + '; ' if known else ''}empty for the fund's own)",
                    )
                )
            else:
                purpose = label
        amount = _amount(fields["amount"], where, problems)
        if len(problems) == found and rid is not None and fid is not None and purpose not in lines.get((rid, fid), ()):
            own = lines.get((rid, fid), set())
            has = ", ".join(repr(p) if p else "the fund's own" for p in sorted(own)) or "none"
            what = repr(purpose) if purpose else "the fund's own"
            problems.append(
                Problem(
                    where,
                    f"{rid} has no budget line for {what} from fund {fid!r} in run {run} for {year} (its lines: {has})",
                )
            )
        if len(problems) > found or rid is None or fid is None or amount is None:
            continue
        key = (rid, fid, purpose)
        if key in seen:
            what = f"{rid}, {fid}, {purpose or 'the fund’s own'}"
            problems.append(Problem(where, f"repeats the forecast of line {seen[key]} ({what}); give each once"))
            continue
        seen[key] = line
        out.append(Forecast(line, rid, fid, purpose, amount, fields.get("comment", "").strip()))
    if problems:
        raise _refused(path, problems)
    return out


def _amount(text: str, where: str, problems: list[Problem]) -> int | None:
    text = text.strip()
    if not text:
        problems.append(Problem(where, "amount is empty"))
        return None
    try:
        ore = parse_amount(text, ",")
    except ValueError as exc:
        problems.append(Problem(where, f"amount {exc}"))
        return None
    if ore < 0:
        problems.append(Problem(where, f"amount {text!r} is below 0; a forecast of the year's utfall is 0 or more"))
        return None
    if ore > ROW_MOST:
        most = format_units(ROW_MOST, sep=" ")
        problems.append(Problem(where, f"amount {format_units(ore, sep=' ')} is more than one line may hold ({most})"))
        return None
    return ore


def _within_limits(db: Ledger, total: int, path: Path) -> None:
    """Refuse a batch whose lines add up to more than a batch, or the ledger, may hold (jobbsats.ledger.limits)."""
    if total > BATCH_MOST:
        most = format_units(BATCH_MOST, sep=" ")
        why = f"its amounts add up to {format_units(total, sep=' ')}, more than one batch may hold ({most})"
        raise _refused(path, [Problem("", why)])
    held = ledger_total(db)
    if held + total > LEDGER_MOST:
        raise _refused(
            path,
            [
                Problem(
                    "",
                    f"its amounts ({format_units(total, sep=' ')}) would take the booked and forecast amounts of "
                    f"the ledger {file_of(db)} past what it may hold ({format_units(LEDGER_MOST, sep=' ')}, counted "
                    f"without sign, so that no sum of them overflows; it holds {format_units(held, sep=' ')}). "
                    "Begin a new ledger (--db) for what comes next",
                )
            ],
        )


def _overrides(db: Ledger, batch: int, scenario: str, year: int) -> dict[int, int]:
    """Earlier batches of the scenario and year with lines this batch now gives: how many of each."""
    sql = """select winner, count(*) from (
                 select max(old.batch_id) as winner from prognos_rows old
                 join prognos_batches b on b.id = old.batch_id
                 join prognos_rows new on new.batch_id = ? and new.recipient_id = old.recipient_id
                      and new.fund_id = old.fund_id and new.purpose = old.purpose
                 where b.scenario = ? and b.year = ? and old.batch_id < ?
                 group by old.recipient_id, old.fund_id, old.purpose)
             group by winner order by winner"""
    return dict(db.execute(sql, [batch, scenario, year, batch]).fetchall())


def describe(summary: Summary, db_path: Path, path: Path) -> str:
    """The lines the command prints once the batch is written."""
    rows = f"{format_count(summary.rows, ' ')} line" + ("" if summary.rows == 1 else "s")
    lines = [
        f"Forecast batch {summary.batch_id} recorded in {db_path}: {rows} from {path} for {summary.year}, "
        f"checked against run {summary.run_id} ({summary.scenario}); total {format_units(summary.total, sep=' ')}.",
        f"  sha256 {summary.sha256}",
    ]
    for batch, count in summary.overrides.items():
        lines.append(
            f"  It overrides {format_count(count, ' ')} line{'' if count == 1 else 's'} of forecast batch {batch}."
        )
    return "\n".join(lines)
