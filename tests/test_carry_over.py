"""Issue 13, point 3: carry_over brings last year's unspent money into this year, from the ledger.

The 2024 example (seed 000) with 2025 decided as 2024 was: ASN's 2024 budget from the fund is
9 000 000 + 13 056 000 = 22 056 000 kr; it books 21 000 000 kr, so 1 056 000 kr are left, and
4 % of 22 056 000 is 882 240 kr. The others book nothing in 2024 and leave their whole budget:
GVN 6 912 000, FSN 4 096 000, KS 500 000 + 4 900 000 + 1 536 000 less the 4 900 000 it passes on
= 2 036 000, Tillväxt Malmö och Level 4 900 000 (4 % of each: 276 480, 163 840, 81 440, 196 000).
"""

from __future__ import annotations

import pytest

from jobbsats import examples
from jobbsats.ledger import open_ledger
from jobbsats.ledger.view import LedgerView

KR = 100
CARRY = """
[[rules]]
rule = "carry_over"
years = 2025
"""
BOOKED = """Bokföringsdatum;Konto;Ansvar;Verksamhet;Belopp;Text
2024-03-31;5010;3110;7150;12 000 000,00;Lön
2024-10-31;5010;3120;7150;9 000 000,00;Ung i sommar
"""


@pytest.fixture
def write(tmp_path):
    def scenario(extra: str = CARRY, name: str = "jobbsats.toml"):
        text = examples.path_of("malmo-2024").read_text(encoding="utf-8")
        assert "total = { 2024 = 40_000_000 }" in text
        text = text.replace("total = { 2024 = 40_000_000 }", "total = { 2024 = 40_000_000, 2025 = 40_000_000 }")
        utfall = text.index("[utfall]")
        path = tmp_path / name
        path.write_text(text[:utfall] + extra + "\n" + text[utfall:], encoding="utf-8")
        return path

    return scenario


@pytest.fixture
def booked(tmp_path):
    path = tmp_path / "utfall-2024.csv"
    path.write_text(BOOKED, encoding="utf-8")
    return path


def carried(cli, run_id: int | None = None) -> dict[str, int]:
    view = LedgerView(open_ledger(cli.db, must_exist=True), run_id)
    return {c.to.id: c.amount for c in view.carried(2025)}


def prepared(cli, scenario, booked) -> None:
    assert cli("run", scenario, "--year", "2024", "--quiet").exit_code == 0
    result = cli("import", "utfall", booked, "-c", scenario)
    assert result.exit_code == 0, result.output


def test_last_years_unspent_money_comes_on_top_of_this_years_total(cli, write, booked):
    scenario = write()
    prepared(cli, scenario, booked)
    result = cli("run", scenario, "--quiet")
    assert result.exit_code == 0, result.output
    assert carried(cli) == {
        "ASN": 1_056_000 * KR,
        "GVN": 6_912_000 * KR,
        "FSN": 4_096_000 * KR,
        "KS": 2_036_000 * KR,
        "tillvaxt_level": 4_900_000 * KR,
    }
    view = LedgerView(open_ledger(cli.db, must_exist=True))
    # The carried money takes nothing from 2025's 40 000 000: the key still splits 25 600 000 kr.
    allocated_2025 = {(a.to.id, a.rule): a.amount for a in view.allocations(2025) if a.via is None}
    assert allocated_2025[("ASN", "percentage_key")] == 13_056_000 * KR
    assert [fy.unallocated for fy in view.fund_years if fy.year == 2025] == [0]
    # The recipient's money to use in 2025: its allocation and what it carried.
    assert view.net_allocations(2025)[(2025, "ASN")] == (22_056_000 + 1_056_000) * KR
    # The run decides 2024 too: it carries from its own 2024 (the same as run 1's), read from no run.
    assert "Reglerna läste ur huvudboken: importbatch 1." in cli("show", "2").stdout


def test_capped_at_a_share_of_last_years_budget(cli, write, booked):
    scenario = write(CARRY + 'max_share = "4 %"\n')
    prepared(cli, scenario, booked)
    assert cli("run", scenario, "--quiet").exit_code == 0
    assert carried(cli) == {
        "ASN": 882_240 * KR,
        "GVN": 276_480 * KR,
        "FSN": 163_840 * KR,
        "KS": 81_440 * KR,
        "tillvaxt_level": 196_000 * KR,
    }


