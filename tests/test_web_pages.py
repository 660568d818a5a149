"""A department's start page (issue 17, point 2): its figures by hand, the same figures three ways, and the pages
over Datasette's in-process client (no server process: tests/test_serve.py starts the real one).

Three ledgers, built once for the module:

* the bundled 2024 example with its sample utfall (hand-worked as in tests/test_web_views.py): 40 000 000 kr;
  fixed lines ASN 9 000 000 (Ung i sommar), KS 500 000 (Ung i sommar), KS 4 900 000 passed on to Tillväxt
  Malmö och Level; the rest, 25 600 000, by the key ASN 51 % = 13 056 000, GVN 27 % = 6 912 000, FSN 16 % =
  4 096 000, KS 6 % = 1 536 000. The sample books ASN (ansvar 31*, verksamhet 7150, the fund's own)
  1 250 000 + 4 100 000 + 2 730 500,50 - 150 000 = 7 930 500,50 kr; its last booking day is 2024-12-31;
* ``ledger_b``, one year (2025) of a fund of 10 000 000 kr, recorded twice: the first run keys AMN 50, UBN 25,
  ÖFN 15, GAMLA 10; the revised run drops GAMLA and keys AMN 60, UBN 25, ÖFN 15. Its utfall is imported
  twice under the same file name, the second with --replace (a negative booking, rows with öre);
* ``ledger_c``, two years (2025 and 2026) of a fund whose KFN passes a line on to an association, utfall
  for 2025 only, booked up to 4 January (so that the linear forecast × 365 / 4 ends in halves and quarters
  of an öre), and a board's own forecast for one line, imported twice (the newer one counts).
"""

from __future__ import annotations

import asyncio
import datetime
import json
import re
import sqlite3
import urllib.parse
from contextlib import closing, contextmanager
from fractions import Fraction
from pathlib import Path

import pytest

pytest.importorskip("datasette")

from datasette.app import Datasette  # noqa: E402
from datasette.plugins import pm  # noqa: E402

from jobbsats import examples, plugins  # noqa: E402
from jobbsats.cli.serve import metadata  # noqa: E402
from jobbsats.money import round_half_up  # noqa: E402
from jobbsats.web import safety  # noqa: E402
from jobbsats.web.department import department, departments  # noqa: E402

NBSP = "\u00a0"
EXAMPLE = "Strategiska jobbsatsningar 2024"
SJS = "Strategiska jobbsatsningar"
B = "Arbetsmarknadsmedel 2025"
C = "Ung framtid 2025-2026"


def sv(text: str) -> str:
    """An amount written here with plain spaces ("13 056 000 kr") as jobbsats shows it, with no-break spaces."""
    return text.replace(" ", NBSP)


def jobbsats(db: Path, *args: str | Path):
    """``jobbsats ARGS`` on the ledger ``db``, in-process, built-in plugins only; a failure fails the test."""
    from click.testing import CliRunner

    from jobbsats.cli import cli

    plugins.reset()
    result = CliRunner().invoke(cli, [str(a) for a in args], env={"JOBBSATS_DB": str(db), "JOBBSATS_LOAD_PLUGINS": ""})
    assert result.exit_code == 0, result.output
    return result


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


# -- the ledgers ------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def example(tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("example") / "jobbsats.db"
    jobbsats(db, "run", examples.path_of("malmo-2024"), "--quiet")
    jobbsats(db, "import", "utfall", examples.utfall_of("malmo-2024"), "-c", examples.path_of("malmo-2024"), "-q")
    return db


LEDGER_B = """
[scenario]
name = "Arbetsmarknadsmedel 2025"

[recipients.AMN]
name = "arbetsmarknadsnämnden"
kind = "nämnd"

[recipients.UBN]
name = "utbildningsnämnden"
kind = "nämnd"

[recipients."ÖFN"]
name = "överförmyndarnämnden"
kind = "nämnd"
GAMLA_RECIPIENT
[funds.am]
name = "Arbetsmarknadsmedel"
total = { 2025 = 10_000_000 }

[[rules]]
rule = "fixed"
label = "Fasta belopp"

[[rules.lines]]
to = "UBN"
amount = 1_500_000
purpose = "Sommarjobb"

[[rules]]
rule = "percentage_key"
label = "Nyckel"
KEY

[utfall]
columns = { date = "Datum", account = "Konto", ansvar = "Ansvar", verksamhet = "Verksamhet", amount = "Belopp", text = "Text" }
accounts = ["4*", "5*"]

[utfall.ansvar]
"41*" = "AMN"
"42*" = "UBN"
"43*" = "ÖFN"

[[utfall.map]]
match = { verksamhet = "8810" }
fund = "am"
purpose = "Sommarjobb"

[[utfall.map]]
match = { verksamhet = "8800" }
fund = "am"
"""

# The first export: superseded by the second, so none of it counts, nor its last day (2025-06-30).
UTFALL_B_FIRST = """Datum;Konto;Ansvar;Verksamhet;Belopp;Text
2025-01-31;5010;4110;8800;1 000 000,00;Lön jan
2025-03-31;5010;4110;8800;2 345 678,91;Lön feb-mar
2025-02-14;4010;4210;8800;400 000,00;Kurser
2025-06-30;4010;4210;8810;999 999,00;Sommarjobb (preliminärt)
"""

# The corrected export, same file name, imported with --replace. Last booking day 2025-05-15.
UTFALL_B = """Datum;Konto;Ansvar;Verksamhet;Belopp;Text
2025-01-31;5010;4110;8800;1 000 000,00;Lön Anna jan
2025-03-31;5010;4110;8800;2 345 678,91;Lön feb-mar
2025-04-30;5010;4110;8800;-25 000,50;Rättelse
2025-02-14;4010;4210;8800;400 000,00;Kurser
2025-05-15;4010;4210;8810;120 000,25;Sommarjobb, förskott
2025-03-10;4010;4310;8800;75 000,00;Utbildning
2025-04-01;4010;4110;8810;10 000,00;Sommarjobb utan egen budget
"""


