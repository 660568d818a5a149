"""Issue 14, point 6: a board's commitments to a co-financed project in its own aterrapportering.

The example ``malmokraften-2020`` is seed 001 (ASN-2019-12911): arbetsmarknads- och socialnämnden (ASN)
takes part in Malmökraften 2.0, 2020-01-01 to 2022-06-30, with staff time valued at 150 000 kr, in
kind, granted 2019-09-24 on the condition that ESF grants its money (ESF's line is still applied
for, so ASN's is villkorad). The cofinancing rule spreads a line by month, every whole month alike:
the 30 months are 12 in 2020, 12 in 2021 and 6 in 2022, so by hand

| year | share | ASN's line |
| --- | ---: | ---: |
| 2020 | 12/30 | 150 000 × 12/30 = 60 000 kr |
| 2021 | 12/30 | 60 000 kr |
| 2022 | 6/30 | 150 000 × 6/30 = 30 000 kr |

in all 150 000 kr. Those are commitments, never money spent: they are in the table "Åtaganden i
projekt" and in the board's paragraph, and never in the budget, utfall or remaining columns.
"""

from __future__ import annotations

import csv
import io

import pytest

from jobbsats import examples

KR = 100  # öre per krona
NB = "\u00a0"

ESF_APPLIED = 'amount = "44 000 000 kr"\nstatus = "ansökt"'
ESF_GRANTED = 'amount = "44 000 000 kr"\nstatus = "beviljad"\ndecided = 2020-03-12\nreference = "ESF-2020-17"'
ESF_REFUSED = 'amount = "44 000 000 kr"\nstatus = "avslag"\ndecided = 2020-03-12\nreference = "ESF-2020-17"'

BY_HAND = {2020: 60_000 * KR, 2021: 60_000 * KR, 2022: 30_000 * KR}


def commitments(report: dict) -> list[tuple]:
    """The rows of the table "Åtaganden i projekt", by the machine fields the issue names."""
    return [
        (r["year"], r["financier_id"], r["project_id"], r["in_kind"], r["state"], r["amount_ore"])
        for r in report["rows"]
        if r.get("table") == "aterrapportering_atagande"
    ]


def sentence(year: int, amount: str, clause: str) -> str:
    return (
        f"Arbetsmarknads- och socialnämnden har åtagit sig {amount}{NB}kr i annat än pengar i Malmökraften "
        f"{year}, {clause}; det räknas inte som utfall."
    )


def test_asn_staff_time_is_a_conditional_commitment_in_kind_per_year(cli):
    cli.prepare(("run", "malmokraften-2020", "--quiet"))
    report = cli.json_report("aterrapportering")
    assert commitments(report) == [
        (year, "ASN", "malmokraften", True, "villkorad", amount) for year, amount in BY_HAND.items()
    ]
    assert sum(BY_HAND.values()) == 150_000 * KR  # the line's amount, all of it
    [total] = [t for t in report["totals"] if t.get("table") == "aterrapportering_atagande"]
    assert (total["state"], total["kind"], total["amount_ore"]) == ("villkorad", "i annat än pengar", 150_000 * KR)
    paragraphs = report["paragraphs"]
    assert sentence(2020, f"60{NB}000", "villkorat av att ESF beviljar medel") in paragraphs
    assert sentence(2021, f"60{NB}000", "villkorat av att ESF beviljar medel") in paragraphs
    assert sentence(2022, f"30{NB}000", "villkorat av att ESF beviljar medel") in paragraphs
    # Nothing of it is money: the money tables have no rows.
    money = [r for r in report["rows"] if r.get("table") in ("aterrapportering", "aterrapportering_mottagare")]
    assert money == []


def test_the_markdown_table_says_in_kind_and_villkorad(cli):
    cli.prepare(("run", "malmokraften-2020", "--quiet"))
    out = cli("report", "aterrapportering").stdout
    assert "## Åtaganden i projekt" in out
    assert (
        f"| 2020 | Arbetsmarknads- och socialnämnden | Malmökraften 2.0 | 60{NB}000 | i annat än pengar | villkorad |"
        in out
    )
    assert (
        "Arbetsmarknads- och socialnämnden har åtagit sig 60\u00a0000\u00a0kr i annat än pengar i Malmökraften 2020, "
        "villkorat av att ESF beviljar medel; det räknas inte som utfall." in out
    )


def test_year_shows_that_years_part_only(cli):
    cli.prepare(("run", "malmokraften-2020", "--quiet"))
    report = cli.json_report("aterrapportering", "--year", "2022")
    assert commitments(report) == [(2022, "ASN", "malmokraften", True, "villkorad", 30_000 * KR)]
    assert [p for p in report["paragraphs"] if "åtagit sig" in p] == [
        sentence(2022, f"30{NB}000", "villkorat av att ESF beviljar medel")
    ]


def test_once_esf_grants_the_commitment_is_in_the_budget(cli, example_file):
    granted = example_file("malmokraften-2020", (ESF_APPLIED, ESF_GRANTED), name="beviljad.toml")
    assert cli("run", granted, "--quiet").exit_code == 0
    report = cli.json_report("aterrapportering")
    assert commitments(report) == [
        (year, "ASN", "malmokraften", True, "i budget", amount) for year, amount in BY_HAND.items()
    ]
    assert sentence(2021, f"60{NB}000", "i budget sedan ESF beviljat medel") in report["paragraphs"]
    assert not [r for r in report["rows"] if r.get("table") == "aterrapportering"]


