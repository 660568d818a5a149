"""The SIE 4 reader (jobbsats.utfall.sie) against SIE-Gruppen's "SIE filformat, utgåva 4B" (2008-09-30).

Section numbers in the comments (5.7, 8.22, #RTRANS 4-6 ...) are the spec's own.
Files are written as bytes in code page 437, the only character set the spec
allows (5.8, #FORMAT PC8); expected values are worked out by hand from the text.
"""

from __future__ import annotations

import datetime
import itertools
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jobbsats.utfall.sie import SieError, SieReader, Transaction, fields

D = datetime.date


def write(path: Path, text: str, encoding: str = "cp437") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def read(path: Path, encoding: str = "cp437") -> list[Transaction]:
    return list(SieReader(path, encoding))


def refused(path: Path) -> SieError:
    with pytest.raises(SieError) as caught:
        read(path)
    return caught.value


# --- 1. A realistic file ----------------------------------------------------------------------------------------

# Line numbers matter below: the file starts at line 1 with #FLAGGA.
REALISTIC = """\
#FLAGGA 0
#PROGRAM "Ekonomi Pro" 2024.1
#FORMAT PC8
#GEN 20250115 "Åsa Öberg"
#SIETYP 4
#FNAMN "Malmö stad Arbetsmarknadsförvaltningen"
#ORGNR 212000-1124
#RAR 0 20240101 20241231
#RAR -1 20230101 20231231
#KPTYP EUBAS97
#KONTO 1930 "Företagskonto"
#KONTO 2440 "Leverantörsskulder"
#KONTO 3990 "Övriga ersättningar och intäkter"
#KONTO 5010 "Lokalhyra"
#KONTO 7010 "Löner till kollektivanställda"
#DIM 1 "Kostnadsställe"
#DIM 6 "Projekt"
#OBJEKT 1 "3100" "Jobbtorg Väster"
#OBJEKT 1 "3200" "Jobbtorg Öster"
#OBJEKT 6 "P1" "Sommarjobb för ungdomar"
#OBJEKT 6 "P2" "Språkstöd på arbetsplatsen"
#IB 0 1930 250000.00
#IB -1 1930 180000.00
#UB 0 1930 196000.00
#RES 0 5010 36000.00
#RES 0 3990 -100000.00
#VER A 1 20240131 "Hyra januari" 20240202
{
   #TRANS 5010 {1 "3100" 6 "P1"} 12000.00 20240131 "Hyra \\"Ljuset\\" plan 2"
   #TRANS 5010 {1 "3200"} 6000.50
   #TRANS 2440 {} -18000.50 20240205 "Fastighets AB Ängen"
}
#VER A 2 20240215 "Löner februari"
{
   #TRANS 7010 {6 "P2"} 42500 "" "Lön handledare" 1 "ÅÖ"
   #TRANS 1930 {} -42500.00 20240225
}
#VER B 1 20240301 "Bidrag"
{
\t#TRANS\t1930\t{}\t100000.00
\t#TRANS\t3990\t{1 "3100"}\t-99999.99\t20240302\t"Bidrag från Arbetsförmedlingen"
\t#TRANS\t3990\t{}\t-0.01\t20240302\t"Öresavrundning"
}
"""

REALISTIC_ROWS = [
    Transaction(29, D(2024, 1, 31), "5010", (("1", "3100"), ("6", "P1")), 1_200_000, 'Hyra "Ljuset" plan 2', "A 1"),
    Transaction(30, D(2024, 1, 31), "5010", (("1", "3200"),), 600_050, "", "A 1"),
    Transaction(31, D(2024, 2, 5), "2440", (), -1_800_050, "Fastighets AB Ängen", "A 1"),
    # transdat written as "" before the text: the verification date (#TRANS 2); kvantitet and sign ignored.
    Transaction(35, D(2024, 2, 15), "7010", (("6", "P2"),), 4_250_000, "Lön handledare", "A 2"),
    Transaction(36, D(2024, 2, 25), "1930", (), -4_250_000, "", "A 2"),
    # fields separated by tabs (5.7)
    Transaction(40, D(2024, 3, 1), "1930", (), 10_000_000, "", "B 1"),
    Transaction(41, D(2024, 3, 2), "3990", (("1", "3100"),), -9_999_999, "Bidrag från Arbetsförmedlingen", "B 1"),
    Transaction(42, D(2024, 3, 2), "3990", (), -1, "Öresavrundning", "B 1"),
]

