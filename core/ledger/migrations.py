"""The ledger's schema, as named migrations applied when a run is written (and on reading an older ledger).

Amounts are INTEGER in STRICT tables, so SQLite itself refuses a REAL or
TEXT amount: öre for a fund whose unit is kr, whole units (platser) otherwise.
Recipients and funds are kept per run, as the run's scenario named them, so a
later run that renames a board never rewrites an earlier run's reports. Add a
new migration for every change; never edit one that has shipped.
"""

from __future__ import annotations

import functools
import sqlite3
from collections.abc import Callable
from typing import TYPE_CHECKING

from jobbsats.ledger.chain import NO_ROWS, batch_sums, seal_batch, seal_run, sealed_with_sums, utfall_digests
from jobbsats.ledger.connection import Ledger
from jobbsats.ledger.guards import INSERT_GUARDED, refuse, refuse_insert
from jobbsats.ledger.tables import APPEND_ONLY, APPLICATION_ID

if TYPE_CHECKING:
    from sqlite_utils.migrations import Migrations

Migration = Callable[[Ledger], None]

MIGRATION_SET = "jobbsats"  # the name sqlite-utils records the migrations under
MIGRATIONS_TABLE = "_sqlite_migrations"  # where sqlite-utils records them (tests hold it to sqlite-utils' own)
NAMES: list[str] = []  # every migration's name, in order: what an up-to-date ledger has recorded as applied
_MIGRATIONS: list[tuple[str, Migration]] = []


def migration(name: str) -> Callable[[Migration], Migration]:
    """Register a migration under ``name`` (its name in :data:`NAMES`), for sqlite-utils to apply in order."""

    def register(function: Migration) -> Migration:
        NAMES.append(name)
        _MIGRATIONS.append((name, function))
        return function

    return register


@functools.cache
def migration_set() -> Migrations:
    """The migrations as sqlite-utils' migration set, which applies them to a ledger an older jobbsats made.

    Made on first need, not at import: a ledger that is new or up to date (every command's, but the first after
    an upgrade) needs no sqlite-utils at all (see :mod:`jobbsats.ledger.connection`).
    """
    from jobbsats.ledger import sqlite_utils_without_numpy

    sqlite_utils_without_numpy()
    from sqlite_utils.migrations import Migrations

    made = Migrations(MIGRATION_SET)
    for name, function in _MIGRATIONS:
        made(name=name)(function)  # type: ignore[type-var]  # called with sqlite-utils' Database: it reads as a Ledger
    return made


# Plain SQL: composite foreign keys and CHECK constraints say more than a dict of types could.
_INITIAL = """
CREATE TABLE runs (
    id INTEGER PRIMARY KEY,
    started_at TEXT NOT NULL,
    user TEXT NOT NULL,
    scenario TEXT NOT NULL,
    config_path TEXT NOT NULL,
    config_sha256 TEXT NOT NULL,
    config_text TEXT NOT NULL,
    decision_json TEXT NOT NULL,
    versions_json TEXT NOT NULL,
    status TEXT NOT NULL
) STRICT;

CREATE TABLE recipients (
    run_id INTEGER NOT NULL REFERENCES runs(id),
    id TEXT NOT NULL,
    name TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('nämnd', 'extern', 'projekt')),
    genitive TEXT NOT NULL,
    PRIMARY KEY (run_id, id)
) STRICT;

CREATE TABLE funds (
    run_id INTEGER NOT NULL REFERENCES runs(id),
    id TEXT NOT NULL,
    name TEXT NOT NULL,
    wording TEXT NOT NULL,
    unit TEXT NOT NULL DEFAULT 'kr',
    shown_in TEXT NOT NULL DEFAULT 'kr' CHECK (shown_in IN ('kr', 'tkr', 'mnkr')),
    PRIMARY KEY (run_id, id)
) STRICT;

-- One row per fund and year of the run. A year the scenario covers but no
-- decision has set yet has a NULL total: "not decided", never 0.
CREATE TABLE fund_totals (
    run_id INTEGER NOT NULL,
    fund_id TEXT NOT NULL,
    year INTEGER NOT NULL,
    total INTEGER CHECK (total >= 0),
    unallocated INTEGER CHECK (unallocated >= 0),
    assumed INTEGER NOT NULL DEFAULT 0 CHECK (assumed IN (0, 1)),
    note TEXT NOT NULL DEFAULT '',
    CHECK ((total IS NULL) = (unallocated IS NULL)),
    PRIMARY KEY (run_id, fund_id, year),
    FOREIGN KEY (run_id, fund_id) REFERENCES funds(run_id, id)
) STRICT;

CREATE TABLE allocations (
    id INTEGER PRIMARY KEY,
    run_id INTEGER NOT NULL REFERENCES runs(id),
    seq INTEGER NOT NULL,
    year INTEGER NOT NULL,
    fund_id TEXT NOT NULL,
    from_id TEXT,
    to_id TEXT NOT NULL,
    amount INTEGER NOT NULL CHECK (amount >= 0),
    rule TEXT NOT NULL,
    rule_index INTEGER NOT NULL,
    rule_label TEXT NOT NULL,
    source TEXT NOT NULL,
    label TEXT NOT NULL,
    action TEXT NOT NULL,
    decision_ref TEXT NOT NULL,
    point INTEGER NOT NULL,
    recurring_from INTEGER,
    recurring_to INTEGER,
    agreements TEXT NOT NULL,
    text TEXT,
    FOREIGN KEY (run_id, fund_id) REFERENCES funds(run_id, id),
    FOREIGN KEY (run_id, to_id) REFERENCES recipients(run_id, id),
    FOREIGN KEY (run_id, from_id) REFERENCES recipients(run_id, id)
) STRICT;

CREATE INDEX allocations_run_year ON allocations(run_id, year);

-- A rule that rounds line by line records what the rounding added to (or, when
-- negative, took from) the amount it split, so reports show it.
CREATE TABLE rounding_differences (
    run_id INTEGER NOT NULL,
    fund_id TEXT NOT NULL,
    year INTEGER NOT NULL,
    rule_index INTEGER NOT NULL,
    rule_label TEXT NOT NULL,
    split INTEGER NOT NULL,
    difference INTEGER NOT NULL,
    PRIMARY KEY (run_id, fund_id, year, rule_index),
    FOREIGN KEY (run_id, fund_id) REFERENCES funds(run_id, id)
) STRICT;
"""


