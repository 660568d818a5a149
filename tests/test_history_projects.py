"""Issue 14, point 1: ``show`` and ``diff`` cover co-financed projects, and ``diff --as-of`` import batches.

Figures worked out by hand from seed 001 (Malmökraften 2.0, ASN-2019-12911) and the bundled example
malmokraften-2020: 2020-01-01 to 2022-06-30 is 30 months (12 + 12 + 6), spread evenly by month, so
ESF's 44 000 000 kr is 17 600 000 / 17 600 000 / 8 800 000 kr, Finsam's 25 000 000 kr
10 000 000 / 10 000 000 / 5 000 000 kr and ASN's 150 000 kr in kind 60 000 / 60 000 / 30 000 kr.
ASN takes part "under förutsättning att ESF beviljar medel": while ESF is applied for its line is
villkorad, once ESF grants it counts in the budget, and when ESF refuses it drops out.
"""

from __future__ import annotations

import pytest

from jobbsats import examples

KR = 100
ESF, FINSAM, ASN = "Europeiska socialfonden (ESF)", "Finsam Malmö", "Arbetsmarknads- och socialnämnden"
ESF_LINE = 'financier = "esf"\namount = "44 000 000 kr"\nstatus = "ansökt"'
GRANTED = ESF_LINE.replace('"ansökt"', '"beviljad"\ndecided = 2020-02-14\nreference = "ESF-2020-0042"')
REFUSED = ESF_LINE.replace('"ansökt"', '"avslag"\ndecided = 2020-03-12\nreference = "ESF-2020-17"')
CONDITION = f"under förutsättning att {ESF} beviljar medel"


@pytest.fixture
def project_file(example_file):
    """The bundled malmokraften-2020 example with some text replaced (a file per name)."""
    return lambda *replacements, name="projekt.toml": example_file("malmokraften-2020", *replacements, name=name)


def financing(report: dict) -> dict[tuple[str, int | None], dict]:
    """The diff's rows of changed financing, by financier and year."""
    return {(r["financier"], r["year"]): r for r in report["rows"] if r.get("table", "finansiering") == "finansiering"}