ACCOUNTS = {
    "1930": "Företagskonto",
    "2440": "Leverantörsskulder",
    "3990": "Övriga ersättningar och intäkter",
    "5010": "Lokalhyra",
    "7010": "Löner till kollektivanställda",
}
OBJECTS = {
    ("1", "3100"): "Jobbtorg Väster",
    ("1", "3200"): "Jobbtorg Öster",
    ("6", "P1"): "Sommarjobb för ungdomar",
    ("6", "P2"): "Språkstöd på arbetsplatsen",
}


def test_realistic_file_in_pc8(tmp_path):
    path = write(tmp_path / "SIE4.SE", REALISTIC)
    raw = path.read_bytes()
    assert b"F\x94retagskonto" in raw and b"\x8fsa \x99berg" in raw  # ö = 0x94, Å = 0x8F, Ö = 0x99 in CP437

    reader = SieReader(path, "cp437")
    rows = list(reader)

    assert rows == REALISTIC_ROWS
    assert [(t.object(1), t.object(6), t.object("6")) for t in rows[:4]] == [
        ("3100", "P1", "P1"),
        ("3200", "", ""),
        ("", "", ""),
        ("", "P2", "P2"),
    ]
    assert sum(t.amount for t in rows) == 0
    assert reader.accounts == ACCOUNTS
    assert reader.dimensions == {"1": "Kostnadsställe", "6": "Projekt"}
    assert reader.objects == OBJECTS
    assert reader.lines_read == REALISTIC.count("\n") == 43
    assert reader.bytes_read == len(raw)


@pytest.mark.parametrize("bom", [True, False], ids=["bom", "no-bom"])
def test_realistic_file_in_utf8(tmp_path, bom):
    path = write(tmp_path / "SIE4.SE", REALISTIC, "utf-8-sig" if bom else "utf-8")
    reader = SieReader(path, "utf-8-sig")
    assert list(reader) == REALISTIC_ROWS
    assert (reader.accounts, reader.objects) == (ACCOUNTS, OBJECTS)
    assert reader.dimensions["1"] == "Kostnadsställe"


def test_names_need_the_right_code_page(tmp_path):
    """The same CP437 bytes read as Latin-1 give other letters: the encoding is not guessed from #FORMAT."""
    path = write(tmp_path / "SIE4.SE", REALISTIC)
    reader = SieReader(path, "latin-1")
    list(reader)
    assert reader.accounts["1930"] == "F\x94retagskonto"


def test_spec_examples_of_fields(tmp_path):
    # 10.15: a quote inside a field is preceded by a backslash.
    assert fields('#KONTO 1915 "Kassa \\"special\\""', 1) == ["#KONTO", "1915", 'Kassa "special"']
    # A brace inside a quoted text is just text; the object list keeps its braces.
    assert fields('#TRANS 1910 {} 100 "" "Faktura {123}"', 1) == ["#TRANS", "1910", "{}", "100", "", "Faktura {123}"]
    # 8.22: dimensions may be quoted too; 5.6: blank lines anywhere, even between #VER and {;
    # #TRANS 6: { } with a space is an empty list; #VER "" "": a 4I file may leave series and number empty.
    path = write(
        tmp_path / "LON.SI",
        '#FLAGGA 0\n#SIETYP 4\n#VER "" "" 20081216 "Kontant lön"\n\n{\n'
        '    #TRANS 7010 {"1" "456" "7" "47"} 13200.00\n'
        "    #TRANS 1910 { } -13200.00\n}\n",
    )
    assert read(path) == [
        Transaction(6, D(2008, 12, 16), "7010", (("1", "456"), ("7", "47")), 1_320_000, "", ""),
        Transaction(7, D(2008, 12, 16), "1910", (), -1_320_000, "", ""),
    ]


def test_unknown_labels_and_extra_fields_are_skipped(tmp_path):
    # 7.1: unknown labels are ignored; 7.3: unknown fields at the end of a record are allowed (and summed).
    summed = ["#VER", "A", "1", "20240101", "x", "20240102", "sign", "extra"]
    summed += ["#TRANS", "1930", "10", "20240103", "t", "2", "sign", "ny1", "ny2", "#TRANS", "2440", "-10"]
    path = write(
        tmp_path / "x.se",
        '#FLAGGA 0\n#SIETYP 4\n#NYETIKETT 1 2 3\n#KSUMMA\n#VER A 1 20240101 "x" 20240102 "sign" extra\n{\n'
        f'#TRANS 1930 {{}} 10 20240103 "t" 2 "sign" ny1 ny2\n#TRANS 2440 {{}} -10\n}}\n#KSUMMA {crc32(summed)}\n',
    )
    assert read(path) == [
        Transaction(7, D(2024, 1, 3), "1930", (), 1000, "t", "A 1"),
        Transaction(8, D(2024, 1, 1), "2440", (), -1000, "", "A 1"),
    ]