def test_capped_at_an_amount_for_the_recipients_named(cli, write, booked):
    scenario = write(CARRY + 'to = ["ASN", "GVN"]\nmax_amount = "1 000 000"\n')
    prepared(cli, scenario, booked)
    assert cli("run", scenario, "--quiet").exit_code == 0
    assert carried(cli) == {"ASN": 1_000_000 * KR, "GVN": 1_000_000 * KR}


def test_an_overspend_is_carried_only_when_asked_and_taken_off(cli, write, tmp_path):
    over = tmp_path / "over.csv"
    over.write_text(BOOKED.replace("9 000 000,00", "10 500 000,00"), encoding="utf-8")  # ASN 22 500 000 booked
    scenario = write(CARRY + 'to = ["ASN"]\n')
    prepared(cli, scenario, over)
    assert cli("run", scenario, "--quiet").exit_code == 0
    assert carried(cli) == {}  # 444 000 kr overspent, and deficits not asked for
    scenario.write_text(scenario.read_text(encoding="utf-8").replace('to = ["ASN"]', 'to = ["ASN"]\ndeficits = true'))
    assert cli("run", scenario, "--quiet").exit_code == 0
    assert carried(cli) == {"ASN": -444_000 * KR}
    view = LedgerView(open_ledger(cli.db, must_exist=True))
    assert view.net_allocations(2025)[(2025, "ASN")] == (22_056_000 - 444_000) * KR


def test_without_last_years_utfall_the_run_is_refused_naming_the_year(cli, write, digest):
    scenario = write()
    assert cli("run", scenario, "--year", "2024", "--quiet").exit_code == 0
    before = digest(cli.db)
    result = cli("run", scenario, "--quiet")
    assert result.exit_code == 1
    assert "no imported utfall books 2024" in result.stderr and "rules[2]" in result.stderr
    assert digest(cli.db) == before


def test_without_a_run_for_last_year_the_run_is_refused(cli, write):
    result = cli("run", write(), "--year", "2025", "--quiet")  # 2025 alone: nothing decides 2024
    assert result.exit_code == 1
    assert "no run of 'Strategiska jobbsatsningar 2024' has decided 2024's budget" in result.stderr
    assert not cli.db.exists()


def test_carry_over_on_a_fund_of_places_is_refused(cli, tmp_path):
    path = tmp_path / "platser.toml"
    path.write_text(
        examples.path_of("platser-2020").read_text(encoding="utf-8") + '\n[[rules]]\nrule = "carry_over"\n',
        encoding="utf-8",
    )
    result = cli("validate", path)
    assert result.exit_code == 1
    assert "carries unspent kronor, but fund" in result.stderr and "counts platser" in result.stderr


def test_the_decision_words_what_is_carried_over_in_its_own_points(cli, write, booked, tmp_path):
    scenario = write(CARRY + 'to = ["ASN"]\nmax_share = "4 %"\n')
    prepared(cli, scenario, booked)
    assert cli("run", scenario, "--quiet").exit_code == 0
    text = cli("report", "beslut", "--year", "2025").stdout
    # After the preamble (1) and the eight allocations of the year (2-9), point 10: the carry-over.
    assert (
        "10. Kommunstyrelsen beslutar att arbetsmarknads- och socialnämnden får föra över 882 240 kronor av "
        "2024 års outnyttjade medel till 2025 för Strategiska jobbsatsningar."
    ) in text
    assert "11. Kommunstyrelsen inarbetar" in text  # the closing points follow on
    extract = cli("report", "beslut", "--year", "2025", "--recipient", "ASN").stdout
    assert "10. Kommunstyrelsen beslutar att arbetsmarknads- och socialnämnden får föra över 882 240" in extract


