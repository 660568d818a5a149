"""Sealed means sealed (issue 15, point 6): no row is added to a run or batch once it is in the chain.

Until migration 0011 the triggers refused UPDATE and DELETE only: the sqlite3 module (or the
sqlite-utils tool installed with jobbsats) could add a booked row to an old import batch, and
`aterrapportering` showed the changed sum without a word. Now a trigger refuses the insert, and
with the trigger dropped, what reads the batch refuses it as it refuses a changed run.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3

import pytest
from sqlite_utils import Database

HEADER = "Bokföringsdatum;Konto;Ansvar;Verksamhet;Belopp;Text\n"
# ASN's money from the fund (ansvar 31*, verksamhet 7150 in the bundled example's mapping); in January also
# KS's grant to Tillväxt Malmö och Level (account 4620), booked on its purpose: a row hashed with its purpose.
JANUARY = HEADER + (
    "2024-01-31;5010;3110;7150;1 000 000,00;Lön januari\n2024-01-31;5010;3110;7150;250 000,00;Hyra\n"
    "2024-01-31;4620;1010;7150;400 000,00;Bidrag\n"
)
FEBRUARY = HEADER + "2024-02-29;5010;3110;7150;500 000,00;Lön februari\n"
FORECAST = "recipient;fund;purpose;amount;comment\nASN;sjs;;9 000 000;Enligt nämnden\n"


@pytest.fixture
def sealed(cli, shared_file):
    """Run 1 of malmo-2024, import batches 1 (January) and 2 (February), and forecast batch 1: all sealed.

    Made once a worker and copied (``cli.prepare``, the files by ``shared_file``): four commands for each of
    some fifty tests that only go on from the ledger they leave."""
    cli.prepare(
        ("run", "malmo-2024", "--quiet"),
        ("import", "utfall", shared_file("januari.csv", JANUARY), "-c", "malmo-2024"),
        ("import", "utfall", shared_file("februari.csv", FEBRUARY), "-c", "malmo-2024"),
        ("import", "prognos", shared_file("prognos.csv", FORECAST)),
    )
    return cli


def asn_utfall(cli) -> int:
    rows = cli.json_report("aterrapportering")["rows"]
    return next(r["utfall_ore"] for r in rows if r["recipient_id"] == "ASN" and r["purpose"] == "")


def booked_row(db, batch: int) -> list:
    """A copy of the batch's first booked row, its amount raised by 1 000 000 kr."""
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    row = dict(conn.execute("select * from utfall where batch_id = ? order by rowid limit 1", [batch]).fetchone())
    conn.close()
    return [row | {"amount": row["amount"] + 100_000_000, "text": "planted"}]


def test_a_row_added_to_an_old_batch_is_refused_then_reports_refuse_the_batch(sealed, digest):
    """The issue's acceptance test: the insert is refused; with the trigger dropped, the report refuses
    the batch (naming it) instead of showing the changed sum, and verify names it too."""
    assert asn_utfall(sealed) == 175_000_000  # 1 250 000 + 500 000 kr, before
    conn = sqlite3.connect(sealed.db)
    assert conn.execute("select purpose from utfall where batch_id = 1 and purpose is not null").fetchall() == [
        ("Tillväxt Malmö & Level",)
    ]  # read through canonical(), as the import hashed it
    conn.close()
    before = digest(sealed.db)
    [row] = booked_row(sealed.db, 1)
    conn = sqlite3.connect(sealed.db)
    insert = f"insert into utfall ({', '.join(row)}) values ({', '.join('?' * len(row))})"
    with pytest.raises(sqlite3.IntegrityError, match="utfall is append-only; no row is added to a sealed run or batch"):
        conn.execute(insert, list(row.values()))
    conn.close()
    with pytest.raises(sqlite3.IntegrityError, match="utfall is append-only"):  # as sqlite-utils inserts it
        Database(sealed.db)["utfall"].insert(row)
    assert digest(sealed.db) == before

    conn = sqlite3.connect(sealed.db)
    conn.execute("drop trigger utfall_no_insert")
    conn.execute(insert, list(row.values()))
    conn.commit()
    conn.close()
    result = sealed("report", "aterrapportering")
    assert result.exit_code == 4 and result.stdout == "", result.output
    assert (
        f"{sealed.db}: import batch 1: its rows in utfall no longer match the ledger's chain: they were changed "
        "outside jobbsats. Run `jobbsats verify`" in result.stderr
    )
    result = sealed("verify")
    assert result.exit_code == 1
    assert "first: import batch 1: its rows in utfall were changed outside jobbsats" in result.stderr
    assert "the guard utfall_no_insert is missing (dropped outside jobbsats)" in result.stderr
    # show, diff and the other report that reads booked rows refuse it too
    for command in (["show", "--batch", "1"], ["diff", "--as-of", "2999-12-31"], ["report", "prognos"]):
        refused = sealed(*command)
        assert refused.exit_code == 4 and refused.stdout == "", (command, refused.output)
        assert f"{sealed.db}: import batch 1: its rows in utfall no longer match" in refused.stderr, command
    assert sealed("show", "--batch", "2").exit_code == 0  # the batch beside it, untouched, still shows


