"""The indicator CSV is read strictly: every bad line is named, all at once, never with a traceback."""

from __future__ import annotations

import pytest
from jobbsats import InputError

from jobbsats_asf.indicators import read_indicators

HEADER = "partner;år;kvartal;deltagare;matchning;anställda;studier"
PARTNERS = ("botildenborg", "mff")


def problems(tmp_path, text: str | bytes) -> list[str]:
    path = tmp_path / "indikatorer.csv"
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        read_indicators(path, PARTNERS)
    assert caught.value.source == str(path)
    return [p.render() for p in caught.value.problems]


def read(tmp_path, text: str | bytes):
    path = tmp_path / "indikatorer.csv"
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return read_indicators(path, PARTNERS)


def test_a_good_file(tmp_path):
    rows = read(tmp_path, f"{HEADER}\nmff;2024;1;85;78;9;2\nbotildenborg;2024;1;18;0;0; 2 \n")
    assert [(r.partner, r.year, r.quarter, dict(r.counts), r.line) for r in rows] == [
        ("mff", 2024, 1, {"deltagare": 85, "matchning": 78, "anstallda": 9, "studier": 2}, 2),
        ("botildenborg", 2024, 1, {"deltagare": 18, "matchning": 0, "anstallda": 0, "studier": 2}, 3),
    ]


def test_windows_1252_and_a_byte_order_mark(tmp_path):
    body = f"{HEADER}\r\nmff;2024;1;85;78;9;2\r\n"
    assert len(read(tmp_path, body.encode("cp1252"))) == 1  # "år" and "anställda" as Excel saves them
    assert len(read(tmp_path, b"\xef\xbb\xbf" + body.encode("utf-8"))) == 1


def test_blank_lines_and_empty_excel_rows_are_skipped(tmp_path):
    rows = read(tmp_path, f"\n{HEADER}\n\nmff;2024;1;85;78;9;2\n;;;;;;\n")
    assert [r.line for r in rows] == [4]


def test_unknown_partner(tmp_path):
    assert problems(tmp_path, f"{HEADER}\nmff;2024;1;85;78;9;2\nmmf;2024;2;85;78;9;2\n") == [
        "line 3: unknown partner 'mmf' (the partners in [asf.partners]: botildenborg, mff)"
    ]


@pytest.mark.parametrize("quarter", ["0", "5", "Q1", "", "1.0"])
def test_quarter_outside_1_to_4(tmp_path, quarter):
    assert problems(tmp_path, f"{HEADER}\nmff;2024;{quarter};85;78;9;2\n") == [
        f"line 2: kvartal must be 1, 2, 3 or 4, not {quarter!r}"
    ]


def test_year(tmp_path):
    assert problems(tmp_path, f"{HEADER}\nmff;24;1;85;78;9;2\n") == ["line 2: år must be a year such as 2024, not '24'"]


@pytest.mark.parametrize(
    ("count", "message"),
    [
        ("12,5", "matchning must be a whole number of people, not '12,5'"),
        ("12.0", "matchning must be a whole number of people, not '12.0'"),
        ("tolv", "matchning must be a whole number of people, not 'tolv'"),
        ("1 200", "matchning must be a whole number of people, not '1 200'"),
        ("٣", "matchning must be a whole number of people, not '٣'"),  # an Arabic-Indic 3: int() would take it
        ("-3", "matchning must not be negative, not -3"),
        ("", "matchning is empty (write 0 if there were none)"),
    ],
)
def test_counts_are_whole_non_negative_numbers(tmp_path, count, message):
    assert problems(tmp_path, f"{HEADER}\nmff;2024;1;85;{count};9;2\n") == [f"line 2: {message}"]


@pytest.mark.parametrize("row", ["mff;2024;1;85;78;9", "mff;2024;1;85;78;9;2;4", "mff,2024,1,85,78,9,2"])
def test_wrong_number_of_fields(tmp_path, row):
    found = len(row.split(";"))
    assert problems(tmp_path, f"{HEADER}\n{row}\n") == [f"line 2: has {found} fields, expected 7 separated by ';'"]