def test_an_overspend_carried_is_worded_as_one(cli, write, tmp_path):
    over = tmp_path / "over.csv"
    over.write_text(BOOKED.replace("9 000 000,00", "10 500 000,00"), encoding="utf-8")
    scenario = write(CARRY + 'to = ["ASN"]\ndeficits = true\n')
    prepared(cli, scenario, over)
    assert cli("run", scenario, "--quiet").exit_code == 0
    assert (
        "Kommunstyrelsen beslutar att arbetsmarknads- och socialnämndens underskott om 444 000 kronor av 2024 års "
        "medel för Strategiska jobbsatsningar förs över till 2025 och minskar 2025 års medel."
    ) in cli("report", "beslut", "--year", "2025").stdout


def test_show_says_when_the_utfall_a_carry_over_read_was_replaced(cli, write, booked, tmp_path):
    scenario = write(CARRY + 'to = ["ASN"]\n')
    prepared(cli, scenario, booked)
    assert cli("run", scenario, "--quiet").exit_code == 0  # run 2 reads batch 1
    assert "har sedan ersatts" not in cli("show", "2").stdout
    corrected = tmp_path / "utfall-2024-rättad.csv"
    corrected.write_text(BOOKED.replace("9 000 000,00", "8 000 000,00"), encoding="utf-8")
    assert cli("import", "utfall", corrected, "-c", scenario, "--supersedes", "1").exit_code == 0
    shown = cli("show", "2").stdout
    assert "Importbatch 1 har sedan ersatts av importbatch 2" in shown
    report = cli.json_report("aterrapportering", "--run", "2")
    assert (
        "Överföringarna i körning 2 räknades på utfall som sedan har ersatts: import 1 (ersatt av import 2). "
        "Kör scenariot igen för att räkna dem på det utfall som gäller nu."
    ) in report["paragraphs"]
    # Running again carries what the corrected utfall leaves: 22 056 000 - 20 000 000.
    assert cli("run", scenario, "--quiet").exit_code == 0
    assert carried(cli) == {"ASN": 2_056_000 * KR}


def test_show_and_diff_count_carried_money(cli, write, booked, tmp_path):
    """Run 2 carries ASN's 1 056 000 kr; after a correction (ASN booked 20 000 000) run 3 carries 2 056 000."""
    scenario = write(CARRY + 'to = ["ASN"]\n')
    prepared(cli, scenario, booked)
    assert cli("run", scenario, "--quiet").exit_code == 0
    shown = cli.json_report_of("show", "2")
    carried_rows = [r for r in shown["rows"] if r.get("carried_ore")]
    assert [(r["year"], r["rule"], r["carried_ore"]) for r in carried_rows] == [(2025, "carry_over", 1_056_000 * KR)]
    corrected = tmp_path / "rättad.csv"
    corrected.write_text(BOOKED.replace("9 000 000,00", "8 000 000,00"), encoding="utf-8")
    assert cli("import", "utfall", corrected, "-c", scenario, "--supersedes", "1").exit_code == 0
    assert cli("run", scenario, "--quiet").exit_code == 0
    diff = cli.json_report_of("diff", "2", "3")
    rows = [r for r in diff["rows"] if r.get("carried")]
    assert [(r["recipient_id"], r["rule_label"], r["before_ore"], r["after_ore"]) for r in rows] == [
        ("ASN", "Överföring från 2024", 1_056_000 * KR, 2_056_000 * KR)
    ]
    assert "inga belopp skiljer sig" not in diff["paragraphs"][0]


def test_revisions_by_one_decision_are_named_once(cli, write, booked, tmp_path):
    """2025's budget is revised twice by runs of the same decision (STK-2024-291 of 2024-05-14) as corrected
    utfall changes what ASN carries: a new user saw the decision named once per run."""
    scenario = write(CARRY + 'to = ["ASN"]\n')
    scenario.write_text(
        scenario.read_text(encoding="utf-8").replace('ref = "STK-2024-291"', 'ref = "STK-2024-291"\ndate = 2024-05-14')
    )
    prepared(cli, scenario, booked)
    assert cli("run", scenario, "--quiet").exit_code == 0  # run 2: 2025's original budget
    for batch, booked_asn in ((1, "8 000 000,00"), (2, "7 000 000,00")):
        corrected = tmp_path / f"rättad-{batch}.csv"
        corrected.write_text(BOOKED.replace("9 000 000,00", booked_asn), encoding="utf-8")
        assert cli("import", "utfall", corrected, "-c", scenario, "--supersedes", str(batch)).exit_code == 0
        assert cli("run", scenario, "--quiet").exit_code == 0  # runs 3 and 4 revise 2025
    paragraphs = cli.json_report("aterrapportering")["paragraphs"]
    [said] = [p for p in paragraphs if p.startswith("Budgeten för 2025 reviderades")]
    assert said.startswith("Budgeten för 2025 reviderades genom STK-2024-291 (2024-05-14). ")