def _execute_each(db: Ledger, sql: str) -> None:
    # Statement by statement: executescript() would COMMIT the run's open transaction.
    # (So no ";" inside the SQL's strings or comments.)
    for statement in sql.split(";"):
        if statement.strip():
            db.execute(statement)


@migration("0001_initial")
def initial(db: Ledger) -> None:
    _execute_each(db, _INITIAL)


# Co-financed projects. Financiers, projects and their financing plans are kept
# per run, like recipients and funds; a line's state is what its statuses meant
# for the budget when the run was made, with the reason in words.
_PROJECTS = """
CREATE TABLE financiers (
    run_id INTEGER NOT NULL REFERENCES runs(id),
    id TEXT NOT NULL,
    name TEXT NOT NULL,
    PRIMARY KEY (run_id, id)
) STRICT;

CREATE TABLE projects (
    run_id INTEGER NOT NULL REFERENCES runs(id),
    id TEXT NOT NULL,
    name TEXT NOT NULL,
    case_ref TEXT NOT NULL,
    owner TEXT NOT NULL,
    participants TEXT NOT NULL,
    start_date TEXT NOT NULL,
    end_date TEXT NOT NULL CHECK (end_date >= start_date),
    total INTEGER CHECK (total >= 0),
    periodised_by TEXT,
    PRIMARY KEY (run_id, id)
) STRICT;

CREATE TABLE project_financing (
    run_id INTEGER NOT NULL,
    project_id TEXT NOT NULL,
    line INTEGER NOT NULL,
    financier_id TEXT NOT NULL,
    programme TEXT NOT NULL,
    amount INTEGER NOT NULL CHECK (amount >= 0),
    share TEXT NOT NULL,
    in_kind INTEGER NOT NULL CHECK (in_kind IN (0, 1)),
    status TEXT NOT NULL CHECK (status IN ('ansökt', 'beviljad', 'avslag', 'återkallad')),
    decided TEXT,
    reference TEXT NOT NULL,
    condition TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('budget', 'villkorad', 'ansökt', 'utgår')),
    reason TEXT NOT NULL,
    note TEXT NOT NULL,
    PRIMARY KEY (run_id, project_id, line),
    FOREIGN KEY (run_id, project_id) REFERENCES projects(run_id, id),
    FOREIGN KEY (run_id, financier_id) REFERENCES financiers(run_id, id)
) STRICT;

CREATE TABLE project_periods (
    run_id INTEGER NOT NULL,
    project_id TEXT NOT NULL,
    line INTEGER NOT NULL,
    year INTEGER NOT NULL,
    month INTEGER NOT NULL CHECK (month BETWEEN 1 AND 12),
    amount INTEGER NOT NULL CHECK (amount >= 0),
    PRIMARY KEY (run_id, project_id, line, year, month),
    FOREIGN KEY (run_id, project_id, line) REFERENCES project_financing(run_id, project_id, line)
) STRICT;
"""


@migration("0002_projects")
def projects(db: Ledger) -> None:
    _execute_each(db, _PROJECTS)


# Booked utfall, imported in batches, each for a scenario (by its name, as runs
# are). A batch is never edited: importing a corrected file adds a batch that
# supersedes the old one, and reports read only batches nobody supersedes. Rows keep their codes as booked and the
# recipient, fund and project the mapping gave them (fund and project NULL
# for the recipient's other money).
_UTFALL = """
CREATE TABLE import_batches (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('utfall')),
    started_at TEXT NOT NULL,
    user TEXT NOT NULL,
    file_path TEXT NOT NULL,
    file_name TEXT NOT NULL,
    file_sha256 TEXT NOT NULL,
    file_size INTEGER NOT NULL,
    format TEXT NOT NULL CHECK (format IN ('csv', 'sie4')),
    encoding TEXT NOT NULL,
    scenario TEXT NOT NULL,
    config_path TEXT NOT NULL,
    config_sha256 TEXT NOT NULL,
    versions_json TEXT NOT NULL,
    rows_read INTEGER NOT NULL,
    control_total INTEGER NOT NULL,
    fund_rows INTEGER NOT NULL,
    fund_total INTEGER NOT NULL,
    other_rows INTEGER NOT NULL,
    other_total INTEGER NOT NULL,
    unmatched_rows INTEGER NOT NULL,
    unmatched_total INTEGER NOT NULL,
    rejected_rows INTEGER NOT NULL,
    rejects_path TEXT
) STRICT;

CREATE TABLE batch_supersedes (
    batch_id INTEGER NOT NULL REFERENCES import_batches(id),
    superseded_id INTEGER NOT NULL REFERENCES import_batches(id),
    PRIMARY KEY (batch_id, superseded_id)
) STRICT;

CREATE TABLE utfall (
    batch_id INTEGER NOT NULL REFERENCES import_batches(id),
    line INTEGER NOT NULL,
    date TEXT NOT NULL,
    year INTEGER NOT NULL,
    month INTEGER NOT NULL CHECK (month BETWEEN 1 AND 12),
    account TEXT NOT NULL,
    ansvar TEXT NOT NULL,
    verksamhet TEXT NOT NULL,
    project_code TEXT NOT NULL,
    recipient_id TEXT NOT NULL,
    fund_id TEXT,
    project_id TEXT,
    amount INTEGER NOT NULL,
    text TEXT NOT NULL
) STRICT;

CREATE INDEX utfall_batch_year ON utfall(batch_id, year, recipient_id)
"""


