"""Issue 12, point 4: a rule reads the same scenario's earlier runs and current utfall, and the run records it.

The test rule ``rest`` gives each listed recipient in year N what it left unspent of the
fund in year N-1: its budget there less what it booked. Worked out by hand:
2024 splits 10 000 000 kr 60/40, so A has 6 000 000 kr and B 4 000 000 kr. A books
5 000 000 + 250 000,50 kr and B 3 500 000 kr, all in 2024 (and a row of 2025 that must
not count). Left for 2025: A 749 999,50 kr, B 500 000 kr.
"""

from __future__ import annotations

import sqlite3

import pytest

import jobbsats
from jobbsats.errors import LedgerError
from jobbsats.ledger.write import record_run

KR = 100

SCENARIO = """
[scenario]
name = "Rest"
[recipients.A]
name = "a-nämnden"
kind = "nämnd"
[recipients.B]
name = "b-nämnden"
kind = "nämnd"
[funds.f]
name = "Fonden"
total = { 2024 = 10_000_000, 2025 = 10_000_000 }

[[rules]]
rule = "percentage_key"
years = 2024
key = { A = 60, B = 40 }

[[rules]]
rule = "rest"
years = 2025
to = ["A", "B"]

[utfall]
columns = { date = "Datum", account = "Konto", ansvar = "Ansvar", amount = "Belopp" }
accounts = ["5*"]
[utfall.ansvar]
"100" = "A"
"200" = "B"
[[utfall.map]]
match = { account = "5*" }
fund = "f"
"""

BOOKED = """Datum;Konto;Ansvar;Belopp
2024-03-31;5010;100;5 000 000,00
2024-11-30;5010;100;250 000,50
2024-06-30;5010;200;3 500 000,00
2025-01-31;5010;100;1 000 000,00
"""


class Rest:
    """What each listed recipient left unspent of the fund last year; a problem when the ledger cannot say."""

    name = "rest"
    description = "Last year's unspent money, per recipient."
    schema = {"to": {"type": "list", "required": True, "schema": jobbsats.TEXT}}

    def check(self, spec, scenario):
        return []

    def allocate(self, context: jobbsats.FundContext) -> jobbsats.RuleResult:
        last = context.year - 1
        result = jobbsats.RuleResult()
        for i, rid in enumerate(context.spec.config["to"]):
            budget = context.ledger.budget(last, fund=context.fund.id, recipient=rid)
            booked = context.ledger.utfall(last, fund=context.fund.id, recipient=rid)
            if budget is None or booked is None:
                missing = "no run" if budget is None else "no utfall"
                result.problems.append(jobbsats.Problem(context.spec.path, f"{missing} for {last}"))
                continue
            result.allocations.append(jobbsats.Allocation(rid, max(budget - booked, 0), f"{context.spec.path}.to[{i}]"))
        return result


class RestPlugin:
    @jobbsats.hookimpl
    def register_rules(self, register):
        register(Rest())


@pytest.fixture
def ledger(jobbsats_ledger, tmp_path):
    jobbsats_ledger.use(RestPlugin(), "rest")
    return jobbsats_ledger


def booked_file(ledger) -> str:
    path = ledger.folder / "utfall.csv"
    path.write_text(BOOKED, encoding="utf-8")
    return str(path)


def test_without_a_ledger_the_rule_is_told_there_is_nothing_and_says_so(ledger):
    with pytest.raises(jobbsats.InputError, match="rules\\[1\\]: no run for 2024"):
        ledger.allocate(SCENARIO, year=2025)  # 2025 alone: 2024 must come from the ledger
    assert not ledger.db.exists(), "reading must not create a ledger"


def test_a_year_without_utfall_is_not_read_as_zero(ledger):
    ledger.run(SCENARIO, "--year", "2024")
    with pytest.raises(jobbsats.InputError, match="no utfall for 2024"):
        ledger.allocate(SCENARIO, year=2025)


def test_last_years_rest_from_the_earlier_run_and_the_current_utfall(ledger):
    first = ledger.run(SCENARIO, "--year", "2024")
    assert "Run 1" in first.stderr
    scenario = ledger.scenario(SCENARIO)
    ledger.import_utfall(booked_file(ledger), "--config", str(scenario))
    got = ledger.allocate(scenario, year=2025)
    assert got[(2025, "A")] == 6_000_000 * KR - (5_000_000 * KR + 250_000 * KR + 50)
    assert got[(2025, "B")] == 4_000_000 * KR - 3_500_000 * KR
    assert got[(2025, "A")] == 749_999_50 and got[(2025, "B")] == 500_000_00

    ledger.run(scenario, "--year", "2025")  # next year's run: 2024 is run 1's
    shown = ledger.invoke("show", "2")
    assert shown.exit_code == 0, shown.output
    assert "Reglerna läste ur huvudboken: körning 1 och importbatch 1." in shown.stdout
    assert "Reglerna läste" not in ledger.invoke("show", "1").stdout  # run 1 read nothing
    verified = ledger.invoke("verify")
    assert verified.exit_code == 0, verified.output