def test_diff_shows_the_esf_grant_and_what_it_brings_into_the_budget(cli, project_file):
    """The acceptance: ESF ansökt -> beviljad; its line ansökt -> i budget, ASN's in kind villkorad -> i budget."""
    cli.prepare(("run", "malmokraften-2020", "--quiet"))
    assert cli("run", project_file((ESF_LINE, GRANTED)), "--quiet").exit_code == 0
    before = cli("diff", "1", "2")
    assert before.exit_code == 0 and "inga belopp skiljer sig" not in before.stdout
    report = cli.json_report_of("diff", "1", "2")
    rows = financing(report)
    assert sorted(rows) == [(ASN, 2020), (ASN, 2021), (ASN, 2022), (ESF, 2020), (ESF, 2021), (ESF, 2022)]
    esf = [rows[(ESF, year)] for year in (2020, 2021, 2022)]
    assert [(r["before_ore"], r["after_ore"], r["change_ore"]) for r in esf] == [
        (17_600_000 * KR, 17_600_000 * KR, 0),
        (17_600_000 * KR, 17_600_000 * KR, 0),
        (8_800_000 * KR, 8_800_000 * KR, 0),
    ]
    assert {(r["status_before"], r["status_after"], r["state_before"], r["state_after"]) for r in esf} == {
        ("ansökt", "beviljad", "ansökt", "i budget")
    }
    assert {(r["kind"], r["reason"], r["financier_id"], r["project_id"]) for r in esf} == {
        ("kontant", "beviljad 2020-02-14, ESF-2020-0042", "esf", "malmokraften")
    }
    asn = [rows[(ASN, year)] for year in (2020, 2021, 2022)]
    assert [r["after_ore"] for r in asn] == [60_000 * KR, 60_000 * KR, 30_000 * KR]
    assert {(r["status_before"], r["status_after"], r["state_before"], r["state_after"], r["kind"]) for r in asn} == {
        ("beviljad", "beviljad", "villkorad", "i budget", "i annat än pengar")
    }
    assert {r["reason"] for r in asn} == {
        f"villkoret att {ESF} beviljar medel är uppfyllt: beviljad 2020-02-14, ESF-2020-0042"
    }
    # Per project, budget state and kind, what moved: ESF's 44 000 000 kr out of ansökt (Finsam's
    # 25 000 000 kr stays there) into the budget, ASN's 150 000 kr from villkorad into the budget.
    totals = {t["financier"]: (t["before_ore"], t["after_ore"], t["change_ore"]) for t in report["totals"]}
    assert totals == {
        "Summa i budget, kontant": (0, 44_000_000 * KR, 44_000_000 * KR),
        "Summa i budget, i annat än pengar": (0, 150_000 * KR, 150_000 * KR),
        "Summa villkorad, i annat än pengar": (150_000 * KR, 0, -150_000 * KR),
        "Summa ansökt, kontant": (69_000_000 * KR, 25_000_000 * KR, -44_000_000 * KR),
    }
    assert [t["name"] for t in report["tables"]] == ["finansiering"]  # no allocations: no empty table of them
    paragraphs = report["paragraphs"]
    assert paragraphs[0].endswith(": 2 finansieringsrader i projekten har ändrats (status, budgetläge eller belopp).")
    assert paragraphs[1] == (
        f"Malmökraften 2.0, {ESF}: status från ansökt till beviljad, budgetläge från ansökt till i budget; "
        "skäl: beviljad 2020-02-14, ESF-2020-0042; per år i körning 2: 17 600 000 kr (2020), "
        "17 600 000 kr (2021), 8 800 000 kr (2022)."
    )
    assert paragraphs[2].startswith(f"Malmökraften 2.0, {ASN} (i annat än pengar): budgetläge från villkorad till ")


def test_the_diff_of_projects_in_markdown_and_csv(cli, project_file):
    cli.prepare(("run", "malmokraften-2020", "--quiet"))
    assert cli("run", project_file((ESF_LINE, GRANTED)), "--quiet").exit_code == 0
    md = cli("diff", "1", "2").stdout
    assert "## Finansiering som ändrats" in md
    header = (
        "| Projekt | Finansiär | Slag | År | Status före | Status efter | Budget före | Budget efter "
        "| Körning 1 (kr) | Körning 2 (kr) | Ändring (kr) | Skäl |"
    )
    assert header in md
    nbsp = "\u00a0"
    esf_2022 = (
        f"| Malmökraften 2.0 | {ESF} | kontant | 2022 | ansökt | beviljad | ansökt | i budget | 8{nbsp}800{nbsp}000 |"
    )
    assert esf_2022 in md
    csv = cli("diff", "1", "2", "-f", "csv").stdout.splitlines()
    assert csv[0].startswith("project,financier,kind,year,status_before,status_after,state_before,state_after,")
    assert f"Malmökraften 2.0,{ESF},kontant,2021,ansökt,beviljad,ansökt,i budget,1760000000,1760000000,0," in csv[2]
    assert len(csv) == 1 + 6


def test_diff_of_a_changed_amount_gives_every_year(cli, project_file):
    """ESF applied for 40 000 000 kr instead of 44 000 000: 16 000 000 / 16 000 000 / 8 000 000 kr; nothing else."""
    cli.prepare(("run", "malmokraften-2020", "--quiet"))
    smaller = ESF_LINE.replace("44 000 000", "40 000 000")
    assert cli("run", project_file((ESF_LINE, smaller)), "--quiet").exit_code == 0
    report = cli.json_report_of("diff", "1", "2")
    rows = financing(report)
    assert {k: (r["before_ore"], r["after_ore"], r["change_ore"]) for k, r in rows.items()} == {
        (ESF, 2020): (17_600_000 * KR, 16_000_000 * KR, -1_600_000 * KR),
        (ESF, 2021): (17_600_000 * KR, 16_000_000 * KR, -1_600_000 * KR),
        (ESF, 2022): (8_800_000 * KR, 8_000_000 * KR, -800_000 * KR),
    }
    assert {(r["state_before"], r["state_after"]) for r in rows.values()} == {("ansökt", "ansökt")}
    assert [(t["financier"], t["change_ore"]) for t in report["totals"]] == [("Summa ansökt, kontant", -4_000_000 * KR)]
    assert "belopp från 44 000 000 kr till 40 000 000 kr" in report["paragraphs"][1]
    assert "1 finansieringsrad i projekten har ändrats" in report["paragraphs"][0]


