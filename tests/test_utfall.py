"""Issue 5: booked utfall imported from CSV and SIE 4, and the återrapportering against the 2024 budget.

The budget per board is the 2024 decision (seed 000): ASN 9 000 000 + 13 056 000 = 22 056 000 kr,
GVN 6 912 000, FSN 4 096 000, KS 500 000 + 4 900 000 + 1 536 000 less the 4 900 000 it passes on
= 2 036 000, and Tillväxt Malmö och Level the 4 900 000 it gets via KS; 40 000 000 in all.
"""

from __future__ import annotations

import csv
import re
import sqlite3

import pytest

from jobbsats import examples

KR = 100
MAPPING = """
[utfall]
columns = { date = "Bokföringsdatum", account = "Konto", ansvar = "Ansvar", verksamhet = "Verksamhet", amount = "Belopp", text = "Text" }
accounts = ["4*", "5*", "6*", "7*"]
sie_dimensions = { verksamhet = 20 }

[utfall.ansvar]  # prefixes and exact codes
"31*" = "ASN"
"3210" = "GVN"
"33*" = "FSN"
"1010" = "KS"

[[utfall.map]]
match = { verksamhet = "7150" }
fund = "sjs"
"""

# date, account, ansvar, verksamhet, amount (öre), text
BOOKINGS = [
    ("2024-01-31", "5010", "3110", "7150", 1_500_000_00, "Lön jobbsatsning åäö"),
    ("2024-03-31", "5010", "3120", "7150", 18_000_000_50, "Anställningsstöd"),
    ("2024-02-29", "4010", "3210", "7150", 6_000_000_00, "Utbildning"),
    ("2024-05-15", "4010", "3210", "1000", 250_000_00, "Annan verksamhet"),
    ("2024-06-30", "5010", "3310", "7150", 4_096_000_00, "Insatser"),
    ("2024-09-30", "5010", "1010", "7150", 2_100_000_00, "Ung i sommar"),
    ("2024-10-01", "5010", "9999", "1000", 12_345_00, "Ej jobbsatsning"),
    ("2024-12-31", "5010", "3110", "7150", -500_000_00, "Rättelse"),
]


def swedish(ore: int) -> str:
    """Kronor the Swedish Excel way: no-break spaces between thousands, decimal comma."""
    sign, ore = ("-" if ore < 0 else ""), abs(ore)
    kronor, rest = divmod(ore, 100)
    return sign + f"{kronor:,}".replace(",", "\u00a0") + f",{rest:02d}"


def csv_text(bookings=BOOKINGS) -> str:
    lines = ["Bokföringsdatum;Konto;Ansvar;Verksamhet;Belopp;Text"]
    lines += [f"{d};{a};{ans};{v};{swedish(x)};{t}" for d, a, ans, v, x, t in bookings]
    return "\r\n".join(lines) + "\r\n"


def sie_bytes(bookings=BOOKINGS) -> bytes:
    """The same bookings as SIE 4 (PC8): each a verification with its counter-entry on 2440."""
    lines = [
        "#FLAGGA 0",
        '#PROGRAM "Test" 1.0',
        "#FORMAT PC8",
        "#SIETYP 4",
        '#FNAMN "Malmö stad"',
        '#KONTO 5010 "Lön"',
        '#DIM 20 "Verksamhet"',
    ]
    for n, (d, a, ans, v, x, t) in enumerate(bookings, start=1):
        date = d.replace("-", "")
        kr = f"{x / 100:.2f}" if False else f"{'-' if x < 0 else ''}{abs(x) // 100}.{abs(x) % 100:02d}"
        counter = f"{'' if x < 0 else '-'}{abs(x) // 100}.{abs(x) % 100:02d}"
        lines += [
            f'#VER A {n} {date} "{t}"',
            "{",
            f'   #TRANS {a} {{1 "{ans}" 20 "{v}"}} {kr} {date} "{t}"',
            f"   #TRANS 2440 {{}} {counter} {date}",
            "}",
        ]
    return ("\r\n".join(lines) + "\r\n").encode("cp437")


@pytest.fixture
def scenario(tmp_path):
    """The 2024 example with this file's [utfall] mapping instead of the example's own."""
    text = examples.path_of("malmo-2024").read_text(encoding="utf-8")
    path = tmp_path / "utfall.toml"
    path.write_text(text[: text.index("# --- Utfall")] + MAPPING, encoding="utf-8")
    return path


@pytest.fixture
def booked(cli, scenario, tmp_path):
    """The 2024 run plus the bookings imported from a Windows-1252 CSV; returns the CSV's path."""
    assert cli("run", scenario, "--quiet").exit_code == 0
    path = tmp_path / "utfall-2024.csv"
    path.write_bytes(csv_text().encode("cp1252"))
    result = cli("import", "utfall", path, "-c", scenario)
    assert result.exit_code == 0, result.output
    assert "Importerar" not in result.stderr  # no progress bar when stderr is not a terminal
    return path


