"""Project utfall against plan (issue 14, point 3), on the example ``malmokraften-2020``.

The test's copy grants both applications (ESF 44 000 000 kr, decided 2020-02-14; Finsam
25 000 000 kr, decided 2020-03-01) and maps the project code "MK2" to the project. The project
runs 2020-01-01 to 2022-06-30, 30 months, periodised month by month (``cofinancing by = "month"``),
so the plan (the cash lines in the budget, "i budget"; ASN's staff time is in kind, not cash) is

    ESF     44 000 000 / 30 = 1 466 666,67 kr a month, 4 400 000 kr a quarter
    Finsam  25 000 000 / 30 =   833 333,33 kr a month, 2 500 000 kr a quarter
    plan Q1 2020 = 4 400 000 + 2 500 000 = 6 900 000 kr.

Booked in Q1 2020 (the CSV below): 300 000 + 400 000 + 300 000 = 1 000 000 kr, so
remaining 6 900 000 - 1 000 000 = 5 900 000 kr and the share used 1 000 000 / 6 900 000 = 14,49...
= 14,5 %. The cash budget is 44 000 000 + 25 000 000 = 69 000 000 kr, so ESF's share of the booked
costs is 1 000 000 × 44 / 69 = 637 681,159... = 637 681,16 kr, and Finsam's 1 000 000 × 25 / 69 =
362 318,840... = 362 318,84 kr (together 1 000 000 kr). April adds 250 000 kr in Q2: ESF
250 000 × 44 / 69 = 159 420,289... = 159 420,29 kr. A row of other money (no project code) is no
project's.
"""

from __future__ import annotations

ESF = 'financier = "esf"\namount = "44 000 000 kr"\nstatus = "ansökt"'
FINSAM = 'financier = "finsam"\namount = "25 000 000 kr"\nstatus = "ansökt"'
UTFALL = """[utfall]
columns = { date = "Datum", account = "Konto", ansvar = "Ansvar", project = "Projekt", amount = "Belopp" }

[utfall.ansvar]
"31*" = "ASN"

[[utfall.map]]
match = { project = "MK2" }
project = "malmokraften"

[[rules]]"""
GRANTED = (
    (ESF, ESF.replace('"ansökt"', '"beviljad"\ndecided = 2020-02-14')),
    (FINSAM, FINSAM.replace('"ansökt"', '"beviljad"\ndecided = 2020-03-01')),
    ("[[rules]]", UTFALL),
)
ROWS = [
    ("2020-01-31", "5010", "3110", "MK2", "300 000,00"),
    ("2020-02-28", "5010", "3110", "MK2", "400 000,00"),
    ("2020-03-31", "6110", "3110", "MK2", "300 000,00"),
    ("2020-04-15", "5010", "3110", "MK2", "250 000,00"),
    ("2020-03-31", "5010", "3110", "", "99,00"),
]
KR = 100


