"""Issue 16, point 7: `jobbsats export DIR`, a run as open data (a Data Package) and a SIE 4 budget.

The figures are the 2024 decision (seed 000) and the example's sample utfall export
(malmo-2024.utfall.csv), worked out by hand:

- allocations from the fund: ASN 9 000 000 (Ung i sommar) + 13 056 000, GVN 6 912 000, FSN 4 096 000,
  KS 500 000 (Ung i sommar) + 4 900 000 (Tillväxt Malmö & Level) + 1 536 000; 40 000 000 in all. KS
  passes the 4 900 000 on to Tillväxt Malmö och Level (STK-2023-1150, STK-2023-1149).
- utfall of the fund (verksamhet 7150): ASN January 1 250 000, March 4 100 000, June 2 730 500,50,
  December -150 000; GVN April 3 200 000; FSN September 2 048 000; KS July 500 000 and October 768 000;
  Tillväxt Malmö och Level March 4 900 000 (account 4620). GVN's 180 000 on verksamhet 2100 is its other
  money and the 35 000 on ansvar 9000 matched nothing: neither is exported.
- the SIE budget per ansvar ([utfall.ansvar] has prefixes: ASN 31*, GVN 32*, FSN 33*, KS 10*), on the
  default account 4000, and KS's grant on the account its map entry matches, 4620:
  ASN 22 056 000 = 1 838 000 a month; GVN 6 912 000 = 576 000; FSN 4 096 000 = 341 333 x 11 + 341 337;
  KS 500 000 + 1 536 000 = 2 036 000 = 169 666 x 11 + 169 674 on 4000, and 4 900 000 = 408 333 x 11 + 408 337
  on 4620.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import zlib
from decimal import Decimal
from pathlib import Path

import pytest

from jobbsats import examples

EXAMPLE = examples.path_of("malmo-2024")
SAMPLE = EXAMPLE.with_name("malmo-2024.utfall.csv")
MONTHS = [f"2024{m:02d}" for m in range(1, 13)]


def table(folder: Path, name: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO((folder / name).read_bytes().decode("utf-8"), newline="")))


def kr(text: str) -> Decimal:
    assert re.fullmatch(r"-?[0-9]+\.[0-9]{2}", text), text  # kronor, a point, two decimals
    return Decimal(text)


@pytest.fixture
def booked(cli):
    """The 2024 example run, and its sample utfall imported."""
    cli.prepare(("run", "malmo-2024", "--quiet"), ("import", "utfall", SAMPLE, "-c", "malmo-2024"))
    return cli


@pytest.fixture
def exported(booked, tmp_path) -> Path:
    result = booked("export", tmp_path / "out")
    assert result.exit_code == 0, result.output
    return tmp_path / "out"


def test_the_frictionless_validator_accepts_the_package(exported):
    import frictionless

    report = frictionless.validate(exported / "datapackage.json")
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    assert report.stats["errors"] == 0
    package = json.loads((exported / "datapackage.json").read_text(encoding="utf-8"))
    paths = {r["name"]: r["path"] for r in package["resources"]}
    assert paths == {
        "allocations": "allocations.csv",
        "grants": "grants.csv",
        "utfall": "utfall.csv",
        "budget_utfall": "budget_utfall.csv",
    }
    assert sorted(os.listdir(exported)) == sorted([*paths.values(), "datapackage.json", "budget-2024.se"])


def test_the_fields_carry_the_fiscal_data_packages_column_types(exported):
    package = json.loads((exported / "datapackage.json").read_text(encoding="utf-8"))
    schemas = {r["name"]: r["schema"] for r in package["resources"]}
    types = {name: {f["name"]: f.get("columnType") for f in s["fields"]} for name, s in schemas.items()}
    assert types["allocations"]["fiscal_year"] == "date:fiscal-year"
    assert types["allocations"]["amount"] == "value"
    assert types["allocations"]["phase"] == "phase:id"
    assert types["allocations"]["recipient_id"] == "administrative-classification:generic:level1:code"
    assert types["allocations"]["fund_id"] == "fin-source:generic:code"
    assert schemas["allocations"]["primaryKey"] == ["id"]
    budget = {f["name"]: f for f in schemas["budget_utfall"]["fields"]}
    assert budget["budget_original"]["normalize"] == {"phase": "approved"}
    assert budget["budget"]["normalize"] == {"phase": "adjusted"}
    assert budget["utfall"]["normalize"] == {"phase": "executed"}
    constants = {f["name"]: f.get("constant") for f in schemas["utfall"]["extraFields"]}
    assert constants == {"direction": "expenditure", "currency": "SEK", "phase": "executed"}


def test_the_allocations_sum_to_the_funds_total_and_asn_to_its_two_lines(exported):
    rows = table(exported, "allocations.csv")
    assert sum(kr(r["amount"]) for r in rows) == Decimal("40000000.00")
    asn = [r for r in rows if r["recipient_id"] == "ASN"]
    assert sorted((r["purpose"], kr(r["amount"])) for r in asn) == [
        ("", Decimal("13056000.00")),
        ("Ung i sommar", Decimal("9000000.00")),
    ]
    assert sum(kr(r["amount"]) for r in asn) == Decimal("22056000.00")
    assert {r["phase"] for r in rows} == {"approved"} and {r["unit"] for r in rows} == {"SEK"}
    [grant] = table(exported, "grants.csv")
    [line] = [r for r in rows if r["id"] == grant["allocation_id"]]
    assert (line["recipient_id"], line["purpose"], line["amount"]) == ("KS", "Tillväxt Malmö & Level", "4900000.00")
    assert (grant["from_id"], grant["recipient_id"], grant["amount"]) == ("KS", "tillvaxt_level", "4900000.00")
    assert grant["agreements"] == "STK-2023-1150;STK-2023-1149"


def test_utfall_is_sums_per_month_of_the_funds_money_and_no_booked_text(exported):
    rows = [
        (int(r["month"]), r["recipient_id"], r["fund_id"], r["purpose"], kr(r["amount"]))
        for r in table(exported, "utfall.csv")
    ]
    assert sorted(rows) == sorted(
        [
            (1, "ASN", "sjs", "", Decimal("1250000.00")),
            (3, "ASN", "sjs", "", Decimal("4100000.00")),
            (3, "tillvaxt_level", "sjs", "Tillväxt Malmö & Level", Decimal("4900000.00")),
            (4, "GVN", "sjs", "", Decimal("3200000.00")),
            (6, "ASN", "sjs", "", Decimal("2730500.50")),
            (7, "KS", "sjs", "", Decimal("500000.00")),
            (9, "FSN", "sjs", "", Decimal("2048000.00")),
            (10, "KS", "sjs", "", Decimal("768000.00")),
            (12, "ASN", "sjs", "", Decimal("-150000.00")),
        ]
    )
    everything = b"".join(p.read_bytes() for p in exported.iterdir())
    for text in ("Lön", "Rättelse", "Läromedel", "Bidrag till", "180000", "35000"):
        assert text.encode("utf-8") not in everything and text.encode("cp437") not in everything, text


def test_budget_against_utfall_per_recipient_fund_and_purpose(exported):
    rows = {(r["recipient_id"], r["purpose"]): r for r in table(exported, "budget_utfall.csv")}
    asn = rows[("ASN", "")]
    assert (kr(asn["budget"]), kr(asn["utfall"]), kr(asn["remaining"])) == (
        Decimal("13056000.00"),
        Decimal("7930500.50"),  # 1 250 000 + 4 100 000 + 2 730 500,50 - 150 000
        Decimal("5125499.50"),
    )
    assert asn["budget_original"] == asn["budget"]  # the run is the year's original budget
    assert kr(rows[("KS", "")]["utfall"]) == Decimal("1268000.00")  # 500 000 + 768 000
    assert kr(rows[("tillvaxt_level", "Tillväxt Malmö & Level")]["remaining"]) == 0
    # What KS passes on in full is not KS's to use: no row of 0 for it.
    assert ("KS", "Tillväxt Malmö & Level") not in rows
    assert sum(kr(r["budget"]) for r in rows.values()) == Decimal("40000000.00")


def _crc(data: bytes) -> int:
    """SIE 4B's checksum worked out here on its own: CRC-32 over each record's label and fields between the two
    #KSUMMA, without the spaces between fields, the quotes around them or the braces of an object list."""
    records = data.decode("cp437").splitlines()
    start = records.index("#KSUMMA")
    crc = 0
    for record in records[start + 1 : -1]:
        tokens = re.findall(r'"((?:[^"\\]|\\.)*)"|([^\s{}"]+)', record)
        text = "".join(quoted.replace('\\"', '"') if quoted or not plain else plain for quoted, plain in tokens)
        crc = zlib.crc32(text.encode("cp437"), crc)
    return crc