def utfall_rows(db) -> list[tuple]:
    conn = sqlite3.connect(db)
    return conn.execute(
        """select date, account, ansvar, verksamhet, recipient_id, fund_id, amount, text from utfall
           where batch_id not in (select superseded_id from batch_supersedes) order by date, amount"""
    ).fetchall()


def test_csv_the_swedish_excel_way_and_sie_give_the_same_utfall(cli, scenario, tmp_path, booked):
    from_csv = utfall_rows(cli.db)
    assert len(from_csv) == 7  # the row on ansvar 9999 is no one's: counted, not imported
    assert ("2024-01-31", "5010", "3110", "7150", "ASN", "sjs", 1_500_000_00, "Lön jobbsatsning åäö") in from_csv
    assert ("2024-05-15", "4010", "3210", "1000", "GVN", None, 250_000_00, "Annan verksamhet") in from_csv

    other = tmp_path / "other.db"
    assert cli("run", scenario, "--quiet", "--db", other).exit_code == 0
    sie = tmp_path / "utfall-2024.se"
    sie.write_bytes(sie_bytes())
    result = cli("import", "utfall", sie, "-c", scenario, "--db", other)
    assert result.exit_code == 0, result.output
    assert utfall_rows(other) == from_csv
    # 8 bookings and their 8 counter-entries on 2440; 7 imported, the 9999 row and the 8 counter-entries not.
    assert "16 rows read" in result.stderr
    assert "9 rows matched no mapping" in result.stderr


def test_the_csv_may_be_utf8_with_a_bom_and_comma_separated(cli, scenario, tmp_path, booked):
    expected = utfall_rows(cli.db)
    text = csv_text().replace(";", ",")
    # With commas between fields, amounts with a decimal comma are quoted, as Excel writes them.
    for _d, _a, _ans, _v, x, _t in BOOKINGS:
        text = text.replace("," + swedish(x).replace(";", ",") + ",", ',"' + swedish(x) + '",')
    path = tmp_path / "utf8.csv"
    path.write_text("\ufeff" + text, encoding="utf-8")
    other = tmp_path / "other.db"
    assert cli("run", scenario, "--quiet", "--db", other).exit_code == 0
    result = cli("import", "utfall", path, "-c", scenario, "--db", other)
    assert result.exit_code == 0, result.output
    assert utfall_rows(other) == expected


def per_recipient(rows: list[dict]) -> list[dict]:
    """The rows (or totals) of aterrapportering's table per recipient, which sums its rows per purpose."""
    return [r for r in rows if r["table"] == "aterrapportering_mottagare"]


def test_aterrapportering_budget_utfall_remaining_and_share(cli, booked):
    report = cli.json_report("aterrapportering")
    rows = {r["recipient_id"]: r for r in per_recipient(report["rows"])}
    # budget, utfall, remaining (öre), share used (%), other money (öre)
    expected = {
        "ASN": (22_056_000_00, 19_000_000_50, 3_055_999_50, 86.1, 0),  # 19 000 000,50 / 22 056 000 = 86,14 %
        "GVN": (6_912_000_00, 6_000_000_00, 912_000_00, 86.8, 250_000_00),  # 86,81 %
        "FSN": (4_096_000_00, 4_096_000_00, 0, 100.0, 0),
        "KS": (2_036_000_00, 2_100_000_00, -64_000_00, 103.1, 0),  # over: 103,14 %
        "tillvaxt_level": (4_900_000_00, 0, 4_900_000_00, 0.0, 0),
    }
    got = {
        rid: (r["budget_ore"], r["utfall_ore"], r["remaining_ore"], r["used_percent"], r["other_ore"])
        for rid, r in rows.items()
    }
    assert got == expected
    [total] = per_recipient(report["totals"])
    assert (total["budget_ore"], total["utfall_ore"], total["remaining_ore"]) == (
        40_000_000_00,
        31_196_000_50,
        8_803_999_50,
    )
    assert total["used_percent"] == 78.0  # 77,99 %
    text = " ".join(report["paragraphs"])
    assert (
        "Arbetsmarknads- och socialnämnden tilldelades 22\u00a0056\u00a0000\u00a0kr ur Strategiska jobbsatsningar "
        "2024 och har använt 19\u00a0000\u00a0000,50\u00a0kr (86,1\u00a0%); 3\u00a0055\u00a0999,50\u00a0kr återstår."
    ) in text
    assert "Kommunstyrelsen tilldelades 2\u00a0036\u00a0000\u00a0kr" in text
    assert "64\u00a0000\u00a0kr mer än tilldelat" in text
    assert "Därutöver har 250\u00a0000\u00a0kr bokförts som annat utfall" in text


def test_aterrapportering_by_quarter_adds_up_to_the_year(cli, booked):
    report = cli.json_report("aterrapportering", "--quarters")
    asn = [r for r in per_recipient(report["rows"]) if r["recipient_id"] == "ASN"]
    assert [(r["quarter"], r["utfall_ore"]) for r in asn] == [
        (1, 19_500_000_50),
        (2, 0),
        (3, 0),
        (4, -500_000_00),
    ]
    assert asn[-1]["to_date_ore"] == 19_000_000_50


