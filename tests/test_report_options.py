"""Issue 12, point 5: the built-in reports' own options, --recipient (repeatable), --fund and --quarters.

Figures are worked out from seed 000 (STK-2024-291): 40 000 000 kr in 2024; on ram ASN 9 000 000
(Ung i sommar), KS 500 000 (Ung i sommar) and KS 4 900 000, which KS grants on to Tillväxt Malmö
och Level; what is left, 40 000 000 - 9 000 000 - 500 000 - 4 900 000 = 25 600 000, by the key
ASN 51 % = 13 056 000, GVN 27 % = 6 912 000, FSN 16 % = 4 096 000, KS 6 % = 1 536 000.
The decision's points are 2-9 (1 is the preamble, 10-12 the closing points).

Utfall is the sample export shipped with the example (malmo-2024.utfall.csv): ASN 1 250 000 (January)
+ 4 100 000 (March) + 2 730 500,50 (June) - 150 000 (December) = 7 930 500,50; GVN 3 200 000 and
180 000 of other money (verksamhet 2100); FSN 2 048 000; KS 500 000 + 768 000 = 1 268 000; and the
4 900 000 KS paid Tillväxt Malmö och Level on account 4620, which is theirs.
"""

from __future__ import annotations

import re

import pytest

from jobbsats import examples

KR = 100  # öre per krona
KNOWN_RECIPIENTS = "ASN, FSN, GVN, KS, tillvaxt_level"


def plain(text: str) -> str:
    return text.replace("\u00a0", " ")


@pytest.fixture
def run_2024(cli):
    """The bundled 2024 decision, run, with its sample utfall imported."""
    cli.prepare(
        ("run", "malmo-2024", "--quiet"),
        ("import", "utfall", examples.utfall_of("malmo-2024"), "-c", examples.path_of("malmo-2024")),
    )
    return cli


# A second fund of 1 000 000 kr for GVN alone, after the seed's two rules (which then name their fund).
EXTRA_FUND = (
    (
        "[funds.sjs]",
        '[funds.extra]\nname = "Extramedel"\nwording = "ur reserven"\ntotal = { 2024 = 1_000_000 }\n\n[funds.sjs]',
    ),
    ('rule = "fixed"\nlabel = "Fasta belopp på ram"', 'rule = "fixed"\nfund = "sjs"\nlabel = "Fasta belopp på ram"'),
    (
        'rule = "percentage_key"\nlabel = "Fördelningsnyckel"',
        'rule = "percentage_key"\nfund = "sjs"\nlabel = "Fördelningsnyckel"',
    ),
    (
        "# --- Utfall",
        '[[rules]]\nrule = "fixed"\nfund = "extra"\nlabel = "Extra"\n\n'
        '[[rules.lines]]\nto = "GVN"\namount = 1_000_000\npurpose = "Extra insatser"\n\n# --- Utfall',
    ),
)


@pytest.fixture
def two_funds(cli, shared_example):
    """The 2024 decision plus the fund "extra" (1 000 000 kr to GVN), run, with the sample utfall imported."""
    path = shared_example("malmo-2024", *EXTRA_FUND)
    cli.prepare(("run", path, "--quiet"), ("import", "utfall", examples.utfall_of("malmo-2024"), "-c", path))
    return cli


# --- fordelning


def test_fordelning_for_one_recipient_shows_its_rows_and_their_sum(run_2024):
    report = run_2024.json_report("fordelning", "--recipient", "ASN")
    rows = [(r["recipient_id"], r["label"], r["amount_ore"]) for r in report["rows"]]
    assert rows == [("ASN", "Ung i sommar", 9_000_000 * KR), ("ASN", "", 13_056_000 * KR)]
    assert [r["rule"] for r in report["rows"]] == ["Fasta belopp på ram", "Fördelningsnyckel"]
    [total] = report["totals"]
    assert (total["recipient"], total["amount_ore"]) == ("Summa 2024", 22_056_000 * KR)
    assert "fund_total_ore" not in total  # a selection does not reconcile with the fund's 40 000 000
    assert "Urval: Arbetsmarknads- och socialnämnden." in " ".join(report["paragraphs"])