def test_the_sie_budget_reads_back_per_ansvar_and_month_and_sums_to_the_year(exported):
    from jobbsats.export.sie import read_budget

    path = exported / "budget-2024.se"
    data = path.read_bytes()
    assert data.startswith(b"#FLAGGA 0\r\n#KSUMMA\r\n")
    for record in (b"#FORMAT PC8", b"#SIETYP 4", b"#RAR 0 20240101 20241231", b'#DIM 1 "Ansvar"'):
        assert record + b"\r\n" in data
    assert '#OBJEKT 1 "31" "arbetsmarknads- och socialnämnden"'.encode("cp437") in data
    assert data.endswith(f"#KSUMMA {_crc(data)}\r\n".encode())

    budget = read_budget(path)
    assert budget.year == ("20240101", "20241231")
    by_object: dict[tuple[str, str], dict[str, int]] = {}
    totals: dict[str, dict[str, int]] = {}
    for row in budget.rows:
        assert row.year == 0
        if row.object(1):
            by_object.setdefault((row.object(1), row.account), {})[row.period] = row.amount
        else:
            totals.setdefault(row.account, {})[row.period] = row.amount

    def even(month: int, december: int) -> dict[str, int]:
        return {period: (december if period.endswith("12") else month) * 100 for period in MONTHS}

    assert by_object == {
        ("31", "4000"): even(1_838_000, 1_838_000),
        ("32", "4000"): even(576_000, 576_000),
        ("33", "4000"): even(341_333, 341_337),
        ("10", "4000"): even(169_666, 169_674),
        ("10", "4620"): even(408_333, 408_337),
    }
    year = {key: sum(months.values()) for key, months in by_object.items()}
    assert year == {
        ("31", "4000"): 22_056_000_00,
        ("32", "4000"): 6_912_000_00,
        ("33", "4000"): 4_096_000_00,
        ("10", "4000"): 2_036_000_00,
        ("10", "4620"): 4_900_000_00,
    }
    assert sum(year.values()) == 40_000_000_00
    for account, months in totals.items():  # the account as a whole: the sum of its objects, month by month
        assert months == {p: sum(m[p] for (_, a), m in by_object.items() if a == account) for p in MONTHS}


