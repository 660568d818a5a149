"""Financier groups (issue 14, point 4): a group's lines broken down by member, exactly, per period.

Finsam Malmö is a samordningsförbund: the state (through Försäkringskassan) pays 50 %, Region
Skåne 25 % and the municipalities 25 %. The bundled example ``malmokraften-2020`` shows the
members as a comment; these tests switch them on.
"""

from __future__ import annotations

from fractions import Fraction

from jobbsats.projects import split_periods

KR = 100
MEMBERS_COMMENTED = """# [financiers.finsam.members.staten]
# name = "Staten (via Försäkringskassan)"
# share = "50 %"
# [financiers.finsam.members.region]
# name = "Region Skåne"
# share = "25 %"
# [financiers.finsam.members.kommunerna]
# name = "Kommunerna"
# share = "25 %"
"""
MEMBERS = MEMBERS_COMMENTED.replace("# ", "")
GROUP = (MEMBERS_COMMENTED, MEMBERS)
STATEN, REGION, KOMMUNERNA = "Staten (via Försäkringskassan)", "Region Skåne", "Kommunerna"


def member_rows(report: dict) -> list[dict]:
    """The JSON holds every data table's rows in one list, each naming its table."""
    return [r for r in report["rows"] if r["table"] == "projekt_medlemmar"]


def member_totals(report: dict) -> list[dict]:
    return [t for t in report["totals"] if t["table"] == "projekt_medlemmar"]


def line_rows(report: dict) -> list[dict]:
    return [r for r in report["rows"] if r["table"] == "projekt"]


def per_member_year(rows: list[dict]) -> dict[str, dict[int, int]]:
    out: dict[str, dict[int, int]] = {}
    for r in rows:
        out.setdefault(r["member"], {})
        out[r["member"]][r["year"]] = out[r["member"]].get(r["year"], 0) + r["amount_ore"]
    return out


def test_finsam_as_a_group_splits_50_25_25_in_total_and_per_year(cli, example_file):
    """25 000 000 kr over 2020-01-01..2022-06-30: 30 months, 12 + 12 + 6.

    Per month 25 000 000 / 30 = 833 333,33... kr; per year (months weigh the same)
    2020: 25 000 000 * 12/30 = 10 000 000; 2021: 10 000 000; 2022: 25 000 000 * 6/30 = 5 000 000.
    Members 50/25/25 of each year:
      2020: 5 000 000 / 2 500 000 / 2 500 000   2021: the same   2022: 2 500 000 / 1 250 000 / 1 250 000
    Totals: 12 500 000 / 6 250 000 / 6 250 000 (= 25 000 000 * 1/2, 1/4, 1/4).
    """
    assert cli("run", example_file("malmokraften-2020", GROUP), "--quiet").exit_code == 0
    report = cli.json_report("projekt")
    rows = member_rows(report)
    years = per_member_year(rows)
    assert years == {
        STATEN: {2020: 5_000_000 * KR, 2021: 5_000_000 * KR, 2022: 2_500_000 * KR},
        REGION: {2020: 2_500_000 * KR, 2021: 2_500_000 * KR, 2022: 1_250_000 * KR},
        KOMMUNERNA: {2020: 2_500_000 * KR, 2021: 2_500_000 * KR, 2022: 1_250_000 * KR},
    }
    assert {t["member"]: t["amount_ore"] for t in member_totals(report)} == {
        STATEN: 12_500_000 * KR,
        REGION: 6_250_000 * KR,
        KOMMUNERNA: 6_250_000 * KR,
    }
    # Each year's members add up to that year's Finsam amount in the line table, exactly.
    finsam = {r["year"]: r["amount_ore"] for r in line_rows(report) if r["financier_id"] == "finsam"}
    for year, amount in finsam.items():
        assert sum(years[m][year] for m in years) == amount
    # The line table is untouched: Finsam is counted once there, the members once in their own table.
    assert sum(r["amount_ore"] for r in line_rows(report) if r["financier_id"] == "finsam") == 25_000_000 * KR


def test_quarters_add_up_per_quarter(cli, example_file):
    """2020 Q1: 3 months of 833 333,33... kr = 2 500 000 kr; members 1 250 000 / 625 000 / 625 000."""
    assert cli("run", example_file("malmokraften-2020", GROUP), "--quiet").exit_code == 0
    report = cli.json_report("projekt", "--quarters")
    rows = member_rows(report)
    first = {r["member"]: r["amount_ore"] for r in rows if (r["year"], r["quarter"]) == (2020, 1)}
    assert first == {STATEN: 1_250_000 * KR, REGION: 625_000 * KR, KOMMUNERNA: 625_000 * KR}
    lines = {(r["year"], r["quarter"]): r["amount_ore"] for r in line_rows(report) if r["financier_id"] == "finsam"}
    assert len(lines) == 10  # 2020 Q1 .. 2022 Q2
    for period, amount in lines.items():
        assert sum(r["amount_ore"] for r in rows if (r["year"], r["quarter"]) == period) == amount