def test_carriage_returns_are_allowed(tmp_path):
    # 5.5: every record ends with LF; a CR before it is allowed.
    path = write(
        tmp_path / "x.se", "#SIETYP 4\r\n#VER A 1 20240101\r\n{\r\n#TRANS 1930 {} 1\r\n#TRANS 2440 {} -1\r\n}\r\n"
    )
    assert [(t.line, t.account, t.amount) for t in read(path)] == [(4, "1930", 100), (5, "2440", -100)]


# --- 2. #RTRANS and #BTRANS --------------------------------------------------------------------------------------


def test_rtrans_is_counted_once(tmp_path):
    # The spec's own example under #RTRANS: each added row is an #RTRANS directly followed by an identical
    # #TRANS (4); a reader that does not handle #RTRANS ignores it (5) and books the #TRANS.
    path = write(
        tmp_path / "x.se",
        """\
#SIETYP 4
#VER "" "" 20080101 "Porto"
{
    #TRANS   1910 {}   -1200.00
    #TRANS   2640 {}   240.00
    #TRANS   6250 {}   960.00
    #RTRANS  1910 {}   200.00
    #TRANS   1910 {}   200.00
    #RTRANS  2640 {}   -40.00
    #TRANS   2640 {}   -40.00
    #RTRANS  6250 {}   -160.00
    #TRANS   6250 {}   -160.00
}
""",
    )
    rows = read(path)
    assert [(t.line, t.account, t.amount) for t in rows] == [
        (4, "1910", -120_000),
        (5, "2640", 24_000),
        (6, "6250", 96_000),
        (8, "1910", 20_000),
        (10, "2640", -4_000),
        (12, "6250", -16_000),
    ]
    # "Omslutning 1.400,00 / 1.400,00" in the spec's table of the imported verification
    assert sum(t.amount for t in rows if t.amount > 0) == -sum(t.amount for t in rows if t.amount < 0) == 140_000


def test_btrans_is_ignored(tmp_path):
    # The spec's example under #BTRANS: read without #BTRANS/#RTRANS it is 1910 -1000, 2640 200, 6250 800.
    path = write(
        tmp_path / "x.se",
        """\
#SIETYP 4
#VER "" "" 20080101 "Porto"
{
    #TRANS 1910 { } -1000.00
    #TRANS 2640 { } 200.00
    #BTRANS 6110 { } 800.00
    #RTRANS 6250 { } 800.00
    #TRANS 6250 { } 800.00
}
""",
    )
    assert [(t.account, t.amount) for t in read(path)] == [("1910", -100_000), ("2640", 20_000), ("6250", 80_000)]


def test_balance_is_over_trans_rows_only(tmp_path):
    # Balanced only if the #BTRANS row counted: refused.
    path = write(
        tmp_path / "x.se",
        "#SIETYP 4\n#VER A 3 20240105\n{\n#TRANS 1930 {} -100\n#BTRANS 5010 {} 100\n}\n",
    )
    error = refused(path)
    assert (error.line, error.message) == (
        2,
        "verification A 3 does not balance: its #TRANS rows sum to -100 kr, not 0",
    )
    # Balanced only if the #RTRANS row counted (it has no #TRANS twin): refused too.
    path = write(
        tmp_path / "y.se",
        "#SIETYP 4\n#VER A 4 20240105\n{\n#TRANS 1930 {} -100\n#RTRANS 5010 {} 100\n}\n",
    )
    assert refused(path).line == 2


@pytest.mark.parametrize("label", ["#RTRANS", "#BTRANS"])
def test_rtrans_and_btrans_only_inside_a_ver(tmp_path, label):
    # #RTRANS 3 / #BTRANS 3: only as sub-records of #VER.
    path = write(tmp_path / "x.se", f"#SIETYP 4\n{label} 1930 {{}} 100\n")
    error = refused(path)
    assert error.line == 2 and label in error.message and "outside" in error.message


# --- 3. Amounts --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "written, ore, balance",
    [
        ("1500", 150_000, "-1500.00"),
        ("1500.5", 150_050, "-1500.50"),
        ("1500.50", 150_050, "-1500.5"),
        ("-0.01", -1, "0.01"),
        ("0", 0, "0.00"),
        ("-0", 0, "0"),
        ("0.07", 7, "-0.07"),
        ("12345678901234.99", 1_234_567_890_123_499, "-12345678901234.99"),
    ],
)
def test_amounts_in_ore(tmp_path, written, ore, balance):
    path = write(
        tmp_path / "x.se",
        f"#SIETYP 4\n#VER A 1 20240101\n{{\n#TRANS 1930 {{}} {written}\n#TRANS 2440 {{}} {balance}\n}}\n",
    )
    assert [t.amount for t in read(path)] == [ore, -ore]