@migration("0003_utfall")
def utfall(db: Ledger) -> None:
    _execute_each(db, _UTFALL)


@migration("0004_append_only")
def append_only(db: Ledger) -> None:
    # One statement each: a trigger's body holds a ";" of its own.
    for table in APPEND_ONLY:
        db.execute(refuse("update", table))
        db.execute(refuse("delete", table))
    db.execute(refuse("update", "import_batches", "WHEN OLD.rows_read > 0 "))
    db.execute(refuse("delete", "import_batches"))


# Tamper evidence (see jobbsats/ledger/chain.py): one entry per run, append-only like the rest.
@migration("0005_chain")
def chain(db: Ledger) -> None:
    db.execute(
        """CREATE TABLE chain (
            seq INTEGER PRIMARY KEY,
            kind TEXT NOT NULL CHECK (kind IN ('run')),
            ref INTEGER NOT NULL,
            rows_sha256 TEXT NOT NULL,
            tables_json TEXT NOT NULL,
            chain_sha256 TEXT NOT NULL
        ) STRICT"""
    )
    db.execute(refuse("update", "chain"))
    db.execute(refuse("delete", "chain"))
    # Runs written before the chain existed join it now, in order, as they are.
    for (run_id,) in db.execute("select id from runs order by id").fetchall():
        seal_run(db, run_id)


# Import batches join the chain (see jobbsats/ledger/chain.py). The kind's CHECK of 0005 named runs
# only, and SQLite cannot change a CHECK in place: the table is built again with the entries as they
# were (their hashes are over the rows, not the table), then batches imported before join it in order.
_CHAIN = """CREATE TABLE {name} (
    seq INTEGER PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('run', 'batch')),
    ref INTEGER NOT NULL,
    rows_sha256 TEXT NOT NULL,
    tables_json TEXT NOT NULL,
    chain_sha256 TEXT NOT NULL
) STRICT"""


@migration("0006_chain_batches")
def chain_batches(db: Ledger) -> None:
    db.execute(_CHAIN.format(name="chain_0006"))
    db.execute("INSERT INTO chain_0006 SELECT seq, kind, ref, rows_sha256, tables_json, chain_sha256 FROM chain")
    # IF EXISTS: on a ledger whose guard someone dropped, verify must still open it and tell.
    db.execute("DROP TRIGGER IF EXISTS chain_no_update")
    db.execute("DROP TRIGGER IF EXISTS chain_no_delete")
    db.execute("DROP TABLE chain")
    db.execute("ALTER TABLE chain_0006 RENAME TO chain")
    db.execute(refuse("update", "chain"))
    db.execute(refuse("delete", "chain"))
    booked = utfall_digests(db)
    for (batch_id,) in db.execute("select id from import_batches order by id").fetchall():
        seal_batch(db, batch_id, booked.get(batch_id, NO_ROWS))


# What a run's rules read of the ledger (jobbsats.LedgerReader): earlier runs and import batches.
@migration("0007_run_reads")
def run_reads(db: Ledger) -> None:
    db.execute(
        """CREATE TABLE run_reads (
            run_id INTEGER NOT NULL REFERENCES runs(id),
            kind TEXT NOT NULL CHECK (kind IN ('run', 'batch')),
            ref INTEGER NOT NULL,
            PRIMARY KEY (run_id, kind, ref)
        ) STRICT"""
    )
    db.execute(refuse("update", "run_reads"))
    db.execute(refuse("delete", "run_reads"))


# Booked rows say which of the fund's purposes they are ("Ung i sommar"), when the mapping says so.
# NULL is the fund's own purpose, and every row booked before; the chain hashes the column only
# where it is set, so those rows keep their hashes.
@migration("0008_utfall_purpose")
def utfall_purpose(db: Ledger) -> None:
    db.execute("ALTER TABLE utfall ADD COLUMN purpose TEXT")


# Money a recipient carries into a year from an earlier one (jobbsats.Carry): on top of the fund's
# total for the year, signed (an overspend carried is taken off). Only runs that carry write here.
@migration("0009_carry_overs")
def carry_overs(db: Ledger) -> None:
    db.execute(
        """CREATE TABLE carry_overs (
            run_id INTEGER NOT NULL REFERENCES runs(id),
            seq INTEGER NOT NULL,
            year INTEGER NOT NULL,
            fund_id TEXT NOT NULL,
            to_id TEXT NOT NULL,
            from_year INTEGER NOT NULL CHECK (from_year < year),
            amount INTEGER NOT NULL CHECK (amount <> 0),
            rule TEXT NOT NULL,
            rule_index INTEGER NOT NULL,
            rule_label TEXT NOT NULL,
            source TEXT NOT NULL,
            label TEXT NOT NULL,
            decision_ref TEXT NOT NULL,
            point INTEGER NOT NULL,
            text TEXT,
            PRIMARY KEY (run_id, seq),
            FOREIGN KEY (run_id, fund_id) REFERENCES funds(run_id, id),
            FOREIGN KEY (run_id, to_id) REFERENCES recipients(run_id, id)
        ) STRICT"""
    )
    db.execute(refuse("update", "carry_overs"))
    db.execute(refuse("delete", "carry_overs"))