def test_a_batch_diff_shows_is_checked_row_by_row(sealed):
    conn = sqlite3.connect(sealed.db)
    conn.execute("drop trigger utfall_no_update")
    conn.execute("update utfall set recipient_id = 'GVN' where batch_id = 2")  # the sum is the same: another board's
    conn.commit()
    conn.close()
    result = sealed("diff", "--as-of", "2999-12-31")
    assert result.exit_code == 4, result.output
    assert "import batch 2: its rows in utfall no longer match the ledger's chain" in result.stderr


def test_a_row_added_to_a_forecast_batch_is_refused_then_the_prognos_report_refuses(sealed):
    conn = sqlite3.connect(sealed.db)
    planted = "insert into prognos_rows values (1, 3, 'GVN', 'sjs', '', 100, 'planted')"
    with pytest.raises(sqlite3.IntegrityError, match="prognos_rows is append-only"):
        conn.execute(planted)
    conn.execute("drop trigger prognos_rows_no_insert")
    conn.execute(planted)
    conn.commit()
    conn.close()
    result = sealed("report", "prognos")
    assert result.exit_code == 4 and result.stdout == ""
    assert f"{sealed.db}: forecast batch 1: its rows in prognos_rows no longer match the ledger's chain" in (
        result.stderr
    )
    verified = sealed("verify")
    assert verified.exit_code == 1 and "forecast batch 1: its rows in prognos_rows were changed" in verified.stderr


# Every sealed table, by the chain entry that seals it; a row for the sealed run or batch 1.
CHILDREN = [
    ("recipients", "run_id"),
    ("funds", "run_id"),
    ("fund_totals", "run_id"),
    ("allocations", "run_id"),
    ("rounding_differences", "run_id"),
    ("financiers", "run_id"),
    ("projects", "run_id"),
    ("project_financing", "run_id"),
    ("project_periods", "run_id"),
    ("run_reads", "run_id"),
    ("carry_overs", "run_id"),
    ("batch_supersedes", "batch_id"),
    ("utfall", "batch_id"),
    ("prognos_rows", "batch_id"),
    ("utfall_sums", "batch_id"),
]


def test_every_sealed_table_is_covered():
    from jobbsats.ledger.guards import INSERT_GUARDED
    from jobbsats.ledger.tables import GUARDED

    assert (
        set(INSERT_GUARDED)
        == set(GUARDED)
        == {t for t, _ in CHILDREN}
        | {
            "runs",
            "import_batches",
            "prognos_batches",
            "chain",
        }
    )


@pytest.mark.parametrize(("table", "column"), CHILDREN)
def test_no_row_is_added_to_a_sealed_run_or_batch(sealed, digest, table, column):
    before = digest(sealed.db)
    conn = sqlite3.connect(sealed.db)
    # The guard fires before SQLite checks the row's other columns: a trigger, not NOT NULL, refuses it.
    with pytest.raises(sqlite3.IntegrityError, match=f"{table} is append-only; no row is added to a sealed run"):
        conn.execute(f"insert into {table} ({column}) values (1)")
    conn.close()
    assert digest(sealed.db) == before


@pytest.mark.parametrize(
    "statement",
    [
        # INSERT OR REPLACE removes the row it replaces, and SQLite fires no delete trigger for that.
        "insert or replace into runs select * from runs where id = 1",
        "insert or replace into import_batches select * from import_batches where id = 1",
        "insert or replace into prognos_batches select * from prognos_batches where id = 1",
        "insert or replace into utfall (rowid, batch_id, line, date, year, month, account, ansvar, verksamhet, "
        "project_code, recipient_id, amount, text) values (1, 99, 1, '2024-01-01', 2024, 1, '', '', '', '', "
        "'ASN', 0, 'in the place of batch 1''s first row')",
        "insert or replace into allocations select * from allocations where id = 1",
        "insert or replace into chain select * from chain where seq = 1",
        "insert into chain (kind, ref, rows_sha256, tables_json, chain_sha256) values ('batch', 2, '', '{}', '')",
    ],
)
def test_no_row_takes_the_place_of_another_nor_a_second_entry_the_place_of_a_seal(sealed, digest, statement):
    before = digest(sealed.db)
    conn = sqlite3.connect(sealed.db)
    with pytest.raises(sqlite3.IntegrityError, match="is append-only"):
        conn.execute(statement)
    conn.close()
    assert digest(sealed.db) == before


