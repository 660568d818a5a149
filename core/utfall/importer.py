"""Import booked utfall into the ledger: one file, one batch, one transaction.

The file is streamed (memory stays flat however many rows it has), each row
read strictly, checked against the scenario's years and classified by the
``[utfall]`` mapping. Rows are written in chunks inside a single
``BEGIN IMMEDIATE`` transaction: a bad row stops the import and nothing of
the batch remains, unless ``rejects`` is given, when bad rows go to that file
and the rest is imported.
"""

from __future__ import annotations

import csv
import datetime
import json
import os
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import cast

from jobbsats import __version__, files
from jobbsats.config.utfall import outside_project, project_periods
from jobbsats.errors import InputError, JobbsatsError, Problem, clip
from jobbsats.files import not_a_formula
from jobbsats.ledger.chain import UtfallHasher, canonical, refuse_planted, seal_batch, sums_digest, write_sums
from jobbsats.ledger.connection import Ledger
from jobbsats.ledger.limits import BATCH_MOST, LEDGER_MOST, ROW_MOST, ledger_total
from jobbsats.ledger.tables import UTFALL_COLUMNS, UTFALL_PURPOSE, file_of, query
from jobbsats.ledger.write import transaction, user
from jobbsats.money import format_count, format_kr, format_units
from jobbsats.reports.header import swedish_time
from jobbsats.scenario import Scenario
from jobbsats.utfall.booking import CODE_SLICE, Booking, RowError
from jobbsats.utfall.csvreader import CsvReader
from jobbsats.utfall.mapping import FUND, OTHER, UNMATCHED, Mapping, Target
from jobbsats.utfall.sie import SieError, SieReader
from jobbsats.utfall.source import CSV, Source, undecodable

CHUNK = 20_000
SIE_DIMENSIONS = {"ansvar": 1, "project": 6}  # kostnadsställe and projekt in SIE 4


@dataclass
class Summary:
    """What an import did, for the message afterwards and the batch record."""

    batch_id: int = 0
    rows_read: int = 0
    control_total: int = 0
    fund_rows: int = 0
    fund_total: int = 0
    other_rows: int = 0
    other_total: int = 0
    unmatched_rows: int = 0
    unmatched_total: int = 0
    rejected_rows: int = 0
    first_rejected: Problem | None = None  # the first row left out as bad, where it is and why
    superseded: list[int] = field(default_factory=list)
    utfall_sha256: str = ""  # of the rows written, for the ledger's chain
    utfall_sums: str | None = None  # of their sums as reports read them (chain.sums_digest), for the chain
    dates: tuple[str, str] | None = None  # the first and last date of the rows written
    overlaps: list[tuple[int, str, str, str, str]] = field(default_factory=list)  # see _overlaps


def bookings(
    source: Source, section: dict, scenario_source: str = ""
) -> tuple[Iterator[tuple | RowError], Callable[[], int]]:
    """The file's rows (a Booking's fields: plain tuples from CSV, for speed) or row errors, and a function
    telling how many bytes have been read."""
    if source.format == CSV:
        reader = CsvReader(
            source.path,
            section.get("columns", {}),
            source.text_encoding,
            section.get("delimiter"),
            section.get("decimal", ","),
        )
        if not reader.columns:
            raise InputError(
                scenario_source,
                [Problem("utfall.columns", "must say which CSV columns hold the date and the amount")],
            )
        return reader.rows(), lambda: reader.position()
    sie = SieReader(source.path, source.text_encoding)
    dims = {**SIE_DIMENSIONS, **section.get("sie_dimensions", {})}
    return _sie_rows(sie, dims), lambda: sie.bytes_read


def _sie_rows(reader: SieReader, dims: dict[str, int]) -> Iterator[Booking | RowError]:
    ansvar, verksamhet, project = (str(dims.get(k, "")) for k in ("ansvar", "verksamhet", "project"))
    for t in reader:
        yield Booking(
            t.line,
            t.date,
            t.amount,
            t.account,
            t.object(ansvar) if ansvar else "",
            t.object(verksamhet) if verksamhet else "",
            t.object(project) if project else "",
            t.text,
        )