def test_the_same_file_twice_is_refused_and_replace_supersedes_it(cli, scenario, booked, digest):
    before = digest(cli.db)
    again = cli("import", "utfall", booked, "-c", scenario)
    assert again.exit_code == 1
    assert f"the same content was imported already from {booked} as batch 1" in again.stderr
    # When, as `runs` writes it (Stockholm's time, the Swedish way), not the ledger's ISO 8601 UTC.
    assert re.search(r"as batch 1 \(\d{1,2} [a-z]+ 20\d\d kl\. \d{1,2}\.\d\d, 8 rows\)", again.stderr), again.stderr
    assert "--replace" in again.stderr
    assert digest(cli.db) == before

    # A corrected export under the same name: refused too, unless it replaces the first.
    corrected = [b if b[2] != "3310" else (*b[:4], 4_000_000_00, b[5]) for b in BOOKINGS]
    booked.write_bytes(csv_text(corrected).encode("cp1252"))
    assert cli("import", "utfall", booked, "-c", scenario).exit_code == 1
    assert digest(cli.db) == before
    replaced = cli("import", "utfall", booked, "-c", scenario, "--replace")
    assert replaced.exit_code == 0, replaced.output
    assert "It supersedes batch 1." in replaced.stderr
    rows = {r["recipient_id"]: r for r in cli.json_report("aterrapportering")["rows"]}
    assert rows["FSN"]["utfall_ore"] == 4_000_000_00  # only the newest batch counts
    assert rows["ASN"]["utfall_ore"] == 19_000_000_50  # not twice


BAD_ROWS = [
    ("stray-quote", '2024-04-01;5010;3110;7150;"100,00;Trasig', "line 2: a quote opens on this line"),
    ("too-few-fields", "2024-04-01;5010;3110;100,00;Kort", "line 2: has 5 fields; the header has 6"),
    ("too-many-fields", "2024-04-01;5010;3110;7150;100,00;Lång;extra", "line 2: has 7 fields; the header has 6"),
    ("not-an-amount", "2024-04-01;5010;3110;7150;12,3,4;x", "line 2: '12,3,4' is not an amount"),
    ("no-recipient-for-fund-money", "2024-04-01;5010;9999;7150;100,00;x", "line 2: ansvar '9999' belongs to no"),
    ("date-outside-the-scenario", "2023-12-31;5010;3110;7150;100,00;x", "line 2: the date 2023-12-31 is outside"),
    ("no-such-date", "2024-02-30;5010;3110;7150;100,00;x", "line 2: 2024-02-30 is not a real date"),
]


@pytest.mark.parametrize(("bad", "says"), [pytest.param(b, s, id=i) for i, b, s in BAD_ROWS])
def test_a_malformed_row_stops_the_import_and_leaves_the_ledger(bad, says, cli, scenario, tmp_path, digest):
    assert cli("run", scenario, "--quiet").exit_code == 0
    before = digest(cli.db)
    good = csv_text().splitlines()
    path = tmp_path / "bad.csv"
    path.write_bytes(("\r\n".join([good[0], bad, *good[1:]]) + "\r\n").encode("cp1252"))
    result = cli("import", "utfall", path, "-c", scenario)
    assert result.exit_code == 1, result.output
    assert result.stderr.startswith(f"Error: {path}: {says}"), result.stderr
    assert "Traceback" not in result.output
    assert digest(cli.db) == before


def test_rejects_takes_the_bad_rows_and_imports_the_rest(cli, scenario, tmp_path):
    assert cli("run", scenario, "--quiet").exit_code == 0
    good = csv_text().splitlines()
    bad = ["2024-04-01;5010;3110;7150;12,3,4;x", "2024-04-01;5010;3110;100,00;Kort"]
    path = tmp_path / "some-bad.csv"
    path.write_bytes(("\r\n".join([good[0], bad[0], *good[1:], bad[1]]) + "\r\n").encode("cp1252"))
    rejects = tmp_path / "rejects.csv"
    result = cli("import", "utfall", path, "-c", scenario, "--rejects", rejects)
    assert result.exit_code == 0, result.output
    assert f"2 rows left out as bad and written to {rejects}" in result.stderr
    # Every row is accounted for: 10 read = 6 fund + 1 other + 1 unmatched + 2 rejected.
    assert "10 rows read" in result.stderr and "1 row matched no mapping" in result.stderr
    assert len(utfall_rows(cli.db)) == 7
    with rejects.open(encoding="utf-8-sig", newline="") as handle:  # with a BOM, for Excel
        rows = list(csv.reader(handle, delimiter=";"))
    assert rows[0] == ["rad", "fel", "fält i raden"]
    assert rows[1] == ["2", "'12,3,4' is not an amount; write it as 1 234,50", *bad[0].split(";")]
    assert rows[2] == ["11", "has 5 fields; the header has 6", *bad[1].split(";")]
    assert len(rows) == 3