# A board's own year-end forecast (`jobbsats import prognos`): one batch per file, for a year of a scenario,
# its names checked against a run of it. A line's forecast in the newest batch that has the line overrides the
# computed one in the prognos report. The batch row is written whole (its counts are known before), so both
# tables are append-only with no exception. Forecast batches join the chain: its kind's CHECK is widened as
# 0006 did, the entries kept as they were.
_PROGNOS = """
CREATE TABLE prognos_batches (
    id INTEGER PRIMARY KEY,
    started_at TEXT NOT NULL,
    user TEXT NOT NULL,
    file_path TEXT NOT NULL,
    file_name TEXT NOT NULL,
    file_sha256 TEXT NOT NULL,
    file_size INTEGER NOT NULL,
    encoding TEXT NOT NULL,
    scenario TEXT NOT NULL,
    run_id INTEGER NOT NULL REFERENCES runs(id),
    year INTEGER NOT NULL,
    versions_json TEXT NOT NULL,
    rows_read INTEGER NOT NULL CHECK (rows_read > 0),
    control_total INTEGER NOT NULL
) STRICT;

CREATE TABLE prognos_rows (
    batch_id INTEGER NOT NULL REFERENCES prognos_batches(id),
    line INTEGER NOT NULL,
    recipient_id TEXT NOT NULL,
    fund_id TEXT NOT NULL,
    purpose TEXT NOT NULL,
    amount INTEGER NOT NULL CHECK (amount >= 0),
    comment TEXT NOT NULL,
    PRIMARY KEY (batch_id, recipient_id, fund_id, purpose)
) STRICT
"""
_CHAIN_0010 = """CREATE TABLE {name} (
    seq INTEGER PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('run', 'batch', 'prognos')),
    ref INTEGER NOT NULL,
    rows_sha256 TEXT NOT NULL,
    tables_json TEXT NOT NULL,
    chain_sha256 TEXT NOT NULL
) STRICT"""


@migration("0010_prognos")
def prognos(db: Ledger) -> None:
    _execute_each(db, _PROGNOS)
    for table in ("prognos_batches", "prognos_rows"):
        db.execute(refuse("update", table))
        db.execute(refuse("delete", table))
    db.execute(_CHAIN_0010.format(name="chain_0010"))
    db.execute("INSERT INTO chain_0010 SELECT seq, kind, ref, rows_sha256, tables_json, chain_sha256 FROM chain")
    db.execute("DROP TRIGGER IF EXISTS chain_no_update")
    db.execute("DROP TRIGGER IF EXISTS chain_no_delete")
    db.execute("DROP TABLE chain")
    db.execute("ALTER TABLE chain_0010 RENAME TO chain")
    db.execute(refuse("update", "chain"))
    db.execute(refuse("delete", "chain"))


# Sealed means sealed: once a run or batch is in the chain, no row is added to it either (an insert needs no
# trigger dropped, and a report would read the row), nor in the place of another row (INSERT OR REPLACE removes
# the row it replaces, and SQLite fires no delete trigger for that); nor a second entry for it to the chain.
# The guards look up the chain by kind and ref, for every row written: hence its index. (A migration that built
# the chain again, as 0006 and 0010 did, would now have to drop these guards first and make them again after.)
@migration("0011_sealed_inserts")
def sealed_inserts(db: Ledger) -> None:
    db.execute("CREATE INDEX chain_kind_ref ON chain(kind, ref)")
    for table in INSERT_GUARDED:
        if table not in LATER_TABLES:  # made, with their guards, by the migration that made them
            db.execute(refuse_insert(table))


# What each recipient has to use in a year, line by line, in the current run and the original one (see
# web_budget_utfall below): 0012 and 0013 share it, word for word.
_BUDGET_MONEY = """budget_runs AS (
    SELECT scenario, year, run_id, 1 AS is_current, run_id = original_run_id AS is_original FROM web_runs
    UNION ALL
    SELECT scenario, year, original_run_id, 0, 1 FROM web_runs WHERE original_run_id <> run_id
),
money AS (
    SELECT b.scenario, a.year, a.to_id AS recipient_id, a.fund_id, a.label AS purpose, a.amount,
           b.is_current, b.is_original
    FROM allocations a JOIN budget_runs b ON b.run_id = a.run_id AND b.year = a.year
    JOIN funds f ON f.run_id = a.run_id AND f.id = a.fund_id AND f.unit = 'kr'
    UNION ALL
    SELECT b.scenario, c.year, c.to_id, c.fund_id, c.label, c.amount, b.is_current, b.is_original
    FROM carry_overs c JOIN budget_runs b ON b.run_id = c.run_id AND b.year = c.year
    JOIN funds f ON f.run_id = c.run_id AND f.id = c.fund_id AND f.unit = 'kr'
    UNION ALL
    SELECT b.scenario, a.year, a.from_id, a.fund_id,
           coalesce((SELECT p.label FROM allocations p
                     WHERE p.run_id = a.run_id AND p.year = a.year AND p.to_id = a.from_id
                       AND p.fund_id = a.fund_id AND p.from_id IS NULL
                       AND substr(a.source, 1, length(p.source) + 1) = p.source || '.'
                     ORDER BY p.seq LIMIT 1), a.label),
           -a.amount, b.is_current, b.is_original
    FROM allocations a JOIN budget_runs b ON b.run_id = a.run_id AND b.year = a.year
    JOIN funds f ON f.run_id = a.run_id AND f.id = a.fund_id AND f.unit = 'kr'
    WHERE a.from_id IS NOT NULL
)"""


