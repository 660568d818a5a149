"""The second new-user trial of issue 15: input that crashed, passed unseen or printed raw controls.

Each class of failure the trial found has a test here (the SIE ones are in test_sie.py, the booked
codes with unseen characters in the catalogue, cases 195-198).
"""

from __future__ import annotations

import os
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest

from jobbsats.errors import key_path, shown
from jobbsats.money import AmountError, parse_kronor, to_units

JOBBSATS = [sys.executable, "-c", "from jobbsats.cli import main; main()"]
AMOUNT = "amount = 9_000_000"  # the first line of the bundled example's first rule, line 87


def refused(cli, path: Path) -> str:
    result = cli("validate", str(path))
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    return result.stderr


# --- 1. Integers longer than Python reads, or than TOML allows ---------------------------------------------------


def test_an_integer_of_4301_digits_names_the_file_and_its_line(cli, example_file):
    path = example_file("malmo-2024", (AMOUNT, "amount = " + "9" * 4301))
    assert refused(cli, path) == (
        f"Error: {path}: line 87: has a number of thousands of digits; TOML integers are 64-bit\n"
    )


def test_the_line_is_found_with_underscores_between_the_digits(cli, example_file):
    path = example_file("malmo-2024", (AMOUNT, "amount = " + "_".join(["999"] * 1434)))  # 4 302 digits
    assert f"{path}: line 87: has a number of thousands of digits" in refused(cli, path)


def test_a_hexadecimal_integer_of_16000_bits_is_refused_by_its_key(cli, example_file):
    path = example_file("malmo-2024", (AMOUNT, "amount = 0x" + "f" * 4000))
    assert refused(cli, path) == (
        f"Error: {path}: rules[0].lines[0].amount: a whole number of 16000 bits is not allowed; "
        "TOML integers are 64-bit\n"
    )


def test_an_integer_just_outside_64_bits_is_refused_and_just_inside_is_judged_as_money(cli, example_file):
    outside = example_file("malmo-2024", (AMOUNT, f"amount = {2**63}"), name="outside.toml")
    assert "a whole number of 64 bits is not allowed" in refused(cli, outside)
    inside = example_file("malmo-2024", (AMOUNT, f"amount = {2**63 - 1}"), name="inside.toml")
    assert "is larger than jobbsats can store exactly" in refused(cli, inside)


def test_money_says_how_big_a_huge_integer_is_rather_than_crash():
    huge = int("f" * 4000, 16)
    with pytest.raises(AmountError, match=r"^a whole number of 16000 bits is too large$"):
        parse_kronor(huge)
    with pytest.raises(AmountError, match=r"^a whole number of 16000 bits is too large$"):
        to_units(huge, "platser")
    assert shown(huge) == "a whole number of 16000 bits"
    assert shown(2**64 - 1) == str(2**64 - 1)


# --- 4. Purposes people cannot tell apart ---------------------------------------------------------------------------

PURPOSE = 'purpose = "Ung i sommar"'  # rules[0].lines[0] and lines[1] both have it


@pytest.mark.parametrize(
    ("written", "says"),
    [
        ("Ung i s\u043emmar", "mixes Latin letters with Cyrillic: U+043E CYRILLIC SMALL LETTER O"),
        ("Ung i\u200b sommar", "has characters that cannot be seen: U+200B ZERO WIDTH SPACE"),
        ("Ung i sommar\u00ad", "has characters that cannot be seen: U+00AD SOFT HYPHEN"),
    ],
)
def test_a_purpose_with_a_stray_character_is_refused(cli, example_file, written, says):
    path = example_file("malmo-2024", (PURPOSE, f'purpose = "{written}"'))
    message = refused(cli, path)
    assert f"{path}: 2 problems:" in message  # the bundled example has the purpose twice
    assert "rules[0].lines[0].purpose: purpose " in message and "rules[0].lines[1].purpose: purpose " in message
    assert says in message
    assert "\u200b" not in message and "\u00ad" not in message  # what cannot be seen is written out