def test_new_runs_and_batches_still_write_their_rows(sealed, tmp_path):
    """The guards refuse rows of what is sealed: a new run or batch writes its own before its seal."""
    assert sealed("run", "malmo-2024", "--quiet").exit_code == 0
    later = tmp_path / "mars.csv"
    later.write_text(HEADER + "2024-03-31;5010;3110;7150;25 000,00;Lön mars\n", encoding="utf-8")
    assert sealed("import", "utfall", later, "-c", "malmo-2024").exit_code == 0
    assert asn_utfall(sealed) == 177_500_000
    assert sealed("verify").exit_code == 0


def test_a_dropped_insert_guard_is_named_refuses_writes_and_is_restored(sealed, digest):
    conn = sqlite3.connect(sealed.db)
    conn.execute("drop trigger allocations_no_insert")
    conn.commit()
    conn.close()
    result = sealed("verify")
    assert result.exit_code == 1
    assert (
        "the guard allocations_no_insert is missing (dropped outside jobbsats): rows of allocations can be added "
        "to sealed runs or batches" in result.stderr
    )
    before = digest(sealed.db)
    refused = sealed("run", "malmo-2024", "--quiet")
    assert refused.exit_code == 4 and "triggers allocations_no_insert are missing" in refused.stderr
    assert digest(sealed.db) == before
    restored = sealed("verify", "--restore-guards")
    assert restored.exit_code == 0, restored.output  # what it just restored is no error
    assert "Guards restored: allocations_no_insert." in restored.stderr
    conn = sqlite3.connect(sealed.db)
    with pytest.raises(sqlite3.IntegrityError, match="allocations is append-only"):
        conn.execute("insert into allocations (run_id) values (1)")
    conn.close()


def test_restore_guards_still_reports_what_was_done_meanwhile(sealed):
    conn = sqlite3.connect(sealed.db)
    conn.execute("drop trigger utfall_no_update")
    conn.execute("update utfall set amount = amount + 1 where batch_id = 2")
    conn.commit()
    conn.close()
    result = sealed("verify", "--restore-guards")
    assert "Guards restored: utfall_no_update." in result.stderr
    assert result.exit_code == 1 and "first: import batch 2: its rows in utfall were changed" in result.stderr
    assert "the guard" not in result.stderr


def test_a_ledger_from_before_0011_gets_the_guards_on_opening(cli, release_before):
    from jobbsats.ledger import guards

    with release_before("0011_sealed_inserts"):
        assert cli("run", "malmo-2024", "--quiet").exit_code == 0
    conn = sqlite3.connect(cli.db)
    assert conn.execute("select count(*) from sqlite_master where name like '%_no_insert'").fetchone() == (0,)
    conn.close()
    result = cli("verify")  # opening it applies 0011
    assert result.exit_code == 0, result.output
    conn = sqlite3.connect(cli.db)
    names = {n for (n,) in conn.execute("select name from sqlite_master where type = 'trigger'")}
    assert {f"{t}_no_insert" for t in guards.INSERT_GUARDED} <= names
    with pytest.raises(sqlite3.IntegrityError, match="recipients is append-only"):
        conn.execute("insert into recipients (run_id) values (1)")
    conn.close()


def test_a_batch_added_behind_jobbsatss_back_is_not_reported_from(sealed):
    """Adding a whole batch needs no trigger dropped (it is sealed by nobody): reports refuse it all the same."""
    conn = sqlite3.connect(sealed.db)
    columns = [c for (_, c, *_) in conn.execute("pragma table_info(import_batches)") if c != "id"]
    listed = ", ".join(columns)
    conn.execute(f"insert into import_batches ({listed}) select {listed} from import_batches where id = 2")
    conn.execute("insert into utfall select 3, line + 1, date, year, month, account, ansvar, verksamhet, project_code, "
                 "recipient_id, fund_id, project_id, amount, text, purpose from utfall where batch_id = 2")  # fmt: skip
    conn.commit()
    conn.close()
    result = sealed("report", "aterrapportering")
    assert result.exit_code == 4 and result.stdout == ""
    assert f"{sealed.db}: import batch 3: it is not in the ledger's chain: it was added outside jobbsats" in (
        result.stderr
    )
    assert "import batch 3: it is in the ledger but not in the chain" in sealed("verify").stderr


