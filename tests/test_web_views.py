"""The ledger's ``web_`` views (migration 0012_web_views), read with plain sqlite3 as a publisher would.

Hand-worked figures of the bundled 2024 decision (seed 000): 40 000 000 kr; fixed lines ASN 9 000 000
(Ung i sommar), KS 500 000 (Ung i sommar) and KS 4 900 000, which KS grants on in full to Tillväxt Malmö
och Level; the rest, 25 600 000, by the key ASN 51 % = 13 056 000, GVN 27 % = 6 912 000, FSN 16 % =
4 096 000, KS 6 % = 1 536 000. So ASN has 9 000 000 + 13 056 000 = 22 056 000 kr. The sample utfall books
ASN 1 250 000 + 4 100 000 + 2 730 500,50 - 150 000 = 7 930 500,50 kr on the fund's own purpose.
"""

from __future__ import annotations

import sqlite3

import pytest

from jobbsats import examples

KR = 100  # öre per krona
KEY = "key = { ASN = 51, GVN = 27, FSN = 16, KS = 6 }"
REVISED_KEY = "key = { ASN = 41, GVN = 37, FSN = 16, KS = 6 }"


@pytest.fixture
def run_2024(cli):
    """The bundled 2024 decision, run, with its sample utfall imported."""
    cli.prepare(
        ("run", "malmo-2024", "--quiet"),
        ("import", "utfall", examples.utfall_of("malmo-2024"), "-c", examples.path_of("malmo-2024")),
    )
    return cli


def query(db, sql: str, params=()) -> list[tuple]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def budget_utfall(db) -> dict[tuple, tuple[int, int, int]]:
    rows = query(
        db,
        "select year, recipient_id, fund_id, purpose, budget_ore, utfall_ore, remaining_ore from web_budget_utfall",
    )
    return {tuple(r[:4]): tuple(r[4:]) for r in rows}


def report_rows(cli) -> dict[tuple, tuple[int, int, int]]:
    """The first table of `jobbsats report aterrapportering -f json`: a row per year, recipient, fund, purpose."""
    report = cli.json_report("aterrapportering")
    return {
        (r["year"], r["recipient_id"], r["fund_id"], r["purpose"]): (
            r["budget_ore"],
            r["utfall_ore"],
            r["remaining_ore"],
        )
        for r in report["rows"]
        if r["table"] == "aterrapportering"
    }


def test_budget_utfall_has_the_hand_worked_figures_and_the_reports(run_2024):
    rows = budget_utfall(run_2024.db)
    assert rows[(2024, "ASN", "sjs", "Ung i sommar")] == (9_000_000 * KR, 0, 9_000_000 * KR)
    asn_own = 13_056_000 * KR
    assert rows[(2024, "ASN", "sjs", "")] == (asn_own, 7_930_500_50, asn_own - 7_930_500_50)
    asn = [v for k, v in rows.items() if k[1] == "ASN"]
    assert sum(b for b, _u, _r in asn) == 22_056_000 * KR
    # KS's 4 900 000 is passed on: it counts with Tillväxt Malmö och Level, and KS has no line for it left.
    assert rows[(2024, "tillvaxt_level", "sjs", "Tillväxt Malmö & Level")] == (4_900_000 * KR, 4_900_000 * KR, 0)
    assert not [k for k in rows if k[1] == "KS" and k[3] == "Tillväxt Malmö & Level"]
    assert sum(b for b, _u, _r in rows.values()) == 40_000_000 * KR
    assert rows == report_rows(run_2024)
    [(name, fund)] = query(
        run_2024.db, "select distinct recipient, fund from web_budget_utfall where recipient_id = 'ASN'"
    )
    assert (name, fund) == ("arbetsmarknads- och socialnämnden", "Strategiska jobbsatsningar")


def test_allocations_name_recipients_and_funds_in_ore_with_the_decision_point(run_2024):
    rows = query(
        run_2024.db,
        """select recipient_id, recipient, via_id, fund, purpose, amount_ore, unit, point, current
           from web_allocations where run_id = 1 order by seq""",
    )
    assert ("ASN", "arbetsmarknads- och socialnämnden", None, "Strategiska jobbsatsningar", "Ung i sommar",
            9_000_000 * KR, "kr", 2, 1) in rows  # fmt: skip
    assert ("tillvaxt_level", "Tillväxt Malmö och Level", "KS") == rows[3][:3]
    assert sum(r[5] for r in rows if r[2] is None) == 40_000_000 * KR  # money passed on counts once
    [(asn,)] = query(run_2024.db, "select sum(amount_ore) from web_allocations where recipient_id = 'ASN' and current")
    assert asn == 22_056_000 * KR
    [(kind,)] = query(run_2024.db, "select distinct typeof(amount_ore) from web_allocations")
    assert kind == "integer"


