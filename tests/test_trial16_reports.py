"""Issue 16, a new user's trial of the reports: what it found, each checked against figures worked by hand.

1. ``aterrapportering`` says when a budget rests on an assumed total (malmo-2024-2026 assumes 2025 and
   2026), in its text, its rows and its chart, as ``fordelning`` does.
2. ``aterrapportering``, ``prognos`` and ``beslut`` open with the header line, and ``--no-header`` leaves it out.
3. Times reach people as Stockholm's local time written the Swedish way; ``--json`` keeps the ledger's UTC.
4. ``prognos``'s sentence adds up as written: its deviation is the shown budget less the shown forecast.
5. ``aterrapportering`` before any import says so in plain Swedish.

The example's figures, from seed 000 (STK-2024-291): 40 000 000 kr a year; fixed lines 9 000 000 kr (ASN,
Ung i sommar), 500 000 kr (KS, Ung i sommar), 4 900 000 kr (via KS to Tillväxt Malmö och Level); the
remaining 25 600 000 kr by the key 51/27/16/6 %: ASN 13 056 000, GVN 6 912 000, FSN 4 096 000, KS 1 536 000.
So ASN has 9 000 000 + 13 056 000 = 22 056 000 kr and KS 500 000 + 1 536 000 = 2 036 000 kr.

The clock: 2026-12-02T16:24:14 UTC is 17.24 in Malmö (CET, UTC+1 in December).
"""

from __future__ import annotations

import datetime as real
import json
import re
import types

import pytest

from jobbsats import examples

NB = "\u00a0"
KR = 100  # öre
STAMP = "2026-12-02T16:24:14+00:00"
LOCAL = "2 december 2026 kl. 17.24"


def plain(text: str) -> str:
    return text.replace(NB, " ").replace("\u202f", " ")


@pytest.fixture
def clock(monkeypatch):
    """Every ledger write (a run, an utfall import, a forecast import) is stamped ``STAMP``."""
    from jobbsats.ledger import write
    from jobbsats.prognos import importer as prognos_importer
    from jobbsats.utfall import importer as utfall_importer

    class Moment(real.datetime):
        @classmethod
        def now(cls, tz=None):
            return real.datetime.fromisoformat(STAMP)

    fake = types.SimpleNamespace(**{k: getattr(real, k) for k in dir(real) if not k.startswith("__")})
    fake.datetime = Moment
    for module in (write, utfall_importer, prognos_importer):
        monkeypatch.setattr(module, "datetime", fake)


@pytest.fixture
def booked(cli, clock):
    """The 2024 example run, and its example utfall imported (as a new user does)."""
    cli.prepare(("run", "--quiet"))
    utfall = examples.path_of("malmo-2024").with_name("malmo-2024.utfall.csv")
    result = cli("import", "utfall", utfall, "-c", "malmo-2024")
    assert result.exit_code == 0, result.output
    return cli


# 1. Assumed years in aterrapportering ------------------------------------------------------------


@pytest.fixture
def period(cli):
    """malmo-2024-2026: 2024 decided, 2025 and 2026 assumed ("samma som 2024 i väntan på KF:s budget")."""
    cli.prepare(("run", "malmo-2024-2026", "--quiet"))
    return cli


def test_an_assumed_year_is_said_in_the_boards_sentence_and_once_for_the_total(period):
    report = period.json_report("aterrapportering", "--year", "2026")
    text = [plain(p) for p in report["paragraphs"]]
    assert (
        "Budgeten för 2026 bygger på en antagen total för Strategiska jobbsatsningar "
        "(samma som 2024 i väntan på KF:s budget), inte på ett beslut."
    ) in text
    assert (
        "Arbetsmarknads- och socialnämnden tilldelades 22 056 000 kr (antaget belopp, inte beslutat) "
        "ur Strategiska jobbsatsningar 2026; inget utfall är bokfört mot satsningen."
    ) in " ".join(text)
    for board, amount in (
        ("Gymnasie- och vuxenutbildningsnämnden", "6 912 000"),
        ("Funktionsstödsnämnden", "4 096 000"),
        ("Kommunstyrelsen", "2 036 000"),
        ("Tillväxt Malmö och Level", "4 900 000"),
    ):
        assert any(p.startswith(f"{board} tilldelades {amount} kr (antaget belopp, inte beslutat) ur") for p in text)


def test_a_decided_year_says_nothing_of_assumptions(period):
    report = period.json_report("aterrapportering", "--year", "2024")
    assert not any("antag" in p for p in report["paragraphs"])
    assert all(r["assumed"] is False and r["decided"] == "beslutad" for r in report["rows"])
    md = period("report", "aterrapportering", "--year", "2024").stdout
    assert "antag" not in md and "| Beslut |" not in md  # no column when nothing shown is assumed