def csv_file(tmp_path, rows, name="utfall.csv"):
    path = tmp_path / name
    lines = ["Datum;Konto;Ansvar;Projekt;Belopp", *(";".join(r) for r in rows)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def imported(cli, example_file, tmp_path, *replacements):
    scenario = example_file("malmokraften-2020", *GRANTED, *replacements)
    assert cli("run", scenario, "--quiet").exit_code == 0, cli("validate", scenario).output
    result = cli("import", "utfall", csv_file(tmp_path, ROWS), "-c", scenario)
    assert result.exit_code == 0, result.output
    return scenario


def of(rows, table):
    return [r for r in rows if r.get("table") == table]


def test_one_quarter_planned_booked_remaining_and_esf_share(cli, example_file, tmp_path):
    """Q1 2020: planned 6 900 000, booked 1 000 000, remaining 5 900 000, ESF's share 637 681,16 kr."""
    imported(cli, example_file, tmp_path)
    report = cli.json_report("projekt", "--quarters", "--year", "2020")
    plan = {r["quarter"]: r for r in of(report["rows"], "projekt_utfall")}
    q1 = plan[1]
    assert (q1["project"], q1["year"]) == ("malmokraften", 2020)
    assert (q1["planned_ore"], q1["utfall_ore"], q1["remaining_ore"]) == (
        6_900_000 * KR,
        1_000_000 * KR,
        5_900_000 * KR,
    )
    assert q1["used_percent"] == 14.5
    assert (plan[2]["utfall_ore"], plan[3]["utfall_ore"], plan[4]["planned_ore"]) == (250_000 * KR, 0, 6_900_000 * KR)
    shares = {(r["quarter"], r["financier_id"]): r for r in of(report["rows"], "projekt_utfall_finansiarer")}
    assert shares[(1, "esf")]["claim_ore"] == 637_681_16
    assert shares[(1, "finsam")]["claim_ore"] == 362_318_84
    assert shares[(1, "esf")]["granted_ore"] == 44_000_000 * KR
    assert shares[(2, "esf")]["claim_ore"] == 159_420_29
    assert "ASN" not in {fid for _q, fid in shares}  # staff time is in kind: no share of cash costs
    # The year's totals: plan 27 600 000, booked 1 250 000; ESF 1 250 000 × 44 / 69 = 797 101,449... kr.
    [total] = of(report["totals"], "projekt_utfall")
    assert (total["planned_ore"], total["utfall_ore"], total["remaining_ore"]) == (
        27_600_000 * KR,
        1_250_000 * KR,
        26_350_000 * KR,
    )
    esf_total = next(r for r in of(report["totals"], "projekt_utfall_finansiarer") if r["financier_id"] == "esf")
    assert esf_total["claim_ore"] == 797_101_45


def test_aterrapportering_project_table_has_the_plan(cli, example_file, tmp_path):
    """The same figures in aterrapportering's project table, the project by its name."""
    imported(cli, example_file, tmp_path)
    report = cli.json_report("aterrapportering", "--quarters", "--year", "2020")
    q1 = next(r for r in of(report["rows"], "aterrapportering_projekt") if r["quarter"] == 1)
    assert (q1["project"], q1["planned_ore"], q1["utfall_ore"], q1["remaining_ore"]) == (
        "Malmökraften 2.0",
        6_900_000 * KR,
        1_000_000 * KR,
        5_900_000 * KR,
    )
    esf = next(
        r
        for r in of(report["rows"], "aterrapportering_projekt_finansiarer")
        if (r["quarter"], r["financier_id"]) == (1, "esf")
    )
    assert esf["claim_ore"] == 637_681_16


def test_months(cli, example_file, tmp_path):
    """``--months``: the months the ledger holds; ESF's month is 1 466 666,67 kr (44 000 000 / 30)."""
    imported(cli, example_file, tmp_path)
    report = cli.json_report("projekt", "--months", "--year", "2020")
    esf = [r for r in of(report["rows"], "projekt") if r["financier_id"] == "esf"]
    assert [r["month"] for r in esf] == list(range(1, 13))
    assert sum(r["amount_ore"] for r in esf[:3]) == 4_400_000 * KR
    plan = {r["month"]: r for r in of(report["rows"], "projekt_utfall")}
    assert (plan[2]["planned_ore"], plan[2]["utfall_ore"]) == (2_300_000 * KR, 400_000 * KR)
    assert "quarter" not in plan[2]
    both = cli("report", "projekt", "--months", "--quarters")
    assert both.exit_code == 1 and "--months and --quarters" in both.stderr


def test_nothing_in_budget_plans_nothing(cli, example_file, tmp_path):
    """As in the example, ESF and Finsam applied for only: no plan, and nobody's share, just the booked."""
    scenario = example_file("malmokraften-2020", ("[[rules]]", UTFALL))
    assert cli("run", scenario, "--quiet").exit_code == 0
    assert cli("import", "utfall", csv_file(tmp_path, ROWS), "-c", scenario).exit_code == 0
    report = cli.json_report("projekt", "--quarters", "--year", "2020")
    q1 = next(r for r in of(report["rows"], "projekt_utfall") if r["quarter"] == 1)
    assert (q1["planned_ore"], q1["utfall_ore"], q1["remaining_ore"], q1["used_percent"]) == (
        0,
        1_000_000 * KR,
        -1_000_000 * KR,
        None,
    )
    assert of(report["rows"], "projekt_utfall_finansiarer") == []


def test_a_project_row_outside_the_project_period_is_refused(cli, example_file, tmp_path, digest):
    """2022-07-01 is in the scenario's years but after the project ends: file and line, nothing written."""
    scenario = example_file("malmokraften-2020", *GRANTED)
    assert cli("run", scenario, "--quiet").exit_code == 0
    before = digest(cli.db)
    path = csv_file(tmp_path, [*ROWS[:2], ("2022-07-01", "5010", "3110", "MK2", "1,00")], name="sent.csv")
    result = cli("import", "utfall", path, "-c", scenario)
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert result.stderr.count("Error: ") == 1, result.stderr
    assert (
        f"{path}: line 4: the date 2022-07-01 is outside the period of project 'malmokraften' "
        "(2020-01-01 – 2022-06-30)" in result.stderr
    )
    assert digest(cli.db) == before
    # The same date as the recipient's other money (no project) is fine.
    other = csv_file(tmp_path, [("2022-07-01", "5010", "3110", "", "1,00")], name="annat.csv")
    assert cli("import", "utfall", other, "-c", scenario).exit_code == 0
