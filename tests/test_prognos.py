"""Issue 13, point 4: the year-end forecast (helårsprognos), computed or the board's own.

The 2024 example (STK-2024-291) with its scenario widened to 2023-2026, so the 2023 utfall of the same
scenario can be imported as the pattern to follow, and the mapping of tests/test_purposes.py
(verksamhet 7160 is Ung i sommar, 7150 the fund's own). Booked by hand below:

* GVN, the fund's own: 2023: 3 000 000 kr in February, 4 000 000 kr in May, 3 000 000 kr in October
  (10 000 000 kr, 70 % of it by the end of June); 2024: 2 000 000 kr on 31 March, 4 000 000 kr on
  30 June: 6 000 000 kr by 2024-06-30, the last booking day of 2024.
* ASN, Ung i sommar (booked in June to August): 2023: 2 000 000 kr in June, 4 000 000 in July,
  3 000 000 in August (9 000 000 kr); 2024: 1 500 000 kr on 28 June.
* ASN, the fund's own: 2024 only, 10 000 000 kr on 31 May.

2024 is a leap year: 366 days, and 2024-06-30 is day 31 + 29 + 31 + 30 + 31 + 30 = 182.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import sqlite3
import types

import pytest

from jobbsats import examples

UTFALL = """
[utfall]
columns = { date = "Datum", account = "Konto", ansvar = "Ansvar", verksamhet = "Verksamhet", amount = "Belopp" }
accounts = ["5*"]
[utfall.ansvar]
"31*" = "ASN"
"32*" = "GVN"
[[utfall.map]]
match = { verksamhet = "7160" }
fund = "sjs"
purpose = "Ung i sommar"
[[utfall.map]]
match = { verksamhet = "7150" }
fund = "sjs"
"""

BOOKED_2023 = """Datum;Konto;Ansvar;Verksamhet;Belopp
2023-02-28;5010;3210;7150;3 000 000,00
2023-05-31;5010;3210;7150;4 000 000,00
2023-10-31;5010;3210;7150;3 000 000,00
2023-06-30;5010;3110;7160;2 000 000,00
2023-07-31;5010;3110;7160;4 000 000,00
2023-08-31;5010;3110;7160;3 000 000,00
"""

BOOKED_2024 = """Datum;Konto;Ansvar;Verksamhet;Belopp
2024-03-31;5010;3210;7150;2 000 000,00
2024-06-30;5010;3210;7150;4 000 000,00
2024-06-28;5010;3110;7160;1 500 000,00
2024-05-31;5010;3120;7150;10 000 000,00
"""

BOARD = """recipient;fund;purpose;amount;comment
GVN;sjs;;10 000 000;Enligt nämndens uppföljning i augusti
"""


def scenario_text() -> str:
    text = examples.path_of("malmo-2024").read_text(encoding="utf-8")
    text = text.replace('description = "', 'years = "2023-2026"\ndescription = "', 1)
    return text[: text.index("[utfall]")] + UTFALL


def write(tmp_path, name: str, text: str):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def booked(cli, shared_file):
    """The run, and the utfall of 2023 and of 2024 imported as two batches (made once, then copied)."""
    scenario = shared_file("jobbsats.toml", scenario_text())
    imports = [("utfall-2023.csv", BOOKED_2023), ("utfall-2024.csv", BOOKED_2024)]
    cli.prepare(
        ("run", scenario, "--quiet"),
        *(("import", "utfall", shared_file(name, text), "-c", scenario) for name, text in imports),
    )
    return cli


def rows(cli, *args: str) -> dict[tuple[str, str], dict]:
    return {(r["recipient_id"], r["purpose"]): r for r in cli.json_report("prognos", *args)["rows"]}


def test_linear_by_days_elapsed(booked):
    got = rows(booked)  # the default method, the default year (of the last booking) and cut day (2024-06-30)
    gvn = got[("GVN", "")]
    # 6 000 000 kr × 366 / 182 = 12 065 934,0659… kr = 1 206 593 406,59… öre, half up: 1 206 593 407 öre
    assert (gvn["utfall_ore"], gvn["forecast_ore"], gvn["method"]) == (600_000_000, 1_206_593_407, "linear")
    # Budget: GVN's 27 % of the 25 600 000 kr left for the key = 6 912 000 kr; deviation is budget less forecast
    assert gvn["budget_ore"] == 691_200_000 and gvn["deviation_ore"] == 691_200_000 - 1_206_593_407
    assert (gvn["year"], gvn["fund_id"], gvn["method_name"], gvn["comment"]) == (2024, "sjs", "linjär", "")
    # Ung i sommar: 1 500 000 kr × 366 / 182 = 3 016 483,5164… kr -> 301 648 352 öre
    assert got[("ASN", "Ung i sommar")]["forecast_ore"] == 301_648_352
    # ASN's own: 10 000 000 kr × 366 / 182 = 20 109 890,1098… kr -> 2 010 989 011 öre
    assert got[("ASN", "")]["forecast_ore"] == 2_010_989_011
    # FSN booked nothing: nothing to project, linearly 0
    assert (got[("FSN", "")]["utfall_ore"], got[("FSN", "")]["forecast_ore"]) == (0, 0)


def test_the_text_shows_whole_kronor_and_says_how(booked):
    text = booked("report", "prognos", "--recipient", "GVN").stdout
    assert text.startswith("# Helårsprognos 2024")
    for heading in ("Budget (kr)", "Utfall hittills (kr)", "Prognos (kr)", "Avvikelse (kr)", "Metod"):
        assert heading in text
    assert "till och med 2024-06-30, den sista bokföringsdagen (dag 182 av 366)" in text
    assert "(366/182 dagar)" in text
    # 6 912 000 - 12 065 934,07 = -5 153 934,07 kr, in the text -5 153 934 kr
    said = "budget 6\u00a0912\u00a0000\u00a0kr, utfall hittills 6\u00a0000\u00a0000\u00a0kr, prognos 12\u00a0065\u00a0934\u00a0kr"
    assert said + ", avvikelse -5\u00a0153\u00a0934\u00a0kr." in text


def test_profile_follows_the_previous_years_months(booked):
    got = rows(booked, "--method", "profile")
    gvn = got[("GVN", "")]
    # 2023 booked 7 000 000 of its 10 000 000 kr by the end of June: 6 000 000 / 0,70 = 8 571 428,5714… kr,
    # 857 142 857,14… öre, half up 857 142 857 öre; in the text 8 571 429 kr
    assert (gvn["forecast_ore"], gvn["method"], gvn["method_name"]) == (857_142_857, "profile", "profil (2023)")
    # Ung i sommar, booked June to August: by 30 June 2023 had booked 2 000 000 of 9 000 000 kr (all of June),
    # so 1 500 000 kr by 30 June 2024 is 2/9 of the year: 1 500 000 × 9 / 2 = 6 750 000 kr, not 3 016 484
    assert got[("ASN", "Ung i sommar")]["forecast_ore"] == 675_000_000
    # ASN's own money has no 2023 to follow: linear, and said so
    own = got[("ASN", "")]
    assert (own["forecast_ore"], own["method"], own["method_name"]) == (
        2_010_989_011,
        "linear",
        "linjär (inget utfall 2023)",
    )
    text = booked("report", "prognos", "--method", "profile", "--recipient", "GVN").stdout
    assert "prognos 8\u00a0571\u00a0429\u00a0kr" in text


def test_to_day_cuts_the_utfall_and_a_profile_with_nothing_yet_falls_back(booked):
    got = rows(booked, "--to-day", "2024-03-31", "--method", "profile")
    # GVN: 2 000 000 kr by 31 March; 2023 had 3 000 000 of 10 000 000 kr by then (February):
    # 2 000 000 / 0,30 = 6 666 666,666… kr -> 666 666 667 öre
    assert (got[("GVN", "")]["utfall_ore"], got[("GVN", "")]["forecast_ore"]) == (200_000_000, 666_666_667)
    # Ung i sommar: nothing booked by 31 March in 2023 either: no share to divide by, so linear (0 kr)
    summer = got[("ASN", "Ung i sommar")]
    assert (summer["forecast_ore"], summer["method_name"]) == (0, "linjär (inget bokfört 2023 vid samma tid)")
    linear = rows(booked, "--to-day", "2024-03-31")
    # day 31 + 29 + 31 = 91: 2 000 000 × 366 / 91 = 8 043 956,0439… kr -> 804 395 604 öre
    assert linear[("GVN", "")]["forecast_ore"] == 804_395_604
    text = booked("report", "prognos", "--to-day", "2024-03-31").stdout
    assert "till och med 2024-03-31, den dag som angavs (dag 91 av 366)" in text


def test_bad_options_are_refused(booked):
    result = booked("report", "prognos", "--to-day", "2024-02-30")
    assert result.exit_code == 1 and "--to-day: '2024-02-30' is not a day of the calendar" in result.stderr
    result = booked("report", "prognos", "--to-day", "2023-12-31", "--year", "2024")
    assert result.exit_code == 1 and "is not a day of 2024" in result.stderr
    result = booked("report", "prognos", "--method", "straight")
    assert result.exit_code == 1 and "unknown method 'straight'" in result.stderr
    helped = booked("report", "prognos", "--help").stdout
    assert "--method" in helped and "--to-day" in helped


def test_a_boards_own_forecast_overrides_both_and_is_marked(booked, tmp_path):
    board = write(tmp_path, "prognos-gvn.csv", BOARD)
    result = booked("import", "prognos", board)
    assert result.exit_code == 0, result.output
    assert "Forecast batch 1 recorded" in result.stderr and "for 2024, checked against run 1" in result.stderr
    listed = booked("runs").stdout
    assert "Forecast batches (prognos):" in listed and "prognos-gvn.csv" in listed
    for method in ("linear", "profile"):
        gvn = rows(booked, "--method", method)[("GVN", "")]
        assert (gvn["forecast_ore"], gvn["method"], gvn["method_name"]) == (1_000_000_000, "board", "nämndens prognos")
        assert gvn["comment"] == "Enligt nämndens uppföljning i augusti" and gvn["prognos_batch"] == 1
        # the computed figure is kept beside it: 1 206 593 407 (linear) and 857 142 857 öre (profile)
        assert gvn["computed_ore"] == {"linear": 1_206_593_407, "profile": 857_142_857}[method]
        assert gvn["deviation_ore"] == 691_200_000 - 1_000_000_000
    # other lines keep their computed forecast
    assert rows(booked)[("ASN", "")]["method"] == "linear"
    text = booked("report", "prognos").stdout
    assert "| nämndens prognos | Enligt nämndens uppföljning i augusti |" in text
    assert f"filen prognos-gvn.csv (sha256 {hashlib.sha256(board.read_bytes()).hexdigest()})" in text


def test_a_later_file_overrides_an_earlier_line_and_the_chain_covers_both(booked, tmp_path):
    assert booked("import", "prognos", write(tmp_path, "a.csv", BOARD)).exit_code == 0
    later = "mottagare;fond;ändamål;belopp;kommentar\ngvn;Strategiska jobbsatsningar;;9 500 000,50;Ny bedömning\n"
    result = booked("import", "prognos", write(tmp_path, "b.csv", later))
    assert result.exit_code == 0, result.output
    assert "It overrides 1 line of forecast batch 1." in result.stderr
    gvn = rows(booked)[("GVN", "")]
    assert (gvn["forecast_ore"], gvn["comment"], gvn["prognos_batch"]) == (950_000_050, "Ny bedömning", 2)
    verified = booked("verify")
    assert verified.exit_code == 0, verified.output
    conn = sqlite3.connect(booked.db)
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        conn.execute("update prognos_rows set amount = 1")
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        conn.execute("delete from prognos_batches")
    conn.execute("drop trigger prognos_rows_no_update")
    conn.execute("update prognos_rows set amount = 1 where batch_id = 1")
    conn.commit()
    conn.close()
    result = booked("verify")
    assert result.exit_code == 1
    assert "forecast batch 1: its rows in prognos_rows were changed outside jobbsats" in result.stderr
    assert "prognos_rows_no_update is missing" in result.stderr


@pytest.mark.parametrize(
    ("line", "says"),
    [
        ("XYZ;sjs;;1 000;", "line 3: recipient 'XYZ' is not a recipient of run 1 (recipients: ASN, GVN, FSN, KS"),
        (
            "ASN;sjs;Ung i vinter;1 000;",
            "line 3: purpose 'Ung i vinter' is not a purpose of fund 'sjs' in run 1 for 2024",
        ),
        # GVN is given the key's money only (6 912 000 kr); Ung i sommar is ASN's and KS's (9 000 000, 500 000 kr).
        (
            "GVN;sjs;Ung i sommar;1 000;",
            "line 3: GVN has no budget line for 'Ung i sommar' from fund 'sjs' in run 1 for 2024 "
            "(its lines: the fund's own)",
        ),
        # Tillväxt Malmö och Level gets its 4 900 000 kr through KS, for that purpose alone.
        (
            "tillvaxt_level;sjs;;1 000;",
            "line 3: tillvaxt_level has no budget line for the fund's own from fund 'sjs' in run 1 for 2024 "
            "(its lines: 'Tillväxt Malmö & Level')",
        ),
        # KS is given 4 900 000 kr for Tillväxt Malmö & Level and grants it on in full: its budget there is 0.
        (
            "KS;sjs;Tillväxt Malmö & Level;1 000;",
            "line 3: KS has no budget line for 'Tillväxt Malmö & Level' from fund 'sjs' in run 1 for 2024 "
            "(its lines: the fund's own, 'Ung i sommar')",
        ),
        ("ASN;other;;1 000;", "line 3: fund 'other' is not a fund in kronor of run 1 (funds: sjs)"),
        ("ASN;sjs;;1.234,50;", "line 3: amount '1.234,50' is not an amount"),
        ("ASN;sjs;;-5 000;", "line 3: amount '-5 000' is below 0"),
        (
            "GVN;sjs;Strategiska jobbsatsningar;1 000;",
            "line 3: repeats the forecast of line 2 (GVN, sjs, the fund’s own)",
        ),
        ("ASN;sjs;;1 000", "line 3: has 4 fields, the header 5"),
    ],
)
def test_a_bad_line_is_refused_with_file_and_line_and_nothing_is_written(booked, tmp_path, digest, line, says):
    bad = write(tmp_path, "bad.csv", BOARD + line + "\n")
    before = digest(booked.db)
    result = booked("import", "prognos", bad)
    assert result.exit_code == 1
    assert f"{bad}: {says}" in result.stderr
    assert "nothing was imported" in result.stderr and "Traceback" not in result.output
    assert digest(booked.db) == before


def test_every_bad_line_is_named_in_one_message(booked, tmp_path, digest):
    bad = write(
        tmp_path, "bad.csv", "recipient;fund;purpose;amount;comment\nXYZ;sjs;;1 000;\nASN;sjs;Ung i vinter;2 000;\n"
    )
    before = digest(booked.db)
    result = booked("import", "prognos", bad)
    assert result.exit_code == 1
    assert f"{bad}: 2 problems:" in result.stderr
    assert "line 2: recipient 'XYZ'" in result.stderr and "line 3: purpose 'Ung i vinter'" in result.stderr
    assert digest(booked.db) == before


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("recipient;fund;purpose;comment\nASN;sjs;;x\n", "line 1: lacks the column 'amount'"),
        ("recipient;fund;purpose;amount;belopp2\nASN;sjs;;1 000;x\n", "line 1: unknown column 'belopp2'"),
        ("recipient;fund;purpose;amount;comment\n", "holds no forecast lines after its header"),
    ],
)
def test_a_bad_header_is_refused(booked, tmp_path, digest, text, says):
    before = digest(booked.db)
    result = booked("import", "prognos", write(tmp_path, "bad.csv", text))
    assert result.exit_code == 1 and says in result.stderr, result.output
    assert digest(booked.db) == before


def test_a_forecast_for_a_year_without_a_budget_is_refused(booked, tmp_path):
    result = booked("import", "prognos", write(tmp_path, "p.csv", BOARD), "--year", "2023")
    assert result.exit_code == 1 and "--year: run 1 has no budget for 2023 (years: 2024)" in result.stderr


@pytest.mark.parametrize("fmt", ["md", "csv", "json", "xlsx", "html"])
def test_every_format(booked, tmp_path, fmt):
    assert booked("import", "prognos", write(tmp_path, "p.csv", BOARD)).exit_code == 0
    out = tmp_path / f"prognos.{fmt}"
    result = booked("report", "prognos", "-o", out)
    assert result.exit_code == 0, result.output
    data = out.read_bytes()
    assert data
    if fmt == "csv":
        header = data.decode("utf-8").splitlines()[0].split(",")
        assert {"fund_id", "purpose", "budget_ore", "utfall_ore", "forecast_ore", "deviation_ore", "method"} <= set(
            header
        )
    if fmt == "html":
        page = data.decode("utf-8")
        assert "<svg" in page and "Ackumulerat utfall och prognos mot budget 2024" in page


def test_the_chart_is_cumulative_utfall_by_month_and_the_forecast_to_december(booked):
    document = booked.kit.build("prognos", year=2024, recipient=("GVN",))
    (chart,) = document.charts
    budget, actual, forecast = chart.series
    assert chart.categories[0] == "jan" and chart.categories[-1] == "dec"
    assert budget.values == (691_200_000,) * 12
    # 2 000 000 kr in March, 4 000 000 kr more in June; nothing after the cut day's month
    assert actual.values == (0, 0, 200_000_000, 200_000_000, 200_000_000, 600_000_000, 0, 0, 0, 0, 0, 0)
    # from June (the cut day is its last day: 6 000 000 kr) to December (the forecast, 1 206 593 407 öre)
    assert forecast.values[:5] == (0,) * 5 and forecast.values[5] == 600_000_000
    assert forecast.values[11] == 1_206_593_407
    assert list(forecast.values[5:]) == sorted(forecast.values[5:])


def test_as_of_keeps_its_meaning_for_the_boards_forecasts_too(booked, tmp_path, monkeypatch):
    """A forecast imported after the day --as-of names is not in the report as the ledger stood that day."""
    from jobbsats.prognos import importer

    class Later(datetime.datetime):
        @classmethod
        def now(cls, tz=None):
            return datetime.datetime(2099, 1, 1, tzinfo=tz)

    monkeypatch.setattr(importer, "datetime", types.SimpleNamespace(datetime=Later, UTC=datetime.UTC))
    assert booked("import", "prognos", write(tmp_path, "p.csv", BOARD)).exit_code == 0
    assert rows(booked)[("GVN", "")]["method"] == "board"
    today = datetime.datetime.now(datetime.UTC).date().isoformat()  # the run and the utfall are of today
    then = rows(booked, "--as-of", today)[("GVN", "")]
    assert (then["method"], then["forecast_ore"]) == ("linear", 1_206_593_407)


def test_a_comma_separated_file_with_quoted_amounts(booked, tmp_path):
    text = 'recipient,fund,purpose,amount,comment\nASN,sjs,Ung i sommar,"7 250 000,25","Färre, men längre, platser"\n'
    assert booked("import", "prognos", write(tmp_path, "p.csv", text)).exit_code == 0
    summer = rows(booked)[("ASN", "Ung i sommar")]
    assert (summer["forecast_ore"], summer["comment"]) == (725_000_025, "Färre, men längre, platser")


def test_a_run_of_projects_alone_has_no_forecast_and_says_why(cli):
    cli.prepare(("run", "malmokraften-2020", "--quiet"))
    result = cli("report", "prognos")
    assert result.exit_code == 1
    assert "run 1 allocates no fund, so there is no budget to forecast" in result.stderr
    assert "Traceback" not in result.output


def test_a_recipient_with_a_forecast_on_some_lines_only_says_which(cli, tmp_path):
    """2026 of malmo-2024-2026 has no utfall, so no line has a computed forecast; ASN's own forecast for the
    key's money stands, its Ung i sommar has none: the sentence says both, and sums neither as zero."""
    assert cli("run", "malmo-2024-2026", "--quiet").exit_code == 0
    board = write(tmp_path, "asn.csv", "mottagare;fond;ändamål;belopp;kommentar\nASN;sjs;;14 000 000;\n")
    assert cli("import", "prognos", board, "--year", "2026").exit_code == 0
    text = cli("report", "prognos", "--year", "2026").stdout
    # Budget: the key's 51 % of 40 000 000 - 14 400 000 kr = 13 056 000 kr, and Ung i sommar's 9 000 000 kr.
    said = (
        "Arbetsmarknads- och socialnämnden: budget 22\u00a0056\u00a0000\u00a0kr, utfall hittills 0\u00a0kr; "
        "prognos 14\u00a0000\u00a0000\u00a0kr för Strategiska jobbsatsningar, ingen prognos för Ung i sommar."
    )
    assert said in text
    assert (
        "Gymnasie- och vuxenutbildningsnämnden: budget 6\u00a0912\u00a0000\u00a0kr, utfall hittills 0\u00a0kr; ingen prognos."
        in text
    )


def test_verify_counts_forecast_batches_apart_from_import_batches(booked, tmp_path):
    assert booked("import", "prognos", write(tmp_path, "a.csv", BOARD)).exit_code == 0
    verified = booked("verify")
    assert verified.exit_code == 0, verified.output
    # The run, the utfall of 2023 and of 2024 (booked's two imports), and this forecast.
    assert "OK, 1 run, 2 import batches and 1 forecast batch verified" in verified.stdout
    found = json.loads(booked("verify", "--json").stdout)
    assert (found["runs"], found["import_batches"], found["forecast_batches"]) == (1, 2, 1)