@pytest.fixture(scope="module")
def ledger_b(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("ledger_b")
    db = folder / "jobbsats.db"
    gamla = '\n[recipients.GAMLA]\nname = "gamla nämnden"\nkind = "nämnd"\n'
    first = LEDGER_B.replace("GAMLA_RECIPIENT", gamla).replace(
        "KEY", 'key = { AMN = 50, UBN = 25, "ÖFN" = 15, GAMLA = 10 }'
    )
    revised = LEDGER_B.replace("GAMLA_RECIPIENT", "").replace("KEY", 'key = { AMN = 60, UBN = 25, "ÖFN" = 15 }')
    jobbsats(db, "run", write(folder / "first.toml", first), "--quiet")
    config = write(folder / "revised.toml", revised)
    jobbsats(db, "run", config, "--quiet")
    jobbsats(db, "import", "utfall", write(folder / "utfall-2025.csv", UTFALL_B_FIRST), "-c", config, "-q")
    result = jobbsats(
        db, "import", "utfall", write(folder / "rättad" / "utfall-2025.csv", UTFALL_B), "-c", config, "-q", "--replace"
    )
    assert "It supersedes batch 1." in result.output
    return db


LEDGER_C = """
[scenario]
name = "Ung framtid 2025-2026"

[decision]
ref = "KS-2024-77"
decider = "Kommunstyrelsen"

[recipients.SN]
name = "socialnämnden"
kind = "nämnd"

[recipients.KFN]
name = "kulturnämnden"
kind = "nämnd"

[recipients.KULT]
name = "Kulturföreningen Gnistan"
kind = "extern"

[funds.uf]
name = "Ung framtid"
total = { 2025 = 3_000_000, 2026 = 3_200_000 }

[[rules]]
rule = "fixed"
label = "Fasta belopp"

[[rules.lines]]
to = "SN"
amount = 200_000
purpose = "Feriearbete"

[[rules.lines]]
to = "KFN"
amount = 300_000
purpose = "Kulturgaranti"
action = "överför"

[[rules.lines.grants]]
to = "KULT"

[[rules]]
rule = "percentage_key"
label = "Nyckel"
key = { SN = 70, KFN = 30 }

[utfall]
columns = { date = "Datum", account = "Konto", ansvar = "Ansvar", verksamhet = "Verksamhet", amount = "Belopp" }
accounts = ["4*", "5*"]

[utfall.ansvar]
"51*" = "SN"
"52*" = "KFN"

[[utfall.map]]
match = { verksamhet = "9020", account = "4620" }
fund = "uf"
recipient = "KULT"
purpose = "Kulturgaranti"

[[utfall.map]]
match = { verksamhet = "9010" }
fund = "uf"
purpose = "Feriearbete"

[[utfall.map]]
match = { verksamhet = "9000" }
fund = "uf"
"""

# Booked 2 to 4 January 2025 only: the cut day is 2025-01-04, day 4 of 365. Nothing for 2026.
UTFALL_C = """Datum;Konto;Ansvar;Verksamhet;Belopp
2025-01-02;5010;5110;9000;1 000 000,00
2025-01-03;5010;5110;9000;234 567,02
2025-01-03;5010;5110;9010;5 000,00
2025-01-02;4010;5210;9000;100 000,00
2025-01-04;4010;5210;9000;-150 000,01
2025-01-04;4620;5210;9020;-30 000,02
"""

BOARD_FIRST = """recipient;fund;purpose;amount;comment
SN;uf;Feriearbete;180 000;Första bedömningen
"""
BOARD = """mottagare;fond;ändamål;belopp;kommentar
SN;uf;Feriearbete;150 000,50;Färre feriearbeten än planerat
"""


@pytest.fixture(scope="module")
def ledger_c(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("ledger_c")
    db = folder / "jobbsats.db"
    config = write(folder / "ung-framtid.toml", LEDGER_C)
    jobbsats(db, "run", config, "--quiet")
    jobbsats(db, "import", "utfall", write(folder / "utfall-jan.csv", UTFALL_C), "-c", config, "-q")
    jobbsats(db, "import", "prognos", write(folder / "prognos-1.csv", BOARD_FIRST), "--year", "2025")
    result = jobbsats(db, "import", "prognos", write(folder / "prognos-2.csv", BOARD), "--year", "2025")
    assert "It overrides 1 line of forecast batch 1." in result.output
    return db


@contextmanager
def connected(db: Path):
    with closing(sqlite3.connect(db)) as conn:
        yield conn


def lines_of(conn, recipient: str) -> dict[tuple[int, str], tuple]:
    """A recipient's page lines: (year, purpose) -> (budget, utfall, remaining, forecast, method)."""
    page = department(conn, recipient)
    return {
        (y.year, line.purpose): (line.budget, line.utfall, line.remaining, line.forecast, line.method)
        for y in page.years
        for line in y.lines
    }


# -- 1. the page's figures by hand ------------------------------------------------------------------------------


def test_the_example_asn_page_has_the_hand_worked_figures(example):
    with connected(example) as conn:
        page = department(conn, "ASN")
        lines = lines_of(conn, "ASN")
        listed = departments(conn)
        assert department(conn, "NOPE") is None
        assert department(conn, "asn") is None  # ids are exact
    assert (page.id, page.name, page.kind) == ("ASN", "Arbetsmarknads- och socialnämnden", "nämnd")
    assert page.runs == {EXAMPLE: 1}
    [year] = page.years
    assert (year.scenario, year.year, year.run_id) == (EXAMPLE, 2024, 1)
    # The cut day is the last day the current batch books on in 2024: the correction of 31 December. 2024 is a
    # leap year (31+29+31+30+31+30+31+31+30+31+30+31 = 366 days) and 2024-12-31 its day 366, so the linear
    # forecast is utfall × 366 / 366: the utfall itself.
    assert year.cut_day == "2024-12-31"
    assert {line.fund_id for line in year.lines} == {"sjs"} and {line.fund for line in year.lines} == {SJS}
    assert lines == {
        # 25 600 000 × 51 % = 13 056 000 kr; 1 250 000 + 4 100 000 + 2 730 500,50 - 150 000 = 7 930 500,50 kr
        # booked; 13 056 000 - 7 930 500,50 = 5 125 499,50 kr left.
        (2024, ""): (1_305_600_000, 7_930_500_50, 5_125_499_50, 7_930_500_50, "linear"),
        # The fixed line: nothing booked on it (every ASN row is the fund's own); linear from 0 is 0.
        (2024, "Ung i sommar"): (900_000_000, 0, 900_000_000, 0, "linear"),
    }
    # 9 000 000 + 13 056 000 = 22 056 000 kr; left 22 056 000 - 7 930 500,50 = 14 125 499,50 kr.
    assert (year.total("budget"), year.total("utfall"), year.total("remaining"), year.total("forecast")) == (
        2_205_600_000,
        7_930_500_50,
        1_412_549_950,
        7_930_500_50,
    )
    allocated = [
        (a.scenario, a.year, a.fund, a.purpose, a.amount, a.unit, a.via, a.rule, a.point) for a in page.allocations
    ]
    assert allocated == [
        (EXAMPLE, 2024, SJS, "Ung i sommar", 900_000_000, "kr", None, "Fasta belopp på ram", 2),
        (EXAMPLE, 2024, SJS, "", 1_305_600_000, "kr", None, "Fördelningsnyckel", 6),
    ]
    assert {a.decision_ref for a in page.allocations} == {"STK-2024-291"}
    assert page.projects == []
    # Every recipient of the run, in the scenario file's order, its name as it starts a line.
    assert listed == [
        (EXAMPLE, "ASN", "Arbetsmarknads- och socialnämnden"),
        (EXAMPLE, "GVN", "Gymnasie- och vuxenutbildningsnämnden"),
        (EXAMPLE, "FSN", "Funktionsstödsnämnden"),
        (EXAMPLE, "KS", "Kommunstyrelsen"),
        (EXAMPLE, "tillvaxt_level", "Tillväxt Malmö och Level"),
    ]


def test_the_example_other_pages_by_hand(example):
    with connected(example) as conn:
        # GVN: 27 % of 25 600 000 = 6 912 000 kr; booked 3 200 000 on verksamhet 7150. Its 180 000 kr on
        # verksamhet 2100 is other money (no fund) and no line of the page.
        assert lines_of(conn, "GVN") == {(2024, ""): (691_200_000, 320_000_000, 371_200_000, 320_000_000, "linear")}
        # KS: 6 % = 1 536 000 kr on the fund's own, booked 500 000 + 768 000 = 1 268 000; Ung i sommar 500 000.
        # Its 4 900 000 kr is passed on: no line of KS's, but Tillväxt Malmö och Level's, booked in full.
        assert lines_of(conn, "KS") == {
            (2024, ""): (153_600_000, 126_800_000, 26_800_000, 126_800_000, "linear"),
            (2024, "Ung i sommar"): (50_000_000, 0, 50_000_000, 0, "linear"),
        }
        assert lines_of(conn, "tillvaxt_level") == {
            (2024, "Tillväxt Malmö & Level"): (490_000_000, 490_000_000, 0, 490_000_000, "linear")
        }
        [via] = department(conn, "tillvaxt_level").allocations
        assert (via.via, via.amount, via.purpose) == ("kommunstyrelsen", 490_000_000, "Tillväxt Malmö & Level")


def test_ledger_b_pages_follow_the_newest_run_and_the_current_batch(ledger_b):
    with connected(ledger_b) as conn:
        # Only the revised run's recipients (GAMLA was dropped), with Ö upper-cased as it starts a line.
        assert departments(conn) == [
            (B, "AMN", "Arbetsmarknadsnämnden"),
            (B, "UBN", "Utbildningsnämnden"),
            (B, "ÖFN", "Överförmyndarnämnden"),
        ]
        assert department(conn, "GAMLA") is None
        amn = department(conn, "AMN")
        assert amn.runs == {B: 2}
        [year] = amn.years
        # The first batch's 2025-06-30 is superseded: the cut day is the corrected export's last, 2025-05-15,
        # day 31 + 28 + 31 + 30 + 15 = 135 of 365 (2025 is no leap year). Each forecast is utfall × 365 / 135.
        assert (year.run_id, year.cut_day) == (2, "2025-05-15")
        # 10 000 000 - 1 500 000 (UBN's Sommarjobb) = 8 500 000 by the revised key: AMN 60 % = 5 100 000,
        # UBN 25 % = 2 125 000, ÖFN 15 % = 1 275 000.
        # AMN booked 1 000 000,00 + 2 345 678,91 - 25 000,50 = 3 320 678,41 kr = 332 067 841 öre;
        # × 365 / 135 = 24 240 952 393 / 27 = 897 813 051,59… -> 897 813 052.
        # On Sommarjobb, which AMN has no budget for, 10 000 kr: × 365 / 135 = 73 000 000 / 27 = 2 703 703,70…
        assert lines_of(conn, "AMN") == {
            (2025, ""): (510_000_000, 332_067_841, 510_000_000 - 332_067_841, 897_813_052, "linear"),
            (2025, "Sommarjobb"): (0, 1_000_000, -1_000_000, 2_703_704, "linear"),
        }
        # UBN: 400 000 kr -> 40 000 000 × 73 / 27 = 108 148 148,1…; Sommarjobb 120 000,25 kr -> 12 000 025 × 73
        # / 27 = 876 001 825 / 27 = 32 444 512,03…
        assert lines_of(conn, "UBN") == {
            (2025, ""): (212_500_000, 40_000_000, 172_500_000, 108_148_148, "linear"),
            (2025, "Sommarjobb"): (150_000_000, 12_000_025, 137_999_975, 32_444_512, "linear"),
        }
        # ÖFN: 75 000 kr -> 7 500 000 × 73 / 27 = 547 500 000 / 27 = 20 277 777,7…
        assert lines_of(conn, "ÖFN") == {(2025, ""): (127_500_000, 7_500_000, 120_000_000, 20_277_778, "linear")}
        assert [a.amount for a in amn.allocations] == [510_000_000]  # the current run's allocation only


def test_ledger_c_board_forecast_and_a_year_without_utfall(ledger_c):
    with connected(ledger_c) as conn:
        assert departments(conn) == [
            (C, "SN", "Socialnämnden"),
            (C, "KFN", "Kulturnämnden"),
            (C, "KULT", "Kulturföreningen Gnistan"),
        ]
        sn = department(conn, "SN")
        y2025, y2026 = sn.years
        assert (y2025.year, y2025.cut_day, y2026.year, y2026.cut_day) == (2025, "2025-01-04", 2026, None)
        # 2025: 3 000 000 - 200 000 - 300 000 = 2 500 000 by the key: SN 70 % = 1 750 000, KFN 30 % = 750 000.
        # 2026: 3 200 000 - 500 000 = 2 700 000: SN 1 890 000, KFN 810 000.
        # SN's own: 1 000 000 + 234 567,02 = 1 234 567,02 kr, × 365 / 4 (see the rounding test).
        # Feriearbete: 5 000 kr booked, but the board's newest file says 150 000,50 kr: it takes the place of
        # the computed 500 000 × 365 / 4 = 45 625 000 öre, and of the board's first file (180 000 kr).
        got = {(y.year, ln.purpose): (ln.budget, ln.utfall, ln.forecast, ln.method, ln.comment) for y in sn.years
               for ln in y.lines}  # fmt: skip
        assert got == {
            (2025, ""): (175_000_000, 123_456_702, 11_265_424_058, "linear", ""),
            (2025, "Feriearbete"): (20_000_000, 500_000, 15_000_050, "board", "Färre feriearbeten än planerat"),
            # No utfall booked in 2026: nothing to project, no forecast.
            (2026, ""): (189_000_000, 0, None, "none", ""),
            (2026, "Feriearbete"): (20_000_000, 0, None, "none", ""),
        }
        assert y2026.total("forecast") is None and y2026.total("budget") == 209_000_000
        # KFN passes its 300 000 kr Kulturgaranti on to KULT: no line of KFN's, but allocated to it, and KULT's
        # line is there each year.
        assert {k[1] for k in lines_of(conn, "KFN")} == {""}
        kfn = department(conn, "KFN")
        assert [(a.year, a.purpose, a.amount) for a in kfn.allocations if a.purpose == "Kulturgaranti"] == [
            (2025, "Kulturgaranti", 30_000_000),
            (2026, "Kulturgaranti", 30_000_000),
        ]
        kult = department(conn, "KULT")
        assert kult.kind == "extern"
        assert {(a.year, a.via, a.amount) for a in kult.allocations} == {
            (2025, "kulturnämnden", 30_000_000),
            (2026, "kulturnämnden", 30_000_000),
        }


# -- 2. the same figures three ways -----------------------------------------------------------------------------

Key = tuple[int, str, str, str]  # (year, recipient id, fund id, purpose)


def from_pages(conn) -> tuple[dict[Key, tuple], dict[int, str | None]]:
    """Every line of every start page: (budget, utfall, remaining, forecast, method); and each year's cut day."""
    lines: dict[Key, tuple] = {}
    cuts: dict[int, set] = {}
    for _scenario, rid, _name in departments(conn):
        for y in department(conn, rid).years:
            cuts.setdefault(y.year, set()).add(y.cut_day)
            for ln in y.lines:
                key = (y.year, rid, ln.fund_id, ln.purpose)
                assert key not in lines, key
                lines[key] = (ln.budget, ln.utfall, ln.remaining, ln.forecast, ln.method)
    assert all(len(days) == 1 for days in cuts.values()), cuts  # one cut day per year, whoever's page
    return lines, {year: days.pop() for year, days in cuts.items()}


def from_prognos_view(conn) -> tuple[dict[Key, tuple], dict[int, str | None]]:
    lines: dict[Key, tuple] = {}
    cuts: dict[int, set] = {}
    sql = """select year, recipient_id, fund_id, purpose, budget_ore, utfall_ore, forecast_ore, method, cut_day,
                    deviation_ore from web_prognos"""
    for year, rid, fund, purpose, budget, utfall, forecast, method, cut, deviation in conn.execute(sql):
        assert deviation == (None if forecast is None else budget - forecast)
        lines[(year, rid, fund, purpose)] = (budget, utfall, budget - utfall, forecast, method)
        cuts.setdefault(year, set()).add(cut)
    assert all(len(days) == 1 for days in cuts.values()), cuts
    return lines, {year: days.pop() for year, days in cuts.items()}


def from_prognos_report(db: Path, years: list[int]) -> dict[Key, tuple]:
    lines: dict[Key, tuple] = {}
    for year in years:
        report = json.loads(jobbsats(db, "report", "prognos", "--year", str(year), "-f", "json").stdout)
        for r in report["rows"]:
            forecast = r["forecast_ore"]
            assert r["deviation_ore"] == (None if forecast is None else r["budget_ore"] - forecast)
            key = (r["year"], r["recipient_id"], r["fund_id"], r["purpose"])
            lines[key] = (r["budget_ore"], r["utfall_ore"], r["budget_ore"] - r["utfall_ore"], forecast, r["method"])
    return lines


def budget_view(conn) -> dict[Key, tuple]:
    sql = """select year, recipient_id, fund_id, purpose, budget_original_ore, budget_ore, utfall_ore, remaining_ore
             from web_budget_utfall"""
    return {tuple(r[:4]): tuple(r[4:]) for r in conn.execute(sql)}


def budget_report(db: Path) -> dict[Key, tuple]:
    report = json.loads(jobbsats(db, "report", "aterrapportering", "-f", "json").stdout)
    return {
        (r["year"], r["recipient_id"], r["fund_id"], r["purpose"]): (
            r["budget_original_ore"],
            r["budget_ore"],
            r["utfall_ore"],
            r["remaining_ore"],
        )
        for r in report["rows"]
        if r["table"] == "aterrapportering"
    }


# Per ledger: its years, its cut days, lines worked out by hand (key -> (budget, utfall, remaining, forecast,
# method), see the tests above), and the lines of web_budget_utfall no page shows (a recipient the newest run
# dropped: its original budget only).
THREE_WAYS = {
    "example": (
        [2024],
        {2024: "2024-12-31"},
        {
            (2024, "ASN", "sjs", ""): (1_305_600_000, 7_930_500_50, 5_125_499_50, 7_930_500_50, "linear"),
            (2024, "FSN", "sjs", ""): (409_600_000, 204_800_000, 204_800_000, 204_800_000, "linear"),
        },
        set(),
    ),
    "ledger_b": (
        [2025],
        {2025: "2025-05-15"},
        {
            (2025, "AMN", "am", ""): (510_000_000, 332_067_841, 177_932_159, 897_813_052, "linear"),
            (2025, "AMN", "am", "Sommarjobb"): (0, 1_000_000, -1_000_000, 2_703_704, "linear"),
            (2025, "ÖFN", "am", ""): (127_500_000, 7_500_000, 120_000_000, 20_277_778, "linear"),
        },
        # GAMLA had 10 % of 8 500 000 = 850 000 kr in the first run, nothing in the revised one.
        {(2025, "GAMLA", "am", "")},
    ),
    "ledger_c": (
        [2025, 2026],
        {2025: "2025-01-04", 2026: None},
        {
            (2025, "SN", "uf", "Feriearbete"): (20_000_000, 500_000, 19_500_000, 15_000_050, "board"),
            (2025, "KULT", "uf", "Kulturgaranti"): (30_000_000, -3_000_002, 33_000_002, -273_750_182, "linear"),
            (2026, "KFN", "uf", ""): (81_000_000, 0, 81_000_000, None, "none"),
        },
        set(),
    ),
}


@pytest.mark.parametrize("ledger", list(THREE_WAYS))
def test_the_page_the_view_and_the_report_agree(ledger, request):
    db = request.getfixturevalue(ledger)
    years, cut_days, by_hand, dropped = THREE_WAYS[ledger]
    with connected(db) as conn:
        pages, page_cuts = from_pages(conn)
        view, view_cuts = from_prognos_view(conn)
        budget = budget_view(conn)
    report = from_prognos_report(db, years)
    for key, figures in by_hand.items():
        assert pages[key] == figures, key
    assert pages == view == report
    assert page_cuts == view_cuts == cut_days
    # Budget and utfall: web_budget_utfall has the figures of `jobbsats report aterrapportering` (the original
    # budget too), and every line of a page is one of its lines.
    assert budget == budget_report(db)
    for key, (budget_ore, utfall, remaining, _forecast, _method) in pages.items():
        assert budget[key][1:] == (budget_ore, utfall, remaining), key
    assert set(budget) - set(pages) == dropped
    assert all(budget[key][1:] == (0, 0, 0) for key in dropped)


def test_a_board_forecast_replaces_the_computed_one_in_web_prognos(ledger_c):
    with connected(ledger_c) as conn:
        row = conn.execute(
            """select computed_ore, board_ore, forecast_ore, deviation_ore, method, comment, prognos_batch
               from web_prognos where year = 2025 and recipient_id = 'SN' and purpose = 'Feriearbete'"""
        ).fetchone()
    # Computed 500 000 öre × 365 / 4 = 45 625 000 öre; the board's second file 150 000,50 kr = 15 000 050 öre;
    # deviation 20 000 000 - 15 000 050 = 4 999 950 öre.
    assert row == (45_625_000, 15_000_050, 15_000_050, 4_999_950, "board", "Färre feriearbeten än planerat", 2)


# -- 3. web_prognos's rounding ----------------------------------------------------------------------------------


def test_web_prognos_rounds_half_up_to_the_ore_like_round_half_up(ledger_c):
    elapsed = datetime.date(2025, 1, 4).timetuple().tm_yday
    assert elapsed == 4  # 2025-01-04 is day 4 of 365
    with connected(ledger_c) as conn:
        computed = {
            (rid, purpose): (utfall, value)
            for rid, purpose, utfall, value in conn.execute(
                "select recipient_id, purpose, utfall_ore, computed_ore from web_prognos where year = 2025"
            )
        }
    cases = {
        # 123 456 702 × 365 = 45 061 696 230; / 4 = 11 265 424 057,5: exactly half an öre, rounded up.
        ("SN", ""): (123_456_702, Fraction(45_061_696_230, 4), 11_265_424_058),
        # 100 000,00 - 150 000,01 = -50 000,01 kr = -5 000 001 öre; × 365 = -1 825 000 365; / 4 =
        # -456 250 091,25: a negative fraction, to the nearest öre -456 250 091 (truncating the numerator
        # half-adjusted, as SQLite's / does, would give -456 250 090).
        ("KFN", ""): (-5_000_001, Fraction(-1_825_000_365, 4), -456_250_091),
        # -30 000,02 kr = -3 000 002 öre; × 365 = -1 095 000 730; / 4 = -273 750 182,5: a negative half,
        # rounded up (towards +infinity), not away from zero (-273 750 183).
        ("KULT", "Kulturgaranti"): (-3_000_002, Fraction(-1_095_000_730, 4), -273_750_182),
        # 500 000 × 365 / 4 = 45 625 000 exactly (the board's line keeps its computed figure too).
        ("SN", "Feriearbete"): (500_000, Fraction(182_500_000, 4), 45_625_000),
    }
    for key, (utfall, exact, rounded) in cases.items():
        assert exact == Fraction(utfall * 365, elapsed)
        assert round_half_up(exact) == rounded, key
        assert computed[key] == (utfall, rounded), key


# -- 4. the plugin over Datasette's in-process client ----------------------------------------------------------


@pytest.fixture(scope="module")
def loop():
    loop = asyncio.new_event_loop()
    yield loop
    loop.close()


class Site:
    """A Datasette on ``paths``, as `jobbsats serve` makes it (``ledger``: its metadata; ``safe``: with
    jobbsats.web.safety, registered for each request only, so that a plain Datasette elsewhere is plain)."""

    def __init__(self, loop, paths: list[Path], ledger: bool = True, safe: bool = True):
        self.loop = loop
        self.safe = safe
        self.ds = Datasette([str(p) for p in paths], metadata=metadata(paths[0], False) if ledger else None)
        self.loop.run_until_complete(self.ds.invoke_startup())
        self.app = self.ds.app()

    @contextmanager
    def _safety(self, safe: bool):
        registered = pm.is_registered(safety)
        if safe and not registered:
            pm.register(safety, name="jobbsats-serve")
        if not safe and registered:
            pm.unregister(safety)
        try:
            yield
        finally:
            if pm.is_registered(safety) != registered:
                pm.register(safety, name="jobbsats-serve") if registered else pm.unregister(safety)

    def get(self, path: str, safe: bool | None = None):
        with self._safety(self.safe if safe is None else safe):
            try:
                return self.loop.run_until_complete(self.ds.client.get(path))
            except Exception as exc:  # noqa: BLE001 - what a server would answer with a 500
                pytest.fail(f"GET {path[:200]} raised {exc!r}: a server answers that with 500")

    def raw(self, raw_path: bytes) -> tuple[int, str, str]:
        """GET with the path's bytes as a client sent them (no percent-encoding by httpx): status, type, body."""
        scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": "GET",
            "scheme": "http",
            "path": urllib.parse.unquote(raw_path.decode("ascii")),
            "raw_path": raw_path,
            "query_string": b"",
            "root_path": "",
            "headers": [(b"host", b"localhost")],
            "server": ("localhost", 80),
            "client": ("127.0.0.1", 50000),
        }
        sent: list[dict] = []

        async def receive() -> dict:
            return {"type": "http.request", "body": b"", "more_body": False}

        async def send(message: dict) -> None:
            sent.append(message)

        with self._safety(self.safe):
            try:
                self.loop.run_until_complete(self.app(scope, receive, send))
            except Exception as exc:  # noqa: BLE001
                pytest.fail(f"GET {raw_path[:200]!r} raised {exc!r}: a server answers that with 500")
        start = next(m for m in sent if m["type"] == "http.response.start")
        headers = {bytes(k).decode().lower(): bytes(v).decode() for k, v in start["headers"]}
        body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
        return start["status"], headers.get("content-type", ""), body.decode("utf-8", "replace")


# Each Site lives as long as the module: the plugin keeps its cache of cut days by id(datasette) and database
# name, and a Site freed early could hand its id, and so its cache, to the next one made.
@pytest.fixture(scope="module")
def example_site(loop, example) -> Site:
    return Site(loop, [example])


@pytest.fixture(scope="module")
def b_site(loop, ledger_b) -> Site:
    return Site(loop, [ledger_b])


@pytest.fixture(scope="module")
def c_site(loop, ledger_c) -> Site:
    return Site(loop, [ledger_c])


def cells(html: str, table_class: str) -> list[list[str]]:
    """The text of each body row's cells of ``<table class="table_class">`` on a page."""
    table = re.search(rf'<table class="{table_class}">(.*?)</table>', html, re.S)
    assert table, table_class
    body = re.search(r"<tbody>(.*?)</tbody>", table.group(1), re.S).group(1)
    return [re.findall(r"<td[^>]*>(.*?)</td>", row, re.S) for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)]