# Views for publishing the ledger (issue 17: the Datasette plugin shows these, not the tables). A view holds
# no rows, so the chain, the guards and the schema check (tables only) never see one. Amounts stay INTEGER:
# öre for a fund in kr, whole units otherwise (``unit`` says which); formatting is the reader's job. The
# current budget of a scenario's year is its newest run that decides a total for the year, as
# jobbsats.LedgerReader.run_for finds it; its original, the first such run. Current utfall is that of the
# batches no batch supersedes. web_budget_utfall has the figures of `jobbsats report aterrapportering` on the
# year's current run, line by line: its budget (funds in kr only) is what each recipient got, less what it
# passed on (off the line it was given out of, as jobbsats.reports.amounts.net_lines takes it), plus what
# was carried into the year. The ledger's limits (jobbsats.ledger.limits) keep every sum here inside
# SQLite's integers. (A later migration that builds a table again must drop these views first.)
_WEB_VIEWS = (
    """
CREATE VIEW web_runs AS
SELECT r.scenario, t.year, max(t.run_id) AS run_id, min(t.run_id) AS original_run_id
FROM fund_totals t JOIN runs r ON r.id = t.run_id
WHERE t.total IS NOT NULL
GROUP BY r.scenario, t.year;

CREATE VIEW web_allocations AS
SELECT a.run_id, r.scenario, a.year,
       coalesce(w.run_id = a.run_id, 0) AS current,
       a.seq, a.to_id AS recipient_id, rt.name AS recipient,
       a.from_id AS via_id, rv.name AS via,
       a.fund_id, f.name AS fund, a.label AS purpose,
       a.amount, f.unit,
       CASE WHEN f.unit = 'kr' THEN a.amount END AS amount_ore,
       a.rule_label AS rule, a.action, a.decision_ref, a.point
FROM allocations a
JOIN runs r ON r.id = a.run_id
JOIN funds f ON f.run_id = a.run_id AND f.id = a.fund_id
JOIN recipients rt ON rt.run_id = a.run_id AND rt.id = a.to_id
LEFT JOIN recipients rv ON rv.run_id = a.run_id AND rv.id = a.from_id
LEFT JOIN web_runs w ON w.scenario = r.scenario AND w.year = a.year;

CREATE VIEW web_utfall_current AS
SELECT b.scenario, u.year, u.month, u.recipient_id, rt.name AS recipient,
       u.fund_id, f.name AS fund, u.project_id, coalesce(u.purpose, '') AS purpose,
       sum(u.amount) AS amount_ore, count(*) AS booked_rows
FROM utfall u
JOIN import_batches b ON b.id = u.batch_id
LEFT JOIN web_runs w ON w.scenario = b.scenario AND w.year = u.year
LEFT JOIN recipients rt ON rt.run_id = w.run_id AND rt.id = u.recipient_id
LEFT JOIN funds f ON f.run_id = w.run_id AND f.id = u.fund_id
WHERE NOT EXISTS (SELECT 1 FROM batch_supersedes s WHERE s.superseded_id = b.id)
GROUP BY b.scenario, u.year, u.month, u.recipient_id, u.fund_id, u.project_id, coalesce(u.purpose, '');

CREATE VIEW web_budget_utfall AS
WITH """
    + _BUDGET_MONEY
    + """,
budget AS (
    SELECT scenario, year, recipient_id, fund_id, purpose,
           sum(CASE WHEN is_current THEN amount ELSE 0 END) AS budget_ore,
           sum(CASE WHEN is_original THEN amount ELSE 0 END) AS budget_original_ore
    FROM money GROUP BY scenario, year, recipient_id, fund_id, purpose
),
booked AS (
    SELECT u.scenario, u.year, u.recipient_id, u.fund_id, u.purpose, sum(u.amount_ore) AS utfall_ore
    FROM web_utfall_current u JOIN web_runs w ON w.scenario = u.scenario AND w.year = u.year
    WHERE u.fund_id IS NOT NULL
    GROUP BY u.scenario, u.year, u.recipient_id, u.fund_id, u.purpose
),
lines AS (
    SELECT scenario, year, recipient_id, fund_id, purpose FROM budget
    WHERE budget_ore <> 0 OR budget_original_ore <> 0
    UNION
    SELECT scenario, year, recipient_id, fund_id, purpose FROM booked
)
SELECT l.scenario, l.year, w.run_id, l.recipient_id, rt.name AS recipient, l.fund_id, f.name AS fund,
       l.purpose, coalesce(b.budget_original_ore, 0) AS budget_original_ore,
       coalesce(b.budget_ore, 0) AS budget_ore, coalesce(k.utfall_ore, 0) AS utfall_ore,
       coalesce(b.budget_ore, 0) - coalesce(k.utfall_ore, 0) AS remaining_ore
FROM lines l
JOIN web_runs w ON w.scenario = l.scenario AND w.year = l.year
LEFT JOIN budget b ON (b.scenario, b.year, b.recipient_id, b.fund_id, b.purpose)
                    = (l.scenario, l.year, l.recipient_id, l.fund_id, l.purpose)
LEFT JOIN booked k ON (k.scenario, k.year, k.recipient_id, k.fund_id, k.purpose)
                    = (l.scenario, l.year, l.recipient_id, l.fund_id, l.purpose)
LEFT JOIN recipients rt ON rt.run_id = w.run_id AND rt.id = l.recipient_id
LEFT JOIN funds f ON f.run_id = w.run_id AND f.id = l.fund_id
"""
)
WEB_VIEWS = ("web_runs", "web_allocations", "web_utfall_current", "web_budget_utfall")