def import_utfall(
    db_path: Path,
    source: Source,
    scenario: Scenario,
    *,
    replace: bool = False,
    supersedes: tuple[int, ...] = (),
    rejects: Path | None = None,
    progress: Callable[[int], None] | None = None,
    versions: dict[str, str] | None = None,
) -> Summary:
    """Import ``source`` as one batch; raise :class:`InputError` (nothing written) for a bad row or a repeat.

    ``replace`` supersedes current batches of the same content or file name (and
    is refused when there is none); ``supersedes`` names batches the new one
    corrects, whatever their files were called. ``versions`` names the plugins
    loaded (name -> version), kept with the batch as the run keeps its own.
    """
    section = scenario.utfall
    if not section:
        raise InputError(scenario.source, [Problem("utfall", "is missing: it says how booked rows map to recipients")])
    _check_fields(section, source, scenario.source)
    mapping = Mapping(section)
    summary = Summary()
    if rejects is not None and (files.same_file(rejects, db_path) or files.same_file(rejects, source.path)):
        raise JobbsatsError(f"{rejects}: --rejects must be a file of its own, not the ledger nor the file imported")
    rejected = _Rejects(rejects) if rejects else None
    try:
        with transaction(db_path) as db:
            summary.superseded = _earlier(db, source, scenario.name, replace)
            summary.superseded += [
                b for b in _named(db, source, scenario.name, supersedes) if b not in summary.superseded
            ]
            summary.batch_id = _new_batch(db, source, scenario, summary, versions or {})
            rows, position = bookings(source, section, scenario.source)
            try:
                _load(
                    db,
                    rows,
                    summary,
                    mapping,
                    set(scenario.years),
                    rejected,
                    source,
                    position,
                    progress,
                    _room(db),
                    project_periods(scenario),
                )
            except (SieError, RowError) as exc:  # the file itself is broken: a verification, a quote
                raise InputError(str(source.path), [Problem(f"line {exc.line}", exc.message)]) from None
            except UnicodeDecodeError as exc:
                raise InputError(str(source.path), [undecodable(source, exc)]) from None
            if summary.rows_read == 0:
                raise InputError(str(source.path), [Problem("", "holds no booked rows; nothing was imported")])
            if summary.first_rejected is not None and summary.rejected_rows == summary.rows_read:
                # A file none of whose rows is good is not the export it was taken for (another layout, dates
                # written another way): recorded, it would stand as a batch of nothing, and one that supersedes
                # another would take that batch's utfall out of every report.
                first = summary.first_rejected
                every = (
                    f", and every other of the file's {summary.rows_read} rows was left out as bad too"
                    if summary.rows_read > 1
                    else " (the file's only row)"
                )
                why = f"{first.message}{every}; nothing was imported"
                raise InputError(str(source.path), [Problem(first.path, why)])
            if summary.superseded and summary.fund_rows + summary.other_rows == 0:
                # Another department's export, or a mapping not the one meant: as a batch of nothing it would take
                # the batch it supersedes out of every report.
                replaced = ", ".join(str(b) for b in summary.superseded)
                why = (
                    f"none of its rows is a recipient's money by the scenario's [utfall] mapping ({summary.rows_read}"
                    f" read, {summary.unmatched_rows} matched no mapping), so it would take the utfall of batch "
                    f"{replaced}, which it supersedes, out of every report; nothing was imported"
                )
                raise InputError(str(source.path), [Problem("", why)])
            _finish_batch(db, summary, rejects)
            seal_batch(db, summary.batch_id, summary.utfall_sha256, summary.utfall_sums)
            summary.overlaps = _overlaps(db, summary, scenario.name)
            if rejected is not None:
                rejected.write_out(source, section)  # before the commit: a full disk here writes nothing
        if rejected is not None:
            rejected.keep()  # only once the batch is committed
    finally:
        if rejected is not None:
            rejected.close()
    return summary


_INSERT = f"insert into utfall ({', '.join(UTFALL_COLUMNS)}) values ({', '.join('?' * len(UTFALL_COLUMNS))})"
# With a purpose per row, for a mapping that names purposes; hashed as chain.canonical makes them.
_COLUMNS_WITH_PURPOSE = (*UTFALL_COLUMNS, UTFALL_PURPOSE)
_INSERT_WITH_PURPOSE = (
    f"insert into utfall ({', '.join(_COLUMNS_WITH_PURPOSE)}) values ({', '.join('?' * len(_COLUMNS_WITH_PURPOSE))})"
)