@pytest.mark.parametrize(
    "written",
    [
        "1,50",  # 5.9: a point (ASCII 46) is the decimal separator
        "1500.505",  # 5.9: at most two decimals
        "1e3",
        '""',
        "+5",  # 5.9: no plus sign
        "12.",
        "abc",
    ],
)
def test_amounts_refused(tmp_path, written):
    path = write(
        tmp_path / "x.se", f"#SIETYP 4\n#VER A 1 20240101\n{{\n#TRANS 1930 {{}} {written}\n#TRANS 2440 {{}} 0\n}}\n"
    )
    error = refused(path)
    shown = written.strip('"')
    assert error.line == 4
    assert f"{shown!r} is not an amount" in error.message
    assert str(error).startswith("line 4: ")


@pytest.mark.parametrize("digits", ["\u0661\u0665\u0660\u0660", "\uff11\uff15\uff10\uff10"])
def test_amounts_in_digits_other_than_0_to_9_are_refused(tmp_path, digits):
    """5.9: amounts are ASCII digits; Arabic-Indic or fullwidth ones are digits to Python's int() (a UTF-8 file)."""
    text = f"#SIETYP 4\n#VER A 1 20240101\n{{\n#TRANS 1930 {{}} {digits}\n#TRANS 2440 {{}} -1500\n}}\n"
    path = write(tmp_path / "x.se", text, "utf-8")
    with pytest.raises(SieError) as caught:
        read(path, "utf-8")
    assert caught.value.line == 4
    assert f"{digits!r} is not an amount" in caught.value.message


# --- 4. Errors ---------------------------------------------------------------------------------------------------

HEAD = "#FLAGGA 0\n#SIETYP 4\n"  # lines 1-2