@migration("0012_web_views")
def web_views(db: Ledger) -> None:
    _execute_each(db, _WEB_VIEWS)


# More views for publishing (issue 17): the budget alone, line by line, which a department's page reads without
# summing every booked row as web_budget_utfall does; projects and their financing lines with their states; the
# year-end forecast as `jobbsats report prognos` makes it by default; and booked_rows, the rows themselves with
# their free text (which may name people), outside the web_ prefix because `jobbsats serve` shows it only when
# asked to. web_prognos mirrors jobbsats.prognos.forecast's linear method: the year's utfall to its cut day (the
# last day the scenario's current batches book on in the year) × the days of the cut day's year / the days
# elapsed by it, rounded half up to whole öre (floor((2n + e) / 2e): SQLite's / truncates toward zero, so a
# negative numerator is moved down first). Past 10^15 öre of utfall the product could leave SQLite's integers:
# such a line's computed forecast is NULL (the report computes it in Python). A board's own forecast (the
# newest forecast batch giving the line) takes the computed one's place, as in the report.
_WEB_VIEWS_0013 = (
    """
CREATE VIEW web_budget AS
WITH """
    + _BUDGET_MONEY
    + """
SELECT m.scenario, m.year, w.run_id, m.recipient_id, rt.name AS recipient, m.fund_id, f.name AS fund, m.purpose,
       sum(CASE WHEN m.is_original THEN m.amount ELSE 0 END) AS budget_original_ore,
       sum(CASE WHEN m.is_current THEN m.amount ELSE 0 END) AS budget_ore
FROM money m
JOIN web_runs w ON w.scenario = m.scenario AND w.year = m.year
LEFT JOIN recipients rt ON rt.run_id = w.run_id AND rt.id = m.recipient_id
LEFT JOIN funds f ON f.run_id = w.run_id AND f.id = m.fund_id
GROUP BY m.scenario, m.year, m.recipient_id, m.fund_id, m.purpose
HAVING budget_ore <> 0 OR budget_original_ore <> 0;

CREATE VIEW web_projects AS
SELECT r.scenario, p.run_id, p.run_id = (SELECT max(n.id) FROM runs n WHERE n.scenario = r.scenario) AS current,
       p.id AS project_id, p.name AS project, p.case_ref, p.owner, p.start_date, p.end_date,
       p.total AS total_ore, pf.line, pf.financier_id, fi.name AS financier, pf.programme,
       pf.amount AS amount_ore, pf.share, pf.in_kind, pf.status, pf.decided, pf.reference, pf.condition,
       pf.state, pf.reason
FROM projects p
JOIN runs r ON r.id = p.run_id
JOIN project_financing pf ON pf.run_id = p.run_id AND pf.project_id = p.id
JOIN financiers fi ON fi.run_id = pf.run_id AND fi.id = pf.financier_id;

CREATE VIEW web_prognos AS
WITH cut AS (
    SELECT b.scenario, u.year, max(u.date) AS cut_day
    FROM utfall u JOIN import_batches b ON b.id = u.batch_id
    WHERE NOT EXISTS (SELECT 1 FROM batch_supersedes s WHERE s.superseded_id = b.id)
    GROUP BY b.scenario, u.year
),
booked AS (
    SELECT scenario, year, recipient_id, fund_id, purpose, sum(amount_ore) AS utfall_ore
    FROM web_utfall_current WHERE fund_id IS NOT NULL
    GROUP BY scenario, year, recipient_id, fund_id, purpose
),
board AS (
    SELECT b.scenario, b.year, r.recipient_id, r.fund_id, r.purpose, r.amount, r.comment, b.id AS batch_id
    FROM prognos_rows r JOIN prognos_batches b ON b.id = r.batch_id
    WHERE b.id = (SELECT max(b2.id) FROM prognos_batches b2 JOIN prognos_rows r2 ON r2.batch_id = b2.id
                  WHERE b2.scenario = b.scenario AND b2.year = b.year AND r2.recipient_id = r.recipient_id
                    AND r2.fund_id = r.fund_id AND r2.purpose = r.purpose)
),
lines AS (
    SELECT scenario, year, recipient_id, fund_id, purpose FROM web_budget WHERE budget_ore <> 0
    UNION
    SELECT scenario, year, recipient_id, fund_id, purpose FROM booked
    UNION
    SELECT scenario, year, recipient_id, fund_id, purpose FROM board
),
figures AS (
    SELECT l.scenario, l.year, w.run_id, l.recipient_id, l.fund_id, l.purpose,
           coalesce(g.budget_ore, 0) AS budget_ore, coalesce(k.utfall_ore, 0) AS utfall_ore, c.cut_day,
           CAST(strftime('%j', c.cut_day) AS INTEGER) AS elapsed,
           CAST(julianday(substr(c.cut_day, 1, 4) || '-12-31') - julianday(substr(c.cut_day, 1, 4) || '-01-01')
                AS INTEGER) + 1 AS days,
           o.amount AS board_ore, o.comment, o.batch_id AS prognos_batch
    FROM lines l
    JOIN web_runs w ON w.scenario = l.scenario AND w.year = l.year
    LEFT JOIN web_budget g ON (g.scenario, g.year, g.recipient_id, g.fund_id, g.purpose)
                            = (l.scenario, l.year, l.recipient_id, l.fund_id, l.purpose)
    LEFT JOIN booked k ON (k.scenario, k.year, k.recipient_id, k.fund_id, k.purpose)
                        = (l.scenario, l.year, l.recipient_id, l.fund_id, l.purpose)
    LEFT JOIN cut c ON c.scenario = l.scenario AND c.year = l.year
    LEFT JOIN board o ON (o.scenario, o.year, o.recipient_id, o.fund_id, o.purpose)
                       = (l.scenario, l.year, l.recipient_id, l.fund_id, l.purpose)
),
computed AS (
    SELECT *, CASE WHEN cut_day IS NOT NULL AND abs(utfall_ore) <= 1000000000000000 THEN
                   (2 * utfall_ore * days + elapsed
                    - CASE WHEN 2 * utfall_ore * days + elapsed < 0 THEN 2 * elapsed - 1 ELSE 0 END)
                   / (2 * elapsed)
              END AS computed_ore
    FROM figures
)
SELECT c.scenario, c.year, c.run_id, c.recipient_id, rt.name AS recipient, c.fund_id, f.name AS fund, c.purpose,
       c.budget_ore, c.utfall_ore, c.cut_day, c.computed_ore, c.board_ore,
       coalesce(c.board_ore, c.computed_ore) AS forecast_ore,
       c.budget_ore - coalesce(c.board_ore, c.computed_ore) AS deviation_ore,
       CASE WHEN c.board_ore IS NOT NULL THEN 'board' WHEN c.cut_day IS NOT NULL THEN 'linear' ELSE 'none' END
           AS method,
       coalesce(c.comment, '') AS comment, c.prognos_batch
FROM computed c
LEFT JOIN recipients rt ON rt.run_id = c.run_id AND rt.id = c.recipient_id
LEFT JOIN funds f ON f.run_id = c.run_id AND f.id = c.fund_id;

CREATE VIEW booked_rows AS
SELECT b.scenario, u.batch_id, b.file_name, u.line, u.date, u.year, u.month, u.account, u.ansvar, u.verksamhet,
       u.project_code, u.recipient_id, u.fund_id, u.project_id, coalesce(u.purpose, '') AS purpose,
       u.amount AS amount_ore, u.text,
       NOT EXISTS (SELECT 1 FROM batch_supersedes s WHERE s.superseded_id = b.id) AS current
FROM utfall u JOIN import_batches b ON b.id = u.batch_id
"""
)
WEB_VIEWS_0013 = ("web_budget", "web_projects", "web_prognos", "booked_rows")
# The view that shows booked rows' text: never under the web_ prefix (see jobbsats.web.safety).
BOOKED_ROWS = "booked_rows"


