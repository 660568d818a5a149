"""Issue 16, point 8: `--json` on runs, validate, import, verify, backup, examples and plugins; `show --batch -f json`.

Figures are worked out by hand from the 2024 example (core/examples/malmo-2024.toml) and its
sample export (malmo-2024.utfall.csv):

- the fund sjs has a total of 40 000 000 kr = 4 000 000 000 öre for 2024, and the rules give all of
  it: fixed lines 9 000 000 + 500 000 + 4 900 000, and the key splits the remaining 25 600 000;
- 8 allocations: 3 fixed lines, the grant KS passes on to Tillväxt Malmö och Level, 4 key shares;
- the export has 11 rows summing to 1 250 000 + 4 100 000 + 2 730 500,50 + 3 200 000 + 180 000
  + 2 048 000 + 500 000 + 768 000 - 150 000 + 35 000 + 4 900 000 = 19 561 500,50 kr; 9 of them on
  verksamhet 7150 (the fund's money: 19 561 500,50 - 180 000 - 35 000 = 19 346 500,50 kr), 1 of
  GVN's other money (180 000 kr) and 1 on ansvar 9000, mapped to no one (35 000 kr).
"""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path

import pytest

from jobbsats import examples

CONTROL_TOTAL_ORE = 1_956_150_050
FUND_TOTAL_ORE = 1_934_650_050


def document(result) -> object:
    """Standard output as one JSON document (json.loads refuses anything after it)."""
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


# Text that is a number: what a machine reader would have to convert ("36.0", "1 000", "12,5").
NUMBER_AS_TEXT = re.compile(r"^-?[0-9][0-9 \u00a0]*([.,][0-9]+)?$")


