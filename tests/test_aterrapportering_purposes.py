"""Issue 13, points 1 and 2 (the report's part): aterrapportering per fund and purpose, original and revised budget.

The 2024 decision (seed 000, STK-2024-291): 40 000 000 kr; on ram ASN 9 000 000 and KS 500 000 for Ung i
sommar, KS 4 900 000 for Tillväxt Malmö & Level, granted on in full to Tillväxt Malmö och Level; the
25 600 000 kr left by the key: ASN 51 % = 13 056 000, GVN 27 % = 6 912 000, FSN 16 % = 4 096 000, KS 6 % =
1 536 000 (each the fund's own purpose, shown under the fund's name, Strategiska jobbsatsningar).

The mapping below books verksamhet 7160 as Ung i sommar and 7150 as the fund's own money. Booked, by hand:

| recipient | purpose | budget | utfall | remaining | used |
| --- | --- | ---: | ---: | ---: | ---: |
| ASN | Ung i sommar | 9 000 000 | 4 000 000 + 500 000,50 = 4 500 000,50 | 4 499 999,50 | 50,0 % (50,000006) |
| ASN | key | 13 056 000 | 10 000 000 - 250 000 = 9 750 000 | 3 306 000 | 74,7 % (74,678) |
| ASN | subtotal | 22 056 000 | 14 250 000,50 | 7 805 999,50 | 64,6 % (64,608) |
| GVN | key | 6 912 000 | 6 000 000 (and 180 000 other money) | 912 000 | 86,8 % (86,806) |
| KS | Ung i sommar | 500 000 | 600 000 | -100 000 | 120,0 % |
| KS | key | 1 536 000 | 0 | 1 536 000 | 0,0 % |
| KS | subtotal | 500 000 + 4 900 000 + 1 536 000 - 4 900 000 = 2 036 000 | 600 000 | 1 436 000 | 29,5 % (29,470) |

KS's line for Tillväxt Malmö & Level is granted on in full: 0 kr stay with KS, so it has no row of its own;
the 4 900 000 kr are Tillväxt Malmö och Level's row. In all 40 000 000 kr, utfall 14 250 000,50 + 6 000 000 +
600 000 = 20 850 000,50, remaining 19 149 999,50.
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import openpyxl
import pytest

from jobbsats import examples

KR = 100  # öre per krona
NB = "\u00a0"

UTFALL = """
[utfall]
columns = { date = "Datum", account = "Konto", ansvar = "Ansvar", verksamhet = "Verksamhet", amount = "Belopp" }
accounts = ["5*"]
[utfall.ansvar]
"31*" = "ASN"
"32*" = "GVN"
"10*" = "KS"
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
2024-03-31;5010;3120;7150;10 000 000,00
2024-12-31;5010;3120;7150;-250 000,00
2024-04-30;5010;3210;7150;6 000 000,00
2024-05-20;5010;3210;2100;180 000,00
2024-07-31;5010;1010;7160;600 000,00
"""

# The revision of tests/test_revisions.py: a fixed line of 300 000 kr to GVN, the total 40 300 000 kr,
# decided as STK-2024-500 on 2024-05-14. The key still splits 25 600 000 kr.
GVN_LINE = """
[[rules.lines]]
to = "GVN"
amount = 300_000
years = 2024
"""


def scenario_text(revision: bool = False, purpose: str | None = None) -> str:
    text = examples.path_of("malmo-2024").read_text(encoding="utf-8")
    text = text[: text.index("[utfall]")] + UTFALL
    if revision:
        text = text.replace('ref = "STK-2024-291"', 'ref = "STK-2024-500"\ndate = 2024-05-14')
        text = text.replace("2024 = 40_000_000", "2024 = 40_300_000")
        line = GVN_LINE + (f'purpose = "{purpose}"\n' if purpose else "")
        key_rule = text.rindex("[[rules]]", 0, text.index('rule = "percentage_key"'))
        text = text[:key_rule].rstrip() + "\n" + line + "\n" + text[key_rule:]
    return text


@pytest.fixture
def booked(cli, shared_file):
    """The 2024 decision run (run 1) and the bookings above imported (batch 1)."""
    scenario = shared_file("jobbsats.toml", scenario_text())
    cli.prepare(("run", scenario, "--quiet"), ("import", "utfall", shared_file("utfall.csv", BOOKED), "-c", scenario))
    return cli


def table(rows: list[dict], name: str) -> list[dict]:
    return [r for r in rows if r["table"] == name]


def per_purpose(report: dict) -> list[dict]:
    return table(report["rows"], "aterrapportering")


def per_recipient(report: dict) -> dict[str, dict]:
    return {r["recipient_id"]: r for r in table(report["rows"], "aterrapportering_mottagare")}


MONEY = ("budget_original_ore", "budget_ore", "budget_change_ore", "utfall_ore", "remaining_ore", "used_percent")


def money(row: dict) -> tuple:
    return tuple(row[k] for k in MONEY)


# --- Point 1: a row per year, recipient, fund and purpose, with a subtotal per recipient


def test_asn_has_a_row_per_purpose_and_a_subtotal(booked):
    report = booked.json_report("aterrapportering")
    rows = {(r["recipient_id"], r["purpose"]): r for r in per_purpose(report)}
    asn_uis, asn_key = rows[("ASN", "Ung i sommar")], rows[("ASN", "")]
    # original, current, change, utfall, remaining, used
    assert money(asn_uis) == (9_000_000 * KR, 9_000_000 * KR, 0, 4_500_000_50, 4_499_999_50, 50.0)
    assert money(asn_key) == (13_056_000 * KR, 13_056_000 * KR, 0, 9_750_000 * KR, 3_306_000 * KR, 74.7)
    assert (asn_key["fund_id"], asn_key["fund"], asn_key["purpose_name"]) == (
        "sjs",
        "Strategiska jobbsatsningar",
        "Strategiska jobbsatsningar",  # money with no purpose of its own: under the fund's name
    )
    assert (asn_uis["year"], asn_uis["recipient"], asn_uis["purpose_name"]) == (
        2024,
        "Arbetsmarknads- och socialnämnden",
        "Ung i sommar",
    )
    asn = per_recipient(report)["ASN"]
    assert money(asn) == (22_056_000 * KR, 22_056_000 * KR, 0, 14_250_000_50, 7_805_999_50, 64.6)
    assert asn["other_ore"] == 0


def test_every_recipient_and_purpose_by_hand(booked):
    report = booked.json_report("aterrapportering")
    assert [(r["recipient_id"], r["purpose"], r["budget_ore"], r["utfall_ore"]) for r in per_purpose(report)] == [
        ("ASN", "Ung i sommar", 9_000_000 * KR, 4_500_000_50),
        ("ASN", "", 13_056_000 * KR, 9_750_000 * KR),
        ("GVN", "", 6_912_000 * KR, 6_000_000 * KR),
        ("FSN", "", 4_096_000 * KR, 0),
        ("KS", "Ung i sommar", 500_000 * KR, 600_000 * KR),  # over budget
        ("KS", "", 1_536_000 * KR, 0),
        ("tillvaxt_level", "Tillväxt Malmö & Level", 4_900_000 * KR, 0),
    ]
    ks = {r["purpose"]: r for r in per_purpose(report) if r["recipient_id"] == "KS"}
    assert (ks["Ung i sommar"]["remaining_ore"], ks["Ung i sommar"]["used_percent"]) == (-100_000 * KR, 120.0)
    subtotals = per_recipient(report)
    assert money(subtotals["KS"]) == (2_036_000 * KR, 2_036_000 * KR, 0, 600_000 * KR, 1_436_000 * KR, 29.5)
    assert (subtotals["GVN"]["utfall_ore"], subtotals["GVN"]["other_ore"]) == (6_000_000 * KR, 180_000 * KR)
    assert "other_ore" not in per_purpose(report)[0]  # other money belongs to no fund nor purpose
    for name in ("aterrapportering", "aterrapportering_mottagare"):
        [total] = table(report["totals"], name)
        assert money(total) == (40_000_000 * KR, 40_000_000 * KR, 0, 20_850_000_50, 19_149_999_50, 52.1)
    text = " ".join(report["paragraphs"])
    assert (
        f"Per ändamål: Ung i sommar 4{NB}500{NB}000,50{NB}kr av 9{NB}000{NB}000{NB}kr (50,0{NB}%); "
        f"Strategiska jobbsatsningar 9{NB}750{NB}000{NB}kr av 13{NB}056{NB}000{NB}kr (74,7{NB}%)."
    ) in text
    assert f"Ung i sommar 600{NB}000{NB}kr av 500{NB}000{NB}kr (120,0{NB}%)" in text
    assert "reviderades" not in text and "oförändrad" not in text  # run 1 is the original budget


def test_the_markdown_rows_read_the_swedish_way(booked):
    result = booked("report", "aterrapportering")
    assert result.exit_code == 0, result.output
    lines = result.stdout.replace(NB, " ").splitlines()
    assert "## Budget och utfall per ändamål" in lines and "## Budget och utfall per mottagare" in lines
    assert (
        "| År | Mottagare | Ändamål | Ursprunglig budget (kr) | Budget (kr) | Förändring (kr) | Utfall (kr) "
        "| Kvar (kr) | Andel använd (%) |"
    ) in lines
    assert (
        "| 2024 | Arbetsmarknads- och socialnämnden | Ung i sommar | 9 000 000 | 9 000 000 | 0 | 4 500 000,50 "
        "| 4 499 999,50 | 50,0 % |"
    ) in lines
    assert (
        "| 2024 | Arbetsmarknads- och socialnämnden | 22 056 000 | 22 056 000 | 0 | 14 250 000,50 | 7 805 999,50 "
        "| 64,6 % | 0 |"
    ) in lines


def test_quarters_per_purpose_add_up_to_the_year(booked):
    report = booked.json_report("aterrapportering", "--quarters")
    asn = [r for r in per_purpose(report) if r["recipient_id"] == "ASN"]
    # Ung i sommar: June and August; the key money: March, and the correction in December.
    assert [(r["purpose"], r["quarter"], r["utfall_ore"], r["to_date_ore"], r["remaining_ore"]) for r in asn] == [
        ("Ung i sommar", 1, 0, 0, 9_000_000 * KR),
        ("Ung i sommar", 2, 4_000_000 * KR, 4_000_000 * KR, 5_000_000 * KR),
        ("Ung i sommar", 3, 500_000_50, 4_500_000_50, 4_499_999_50),
        ("Ung i sommar", 4, 0, 4_500_000_50, 4_499_999_50),
        ("", 1, 10_000_000 * KR, 10_000_000 * KR, 3_056_000 * KR),
        ("", 2, 0, 10_000_000 * KR, 3_056_000 * KR),
        ("", 3, 0, 10_000_000 * KR, 3_056_000 * KR),
        ("", 4, -250_000 * KR, 9_750_000 * KR, 3_306_000 * KR),
    ]
    subtotal = [r for r in table(report["rows"], "aterrapportering_mottagare") if r["recipient_id"] == "ASN"]
    assert [r["utfall_ore"] for r in subtotal] == [10_000_000 * KR, 4_000_000 * KR, 500_000_50, -250_000 * KR]
    assert subtotal[-1]["to_date_ore"] == 14_250_000_50


def test_recipient_and_fund_select_rows_per_purpose(booked):
    ks = booked.json_report("aterrapportering", "--recipient", "KS")
    # KS's own rows, and the money it passed on, as Tillväxt Malmö och Level's row.
    assert [(r["recipient_id"], r["purpose"], r["budget_ore"]) for r in per_purpose(ks)] == [
        ("KS", "Ung i sommar", 500_000 * KR),
        ("KS", "", 1_536_000 * KR),
        ("tillvaxt_level", "Tillväxt Malmö & Level", 4_900_000 * KR),
    ]
    [total] = table(ks["totals"], "aterrapportering")
    assert (total["budget_ore"], total["utfall_ore"]) == (6_936_000 * KR, 600_000 * KR)
    sjs = booked.json_report("aterrapportering", "--fund", "sjs", "--recipient", "GVN")
    assert [money(r) for r in per_purpose(sjs)] == [
        (6_912_000 * KR, 6_912_000 * KR, 0, 6_000_000 * KR, 912_000 * KR, 86.8)
    ]
    assert per_recipient(sjs)["GVN"]["other_ore"] == 0  # other money is no fund's


# --- Point 2: the original budget, the current one and the change, naming the revisions behind it


@pytest.fixture
def revised(booked, tmp_path):
    """Run 2, the revision STK-2024-500: GVN's line of 300 000 kr, with or without a purpose of its own."""

    def run(purpose: str | None = None):
        path = tmp_path / "revision.toml"
        path.write_text(scenario_text(revision=True, purpose=purpose), encoding="utf-8")
        result = booked("run", path, "--quiet")
        assert result.exit_code == 0, result.output
        return booked

    return run


