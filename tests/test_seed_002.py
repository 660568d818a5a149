"""Tables of seed 002 (the 2020 labour-market paper), reproduced by the bundled examples."""

from __future__ import annotations

import pytest

from jobbsats.money import format_amount

TKR = 100_000  # öre per thousand kronor

# Table 3, "Översikt kostnader ...", copied from the paper: (2020, 2021) in tkr; "-" is nothing.
TABLE_3 = {
    "Förstärkning personal AMA": (3_796, 20_594),
    "Förstärkning personal EBB": (450, 10_100),
    "Lönekostnader - ökat antal arbetsmarknadsanställda (och arbetsledning)": (1_500, 15_000),
    "Övriga kostnader AM-anställningar": (250, 1_500),
    "Budgettillskott ideell sektor (Boost och Hassela)": (3_500, 5_700),
    "Budgettillskott ideell sektor (nya, utökade samarbeten 2021)": (None, 5_000),
    "Kompetensutveckling och insatser för arbetsmarknadsanställda": (300, 500),
}


def test_table_3_cost_overview_in_tkr(cli):
    result = cli("run", "kostnader-2020-2021")
    assert result.exit_code == 0, result.output
    rows = cli.json_report("fordelning")["rows"]
    found = {}
    for r in rows:
        found.setdefault(r["label"], [None, None])[r["year"] - 2020] = r["amount_ore"] // TKR
    assert {label: tuple(v) for label, v in found.items()} == TABLE_3
    totals = {t["year"]: t["amount_ore"] // TKR for t in cli.json_report("fordelning")["totals"]}
    assert totals == {2020: 9_796, 2021: 58_394}
    out = result.stdout.replace("\u00a0", " ")
    assert "| 2020 (tkr) | 2021 (tkr) |" in out
    assert "| Förstärkning personal AMA | 3 796 | 20 594 |" in out
    assert "| **Summa** |  |  | **9 796** | **58 394** |" in out
    assert "2021: totalt 58 394 tkr." in out


def test_amounts_shown_in_tkr_and_mnkr():
    assert format_amount(979_600_000, "tkr", " ") == "9 796"
    assert format_amount(123_456, "tkr", " ") == "1,23456"
    assert format_amount(2_560_000_000, "mnkr", " ") == "25,6"
    assert format_amount(-50_000, "tkr", " ") == "-0,5"


# Table 1, "Antal anställda och fördelning av platser", copied from the paper: förvaltning,
# head count (april 2020) and "5,7 % av antal anställda per förvaltning".
TABLE_1 = {
    "STR": (11, 1), "SBK": (217, 12), "SERV": (1_652, 94), "FGK": (469, 27), "FRI": (399, 23),
    "MF": (183, 10), "STK": (332, 19), "KF": (597, 34), "GVF": (1_584, 90), "GSF": (6_095, 347),
    "FSKF": (4_683, 267), "HVOF": (5_318, 303), "ASF": (2_331, 133), "FSF": (2_719, 155),
}  # fmt: skip


def test_table_1_places_rounded_per_line(cli):
    result = cli("run", "platser-2020")
    assert result.exit_code == 0, result.output
    report = cli.json_report("fordelning")
    assert {r["recipient_id"]: r["amount"] for r in report["rows"]} == {k: v[1] for k, v in TABLE_1.items()}
    assert "amount_ore" not in report["rows"][0]  # places are not money
    # The rows make 1 515; the paper's total (5,7 % of 26 590 = 1 515,63) says 1 516.
    assert [(t["recipient"], t["amount"]) for t in report["totals"]] == [
        ("Summa 2020", 1_515),
        ("Avrundningsdifferens (totalen är 1\u00a0516)", -1),
    ]
    out = result.stdout.replace("\u00a0", " ")
    assert "raderna summerar till 1 515 platser, 1 platser mindre än de 1 516 platser som fördelades" in out
    points = cli.json_report("beslut")["rows"]
    assert (
        points[-1]["text"]
        == "Kommunstyrelsen tilldelar funktionsstödsförvaltningen 155 platser 2020 för Arbetsmarknadsanställningar."
    )
    assert (points[-1]["quantity"], points[-1]["unit"], points[-1]["amount_ore"]) == (155, "platser", None)


def test_table_1_by_largest_remainder_makes_1516(cli, tmp_path):
    from fractions import Fraction

    from jobbsats import examples

    text = examples.path_of("platser-2020").read_text(encoding="utf-8")
    path = tmp_path / "lr.toml"
    path.write_text(text.replace('rounding = "per_line"', 'rounding = "largest_remainder"'), encoding="utf-8")
    assert cli("run", path, "--quiet").exit_code == 0
    report = cli.json_report("fordelning")
    places = {r["recipient_id"]: r["amount"] for r in report["rows"]}
    assert sum(places.values()) == 1_516
    assert len(report["totals"]) == 1  # no difference to report
    heads = sum(v[0] for v in TABLE_1.values())
    for rid, (count, _) in TABLE_1.items():
        assert abs(places[rid] - Fraction(1_516 * count, heads)) < 1
    assert sum(v[1] for v in TABLE_1.values()) == 1_515  # the paper's rows, for comparison


@pytest.mark.parametrize(
    "old, new, message",
    [
        ("total = { 2020 = 1516 }", 'total = { 2020 = "1 516,5" }', "funds.platser.total.2020: '1 516,5' is not a whole number of platser"),
        ("total = { 2020 = 1516 }", "total = { 2020 = 1000 }", "rules[0]: the rate gives 1 516 platser for 2020, more than the 1 000 platser left"),
        ("STR = 11,", "STR = -11,", "rules[0].base.STR: must not be negative"),
        ("STR = 11,", "XYZ = 11,", "rules[0].base.XYZ: unknown recipient 'XYZ'"),
        ('rate = "5,7 %"', 'rate = "5,7 kr"', "rules[0].rate: '5,7 kr' is not a percentage"),
        ('rounding = "per_line"', 'rounding = "per_line"\nround_to = "0,5"', "rules[0].round_to: '0,5' is not a whole number of platser"),
    ],
)  # fmt: skip
def test_places_mistakes(cli, tmp_path, digest, old, new, message):
    from jobbsats import examples

    cli.prepare(("run", "--quiet"))
    before = digest(cli.db)
    text = examples.path_of("platser-2020").read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "bad.toml"
    path.write_text(text.replace(old, new), encoding="utf-8")
    result = cli("run", path)
    assert result.exit_code == 1
    assert message in result.stderr.replace("\u00a0", " ")
    assert "Traceback" not in result.output
    assert digest(cli.db) == before


# Table 2, "Lönekostnader-arbetsmarknadsanställningar volym", copied from the paper: per volume,
# the yearly wage cost of UVA (5 270 kr/month), OSA (7 300) and NYS (14 500), and their sum.
TABLE_2 = {
    10: (632_400, 876_000, 1_740_000, 3_248_400),
    20: (1_264_800, 1_752_000, 3_480_000, 6_496_800),
    30: (1_897_200, 2_628_000, 5_220_000, 9_745_200),
    40: (2_529_600, 3_504_000, 6_960_000, 12_993_600),
    50: (3_162_000, 4_380_000, 8_700_000, 16_242_000),
    100: (6_324_000, 8_760_000, 17_400_000, 32_484_000),
    200: (12_648_000, 17_520_000, 34_800_000, 64_968_000),
    300: (18_972_000, 26_280_000, 52_200_000, 97_452_000),
}
KR = 100


def test_table_2_wage_cost_per_volume(cli):
    result = cli("run", "lonekostnad-2020")
    assert result.exit_code == 0, result.output
    report = cli.json_report("fordelning")
    found = {}
    for r in report["rows"]:
        volume = int(r["fund_id"].removeprefix("volym_"))
        found.setdefault(volume, []).append(r["amount_ore"] // KR)
    sums = {int(t["fund_id"].removeprefix("volym_")): t["amount_ore"] // KR for t in report["totals"]}
    assert {v: (*lines, sums[v]) for v, lines in found.items()} == TABLE_2
    assert [r["label"] for r in report["rows"][:3]] == [
        "Utvecklingsanställning (UVA)", "Offentligt skyddad anställning (OSA)", "Nystartsjobb (NYS)",
    ]  # fmt: skip
    assert "Ej fördelat" not in result.stdout  # the lines fill each volume's total exactly


@pytest.mark.parametrize(
    "old, new, message",
    [
        ('total = { 2020 = "3 248 400" }', 'total = { 2020 = "3 248 399" }', "rules[0]: the costs for 2020 come to 3 248 400 kr, more than the 3 248 399 kr left"),
        ("monthly_cost = 5_270, volume = 10 }", "monthly_cost = 5_270, volume = 0.0001 }", "rules[0].kinds[0].volume: volume times cost is not a whole number of öre"),
        ('to = "ASF"\nmonths = 12\nkinds = [\n    { name = "Utvecklingsanställning (UVA)", monthly_cost = 5_270, volume = 10 }', 'to = "XSF"\nmonths = 12\nkinds = [\n    { name = "Utvecklingsanställning (UVA)", monthly_cost = 5_270, volume = 10 }', "rules[0].to: unknown recipient 'XSF'"),
        ("monthly_cost = 5_270, volume = 10 }", "monthly_cost = 5_270, volume = -10 }", "rules[0].kinds[0].volume: must not be negative"),
    ],
)  # fmt: skip
def test_wage_cost_mistakes(cli, tmp_path, old, new, message):
    from jobbsats import examples

    text = examples.path_of("lonekostnad-2020").read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "bad.toml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    result = cli("run", path)
    assert result.exit_code == 1
    assert message in result.stderr.replace("\u00a0", " ")
    assert not cli.db.exists()


def test_the_run_itself_reports_a_rounding_difference(cli):
    result = cli("run", "platser-2020", "--quiet")
    assert result.exit_code == 0
    assert (
        "Note: rules[0] (5,7 % av antal anställda) rounded per line in 2020: its rows make 1 515 platser "
        "against the total of 1 516 platser (-1 platser); fordelning shows it." in result.stderr
    )


PLACES = """
[scenario]
name = "Platser"
[recipients.A]
name = "a"
kind = "nämnd"
[recipients.B]
name = "b"
kind = "nämnd"
[funds.p]
name = "Platser"
unit = "platser"
total = { 2020 = "100 platser" }
[[rules]]
rule = "fixed"
[[rules.lines]]
to = "A"
amount = 10
[[rules.lines.grants]]
to = "B"
amount = 4
"""


@pytest.mark.parametrize(
    "old, new, message",
    [
        ("amount = 10", 'amount = "10 tkr"', "rules[0].lines[0].amount: '10 tkr': this fund counts platser, not tkr"),
        ('total = { 2020 = "100 platser" }', 'total = { 2020 = "100 kr" }', "funds.p.total.2020: '100 kr': this fund counts platser, not kr"),
        ("amount = 4", 'amount = "0,5"', "rules[0].lines[0].grants[0].amount: '0,5' is not a whole number of platser"),
        ('unit = "platser"', 'unit = "tkr"', 'funds.p.unit: a fund in kronor has unit = "kr"; to state it in tkr, write shown_in = "tkr"'),
        ('unit = "platser"', 'unit = "platser"\nshown_in = "tkr"', "funds.p.shown_in: is for funds in kronor; fund 'p' counts platser"),
    ],
)  # fmt: skip
def test_a_fund_that_counts_places_takes_no_money_words(cli, tmp_path, old, new, message):
    path = tmp_path / "p.toml"
    assert old in PLACES
    path.write_text(PLACES.replace(old, new), encoding="utf-8")
    result = cli("validate", path)
    assert result.exit_code == 1
    assert message in result.stderr


def test_places_and_kronor_words(cli, tmp_path):
    path = tmp_path / "p.toml"
    path.write_text(PLACES, encoding="utf-8")
    result = cli("validate", path)
    assert result.exit_code == 0, result.output
    assert "2 allocations: Platser 10 platser." in result.stdout.replace("\u00a0", " ")
    # unit = "kronor" is a fund in kronor: amounts in öre, money fields.
    path.write_text(
        PLACES.replace('unit = "platser"', 'unit = "kronor"').replace("100 platser", "100 kr"), encoding="utf-8"
    )
    assert cli("run", path, "--quiet").exit_code == 0
    rows = cli.json_report("fordelning")["rows"]
    assert [(r["recipient_id"], r["amount_ore"]) for r in rows] == [("A", 1_000), (None, 9_000)]


def test_bases_and_volumes_are_plain_numbers(cli, tmp_path):
    # 10 % of a base of 1/2 (kronor) is 0,05 kr; a volume of "1/3" NYS at 14 500 kr for 6 months is
    # 29 000 kr; "50 %" is no volume.
    text = """
[scenario]
name = "Bråk"
[recipients.A]
name = "a"
kind = "nämnd"
[funds.f]
name = "Fond"
total = { 2020 = 100_000 }
[[rules]]
rule = "rate"
rate = 10
round_to = "0,01"
base = { A = "1/2" }
[[rules]]
rule = "unit_cost"
to = "A"
months = 6
kinds = [{ name = "NYS", monthly_cost = 14_500, volume = "1/3" }]
"""
    path = tmp_path / "f.toml"
    path.write_text(text, encoding="utf-8")
    assert cli("run", path, "--quiet").exit_code == 0
    assert [r["amount_ore"] for r in cli.json_report("fordelning")["rows"]][:2] == [5, 2_900_000]
    path.write_text(text.replace('volume = "1/3"', 'volume = "50 %"'), encoding="utf-8")
    result = cli("validate", path)
    assert result.exit_code == 1 and "rules[1].kinds[0].volume: '50 %': write a plain number here" in result.stderr