def test_when_esf_refuses_the_commitment_drops_out_and_says_why(cli, example_file):
    refused = example_file("malmokraften-2020", (ESF_APPLIED, ESF_REFUSED), name="avslag.toml")
    assert cli("run", refused, "--quiet").exit_code == 0
    report = cli.json_report("aterrapportering", "--year", "2020")
    assert commitments(report) == [(2020, "ASN", "malmokraften", True, "utgår", 60_000 * KR)]
    assert (
        sentence(
            2020,
            f"60{NB}000",
            "men åtagandet utgår (villkoret att Europeiska socialfonden (ESF) beviljar medel uppfylls inte: "
            "avslag 2020-03-12, ESF-2020-17)",
        )
        in report["paragraphs"]
    )


# --- The 2024 decision (seed 000) with Malmökraften moved into 2024: money and commitments side by side.
# ASN's in kind line (150 000 kr, conditional on ESF) is all 2024's, and a cash line of 120 000 kr,
# granted without a condition, is added.

ASN_CASH = """[[projects.malmokraften.financing]]
financier = "ASN"
amount = "120 000 kr"
status = "beviljad"
decided = 2023-11-20

[[rules]]
rule = "cofinancing\""""


@pytest.fixture
def with_project(shared_file):
    """Two files of the 2024 decision: as it is, and with the project (returns both paths; shared_file's, so
    that two_runs's ledger is made once and copied)."""
    text = examples.path_of("malmo-2024").read_text(encoding="utf-8")
    project = examples.path_of("malmokraften-2020").read_text(encoding="utf-8")
    block = project[project.index("[financiers.esf]") :]
    block = block.replace("2020-01-01", "2024-01-01").replace("2022-06-30", "2024-12-31")
    block = block.replace('[[rules]]\nrule = "cofinancing"', ASN_CASH)
    cut = text.index("# --- Utfall")
    return shared_file("plain.toml", text), shared_file("project.toml", text[:cut] + block + "\n" + text[cut:])


@pytest.fixture
def two_runs(cli, with_project):
    """Run 1: the decision alone; its sample utfall imported; run 2: the same with the project."""
    plain, both = with_project
    cli.prepare(
        ("run", plain, "--quiet"),
        ("import", "utfall", examples.utfall_of("malmo-2024"), "-c", plain),
        ("run", both, "--quiet"),
    )
    return cli


def money(report: dict) -> tuple[list, list]:
    tables = ("aterrapportering", "aterrapportering_mottagare")
    return (
        [r for r in report["rows"] if r.get("table") in tables],
        [t for t in report["totals"] if t.get("table") in tables],
    )


def test_commitments_never_change_the_money_tables(two_runs):
    before = two_runs.json_report("aterrapportering", "--run", "1")
    after = two_runs.json_report("aterrapportering", "--run", "2")
    assert commitments(before) == []
    assert commitments(after) == [
        (2024, "ASN", "malmokraften", True, "villkorad", 150_000 * KR),
        (2024, "ASN", "malmokraften", False, "i budget", 120_000 * KR),
    ]
    rows, totals = money(after)
    assert (rows, totals) == money(before)
    assert rows  # the money is there: 40 000 000 kr in all, with the sample's utfall
    [total] = [t for t in totals if t["table"] == "aterrapportering_mottagare"]
    assert total["budget_ore"] == 40_000_000 * KR
    # ASN's paragraph is its paragraph of run 1, then what it has committed itself to.
    [asn_before] = [p for p in before["paragraphs"] if p.startswith("Arbetsmarknads- och socialnämnden tilldelades")]
    [asn_after] = [p for p in after["paragraphs"] if p.startswith("Arbetsmarknads- och socialnämnden tilldelades")]
    assert asn_after == (
        f"{asn_before} Arbetsmarknads- och socialnämnden har åtagit sig 150{NB}000{NB}kr i annat än pengar i "
        "Malmökraften 2024, villkorat av att ESF beviljar medel; det räknas inte som utfall. "
        f"Arbetsmarknads- och socialnämnden har åtagit sig 120{NB}000{NB}kr kontant i Malmökraften 2024, i budget; "
        "det räknas inte som utfall."
    )


def test_a_recipient_without_project_lines_has_no_commitments(two_runs):
    gvn = two_runs.json_report("aterrapportering", "--recipient", "GVN")
    assert commitments(gvn) == []
    assert not any("åtagit sig" in p for p in gvn["paragraphs"])
    asn = two_runs.json_report("aterrapportering", "--recipient", "ASN")
    assert [c[-1] for c in commitments(asn)] == [150_000 * KR, 120_000 * KR]
    every = two_runs.json_report("aterrapportering")
    assert {c[1] for c in commitments(every)} == {"ASN"}  # GVN, FSN, KS and Tillväxt Malmö och Level have none


def test_a_commitment_belongs_to_no_fund(two_runs):
    report = two_runs.json_report("aterrapportering", "--fund", "sjs")
    assert commitments(report) == []


def test_csv_rows_carry_the_machine_fields(two_runs):
    out = two_runs("report", "aterrapportering", "-f", "csv").stdout
    rows = list(csv.DictReader(io.StringIO(out)))
    for key in ("project_id", "financier_id", "in_kind", "state", "amount_ore"):
        assert key in rows[0]
    [in_kind] = [r for r in rows if r["table"] == "aterrapportering_atagande" and r["in_kind"] == "True"]
    assert (in_kind["project_id"], in_kind["financier_id"], in_kind["state"], in_kind["amount_ore"]) == (
        "malmokraften",
        "ASN",
        "villkorad",
        str(150_000 * KR),
    )
