"""The avtal report's numbers, against figures worked out by hand.

The run grants Tillväxt Malmö och Level 4 900 000 kr a year under STK-2023-1150 and
STK-2023-1149 (rules[0].lines[2].grants[0], point 5 of STK-2024-291). The shipped
agreements file (tests/data/avtal-2024.toml) splits it 2 450 000 kr each, says Tillväxt
Malmö reported 2 412 300,50 kr used on 2025-02-21, and that Level has not reported;
the follow-up is made as of 2025-03-14.
"""

from __future__ import annotations

from decimal import Decimal

from jobbsats_stadskontoret import status

KR = 100  # öre per krona
NBSP = "\u00a0"
SPLIT = 'granted = "2 450 000"\n'


def by_agreements(report: dict) -> dict[tuple[int, str], dict]:
    return {(r["year"], r["agreements"]): r for r in report["rows"]}


def test_split_in_two_agreements(ledger):
    ledger.run(ledger.folder / "avtal.toml")
    report = ledger.report("avtal")
    rows = by_agreements(report)
    assert list(rows) == [(2024, "STK-2023-1150"), (2024, "STK-2023-1149")]
    tillvaxt, level = rows[(2024, "STK-2023-1150")], rows[(2024, "STK-2023-1149")]
    # 2 450 000 kr each, which add up to the 4 900 000 kr allocation.
    assert tillvaxt["granted_ore"] == level["granted_ore"] == 2_450_000 * KR
    # 2 450 000 - 2 412 300,50 = 37 699,50 kr left; 2 412 300,50 / 2 450 000 = 98,461... % -> 98,5 %.
    assert tillvaxt["reported_ore"] == 2_412_300 * KR + 50
    assert tillvaxt["difference_ore"] == 37_699 * KR + 50
    assert tillvaxt["used_percent"] == 98.5
    assert (tillvaxt["status"], tillvaxt["received"], tillvaxt["due"]) == ("inkommen", "2025-02-21", "2025-02-28")
    assert (tillvaxt["counterpart"], tillvaxt["period"]) == ("Tillväxt Malmö", "2024-01-01 – 2026-12-31")
    # Level: nothing in by 2025-03-14, past its due date (the default, 2025-02-28).
    assert (level["reported_ore"], level["difference_ore"], level["status"]) == (None, None, "försenad")
    assert (level["due"], level["as_of"]) == ("2025-02-28", "2025-03-14")
    # Each total sums its column; Level's missing report adds nothing.
    assert report["totals"] == [
        {
            "year": 2024,
            "agreements": "Summa 2024",
            "granted_ore": 4_900_000 * KR,
            "reported_ore": 2_412_300 * KR + 50,
            "difference_ore": 37_699 * KR + 50,
        }
    ]


def test_summary_paragraphs_in_swedish(ledger):
    ledger.run(ledger.folder / "avtal.toml")
    paragraphs = ledger.report("avtal")["paragraphs"]
    assert "avstämt per 2025-03-14" in paragraphs[0]
    assert paragraphs[1] == (
        f"Tillväxt Malmö (STK-2023-1150, avtalsperiod 2024-01-01 – 2026-12-31) beviljades 2{NBSP}450{NBSP}000{NBSP}kr "
        f"för 2024 med finansiering från kommunstyrelsens ram (del av 4{NBSP}900{NBSP}000{NBSP}kr enligt STK-2024-291 "
        f"punkt 5) och har redovisat 2{NBSP}412{NBSP}300,50{NBSP}kr som använt (98,5{NBSP}%); 37{NBSP}699,50{NBSP}kr "
        "återstår. Återrapporteringen för 2024 inkom 2025-02-21 (sista dag 2025-02-28)."
    )
    assert paragraphs[2].endswith("Återrapporteringen för 2024 är försenad (sista dag 2025-02-28, avstämt 2025-03-14).")