def sealed_sums(lines: list[str]) -> str:
    """chain.py's canonical form of a batch's sums, written out by hand: the lines sorted, each ended by a newline."""
    return hashlib.sha256("".join(f"{line}\n" for line in sorted(lines)).encode()).hexdigest()


def test_each_batch_seals_the_sums_reports_read_as_documented(sealed):
    """January: ASN's two rows on the fund (1 000 000 + 250 000 kr) and the grant paid to Tillväxt Malmö och Level
    on its purpose (400 000 kr), all on 2024-01-31; February: ASN's 500 000 kr on 2024-02-29."""
    january = [
        '["2024-01-31",2024,1,"ASN","sjs",null,null,125000000,2]',
        '["2024-01-31",2024,1,"tillvaxt_level","sjs",null,"Tillväxt Malmö & Level",40000000,1]',
    ]
    february = ['["2024-02-29",2024,2,"ASN","sjs",null,null,50000000,1]']
    conn = sqlite3.connect(sealed.db)
    recorded = dict(conn.execute("select ref, tables_json from chain where kind = 'batch'").fetchall())
    conn.close()
    assert json.loads(recorded[1])["utfall_sums"] == sealed_sums(january)
    assert json.loads(recorded[2])["utfall_sums"] == sealed_sums(february)


# Each column of a batch's sums that a report reads: a change to any is refused (the sums are sealed).
SUMS_CHANGES = [
    "amount = amount + 1",
    "rows = rows + 1",
    "month = 2",
    "year = 2025",
    "date = '2024-01-30'",  # another day of the same month: the prognos report's cut day reads days
    "recipient_id = 'GVN'",
    "fund_id = null",
    "project_id = 'P1'",
    "purpose = 'Ung i sommar'",
]


@pytest.mark.parametrize("change", SUMS_CHANGES)
def test_reports_refuse_a_batch_whose_written_sums_were_changed(tampered, sealed, change):
    """Reports read a batch's booked rows as the sums its import wrote beside them: checked against the chain."""
    tampered(sealed.db, f"update utfall_sums set {change} where batch_id = 1 and amount = 125000000")
    for report in ("aterrapportering", "prognos"):
        result = sealed("report", report)
        assert result.exit_code == 4 and result.stdout == "", (report, result.output)
        assert "import batch 1: its rows in utfall_sums no longer match the ledger's chain" in result.stderr
    verified = sealed("verify")
    assert verified.exit_code == 1
    assert "first: import batch 1: its rows in utfall_sums were changed outside jobbsats" in verified.stderr


@pytest.mark.parametrize(
    "statement",
    [
        "update utfall set amount = amount + 1 where batch_id = 1 and amount = 25000000",
        "delete from utfall where batch_id = 2",
        "delete from utfall where batch_id = 1 and amount = 25000000",
        "insert into utfall select * from utfall where batch_id = 1 and amount = 25000000",
    ],
)
def test_reports_refuse_a_batch_whose_rows_no_longer_add_up_to_its_sums(tampered, sealed, statement):
    """A row added or removed, or its amount changed: what the batch's rows add up to, counted without a sort
    along them, no longer matches its sealed sums, and the report names the batch as it names a changed run."""
    tampered(sealed.db, statement)
    batch = 2 if "batch_id = 2" in statement else 1
    for report in ("aterrapportering", "prognos"):
        result = sealed("report", report)
        assert result.exit_code == 4 and result.stdout == "", (report, result.output)
        assert f"import batch {batch}: its rows in utfall no longer match the ledger's chain" in result.stderr


@pytest.mark.parametrize(
    "change",
    [
        "month = 2",  # moved to another month (the day left as it was)
        "year = 2025",
        "date = '2024-01-30'",
        "recipient_id = 'GVN'",
        "fund_id = null",
        "project_id = 'P1'",
        "purpose = 'Ung i sommar'",
    ],
)
def test_a_row_moved_within_its_batch_leaves_reports_as_sealed_and_verify_names_it(tampered, sealed, change):
    """A report's figures are the sums sealed with the batch: a booked row moved to another month, board or
    fund afterwards changes none of them (ASN's 250 000 kr still counts on the fund in January), and
    ``jobbsats verify``, which rehashes every row and sums them again, names the batch."""
    tampered(sealed.db, f"update utfall set {change} where batch_id = 1 and amount = 25000000")
    assert asn_utfall(sealed) == 175_000_000  # 1 000 000 + 250 000 + 500 000 kr, as imported
    verified = sealed("verify")
    assert verified.exit_code == 1
    assert "first: import batch 1: its rows in utfall were changed outside jobbsats" in verified.stderr