def test_diff_of_a_refusal_drops_the_conditional_part_with_the_reason(cli, project_file):
    cli.prepare(("run", "malmokraften-2020", "--quiet"))
    assert cli("run", project_file((ESF_LINE, REFUSED)), "--quiet").exit_code == 0
    rows = financing(cli.json_report_of("diff", "1", "2"))
    assert {(r["state_before"], r["state_after"], r["reason"]) for k, r in rows.items() if k[0] == ESF} == {
        ("ansökt", "utgår", "avslag 2020-03-12, ESF-2020-17")
    }
    assert {(r["state_before"], r["state_after"], r["reason"]) for k, r in rows.items() if k[0] == ASN} == {
        ("villkorad", "utgår", f"villkoret att {ESF} beviljar medel uppfylls inte: avslag 2020-03-12, ESF-2020-17")
    }


def test_diff_of_a_line_added_and_a_line_removed(cli, project_file):
    """Finsam's line taken out, a second ESF line of 3 000 000 kr (an extension, 1 200 000 / 1 200 000 / 600 000)."""
    finsam = '[[projects.malmokraften.financing]]\nfinancier = "finsam"\namount = "25 000 000 kr"\nstatus = "ansökt"\n'
    extension = finsam.replace('"finsam"', '"esf"').replace("25 000 000", "3 000 000")
    cli.prepare(("run", "malmokraften-2020", "--quiet"))
    assert cli("run", project_file((finsam, extension)), "--quiet").exit_code == 0
    report = cli.json_report_of("diff", "1", "2")
    rows = financing(report)
    assert {k: (r["before_ore"], r["after_ore"], r["change_ore"], r["reason"]) for k, r in rows.items()} == {
        (ESF, 2020): (None, 1_200_000 * KR, None, "ny finansieringsrad i körning 2"),
        (ESF, 2021): (None, 1_200_000 * KR, None, "ny finansieringsrad i körning 2"),
        (ESF, 2022): (None, 600_000 * KR, None, "ny finansieringsrad i körning 2"),
        (FINSAM, 2020): (10_000_000 * KR, None, None, "finansieringsraden finns inte i körning 2"),
        (FINSAM, 2021): (10_000_000 * KR, None, None, "finansieringsraden finns inte i körning 2"),
        (FINSAM, 2022): (5_000_000 * KR, None, None, "finansieringsraden finns inte i körning 2"),
    }
    # The first ESF line is matched with itself and unchanged, so it is not listed.
    assert [(t["financier"], t["change_ore"]) for t in report["totals"]] == [
        ("Summa ansökt, kontant", -22_000_000 * KR)  # 69 000 000 -> 47 000 000 kr
    ]
    assert any(p.startswith(f"Malmökraften 2.0, {FINSAM}: finns inte i körning 2;") for p in report["paragraphs"])