def revision_paragraphs(report: dict) -> None:
    text = " ".join(report["paragraphs"])
    # After the header line (which run, when, from which file) and the sources.
    assert "Budgeten för 2024 reviderades genom STK-2024-500 (2024-05-14)." in report["paragraphs"][2]
    assert (
        f"Den ursprungliga budgeten i körning 1 (STK-2024-291) var 40{NB}000{NB}000{NB}kr, nu 40{NB}300{NB}000{NB}kr: "
        f"en förändring med +300{NB}000{NB}kr."
    ) in text
    assert (
        f"Budgeten har ändrats med +300{NB}000{NB}kr från ursprungliga 6{NB}912{NB}000{NB}kr "
        "genom STK-2024-500 (2024-05-14)."
    ) in text
    assert text.count("Budgeten har ändrats") == 1  # GVN's only


def test_a_revision_without_a_purpose_changes_gvns_row(revised):
    """The line has no purpose: it is the fund's own money, so GVN's one row changes by 300 000 kr."""
    report = revised().json_report("aterrapportering")
    gvn = [r for r in per_purpose(report) if r["recipient_id"] == "GVN"]
    # original, current, change, utfall, remaining, used (6 000 000 / 7 212 000 = 83,19 %)
    assert [money(r) for r in gvn] == [
        (6_912_000 * KR, 7_212_000 * KR, 300_000 * KR, 6_000_000 * KR, 1_212_000 * KR, 83.2)
    ]
    subtotal = per_recipient(report)
    assert money(subtotal["GVN"]) == (
        6_912_000 * KR,
        7_212_000 * KR,
        300_000 * KR,
        6_000_000 * KR,
        1_212_000 * KR,
        83.2,
    )
    assert all(r["budget_change_ore"] == 0 for r in per_purpose(report) if r["recipient_id"] != "GVN")
    assert all(r["budget_change_ore"] == 0 for rid, r in subtotal.items() if rid != "GVN")
    [total] = table(report["totals"], "aterrapportering_mottagare")
    assert (total["budget_original_ore"], total["budget_ore"], total["budget_change_ore"]) == (
        40_000_000 * KR,
        40_300_000 * KR,
        300_000 * KR,
    )
    revision_paragraphs(report)