@pytest.mark.parametrize(
    "body, line, words",
    [
        pytest.param(
            '#VER A 7 20240110 "x"\n{\n#TRANS 1930 {} 100.00\n#TRANS 2440 {} -99.99\n}\n',
            3,
            ["verification A 7 does not balance", "0,01 kr"],
            id="unbalanced",
        ),
        pytest.param(
            "#VER B 12 20240110\n{\n#TRANS 1930 {} 1500\n#TRANS 2440 {} 0\n}\n",
            3,
            ["verification B 12 does not balance", "1 500 kr"],
            id="unbalanced-thousands",
        ),
        pytest.param("#TRANS 1930 {} 100\n", 3, ["#TRANS outside a #VER"], id="trans-outside-ver"),
        pytest.param(
            "#VER A 1 20240110\n{\n#TRANS 1930 {} 1\n#TRANS 2440 {} -1\n}\n#TRANS 1930 {} 1\n",
            8,
            ["#TRANS outside a #VER"],
            id="trans-after-ver",
        ),
        pytest.param(
            "#VER A 1 20240110\n#TRANS 1930 {} 1\n#TRANS 2440 {} -1\n}\n",
            4,
            ["#VER must be followed by a line with {"],
            id="ver-without-brace",
        ),
        pytest.param("{\n#TRANS 1930 {} 1\n}\n", 3, ["{ that belongs to no #VER"], id="brace-without-ver"),
        pytest.param(
            "#VER A 1 20240110\n{\n{\n#TRANS 1930 {} 1\n}\n", 5, ["{ that belongs to no #VER"], id="second-brace"
        ),
        pytest.param('#KONTO 1930 "Bank"\n}\n', 4, ["} that closes no #VER"], id="stray-close"),
        pytest.param(
            "#VER A 1 20240110\n{\n#TRANS 1930 {} 1\n#TRANS 2440 {} -1\n}\n}\n",
            8,
            ["} that closes no #VER"],
            id="close-twice",
        ),
        pytest.param(
            "#VER A 1 20240110\n{\n#TRANS 1930 {} 1\n#TRANS 2440 {} -1\n", 3, ["#VER never closes"], id="eof-in-ver"
        ),
        pytest.param('#KONTO 1930 "Bank"\n#VER A 1 20240110\n', 4, ["#VER never closes"], id="eof-after-ver"),
        pytest.param(
            "#VER A 1 20240110\n{\n#TRANS 1930 {} 1\n#VER A 2 20240111\n{\n#TRANS 2440 {} -1\n}\n",
            6,
            ["#VER inside another #VER"],
            id="nested-ver",
        ),
        pytest.param("#VER A 1 20240230\n{\n}\n", 3, ["20240230 is not a real date"], id="feb-30"),
        pytest.param(
            "#VER A 1 20240131\n{\n#TRANS 1930 {} 1 2024-01-31\n#TRANS 2440 {} -1\n}\n",
            5,
            ["'2024-01-31' is not a date written YYYYMMDD"],
            id="iso-date",
        ),
        pytest.param("#VER A 1 20241301\n{\n}\n", 3, ["20241301 is not a real date"], id="month-13"),
        pytest.param("#VER A 1\n{\n}\n", 3, ["#VER needs a series, a number and a date"], id="ver-no-date"),
        pytest.param(
            "#VER A 1 20240131\n{\n#TRANS 19A0 {} 1\n#TRANS 2440 {} -1\n}\n",
            5,
            ["'19A0' is not an account number"],
            id="account-letters",
        ),
        pytest.param(
            "#VER A 1 20240131\n{\n#TRANS 1930 1\n}\n",
            5,
            ["#TRANS needs an account, an object list and an amount"],
            id="trans-too-short",
        ),
        pytest.param(
            "#VER A 1 20240131\n{\n#TRANS 1930 100 20240131\n}\n",
            5,
            ["expected an object list in braces"],
            id="trans-without-object-list",
        ),
        pytest.param(
            '#VER A 1 20240131\n{\n#TRANS 5010 {1 "3100" 6} 1\n#TRANS 2440 {} -1\n}\n',
            5,
            ["must hold pairs of dimension and object"],
            id="odd-object-list",
        ),
        pytest.param(
            '#VER A 1 20240131\n{\n#TRANS 5010 {1 "31"\n#TRANS 2440 {} -1\n}\n',
            5,
            ["an object list opens with { but never closes"],
            id="unclosed-object-list",
        ),
        pytest.param(
            '#VER A 1 20240131\n{\n#TRANS 5010 {K "31"} 1\n#TRANS 2440 {} -1\n}\n',
            5,
            ["'K'", "is not a dimension number"],
            id="dimension-letter",
        ),
        pytest.param('#VER A 1 20240131 "Hyra\n{\n}\n', 3, ["cannot read"], id="unclosed-quote"),
        pytest.param('KONTO 1930 "Bank"\n', 3, ["expected a #LABEL, not 'KONTO'"], id="no-label"),
    ],
)
def test_errors(tmp_path, body, line, words):
    error = refused(write(tmp_path / "x.se", HEAD + body))
    assert isinstance(error, ValueError)
    assert error.line == line, error
    for word in words:
        assert word in error.message, error
    assert str(error) == f"line {line}: {error.message}"


def test_unbalanced_message_in_full(tmp_path):
    error = refused(
        write(tmp_path / "x.se", HEAD + '#VER A 7 20240110 "x"\n{\n#TRANS 1930 {} 100.00\n#TRANS 2440 {} -99.99\n}\n')
    )
    assert str(error) == "line 3: verification A 7 does not balance: its #TRANS rows sum to 0,01 kr, not 0"


@pytest.mark.parametrize("kind", ["1", "2", "3"])
def test_only_sie_type_4(tmp_path, kind):
    error = refused(write(tmp_path / "x.se", f'#FLAGGA 0\n#FORMAT PC8\n#SIETYP {kind}\n#KONTO 1930 "Bank"\n'))
    assert error.line == 3
    assert f"SIE type {kind} file" in error.message and "type 4" in error.message


def test_rows_before_an_error_have_been_yielded(tmp_path):
    """Streaming: a good verification comes out before a later bad one is reached; none of the bad one does."""
    path = write(
        tmp_path / "x.se",
        HEAD
        + "#VER A 1 20240110\n{\n#TRANS 1930 {} 1\n#TRANS 2440 {} -1\n}\n"
        + "#VER A 2 20240111\n{\n#TRANS 1930 {} 2\n#TRANS 2440 {} -1\n}\n",
    )
    got = []
    with pytest.raises(SieError) as caught:
        for t in SieReader(path):
            got.append((t.verification, t.amount))
    assert got == [("A 1", 100), ("A 1", -100)]
    assert caught.value.line == 8


# --- 5. Streaming ------------------------------------------------------------------------------------------------

BIG_VERIFICATIONS = 50_000