def test_fordelning_for_one_recipient_in_markdown(run_2024):
    result = run_2024("report", "fordelning", "--recipient", "ASN")
    assert result.exit_code == 0, result.output
    out = plain(result.stdout)
    assert "| 9 000 000 |" in out and "| 13 056 000 |" in out
    assert "**22 056 000**" in out
    assert "Ej fördelat" not in out and "40 000 000 |" not in out
    assert "Urval: Arbetsmarknads- och socialnämnden." in out


def test_fordelning_for_several_recipients(run_2024):
    report = run_2024.json_report("fordelning", "--recipient", "GVN", "--recipient", "FSN")
    assert sorted((r["recipient_id"], r["amount_ore"]) for r in report["rows"]) == [
        ("FSN", 4_096_000 * KR),
        ("GVN", 6_912_000 * KR),
    ]
    assert [t["amount_ore"] for t in report["totals"]] == [(6_912_000 + 4_096_000) * KR]
    assert "Urval: Gymnasie- och vuxenutbildningsnämnden, Funktionsstödsnämnden." in " ".join(report["paragraphs"])


def test_money_passed_on_is_shown_for_the_giver_and_for_the_receiver(run_2024):
    ks = run_2024.json_report("fordelning", "--recipient", "KS")
    assert [r["amount_ore"] for r in ks["rows"]] == [500_000 * KR, 4_900_000 * KR, 1_536_000 * KR]
    assert [t["amount_ore"] for t in ks["totals"]] == [(500_000 + 4_900_000 + 1_536_000) * KR]
    passed = [(r["passed_on_to"], r["passed_on_ore"]) for r in ks["rows"] if r["passed_on_to"]]
    assert passed == [("Tillväxt Malmö och Level", 4_900_000 * KR)]

    level = run_2024.json_report("fordelning", "--recipient", "tillvaxt_level")
    [row] = level["rows"]  # KS's row that passes the 4 900 000 on: as the whole report shows it
    assert (row["recipient_id"], row["amount_ore"], row["passed_on_ore"]) == ("KS", 4_900_000 * KR, 4_900_000 * KR)
    assert [t["amount_ore"] for t in level["totals"]] == [4_900_000 * KR]
    assert "Pengar som förs vidare visas hos både den som ger och den som tar emot." in level["paragraphs"]


def test_fordelning_unfiltered_still_reconciles_with_the_fund(run_2024):
    report = run_2024.json_report("fordelning")
    assert sum(r["amount_ore"] for r in report["rows"]) == 40_000_000 * KR
    [total] = report["totals"]
    assert (total["amount_ore"], total["fund_total_ore"]) == (40_000_000 * KR, 40_000_000 * KR)
    assert not any(p.startswith("Urval") for p in report["paragraphs"])


def test_fordelning_chart_has_only_the_selected_recipients(run_2024):
    from jobbsats.contracts import ReportOptions
    from jobbsats.ledger import open_ledger
    from jobbsats.ledger.view import LedgerView
    from jobbsats.reports.fordelning import Fordelning

    view = LedgerView(open_ledger(run_2024.db, must_exist=True))
    document = Fordelning().build(view, ReportOptions(values={"recipient": ("KS", "ASN")}))
    [chart] = document.charts
    # Scenario order; what each ends up with: KS 6 936 000 less the 4 900 000 it passes on.
    assert chart.categories == ("Arbetsmarknads- och socialnämnden", "Kommunstyrelsen")
    assert [s.values for s in chart.series] == [(22_056_000 * KR, 2_036_000 * KR)]


def test_an_unknown_recipient_is_refused_naming_the_known_ones(run_2024):
    for report in ("fordelning", "beslut", "aterrapportering"):
        result = run_2024("report", report, "--recipient", "ASN", "--recipient", "ASX")
        assert result.exit_code != 0, report
        assert "unknown recipient 'ASX'" in result.stderr
        assert f"(known: {KNOWN_RECIPIENTS})" in result.stderr
        assert result.stdout == ""


def test_an_unknown_fund_is_refused_naming_the_funds(two_funds):
    for report in ("fordelning", "beslut", "aterrapportering"):
        result = two_funds("report", report, "--fund", "sjz")
        assert result.exit_code != 0, report
        assert "unknown fund 'sjz'" in result.stderr
        assert "(known: extra, sjs)" in result.stderr


def test_an_option_a_report_does_not_take_is_refused(run_2024):
    result = run_2024("report", "fordelning", "--quarters")
    assert result.exit_code != 0
    assert "--quarters" in result.stderr
    result = run_2024("report", "beslut", "--quarters")
    assert result.exit_code != 0
    assert "--quarters" in result.stderr