def test_a_run_with_itself_and_a_change_outside_projects_say_no_financing_changed(cli, scenario_file):
    cli.prepare(("run", "malmokraften-2020", "--quiet"))
    same = cli.json_report_of("diff", "1", "1")
    assert same["rows"] == [] and same["paragraphs"][0].endswith(": inga belopp skiljer sig.")
    assert cli("run", "--quiet").exit_code == 0  # malmo-2024: allocations, no projects
    changed = scenario_file(
        ("key = { ASN = 51, GVN = 27, FSN = 16, KS = 6 }", "key = { ASN = 50, GVN = 28, FSN = 16, KS = 6 }")
    )
    assert cli("run", changed, "--quiet").exit_code == 0
    report = cli.json_report_of("diff", "2", "3")
    assert {t["name"] for t in report["tables"]} == {"skillnader"}
    assert "finansieringsrad" not in report["paragraphs"][0]


def test_show_lists_each_projects_lines_and_states(cli):
    cli.prepare(("run", "malmokraften-2020", "--quiet"))
    report = cli.json_report_of("show", "1")
    rows = [
        (r["financier"], r["kind"], r["status"], r["decided"], r["reference"], r["state"], r["reason"], r["amount_ore"])
        for r in report["rows"]
    ]
    assert rows == [
        (ESF, "kontant", "ansökt", "", "", "ansökt", "", 44_000_000 * KR),
        (FINSAM, "kontant", "ansökt", "", "", "ansökt", "", 25_000_000 * KR),
        (ASN, "i annat än pengar", "beviljad", "2019-09-24", "ASN-2019-12911", "villkorad", CONDITION, 150_000 * KR),
    ]
    assert {t["financier"]: t["amount_ore"] for t in report["totals"]} == {
        "Summa villkorad, i annat än pengar": 150_000 * KR,
        "Summa ansökt, kontant": 69_000_000 * KR,
    }
    assert (
        "Projekt malmokraften: Malmökraften 2.0 (ASN-2019-12911), 2020-01-01 till 2022-06-30, "
        "projektägare Arbetsförmedlingen; 3 finansieringsrader, periodiserat per månad." in report["paragraphs"]
    )
    md = cli("show", "1").stdout
    assert "## Projektens finansiering" in md
    assert (
        "| Projekt | Finansiär | Slag | Status | Beslutad | Referens | Budget | Villkor eller skäl | Belopp (kr) |"
        in md
    )


def test_show_of_a_granted_esf_line_says_the_condition_is_met(cli, project_file):
    assert cli("run", project_file((ESF_LINE, GRANTED)), "--quiet").exit_code == 0
    rows = {r["financier"]: r for r in cli.json_report_of("show", "1")["rows"]}
    assert (rows[ESF]["state"], rows[ESF]["decided"], rows[ESF]["reference"]) == (
        "i budget",
        "2020-02-14",
        "ESF-2020-0042",
    )
    assert (rows[ASN]["state"], rows[ASN]["reason"]) == (
        "i budget",
        f"villkoret att {ESF} beviljar medel är uppfyllt: beviljad 2020-02-14, ESF-2020-0042",
    )


def test_show_of_a_run_without_projects_has_no_financing(cli):
    cli.prepare(("run", "--quiet"))
    report = cli.json_report_of("show", "1")
    assert [t["name"] for t in report["tables"]] == ["regler"]
    assert not any(p.startswith("Projekt ") for p in report["paragraphs"])


class Clock:
    """Stands in for the datetime module where the ledger stamps runs and batches: the day is ours to set."""

    def __init__(self, monkeypatch):
        import datetime as real

        from jobbsats.ledger import write
        from jobbsats.utfall import importer

        clock = self

        class Moment(real.datetime):
            @classmethod
            def now(cls, tz=None):
                return real.datetime.fromisoformat(clock.day + "T12:00:00").replace(tzinfo=real.UTC)

        fake = type("datetime_module", (), {"datetime": Moment, "UTC": real.UTC, "date": real.date})
        self.day = "2025-01-10"
        monkeypatch.setattr(write, "datetime", fake)
        monkeypatch.setattr(importer, "datetime", fake)