def numbers_are_numbers(value: object, where: str = "") -> None:
    """No number hides in a string anywhere in the document, and no count or amount is a bool."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key.endswith(("_ore", "_rows", "rows_read")) or key in ("id", "year", "batch_id", "run_id"):
                assert item is None or (type(item) is int), f"{where}.{key} = {item!r}"
            numbers_are_numbers(item, f"{where}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            numbers_are_numbers(item, f"{where}[{index}]")
    elif isinstance(value, str):
        assert not NUMBER_AS_TEXT.match(value), f"{where} = {value!r}: a number as text"


@pytest.fixture
def ran(cli):
    """The 2024 example run, and its sample export written beside it (utfall-2024.csv, jobbsats.toml)."""
    cli.prepare(("run", "malmo-2024", "--quiet"))
    assert cli("init", ".").exit_code == 0
    return cli


def test_runs_json_lists_the_run_with_its_total(ran):
    doc = document(ran("runs", "--json"))
    numbers_are_numbers(doc)
    assert set(doc) == {"runs", "import_batches", "forecast_batches"}
    (run,) = doc["runs"]
    assert run["id"] == 1 and run["status"] == "ok"
    assert run["scenario"] == "Strategiska jobbsatsningar 2024"
    assert run["decision_ref"] == "STK-2024-291"
    assert run["total_ore"] == 40_000_000 * 100 == 4_000_000_000
    assert run["fund_totals"] == [
        {
            "fund_id": "sjs",
            "fund": "Strategiska jobbsatsningar",
            "unit": "kr",
            "year": 2024,
            "total_ore": 4_000_000_000,
            "assumed": False,
        }
    ]
    assert run["budget"] == [{"year": 2024, "original_run": 1, "revision": False}]
    assert doc["import_batches"] == [] and doc["forecast_batches"] == []


def test_runs_json_lists_import_and_forecast_batches(ran):
    assert ran("import", "utfall", "utfall-2024.csv", "-c", "jobbsats.toml").exit_code == 0
    forecast = Path("prognos.csv")
    forecast.write_text("recipient;fund;purpose;amount;comment\nASN;sjs;;12 000 000,00;\n", encoding="utf-8")
    assert ran("import", "prognos", str(forecast)).exit_code == 0
    doc = document(ran("runs", "--json"))
    numbers_are_numbers(doc)
    (batch,) = doc["import_batches"]
    assert batch["rows_read"] == 11 and batch["control_total_ore"] == CONTROL_TOTAL_ORE
    assert batch["current"] is True and batch["superseded_by"] is None and batch["format"] == "csv"
    (prognos,) = doc["forecast_batches"]
    assert prognos["rows_read"] == 1 and prognos["control_total_ore"] == 1_200_000_000
    assert prognos["year"] == 2024 and prognos["run_id"] == 1


def test_a_second_run_revises_the_first(ran):
    assert ran("run", "malmo-2024", "--quiet").exit_code == 0
    runs = document(ran("runs", "--json"))["runs"]
    assert [r["budget"] for r in runs] == [
        [{"year": 2024, "original_run": 1, "revision": False}],
        [{"year": 2024, "original_run": 1, "revision": True}],
    ]


def test_runs_json_of_a_fund_that_counts_places(cli):
    """platser-2020 counts places, not kronor: its total has no _ore, and the run has no kronor total."""
    cli.prepare(("run", "platser-2020", "--quiet"))
    (run,) = document(cli("runs", "--json"))["runs"]
    assert run["total_ore"] is None
    (total,) = run["fund_totals"]
    assert total["unit"] == "platser" and "total_ore" not in total and type(total["total"]) is int


def test_validate_json_of_the_example(cli):
    doc = document(cli("validate", "malmo-2024", "--json"))
    numbers_are_numbers(doc)
    assert doc["allocations"] == 8
    assert doc["rules"] == 2 and doc["years"] == [2024]
    assert doc["funds"] == [
        {"fund_id": "sjs", "fund": "Strategiska jobbsatsningar", "unit": "kr", "allocated_ore": 4_000_000_000}
    ]
    assert doc["projects"] == 0 and doc["rounding_differences"] == []
    assert doc["file"].endswith("malmo-2024.toml")


def test_validate_json_names_a_rounding_difference_in_the_funds_unit(cli):
    doc = document(cli("validate", "platser-2020", "--json"))
    numbers_are_numbers(doc)
    (fund,) = doc["funds"]
    (difference,) = doc["rounding_differences"]
    assert fund["unit"] == difference["unit"] == "platser"
    assert "allocated_ore" not in fund and "split_ore" not in difference
    # What the rules gave is the amount split plus what rounding per line added or took.
    assert fund["allocated"] == difference["split"] + difference["difference"]


def test_import_utfall_json(ran):
    result = ran("import", "utfall", "utfall-2024.csv", "-c", "jobbsats.toml", "--json")
    doc = document(result)
    numbers_are_numbers(doc)
    assert doc["batch_id"] == 1
    assert (doc["rows_read"], doc["control_total_ore"]) == (11, CONTROL_TOTAL_ORE)
    assert (doc["fund_rows"], doc["fund_total_ore"]) == (9, FUND_TOTAL_ORE)
    assert (doc["other_rows"], doc["other_total_ore"]) == (1, 18_000_000)
    assert (doc["unmatched_rows"], doc["unmatched_total_ore"]) == (1, 3_500_000)
    assert (doc["first_date"], doc["last_date"]) == ("2024-01-31", "2024-12-31")
    assert doc["supersedes"] == [] and doc["overlaps"] == [] and doc["rejects"] is None
    assert "rows read" not in result.stderr  # the summary is the JSON, not text beside it
    again = document(ran("import", "utfall", "utfall-2024.csv", "-c", "jobbsats.toml", "--replace", "--json"))
    assert again["batch_id"] == 2 and again["supersedes"] == [1]


def test_import_prognos_json(ran):
    forecast = Path("prognos.csv")
    forecast.write_text(
        "recipient;fund;purpose;amount;comment\nASN;sjs;;12 000 000,00;Enligt nämnden\nGVN;sjs;;6 000 000;\n",
        encoding="utf-8",
    )
    doc = document(ran("import", "prognos", str(forecast), "--json"))
    numbers_are_numbers(doc)
    assert doc["batch_id"] == 1 and doc["run_id"] == 1 and doc["year"] == 2024
    assert doc["rows"] == 2 and doc["total_ore"] == (12_000_000 + 6_000_000) * 100
    assert doc["overrides"] == []
    later = document(ran("import", "prognos", str(forecast), "--json"))
    assert later["overrides"] == [{"batch_id": 1, "rows": 2}]


def test_verify_and_backup_json(ran):
    assert ran("import", "utfall", "utfall-2024.csv", "-c", "jobbsats.toml").exit_code == 0
    text = ran("verify").stdout
    link = re.search(r"Last link: ([0-9a-f]{64})", text).group(1)
    doc = document(ran("verify", "--json", "--expect", link))
    numbers_are_numbers(doc)
    assert doc["ok"] is True and doc["findings"] == []
    assert (doc["runs"], doc["import_batches"], doc["last_link"]) == (1, 1, link)
    assert doc["expected"] == [link]
    copy = document(ran("backup", "copy.db", "--json"))
    numbers_are_numbers(copy)
    assert copy == {
        "ledger": str(ran.db),
        "target": "copy.db",
        "runs": 1,
        "import_batches": 1,
        "forecast_batches": 0,
        "last_link": link,
    }
    assert Path("copy.db").is_file()


def test_verify_json_prints_its_findings_and_exits_1(ran):
    """A link kept earlier that is not in the chain: found, said as JSON on stdout and as text on stderr."""
    foreign = "0" * 64
    result = ran("verify", "--json", "--expect", foreign)
    assert result.exit_code == 1
    doc = json.loads(result.stdout)
    assert doc["ok"] is False
    (finding,) = doc["findings"]
    assert foreign in finding["message"] and finding["guard"] is None
    assert result.stderr.startswith("Error: ") and foreign in result.stderr


def test_verify_json_names_a_dropped_guard(ran):
    conn = sqlite3.connect(ran.db)
    conn.execute("drop trigger runs_no_update")
    conn.commit()
    conn.close()
    result = ran("verify", "--json")
    assert result.exit_code == 1
    guards = [f["guard"] for f in json.loads(result.stdout)["findings"]]
    assert guards == ["runs_no_update"]
    restored = document(ran("verify", "--json", "--restore-guards"))
    assert restored["ok"] is True and restored["guards_restored"] == ["runs_no_update"]


def test_examples_json(cli):
    doc = document(cli("examples", "--json"))
    assert [e["name"] for e in doc] == examples.names()
    by_name = {e["name"]: e for e in doc}
    assert by_name["malmo-2024"]["summary"] == "Strategiska jobbsatsningar 2024: Malmö stad, STK-2024-291."
    assert by_name["malmo-2024"]["utfall_sample"] is True and by_name["platser-2020"]["utfall_sample"] is False


def test_plugins_json(cli):
    doc = document(cli("plugins", "--json"))
    assert isinstance(doc, list)
    rules = {name for p in doc for name in p["rules"]}
    formats = {name for p in doc for name in p["formats"]}
    assert {"fixed", "percentage_key"} <= rules and {"md", "csv", "json", "xlsx", "html"} <= formats
    assert all(p["builtin"] is True for p in doc)  # built-ins only in the tests


def test_show_batch_json_gives_its_facts_as_fields(ran):
    assert ran("import", "utfall", "utfall-2024.csv", "-c", "jobbsats.toml").exit_code == 0
    doc = document(ran("show", "--batch", "1", "-f", "json"))
    numbers_are_numbers(doc)
    (facts,) = doc["rows"]
    assert facts["batch_id"] == 1 and facts["file_name"] == "utfall-2024.csv"
    assert facts["rows_read"] == 11 and facts["control_total_ore"] == CONTROL_TOTAL_ORE
    assert (facts["fund_rows"], facts["fund_total_ore"]) == (9, FUND_TOTAL_ORE)
    assert (facts["other_rows"], facts["other_total_ore"]) == (1, 18_000_000)
    assert (facts["unmatched_rows"], facts["unmatched_total_ore"]) == (1, 3_500_000)
    assert facts["file_size"] == len(Path("utfall-2024.csv").read_bytes())
    assert facts["format"] == "csv" and facts["encoding"] == "cp1252"  # the sample export is Windows-1252
    assert (facts["first_date"], facts["last_date"]) == ("2024-01-31", "2024-12-31")
    assert facts["supersedes"] == [] and facts["superseded_by"] == [] and facts["current"] is True
    assert facts["plugins"]["jobbsats.rules"] == facts["jobbsats_version"]
    assert ran("import", "utfall", "utfall-2024.csv", "-c", "jobbsats.toml", "--replace").exit_code == 0
    (first,) = document(ran("show", "--batch", "1", "-f", "json"))["rows"]
    (second,) = document(ran("show", "--batch", "2", "-f", "json"))["rows"]
    assert first["superseded_by"] == [2] and first["current"] is False
    assert second["supersedes"] == [1] and second["current"] is True


@pytest.mark.parametrize(
    "args",
    [
        ["runs", "--json"],
        ["verify", "--json"],
        ["show", "--batch", "1", "-f", "json"],
        ["import", "prognos", "missing.csv", "--json"],
    ],
    ids=" ".join,
)
def test_an_error_with_json_is_text_on_stderr_and_nothing_on_stdout(cli, args):
    result = cli(*args, "--db", "no-such-ledger.db")
    assert result.exit_code == 4  # the ledger cannot be opened
    assert result.stdout == ""
    assert result.stderr.startswith("Error: ") and "no ledger here yet" in result.stderr


def test_a_bad_scenario_with_json_is_text_on_stderr(cli, scenario_file):
    bad = scenario_file(("total = { 2024 = 40_000_000 }", 'total = { 2024 = "forty" }'))
    result = cli("validate", str(bad), "--json")
    assert result.exit_code == 1 and result.stdout == ""
    assert "total" in result.stderr