def test_a_revision_with_a_purpose_of_its_own_is_a_new_row_with_original_0(revised):
    """The line names a purpose (Sommarskola, as in tests/test_revisions.py): money for that purpose and no
    other, so it is a row of its own that the original budget did not have (original 0), and GVN's key money
    is unchanged; GVN's subtotal shows the change all the same."""
    cli = revised("Sommarskola")
    report = cli.json_report("aterrapportering")
    gvn = {r["purpose"]: r for r in per_purpose(report) if r["recipient_id"] == "GVN"}
    assert list(gvn) == ["Sommarskola", ""]  # the fixed line first, as the run gives it
    assert money(gvn["Sommarskola"]) == (0, 300_000 * KR, 300_000 * KR, 0, 300_000 * KR, 0.0)
    assert money(gvn[""]) == (6_912_000 * KR, 6_912_000 * KR, 0, 6_000_000 * KR, 912_000 * KR, 86.8)
    assert money(per_recipient(report)["GVN"]) == (
        6_912_000 * KR,
        7_212_000 * KR,
        300_000 * KR,
        6_000_000 * KR,
        1_212_000 * KR,
        83.2,
    )
    revision_paragraphs(report)
    # The md shows the change in its own column: "Förändring (kr)". Utfall and what is left have öre in
    # ASN's rows (14 250 000,50), so every amount in those two columns has them; the budgets are whole.
    lines = cli("report", "aterrapportering").stdout.replace(NB, " ").splitlines()
    assert (
        "| 2024 | Gymnasie- och vuxenutbildningsnämnden | Sommarskola | 0 | 300 000 | 300 000 | 0,00 | 300 000,00 "
        "| 0,0 % |"
    ) in lines
    assert (
        "| 2024 | Gymnasie- och vuxenutbildningsnämnden | 6 912 000 | 7 212 000 | 300 000 | 6 000 000,00 "
        "| 1 212 000,00 | 83,2 % | 180 000 |"
    ) in lines