def test_fordelning_of_one_fund_is_that_whole_fund(two_funds):
    extra = two_funds.json_report("fordelning", "--fund", "extra")
    assert [(r["fund_id"], r["recipient_id"], r["amount_ore"]) for r in extra["rows"]] == [
        ("extra", "GVN", 1_000_000 * KR)
    ]
    [total] = extra["totals"]
    assert (total["amount_ore"], total["fund_total_ore"]) == (1_000_000 * KR, 1_000_000 * KR)
    assert "Urval: fonden Extramedel." in extra["paragraphs"]
    assert not any("Strategiska jobbsatsningar" in p for p in extra["paragraphs"])

    sjs = two_funds.json_report("fordelning", "--fund", "sjs")
    assert {r["fund_id"] for r in sjs["rows"]} == {"sjs"}
    assert sum(r["amount_ore"] for r in sjs["rows"]) == 40_000_000 * KR
    assert [(t["amount_ore"], t["fund_total_ore"]) for t in sjs["totals"]] == [(40_000_000 * KR, 40_000_000 * KR)]


def test_fordelning_of_one_recipient_in_one_fund(two_funds):
    both = two_funds.json_report("fordelning", "--recipient", "GVN")
    assert sorted((r["fund_id"], r["amount_ore"]) for r in both["rows"]) == [
        ("extra", 1_000_000 * KR),
        ("sjs", 6_912_000 * KR),
    ]
    one = two_funds.json_report("fordelning", "--recipient", "GVN", "--fund", "sjs")
    assert [(r["fund_id"], r["amount_ore"]) for r in one["rows"]] == [("sjs", 6_912_000 * KR)]
    assert [t["amount_ore"] for t in one["totals"]] == [6_912_000 * KR]
    assert "Urval: Gymnasie- och vuxenutbildningsnämnden; fonden Strategiska jobbsatsningar." in " ".join(
        one["paragraphs"]
    )


# --- beslut


def points(result) -> dict[int, str]:
    assert result.exit_code == 0, result.output
    out = {}
    for line in plain(result.stdout).splitlines():
        m = re.match(r"^(\d+)\. (.*)$", line)
        if m:
            out[int(m.group(1))] = m.group(2)
    return out


def test_beslut_for_one_recipient_keeps_the_points_own_number(run_2024):
    printed = points(run_2024("report", "beslut", "--recipient", "GVN"))
    assert printed == {
        7: "Kommunstyrelsen tilldelar gymnasie- och vuxenutbildningsnämnden 6 912 000 kronor 2024 från "
        "kommunstyrelsens anslag till förfogande inom finansiering för Strategiska jobbsatsningar."
    }
    rows = run_2024.json_report("beslut", "--recipient", "GVN")["rows"]
    assert [(r["point"], r["amount_ore"]) for r in rows] == [(7, 6_912_000 * KR)]


def test_beslut_for_kommunstyrelsen_has_its_points_and_its_grant(run_2024):
    rows = run_2024.json_report("beslut", "--recipient", "KS")["rows"]
    # 3 Ung i sommar, 4 the transfer, 5 the grant it passes on, 9 its share of the key; no preamble nor closing.
    assert [(r["point"], r["amount_ore"]) for r in rows] == [
        (3, 500_000 * KR),
        (4, 4_900_000 * KR),
        (5, 4_900_000 * KR),
        (9, 1_536_000 * KR),
    ]
    level = run_2024.json_report("beslut", "--recipient", "tillvaxt_level")["rows"]
    assert [r["point"] for r in level] == [5]
    assert level[0]["text"].startswith("Kommunstyrelsen beviljar Tillväxt Malmö och Level 4 900 000 kronor")


def test_beslut_unfiltered_keeps_preamble_and_closing(run_2024):
    assert sorted(points(run_2024("report", "beslut"))) == list(range(1, 13))


def test_beslut_of_one_fund(two_funds):
    extra = two_funds.json_report("beslut", "--fund", "extra")
    # The extra fund's rule comes after the seed's, so its point follows 2-9.
    assert [(r["point"], r["recipient"], r["amount_ore"]) for r in extra["rows"]] == [
        (10, "gymnasie- och vuxenutbildningsnämnden", 1_000_000 * KR)
    ]
    gvn = two_funds.json_report("beslut", "--recipient", "GVN")
    assert [r["point"] for r in gvn["rows"]] == [7, 10]
    sjs = two_funds.json_report("beslut", "--fund", "sjs")
    assert [r["point"] for r in sjs["rows"]] == list(range(2, 10))