def test_two_purposes_of_one_fund_that_look_the_same_are_refused(cli, example_file):
    path = example_file("malmo-2024")
    text = path.read_text(encoding="utf-8")
    second = text.index(PURPOSE, text.index(PURPOSE) + 1)  # rules[0].lines[1]
    text = text[:second] + text[second:].replace("sommar", "Sommar", 1)
    path.write_text(text, encoding="utf-8")
    message = refused(cli, path)
    assert f"{path}: rules[0].lines[1].purpose: " in message
    assert '"Ung i Sommar" (' in message and '"Ung i sommar" (' in message
    assert "look the same (at rules[0].lines[0].purpose): write one purpose one way" in message


def test_the_bundled_purposes_pass(cli, example_file):
    assert cli("validate", str(example_file("malmo-2024"))).exit_code == 0


# --- 5. Ids with a space at an end ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("example", "old", "new", "where", "says"),
    [
        ("malmo-2024", "[recipients.KS]", '[recipients."KS "]', 'recipients["KS "]', "a space at its end"),
        ("malmo-2024", "[recipients.KS]", '[recipients." KS"]', 'recipients[" KS"]', "a space at its start"),
        ("malmo-2024", "[recipients.KS]", '[recipients."\tKS "]', 'recipients["\\tKS "]', "at its start and its end"),
        ("malmo-2024", "[funds.sjs]", '[funds."sjs "]', 'funds["sjs "]', "a space at its end"),
        ("malmokraften-2020", "[financiers.esf]", '[financiers."esf "]', 'financiers["esf "]', "a space at its end"),
    ],
)
def test_an_id_with_a_space_at_an_end_is_refused(cli, example_file, example, old, new, where, says):
    # Beside the id without the space, which then still exists: both would read "KS" in every report.
    path = example_file(example, (old, f"{new}\nname = 'x'\nkind = 'nämnd'\n\n{old}"))
    if "financiers" in old:
        path.write_text(path.read_text(encoding="utf-8").replace("kind = 'nämnd'\n", ""), encoding="utf-8")
    message = refused(cli, path)
    assert f"{where}: id " in message
    assert says in message


# --- 6. CSV headers with look-alike column names --------------------------------------------------------------------

CSV = "Bokföringsdatum;Konto;Ansvar;Verksamhet;Belopp;Text\r\n2024-01-31;5010;3110;7150;1 000,00;lön\r\n"


@pytest.fixture
def imported(cli, example_file, tmp_path):
    """Import a CSV export (its text) with the bundled example's [utfall] after a run; the result."""
    scenario = example_file("malmo-2024")
    assert cli("run", str(scenario), "--quiet").exit_code == 0

    def run(text: str):
        path = tmp_path / "utfall.csv"
        path.write_bytes(text.encode("utf-8"))
        return cli("import", "utfall", str(path), "-c", str(scenario))

    return run


@pytest.mark.parametrize(
    ("header", "says"),
    [
        (
            "Belopp;\u0412\u0435lopp",
            'the header\'s columns 5 and 6: "Belopp" (U+0042 U+0065 U+006C U+006F U+0070 U+0070) and '
            '"\u0412\u0435lopp" (U+0412 U+0435 U+006C U+006F U+0070 U+0070) look the same; rename one',
        ),
        (
            "Belopp;Belopp\u200b",
            'column 6 of the header, "Belopp\\u200b", has characters that cannot be seen (U+200B)',
        ),
        (
            "Belopp\u200b;Belopp",
            'column 5 of the header, "Belopp\\u200b", has characters that cannot be seen (U+200B)',
        ),
    ],
)
def test_a_header_with_lookalike_columns_is_refused(imported, header, says):
    text = CSV.replace("Belopp", header).replace("1 000,00;", "1 000,00;2 000,00;")
    result = imported(text)
    assert result.exit_code == 1, result.output
    assert f"utfall.csv: line 1: {says}" in result.stderr


def test_a_header_in_nfd_says_how_it_differs_from_the_config(imported):
    result = imported(unicodedata.normalize("NFD", CSV))
    assert result.exit_code == 1
    assert (
        "line 1: the header has no column 'Bokföringsdatum' for date; \"Bokföringsdatum\" (U+0042 U+006F U+006B "
        "U+0066 U+00F6 U+0072" in result.stderr
    )
    assert "U+0066 U+006F U+0308 U+0072" in result.stderr


def test_a_plain_header_still_imports(imported):
    assert imported(CSV).exit_code == 0