def test_a_revision_of_last_year_is_what_is_read(ledger):
    ledger.run(SCENARIO, "--year", "2024")
    revised = SCENARIO.replace("key = { A = 60, B = 40 }", "key = { A = 70, B = 30 }")
    ledger.run(revised, "--year", "2024")  # run 2: the revised 2024 budget, A 7 000 000 kr
    scenario = ledger.scenario(revised)
    ledger.import_utfall(booked_file(ledger), "--config", str(scenario))
    plan = ledger.plan(scenario, year=2025)
    assert plan.ledger.reads == {("run", 2), ("batch", 1)}
    got = {(p.year, p.allocation.to): p.allocation.amount for p in plan.allocations if p.year == 2025}
    # A: 7 000 000 - 5 250 000,50 kr; B overspent (3 000 000 against 3 500 000): nothing, so no row at all.
    assert got == {(2025, "A"): 1_749_999_50}


def test_a_run_whose_reads_went_stale_is_not_written(ledger):
    ledger.run(SCENARIO, "--year", "2024")
    scenario = ledger.scenario(SCENARIO)
    ledger.import_utfall(booked_file(ledger), "--config", str(scenario))
    plan = ledger.plan(scenario, year=2025)  # read run 1 for 2024
    ledger.run(SCENARIO, "--year", "2024")  # meanwhile run 2 becomes 2024's current budget
    with pytest.raises(LedgerError, match="the current run for 2024 is now 2, not 1"):
        record_run(ledger.db, plan, {})
    assert [r.exit_code for r in [ledger.invoke("show", "3")]] == [1], "no run 3 was written"


def test_another_scenarios_runs_are_not_read(ledger):
    ledger.run(SCENARIO.replace('name = "Rest"', 'name = "Annat"'), "--year", "2024")
    with pytest.raises(jobbsats.InputError, match="no run for 2024"):
        ledger.allocate(SCENARIO, year=2025)


def test_what_a_run_read_is_sealed_with_it(ledger):
    ledger.run(SCENARIO, "--year", "2024")
    scenario = ledger.scenario(SCENARIO)
    ledger.import_utfall(booked_file(ledger), "--config", str(scenario))
    ledger.run(scenario, "--year", "2025")  # run 2 reads run 1 and batch 1
    conn = sqlite3.connect(ledger.db)
    with conn:
        conn.execute("drop trigger run_reads_no_delete")
        conn.execute("drop trigger run_reads_no_insert")
        conn.execute("delete from run_reads where run_id = 2 and kind = 'batch'")
        conn.execute("insert into run_reads values (1, 'run', 7)")  # run 1 read nothing: now it seems to
    conn.close()
    result = ledger.invoke("verify")
    assert result.exit_code == 1
    assert "run 1: its rows in run_reads were changed" in result.stderr
    assert "run 2: its rows in run_reads were changed" in result.stderr
    assert ledger.invoke("show", "2").exit_code == 4  # nothing is made from a run changed behind our back


def test_a_run_that_decides_last_year_too_reads_its_own(ledger):
    """A run of both years reads 2024 from itself, not from an older run: the 2024 total raised to
    20 000 000 kr gives A 12 000 000 (60 %), of which 5 250 000,50 booked: 6 749 999,50 left. Run twice,
    the same (a reviewer found the older run read instead, and a second run giving other amounts)."""
    ledger.run(SCENARIO, "--year", "2024")  # run 1: A 6 000 000 kr in 2024
    scenario = ledger.scenario(SCENARIO)
    ledger.import_utfall(booked_file(ledger), "--config", str(scenario))
    raised = ledger.scenario(
        SCENARIO.replace("2024 = 10_000_000, 2025 = 10_000_000", "2024 = 20_000_000, 2025 = 20_000_000")
    )
    for _ in range(2):
        plan = ledger.plan(raised)
        got = {(p.year, p.allocation.to): p.allocation.amount for p in plan.allocations if p.year == 2025}
        assert got == {(2025, "A"): 12_000_000_00 - 5_250_000_50, (2025, "B"): 8_000_000_00 - 3_500_000_00}
        assert ("run", 1) not in plan.ledger.reads
        ledger.run(raised)


def test_utfall_takes_a_year_and_a_month_as_whole_numbers_only(ledger):
    """Compared in Python since issue 18 (the sealed sums), where SQLite took "2024" for 2024: a text year is
    refused by name rather than read as nothing booked (None), which a rule would take for no utfall at all."""
    from jobbsats.ledger.reader import LedgerReader, opener

    ledger.run(SCENARIO, "--year", "2024")
    scenario = ledger.scenario(SCENARIO)
    ledger.import_utfall(booked_file(ledger), "--config", str(scenario))
    reader = LedgerReader("Rest", opener(ledger.db))
    assert reader.utfall(2024, fund="f", recipient="A") == 5_250_000 * KR + 50
    assert reader.utfall(2024, month=6) == 3_500_000 * KR  # B's row; A books in March and November
    assert reader.utfall(2023) is None
    for year, month, name in (
        ("2024", None, "year"),
        (2024.0, None, "year"),
        (2024, True, "month"),
        (2024, "6", "month"),
    ):
        with pytest.raises(TypeError, match=f"{name} must be a whole number"):
            reader.utfall(year, month=month)
    reader.close()