@pytest.fixture(scope="module")
def big_file(tmp_path_factory) -> Path:
    lines = ["#FLAGGA 0", "#SIETYP 4"]
    for n in range(1, BIG_VERIFICATIONS + 1):
        lines += [f"#VER A {n} 20240101", "{", f'#TRANS 5010 {{1 "3100"}} {n}.25', f"#TRANS 1930 {{}} -{n}.25", "}"]
    path = tmp_path_factory.mktemp("sie") / "big.se"
    path.write_bytes(("\n".join(lines) + "\n").encode("cp437"))
    return path


def test_reading_is_lazy(big_file):
    total_lines = 2 + 5 * BIG_VERIFICATIONS
    assert big_file.read_bytes().count(b"\n") == total_lines

    reader = SieReader(big_file)
    rows = iter(reader)
    assert reader.lines_read == 0  # nothing read before the first next()
    first = next(rows)
    assert first == Transaction(5, D(2024, 1, 1), "5010", (("1", "3100"),), 125, "", "A 1")
    assert reader.lines_read == 7  # up to the } of the first verification, not one line more
    assert reader.bytes_read < 200

    # the 2 000th transaction is the credit row of verification A 1000, closed on line 2 + 5 * 1000
    two_thousandth = next(itertools.islice(rows, 1_998, None))
    assert (two_thousandth.verification, two_thousandth.amount, two_thousandth.line) == (
        "A 1000",
        -100_025,
        2 + 5000 - 1,
    )
    assert reader.lines_read == 2 + 5 * 1000
    assert reader.lines_read < total_lines / 40
    rows.close()


# --- 6. Property: what is written is what is read ----------------------------------------------------------------

CODE_CHARS = 'ABCXYZabcxyz0189åäöÅÄÖé -_/"'  # a quote is written \" (5.7)
TEXT_CHARS = CODE_CHARS + "{}#"


def quote(text: str) -> str:
    return '"' + text.replace('"', '\\"') + '"'


def sie_amount(ore: int, short: bool) -> str:
    sign = "-" if ore < 0 else ""
    kronor, rest = divmod(abs(ore), 100)
    if short and rest == 0:
        return f"{sign}{kronor}"
    if short and rest % 10 == 0:
        return f"{sign}{kronor}.{rest // 10}"
    return f"{sign}{kronor}.{rest:02d}"


dates = st.dates(D(1990, 1, 1), D(2099, 12, 31))
rows_strategy = st.fixed_dictionaries(
    {
        "account": st.from_regex(r"[1-9][0-9]{3}", fullmatch=True),
        "objects": st.lists(
            st.tuples(st.integers(1, 30), st.text(CODE_CHARS, max_size=6), st.booleans()),
            max_size=3,
            unique_by=lambda pair: pair[0],  # one object per dimension: a dimension twice is refused
        ),
        "amount": st.integers(-(10**9), 10**9),
        "short": st.booleans(),
        "date": st.none() | dates,
        "text": st.none() | st.text(TEXT_CHARS, max_size=12),
        "rtrans": st.booleans(),
        "btrans": st.booleans(),
    }
)
verifications_strategy = st.lists(
    st.tuples(
        st.from_regex(r"[A-Z]{1,3}|[1-9][0-9]?", fullmatch=True),
        st.integers(1, 99_999),
        dates,
        st.text(TEXT_CHARS, max_size=12),
        st.lists(rows_strategy, min_size=1, max_size=5),
    ),
    min_size=1,
    max_size=4,
)


@settings(max_examples=60, deadline=None)
@given(verifications=verifications_strategy, sep=st.sampled_from([" ", "\t", "  ", " \t "]))
def test_written_is_read(tmp_path_factory, verifications, sep):
    lines = ["#FLAGGA 0", "#FORMAT PC8", "#SIETYP 4"]
    expected = []
    for series, number, ver_date, ver_text, rows in verifications:
        # make the verification balance: the last row takes minus the sum of the others
        amounts = [row["amount"] for row in rows[:-1]]
        amounts.append(-sum(amounts))
        lines += [sep.join(["#VER", series, str(number), ver_date.strftime("%Y%m%d"), quote(ver_text)]), "{"]
        for row, amount in zip(rows, amounts, strict=True):
            objects = " ".join(
                f"{quote(str(dim)) if quoted else dim} {quote(code)}" for dim, code, quoted in row["objects"]
            )
            fields_ = [row["account"], "{" + objects + "}", sie_amount(amount, row["short"])]
            if row["date"] is not None or row["text"] is not None:
                fields_.append(row["date"].strftime("%Y%m%d") if row["date"] else '""')
            if row["text"] is not None:
                fields_.append(quote(row["text"]))
            if row["btrans"]:
                lines.append(sep.join(["#BTRANS", "6110", "{}", "123.45"]))
            if row["rtrans"]:
                lines.append(sep.join(["#RTRANS", *fields_]))
            lines.append(sep.join(["#TRANS", *fields_]))
            expected.append(
                Transaction(
                    len(lines),
                    row["date"] or ver_date,
                    row["account"],
                    tuple((str(dim), code) for dim, code, _ in row["objects"]),
                    amount,
                    row["text"] or "",
                    f"{series} {number}",
                )
            )
        lines.append("}")
    path = tmp_path_factory.getbasetemp() / "property.se"
    path.write_bytes(("\n".join(lines) + "\n").encode("cp437"))
    assert read(path) == expected