def registry_now():
    from jobbsats.registry import get_registry

    registry = get_registry()
    return sorted(registry.reports), sorted(registry.formats)


def test_the_asn_start_page_over_datasette(example_site):
    r = example_site.get("/-/jobbsats/jobbsats/ASN")
    assert r.status_code == 200, r.text
    page = r.text
    assert "<h1>Arbetsmarknads- och socialnämnden</h1>" in page
    assert "Utfall bokfört till och med 2024-12-31." in page
    # Fond, Ändamål, Budget, Utfall, Kvar, Använt, Prognos, Prognosmetod; the figures of the hand-worked test.
    assert [row[1:5] + row[6:8] for row in cells(page, "jobbsats-budget")] == [
        [SJS, sv("13 056 000 kr"), sv("7 930 500,50 kr"), sv("5 125 499,50 kr"), sv("7 930 500,50 kr"), "linjär"],
        ["Ung i sommar", sv("9 000 000 kr"), sv("0 kr"), sv("9 000 000 kr"), sv("0 kr"), "linjär"],
    ]
    totals = re.search(r"<tfoot>(.*?)</tfoot>", page, re.S).group(1)
    assert re.findall(r'<th class="num">(.*?)</th>', totals) == [
        sv("22 056 000 kr"),
        sv("7 930 500,50 kr"),
        sv("14 125 499,50 kr"),
        sv("36,0 %"),  # 7 930 500,50 / 22 056 000 = 0,35956... used
        sv("7 930 500,50 kr"),
    ]
    assert [row[2:4] + row[5:] for row in cells(page, "jobbsats-allocations")] == [
        ["Ung i sommar", sv("9 000 000 kr"), "Fasta belopp på ram", "STK-2024-291, punkt 2"],
        [SJS, sv("13 056 000 kr"), "Fördelningsnyckel", "STK-2024-291, punkt 6"],
    ]
    # A link for every registered report in every registered format, from the scenario's newest run (1).
    reports, formats = registry_now()
    links = re.findall(r'<a href="(/-/jobbsats/jobbsats/ASN/rapport/[^"]*)"', page)
    assert sorted(links) == sorted(f"/-/jobbsats/jobbsats/ASN/rapport/1/{r}/{f}" for r in reports for f in formats)
    assert {"aterrapportering", "prognos", "fordelning"} <= set(reports)
    assert {"md", "xlsx", "html", "docx", "csv", "json"} <= set(formats)
    assert "booked_rows" not in page  # no link to the rows' text unless serve --booked-rows