def test_a_failed_import_leaves_no_rejects_file_and_no_new_ledger(cli, scenario, tmp_path):
    path = tmp_path / "u.csv"
    path.write_bytes((csv_text().replace("2024-01-31", "2023-01-31")).encode("cp1252"))
    result = cli("import", "utfall", path, "-c", scenario)
    assert result.exit_code == 1
    assert not cli.db.exists()


def test_runs_lists_the_batches_and_which_is_current(cli, scenario, booked):
    booked.write_bytes(csv_text(BOOKINGS[:-1]).encode("cp1252"))
    assert cli("import", "utfall", booked, "-c", scenario, "--replace").exit_code == 0
    lines = cli("runs").stdout.splitlines()
    assert "Import batches (utfall):" in lines
    first, second = (line for line in lines if "utfall-2024.csv" in line)
    assert "8 rows, control total 31 458 345,50 kr" in first and "superseded by batch 2" in first
    assert "7 rows" in second and second.endswith("current")


def comma_separated(extra_first_column: str = "") -> str:
    """The bookings comma-separated, amounts with a decimal comma in quotes; a first column in front, if given."""
    lines = [f"{extra_first_column}Bokföringsdatum,Konto,Ansvar,Verksamhet,Belopp,Text"]
    first = "x," if extra_first_column else ""
    lines += [f'{first}{d},{a},{ans},{v},"{swedish(x)}",{t}' for d, a, ans, v, x, t in BOOKINGS]
    return "\r\n".join(lines) + "\r\n"


@pytest.mark.parametrize(
    "text",
    [
        # A ";" inside a quoted column name decides nothing: the commas split the header into the mapped names.
        pytest.param(comma_separated('"Konto;namn",'), id="semicolon-in-a-quoted-name"),
        pytest.param(csv_text().replace(";", "\t"), id="tab"),
        pytest.param(csv_text().replace(";", "|"), id="pipe"),
        # A "," inside a name of a semicolon-separated file: the semicolons split it into the mapped names.
        pytest.param("".join(line + (";Not, fri" if n == 0 else ";x") + "\r\n"
                             for n, line in enumerate(csv_text().splitlines())), id="comma-in-a-name"),
    ],
)  # fmt: skip
def test_the_delimiter_is_the_one_whose_header_holds_the_mapped_names(cli, scenario, tmp_path, booked, text):
    expected = utfall_rows(cli.db)
    other = tmp_path / "other.db"
    assert cli("run", scenario, "--quiet", "--db", other).exit_code == 0
    result, _ = import_text(cli, scenario, tmp_path, text, "--db", other)
    assert result.exit_code == 0, result.output
    assert utfall_rows(other) == expected


def test_the_rejects_file_gives_rows_back_split_by_the_same_delimiter(cli, scenario, tmp_path):
    assert cli("run", scenario, "--quiet").exit_code == 0
    text = comma_separated('"Konto;namn",').replace("2024-12-31", "2023-12-31")  # outside the years: refused late
    result, _ = import_text(cli, scenario, tmp_path, text, "--rejects", tmp_path / "rejects.csv")
    assert result.exit_code == 0, result.output
    with (tmp_path / "rejects.csv").open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle, delimiter=";"))
    assert rows[1][2:] == ["x", "2023-12-31", "5010", "3110", "7150", "'-500\u00a0000,00", "Rättelse"]  # not a formula


def test_a_header_without_the_mapped_names_is_named_with_its_columns_listed_short(cli, scenario, tmp_path):
    assert cli("run", scenario, "--quiet").exit_code == 0
    header = ";".join(f"Kolumn {n}" for n in range(1, 1001))
    result, path = import_text(cli, scenario, tmp_path, header + "\r\n")
    assert result.exit_code == 1
    listed = ", ".join(f"'Kolumn {n}'" for n in range(1, 13))
    assert result.stderr == (
        f"Error: {path}: line 1: the header has no column 'Bokföringsdatum' for date (columns: {listed} and 988 more)\n"
    )


def import_text(cli, scenario, tmp_path, text: str | bytes, *args: str):
    path = tmp_path / "import.csv"
    path.write_bytes(text if isinstance(text, bytes) else text.encode("cp1252"))
    return cli("import", "utfall", path, "-c", scenario, *args), path


def test_a_broken_quote_stops_the_import_even_with_rejects(cli, scenario, tmp_path, digest):
    """The rows after a quote that never closes would vanish into it: never import the rest silently."""
    assert cli("run", scenario, "--quiet").exit_code == 0
    before = digest(cli.db)
    good = csv_text().splitlines()
    text = "\r\n".join([good[0], good[1], '2024-04-01;5010;3110;7150;"100,00;Trasig', *good[2:]]) + "\r\n"
    result, path = import_text(cli, scenario, tmp_path, text, "--rejects", tmp_path / "rejects.csv")
    assert result.exit_code == 1
    assert f"{path}: line 3: a quote opens on this line and never closes; it hides the rows after it" in result.stderr
    assert digest(cli.db) == before
    assert not (tmp_path / "rejects.csv").exists()