def test_a_changed_sie_budget_file_is_refused_by_its_checksum(exported):
    from jobbsats.export.sie import read_budget
    from jobbsats.utfall.sie import SieError

    path = exported / "budget-2024.se"
    path.write_bytes(path.read_bytes().replace(b"1838000.00", b"1838001.00", 1))
    with pytest.raises(SieError, match="checksum"):
        read_budget(path)


def test_ansvar_and_account_can_be_named_and_are_checked_against_the_mapping(booked, tmp_path):
    from jobbsats.export.sie import read_budget

    result = booked("export", tmp_path / "a", "--ansvar", "ASN=3110", "--account", "5010")
    assert result.exit_code == 0, result.output
    rows = read_budget(tmp_path / "a" / "budget-2024.se").rows
    assert {(r.object(1), r.account) for r in rows if r.object(1)} == {
        ("3110", "5010"),
        ("32", "5010"),
        ("33", "5010"),
        ("10", "5010"),
        ("10", "4620"),
    }
    refused = booked("export", tmp_path / "b", "--ansvar", "ASN=3210")
    assert refused.exit_code == 1 and "the code is GVN's" in refused.output
    refused = booked("export", tmp_path / "c", "--account", "1930")
    assert refused.exit_code == 1 and "reads utfall from the accounts 4*, 5*, 6*, 7* only" in refused.output
    assert not any(p.name in ("b", "c") for p in tmp_path.iterdir())


def test_spread_over_the_months_is_exact_and_puts_the_rest_in_december():
    from jobbsats.export.sie import spread

    assert spread(4_096_000_00) == [341_333_00] * 11 + [341_337_00]
    assert spread(1_000_05) == [8_333] * 11 + [8_342]  # 1 000,05 kr: to the öre
    assert spread(-1_200_000_00) == [-100_000_00] * 12
    assert spread(11) == [0] * 11 + [11]
    for amount in (0, 1, 7, 12_345_678_91, -5_00, 40_000_000_00):
        assert sum(spread(amount)) == amount