def test_markdown_shows_the_members_under_the_group_and_in_the_summary(cli, example_file):
    assert cli("run", example_file("malmokraften-2020", GROUP), "--quiet").exit_code == 0
    md = cli("report", "projekt").stdout
    nb = "\u00a0"
    assert (
        f"Finsam Malmö betalas av {STATEN} 12{nb}500{nb}000{nb}kr (50 %), {REGION} 6{nb}250{nb}000{nb}kr (25 %) "
        f"och {KOMMUNERNA} 6{nb}250{nb}000{nb}kr (25 %)." in md
    )
    lines = md.splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("| Finsam Malmö | ansökt |"))
    assert lines[at + 1].startswith(f"| varav {STATEN} (50 %) |")
    assert lines[at + 2].startswith(f"| varav {REGION} (25 %) |")
    assert lines[at + 3].startswith(f"| varav {KOMMUNERNA} (25 %) |")
    # The per-year table's sums count Finsam once: 44 000 000 + 25 000 000 applied for in cash.
    assert "| **Summa ansökt, kontant** |  | **27 600 000** | **27 600 000** | **13 800 000** | **69 000 000** |" in (
        md.replace(nb, " ")
    )


def test_shares_that_do_not_split_an_ore_evenly_still_add_up_per_period():
    """1/3 each of 100 öre a month over 3 months, then 1 öre.

    Running totals 100, 200, 300, 301 öre, each split in thirds by largest remainder
    (ties: the one listed first):
      100 -> 34/33/33; 200 -> 66,67 each: 67/67/66; 300 -> 100/100/100; 301 -> 101/100/100.
    Pieces (differences): month 1 34/33/33, month 2 33/34/33, month 3 33/33/34, month 4 1/0/0.
    Each month adds up (100, 100, 100, 1); the members' totals 101/100/100 add up to 301
    and each is within one öre of 301/3 = 100,33.
    """
    third = Fraction(1, 3)
    months = {(2020, 1): 100, (2020, 2): 100, (2020, 3): 100, (2020, 4): 1}
    split = split_periods(months, [third, third, third])
    assert split == [
        {(2020, 1): 34, (2020, 2): 33, (2020, 3): 33, (2020, 4): 1},
        {(2020, 1): 33, (2020, 2): 34, (2020, 3): 33, (2020, 4): 0},
        {(2020, 1): 33, (2020, 2): 33, (2020, 3): 34, (2020, 4): 0},
    ]
    for month, amount in months.items():
        assert sum(member[month] for member in split) == amount
    assert [sum(member.values()) for member in split] == [101, 100, 100]


def test_an_odd_amount_in_thirds_over_the_example_adds_up_every_month(cli, example_file):
    """Finsam 25 000 000,01 kr (2 500 000 001 öre) in thirds over 30 months.

    A month is 2 500 000 001 / 30 = 83 333 333,37 öre: no month, and no third of one, is whole.
    Whatever the rounding, each period's thirds must add up to Finsam's amount in it, and the
    thirds' totals are 2 500 000 001 split by largest remainder: 833 333 334 / 833 333 334 / 833 333 333
    (the exact 833 333 333,67 each; the two öre over go to the first two listed).
    """
    thirds = (
        '[financiers.finsam.members.a]\nname = "A"\nshare = "1/3"\n'
        '[financiers.finsam.members.b]\nname = "B"\nshare = "1/3"\n'
        '[financiers.finsam.members.c]\nname = "C"\nshare = "1/3"\n'
    )
    path = example_file(
        "malmokraften-2020",
        (MEMBERS_COMMENTED, thirds),
        ('amount = "25 000 000 kr"', 'amount = "25 000 000,01 kr"'),
    )
    assert cli("run", path, "--quiet").exit_code == 0, cli("validate", path).output
    report = cli.json_report("projekt", "--quarters")
    rows = member_rows(report)
    lines = {(r["year"], r["quarter"]): r["amount_ore"] for r in line_rows(report) if r["financier_id"] == "finsam"}
    for period, amount in lines.items():
        assert sum(r["amount_ore"] for r in rows if (r["year"], r["quarter"]) == period) == amount
    assert [t["amount_ore"] for t in member_totals(report)] == [833_333_334, 833_333_334, 833_333_333]


def test_shares_summing_to_99_percent_are_refused(cli, example_file, watch_ledger):
    """50 + 25 + 24 = 99 %: one message with the file and the key path, and nothing written."""
    ledger = watch_ledger()
    path = example_file("malmokraften-2020", (MEMBERS_COMMENTED, MEMBERS.replace('"25 %"\n', '"24 %"\n', 1)))
    result = cli("run", path)
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert result.stderr.startswith(f"Error: {path}: ") and result.stderr.count("Error: ") == 1, result.stderr
    assert "financiers.finsam.members: the members' shares add up to 99 %, not 100 %" in result.stderr
    assert result.stdout == ""
    ledger.assert_unchanged()


def test_a_member_without_a_share_is_refused(cli, example_file):
    path = example_file("malmokraften-2020", (MEMBERS_COMMENTED, MEMBERS.replace('share = "50 %"\n', "", 1)))
    result = cli("run", path)
    assert result.exit_code == 1
    assert "financiers.finsam.members.staten.share" in result.stderr