def _room(db: Ledger) -> tuple[int, str]:
    """What the new batch's rows may add up to without sign (see jobbsats.ledger.limits), and what a row
    that takes them past it is told: the most one batch holds, or what the ledger has room for."""
    held = ledger_total(db)
    if LEDGER_MOST - held >= BATCH_MOST:
        most = format_units(BATCH_MOST, sep=" ")
        return BATCH_MOST, (
            f"the amounts up to this line add up to more than one batch may hold ({most}, counted without sign, "
            "so that no sum of the ledger's overflows); split the file. Nothing was imported"
        )
    most, has = format_units(LEDGER_MOST, sep=" "), format_units(held, sep=" ")
    return max(0, LEDGER_MOST - held), (
        f"with this line the booked and forecast amounts of the ledger {file_of(db)} would add up to more than "
        f"it may hold ({most}, counted without sign, so that no sum of them overflows; it holds {has}). "
        "Begin a new ledger (--db) for what comes next. Nothing was imported"
    )


def _too_large(amount: int) -> str:
    most = format_units(ROW_MOST, sep=" ")
    return f"the amount {format_units(amount, sep=' ')} is more than one row may hold ({most} either way)"


def _check_fields(section: dict, source: Source, config: str) -> None:
    """Every code the mapping matches on must be in the file: a column of the CSV, a dimension of SIE."""
    if source.format == CSV:
        available = set(section.get("columns", {})) | {"date", "amount"}
        where = "[utfall.columns] names no column"
    else:
        available = {"account"} | set(SIE_DIMENSIONS) | set(section.get("sie_dimensions", {}))
        where = "[utfall.sie_dimensions] names no dimension"
    problems = [
        Problem(f"utfall.map[{i}].match.{field}", f"matches on {field}, but {where} for it")
        for i, entry in enumerate(section.get("map", []))
        for field in entry["match"]
        if field not in available
    ]
    if section.get("accounts") and "account" not in available:
        problems.append(Problem("utfall.accounts", f"filters on the account, but {where} for it"))
    if problems:
        raise InputError(config, problems)