def test_rows_rejected_after_reading_are_written_with_their_fields(cli, scenario, tmp_path):
    assert cli("run", scenario, "--quiet").exit_code == 0
    good = csv_text().splitlines()
    text = "\r\n".join([*good, "2023-12-31;5010;3110;7150;5,00;Fjolårets"]) + "\r\n"
    result, _ = import_text(cli, scenario, tmp_path, text, "--rejects", tmp_path / "r.csv")
    assert result.exit_code == 0, result.output
    # The control total is the 8 good rows' (as above), and says so: the file's 9 add up to 5 kr more.
    assert "9 rows read from" in result.stderr
    assert "(control total of the 8 rows kept: 31 458 345,50 kr)." in result.stderr
    with (tmp_path / "r.csv").open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle, delimiter=";"))
    assert rows[1][0] == "10" and "outside the scenario's years" in rows[1][1]
    # as the export has it (its six columns, "5,00" as written), so a corrected file imports again
    assert rows[1][2:] == ["2023-12-31", "5010", "3110", "7150", "5,00", "Fjolårets"]
    listed = next(line for line in cli("runs").stdout.splitlines() if " rows" in line)
    assert "9 rows (1 rejected), control total 31 458 345,50 kr" in listed  # the 8 good rows' total, as above
    shown = cli("show", "--batch", "1").stdout.replace("\u00a0", " ")
    assert "9 rader lästa, kontrollsumma för de 8 rader som behölls 31 458 345,50 kr:" in shown


def test_excel_rows_of_only_separators_are_skipped(cli, scenario, tmp_path, booked):
    expected = utfall_rows(cli.db)
    other = tmp_path / "other.db"
    assert cli("run", scenario, "--quiet", "--db", other).exit_code == 0
    path = tmp_path / "excel.csv"
    path.write_bytes((csv_text() + ";;;;;\r\n;;;;;\r\n\r\n").encode("cp1252"))
    assert cli("import", "utfall", path, "-c", scenario, "--db", other).exit_code == 0
    assert utfall_rows(other) == expected


@pytest.mark.parametrize(
    ("content", "says"),
    [
        pytest.param(
            "Bokföringsdatum;Konto;Ansvar;Verksamhet;Belopp;Belopp;Text\r\n",
            "line 1: the header has the column 'Belopp' (for amount) more than once",
            id="duplicate-column",
        ),
        pytest.param(
            "Bokföringsdatum;Konto;Ansvar;Verksamhet;Belopp;Text\r\n", "holds no booked rows", id="header-only"
        ),
        pytest.param(
            "Bokföringsdatum;Konto;Ansvar;Verksamhet;Belopp;Text\r\n".encode()
            + "2024-01-31;5010;3110;7150;1,00;Lön\r\n".encode()
            + "2024-02-01;5010;3110;7150;1,00;Lön\r\n".encode("cp1252"),
            "line 3: line 1 is UTF-8 but this line is not (Windows-1252?); save the whole file in one encoding",
            id="mixed-encodings",
        ),
        pytest.param(
            b"\xef\xbb\xbf" + "Bokföringsdatum;Konto;Ansvar;Verksamhet;Belopp;Text\r\n".encode("cp1252"),
            "line 1: the file starts with a UTF-8 byte order mark, but this line is not UTF-8",
            id="bom-then-windows-1252",
        ),
        pytest.param(
            'Bokföringsdatum;"Konto;Ansvar\r\n'.encode("cp1252"),
            "line 1: the header row is not valid CSV",
            id="quote-in-the-header",
        ),
        pytest.param(
            "\ufeffBokföringsdatum;Belopp\r\n".encode("utf-16-le").replace(b"\xfe\xff", b"\xff\xfe", 1),
            'is UTF-16 (Excel\'s "Unicode text")',
            id="utf-16",
        ),
        pytest.param(
            csv_text()[:60].encode("cp1252") + b"\x81" + csv_text()[60:].encode("cp1252"),
            "line 2: byte 0x81 is no character in Windows-1252",
            id="not-windows-1252",
        ),
        pytest.param(
            # Each row at the most a row may hold (10^15 öre), 101 of them past what a batch may (10^17).
            csv_text([(f"2024-01-{n % 28 + 1:02d}", "5010", "3110", "7150", 10**15, "x") for n in range(101)]).encode(
                "cp1252"
            ),
            "line 102: the amounts up to this line add up to more than one batch may hold",
            id="sum-too-large",
        ),
    ],
)
def test_files_that_cannot_be_trusted_are_refused(content, says, cli, scenario, tmp_path, digest):
    assert cli("run", scenario, "--quiet").exit_code == 0
    before = digest(cli.db)
    result, path = import_text(cli, scenario, tmp_path, content)
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit), repr(result.exception)
    assert f"Error: {path}: {says}" in result.stderr
    assert digest(cli.db) == before