def test_only_the_revisions_that_changed_the_budget_are_named(revised, tmp_path):
    cli = revised()
    assert cli("run", tmp_path / "revision.toml", "--quiet").exit_code == 0  # run 3: the same again
    report = cli.json_report("aterrapportering")
    assert report["paragraphs"][2] == (  # not run 3, which changed nothing (after the header and the sources)
        "Budgeten för 2024 reviderades genom STK-2024-500 (2024-05-14). Den ursprungliga budgeten i körning 1 "
        f"(STK-2024-291) var 40{NB}000{NB}000{NB}kr, nu 40{NB}300{NB}000{NB}kr: en förändring med +300{NB}000{NB}kr."
    )
    # A recipient the revision left alone: its budget is the original one.
    asn = cli.json_report("aterrapportering", "--recipient", "ASN")
    assert (
        "Budgeten för 2024 är oförändrad sedan den ursprungliga budgeten i körning 1 (STK-2024-291)."
        in (asn["paragraphs"])
    )
    # The original run, reported on its own, is no revision of anything.
    first = cli.json_report("aterrapportering", "--run", "1")
    assert per_recipient(first)["GVN"]["budget_ore"] == 6_912_000 * KR
    assert not any("Budgeten för 2024" in p for p in first["paragraphs"])


# --- Every format renders the rows per purpose