def test_a_recipient_named_twice_is_a_problem_of_the_file(cli, write, booked):
    scenario = write(CARRY + 'to = ["ASN", "ASN"]\n')
    result = cli("validate", scenario)
    assert result.exit_code == 1
    assert "rules[2].to[1]: names 'ASN' twice" in result.stderr


def test_utfall_of_another_fund_alone_does_not_read_as_nothing_spent(cli, write, tmp_path):
    """An import that books 2024 only on money of no fund says nothing of the fund's: refused, never 0 spent."""
    scenario = write()
    assert cli("run", scenario, "--year", "2024", "--quiet").exit_code == 0
    other = tmp_path / "annat.csv"
    other.write_text(BOOKED.replace(";7150;", ";9999;"), encoding="utf-8")  # verksamhet 9999: no map entry
    assert cli("import", "utfall", other, "-c", scenario).exit_code == 0
    result = cli("run", scenario, "--year", "2025", "--quiet")
    assert result.exit_code == 1 and "no imported utfall books 2024" in result.stderr


# --- what the rule reads of a batch changed behind jobbsats's back (issue 18: it reads the sealed sums) -----

# ASN's 2024 rows as imported: 12 000 000 kr in March and 9 000 000 kr in October (1 200 000 000 and 900 000 000 öre).
REFUSED_CHANGES = [
    ("update utfall set amount = amount + 1 where amount = 900000000", "utfall"),
    ("delete from utfall where amount = 900000000", "utfall"),
    ("insert into utfall select * from utfall where amount = 900000000", "utfall"),
    ("update utfall_sums set amount = amount + 1 where amount = 900000000", "utfall_sums"),
    ("update utfall_sums set recipient_id = 'GVN' where amount = 900000000", "utfall_sums"),
]


@pytest.mark.parametrize(("statement", "table"), REFUSED_CHANGES)
def test_a_run_reading_a_batch_changed_behind_jobbsatss_back_is_refused(
    cli, write, booked, tampered, digest, statement, table
):
    scenario = write()
    prepared(cli, scenario, booked)
    tampered(cli.db, statement)
    cli("verify", "--restore-guards")  # so that only what the rule reads can stop the run
    before = digest(cli.db)
    result = cli("run", scenario, "--quiet")
    assert result.exit_code == 4, result.output
    assert f"import batch 1: its rows in {table} no longer match the ledger's chain" in result.stderr
    assert digest(cli.db) == before


def test_a_row_moved_within_its_batch_leaves_the_run_reading_the_sealed_sums(cli, write, booked, tampered):
    """As reports do (docs/ledger.md): ASN's 9 000 000 kr moved to GVN afterwards still count as ASN's, as sealed,
    so ASN carries 22 056 000 - 21 000 000 = 1 056 000 kr and GVN its whole 6 912 000; verify names the batch."""
    scenario = write()
    prepared(cli, scenario, booked)
    tampered(cli.db, "update utfall set recipient_id = 'GVN' where amount = 900000000")
    cli("verify", "--restore-guards")
    result = cli("run", scenario, "--quiet")
    assert result.exit_code == 0, result.output
    assert {k: v for k, v in carried(cli).items() if k in ("ASN", "GVN")} == {
        "ASN": 1_056_000 * KR,
        "GVN": 6_912_000 * KR,
    }
    verified = cli("verify")
    assert verified.exit_code == 1
    assert "import batch 1: its rows in utfall were changed outside jobbsats" in verified.stderr


def test_a_batch_imported_before_sums_were_written_is_read_from_its_rows(cli, write, booked, release_before):
    scenario = write()
    with release_before("0014_utfall_sums"):
        prepared(cli, scenario, booked)
    result = cli("run", scenario, "--quiet")
    assert result.exit_code == 0, result.output
    assert carried(cli)["ASN"] == 1_056_000 * KR