@migration("0013_web_views_more")
def web_views_more(db: Ledger) -> None:
    _execute_each(db, _WEB_VIEWS_0013)


# What each import batch's booked rows add up to per day, year, month, recipient, fund, project and purpose
# (jobbsats.ledger.tables.SUMS_GRAIN), written by the import beside its rows and sealed with them (the digest
# utfall_sums of its chain entry): a report reads these few rows, and checks them against the chain, instead
# of summing a million. A batch sealed with sums before this table gets its sums from its rows now (tampered
# rows give sums the chain refuses, as they did); one sealed without sums gets none, and is read row by row.
_UTFALL_SUMS = """CREATE TABLE utfall_sums (
    batch_id INTEGER NOT NULL REFERENCES import_batches(id),
    date TEXT NOT NULL,
    year INTEGER NOT NULL,
    month INTEGER NOT NULL,
    recipient_id TEXT NOT NULL,
    fund_id TEXT,
    project_id TEXT,
    purpose TEXT,
    amount INTEGER NOT NULL,
    rows INTEGER NOT NULL
) STRICT;
CREATE INDEX utfall_sums_batch ON utfall_sums(batch_id)"""
# Tables a migration after 0011 made: 0011's guards are for the tables there were then.
LATER_TABLES = ("utfall_sums",)
_INTEGER_MOST = 2**63


@migration("0014_utfall_sums")
def utfall_sums(db: Ledger) -> None:
    _execute_each(db, _UTFALL_SUMS)
    insert = (
        "INSERT INTO utfall_sums (batch_id, date, year, month, recipient_id, fund_id, project_id, purpose, amount, "
        "rows) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
    )
    for batch_id in sealed_with_sums(db):
        groups = batch_sums(db, batch_id)
        # Only rows changed behind jobbsats's back sum past SQLite's integers: left out, the chain refuses them.
        if all(-_INTEGER_MOST <= group[-2] < _INTEGER_MOST for group in groups):
            db.conn.executemany(insert, [(batch_id, *group) for group in groups])
    db.execute(refuse("update", "utfall_sums"))
    db.execute(refuse("delete", "utfall_sums"))
    db.execute(refuse_insert("utfall_sums"))


@migration("0015_application_id")
def application_id(db: Ledger) -> None:
    """Mark the file as a jobbsats ledger in SQLite's own header field for it, so a command can tell a ledger
    from another program's file by a pragma that parses no schema (jobbsats.ledger.db.kind_of)."""
    db.execute(f"PRAGMA application_id = {APPLICATION_ID}")