def test_a_mapping_on_a_code_the_file_does_not_carry_is_a_config_error(cli, scenario, tmp_path):
    """SIE carries verksamhet only on the dimension [utfall].sie_dimensions names."""
    text = scenario.read_text(encoding="utf-8").replace("sie_dimensions = { verksamhet = 20 }\n", "")
    scenario.write_text(text, encoding="utf-8")
    assert cli("run", scenario, "--quiet").exit_code == 0
    sie = tmp_path / "u.se"
    sie.write_bytes(sie_bytes())
    result = cli("import", "utfall", sie, "-c", scenario)
    assert result.exit_code == 1
    assert "utfall.map[0].match.verksamhet: matches on verksamhet, but [utfall.sie_dimensions] names no dimension" in (
        result.stderr
    )


def test_csv_keeps_a_negative_share_a_number(cli, scenario, tmp_path):
    assert cli("run", scenario, "--quiet").exit_code == 0
    result, _ = import_text(cli, scenario, tmp_path, csv_text([("2024-05-01", "5010", "3310", "7150", -4_096_00, "x")]))
    assert result.exit_code == 0, result.output
    out = cli("report", "aterrapportering", "-f", "csv").stdout
    assert ",-0.1," in out  # FSN: -4 096 of 4 096 000 kr, a number a spreadsheet can add up
    assert "'-0.1" not in out


def test_init_writes_a_sample_export_that_the_bundled_mapping_reads(cli, tmp_path):
    """The sample: ASN 1 250 000 + 4 100 000 + 2 730 500,50 - 150 000; GVN 3 200 000 (and 180 000 other);
    FSN 2 048 000; KS 500 000 + 768 000; the grant 4 900 000 on account 4620 is Tillväxt Malmö och Level's."""
    assert cli("init", tmp_path / "demo").exit_code == 0
    config, sample = tmp_path / "demo" / "jobbsats.toml", tmp_path / "demo" / "utfall-2024.csv"
    assert cli("run", config, "--quiet").exit_code == 0
    result = cli("import", "utfall", sample, "-c", config)
    assert result.exit_code == 0, result.output
    assert "1 row matched no mapping (not imported): 35 000 kr" in result.stderr
    rows = {r["recipient_id"]: r for r in cli.json_report("aterrapportering")["rows"]}
    assert {rid: r["utfall_ore"] for rid, r in rows.items()} == {
        "ASN": 7_930_500_50,
        "GVN": 3_200_000_00,
        "FSN": 2_048_000_00,
        "KS": 1_268_000_00,
        "tillvaxt_level": 4_900_000_00,
    }
    assert rows["GVN"]["other_ore"] == 180_000_00
    assert rows["tillvaxt_level"]["used_percent"] == 100.0
    assert rows["ASN"]["used_percent"] == 36.0  # 7 930 500,50 / 22 056 000 = 35,96 %


def test_without_c_only_a_local_jobbsats_toml_maps_the_rows(cli, tmp_path, digest, monkeypatch):
    """Never the bundled example: its made-up codes would map a real export's rows to boards that did not book them."""
    assert cli("init", tmp_path / "demo").exit_code == 0
    sample = tmp_path / "demo" / "utfall-2024.csv"
    assert cli("run", "--quiet").exit_code == 0  # `run` keeps its demo default
    before = digest(cli.db)
    refused = cli("import", "utfall", sample)
    assert refused.exit_code == 1
    assert refused.stderr == (
        f"Error: {sample}: which scenario maps its rows? Pass -c SCENARIO (the scenario file whose [utfall] "
        "section maps them); there is no ./jobbsats.toml here\n"
    )
    assert digest(cli.db) == before
    monkeypatch.chdir(tmp_path / "demo")  # where `jobbsats init` wrote jobbsats.toml beside the sample
    found = cli("import", "utfall", sample)
    assert found.exit_code == 0, found.output
    assert "Using ./jobbsats.toml." in found.stderr and "Batch 1 recorded" in found.stderr


def test_a_run_reports_only_the_utfall_imported_for_its_own_scenario(cli, scenario, booked):
    """The malmokraften run in the same ledger sees none of the 2024 scenario's utfall."""
    assert cli("run", "malmokraften-2020", "--quiet").exit_code == 0
    report = cli.json_report("aterrapportering")
    # Only ASN's commitments to the project (its own table, never utfall): no money rows.
    assert {r["table"] for r in report["rows"]} == {"aterrapportering_atagande"}
    assert (
        "inget utfall har importerats för det scenariot (utfall finns för ”Strategiska jobbsatsningar 2024”)."
        in (report["paragraphs"][1])  # after the header line
    )
    assert cli.json_report("aterrapportering", "--run", "1")["rows"]  # the 2024 run still has its own


def test_each_refused_row_is_named_with_its_own_codes(cli, scenario, tmp_path):
    """Rows refused for the same reason are each quoted as booked (the mapping caches verdicts, not texts)."""
    assert cli("run", scenario, "--quiet").exit_code == 0
    bad = [("2024-04-01", "5010", "9999", "7150", 100, "x"), ("2024-04-02", "5010", "8888", "7150", 100, "y")]
    result, _ = import_text(cli, scenario, tmp_path, csv_text([*bad, *BOOKINGS]), "--rejects", tmp_path / "r.csv")
    assert result.exit_code == 0, result.output
    with (tmp_path / "r.csv").open(encoding="utf-8-sig", newline="") as handle:
        refused = list(csv.reader(handle, delimiter=";"))[1:]
    assert [(r[0], r[1]) for r in refused] == [
        (
            str(line),
            f"ansvar '{ansvar}' belongs to no recipient in [utfall.ansvar], but the row "
            f"(account '5010', ansvar '{ansvar}', verksamhet '7150') is fund or project money by utfall.map[0]",
        )
        for line, ansvar in ((2, "9999"), (3, "8888"))
    ]