# The bundled export's eleven rows add up to 19 561 500,50 kr (1 250 000 + 4 100 000 + 2 730 500,50
# + 3 200 000 + 180 000 + 2 048 000 + 500 000 + 768 000 - 150 000 + 35 000 + 4 900 000); with GVN's
# 3 200 000 corrected to 3 000 000 it is 19 361 500,50 kr.
FIRST_TOTAL, CORRECTED_TOTAL = 1_956_150_050, 1_936_150_050


@pytest.fixture
def two_days(cli, monkeypatch, scenario_file, tmp_path):
    """2025-01-10: the 2024 run and the bundled export (batch 1, utfall.csv); 2025-02-20: a changed key
    (run 2), a corrected export under the same name (batch 2, superseding batch 1) and the first export
    again under another name (batch 3, extra.csv); 2025-03-05 batch 3 superseded by a copy of it (batch 4, extra-rattad.csv)."""
    clock = Clock(monkeypatch)
    cli.prepare(("run", "--quiet"))
    booked = tmp_path / "utfall.csv"
    original = examples.utfall_of("malmo-2024").read_bytes()
    booked.write_bytes(original)
    assert cli("import", "utfall", booked, "-c", "malmo-2024").exit_code == 0
    clock.day = "2025-02-20"
    changed = scenario_file(
        ("key = { ASN = 51, GVN = 27, FSN = 16, KS = 6 }", "key = { ASN = 50, GVN = 28, FSN = 16, KS = 6 }")
    )
    assert cli("run", changed, "--quiet").exit_code == 0
    text = booked.read_text(encoding="cp1252")
    assert "3\u00a0200\u00a0000,00" in text
    booked.write_text(text.replace("3\u00a0200\u00a0000,00", "3\u00a0000\u00a0000,00"), encoding="cp1252")
    assert cli("import", "utfall", booked, "-c", changed, "--replace").exit_code == 0
    extra = tmp_path / "extra.csv"
    extra.write_bytes(original)
    assert cli("import", "utfall", extra, "-c", changed).exit_code == 0
    clock.day = "2025-03-05"
    again = tmp_path / "extra-rattad.csv"
    again.write_bytes(original)
    assert cli("import", "utfall", again, "-c", changed, "--replace").exit_code == 0  # the same content as 3
    return cli


def batches(report: dict) -> dict[int, tuple]:
    return {
        r["batch_id"]: (r["file_name"], r["what"], r["before_ore"], r["after_ore"], r["change_ore"])
        for r in report["rows"]
        if r["table"] == "importbatcher"
    }


def test_diff_as_of_two_days_lists_the_batches_added_and_superseded(two_days):
    report = two_days.json_report_of("diff", "--as-of", "2025-01-31", "--as-of", "2025-02-28")
    assert batches(report) == {
        1: ("utfall.csv", "ersatt av import 2", FIRST_TOTAL, None, -FIRST_TOTAL),
        2: ("utfall.csv", "tillkommen", None, CORRECTED_TOTAL, CORRECTED_TOTAL),
        3: ("extra.csv", "tillkommen", None, FIRST_TOTAL, FIRST_TOTAL),
    }
    totals = [t for t in report["totals"] if t["table"] == "importbatcher"]
    assert totals == [
        {
            "table": "importbatcher",
            "scenario": "Strategiska jobbsatsningar 2024",
            "file_name": "Summa",
            "before_ore": FIRST_TOTAL,
            "after_ore": CORRECTED_TOTAL + FIRST_TOTAL,
            "change_ore": CORRECTED_TOTAL,
        }
    ]
    # The runs of the two days, compared as `diff 1 2` compares them: the key's one point from ASN to GVN.
    changed = {r["recipient_id"]: r["change_ore"] for r in report["rows"] if r["table"] == "skillnader"}
    assert changed == {"ASN": -256_000 * KR, "GVN": 256_000 * KR}
    assert report["title"] == "Skillnader mellan 2025-01-31 och 2025-02-28"
    assert report["paragraphs"][0] == (
        "Ställningen per 2025-01-31 mot ställningen per 2025-02-28 (dagen räknad i UTC): körning 1 mot körning 2, "
        "och de importbatcher (utfall) som gällde."
    )
    assert report["paragraphs"][-1] == (
        "Importbatcher som skiljer sig mellan 2025-01-31 och 2025-02-28: tillkomna: import 2 (utfall.csv), "
        "import 3 (extra.csv); ersatt: import 1 (utfall.csv, ersatt av import 2)."
    )