@migration("0016_utfall_batch_rows")
def utfall_batch_rows(db: Ledger) -> None:
    """An index of booked rows by batch alone, whose entries run in rowid order within a batch: a report finds a
    batch's first and last row by two seeks (jobbsats.ledger.chain._rows_of), where the index by batch, year and
    recipient had it read every entry of the batch (17 ms of a report at 100 000 rows, 170 ms at 1 000 000)."""
    db.execute("CREATE INDEX utfall_batch_rows ON utfall(batch_id)")


# --- A brand-new ledger in one go ---------------------------------------------------------------------------
#
# The migrations one by one cost a new ledger twice what its final schema does (measured at thirteen):
# sqlite-utils' record of each (a savepoint, a look at its table, an insert), and two rebuilds of the chain
# whose renames make SQLite parse the whole schema again. A ledger with nothing in it yet gets the schema those
# migrations make, built straight (the same statements, less what a later one undoes), and a record of each of
# them as applied, as sqlite-utils writes it. tests/test_speed_run_schema.py holds the two ways to the same
# sqlite_master and the same records. A migration not among ONE_SHOT runs after, on every ledger, as ever; one
# added to ONE_SHOT is called from _one_shot too (as 0014 is).
ONE_SHOT = (
    "0001_initial",
    "0002_projects",
    "0003_utfall",
    "0004_append_only",
    "0005_chain",
    "0006_chain_batches",
    "0007_run_reads",
    "0008_utfall_purpose",
    "0009_carry_overs",
    "0010_prognos",
    "0011_sealed_inserts",
    "0012_web_views",
    "0013_web_views_more",
    "0014_utfall_sums",
    "0015_application_id",
    "0016_utfall_batch_rows",
)


def _one_shot(db: Ledger) -> None:
    """The schema of migrations ONE_SHOT, on an empty ledger, made in the order they leave it in."""
    initial(db)
    projects(db)
    utfall(db)
    append_only(db)
    run_reads(db)
    utfall_purpose(db)
    carry_overs(db)
    _execute_each(db, _PROGNOS)
    for table in ("prognos_batches", "prognos_rows"):
        db.execute(refuse("update", table))
        db.execute(refuse("delete", table))
    # The chain as 0010 leaves it (made by 0005, built again by 0006 and 0010 under the name a rename gives it).
    db.execute(_CHAIN_0010.format(name='"chain"'))
    db.execute(refuse("update", "chain"))
    db.execute(refuse("delete", "chain"))
    sealed_inserts(db)
    web_views(db)
    web_views_more(db)
    utfall_sums(db)
    application_id(db)
    utfall_batch_rows(db)


# sqlite-utils' record of applied migrations, as its Migrations.ensure_migrations_table makes it (to the letter:
# tests/test_speed_run_schema.py compares a new ledger's sqlite_master with one sqlite-utils migrated).
_RECORD = f"""CREATE TABLE "{MIGRATIONS_TABLE}" (
   "id" INTEGER PRIMARY KEY,
   "migration_set" TEXT,
   "name" TEXT,
   "applied_at" TEXT
);
CREATE UNIQUE INDEX "idx_{MIGRATIONS_TABLE}_migration_set_name"
    ON "{MIGRATIONS_TABLE}" ("migration_set", "name")"""


def apply(db: Ledger) -> None:
    """Apply the schema's pending migrations: all at once to a ledger with nothing in it yet."""
    if not db.conn.execute("select 1 from sqlite_master limit 1").fetchone():
        import datetime

        _execute_each(db, _RECORD)
        _one_shot(db)
        db.conn.executemany(
            f'INSERT INTO "{MIGRATIONS_TABLE}" ("migration_set", "name", "applied_at") VALUES (?, ?, ?)',
            [(MIGRATION_SET, name, str(datetime.datetime.now(datetime.UTC))) for name in ONE_SHOT],
        )
    if up_to_date(db):
        return
    # Any migration after those, or every one on a ledger from before ONE_SHOT: sqlite-utils applies them.
    if db.conn.in_transaction:  # the caller holds the write lock (jobbsats.ledger.write.transaction)
        migration_set().apply(db.utils)
        return
    # A reader bringing an older ledger up to date (the first report after an upgrade) takes the write lock and
    # asks again once it holds it: two commands that opened the same older ledger at once both found a
    # migration pending, and the second to apply it failed ("index utfall_batch_rows already exists").
    db.conn.execute("BEGIN IMMEDIATE")
    try:
        if not up_to_date(db):
            migration_set().apply(db.utils)
        db.conn.execute("COMMIT")
    except BaseException:
        if db.conn.in_transaction:
            db.conn.execute("ROLLBACK")
        raise


def up_to_date(db: Ledger, *, reading: bool = False) -> bool:
    """Whether every migration is recorded as applied: one query, where sqlite-utils' ``apply`` (on every command
    that opens the ledger) makes fifteen statements to find none pending.

    ``reading``: for a reader that cannot migrate (``jobbsats serve``, a ledger in a read-only folder), every
    migration but those a reader can do without (:data:`READER_NEEDS_NOT`).
    """
    try:
        done = {row[0] for row in db.conn.execute(_APPLIED, [MIGRATION_SET])}
    except sqlite3.OperationalError:  # no record of migrations at all: sqlite-utils makes it
        return False
    return done.issuperset(name for name in NAMES if not (reading and name in READER_NEEDS_NOT))


# Migrations that change nothing a reader reads: a ledger a release behind by them alone is read as it is
# (without the index of 0016 a report finds a batch's rows more slowly, the same rows).
READER_NEEDS_NOT = frozenset({"0015_application_id", "0016_utfall_batch_rows"})


_APPLIED = f'select name from "{MIGRATIONS_TABLE}" where migration_set = ?'