def test_each_row_says_whether_its_budget_is_assumed(period):
    rows = period.json_report("aterrapportering")["rows"]
    per_recipient = {(r["year"], r["recipient_id"]): r for r in rows if r["table"] == "aterrapportering_mottagare"}
    assert {(y, rid) for y, rid in per_recipient} == {
        (y, rid) for y in (2024, 2025, 2026) for rid in ("ASN", "GVN", "FSN", "KS", "tillvaxt_level")
    }
    for (year, _rid), row in per_recipient.items():
        assert (row["assumed"], row["decided"]) == ((False, "beslutad") if year == 2024 else (True, "antagen"))
    assert per_recipient[(2026, "ASN")]["budget_ore"] == 22_056_000 * KR
    assert per_recipient[(2025, "KS")]["budget_ore"] == 2_036_000 * KR  # what KS keeps: 4 900 000 kr passed on
    md = plain(period("report", "aterrapportering", "--year", "2026").stdout)
    assert "| År | Mottagare | Beslut | Ursprunglig budget (kr) |" in md
    assert "| 2026 | Arbetsmarknads- och socialnämnden | antagen | 22 056 000 | 22 056 000 |" in md
    assert "| 2026 | Arbetsmarknads- och socialnämnden | Ung i sommar | antagen | 9 000 000 |" in md


def test_the_budget_bars_of_an_assumed_year_are_marked(period):
    charts = {c.title: c for c in period.kit.build("aterrapportering").charts}
    assert sorted(charts) == ["Budget och utfall 2024", "Budget och utfall 2025", "Budget och utfall 2026"]
    for year in (2024, 2025, 2026):
        series = {s.name: s for s in charts[f"Budget och utfall {year}"].series}
        assert series["Budget"].undecided == ("" if year == 2024 else "antaget")
        assert series["Utfall"].undecided == ""  # booked money is never assumed
        assert series["Budget"].values[0] == 22_056_000 * KR  # ASN, the first recipient


def test_every_format_says_the_year_is_assumed(period, tmp_path):
    import openpyxl

    html = period("report", "aterrapportering", "--year", "2026", "-f", "html").stdout
    assert "antaget belopp, inte beslutat" in html
    assert "Budget (antaget)" in html  # the chart's series, named with its word (Series.undecided)
    out = tmp_path / "a.xlsx"
    assert period("report", "aterrapportering", "--year", "2026", "-f", "xlsx", "-o", out).exit_code == 0
    cells = [c.value for sheet in openpyxl.load_workbook(out) for row in sheet.iter_rows() for c in row]
    assert any(isinstance(v, str) and "antaget belopp, inte beslutat" in v for v in cells)
    assert "antagen" in cells  # the rows' Beslut column


def test_a_budget_only_partly_assumed_says_how_much(cli):
    """Two funds for ASN in 2026: the city's 1 000 000 kr decided, the fund's 22 056 000 kr assumed."""
    from jobbsats.reports.aterrapportering import History, _Figures, _summary

    assumed_line = (2026, "ASN", "sjs", "Ung i sommar")
    decided_line = (2026, "ASN", "egen", "")
    budget = {assumed_line: 22_056_000 * KR, decided_line: 1_000_000 * KR}
    figures = _Figures(budget, dict(budget), {}, {}, False, assumed={("sjs", 2026)})
    assert figures.assumed_budget([assumed_line, decided_line]) == 22_056_000 * KR
    assert figures.decided([assumed_line, decided_line]) == {"assumed": True, "decided": "delvis antagen"}
    assert figures.decided([decided_line]) == {"assumed": False, "decided": "beslutad"}
    text = _summary(
        (2026, "ASN"),
        [assumed_line, decided_line],
        figures,
        History(original=dict(budget)),
        {"ASN": "Arbetsmarknads- och socialnämnden"},
        {"sjs": "Strategiska jobbsatsningar", "egen": "Egen fond"},
        "fonderna",
    )
    # 22 056 000 + 1 000 000 = 23 056 000 kr, of which the assumed fund's 22 056 000 kr
    assert plain(text).startswith(
        "Arbetsmarknads- och socialnämnden tilldelades 23 056 000 kr "
        "(varav 22 056 000 kr antaget belopp, inte beslutat) ur fonderna 2026"
    )


# 2. The header line, and --no-header ----------------------------------------------------------------


@pytest.mark.parametrize("report", ["aterrapportering", "prognos", "beslut"])
def test_the_report_opens_with_the_header_and_no_header_leaves_only_it_out(booked, report):
    header = f"Körning 1, {LOCAL}, från malmo-2024.toml."
    with_header = booked.json_report(report)
    without = booked.json_report(report, "--no-header")
    assert with_header["paragraphs"][0] == header
    assert without["paragraphs"] == with_header["paragraphs"][1:]
    assert without["rows"] == with_header["rows"]
    md = booked("report", report).stdout
    assert f"\n\n{header}\n\n" in md
    assert header not in booked("report", report, "--no-header").stdout