# --- Quoting ------------------------------------------------------------------------------------------------------


def test_brace_inside_a_quoted_object_code(tmp_path):
    """SIE 4B 5.7: any field may be quoted, and a quoted field may hold any character but an unescaped quote."""
    path = write(tmp_path / "x.se", HEAD + '#VER A 1 20240131\n{\n#TRANS 5010 {1 "K}1"} 1\n#TRANS 2440 {} -1\n}\n')
    assert read(path)[0].objects == (("1", "K}1"),)


# --- #KSUMMA ------------------------------------------------------------------------------------------------------


def crc32(contents: list[str], encoding: str = "cp437") -> int:
    """The checksum as SIE 4B's "Kodexempel på kontrollsummering" computes it, bit by bit (no zlib): CRC-32 with
    the reversed polynomial 0xEDB88320, started at all ones and inverted at the end, over ``contents`` one after
    the other (each record's label and fields, as the test lists them by hand)."""
    crc = 0xFFFFFFFF
    for byte in "".join(contents).encode(encoding):
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ 0xEDB88320 if crc & 1 else crc >> 1
    return crc ^ 0xFFFFFFFF


def test_the_crc_is_the_standard_crc_32():
    # The check value every CRC-32 (PKZIP, Ethernet) gives for "123456789": the helper above is that CRC.
    assert crc32(["123456789"]) == 0xCBF43926


# A file with a checksum: what lies between the two #KSUMMA is summed, with its fields as the comments list them.
SUMMED = """#FLAGGA 0
#KSUMMA
#PROGRAM "Ekonomi Pro" 2024.1
#FORMAT PC8
#SIETYP 4
#FNAMN "Malmö stad"
#VER A 1 20240131 "Hyra \\"Ljuset\\""
{
   #TRANS 5010 {1 "3100" 6 "P1"} 12000.00 20240131 "Hyra januari"
	#TRANS	2440	{}	-12000.00
}
#KSUMMA {sum}
"""
CONTENTS = [
    "#PROGRAM", "Ekonomi Pro", "2024.1", "#FORMAT", "PC8", "#SIETYP", "4", "#FNAMN", "Malmö stad",
    "#VER", "A", "1", "20240131", 'Hyra "Ljuset"',
    "#TRANS", "5010", "1", "3100", "6", "P1", "12000.00", "20240131", "Hyra januari",
    "#TRANS", "2440", "-12000.00",
]  # fmt: skip


def test_a_right_checksum_passes(tmp_path):
    path = write(tmp_path / "x.se", SUMMED.replace("{sum}", str(crc32(CONTENTS))))
    assert [(t.account, t.amount) for t in read(path)] == [("5010", 1_200_000), ("2440", -1_200_000)]


def test_a_checksum_written_as_a_signed_number_passes(tmp_path):
    # Some exporters print the 32 bits as a signed number: the same checksum.
    right = crc32(CONTENTS)
    signed = right - 2**32 if right >= 2**31 else right
    path = write(tmp_path / "x.se", SUMMED.replace("{sum}", str(signed)))
    assert len(read(path)) == 2


def test_the_checksum_of_a_utf_8_file_is_over_its_utf_8_bytes(tmp_path):
    path = write(tmp_path / "x.se", SUMMED.replace("{sum}", str(crc32(CONTENTS, "utf-8"))), "utf-8")
    assert len(list(SieReader(path, "utf-8-sig"))) == 2