# --- aterrapportering


def of_table(rows: list[dict], name: str = "aterrapportering_mottagare") -> list[dict]:
    """aterrapportering's rows (or totals) of one table: per recipient (the default) or per purpose."""
    return [r for r in rows if r["table"] == name]


def test_aterrapportering_for_one_recipient_shows_only_it(run_2024):
    report = run_2024.json_report("aterrapportering", "--recipient", "ASN")
    [row] = of_table(report["rows"])
    assert row["recipient_id"] == "ASN"
    assert (row["budget_ore"], row["utfall_ore"], row["remaining_ore"]) == (
        22_056_000 * KR,
        7_930_500_50,
        22_056_000 * KR - 7_930_500_50,
    )
    # Its two purposes: Ung i sommar, and the key money, on which the sample books all of ASN's utfall.
    purposes = [
        (r["recipient_id"], r["purpose"], r["budget_ore"]) for r in of_table(report["rows"], "aterrapportering")
    ]
    assert purposes == [("ASN", "Ung i sommar", 9_000_000 * KR), ("ASN", "", 13_056_000 * KR)]
    [total] = of_table(report["totals"])
    assert (total["budget_ore"], total["utfall_ore"]) == (22_056_000 * KR, 7_930_500_50)
    text = " ".join(report["paragraphs"])
    assert "Urval: Arbetsmarknads- och socialnämnden." in text
    assert "Kommunstyrelsen" not in text and "Tillväxt" not in text
    result = run_2024("report", "aterrapportering", "--recipient", "ASN")
    assert result.exit_code == 0, result.output
    grid = [line for line in plain(result.stdout).splitlines() if line.startswith("| 2024")]
    # A row per purpose (two), then the one per recipient.
    assert len(grid) == 3 and all("Arbetsmarknads- och socialnämnden" in line for line in grid)


def test_aterrapportering_by_quarter_for_one_recipient(run_2024):
    report = run_2024.json_report("aterrapportering", "--recipient", "ASN", "--quarters")
    assert {r["recipient_id"] for r in report["rows"]} == {"ASN"}
    assert [(r["quarter"], r["utfall_ore"]) for r in of_table(report["rows"])] == [
        (1, (1_250_000 + 4_100_000) * KR),
        (2, 2_730_500_50),
        (3, 0),
        (4, -150_000 * KR),
    ]
    assert of_table(report["rows"])[-1]["to_date_ore"] == 7_930_500_50


def test_aterrapportering_for_the_giver_includes_what_it_passed_on(run_2024):
    report = run_2024.json_report("aterrapportering", "--recipient", "KS")
    rows = {r["recipient_id"]: (r["budget_ore"], r["utfall_ore"]) for r in of_table(report["rows"])}
    assert rows == {
        "KS": ((500_000 + 4_900_000 + 1_536_000 - 4_900_000) * KR, (500_000 + 768_000) * KR),
        "tillvaxt_level": (4_900_000 * KR, 4_900_000 * KR),
    }
    [total] = of_table(report["totals"])
    assert (total["budget_ore"], total["utfall_ore"]) == (6_936_000 * KR, 6_168_000 * KR)
    # The receiver alone: its own row, not the giver's.
    level = run_2024.json_report("aterrapportering", "--recipient", "tillvaxt_level")
    assert [r["recipient_id"] for r in of_table(level["rows"])] == ["tillvaxt_level"]


def test_aterrapportering_of_one_fund(two_funds):
    whole = {r["recipient_id"]: r for r in of_table(two_funds.json_report("aterrapportering")["rows"])}
    assert (whole["GVN"]["budget_ore"], whole["GVN"]["other_ore"]) == ((6_912_000 + 1_000_000) * KR, 180_000 * KR)

    sjs = two_funds.json_report("aterrapportering", "--fund", "sjs", "--recipient", "GVN")
    [row] = of_table(sjs["rows"])
    assert (row["budget_ore"], row["utfall_ore"], row["other_ore"]) == (6_912_000 * KR, 3_200_000 * KR, 0)
    assert "Annat utfall, som inte hör till någon fond, visas inte." in " ".join(sjs["paragraphs"])

    extra = two_funds.json_report("aterrapportering", "--fund", "extra")
    # Only GVN has money from the extra fund, and no utfall is mapped to it.
    assert [(r["recipient_id"], r["budget_ore"], r["utfall_ore"]) for r in of_table(extra["rows"])] == [
        ("GVN", 1_000_000 * KR, 0)
    ]
    assert "ur Extramedel 2024" in " ".join(extra["paragraphs"])