def test_markdown_shows_kronor(ledger):
    ledger.run(ledger.folder / "avtal.toml")
    text = ledger.report("avtal", fmt="md")  # fails the test unless the report exits 0
    assert (
        f"| 2024 | STK-2023-1150 | Tillväxt Malmö | 2024-01-01 – 2026-12-31 | 2{NBSP}450{NBSP}000 | "
        f"2{NBSP}412{NBSP}300,50 | 37{NBSP}699,50 | 98,5{NBSP}% | 2025-02-28 | 2025-02-21 | inkommen |"
    ) in text


def test_unsplit_allocation_shows_once_with_both_case_numbers(ledger, edit):
    edit((SPLIT, ""), (SPLIT, ""))
    ledger.run(ledger.folder / "avtal.toml")
    report = ledger.report("avtal")
    [row] = report["rows"]
    assert row["agreements"] == "STK-2023-1150, STK-2023-1149"
    assert row["counterpart"] == "Tillväxt Malmö och Level"
    assert row["granted_ore"] == 4_900_000 * KR
    # Only Tillväxt Malmö's report is in: what it used is shown, but no difference until Level's comes.
    assert (row["reported_ore"], row["difference_ore"], row["status"]) == (2_412_300 * KR + 50, None, "försenad")
    assert "STK-2023-1150 inkom 2025-02-21 med" in report["paragraphs"][1]
    assert "STK-2023-1149 är försenad" in report["paragraphs"][1]


def test_unsplit_with_both_reports_in(ledger, edit):
    edit(
        (SPLIT, ""),
        (SPLIT, 'reported = { 2024 = "2 387 699,50" }\nreceived = { 2024 = 2025-02-27 }\n'),
    )
    ledger.run(ledger.folder / "avtal.toml")
    [row] = ledger.report("avtal")["rows"]
    # 2 412 300,50 + 2 387 699,50 = 4 800 000 kr used of 4 900 000: 100 000 kr left,
    # 4 800 000 / 4 900 000 = 97,959... % -> 98,0 %.
    assert row["reported_ore"] == 4_800_000 * KR
    assert row["difference_ore"] == 100_000 * KR
    assert row["used_percent"] == 98.0
    assert row["status"] == "inkommen"
    assert row["received"] == "2025-02-21 / 2025-02-27"


def test_without_as_of_the_follow_up_is_on_1_march_of_the_next_year(ledger, edit):
    edit(("as_of = 2025-03-14\n", ""))
    ledger.run(ledger.folder / "avtal.toml")
    rows = by_agreements(ledger.report("avtal"))
    # 2025-03-01 is after Level's due date, 2025-02-28: late.
    assert rows[(2024, "STK-2023-1149")]["as_of"] == "2025-03-01"
    assert rows[(2024, "STK-2023-1149")]["status"] == "försenad"
    assert rows[(2024, "STK-2023-1150")]["status"] == "inkommen"


def test_before_the_due_date_nothing_is_late(ledger, edit):
    edit(("as_of = 2025-03-14", "as_of = 2025-02-10"))
    ledger.run(ledger.folder / "avtal.toml")
    rows = by_agreements(ledger.report("avtal"))
    # Tillväxt Malmö's report came on 2025-02-21, after 2025-02-10: not in yet on that day, and not due.
    tillvaxt = rows[(2024, "STK-2023-1150")]
    assert (tillvaxt["status"], tillvaxt["reported_ore"], tillvaxt["received"]) == ("ej inkommen", None, "")
    assert rows[(2024, "STK-2023-1149")]["status"] == "ej inkommen"


def test_a_due_date_of_its_own(ledger, edit):
    edit(("# Level's 2024 report has not come in.", "due = { 2024 = 2025-03-31 }"))
    ledger.run(ledger.folder / "avtal.toml")
    level = by_agreements(ledger.report("avtal"))[(2024, "STK-2023-1149")]
    assert (level["due"], level["status"]) == ("2025-03-31", "ej inkommen")


