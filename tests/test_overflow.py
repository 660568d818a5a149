"""Sums cannot overflow (issue 15, point 5): limits per row, batch, run and ledger (docs/ledger.md).

SQLite's sum() fails with "integer overflow" past 9 223 372 036 854 775 807. A row holds at most
10^15 öre (10 000 000 000 000 kr), a batch 10^17 and the ledger's booked and forecast rows 10^18,
counted without sign; a run records at most 10^18. An import or a run past them is refused, naming
the file (and the line), and the ledger stays byte-identical. Sums are read in halves besides, so a
ledger written before the limits never fails a report either.
"""

from __future__ import annotations

import sqlite3

import pytest

from jobbsats.ledger import limits

HEADER = "Bokföringsdatum;Konto;Ansvar;Verksamhet;Belopp;Text\n"
ROW_KR = "10 000 000 000 000,00"  # the most one row holds: 10^15 öre


def csv(tmp_path, name: str, amounts: list[str], day: str = "2024-01-31"):
    """ASN's fund money (ansvar 3110, verksamhet 7150 in the bundled example's mapping), one row per amount."""
    path = tmp_path / name
    path.write_text(HEADER + "".join(f"{day};5010;3110;7150;{a};rad {i}\n" for i, a in enumerate(amounts)), "utf-8")
    return path


@pytest.fixture
def ledger(cli):
    cli.prepare(("run", "malmo-2024", "--quiet"))
    return cli


def imported(cli, path, *args):
    return cli("import", "utfall", path, "-c", "malmo-2024", *args)