def test_the_index_lists_every_recipient_with_its_page(example_site):
    r = example_site.get("/-/jobbsats")
    assert r.status_code == 200
    found = re.findall(r'<li><a href="(/-/jobbsats/jobbsats/[^"]+)">([^<]+)</a>', r.text)
    assert found == [
        ("/-/jobbsats/jobbsats/ASN", "Arbetsmarknads- och socialnämnden"),
        ("/-/jobbsats/jobbsats/GVN", "Gymnasie- och vuxenutbildningsnämnden"),
        ("/-/jobbsats/jobbsats/FSN", "Funktionsstödsnämnden"),
        ("/-/jobbsats/jobbsats/KS", "Kommunstyrelsen"),
        ("/-/jobbsats/jobbsats/tillvaxt_level", "Tillväxt Malmö och Level"),
    ]


def test_an_unknown_recipient_or_database_is_a_404_with_a_message(example_site):
    for path, message in (
        ("/-/jobbsats/jobbsats/NOPE", "Ingen mottagare &#39;NOPE&#39; i någon körning"),
        ("/-/jobbsats/inget/ASN", "Ingen huvudbok som heter &#39;inget&#39; publiceras här"),
        ("/-/jobbsats/inget/ASN/rapport/1/aterrapportering/md", "Ingen huvudbok som heter &#39;inget&#39;"),
        ("/-/jobbsats/jobbsats/ASN/rapport/999/aterrapportering/md", "Ingen körning 999 i huvudboken"),
    ):
        r = example_site.get(path)
        assert r.status_code == 404, path
        assert message in r.text, path
        assert "Traceback" not in r.text and 'File "' not in r.text