def _load(
    db: Ledger,
    rows: Iterator[tuple | RowError],
    summary: Summary,
    mapping: Mapping,
    years: set[int],
    rejected: _Rejects | None,
    source: Source,
    position: Callable[[], int],
    progress: Callable[[int], None] | None,
    room: tuple[int, str],
    periods: dict[str, tuple[datetime.date, datetime.date]] | None = None,
) -> None:
    """Check, classify and insert the rows in chunks; count what each kind of row adds up to.

    A row mapped to a project must be booked within the project's period (``periods``, by project).
    A row's amount is at most :data:`ROW_MOST` either way (a bad row, as one that cannot be read); the
    rows' amounts without sign add up to at most ``room``'s figure (else the import stops, saying its text).

    The loop is kept lean (a million rows pass through it): counts per target and day are
    summed into the summary, and into the sums the chain seals for reports, once at the end.
    Summed here as the rows pass (a dict lookup a row) rather than by a GROUP BY over the rows
    once written, which costs as much as a report's (seconds at a million rows).
    """
    batch = summary.batch_id
    chunk: list[tuple] = []
    hasher = UtfallHasher()
    # Most mappings name no purpose: their rows stay the 14 columns hashed as they always were.
    purposes = mapping.has_purposes
    insert = _INSERT_WITH_PURPOSE if purposes else _INSERT
    rows_read = debits = credits = 0
    most, past_it = room
    tally: dict[tuple[Target, datetime.date], list[int]] = {}
    iso: dict[datetime.date, str] = {}  # a year has 366 dates at most: write each once
    for row in rows:
        rows_read += 1
        try:
            if isinstance(row, RowError):
                raise row
            line, d, amount, account, ansvar, verksamhet, project, text = row
            if amount > ROW_MOST or amount < -ROW_MOST:
                raise RowError(line, _too_large(amount))
            if d.year not in years:
                span = ", ".join(str(y) for y in sorted(years))
                raise RowError(line, f"the date {d} is outside the scenario's years ({span})")
            target = mapping.classify(row)
            if target.project is not None and periods and target.project in periods:
                refused = outside_project(target.project, d, periods[target.project])
                if refused is not None:
                    raise RowError(line, refused)
        except RowError as error:
            if rejected is None or error.fatal:
                also = "; it hides the rows after it, so nothing was imported" if error.fatal and rejected else ""
                raise InputError(str(source.path), [Problem(f"line {error.line}", error.message + also)]) from None
            rejected.add(error, row)
            summary.rejected_rows += 1
            summary.first_rejected = summary.first_rejected or Problem(f"line {error.line}", error.message)
            continue
        counted = tally.get((target, d))
        if counted is None:
            counted = tally[(target, d)] = [0, 0]
        counted[0] += 1
        counted[1] += amount
        if amount > 0:
            debits += amount
        else:
            credits -= amount
        if debits + credits > most:  # every row counts, written or not: the batch's totals hold them all
            raise InputError(str(source.path), [Problem(f"line {line}", past_it)])
        if target.kind == UNMATCHED:
            continue
        day = iso.get(d) or iso.setdefault(d, d.isoformat())
        if purposes:
            chunk.append(
                (batch, line, day, d.year, d.month, account, ansvar, verksamhet,
                 project, target.recipient, target.fund, target.project, amount, text, target.purpose)
            )  # fmt: skip
        else:
            chunk.append(
                (batch, line, day, d.year, d.month, account, ansvar, verksamhet,
                 project, target.recipient, target.fund, target.project, amount, text)
            )  # fmt: skip
        if len(chunk) >= CHUNK:
            db.conn.executemany(insert, chunk)
            hasher.add(canonical(chunk) if purposes else chunk)
            chunk.clear()
            if progress:
                progress(position())
    db.conn.executemany(insert, chunk)
    hasher.add(canonical(chunk) if purposes else chunk)
    summary.utfall_sha256 = hasher.hexdigest()
    summary.dates = (min(iso.values()), max(iso.values())) if iso else None
    if progress:
        progress(source.size)
    summary.rows_read = rows_read
    # The control total: what the accepted rows add up to; for SIE, whose verifications
    # balance to zero, the sum of the debits (omslutningen) instead.
    summary.control_total = debits if source.format != CSV else sum(amount for _, amount in tally.values())
    # Written beside the rows and sealed with them: what reports read instead of the rows.
    groups = _sums(tally, iso)
    write_sums(db, batch, groups)
    summary.utfall_sums = sums_digest(groups)
    for (target, _day), (count, amount) in tally.items():
        if target.kind == FUND:
            summary.fund_rows, summary.fund_total = summary.fund_rows + count, summary.fund_total + amount
        elif target.kind == OTHER:
            summary.other_rows, summary.other_total = summary.other_rows + count, summary.other_total + amount
        else:
            summary.unmatched_rows += count
            summary.unmatched_total += amount


def _sums(tally: dict[tuple[Target, datetime.date], list[int]], iso: dict[datetime.date, str]) -> list[tuple]:
    """The written rows' sums per day, recipient, fund, project and purpose, as the chain seals them."""
    sums: dict[tuple, list[int]] = {}  # by value: the tally's targets are the mapping's own objects
    for (target, d), (count, amount) in tally.items():
        if target.kind != UNMATCHED:
            key = (iso[d], d.year, d.month, target.recipient, target.fund, target.project, target.purpose)
            summed = sums.setdefault(key, [0, 0])
            summed[0] += amount
            summed[1] += count
    return [(*key, amount, count) for key, (amount, count) in sums.items()]