def test_a_changed_amount_is_refused_by_the_checksum(tmp_path):
    # Both rows changed alike, so the verification still balances: only the checksum sees it.
    text = SUMMED.replace("{sum}", str(crc32(CONTENTS))).replace("12000.00", "12000.01")
    error = refused(write(tmp_path / "x.se", text))
    assert error.line == 12
    assert f"(#KSUMMA {crc32(CONTENTS)}) does not match its records from line 2" in error.message
    changed = [c.replace("12000.00", "12000.01") for c in CONTENTS]
    assert f"(their CRC-32 is {crc32(changed)})" in error.message


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ('"Malmö stad"', '"Malmö  stad"'),  # a space inside a quoted field is content
        ('"P1"', '"P2"'),  # an object code
        ("#FORMAT PC8\n", ""),  # a record left out
    ],
)
def test_any_change_to_the_contents_is_refused(tmp_path, old, new):
    text = SUMMED.replace("{sum}", str(crc32(CONTENTS))).replace(old, new)
    assert "does not match its records" in refused(write(tmp_path / "x.se", text)).message


def test_spaces_quotes_and_braces_are_not_summed(tmp_path):
    # Fields quoted that were not, tabs for spaces, wider gaps: the same contents, the same checksum.
    text = SUMMED.replace("{sum}", str(crc32(CONTENTS)))
    text = text.replace("#SIETYP 4", '#SIETYP  "4"').replace("#TRANS 5010 {1", '#TRANS\t"5010"\t{ 1')
    assert len(read(write(tmp_path / "x.se", text))) == 2


def test_a_checksum_that_never_closes_is_refused(tmp_path):
    text = SUMMED.replace("#KSUMMA {sum}\n", "")
    error = refused(write(tmp_path / "x.se", text))
    assert (error.line, "is the file cut short?" in error.message) == (2, True)


def test_a_closing_checksum_that_is_no_number_is_refused(tmp_path):
    error = refused(write(tmp_path / "x.se", SUMMED.replace("{sum}", "abc")))
    assert (error.line, "one whole number" in error.message) == (12, True)


def test_a_file_without_a_checksum_is_read(tmp_path):
    text = SUMMED.replace("#KSUMMA {sum}\n", "").replace("#KSUMMA\n", "")
    assert len(read(write(tmp_path / "x.se", text))) == 2


@pytest.mark.parametrize(
    ("after", "line"),
    [
        ("#VER A 2 20240131\n{\n#TRANS 5010 {} 99999.00\n#TRANS 2440 {} -99999.00\n}\n", 13),  # trial 15
        ("\n  \n#KONTO 5010 Lokalhyra\n", 15),  # any record, after blank lines too
        ("#KSUMMA 123\n", 13),  # a second checksum would cover nothing either
    ],
)
def test_records_after_the_closing_checksum_are_refused(tmp_path, after, line):
    # The checksum covers what lies between the two #KSUMMA; a verification of 99 999 kr after it, by
    # anyone, would be imported unchecked.
    text = SUMMED.replace("{sum}", str(crc32(CONTENTS))) + after
    error = refused(write(tmp_path / "x.se", text))
    assert (error.line, error.message.startswith("comes after the closing #KSUMMA of line 12")) == (line, True)


def test_blank_lines_after_the_closing_checksum_are_fine(tmp_path):
    text = SUMMED.replace("{sum}", str(crc32(CONTENTS))) + "\n \r\n\t\n"
    assert len(read(write(tmp_path / "x.se", text))) == 2


@pytest.mark.parametrize("objects", ['{1 "3110" 1 "3210" 20 "7150"}', '{20 "7150" 1 "3110" 1 "3110"}'])
def test_a_dimension_given_twice_in_an_object_list_is_refused(tmp_path, objects):
    body = f"#VER A 1 20240131\n{{\n#TRANS 5010 {objects} 1.00\n#TRANS 2440 {{}} -1.00\n}}\n"
    error = refused(write(tmp_path / "x.se", HEAD + body))
    assert error.line == HEAD.count("\n") + 3
    assert error.message.startswith("dimension '1' is given twice in the object list {")


# --- Long lines and long values -------------------------------------------------------------------------------------


def test_a_line_longer_than_the_limit_is_refused_without_reading_it_whole(tmp_path):
    from jobbsats.inputfile import MAX_LINE_BYTES

    path = tmp_path / "x.se"
    path.write_bytes(b"#SIETYP 4\n#PROSA " + b"x" * (MAX_LINE_BYTES + 10) + b"\n")
    error = refused(path)
    assert (error.line, error.message) == (2, "is longer than 1 MB, the most jobbsats reads in a line")


def test_a_huge_value_is_quoted_short(tmp_path):
    account = "9" * 100_000
    path = write(tmp_path / "x.se", HEAD + f"#VER A 1 20240131\n{{\n#TRANS {account}x {{}} 1\n}}\n")
    message = refused(path).message
    assert message == "'" + "9" * 80 + "… (99 921 more characters)' is not an account number"