def test_aterrapportering_help_lists_its_options(cli):
    result = cli("report", "aterrapportering", "--help")
    assert result.exit_code == 0, result.output
    for option in ("--recipient", "--fund", "--quarters"):
        assert option in result.stdout, option
    for report, takes, refuses in (
        ("fordelning", ("--recipient", "--fund"), ("--quarters",)),
        ("beslut", ("--recipient", "--fund"), ("--quarters",)),
        ("projekt", ("--recipient", "--quarters"), ("--fund",)),
    ):
        out = cli("report", report, "--help").stdout
        assert all(o in out for o in takes), report
        assert not any(o in out for o in refuses), report


# --- projekt


# Arbetsförmedlingen (the owner of Malmökraften) as a recipient, and a second project of Region Skåne
# that Finsam alone finances: 1 200 000 kr over 2021, all of it that year.
PROJECTS = (
    (
        "[financiers.esf]",
        '[recipients.AF]\nname = "Arbetsförmedlingen"\nkind = "extern"\n\n'
        '[recipients.RS]\nname = "Region Skåne"\nkind = "extern"\n\n[financiers.esf]',
    ),
    (
        "[[rules]]",
        '[projects.annat]\nname = "Annat projekt"\nowner = "Region Skåne"\nstart = 2021-01-01\nend = 2021-12-31\n\n'
        '[[projects.annat.financing]]\nfinancier = "finsam"\namount = "1 200 000 kr"\nstatus = "ansökt"\n\n[[rules]]',
    ),
)


@pytest.fixture
def projects(cli, shared_example):
    cli.prepare(("run", shared_example("malmokraften-2020", *PROJECTS, name="projekt.toml"), "--quiet"))
    return cli


def test_projekt_for_a_financier_a_owner_and_a_participant(projects):
    def chosen(*args: str) -> set[str]:
        return {r["project"] for r in projects.json_report("projekt", *args)["rows"]}

    assert chosen() == {"malmokraften", "annat"}
    assert chosen("--recipient", "ASN") == {"malmokraften"}  # finances a line (staff time)
    assert chosen("--recipient", "AF") == {"malmokraften"}  # owns it
    assert chosen("--recipient", "RS") == {"malmokraften", "annat"}  # takes part in one, owns the other


def test_projekt_shows_a_chosen_project_whole(projects):
    report = projects.json_report("projekt", "--recipient", "ASN", "--year", "2021")
    per_financier = {r["financier_id"]: r["amount_ore"] for r in report["rows"]}
    # 12 of 30 months in 2021: ESF 44 000 000 * 12/30, Finsam 25 000 000 * 12/30, ASN 150 000 * 12/30.
    assert per_financier == {"esf": 17_600_000 * KR, "finsam": 10_000_000 * KR, "ASN": 60_000 * KR}
    text = " ".join(report["paragraphs"])
    assert "Urval: Arbetsmarknads- och socialnämnden." in text
    assert "Annat projekt" not in text


def test_projekt_quarters_with_a_recipient(projects):
    report = projects.json_report("projekt", "--recipient", "RS", "--quarters", "--year", "2021")
    annat = [(r["quarter"], r["amount_ore"]) for r in report["rows"] if r["project"] == "annat"]
    assert annat == [(q, 300_000 * KR) for q in (1, 2, 3, 4)]  # 1 200 000 / 4


def test_projekt_takes_no_fund(projects):
    result = projects("report", "projekt", "--fund", "sjs")
    assert result.exit_code != 0
    assert "--fund" in result.stderr


def test_projekt_refuses_a_financier_that_is_not_a_recipient(projects):
    result = projects("report", "projekt", "--recipient", "esf")
    assert result.exit_code != 0
    assert "unknown recipient 'esf'" in result.stderr and "(known: AF, ASN, RS)" in result.stderr