def _earlier(db: Ledger, source: Source, scenario: str, replace: bool) -> list[int]:
    """Current batches of the same content or the same file name; refused unless ``replace`` supersedes them.

    The same name with other content is most often a corrected export of the
    same bookings: importing it beside the old one would count them twice.
    """
    sql = """select id, started_at, rows_read, file_sha256, file_path from import_batches
             where scenario = ? and (file_sha256 = ? or file_name = ?)
             and id not in (select superseded_id from batch_supersedes) order by id"""
    found = list(query(db, sql, [scenario, source.sha256, source.path.name]))
    if replace and not found:
        raise InputError(
            str(source.path),
            [
                Problem(
                    "--replace",
                    f"no current batch of the scenario {scenario!r} has this content or the file name "
                    f"{source.path.name!r}; nothing was imported. To correct a batch imported under another "
                    "name, name it: --supersedes BATCH (see `jobbsats runs`)",
                )
            ],
        )
    if found and not replace:
        first = found[0]
        same = first["file_sha256"] == source.sha256
        what = (
            f"the same content was imported already from {first['file_path']}"
            if same
            else f"a file named {source.path.name!r} was imported"
        )
        hint = (
            "Pass --replace to import it again as a batch that supersedes that one"
            if same
            else "Pass --replace if this one corrects it (the new batch supersedes the old), "
            "or rename the file if it holds other bookings"
        )
        raise InputError(
            str(source.path),
            [
                Problem(
                    "",
                    f"{what} as batch {first['id']} ({swedish_time(first['started_at'])}, "
                    f"{format_count(first['rows_read'], ' ')} rows"
                    f"{'' if same else ', other content'}); nothing was imported. {hint}",
                )
            ],
        )
    return [r["id"] for r in found]


def _named(db: Ledger, source: Source, scenario: str, batches: tuple[int, ...]) -> list[int]:
    """The batches named by --supersedes, each checked: there, of this scenario, and not superseded already."""
    problems = []
    for batch in dict.fromkeys(batches):
        row = db.execute(
            "select scenario, (select batch_id from batch_supersedes where superseded_id = b.id limit 1) "
            "from import_batches b where id = ?",
            [batch],
        ).fetchone()
        if row is None:
            problems.append(Problem("--supersedes", f"there is no import batch {batch} in the ledger"))
        elif row[0] != scenario:
            problems.append(
                Problem("--supersedes", f"batch {batch} belongs to the scenario {row[0]!r}, not {scenario!r}")
            )
        elif row[1] is not None:
            problems.append(Problem("--supersedes", f"batch {batch} is superseded already, by batch {row[1]}"))
    if problems:
        hint = "; nothing was imported (see `jobbsats runs`)"
        raise InputError(str(source.path), [Problem(p.path, p.message + hint) for p in problems])
    return list(dict.fromkeys(batches))


def _overlaps(db: Ledger, summary: Summary, scenario: str) -> list[tuple[int, str, str, str, str]]:
    """Other current batches of the scenario whose dates overlap the new one's: bookings counted twice?

    (batch, its first and last date, the new batch's first and last date). Only a
    hint: monthly exports do not overlap, a year-to-date export after a monthly one does.
    """
    mine = summary.dates
    if mine is None:
        return []
    sql = """select b.id, min(u.date), max(u.date) from import_batches b join utfall u on u.batch_id = b.id
             where b.scenario = ? and b.id != ? and b.id not in (select superseded_id from batch_supersedes)
             group by b.id having min(u.date) <= ? and max(u.date) >= ? order by b.id"""
    rows = db.execute(sql, [scenario, summary.batch_id, mine[1], mine[0]]).fetchall()
    return [(batch, first, last, mine[0], mine[1]) for batch, first, last in rows]


def _new_batch(db: Ledger, source: Source, scenario: Scenario, summary: Summary, versions: dict[str, str]) -> int:
    table = db.utils.table("import_batches")
    table.insert(
        {
            "kind": "utfall",
            "started_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
            "user": user(),
            "file_path": str(source.path),
            "file_name": source.path.name,
            "file_sha256": source.sha256,
            "file_size": source.size,
            "format": source.format,
            "encoding": source.text_encoding,
            "scenario": scenario.name,
            "config_path": str(Path(scenario.source).absolute()),  # so paths in it resolve later, from anywhere
            "config_sha256": scenario.sha256,
            "versions_json": json.dumps({"jobbsats": __version__, "plugins": versions}, ensure_ascii=False),
            **{k: 0 for k in _COUNTS},
            "rejects_path": None,
        }
    )
    batch = int(table.last_pk or 0)  # set by the insert just made
    refuse_planted(db, "batch", batch)
    superseded = ({"batch_id": batch, "superseded_id": old} for old in summary.superseded)
    db.utils.table("batch_supersedes").insert_all(superseded)
    return batch