def test_duplicate_partner_and_quarter(tmp_path):
    text = f"{HEADER}\nmff;2024;1;85;78;9;2\nbotildenborg;2024;1;18;0;0;2\nmff;2024;1;86;78;9;2\n"
    assert problems(tmp_path, text) == ["line 4: partner 'mff', 2024 kvartal 1 is already on line 2"]


def test_every_problem_at_once_in_line_order(tmp_path):
    lines = [
        HEADER,
        "mff;2024;1;85;78;9;2",
        "mff;2024;7;85;x;9;2",  # two problems on one line
        "mff;2024;2;90;81;11;1",  # not a duplicate: line 3 was refused
        "okänd;2024;1;85;78;9;2",
        "mff;2024;2;90;81;11;1",
    ]
    assert problems(tmp_path, "\n".join(lines) + "\n") == [
        "line 3: kvartal must be 1, 2, 3 or 4, not '7'",
        "line 3: matchning must be a whole number of people, not 'x'",
        "line 5: unknown partner 'okänd' (the partners in [asf.partners]: botildenborg, mff)",
        "line 6: partner 'mff', 2024 kvartal 2 is already on line 4",
    ]


def test_wrong_header(tmp_path):
    assert problems(tmp_path, "partner;year;quarter;deltagare;matchning;anställda;studier\nmff;2024;1;85;78;9;2\n") == [
        f"line 1: the header must be {HEADER}, not partner;year;quarter;deltagare;matchning;anställda;studier"
    ]


def test_bad_quoting(tmp_path):
    assert problems(tmp_path, f'{HEADER}\nmff;2024;1;"85"5;78;9;2\n') == [
        "line 2: is not valid CSV: ';' expected after '\"'"
    ]


def test_neither_utf8_nor_windows_1252(tmp_path):
    # 0x81 is undefined in Windows-1252, and alone it is no UTF-8 either.
    assert problems(tmp_path, f"{HEADER}\nmff;2024;1;85;78;9;2\n".encode() + b"mff;2024;2;\x81;1;1;1\n") == [
        "line 3: is neither UTF-8 nor Windows-1252 text"
    ]


def test_empty_and_missing_files(tmp_path):
    assert problems(tmp_path, "\n\n") == [f"is empty: it needs the header {HEADER} and a row per partner and quarter"]
    with pytest.raises(InputError) as caught:
        read_indicators(tmp_path / "saknas.csv", PARTNERS)
    assert (
        caught.value.render()
        == f"{tmp_path / 'saknas.csv'}: no such file (named by asf.indicators in the scenario file)"
    )


def test_the_command_line_names_file_and_line(ledger, iop):
    text = f"{HEADER}\nmff;2024;1;85;78;9;2\nmff;2024;5;85;78;9;2\nmff;2024;1;85;78;9;2\nxyz;2024;2;1;1;1;1\n"
    scenario = iop(text)
    ledger.run(scenario)  # the CSV is read by the report, not by the run
    result = ledger.invoke("report", "iop")
    assert result.exit_code == 1
    path = ledger.folder / "indikatorer-2024.csv"
    assert result.output == (
        f"Error: {path}: 3 problems:\n"
        "  - line 3: kvartal must be 1, 2, 3 or 4, not '5'\n"
        "  - line 4: partner 'mff', 2024 kvartal 1 is already on line 2\n"
        "  - line 5: unknown partner 'xyz' (the partners in [asf.partners]: botildenborg, roda_korset, "
        "stadsmissionen, yalla, radda_barnen, mff)\n"
    )


def test_the_schemas_indicator_keys_are_the_indicators():
    from jobbsats_asf.indicators import INDICATORS
    from jobbsats_asf.schema import INDICATOR_KEYS

    assert tuple(i.key for i in INDICATORS) == INDICATOR_KEYS