# --- 7. Messages write out what cannot be seen ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "path"),
    [
        ("AS\u202eN", "key.AS\\u202eN"),
        ("A\x1b[2J", 'key["A\\u001b[2J"]'),  # brackets: quoted
        ("A\u200bB", "key.A\\u200bB"),
        ("A\u2028B", 'key["A\\u2028B"]'),  # a line separator is white space: quoted
        ("\u3164", "key.\\u3164"),  # a Hangul filler: a letter that shows nothing
        ("Malmö", "key.Malmö"),
    ],
)
def test_a_key_path_writes_out_what_cannot_be_seen(key, path):
    assert key_path("key", key) == path


def test_shown_writes_out_what_cannot_be_seen():
    assert shown("K\u202eS") == "'K\\u202eS'"
    assert shown("\u3164") == "'\\u3164'"
    assert shown(["K\u202eS"]) == "['K\\u202eS']"


def test_no_message_carries_a_raw_bidirectional_control(cli, example_file):
    path = example_file("malmo-2024", ("key = { ASN = 51,", 'key = { "AS\u202eN" = 51,'))
    message = refused(cli, path)
    assert "\u202e" not in message
    assert "rules[1].key.AS\\u202eN" in message


# --- 8. Usage errors quoting a huge argument --------------------------------------------------------------------------

LONG = "x" * 100_000


@pytest.mark.parametrize(
    "args",
    [[LONG], ["diff", "--as-of", LONG], ["run", f"--bogus-{LONG}"], ["show", "9" * 5000], ["import", LONG]],
    ids=["command", "diff-as-of", "option", "show", "subcommand"],
)
def test_a_usage_error_is_clipped_and_still_exits_2(cli, args):
    result = cli(*args)
    assert result.exit_code == 2, result.output
    assert len(result.stderr) < 1000
    assert "more characters)" in result.stderr
    assert "Traceback" not in result.output


def test_a_usage_error_writes_out_what_cannot_be_seen(cli):
    # Click quotes the command with repr(), which escapes controls but not a letter that shows nothing.
    result = cli("frob\u3164nicate")
    assert result.exit_code == 2
    assert "\u3164" not in result.stderr and "'frob\\u3164nicate'" in result.stderr


# --- 9. A closed pipe after 64 KB ---------------------------------------------------------------------------------------


def test_a_pipe_closed_in_a_long_report_exits_141(cli, tmp_path):
    """3 000 recipients make a report of some 270 KB; the reader leaves after one byte. CPython's buffered
    writer took the short write the closing pipe cut as success and dropped the rest: exit 0."""
    count = 3000
    recipients = "".join(f'[recipients.R{i}]\nname = "Mottagare {i}"\nkind = "nämnd"\n' for i in range(count))
    key = ", ".join(f'R{i} = "1/{count}"' for i in range(count))
    scenario = tmp_path / "big.toml"
    scenario.write_text(
        '[scenario]\nname = "Stor"\n[funds.sjs]\nname = "Strategiska jobbsatsningar"\n'
        f'total = {{ 2024 = 30_000_000 }}\n[[rules]]\nrule = "percentage_key"\nkey = {{ {key} }}\n{recipients}',
        encoding="utf-8",
    )
    assert cli("run", str(scenario), "--quiet").exit_code == 0
    env = {**os.environ, "JOBBSATS_DB": str(cli.db), "JOBBSATS_LOAD_PLUGINS": "", "PYTHONUTF8": "1"}
    read, write = os.pipe()
    with open(read, "rb", buffering=0) as reader:
        proc = subprocess.Popen([*JOBBSATS, "report", "fordelning"], stdout=write, stderr=subprocess.PIPE, env=env)
        os.close(write)
        assert reader.read(1) == b"#"
    _, err = proc.communicate(timeout=120)
    assert (proc.returncode, err) == (141, b"")


def test_a_long_report_is_written_whole(cli, tmp_path):
    # The same long write, read to its end: every byte arrives (what the direct write must not lose).
    test_text = "å" * 20_000 + "\n"
    code = (
        "from jobbsats.cli import output; import sys; output.install(); "
        f"sys.stdout.write({test_text!r}); sys.stdout.write('slut\\n'); output.last_flush()"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, timeout=60)
    assert (done.returncode, done.stdout.decode()) == (0, test_text + "slut\n")