def test_utfall_current_sums_per_month_without_the_booked_text(run_2024):
    rows = query(
        run_2024.db,
        "select month, sum(amount_ore) from web_utfall_current where recipient_id = 'ASN' group by month",
    )
    assert rows == [(1, 1_250_000 * KR), (3, 4_100_000 * KR), (6, 2_730_500_50), (12, -150_000 * KR)]
    columns = [c[1] for c in query(run_2024.db, "pragma table_info(web_utfall_current)")]
    assert "text" not in columns and "amount_ore" in columns
    # GVN's 180 000 of other money (verksamhet 2100) is there, on no fund; it is no line of the budget.
    assert query(run_2024.db, "select amount_ore from web_utfall_current where fund_id is null") == [(180_000 * KR,)]
    assert budget_utfall(run_2024.db)[(2024, "GVN", "sjs", "")][1] == 3_200_000 * KR


def test_a_revised_run_shows_only_the_current_figures(run_2024, scenario_file):
    revised = scenario_file((KEY, REVISED_KEY))
    result = run_2024("run", revised, "--quiet")
    assert result.exit_code == 0, result.output
    rows = budget_utfall(run_2024.db)
    # 25 600 000 by the new key: ASN 41 % = 10 496 000, GVN 37 % = 9 472 000.
    assert rows[(2024, "ASN", "sjs", "")] == (10_496_000 * KR, 7_930_500_50, 10_496_000 * KR - 7_930_500_50)
    assert rows[(2024, "GVN", "sjs", "")][0] == 9_472_000 * KR
    assert sum(b for b, _u, _r in rows.values()) == 40_000_000 * KR
    assert query(run_2024.db, "select distinct run_id from web_budget_utfall") == [(2,)]
    [(original,)] = query(
        run_2024.db,
        "select budget_original_ore from web_budget_utfall where recipient_id = 'ASN' and purpose = ''",
    )
    assert original == 13_056_000 * KR
    assert rows == report_rows(run_2024)
    current = query(run_2024.db, "select run_id, current, count(*) from web_allocations group by run_id, current")
    assert current == [(1, 0, 8), (2, 1, 8)]
    [(asn,)] = query(run_2024.db, "select sum(amount_ore) from web_allocations where recipient_id = 'ASN' and current")
    assert asn == (9_000_000 + 10_496_000) * KR


def test_a_superseded_batch_is_not_counted(run_2024, tmp_path):
    # The same export without its correction of -150 000 kr in December, importing as a replacement.
    original = examples.utfall_of("malmo-2024")
    lines = original.read_bytes().split(b"\r\n" if b"\r\n" in original.read_bytes() else b"\n")
    corrected = tmp_path / original.name
    corrected.write_bytes(b"\n".join(line for line in lines if not line.startswith(b"2024-12-31")))
    result = run_2024("import", "utfall", corrected, "-c", examples.path_of("malmo-2024"), "--replace")
    assert result.exit_code == 0, result.output
    assert "It supersedes batch 1." in result.stderr
    asn = 7_930_500_50 + 150_000 * KR
    rows = budget_utfall(run_2024.db)
    assert rows[(2024, "ASN", "sjs", "")][1:] == (asn, 13_056_000 * KR - asn)
    assert query(run_2024.db, "select count(*) from web_utfall_current where month = 12") == [(0,)]
    [(total,)] = query(run_2024.db, "select sum(amount_ore) from web_utfall_current")
    assert total == 19_346_500_50 + 180_000 * KR + 150_000 * KR  # fund money, other money, less no correction
    assert rows == report_rows(run_2024)


def test_views_leave_verify_and_the_schema_checks_alone(run_2024):
    from sqlite_utils import Database

    from jobbsats.ledger.guards import changed_tables, made_schema, missing_guards, missing_tables

    views = query(run_2024.db, "select name from sqlite_master where type = 'view' order by name")
    assert views == [
        ("booked_rows",),
        ("web_allocations",),
        ("web_budget",),
        ("web_budget_utfall",),
        ("web_prognos",),
        ("web_projects",),
        ("web_runs",),
        ("web_utfall_current",),
    ]
    assert not any(name.startswith("web_") or name == "booked_rows" for name in made_schema())
    db = Database(sqlite3.connect(run_2024.db))
    try:
        assert (changed_tables(db), missing_tables(db), missing_guards(db)) == ([], [], [])
    finally:
        db.conn.close()
    result = run_2024("verify")
    assert result.exit_code == 0, result.output
    assert "OK, 1 run and 1 import batch verified" in result.stdout