def test_a_change_no_report_reads_is_found_by_verify_not_by_reports(sealed):
    """Reports check a batch's sums, not every column of every row (docs/ledger.md): the row's text changed
    leaves every figure as it was, and verify, which rehashes every row, names the batch."""
    conn = sqlite3.connect(sealed.db)
    conn.execute("drop trigger utfall_no_update")
    conn.execute("update utfall set text = 'changed', account = '5011', ansvar = '3111' where batch_id = 1")
    conn.commit()
    conn.close()
    assert asn_utfall(sealed) == 175_000_000  # 1 250 000 + 500 000 kr, as before
    result = sealed("verify")
    assert result.exit_code == 1
    assert "first: import batch 1: its rows in utfall were changed outside jobbsats" in result.stderr


def test_a_batch_sealed_before_its_sums_were_is_checked_row_by_row(cli, tmp_path, monkeypatch):
    from jobbsats.ledger import chain
    from jobbsats.utfall import importer

    # As a release before issue 18 sealed it: the rows' hash, no sums.
    monkeypatch.setattr(importer, "seal_batch", lambda db, batch, rows, sums: chain.seal_batch(db, batch, rows))
    cli.prepare(("run", "malmo-2024", "--quiet"))
    (tmp_path / "januari.csv").write_text(JANUARY, encoding="utf-8")
    assert cli("import", "utfall", tmp_path / "januari.csv", "-c", "malmo-2024").exit_code == 0
    conn = sqlite3.connect(cli.db)
    assert "utfall_sums" not in json.loads(
        conn.execute("select tables_json from chain where kind = 'batch'").fetchone()[0]
    )
    assert asn_utfall(cli) == 125_000_000
    conn.execute("drop trigger utfall_no_update")
    conn.execute("update utfall set text = 'changed' where batch_id = 1")
    conn.commit()
    conn.close()
    result = cli("report", "aterrapportering")
    assert result.exit_code == 4
    assert "import batch 1: its rows in utfall no longer match the ledger's chain" in result.stderr


def test_a_ledger_from_before_0014_gets_its_batches_sums_from_their_rows(cli, tmp_path, release_before):
    """A release that sealed sums but wrote no table of them: opening its ledger writes each batch's sums from
    its rows (those the chain sealed), so reports read them as they read a new batch's."""
    with release_before("0014_utfall_sums"):
        assert cli("run", "malmo-2024", "--quiet").exit_code == 0
        (tmp_path / "januari.csv").write_text(JANUARY, encoding="utf-8")
        assert cli("import", "utfall", tmp_path / "januari.csv", "-c", "malmo-2024").exit_code == 0
    conn = sqlite3.connect(cli.db)
    assert conn.execute("select count(*) from sqlite_master where name = 'utfall_sums'").fetchone() == (0,)
    conn.close()
    assert asn_utfall(cli) == 125_000_000  # opening it applies 0014
    conn = sqlite3.connect(cli.db)
    assert sorted(conn.execute("select * from utfall_sums").fetchall(), key=str) == [
        (1, "2024-01-31", 2024, 1, "ASN", "sjs", None, None, 125_000_000, 2),
        (1, "2024-01-31", 2024, 1, "tillvaxt_level", "sjs", None, "Tillväxt Malmö & Level", 40_000_000, 1),
    ]
    with pytest.raises(sqlite3.IntegrityError, match="utfall_sums is append-only"):
        conn.execute("update utfall_sums set amount = 0")
    conn.close()
    assert cli("verify").exit_code == 0


def test_two_views_of_one_ledger_check_each_batch_once(sealed, monkeypatch):
    """A report that reads an original budget beside the current one (``of_run``) checks a batch's sums and
    rows once for both; both read the same sums: ASN's 1 250 000 kr in January, 500 000 kr in February."""
    from jobbsats.ledger import open_ledger, view

    calls = []
    real = view.checked_sums
    monkeypatch.setattr(view, "checked_sums", lambda db, batch: calls.append(batch) or real(db, batch))
    current = view.LedgerView(open_ledger(sealed.db, must_exist=True))
    original = current.of_run(1)
    for each in (current, original):
        utfall = each.monthly_utfall(2024)
        assert (utfall[(1, "ASN", "sjs", None, "")], utfall[(2, "ASN", "sjs", None, "")]) == (125_000_000, 50_000_000)
    assert calls == [1, 2]