@pytest.mark.parametrize("target", ["not-empty", "a-file", "/proc", "/proc/jobbsats-export"])
def test_a_bad_folder_is_refused_with_a_message_and_nothing_is_written(booked, tmp_path, target):
    (tmp_path / "not-empty").mkdir()
    (tmp_path / "not-empty" / "keep.txt").write_text("mine", encoding="utf-8")
    (tmp_path / "a-file").write_text("mine", encoding="utf-8")
    before = sorted(p.name for p in tmp_path.rglob("*"))
    result = booked("export", target)
    assert result.exit_code == 1 and "Traceback" not in result.output
    says = {
        "not-empty": "not-empty: the folder is not empty (keep.txt); give a new or empty folder, or --force",
        "a-file": "a-file: is a file, not a folder",
        "/proc": "/proc: the folder is not empty",
        "/proc/jobbsats-export": "/proc/jobbsats-export: cannot create a folder in /proc",
    }[target]
    assert f"Error: {says}" in result.output
    assert sorted(p.name for p in tmp_path.rglob("*")) == before
    assert (tmp_path / "a-file").read_text(encoding="utf-8") == "mine"


def test_an_empty_folder_is_taken_and_force_writes_beside_what_a_folder_holds(booked, tmp_path):
    (tmp_path / "empty").mkdir()
    assert booked("export", tmp_path / "empty").exit_code == 0
    assert (tmp_path / "empty" / "datapackage.json").is_file()
    (tmp_path / "held").mkdir()
    (tmp_path / "held" / "keep.txt").write_text("mine", encoding="utf-8")
    (tmp_path / "held" / "utfall.csv").write_text("old", encoding="utf-8")
    result = booked("export", tmp_path / "held", "--force")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "held" / "keep.txt").read_text(encoding="utf-8") == "mine"
    assert (tmp_path / "held" / "utfall.csv").read_bytes() == (tmp_path / "empty" / "utfall.csv").read_bytes()


def test_a_failure_while_writing_leaves_no_folder_and_no_temporary_one(tmp_path, monkeypatch):
    from jobbsats.errors import JobbsatsError
    from jobbsats.export import folder

    written = []

    def fail_on_the_third(path, data):
        if len(written) == 2:
            raise OSError(28, "No space left on device")
        written.append(path.name)
        path.write_bytes(data)

    monkeypatch.setattr(folder, "_write_synced", fail_on_the_third)
    files = {name: b"x" for name in ("a.csv", "b.csv", "c.csv", "datapackage.json")}
    with pytest.raises(JobbsatsError, match="out: cannot write the export: No space left on device"):
        folder.write_folder(tmp_path / "out", files)
    assert written == ["a.csv", "b.csv"]
    assert list(tmp_path.iterdir()) == []


REVISION = [
    ('ref = "STK-2024-291"', 'ref = "STK-2024-500"\ndate = 2024-05-14'),
    ("2024 = 40_000_000", "2024 = 41_000_000"),
]


def test_a_revised_budget_is_adjusted_beside_its_original(booked, scenario_file, tmp_path):
    """41 000 000 less the fixed 14 400 000 leaves 26 600 000 for the key: ASN 51 % = 13 566 000."""
    assert booked("run", scenario_file(*REVISION), "--quiet").exit_code == 0
    assert booked("export", tmp_path / "now").exit_code == 0
    allocations = table(tmp_path / "now", "allocations.csv")
    assert {r["phase"] for r in allocations} == {"adjusted"}
    assert sum(kr(r["amount"]) for r in allocations) == Decimal("41000000.00")
    rows = {(r["recipient_id"], r["purpose"]): r for r in table(tmp_path / "now", "budget_utfall.csv")}
    asn = rows[("ASN", "")]
    assert (asn["budget_original"], asn["budget"], asn["remaining"]) == ("13056000.00", "13566000.00", "5635499.50")
    assert booked("export", tmp_path / "then", "--run", "1").exit_code == 0
    assert {r["phase"] for r in table(tmp_path / "then", "allocations.csv")} == {"approved"}


def test_a_scenario_without_ansvar_exports_its_tables_and_says_why_there_is_no_sie_file(cli, tmp_path):
    cli.prepare(("run", "platser-2020", "--quiet"))
    result = cli("export", tmp_path / "out")
    assert result.exit_code == 0, result.output
    assert "No SIE budget file: the scenario has no [utfall.ansvar]" in result.stderr
    assert not list((tmp_path / "out").glob("*.se"))
    import frictionless

    report = frictionless.validate(tmp_path / "out" / "datapackage.json")
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    units = {r["unit"] for r in table(tmp_path / "out", "allocations.csv")}
    assert units and "SEK" not in units  # places, in whole units