def test_rejects_may_not_be_the_ledger_or_the_input(cli, scenario, booked, digest):
    before = digest(cli.db)
    for target in (cli.db, booked):
        result = cli("import", "utfall", booked, "-c", scenario, "--replace", "--rejects", target)
        assert result.exit_code == 1
        assert "--rejects must be a file of its own, not the ledger nor the file imported" in result.stderr
    assert digest(cli.db) == before


def test_the_mapping_is_checked_with_the_scenario(cli, scenario):
    text = scenario.read_text(encoding="utf-8")
    text = text.replace('text = "Text" }', 'text = "Belopp" }').replace('fund = "sjs"', 'fund = "sjs"\nproject = "x"')
    scenario.write_text(text, encoding="utf-8")
    result = cli("validate", scenario)
    assert result.exit_code == 1
    assert "utfall.columns.text: 'Belopp' is the column for amount already" in result.stderr
    assert "utfall.map[0].project: unknown project 'x' (projects: none)" in result.stderr


def test_project_money_is_not_a_boards_other_money(cli, scenario, tmp_path):
    """Rows mapped to a project (and no fund) go to the project table, not to 'Övrigt utfall'."""
    text = scenario.read_text(encoding="utf-8").replace(
        "[[utfall.map]]",
        '[[utfall.map]]\nmatch = { verksamhet = "8800" }\nproject = "malmokraften"\n\n[[utfall.map]]',
        1,
    )
    project = examples.path_of("malmokraften-2020").read_text(encoding="utf-8")
    block = project[project.index("[financiers.esf]") : project.index("[[rules]]")]
    block = block.replace("end = 2022-06-30", "end = 2024-12-31")  # a project row must be in the project's period
    scenario.write_text(text.replace("[funds.sjs]", block + "\n[funds.sjs]"), encoding="utf-8")
    assert cli("run", scenario, "--quiet").exit_code == 0, cli("validate", scenario).output
    rows = [("2024-05-01", "5010", "3110", "8800", 10_000_00, "Projektlön")]
    result, _ = import_text(cli, scenario, tmp_path, csv_text(rows))
    assert result.exit_code == 0, result.output
    report = cli.json_report("aterrapportering")
    asn = next(r for r in per_recipient(report["rows"]) if r["recipient_id"] == "ASN")
    assert (asn["utfall_ore"], asn["other_ore"]) == (0, 0)
    [project_row] = [r for r in report["rows"] if r["table"] == "aterrapportering_projekt"]
    assert (project_row["project"], project_row["utfall_ore"]) == ("Malmökraften 2.0", 10_000_00)


# --- Corrections under another file name (a new-user trial counted the same bookings twice).

CORRECTED = [b if b[5] != "Rättelse" else (*b[:4], -600_000_00, b[5]) for b in BOOKINGS]  # -500 000 -> -600 000


def test_replace_with_nothing_to_replace_is_refused(cli, scenario, booked, tmp_path, digest):
    renamed = tmp_path / "utfall-2024-rattad.csv"
    renamed.write_bytes(csv_text(CORRECTED).encode("cp1252"))
    before = digest(cli.db)
    result = cli("import", "utfall", renamed, "-c", scenario, "--replace")
    assert result.exit_code == 1
    assert f"{renamed}: --replace: no current batch of the scenario" in result.stderr
    assert "--supersedes BATCH" in result.stderr
    assert digest(cli.db) == before


def test_supersedes_names_the_batch_a_correction_replaces_whatever_its_name(cli, scenario, booked, tmp_path):
    renamed = tmp_path / "utfall-2024-rattad.csv"
    renamed.write_bytes(csv_text(CORRECTED).encode("cp1252"))
    result = cli("import", "utfall", renamed, "-c", scenario, "--supersedes", "1")
    assert result.exit_code == 0, result.output
    assert "It supersedes batch 1." in result.stderr
    assert "overlap" not in result.stderr  # batch 1 is no longer current
    rows = {r["recipient_id"]: r for r in cli.json_report("aterrapportering")["rows"]}
    assert rows["ASN"]["utfall_ore"] == 18_900_000_50  # 1 500 000 + 18 000 000,50 - 600 000, once