def test_beslut_keeps_its_points_after_the_header(booked):
    """The header is a paragraph before the points: seed 000's points 1-12 keep their numbers and words."""
    md = plain(booked("report", "beslut").stdout)
    numbered = re.findall(r"^(\d+)\. (.*)$", md, flags=re.MULTILINE)
    assert [int(n) for n, _ in numbered] == list(range(1, 13))  # the header line is not a point
    assert dict(numbered)["6"] == (
        "Kommunstyrelsen tilldelar arbetsmarknads- och socialnämnden 13 056 000 kronor 2024 från "
        "kommunstyrelsens anslag till förfogande inom finansiering för Strategiska jobbsatsningar."
    )
    assert md.index(f"Körning 1, {LOCAL}") < md.index("1. Kommunstyrelsen godkänner")


# 3. Times as people read them ---------------------------------------------------------------------


def test_show_says_the_local_time_and_keeps_the_full_path_on_its_own_line(booked):
    run = booked.json_report_of("show", "1")["paragraphs"]
    assert run[0] == f"Körning 1: Strategiska jobbsatsningar 2024, {LOCAL}, av {run[0].rsplit(' av ', 1)[1]}"
    assert run[1].startswith(f"Scenariofil {examples.path_of('malmo-2024')} (sha256 ")  # the audit view
    batch = booked.json_report_of("show", "--batch", "1")
    assert batch["paragraphs"][0].startswith(
        f"Import 1: malmo-2024.utfall.csv för Strategiska jobbsatsningar 2024, {LOCAL}, av "
    )
    assert batch["rows"][0]["started_at"] == STAMP  # the machine field keeps the ledger's UTC
    for text in (booked("show", "1").stdout, booked("show", "--batch", "1").stdout):
        assert "+00:00" not in text and "T16:24" not in text


def test_runs_lists_local_times_and_json_keeps_utc(booked):
    listing = booked("runs").stdout
    assert "+00:00" not in listing
    lines = listing.splitlines()
    assert lines[0].startswith(f"   1  {LOCAL}  ok ")
    assert lines[2].startswith(f"   1  {LOCAL}  csv ")  # the import batch, after its heading
    doc = json.loads(booked("runs", "--json").stdout)
    assert doc["runs"][0]["started_at"] == STAMP and doc["import_batches"][0]["started_at"] == STAMP


def test_diff_names_the_runs_by_local_time(booked):
    assert booked("run", "--quiet").exit_code == 0
    said = booked.json_report_of("diff", "1", "2")["paragraphs"][0]
    assert said.startswith(
        f"Körning 1 (Strategiska jobbsatsningar 2024, {LOCAL}) mot körning 2 (Strategiska jobbsatsningar 2024, {LOCAL}): "
    )


def test_a_boards_forecast_says_when_it_was_imported_in_local_time(booked, tmp_path):
    board = tmp_path / "prognos.csv"
    board.write_text("recipient;fund;purpose;amount;comment\nGVN;sjs;;6 000 000;Enligt nämnden\n", encoding="utf-8")
    assert booked("import", "prognos", board).exit_code == 0
    text = plain(" ".join(booked.json_report("prognos")["paragraphs"]))
    assert "filen prognos.csv (sha256 " in text and f"importerad {LOCAL}" in text
    assert "+00:00" not in text


# 4. The forecast's sentence adds up ---------------------------------------------------------------


def test_the_deviation_in_the_text_is_the_difference_of_the_figures_shown(booked):
    """ASN booked 1 250 000 + 4 100 000 - 150 000 (ansvar 3110) + 2 730 500,50 (3120) = 7 930 500,50 kr
    by 2024-12-31, day 366 of 366: the linear forecast is that, 7 930 501 kr in the text. Against the
    budget of 22 056 000 kr the exact deviation is 14 125 499,50 kr (rounded alone: 14 125 500), but the
    text shows 22 056 000 - 7 930 501 = 14 125 499 kr."""
    report = booked.json_report("prognos")
    asn = [r for r in report["rows"] if r["recipient_id"] == "ASN"]
    assert sum(r["forecast_ore"] for r in asn) == 793_050_050
    assert sum(r["deviation_ore"] for r in asn) == 1_412_549_950  # the table stays exact, to the öre
    text = [plain(p) for p in report["paragraphs"]]
    assert (
        "Arbetsmarknads- och socialnämnden: budget 22 056 000 kr, utfall hittills 7 930 501 kr, "
        "prognos 7 930 501 kr, avvikelse +14 125 499 kr."
    ) in text
    # Every board's sentence adds up as written.
    said = re.compile(r"budget ([\d ]+) kr, utfall hittills [\d ]+ kr, prognos ([\d ]+) kr, avvikelse ([+-]?[\d ]+) kr")
    checked = 0
    for p in text:
        if m := said.search(p):
            budget, forecast, deviation = (int(g.replace(" ", "")) for g in m.groups())
            assert budget - forecast == deviation, p
            checked += 1
    assert checked == 5  # ASN, GVN, FSN, KS, Tillväxt Malmö och Level


# 5. Nothing imported yet ----------------------------------------------------------------------------


def test_before_any_import_it_says_no_utfall_has_been_imported(cli):
    cli.prepare(("run", "--quiet"))
    [source] = cli.json_report("aterrapportering", "--no-header")["paragraphs"][:1]
    assert source == "Budget ur körning 1 (Strategiska jobbsatsningar 2024); inget utfall har importerats."