def test_the_limits_keep_every_sum_a_report_makes_inside_sqlites_integers():
    most = 2**63 - 1
    assert limits.ROW_MOST <= limits.BATCH_MOST <= limits.LEDGER_MOST
    # a report reads one or two runs besides the ledger's rows
    assert limits.LEDGER_MOST + 2 * limits.RUN_MOST < most
    # the halves a sum is read in cannot overflow over fewer than 2^31 rows, whatever the rows hold
    assert (2**31) * (most // 2**32 + 1) <= most + 1


def test_a_row_past_the_limit_is_refused_with_its_line(ledger, tmp_path, digest):
    before = digest(ledger.db)
    for amount in ("10 000 000 000 000,01", "-10 000 000 000 000,01"):  # either way
        result = imported(ledger, csv(tmp_path, "stor.csv", ["1,00", amount]))
        assert result.exit_code == 1
        assert (
            f"{tmp_path / 'stor.csv'}: line 3: the amount {amount} kr is more than one row may "
            "hold (10 000 000 000 000 kr either way)" in result.stderr
        )
        assert digest(ledger.db) == before
    exactly = imported(ledger, csv(tmp_path, "jamnt.csv", [ROW_KR, "-" + ROW_KR]))
    assert exactly.exit_code == 0, exactly.output  # at the limit is within it


def test_with_rejects_a_row_past_the_limit_is_set_aside(ledger, tmp_path):
    rejects = tmp_path / "avvisade.csv"
    result = imported(ledger, csv(tmp_path, "stor.csv", ["1,00", "99 999 999 999 999,00"]), "--rejects", rejects)
    assert result.exit_code == 0, result.output
    assert "1 row left out as bad" in result.stderr
    assert "is more than one row may hold" in rejects.read_text(encoding="utf-8-sig")


def test_a_batch_past_the_limit_is_refused_naming_the_line_that_takes_it_there(ledger, tmp_path, digest):
    before = digest(ledger.db)
    # 100 rows at the row limit are the batch limit exactly; one öre more (on line 102, after the header) is past it
    path = csv(tmp_path, "hela.csv", [ROW_KR, "-" + ROW_KR] * 50 + ["-0,01"])
    result = imported(ledger, path)
    assert result.exit_code == 1
    assert (
        f"{path}: line 102: the amounts up to this line add up to more than one batch may hold "
        "(1 000 000 000 000 000 kr, counted without sign" in result.stderr
    )
    assert digest(ledger.db) == before
    assert imported(ledger, csv(tmp_path, "full.csv", [ROW_KR] * 100)).exit_code == 0


def test_a_ledger_past_its_limit_refuses_the_import_that_would_take_it_there(ledger, tmp_path, digest):
    # Ten full batches (10^17 öre each, counted without sign) are the ledger's limit.
    for month in range(1, 11):
        amounts = [ROW_KR, "-" + ROW_KR] * 50
        result = imported(ledger, csv(tmp_path, f"m{month}.csv", amounts, day=f"2024-{month:02d}-15"))
        assert result.exit_code == 0, result.output
    before = digest(ledger.db)
    path = csv(tmp_path, "november.csv", ["0,00", "-0,01"], day="2024-11-15")
    result = imported(ledger, path)
    assert result.exit_code == 1
    assert (
        f"{path}: line 3: with this line the booked and forecast amounts of the ledger {ledger.db} would add up "
        "to more than it may hold (10 000 000 000 000 000 kr, counted without sign, so that no sum of them "
        "overflows; it holds 10 000 000 000 000 000 kr)" in result.stderr
    )
    assert digest(ledger.db) == before
    forecast = tmp_path / "prognos.csv"
    forecast.write_text("recipient;fund;purpose;amount\nASN;sjs;;1\n", encoding="utf-8")
    result = ledger("import", "prognos", forecast)
    assert result.exit_code == 1
    assert f"{forecast}: its amounts (1 kr) would take the booked and forecast amounts of the ledger" in result.stderr
    assert digest(ledger.db) == before
    assert ledger("report", "aterrapportering").exit_code == 0  # what it holds reports as ever


def test_a_forecast_line_past_the_limit_is_refused_with_its_line(ledger, tmp_path, digest):
    before = digest(ledger.db)
    forecast = tmp_path / "prognos.csv"
    forecast.write_text("recipient;fund;purpose;amount\nASN;sjs;;20 000 000 000 000\n", encoding="utf-8")
    result = ledger("import", "prognos", forecast)
    assert result.exit_code == 1
    assert (
        f"{forecast}: line 2: amount 20 000 000 000 000 kr is more than one line may hold (10 000 000 000 000 kr)"
        in result.stderr
    )
    assert digest(ledger.db) == before


def test_a_run_past_its_limit_is_refused_before_the_ledger_is_touched(cli, scenario_file, tmp_path):
    # 2 * 10^16 kr is within what one amount may be (2^62 öre), twice what a run may record
    big = scenario_file(("total = { 2024 = 40_000_000 }", "total = { 2024 = 20_000_000_000_000_000 }"))
    result = cli("run", big, "--quiet")
    assert result.exit_code == 1
    assert (
        f"{big}: funds.sjs.total.2024: 20 000 000 000 000 000 kr is the largest of the run's amounts, which come to"
        in result.stderr
    )
    assert "more than one run may record (1 000 000 000 000 000 000)" in result.stderr
    assert not cli.db.exists()


def written_before_the_limits(monkeypatch):
    """jobbsats as before these limits: a row as large as 2^62 öre, and no limit on a batch or the ledger."""
    from jobbsats.utfall import importer

    monkeypatch.setattr(importer, "ROW_MOST", 2**62)
    monkeypatch.setattr(importer, "BATCH_MOST", 2**64)
    monkeypatch.setattr(importer, "LEDGER_MOST", 2**65)


def test_a_ledger_written_before_the_limits_still_reports_exact_sums(ledger, tmp_path, monkeypatch):
    """Two rows of 2^62 öre: their sum, 2^63, is one more than SQLite's sum() can hold."""
    with monkeypatch.context() as old:
        written_before_the_limits(old)
        text = f"{2**62 // 100:,}".replace(",", " ") + f",{2**62 % 100:02d}"  # 46 116 860 184 273 879,04
        for name, day in (("a.csv", "2024-01-31"), ("b.csv", "2024-02-29")):
            result = imported(ledger, csv(tmp_path, name, [text], day))
            assert result.exit_code == 0, result.output
    conn = sqlite3.connect(ledger.db)
    with pytest.raises(sqlite3.OperationalError, match="integer overflow"):  # what a plain sum() does
        conn.execute("select sum(amount) from utfall").fetchone()
    conn.close()
    rows = ledger.json_report("aterrapportering")["rows"]
    asn = next(r for r in rows if r["recipient_id"] == "ASN" and r["purpose"] == "")
    assert asn["utfall_ore"] == 2**63
    from jobbsats.ledger import open_ledger
    from jobbsats.ledger.reader import LedgerReader

    reader = LedgerReader("Strategiska jobbsatsningar 2024", lambda: open_ledger(ledger.db, must_exist=True))
    assert reader.utfall(2024, recipient="ASN") == 2**63  # what a rule reads of it too
    reader.close()
    refused = imported(ledger, csv(tmp_path, "c.csv", ["1,00"], day="2024-03-01"))
    assert refused.exit_code == 1 and "it holds 92 233 720 368 547 758,08 kr" in refused.stderr


def test_a_ledger_that_cannot_be_read_in_a_report_is_the_ledgers_problem_not_a_plugins(ledger, tmp_path):
    assert imported(ledger, csv(tmp_path, "a.csv", ["1,00"])).exit_code == 0
    conn = sqlite3.connect(ledger.db)
    conn.execute("drop table utfall_sums")  # what a report reads of the booked rows
    conn.commit()
    conn.close()
    result = ledger("report", "aterrapportering")
    assert result.exit_code == 4 and result.stdout == "", result.output
    assert (
        f"{ledger.db}: the ledger cannot be read (no such table: utfall_sums); run `jobbsats verify`" in result.stderr
    )
    assert "plugin" not in result.stderr and "Traceback" not in result.output