def test_csv_json_xlsx_and_html_carry_the_rows_per_purpose(revised, tmp_path):
    cli = revised("Sommarskola")
    report = cli.json_report("aterrapportering")
    assert [t["name"] for t in report["tables"]] == ["aterrapportering", "aterrapportering_mottagare"]
    keys = {c["key"] for c in report["tables"][0]["columns"]}
    assert {"budget_original_ore", "budget_ore", "budget_change_ore", "utfall_ore", "remaining_ore"} <= keys
    assert {"fund_id", "purpose", "recipient_id", "year", "used_percent"} <= set(per_purpose(report)[0])

    out = cli("report", "aterrapportering", "-f", "csv").stdout
    rows = list(csv.DictReader(io.StringIO(out)))
    assert len(rows) == len(report["rows"])  # data rows only, no totals
    sommarskola = next(r for r in rows if r["purpose"] == "Sommarskola")
    assert (sommarskola["table"], sommarskola["fund_id"], sommarskola["budget_original_ore"]) == (
        "aterrapportering",
        "sjs",
        "0",
    )
    assert (sommarskola["budget_ore"], sommarskola["budget_change_ore"]) == ("30000000", "30000000")

    book_path = tmp_path / "a.xlsx"
    assert cli("report", "aterrapportering", "-o", book_path).exit_code == 0
    book = openpyxl.load_workbook(book_path)
    assert book.sheetnames == ["Sammanfattning", "Budget och utfall per ändamål", "Budget och utfall per mottagare"]
    sheet = book["Budget och utfall per ändamål"]
    header = [c.value for c in sheet[1]]
    change = header.index("Förändring (kr)")
    data = list(sheet.iter_rows(min_row=2))[: len(per_purpose(report))]
    assert all(r[change].data_type == "n" for r in data)
    assert sum(Decimal(str(r[change].value)) for r in data) == 300_000

    page_path = tmp_path / "a.html"
    assert cli("report", "aterrapportering", "-o", page_path).exit_code == 0
    page = page_path.read_text(encoding="utf-8")
    assert page.count("<svg") == 1 and "Ursprunglig budget" in page
    assert "Budgeten för 2024 reviderades genom STK-2024-500 (2024-05-14)." in page
    assert f"7{NB}212{NB}000" in page


