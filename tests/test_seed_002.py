"""Tables of seed 002 (the 2020 labour-market paper), reproduced by the bundled examples."""

from __future__ import annotations

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
