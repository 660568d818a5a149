"""Issue 13, point 1 (the ledger's part): booked rows land on the fund's purpose the mapping names.

The 2024 example (seed 000) gives ASN two kinds of money from one fund: Ung i sommar, 9 000 000 kr,
and its key share, 13 056 000 kr. The mapping below sends verksamhet 7160 to Ung i sommar and the rest
of verksamhet 7150 to the fund's own purpose. Booked by hand below: ASN 4 000 000 + 500 000,50 kr on
Ung i sommar, 10 000 000 kr on the key money; GVN 6 000 000 kr on the key money.
"""

from __future__ import annotations

import sqlite3

import pytest

from jobbsats import examples
from jobbsats.ledger import open_ledger
from jobbsats.ledger.reader import LedgerReader
from jobbsats.ledger.view import LedgerView

UTFALL = """
[utfall]
columns = { date = "Datum", account = "Konto", ansvar = "Ansvar", verksamhet = "Verksamhet", amount = "Belopp" }
accounts = ["5*"]
[utfall.ansvar]
"31*" = "ASN"
"32*" = "GVN"
[[utfall.map]]
match = { verksamhet = "7160" }
fund = "sjs"
purpose = "Ung i sommar"
[[utfall.map]]
match = { verksamhet = "7150" }
fund = "sjs"
"""

BOOKED = """Datum;Konto;Ansvar;Verksamhet;Belopp
2024-06-30;5010;3110;7160;4 000 000,00
2024-08-31;5010;3110;7160;500 000,50
2024-05-31;5010;3120;7150;10 000 000,00
2024-04-30;5010;3210;7150;6 000 000,00
"""


@pytest.fixture
def scenario(tmp_path):
    text = examples.path_of("malmo-2024").read_text(encoding="utf-8")
    path = tmp_path / "jobbsats.toml"
    path.write_text(text[: text.index("[utfall]")] + UTFALL, encoding="utf-8")
    return path


@pytest.fixture
def booked(tmp_path):
    path = tmp_path / "utfall.csv"
    path.write_text(BOOKED, encoding="utf-8")
    return path


def test_rows_land_on_the_purpose_their_map_entry_names(cli, scenario, booked):
    assert cli("run", scenario, "--quiet").exit_code == 0
    result = cli("import", "utfall", booked, "-c", scenario)
    assert result.exit_code == 0, result.output
    view = LedgerView(open_ledger(cli.db, must_exist=True))
    sums = {(u.recipient, u.purpose): u.amount for u in view.utfall(2024)}
    assert sums == {("ASN", "Ung i sommar"): 4_500_000_50, ("ASN", ""): 10_000_000_00, ("GVN", ""): 6_000_000_00}
    reader = LedgerReader(view.run.scenario, lambda: open_ledger(cli.db, must_exist=True))
    assert reader.utfall(2024, recipient="ASN", purpose="Ung i sommar") == 4_500_000_50
    assert reader.utfall(2024, recipient="ASN", purpose="") == 10_000_000_00
    assert reader.budget(2024, recipient="ASN", purpose="Ung i sommar") == 9_000_000_00
    assert reader.budget(2024, recipient="ASN", purpose="") == 13_056_000_00
    verified = cli("verify")
    assert verified.exit_code == 0, verified.output


def test_a_purpose_no_allocation_has_is_refused_at_import(cli, scenario, booked, digest):
    scenario.write_text(scenario.read_text(encoding="utf-8").replace('"Ung i sommar"\n[[', '"Ung i vinter"\n[['))
    assert cli("run", scenario, "--quiet").exit_code == 0
    before = digest(cli.db)
    result = cli("import", "utfall", booked, "-c", scenario)
    assert result.exit_code == 1
    assert "utfall.map[0].purpose: no allocation from fund 'sjs' has the purpose 'Ung i vinter'" in result.stderr
    assert "'Ung i sommar'" in result.stderr  # the purposes it does have are named
    assert digest(cli.db) == before


def test_a_purpose_needs_its_fund(cli, scenario):
    scenario.write_text(scenario.read_text(encoding="utf-8").replace('fund = "sjs"\npurpose', "purpose"))
    result = cli("run", scenario, "--quiet")
    assert result.exit_code == 1
    assert "utfall.map[0].purpose: is a purpose of a fund's money: name the fund too" in result.stderr


def test_a_booked_rows_purpose_is_sealed_with_it(cli, scenario, booked):
    assert cli("run", scenario, "--quiet").exit_code == 0
    assert cli("import", "utfall", booked, "-c", scenario).exit_code == 0
    conn = sqlite3.connect(cli.db)
    with conn:
        conn.execute("drop trigger utfall_no_update")
        conn.execute("update utfall set purpose = null where purpose = 'Ung i sommar' and line = 2")
    conn.close()
    result = cli("verify")
    assert result.exit_code == 1
    assert "import batch 1: its rows in utfall were changed" in result.stderr


def test_a_carry_over_that_needs_this_import_does_not_stop_its_purposes_being_checked(cli, scenario, booked, tmp_path):
    text = scenario.read_text(encoding="utf-8")
    text = text.replace("total = { 2024 = 40_000_000 }", "total = { 2024 = 40_000_000, 2025 = 40_000_000 }")
    text = text.replace("[utfall]", '[[rules]]\nrule = "carry_over"\nyears = 2025\n\n[utfall]', 1)
    scenario.write_text(text, encoding="utf-8")
    assert cli("run", scenario, "--year", "2024", "--quiet").exit_code == 0
    result = cli("import", "utfall", booked, "-c", scenario)  # 2025's carry_over cannot compute before it
    assert result.exit_code == 0, result.output
    bad = tmp_path / "bad.toml"
    bad.write_text(text.replace('"Ung i sommar"\n[[utfall', '"Ung i vinter"\n[[utfall'), encoding="utf-8")
    refused = cli("import", "utfall", booked, "-c", bad, "--replace")
    assert refused.exit_code == 1 and "utfall.map[0].purpose: no allocation from fund 'sjs'" in refused.stderr


def test_validate_names_a_purpose_no_allocation_has(cli, scenario):
    scenario.write_text(scenario.read_text(encoding="utf-8").replace('"Ung i sommar"\n[[', '"Ung i vinter"\n[['))
    result = cli("validate", scenario)
    assert result.exit_code == 1
    assert "utfall.map[0].purpose: no allocation from fund 'sjs' has the purpose 'Ung i vinter'" in result.stderr