_COUNTS = (
    "rows_read",
    "control_total",
    "fund_rows",
    "fund_total",
    "other_rows",
    "other_total",
    "unmatched_rows",
    "unmatched_total",
    "rejected_rows",
)


def _finish_batch(db: Ledger, summary: Summary, rejects: Path | None) -> None:
    values = {k: getattr(summary, k) for k in _COUNTS}
    values["rejects_path"] = str(rejects) if rejects and summary.rejected_rows else None
    db.utils.table("import_batches").update(summary.batch_id, values)


class _Rejects:
    """Bad rows written to a CSV file beside the target, renamed into place only if the import lands."""

    def __init__(self, target: Path):
        if target.exists() or target.is_symlink():
            raise JobbsatsError(f"{target}: exists already; choose another file for --rejects")
        if not target.parent.is_dir():
            raise JobbsatsError(f"{target}: the folder {target.parent} does not exist")
        self.target = target
        try:
            handle, name = tempfile.mkstemp(prefix=files.temp_prefix(target), dir=target.parent)
        except OSError as exc:
            raise JobbsatsError(f"{clip(str(target))}: cannot write the rejected rows: {exc.strerror}") from None
        self.temp = Path(name)
        # With a BOM, so that Excel opens the åäö right; the row's own fields follow "rad" and "fel".
        self.file = os.fdopen(handle, "w", encoding="utf-8-sig", newline="")
        self.writer = csv.writer(self.file, delimiter=";")
        self._guarded(self.writer.writerow, ["rad", "fel", "fält i raden"])
        self.late: list[tuple[int, str, tuple]] = []
        self.kept = False

    def add(self, error: RowError, row: tuple | RowError) -> None:
        if error.fields or not isinstance(row, tuple):
            self._write(error.line, error.message, error.fields)
        else:  # read fine, refused later (its date, its mapping): written at the end as the file has it
            self.late.append((error.line, error.message, row))

    def _write(self, line: int, message: str, fields: tuple[str, ...]) -> None:
        self._guarded(self.writer.writerow, [line, not_a_formula(message), *map(not_a_formula, fields)])

    def _guarded(self, write, *args) -> None:
        """A write to the rejects file; a full disk names the file (the error names none)."""
        try:
            write(*args)
        except OSError as exc:
            raise JobbsatsError(f"{clip(str(self.target))}: cannot write the rejected rows: {exc.strerror}") from None

    def write_out(self, source: Source, section: dict) -> None:
        """Write the rows refused late, and sync the file: all that may fail, done while the batch can
        still be rolled back."""
        raw = {}
        if self.late and source.format == CSV:
            reader = CsvReader(source.path, section.get("columns", {}), source.text_encoding, section.get("delimiter"))
            raw = reader.records({line for line, _, _ in self.late})
        for line, message, row in self.late:
            b = Booking._make(row)
            codes = cast(tuple[str, ...], b[CODE_SLICE])  # account, ansvar, verksamhet, project: text
            fields = raw.get(line) or (b.date.isoformat(), *codes, format_kr(b.amount, " "), b.text)
            self._write(line, message, fields)
        self._guarded(self._sync_and_close)

    def keep(self) -> None:
        """Put the written file in its place (a rename: it needs no room on the disk)."""
        try:
            os.replace(self.temp, self.target)
            files.sync_folder(self.target.parent)
        except OSError as exc:  # the batch is committed by now: say so, and where its rejected rows are not
            raise JobbsatsError(
                f"{clip(str(self.target))}: the batch was imported, but its rejected rows could not be put "
                f"in place: {exc.strerror}"
            ) from None
        self.kept = True

    def _sync_and_close(self) -> None:
        self.file.flush()
        os.fsync(self.file.fileno())
        self.file.close()

    def close(self) -> None:
        if not self.file.closed:
            try:
                self.file.close()
            except OSError:
                pass  # the import failed already, or write_out said why; the file goes below
        if not self.kept:
            self.temp.unlink(missing_ok=True)