def test_diff_as_of_one_day_compares_it_with_the_ledger_now(two_days):
    report = two_days.json_report_of("diff", "--as-of", "2025-02-20")
    assert batches(report) == {
        2: ("utfall.csv", "oförändrad", CORRECTED_TOTAL, CORRECTED_TOTAL, 0),
        3: ("extra.csv", "ersatt av import 4", FIRST_TOTAL, None, -FIRST_TOTAL),
        4: ("extra-rattad.csv", "tillkommen", None, FIRST_TOTAL, FIRST_TOTAL),
    }
    assert "inga belopp skiljer sig." in report["paragraphs"][1]  # run 2 on both sides
    assert report["title"] == "Skillnader mellan 2025-02-20 och nu"
    assert report["paragraphs"][-1] == (
        "Importbatcher som skiljer sig mellan 2025-02-20 och nu: tillkommen: import 4 (extra-rattad.csv); "
        "ersatt: import 3 (extra.csv, ersatt av import 4)."
    )
    columns = {c["key"]: c["title"] for t in report["tables"] if t["name"] == "importbatcher" for c in t["columns"]}
    assert (columns["before_ore"], columns["after_ore"]) == (
        "Kontrollsumma per 2025-02-20 (kr)",
        "Kontrollsumma nu (kr)",
    )


def test_diff_as_of_a_batch_imported_and_superseded_in_between(two_days):
    report = two_days.json_report_of("diff", "--as-of", "2025-01-10", "--as-of", "2025-03-05")
    assert batches(report)[3] == ("extra.csv", "tillkommen, ersatt av import 4", None, None, 0)
    assert report["paragraphs"][-1] == (
        "Importbatcher som skiljer sig mellan 2025-01-10 och 2025-03-05: tillkomna: import 2 (utfall.csv), "
        "import 3 (extra.csv), import 4 (extra-rattad.csv); ersatta: import 1 (utfall.csv, ersatt av import 2), "
        "import 3 (extra.csv, ersatt av import 4)."
    )
    md = two_days("diff", "--as-of", "2025-02-20", "--as-of", "2025-02-20")
    assert md.exit_code == 0
    assert "Samma importbatcher gäller per 2025-02-20 och per 2025-02-20: import 2, 3." in md.stdout
    assert "## Importbatcher (utfall) per 2025-02-20 och per 2025-02-20" in md.stdout
    assert "| Import | Scenario | Fil | Importerad | Rader | Skillnad |" in md.stdout


def test_diff_between_runs_lists_no_batches(two_days):
    report = two_days.json_report_of("diff", "1", "2")
    assert "importbatcher" not in {t["name"] for t in report["tables"]}


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (("1", "--as-of", "2025-01-31"), "not both"),
        (("1",), "give two runs"),
        ((), "give two runs"),
        (("--as-of", "2025-02-28", "--as-of", "2025-01-31"), "give the earlier day first"),
        (("--as-of", "2025-01-01", "--as-of", "2025-01-02", "--as-of", "2025-01-03"), "one or two days, not 3"),
        (("--as-of", "2025-02-30"), "is not a day of the calendar"),
    ],
)
def test_diff_refuses_a_wrong_form(cli, args, says):
    cli.prepare(("run", "--quiet"))
    result = cli("diff", *args)
    assert result.exit_code == 2 and says in result.stderr, result.output


def test_diff_as_of_a_day_before_any_run(cli):
    cli.prepare(("run", "--quiet"))
    result = cli("diff", "--as-of", "2000-01-01")
    assert result.exit_code == 1 and "no run made on or before 2000-01-01" in result.stderr