def test_a_download_is_an_attachment_made_as_the_report_makes_it(example_site):
    r = example_site.get("/-/jobbsats/jobbsats/ASN/rapport/1/aterrapportering/xlsx")
    assert r.status_code == 200
    assert r.headers["content-type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert r.content[:2] == b"PK"  # a zip, as every xlsx
    disposition = r.headers["content-disposition"]
    assert disposition.startswith("attachment; ")
    assert "filename*=UTF-8''aterrapportering-ASN-k%C3%B6rning-1.xlsx" in disposition
    md = example_site.get("/-/jobbsats/jobbsats/ASN/rapport/1/aterrapportering/md")
    assert md.status_code == 200 and md.headers["content-disposition"].startswith("attachment; ")
    assert md.headers["content-type"] == "text/markdown; charset=utf-8"
    # ASN's share only (the report takes --recipient): 22 056 000 kr allocated, 7 930 500,50 kr used.
    assert "tilldelades " + sv("22 056 000 kr") in md.text and "har använt " + sv("7 930 500,50 kr") in md.text
    assert "Gymnasie- och vuxenutbildningsnämnden" not in md.text
    # csv and csv-sv both write .csv: their names differ, and the plain name has å, ä, ö without marks.
    names = {
        fmt: example_site.get(f"/-/jobbsats/jobbsats/ASN/rapport/1/fordelning/{fmt}").headers["content-disposition"]
        for fmt in ("csv", "csv-sv")
    }
    assert 'filename="fordelning-ASN-korning-1.csv"' in names["csv"]
    assert 'filename="fordelning-ASN-korning-1-csv-sv.csv"' in names["csv-sv"]


def test_a_trailing_slash_or_a_ledger_alone_leads_to_the_page(example_site):
    for path, target in (
        ("/-/jobbsats/", "/-/jobbsats"),
        ("/-/jobbsats/jobbsats/ASN/", "/-/jobbsats/jobbsats/ASN"),
        ("/-/jobbsats/jobbsats", "/-/jobbsats"),
    ):
        r = example_site.get(path)
        assert r.status_code == 302 and r.headers["location"] == target, path


def test_the_page_shows_the_other_money_booked_beside_the_funds(example_site):
    # The sample's one row of a recipient's other money: GVN, verksamhet 2100, 180 000 kr ("Läromedel, annan
    # verksamhet"); ASN has none.
    gvn = example_site.get("/-/jobbsats/jobbsats/GVN").text
    assert "Övrigt utfall" in gvn and sv("180 000 kr") in gvn
    assert "Övrigt utfall" not in example_site.get("/-/jobbsats/jobbsats/ASN").text


def test_a_report_that_cannot_be_made_for_the_run_is_a_400_with_its_message(example_site, monkeypatch):
    pytest.importorskip("jobbsats_asf")
    monkeypatch.setenv("JOBBSATS_LOAD_PLUGINS", "asf")
    plugins.reset()
    page = example_site.get("/-/jobbsats/jobbsats/ASN")
    assert '<a href="/-/jobbsats/jobbsats/ASN/rapport/1/iop/xlsx"' in page.text  # a plugin's report
    r = example_site.get("/-/jobbsats/jobbsats/ASN/rapport/1/iop/md")
    assert r.status_code == 400
    assert r.headers["content-type"].startswith("text/plain")
    assert "has no [asf] section" in r.text and "Traceback" not in r.text
    for path, said in (
        ("/-/jobbsats/jobbsats/ASN/rapport/1/ingen/md", "unknown report 'ingen'"),
        ("/-/jobbsats/jobbsats/ASN/rapport/1/prognos/pdf", "unknown format 'pdf'"),
    ):
        r = example_site.get(path)
        assert (r.status_code, said in r.text) == (400, True), (path, r.text)


def test_cells_show_kronor_and_names_but_json_keeps_the_integers(example_site):
    html = example_site.get("/jobbsats/web_budget_utfall?recipient_id=ASN").text
    shown = re.findall(r'<td class="col-(budget_ore|utfall_ore|remaining_ore|recipient) type-\w+">(.*?)</td>', html)
    assert shown == [
        ("recipient", "Arbetsmarknads- och socialnämnden"),
        ("budget_ore", sv("13 056 000 kr")),
        ("utfall_ore", sv("7 930 500,50 kr")),
        ("remaining_ore", sv("5 125 499,50 kr")),
        ("recipient", "Arbetsmarknads- och socialnämnden"),
        ("budget_ore", sv("9 000 000 kr")),
        ("utfall_ore", sv("0 kr")),
        ("remaining_ore", sv("9 000 000 kr")),
    ]
    assert "1305600000" not in html.split("<tbody>")[1]
    rows = example_site.get("/jobbsats/web_budget_utfall.json?recipient_id=ASN&_shape=array").json()
    assert sorted((r["purpose"], r["budget_ore"], r["utfall_ore"]) for r in rows) == [
        ("", 1_305_600_000, 7_930_500_50),
        ("Ung i sommar", 900_000_000, 0),
    ]
    assert {r["recipient"] for r in rows} == {"arbetsmarknads- och socialnämnden"}  # as stored


def test_canned_queries_narrow_to_the_year_and_recipient(example_site):
    def query(name: str, year: str, recipient: str) -> list[dict]:
        r = example_site.get(f"/jobbsats/{name}.json?year={year}&recipient={recipient}&_shape=array")
        assert r.status_code == 200, r.text
        return r.json()

    budget = query("budget_och_utfall", "2024", "ASN")
    assert sorted((r["recipient_id"], r["purpose"], r["budget_ore"], r["remaining_ore"]) for r in budget) == [
        ("ASN", "", 1_305_600_000, 5_125_499_50),
        ("ASN", "Ung i sommar", 900_000_000, 900_000_000),
    ]
    forecast = query("prognos", "2024", "ASN")
    assert sorted((r["purpose"], r["forecast_ore"], r["cut_day"], r["method"]) for r in forecast) == [
        ("", 7_930_500_50, "2024-12-31", "linear"),
        ("Ung i sommar", 0, "2024-12-31", "linear"),
    ]
    allocated = query("fordelning", "2024", "ASN")
    assert [(r["recipient_id"], r["purpose"], r["amount"], r["unit"]) for r in allocated] == [
        ("ASN", "Ung i sommar", 900_000_000, "kr"),
        ("ASN", "", 1_305_600_000, "kr"),
    ]
    # The sample's ASN rows by month: 1 250 000 (Jan), 4 100 000 (Mar), 2 730 500,50 (Jun), -150 000 (Dec).
    months = query("utfall_per_manad", "2024", "ASN")
    assert [(r["recipient_id"], r["month"], r["amount_ore"]) for r in months] == [
        ("ASN", 1, 125_000_000),
        ("ASN", 3, 410_000_000),
        ("ASN", 6, 273_050_050),
        ("ASN", 12, -15_000_000),
    ]
    assert query("budget_och_utfall", "2023", "ASN") == []
    # Left empty, a parameter selects everything: every recipient's lines, 40 000 000 kr in all.
    everything = query("budget_och_utfall", "", "")
    assert len({r["recipient_id"] for r in everything}) == 5
    assert sum(r["budget_ore"] for r in everything) == 4_000_000_000
    html = example_site.get("/jobbsats/budget_och_utfall?year=2024&recipient=ASN").text
    assert sv("13 056 000 kr") in html and "Gymnasie" not in html


def test_the_ledgers_tables_are_hidden_from_the_database_listing(example_site):
    # The plugin alone (a plain `datasette` on the ledger): every table listed is hidden, the views are not.
    plain = example_site.get("/jobbsats.json", safe=False).json()
    tables = {t["name"]: t["hidden"] for t in plain["tables"]}
    assert {"runs", "allocations", "utfall", "recipients", "funds", "import_batches"} <= set(tables)
    assert all(tables.values()), tables
    assert "web_budget_utfall" in {v["name"] for v in plain["views"]}
    # With the safety module, as `jobbsats serve` runs it, they are not listed at all.
    served = example_site.get("/jobbsats.json").json()
    assert served["tables"] == []


def test_the_board_forecast_and_a_year_without_utfall_on_the_page(c_site):
    site = c_site
    page = site.get("/-/jobbsats/jobbsats/SN").text
    y2025, y2026 = re.findall(r'<table class="jobbsats-budget">.*?</table>', page, re.S)
    rows = {row[1]: row for row in cells(y2025, "jobbsats-budget")}
    assert rows["Feriearbete"][6:] == [sv("150 000,50 kr"), "nämndens prognos: Färre feriearbeten än planerat"]
    assert rows["Ung framtid"][6:] == [sv("112 654 240,58 kr"), "linjär"]  # 11 265 424 058 öre
    assert "Inget utfall är bokfört för året." in page
    assert all(row[6:] == ["–", "ingen prognos (inget utfall)"] for row in cells(y2026, "jobbsats-budget"))
    view = site.get("/jobbsats/web_prognos.json?recipient_id=SN&year=2025&purpose=Feriearbete&_shape=array").json()
    assert [(r["forecast_ore"], r["method"]) for r in view] == [(15_000_050, "board")]


# -- 5. hostile URLs -------------------------------------------------------------------------------------------

HOSTILE = [
    "x'y",
    'a"b',
    "<script>alert(1)</script>",
    "a/b",  # sent as a%2Fb
    "%2F",  # sent as %252F
    "é<b>ö",
    "\u202eNSA",
    "ASN\x00",
    "~2F",
    "ASN.json",
    "a" * 20_000,
]


def test_hostile_recipients_and_databases_are_refused_cleanly(example_site):
    for hostile in HOSTILE:
        q = urllib.parse.quote(hostile, safe="")
        for path in (
            f"/-/jobbsats/jobbsats/{q}",
            f"/-/jobbsats/{q}/ASN",
            f"/-/jobbsats/{q}/{q}",
            f"/-/jobbsats/jobbsats/{q}/rapport/1/aterrapportering/md",
            f"/-/jobbsats/{q}/ASN/rapport/1/aterrapportering/md",
            f"/-/jobbsats/jobbsats/ASN/rapport/1/{q}/md",
            f"/-/jobbsats/jobbsats/ASN/rapport/1/prognos/{q}",
        ):
            r = example_site.get(path)
            assert r.status_code in (400, 404), (path[:100], r.status_code)
            assert "Traceback" not in r.text and 'File "' not in r.text, path[:100]
            if r.headers["content-type"].startswith("text/html") and re.search(r"[<>\"'&]", hostile):
                assert hostile not in r.text, path[:100]


def test_raw_markup_in_the_path_is_escaped(example_site):
    """Bytes a client may send unencoded (curl does): quotes and angle brackets, straight into url_vars."""
    for segment in (b'"><img src=x onerror=alert(1)>'.replace(b" ", b"%20"), b"x'y<b>", b"<svg%20onload=alert(1)>"):
        for raw in (b"/-/jobbsats/jobbsats/" + segment, b"/-/jobbsats/" + segment + b"/ASN"):
            status, kind, body = example_site.raw(raw)
            assert status == 404, raw
            assert kind.startswith("text/html")
            # Neither as sent nor percent-decoded: only escaped (&lt;, &#34;, &#39;).
            for markup in {segment.decode(), urllib.parse.unquote(segment.decode())}:
                assert markup not in body, raw
            assert "&lt;" in body
            assert "Traceback" not in body


def test_a_path_under_the_plugin_that_names_no_page_is_a_404(example_site):
    # A recipient id with a slash left unencoded, a run that is not a number (or longer than 18 digits), a
    # segment too many: no route of the plugin matches. Datasette 0.65's own 404 for a path no route matches
    # fails (rich's print_exception outside an except block) when rich is installed, as it is here: a 500.
    for path in (
        "/-/jobbsats/jobbsats/a/b",
        "/-/jobbsats/jobbsats/ASN/rapport/x/md/md",
        "/-/jobbsats/jobbsats/ASN/rapport/1234567890123456789/prognos/md",
        "/-/jobbsats/jobbsats/ASN/rapport/1/prognos/md/extra",
    ):
        r = example_site.get(path)
        assert r.status_code == 404, path


def test_every_link_of_the_index_opens_with_non_ascii_ids_and_ledger_names(loop, b_site, example, tmp_path):
    # ÖFN's id is not ASCII: the index links to /-/jobbsats/jobbsats/%C3%96FN, which must open its page.
    site = b_site
    index = site.get("/-/jobbsats").text
    links = re.findall(r'<li><a href="(/-/jobbsats/[^"]+)">', index)
    assert links == ["/-/jobbsats/jobbsats/AMN", "/-/jobbsats/jobbsats/UBN", "/-/jobbsats/jobbsats/%C3%96FN"]
    for link in links:
        r = site.get(link)
        assert r.status_code == 200, (link, re.findall(r"solid red;\">(.*?)</div>", r.text))
    assert "<h1>Överförmyndarnämnden</h1>" in site.get(links[2]).text
    # A ledger file whose name has a space and an ö: Datasette calls the database "malmö budget".
    copy = tmp_path / "malmö budget.db"
    with connected(example) as source, closing(sqlite3.connect(copy)) as target:
        source.backup(target)
    site = Site(loop, [copy])
    links = re.findall(r'<li><a href="(/-/jobbsats/[^"]+)">', site.get("/-/jobbsats").text)
    assert links[0] == "/-/jobbsats/malm%C3%B6%20budget/ASN"
    for link in links:
        r = site.get(link)
        assert r.status_code == 200, (link, re.findall(r"solid red;\">(.*?)</div>", r.text))


# -- 6. a plain Datasette on another database ------------------------------------------------------------------


def test_a_plain_datasette_on_another_database_is_left_alone(loop, tmp_path):
    other = tmp_path / "annat.db"
    with closing(sqlite3.connect(other)) as conn:
        conn.execute("create table kostnader (id integer primary key, recipient text, x_ore integer, amount integer, unit text)")  # fmt: skip
        conn.execute("insert into kostnader values (1, 'arbetsmarknads- och socialnämnden', 1305600000, 900, 'kr')")
        conn.commit()
    site = Site(loop, [other], ledger=False, safe=False)
    assert not pm.is_registered(safety)
    html = site.get("/annat/kostnader")
    assert html.status_code == 200
    shown = dict(re.findall(r'<td class="col-(\w+) type-\w+">(.*?)</td>', html.text))
    # Nothing reformatted: not the *_ore column, not amount beside unit, not the name.
    assert shown["x_ore"] == "1305600000" and shown["amount"] == "900"
    assert shown["recipient"] == "arbetsmarknads- och socialnämnden"
    assert "kr" not in shown["x_ore"]
    assert site.get("/annat/kostnader.json?_shape=array").json()[0]["x_ore"] == 1_305_600_000
    listing = site.get("/annat.json").json()
    assert [(t["name"], t["hidden"]) for t in listing["tables"]] == [("kostnader", False)]
    assert site.get("/annat/budget_och_utfall").status_code == 404  # no canned queries of the plugin here
    assert site.get("/annat.json?sql=select+count(*)+from+kostnader").status_code == 200  # no safety module
    index = site.get("/-/jobbsats")
    assert index.status_code == 200 and "Ingen jobbsats-huvudbok publiceras här." in index.text
    r = site.get("/-/jobbsats/annat/ASN")
    assert r.status_code == 404 and "Ingen huvudbok som heter &#39;annat&#39; publiceras här" in r.text


def test_a_memo_filled_at_start_and_one_filled_page_by_page_give_the_same_pages(ledger_b, example):
    from jobbsats.web.department import Memo

    for path in (ledger_b, example):
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            filled = Memo()
            filled.fill(conn)
            lazy = Memo()
            for _scenario, rid, _name in departments(conn):
                assert department(conn, rid, filled) == department(conn, rid, lazy) == department(conn, rid), rid
        finally:
            conn.close()


def test_a_batch_imported_after_the_memo_was_filled_is_summed_when_a_page_needs_it(cli, tmp_path):
    """The memo holds the batches it saw; a later batch (here one that supersedes the sample) is read anew.
    The corrected file books ASN 1 000 000 kr more on 2024-12-31: 7 930 500,50 + 1 000 000 = 8 930 500,50 kr."""
    from jobbsats import examples
    from jobbsats.web.department import Memo

    cli.prepare(("run", "malmo-2024", "--quiet"))
    sample = examples.utfall_of("malmo-2024")
    assert cli("import", "utfall", sample, "-c", examples.path_of("malmo-2024")).exit_code == 0
    conn = sqlite3.connect(f"{cli.db.resolve().as_uri()}?mode=ro", uri=True)
    try:
        memo = Memo()
        memo.fill(conn)
        assert department(conn, "ASN", memo).years[0].total("utfall") == 793_050_050
        raw = Path(sample).read_bytes()
        corrected = tmp_path / Path(sample).name
        extra = "2024-12-31;5010;3110;7150;1 000 000,00;Rättelse, lön\r\n".encode("cp1252")
        corrected.write_bytes(raw if raw.endswith(b"\n") else raw + b"\r\n")
        with corrected.open("ab") as out:
            out.write(extra)
        result = cli("import", "utfall", corrected, "-c", examples.path_of("malmo-2024"), "--replace")
        assert result.exit_code == 0, result.output
        assert department(conn, "ASN", memo).years[0].total("utfall") == 893_050_050
    finally:
        conn.close()


def test_the_start_page_links_each_canned_query_with_its_recipient_filled_in(example_site):
    page = example_site.get("/-/jobbsats/jobbsats/ASN")
    assert page.status_code == 200
    links = re.findall(r'href="(/jobbsats/[a-z_]+)\?year=&amp;recipient=ASN"', page.text)
    assert links == [
        "/jobbsats/budget_och_utfall",
        "/jobbsats/fordelning",
        "/jobbsats/prognos",
        "/jobbsats/utfall_per_manad",
    ]
    # Followed (as JSON): ASN's allocations alone, the fixed line and its key share worked out by hand.
    rows = example_site.get("/jobbsats/fordelning.json?year=&recipient=ASN&_shape=array").json()
    assert {r["recipient_id"] for r in rows} == {"ASN"}
    assert sorted(r["amount"] for r in rows) == [9_000_000_00, 13_056_000_00]
    assert ">Start</a>" in page.text and ">home<" not in page.text


def test_a_batch_without_written_sums_is_summed_from_its_rows(cli):
    """A server starts from the sums each import wrote (utfall_sums); a batch imported by a release before
    them has none there (made so here by removing them) and is summed from its rows: the same page,
    ASN's utfall 7 930 500,50 kr from the sample export."""
    from jobbsats import examples
    from jobbsats.web.department import Memo

    cli.prepare(("run", "malmo-2024", "--quiet"))
    sample = examples.utfall_of("malmo-2024")
    assert cli("import", "utfall", sample, "-c", examples.path_of("malmo-2024")).exit_code == 0
    conn = sqlite3.connect(cli.db)
    conn.execute("drop trigger utfall_sums_no_delete")
    assert conn.execute("delete from utfall_sums").rowcount > 0
    conn.commit()
    try:
        memo = Memo()
        memo.fill(conn)
        assert memo.scanned == set()
        assert department(conn, "ASN", memo).years[0].total("utfall") == 793_050_050
    finally:
        conn.close()


def test_every_built_in_report_is_offered_under_its_swedish_title():
    """The download table names a report by its description's words before the colon, never by its id."""
    from jobbsats.reports import REPORTS
    from jobbsats.web.downloads import catalogue

    titles = {offer.name: offer.title for offer in catalogue()[0]}
    assert [name for name in REPORTS if titles[name] == name] == []
    assert (titles["fordelning"], titles["beslut"]) == ("Fördelning", "Förslag till beslut")