def test_assumed_years_are_proposals_and_get_no_sie_budget(cli, tmp_path):
    """malmo-2024-2026 decides 2024 and assumes 40 000 000 for 2025 and 2026; with malmo-2024's [utfall]."""
    period = examples.path_of("malmo-2024-2026").read_text(encoding="utf-8")
    utfall = EXAMPLE.read_text(encoding="utf-8")
    path = tmp_path / "period.toml"
    path.write_text(period + "\n" + utfall[utfall.index("[utfall]") :], encoding="utf-8")
    assert cli("run", path, "--quiet").exit_code == 0
    result = cli("export", tmp_path / "out")
    assert result.exit_code == 0, result.output
    assert "No SIE budget for 2025, 2026: the total is assumed, not decided." in result.stderr
    assert sorted(p.name for p in (tmp_path / "out").glob("*.se")) == ["budget-2024.se"]
    phases = {(r["fiscal_year"], r["phase"]) for r in table(tmp_path / "out", "allocations.csv")}
    assert phases == {("2024", "approved"), ("2025", "proposed"), ("2026", "proposed")}
    assumed = {(r["fiscal_year"], r["assumed"]) for r in table(tmp_path / "out", "budget_utfall.csv")}
    assert assumed == {("2024", "false"), ("2025", "true"), ("2026", "true")}
    import frictionless

    report = frictionless.validate(tmp_path / "out" / "datapackage.json")
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])


def test_the_commands_default_account_is_the_modules():
    from jobbsats.cli.export import export
    from jobbsats.export.sie import DEFAULT_ACCOUNT

    assert next(p.default for p in export.params if p.name == "account") == DEFAULT_ACCOUNT


CARRY_BOOKED = """Bokföringsdatum;Konto;Ansvar;Verksamhet;Belopp;Text
2024-03-31;5010;3110;7150;12 000 000,00;Lön
2024-10-31;5010;3120;7150;9 000 000,00;Ung i sommar
"""


def test_money_carried_into_a_year_is_its_own_row_and_in_the_years_sie_budget(cli, tmp_path):
    """2025 decided as 2024, and carry_over: ASN booked 21 000 000 of its 22 056 000 kr in 2024 and carries
    1 056 000 kr; the others book nothing and carry all (test_carry_over.py). Tillväxt Malmö och Level carries
    its 4 900 000 kr too, and has no ansvar: that is named, not put on anyone's."""
    from jobbsats.export.sie import read_budget

    text = EXAMPLE.read_text(encoding="utf-8").replace(
        "total = { 2024 = 40_000_000 }", "total = { 2024 = 40_000_000, 2025 = 40_000_000 }"
    )
    at = text.index("[utfall]")
    scenario = tmp_path / "jobbsats.toml"
    scenario.write_text(text[:at] + '[[rules]]\nrule = "carry_over"\nyears = 2025\n\n' + text[at:], encoding="utf-8")
    (tmp_path / "utfall-2024.csv").write_text(CARRY_BOOKED, encoding="utf-8")
    assert cli("run", scenario, "--year", "2024", "--quiet").exit_code == 0
    assert cli("import", "utfall", tmp_path / "utfall-2024.csv", "-c", scenario).exit_code == 0
    assert cli("run", scenario, "--quiet").exit_code == 0
    result = cli("export", tmp_path / "out")
    assert result.exit_code == 0, result.output
    assert "Not in the SIE budget, for want of an ansvar code in [utfall.ansvar]: tillvaxt_level 2025: 4" in (
        result.stderr
    )
    rows = [r for r in table(tmp_path / "out", "allocations.csv") if r["fiscal_year"] == "2025"]
    assert sum(kr(r["amount"]) for r in rows if not r["carried_from"]) == Decimal("40000000.00")
    carried = {r["recipient_id"]: kr(r["amount"]) for r in rows if r["carried_from"] == "2024"}
    assert carried["ASN"] == Decimal("1056000.00") and carried["tillvaxt_level"] == Decimal("4900000.00")
    import frictionless

    report = frictionless.validate(tmp_path / "out" / "datapackage.json")
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    year = {}
    for row in read_budget(tmp_path / "out" / "budget-2025.se").rows:
        if row.object(1):
            year[(row.object(1), row.account)] = year.get((row.object(1), row.account), 0) + row.amount
    assert year[("31", "4000")] == (22_056_000 + 1_056_000) * 100
    assert year[("10", "4000")] == (2_036_000 + 2_036_000) * 100  # KS's own and what it carries