def test_a_file_whose_every_row_is_bad_is_refused_and_supersedes_nothing(cli, scenario, booked, tmp_path, digest):
    """An export whose dates are written another way: with --rejects every row would be left out, and the batch
    of nothing would take batch 1's utfall out of every report."""
    before = digest(cli.db)
    lines = csv_text().splitlines()
    text = "\r\n".join([lines[0], *(f"{line[8:10]}.{line[5:7]}.{line[:4]}{line[10:]}" for line in lines[1:])])
    assert text.splitlines()[1].startswith("31.01.2024;") and len(lines) == 9  # a header and 8 rows
    result, path = import_text(cli, scenario, tmp_path, text + "\r\n", "--supersedes", "1", "--rejects", "r.csv")
    assert result.exit_code == 1
    assert result.stderr.endswith(
        f"{path}: line 2: '31.01.2024' is not a date written as 2024-01-31, and every other of the file's 8 rows "
        "was left out as bad too; nothing was imported\n"
    )
    assert digest(cli.db) == before and not (tmp_path / "r.csv").exists()
    rows = {r["recipient_id"]: r for r in cli.json_report("aterrapportering")["rows"]}
    assert rows["ASN"]["utfall_ore"] == 19_000_000_50  # batch 1: 1 500 000 + 18 000 000,50 - 500 000


def test_a_file_of_no_ones_money_supersedes_nothing(cli, scenario, booked, tmp_path, digest):
    """Every row on ansvar 9999 outside verksamhet 7150, which the mapping gives no one (another department's
    export): as a batch of nothing it would take batch 1's utfall out of every report."""
    before = digest(cli.db)
    rows = [("2024-10-01", "5010", "9999", "1000", 12_345_00, "x"), ("2024-11-01", "5010", "9999", "1000", 5_00, "y")]
    result, path = import_text(cli, scenario, tmp_path, csv_text(rows), "--supersedes", "1")
    assert result.exit_code == 1
    assert result.stderr.endswith(
        f"{path}: none of its rows is a recipient's money by the scenario's [utfall] mapping (2 read, 2 matched no "
        "mapping), so it would take the utfall of batch 1, which it supersedes, out of every report; nothing was "
        "imported\n"
    )
    assert digest(cli.db) == before
    # Beside batch 1, superseding nothing, it is a batch like any (its rows counted as no one's).
    result, _ = import_text(cli, scenario, tmp_path, csv_text(rows))
    assert result.exit_code == 0, result.output
    assert "2 rows matched no mapping (not imported): 12 350 kr" in result.stderr  # 12 345 kr + 5 kr
    rows_now = {r["recipient_id"]: r for r in cli.json_report("aterrapportering")["rows"]}
    assert rows_now["ASN"]["utfall_ore"] == 19_000_000_50  # batch 1: 1 500 000 + 18 000 000,50 - 500 000


@pytest.mark.parametrize(
    ("batch", "says"),
    [("9", "there is no import batch 9 in the ledger"), ("1", "batch 1 is superseded already, by batch 2")],
)
def test_supersedes_a_batch_that_is_not_there_or_not_current_is_refused(cli, scenario, booked, tmp_path, batch, says):
    assert cli("import", "utfall", booked, "-c", scenario, "--replace").exit_code == 0  # batch 2 supersedes 1
    renamed = tmp_path / "utfall-2024-rattad.csv"
    renamed.write_bytes(csv_text(CORRECTED).encode("cp1252"))
    result = cli("import", "utfall", renamed, "-c", scenario, "--supersedes", batch)
    assert result.exit_code == 1
    assert f"{renamed}: --supersedes: {says}" in result.stderr


def test_a_batch_whose_dates_overlap_a_current_one_is_imported_with_a_note(cli, scenario, booked, tmp_path):
    june = tmp_path / "utfall-juni.csv"
    june.write_bytes(csv_text([BOOKINGS[4]]).encode("cp1252"))  # FSN, 2024-06-30
    result = cli("import", "utfall", june, "-c", scenario)
    assert result.exit_code == 0, result.output
    assert (
        "Note: its dates (2024-06-30 to 2024-06-30) overlap current batch 1 (2024-01-31 to 2024-12-31). "
        "If it repeats that batch's bookings they now count twice: import it with --supersedes 1 instead."
    ) in result.stderr


def test_a_run_before_any_import_says_none_is_imported(cli, scenario):
    assert cli("run", scenario, "--quiet").exit_code == 0
    paragraph = cli.json_report("aterrapportering", "--no-header")["paragraphs"][0]
    assert paragraph.endswith("; inget utfall har importerats.")


def test_an_excel_workbook_is_named_as_one_not_as_utf_16(cli, tmp_path):
    """A new user's first try: the .xlsx itself. Its first bytes (PK, then NULs) once read as UTF-16."""
    import openpyxl

    book = openpyxl.Workbook()
    book.active.append(["Bokföringsdatum", "Konto", "Belopp"])
    book.active.append(["2024-01-31", "5010", 1000])
    path = tmp_path / "utfall.xlsx"
    book.save(path)
    assert cli("run", "--quiet").exit_code == 0
    result = cli("import", "utfall", path, "-c", examples.path_of("malmo-2024"))
    assert result.exit_code == 1
    assert "is a zip file, such as an Excel workbook (.xlsx): save it as CSV" in result.stderr
    assert "UTF-16" not in result.stderr