# --- Money carried into the year is the year's money to use too


def test_carried_money_joins_the_budget_of_its_purpose(cli, tmp_path):
    """tests/test_carry_over.py's case: ASN books 21 000 000 of its 22 056 000 kr in 2024 and carries the
    1 056 000 kr left into 2025, with no purpose: the fund's own, 13 056 000 + 1 056 000 = 14 112 000 kr.

    The mapping names no purpose here: `import utfall` checks a named purpose by computing every year's
    rules, and carry_over cannot compute 2025 before 2024's utfall is in (jobbsats.cli.imports)."""
    text = scenario_text().replace("total = { 2024 = 40_000_000 }", "total = { 2024 = 40_000_000, 2025 = 40_000_000 }")
    text = text.replace('[[utfall.map]]\nmatch = { verksamhet = "7160" }\nfund = "sjs"\npurpose = "Ung i sommar"\n', "")
    utfall = text.index("[utfall]")
    path = tmp_path / "carry.toml"
    path.write_text(text[:utfall] + '[[rules]]\nrule = "carry_over"\nyears = 2025\nto = ["ASN"]\n\n' + text[utfall:])
    booked = tmp_path / "u.csv"
    booked.write_text("Datum;Konto;Ansvar;Verksamhet;Belopp\n2024-03-31;5010;3110;7150;21 000 000,00\n")
    assert cli("run", path, "--year", "2024", "--quiet").exit_code == 0
    imported = cli("import", "utfall", booked, "-c", path)
    assert imported.exit_code == 0, imported.output
    result = cli("run", path, "--quiet")
    assert result.exit_code == 0, result.output
    report = cli.json_report("aterrapportering", "--year", "2025", "--recipient", "ASN")
    assert [(r["purpose"], r["budget_ore"]) for r in per_purpose(report)] == [
        ("Ung i sommar", 9_000_000 * KR),
        ("", 14_112_000 * KR),
    ]
    assert per_recipient(report)["ASN"]["budget_ore"] == 23_112_000 * KR
    assert f"I budgeten ingår 1{NB}056{NB}000{NB}kr som förts över från 2024." in " ".join(report["paragraphs"])


def test_a_run_of_a_later_year_alone_does_not_set_last_years_utfall_against_no_budget(cli, tmp_path):
    """A new user's trial: run 2024, import its utfall, then run 2025 alone. Run 2 decides no 2024
    budget, so its report must not show 2024's utfall against 0 kr: it says where 2024's budget is."""
    text = examples.path_of("malmo-2024").read_text(encoding="utf-8")
    text = text.replace("total = { 2024 = 40_000_000 }", "total = { 2024 = 40_000_000, 2025 = 40_000_000 }")
    scenario = tmp_path / "s.toml"
    scenario.write_text(text, encoding="utf-8")
    assert cli("run", scenario, "--year", "2024", "--quiet").exit_code == 0
    sample = tmp_path / "utfall.csv"
    sample.write_bytes(examples.utfall_of("malmo-2024").read_bytes())
    assert cli("import", "utfall", sample, "-c", scenario).exit_code == 0
    assert cli("run", scenario, "--year", "2025", "--quiet").exit_code == 0
    report = cli.json_report("aterrapportering")
    assert {row["year"] for row in report["rows"]} == {2025}
    assert all(row["utfall_ore"] == 0 for row in report["rows"])  # nothing booked in 2025
    assert (
        "Utfall för 2024 visas inte: körning 2 beslutar inte budgeten för 2024; den finns i körning 1 "
        "(jobbsats report aterrapportering --run 1)."
    ) in report["paragraphs"]
    first = cli.json_report("aterrapportering", "--run", "1")
    asn = [
        r
        for r in first["rows"]
        if r["recipient_id"] == "ASN" and r.get("table", "aterrapportering") == "aterrapportering"
    ]
    assert sum(r["budget_ore"] for r in asn) == 22_056_000_00