def test_a_late_report_is_in_but_said_to_be_late(ledger, edit):
    edit(
        (
            "# Level's 2024 report has not come in.",
            'reported = { 2024 = "2 500 000" }\nreceived = { 2024 = 2025-03-05 }',
        )
    )
    ledger.run(ledger.folder / "avtal.toml")
    report = ledger.report("avtal")
    level = by_agreements(report)[(2024, "STK-2023-1149")]
    # 2 450 000 - 2 500 000 = -50 000 kr: more used than granted.
    assert (level["status"], level["difference_ore"]) == ("inkommen", -50_000 * KR)
    assert f"50{NBSP}000{NBSP}kr mer än beviljat" in report["paragraphs"][2]
    assert "inkom 2025-03-05, efter sista dag 2025-02-28" in report["paragraphs"][2]


def test_three_years_and_the_year_option(ledger, period_scenario):
    ledger.run(period_scenario)
    rows = by_agreements(ledger.report("avtal"))
    assert sorted({year for year, _ in rows}) == [2024, 2025, 2026]
    assert all(r["granted_ore"] == 2_450_000 * KR for r in rows.values())
    # 2025's report is due 2026-02-28; as of 2025-03-14 it is simply not in yet.
    assert rows[(2025, "STK-2023-1150")]["status"] == "ej inkommen"
    only = ledger.report("avtal", "--year", "2025")
    assert {r["year"] for r in only["rows"]} == {2025}
    assert [t["granted_ore"] for t in only["totals"]] == [4_900_000 * KR]


def test_reports_on_years_the_run_does_not_have_are_left_alone(ledger, edit):
    # The run has 2024 only; a file kept over the mandate period may already hold 2025.
    edit(('reported = { 2024 = "2 412 300,50 kr" }', 'reported = { 2024 = "2 412 300,50 kr", 2025 = 1 }'))
    ledger.run(ledger.folder / "avtal.toml")
    assert {r["year"] for r in ledger.report("avtal")["rows"]} == {2024}


def test_without_a_stadskontoret_section(ledger, edit):
    edit(('[stadskontoret]\nagreements = "avtal-2024.toml"\n', ""), name="avtal.toml")
    ledger.run(ledger.folder / "avtal.toml")
    report = ledger.report("avtal")
    [row] = report["rows"]
    # What the ledger knows: the grant, and a report due by default and not in by 1 March 2025.
    assert (row["agreements"], row["counterpart"], row["granted_ore"]) == (
        "STK-2023-1150, STK-2023-1149",
        "Tillväxt Malmö och Level",
        4_900_000 * KR,
    )
    assert (row["period"], row["status"], row["as_of"]) == ("", "försenad", "2025-03-01")
    assert "anger ingen avtalsfil" in report["paragraphs"][0]


def test_a_run_without_agreements(ledger):
    plain = ledger.folder / "plain.toml"
    plain.write_text(
        (ledger.folder / "avtal.toml")
        .read_text(encoding="utf-8")
        .replace('agreements = ["STK-2023-1150", "STK-2023-1149"]\n', "")
        .replace('[stadskontoret]\nagreements = "avtal-2024.toml"\n', ""),
        encoding="utf-8",
    )
    ledger.run(plain)
    report = ledger.report("avtal")
    assert report["rows"] == [] and report["totals"] == []
    assert report["paragraphs"][0].endswith("Körningen beviljar inga medel under avtal.")


def test_the_report_is_built_without_the_command_line_too(ledger):
    ledger.run(ledger.folder / "avtal.toml")
    document = ledger.build("avtal")
    assert [t.name for t in document.tables] == ["avtal"]
    assert sum(r["granted_ore"] for r in document.tables[0].rows) == 4_900_000 * KR


def test_default_dates():
    assert str(status.default_due(2024)) == "2025-02-28"
    # 2028 is a leap year: the report on 2027 is due on 29 February.
    assert str(status.default_due(2027)) == "2028-02-29"
    assert str(status.default_as_of(2024)) == "2025-03-01"
    assert status.month_day("03-31") == (3, 31)


def test_used_share_is_exact():
    from jobbsats_stadskontoret.avtal import used_share

    # 1 / 3 = 33,333... % -> 33,3 %; 2 / 3 = 66,666... % -> 66,7 % (half up at the second decimal's 6).
    assert used_share(1, 3) == Decimal("33.3")
    assert used_share(2, 3) == Decimal("66.7")
    assert used_share(1, 0) is None
