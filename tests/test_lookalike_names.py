"""Names people cannot tell apart (issue 15, point 7), and digits other than 0-9 in amounts.

Ids of recipients, funds, financiers and projects may hold no character that
cannot be seen and no letters of two scripts; names no bidirectional control; two
ids or names of one section must not look the same by Unicode's confusable
skeletons (UTS #39). The pairs below are read off Unicode's ``confusables.txt``
and character names by hand, not computed by the code under test.
"""

from __future__ import annotations

import sys
import unicodedata
from fractions import Fraction

import pytest

from jobbsats.config import names
from jobbsats.errors import has_control
from jobbsats.money import AmountError, parse_kronor, parse_percent, parse_quantity, to_units

# --- skeletons -----------------------------------------------------------------------------------------

# (one, other): strings Unicode's confusables.txt says look the same.
LOOK_ALIKE = [
    ("\u0410SN", "ASN"),  # CYRILLIC CAPITAL LETTER A -> A
    ("\u0412\u0410\u0421", "BAC"),  # Cyrillic ВАС, all three letters
    ("G\u039fV", "GOV"),  # GREEK CAPITAL LETTER OMICRON -> O
    ("fsn", "f\u0455n"),  # CYRILLIC SMALL LETTER DZE -> s
    ("GVI", "GVl"),  # capital I and small l
    ("KS1", "KSl"),  # digit one and small l
    ("K0", "KO"),  # digit zero and capital O
    ("m", "rn"),  # m and r followed by n
    ("ASN", "A\u200bSN"),  # a zero-width space is no character at all
    ("ASN", "AS\u00adN"),  # nor a soft hyphen
    ("ASN", "\uff21\uff33\uff2e"),  # fullwidth letters are letters
    ("socialnämnden", "s\u043ecialnämnden"),  # CYRILLIC SMALL LETTER O in a long name
    ("socialnämnden", "socialna\u0308mnden"),  # ä written as a + combining diaeresis
]

# Strings that differ to the eye: case, Swedish letters, a space.
TOLD_APART = [
    ("ASN", "asn"),
    ("Malmö", "Malmo"),
    ("Målsägarbiträden", "Malsagarbitraden"),
    ("Kultur", "Kultür"),
    ("Café", "Cafe"),
    ("AS N", "ASN"),
    ("GVN", "GVM"),
]


@pytest.mark.parametrize(("one", "other"), LOOK_ALIKE)
def test_confusables_have_one_skeleton(one, other):
    assert names.skeleton(one) == names.skeleton(other)
    assert names.lookalikes([one, other]) == {1: 0}


@pytest.mark.parametrize(("one", "other"), TOLD_APART)
def test_what_looks_different_has_different_skeletons(one, other):
    assert names.skeleton(one) != names.skeleton(other)
    assert names.lookalikes([one, other]) == {}


def test_the_prototypes_are_those_of_confusables_txt():
    """Single characters whose line in confusables.txt is known: source -> prototype."""
    assert names._prototype("\u0430") == "a"  # CYRILLIC SMALL LETTER A
    assert names._prototype("\u03bf") == "o"  # GREEK SMALL LETTER OMICRON
    assert names._prototype("I") == "l"
    assert names._prototype("m") == "rn"
    assert names._prototype("\u0661") == "l"  # ARABIC-INDIC DIGIT ONE, kept between two marks by the package
    assert names._prototype("a") == "a"
    assert names.skeleton("ö") == names.skeleton("o\u0308") != names.skeleton("o")


def test_the_packages_data_has_the_shape_the_skeleton_relies_on():
    """confusable-homoglyphs links each pair of confusables.txt both ways round: every group is a star.

    A character linked to one other character is a source (its one link has several
    links, or is a prototype of several characters) or half of a pair linked only to
    each other; should a new release store its data otherwise, this fails first.
    """
    links = names._links()
    assert len(links) > 9000  # Unicode 15's confusables.txt has over 6 000 lines, each stored both ways
    for key in list(links)[::7]:
        char = names._unmarked(key)
        linked = names._linked(char)
        if len(char) == 1 and len(linked) == 1 and len(linked[0]) == 1:
            back = names._linked(linked[0])
            assert len(back) > 1 or back == [char], (char, linked, back)


def test_a_group_of_lookalikes_is_compared_with_a_sound_member():
    # "АSN" (Cyrillic А) comes first but is refused for its own sake: the others are compared with ASN.
    assert names.lookalikes(["\u0410SN", "GVN", "ASN", "\uff21SN"], suspect=frozenset({0})) == {0: 2, 3: 2}


# --- ids -----------------------------------------------------------------------------------------------

UNSEEN = [
    ("\u200b", "U+200B ZERO WIDTH SPACE"),
    ("\u200c", "U+200C ZERO WIDTH NON-JOINER"),
    ("\u200d", "U+200D ZERO WIDTH JOINER"),
    ("\u2060", "U+2060 WORD JOINER"),
    ("\ufeff", "U+FEFF ZERO WIDTH NO-BREAK SPACE"),
    ("\u00ad", "U+00AD SOFT HYPHEN"),
    ("\u202e", "U+202E RIGHT-TO-LEFT OVERRIDE"),  # and says it reorders what is shown
    ("\u2067", "U+2067 RIGHT-TO-LEFT ISOLATE"),
    ("\u200f", "U+200F RIGHT-TO-LEFT MARK"),
    ("\u00a0", "U+00A0 NO-BREAK SPACE"),
    ("\u3164", "U+3164 HANGUL FILLER"),
    ("\ufe0f", "U+FE0F VARIATION SELECTOR-16"),
    ("\u0085", "U+0085"),  # a C1 control: no name in Unicode's list
    ("\U000e0041", "U+E0041 TAG LATIN CAPITAL LETTER A"),
]


@pytest.mark.parametrize(("char", "named"), UNSEEN, ids=[n for _, n in UNSEEN])
def test_an_id_with_a_character_that_cannot_be_seen_is_refused(char, named):
    problem = names.id_problem(f"AS{char}N")
    assert problem is not None
    assert f": {named}; write it without them" in problem
    assert "\\u" in problem or "\\U" in problem  # the value quoted shows where it is


def test_what_is_wrong_with_an_unseen_character_is_said():
    assert names.id_problem("AS\u00a0N") == (
        'id "AS\\u00a0N" has characters that cannot be seen or told from an ordinary space: '
        "U+00A0 NO-BREAK SPACE; write it without them"
    )
    assert names.id_problem("\u202eNSA") == (
        'id "\\u202eNSA" has characters that cannot be seen (a bidirectional control reorders what is shown): '
        "U+202E RIGHT-TO-LEFT OVERRIDE; write it without them"
    )
    assert names.id_problem("A\u200b\u200c\u200d\u2060\ufeffB") == (
        'id "A\\u200b\\u200c\\u200d\\u2060\\ufeffB" has characters that cannot be seen: U+200B ZERO WIDTH SPACE, '
        "U+200C ZERO WIDTH NON-JOINER, U+200D ZERO WIDTH JOINER, U+2060 WORD JOINER and 1 more; write it without them"
    )


@pytest.mark.parametrize(
    ("text", "stray", "main", "other"),
    [
        ("\u0410SN", "U+0410 CYRILLIC CAPITAL LETTER A", "Latin", "Cyrillic"),
        ("fina\u03bds", "U+03BD GREEK SMALL LETTER NU", "Latin", "Greek"),
        ("Malmökraft\u0435n", "U+0435 CYRILLIC SMALL LETTER IE", "Latin", "Cyrillic"),
        ("\u0424\u0438\u043dS", "U+0053 LATIN CAPITAL LETTER S", "Cyrillic", "Latin"),
    ],
)
def test_an_id_of_two_scripts_is_refused_naming_the_stray_letters(text, stray, main, other):
    assert names.id_problem(text) == (
        f'id "{text}" mixes {main} letters with {other}: {stray}; write an id in one script'
    )


@pytest.mark.parametrize(
    "text",
    [
        "ASN",
        "tillvaxt_level",
        "Överförmyndaren",
        "Målsägarbiträden",
        "Café-2024",
        "Kultur & fritid",
        "Müller (ESF+)",
        "\u0424\u0438\u043d\u0441\u0430\u043c",  # Финсам: Cyrillic alone is one script
        "\u039f\u03bc\u03b9\u03ba\u03c1\u03bf\u03bd 2",  # Ομικρον 2: Greek and a digit
        "東京タワー",  # Han and Katakana are written together
    ],
)
def test_ids_in_one_script_are_fine(text):
    assert names.id_problem(text) is None


def test_a_name_with_a_bidirectional_control_is_refused_and_a_soft_hyphen_is_not():
    assert names.name_problem("arbetsmarknads\u00adnämnden") is None
    assert names.name_problem("Tillväxt Malmö") is None
    problem = names.name_problem("nämnden\u202e")
    assert problem == (
        '"nämnden\\u202e" has a bidirectional control, which changes the order its letters are shown in: '
        "U+202E RIGHT-TO-LEFT OVERRIDE; write the name without it"
    )


def test_the_difference_of_long_names_is_where_they_part():
    one, other = "gymnasie- och vuxenutbildningsnämnden", "gymnasie- och vuxenutbildningsnämnd\u0435n"
    assert names.difference(other, one) == (
        f'"{other}" and "{one}" look the same (from character 36, U+0435 against U+0065)'
    )


# --- whole scenario files ------------------------------------------------------------------------------

HEAD = """\
[scenario]
name = "Namn"
years = "2024"

[funds.sjs]
name = "Strategiska jobbsatsningar"
total = { 2024 = "1 000 000" }

[[rules]]
rule = "percentage_key"
key = { ASN = 60, GVN = 40 }
"""


def recipient(rid: str, name: str) -> str:
    return f'\n[recipients."{rid}"]\nname = "{name}"\nkind = "nämnd"\n'


SOUND = recipient("ASN", "arbetsmarknads- och socialnämnden") + recipient(
    "GVN", "gymnasie- och vuxenutbildningsnämnden"
)


def refused(cli, tmp_path, text: str) -> list[str]:
    path = tmp_path / "scenario.toml"
    path.write_text(text, encoding="utf-8")
    result = cli("validate", path)
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    lines = result.stderr.strip().splitlines()
    assert lines[0].startswith(f"Error: {path}: ")
    return [line.removeprefix("  - ") for line in lines[1:]] or [lines[0].split(f"{path}: ", 1)[1]]


def test_the_sound_file_is_fine(cli, tmp_path):
    path = tmp_path / "scenario.toml"
    path.write_text(HEAD + SOUND, encoding="utf-8")
    result = cli("validate", path)
    assert result.exit_code == 0, result.output


def test_two_recipients_whose_ids_look_the_same(cli, tmp_path):
    problems = refused(cli, tmp_path, HEAD + SOUND + recipient("\\u0412\\u0410\\u0421", "x") + recipient("BAC", "y"))
    assert problems == [
        'recipients.BAC: "BAC" (U+0042 U+0041 U+0043) and "ВАС" (U+0412 U+0410 U+0421) look the same: '
        'give this recipient or recipient "ВАС" another id'
    ]


def test_a_mixed_id_that_also_looks_like_another_is_one_problem(cli, tmp_path):
    problems = refused(cli, tmp_path, HEAD + SOUND + recipient("\\u0410SN", "Arbetsmarknad"))
    assert problems == [
        'recipients.АSN: id "АSN" mixes Latin letters with Cyrillic: U+0410 CYRILLIC CAPITAL LETTER A; '
        'write an id in one script; it looks the same as recipient "ASN"'
    ]


def test_an_invisible_character_shows_in_the_key_path(cli, tmp_path):
    problems = refused(cli, tmp_path, HEAD + SOUND + recipient("FS\\u200bN", "funktionsstödsnämnden"))
    assert problems == [
        'recipients.FS\\u200bN: id "FS\\u200bN" has characters that cannot be seen: '
        "U+200B ZERO WIDTH SPACE; write it without them"
    ]


def test_two_recipients_whose_names_look_the_same(cli, tmp_path):
    text = HEAD + SOUND + recipient("FSN", "gymnasie- och vuxenutbildningsn\\u00e4mnd\\u0435n")
    assert refused(cli, tmp_path, text) == [
        'recipients.FSN.name: "gymnasie- och vuxenutbildningsnämndеn" and '
        '"gymnasie- och vuxenutbildningsnämnden" look the same (from character 36, U+0435 against U+0065): '
        'give this recipient or recipient "GVN" another name'
    ]


def test_two_recipients_of_the_same_name_are_refused(cli, tmp_path):
    """A decision paper names recipients by name alone, so two of one name cannot be told apart there;
    funds may share one (test_mandate_period), as reports show a fund's id beside its name."""
    text = HEAD + SOUND + recipient("FSN", "arbetsmarknads- och socialnämnden")
    assert refused(cli, tmp_path, text) == [
        'recipients.FSN.name: "arbetsmarknads- och socialnämnden" is the name of recipient "ASN" too: '
        "give one of them another name"
    ]


def test_a_recipient_name_with_a_right_to_left_override(cli, tmp_path):
    text = HEAD + recipient("ASN", "arbetsmarknads\\u202e- och socialnämnden") + recipient("GVN", "gvn")
    assert refused(cli, tmp_path, text) == [
        'recipients.ASN.name: "arbetsmarknads\\u202e- och socialnämnden" has a bidirectional control, which '
        "changes the order its letters are shown in: U+202E RIGHT-TO-LEFT OVERRIDE; write the name without it"
    ]


def test_funds_financiers_and_projects_are_checked_alike(cli, tmp_path):
    text = (
        HEAD.replace(
            "[[rules]]", '[funds."sj\\u0455"]\nname = "Strategiska jobbsatsningar"\ntotal = { 2024 = 1 }\n\n[[rules]]'
        ).replace('rule = "percentage_key"', 'rule = "percentage_key"\nfund = "sjs"')
        + SOUND
        + '\n[financiers.esf]\nname = "ESF"\n\n[financiers."\\u0435sf"]\nname = "ESF-rådet"\n'
        + '\n[financiers."G\\u039fV"]\nname = "Staten"\n'
    )
    assert refused(cli, tmp_path, text) == [
        'financiers.GΟV: id "GΟV" mixes Latin letters with Greek: U+039F GREEK CAPITAL LETTER OMICRON; '
        "write an id in one script",
        'financiers.еsf: id "еsf" mixes Latin letters with Cyrillic: U+0435 CYRILLIC SMALL LETTER IE; '
        'write an id in one script; it looks the same as financier "esf"',
        'funds.sjѕ: id "sjѕ" mixes Latin letters with Cyrillic: U+0455 CYRILLIC SMALL LETTER DZE; '
        'write an id in one script; it looks the same as fund "sjs"',
    ]


def test_a_financier_that_looks_like_a_recipient(cli, tmp_path):
    text = HEAD + SOUND + '\n[financiers."\\u0410\\u0405\\u039d"]\nname = "Annan"\n'  # Cyrillic А Ѕ, Greek Ν
    problems = refused(cli, tmp_path, text)
    assert len(problems) == 1 and problems[0].startswith('financiers.АЅΝ: id "АЅΝ" mixes Cyrillic letters with Greek')
    assert problems[0].endswith('; write an id in one script; it looks the same as recipient "ASN"')
    # All Cyrillic (К Ѕ) is one script, and looks the same as the recipient KS.
    text = HEAD + SOUND + recipient("KS", "kommunstyrelsen") + '\n[financiers."\\u041a\\u0405"]\nname = "Annan"\n'
    assert refused(cli, tmp_path, text) == [
        'financiers.КЅ: "КЅ" (U+041A U+0405) and "KS" (U+004B U+0053) look the same: '
        'give this financier or recipient "KS" another id'
    ]


def test_two_projects_whose_ids_look_the_same(cli, example_file):
    path = example_file("malmokraften-2020")
    text = path.read_text(encoding="utf-8")
    start = text.index("[projects.malmokraften]")
    end = text.index("[[rules]]")
    project = text[start:end]
    twin = (
        project.replace("[projects.malmokraften]", '[projects."malm\\u043ekraften"]')
        .replace("[[projects.malmokraften.financing]]", '[[projects."malm\\u043ekraften".financing]]')
        .replace('name = "Malmökraften 2.0"', 'name = "Malmökraften 3.0"')
    )
    path.write_text(text[:end] + twin + text[end:], encoding="utf-8")
    result = cli("validate", path)
    assert result.exit_code == 1
    assert 'projects.malmоkraften: id "malmоkraften" mixes Latin letters with Cyrillic: U+043E' in result.stderr
    assert 'write an id in one script; it looks the same as project "malmokraften"' in result.stderr


def test_real_swedish_boards_are_all_fine(cli, tmp_path):
    boards = {
        "ASN": "arbetsmarknads- och socialnämnden",
        "GVN": "gymnasie- och vuxenutbildningsnämnden",
        "FSN": "funktionsstödsnämnden",
        "KS": "kommunstyrelsen",
        "KN": "kulturnämnden",
        "FRN": "fritidsnämnden",
        "MSN": "miljö- och stadsbyggnadsnämnden",
        "ÖFN": "överförmyndarnämnden",
        "SBN": "stadsbyggnadsnämnden",
        "TN": "tekniska nämnden",
        "SRN": "servicenämnden",
        "FÖN": "förskolenämnden",
        "GRN": "grundskolenämnden",
        "HVN": "hälsa-, vård- och omsorgsnämnden",
        "Målsägarbiträden": "målsägarbiträden",
        "tillvaxt_level": "Tillväxt Malmö och Level",
        "Café_Müller": "Café Müller",
    }
    path = tmp_path / "scenario.toml"
    path.write_text(HEAD + "".join(recipient(k, v) for k, v in boards.items()), encoding="utf-8")
    result = cli("validate", path)
    assert result.exit_code == 0, result.output


# --- digits --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("\uff11\uff10\uff10", "U+FF11 FULLWIDTH DIGIT ONE, U+FF10 FULLWIDTH DIGIT ZERO"),
        ("\u0661\u0660\u0660 000", "U+0661 ARABIC-INDIC DIGIT ONE, U+0660 ARABIC-INDIC DIGIT ZERO"),
        ("100 \u0966\u0966\u0966", "U+0966 DEVANAGARI DIGIT ZERO"),
        (
            "\U0001d7cf\U0001d7ce\U0001d7ce kr",
            "U+1D7CF MATHEMATICAL BOLD DIGIT ONE, U+1D7CE MATHEMATICAL BOLD DIGIT ZERO",
        ),
        ("1,\u0665 tkr", "U+0665 ARABIC-INDIC DIGIT FIVE"),
        ("1 0\u00b2\u00b2", "U+00B2 SUPERSCRIPT TWO"),
    ],
)
def test_digits_other_than_0_to_9_are_refused_in_amounts(text, named):
    for parse in (parse_kronor, parse_percent, parse_quantity, lambda v: to_units(v, "platser")):
        with pytest.raises(AmountError) as caught:
            parse(text)
        assert str(caught.value) == f"{text!r} has digits other than 0-9 ({named}); write it with 0-9"


def test_digits_in_a_fraction_are_0_to_9_too():
    with pytest.raises(AmountError, match="has digits other than 0-9 \\(U\\+0663 ARABIC-INDIC DIGIT THREE\\)"):
        parse_percent("1/\u0663")
    assert parse_percent("1/3") * 3 == 100


def test_the_only_ascii_characters_with_a_numeric_value_are_0_to_9():
    # money's reading of digits skips an ASCII text's characters one by one on this ground
    assert [chr(i) for i in range(128) if unicodedata.numeric(chr(i), None) is not None] == list("0123456789")


def test_the_control_characters_are_unicodes_category_cc():
    cc = [c for c in map(chr, range(sys.maxunicode + 1)) if unicodedata.category(c) == "Cc"]
    assert [c for c in map(chr, range(sys.maxunicode + 1)) if has_control(c)] == cc
    assert has_control("Ung i\u0085sommar") and not has_control("Ung i sommar \u2028")


def test_a_percentage_is_read_and_refused_as_before():
    assert parse_percent("0,15 %") == Fraction(15, 100)
    assert parse_percent("33,33") == Fraction(3333, 100)
    for text, message in (
        ("12 kr", "'12 kr' is not a percentage"),
        ("1" + "0" * 19 + " %", "is too large"),
        ("0," + "0" * 19 + "1", "is too small to mean anything here"),
    ):
        with pytest.raises(AmountError, match=message):
            parse_percent(text)


def test_plain_amounts_still_read():
    assert parse_kronor("1 234,50 kr") == 123_450
    assert parse_kronor("25,6 mnkr") == 25_600_000_00
    assert parse_kronor("13\u00a0056\u202f000") == 13_056_000_00


def test_fullwidth_digits_in_the_file_name_the_field(cli, tmp_path):
    text = HEAD.replace('total = { 2024 = "1 000 000" }', 'total = { 2024 = "\uff11 000 000" }') + SOUND
    assert refused(cli, tmp_path, text) == [
        "funds.sjs.total.2024: '１ 000 000' has digits other than 0-9 (U+FF11 FULLWIDTH DIGIT ONE); write it with 0-9"
    ]


def test_years_and_dates_take_0_to_9_only(cli, tmp_path):
    text = HEAD.replace('years = "2024"', 'years = "\uff12\uff10\uff12\uff14"').replace(
        'total = { 2024 = "1 000 000" }', 'total = { "\u0662\u0660\u0662\u0664" = 1 }'
    )
    problems = refused(cli, tmp_path, text + SOUND)
    assert "scenario.years: '２０２４': write years with the digits 0-9, such as 2024-2026" in problems
    assert "funds.sjs.total.٢٠٢٤: '٢٠٢٤' is not a year (four digits, e.g. 2024)" in problems


def test_an_unknown_reference_that_looks_like_a_known_id_says_so(cli, example_file):
    path = example_file("malmokraften-2020", ('financier = "esf"', 'financier = "\u0435sf"'))
    result = cli("validate", path)
    assert result.exit_code == 1
    assert (
        "projects.malmokraften.financing[0].financier: unknown financier 'еsf' (financiers: ASN, esf, finsam); "
        '"еsf" (U+0435 U+0073 U+0066) and "esf" (U+0065 U+0073 U+0066) look the same'
    ) in result.stderr
    assert names.looks_like("GVN", ["ASN", "KS"]) == ""


@pytest.mark.parametrize("text", ["\uff12\uff10\uff12\uff14", "٢٠٢٤", "2024-\uff12\uff10\uff12\uff15"])
def test_a_span_of_years_takes_0_to_9_only(text):
    """A rule's ``years`` read by the rule kit: fullwidth or Arabic-Indic digits are no year (int() reads them)."""
    from jobbsats.rulekit import years_of

    assert years_of("2024-2025") == [2024, 2025]
    with pytest.raises(ValueError, match="is not a year or a span"):
        years_of(text)


def test_a_key_naming_a_lookalike_of_a_recipient_says_which(cli, tmp_path):
    text = HEAD.replace("key = { ASN = 60", 'key = { "\\u0410SN" = 60') + SOUND
    problems = refused(cli, tmp_path, text)
    assert problems == [
        "rules[0].key.АSN: unknown recipient 'АSN' (recipients: ASN, GVN); "
        '"АSN" (U+0410 U+0053 U+004E) and "ASN" (U+0041 U+0053 U+004E) look the same'
    ]


@pytest.mark.parametrize(
    "other",
    [
        "arbetsmarknads- och socialnämnden ",  # a trailing space shows as nothing
        "arbetsmarknads-  och socialnämnden",  # nor does a second space, in most fonts
        "Arbetsmarknads- och socialnämnden",  # a sentence capitalises a name anyway
    ],
)
def test_names_that_differ_only_in_case_or_spaces_look_the_same(cli, tmp_path, other):
    problems = refused(cli, tmp_path, HEAD + SOUND + recipient("FSN", other))
    assert len(problems) == 1
    assert problems[0].startswith("recipients.FSN.name: ")
    assert " look the same" in problems[0]
    assert problems[0].endswith('give this recipient or recipient "ASN" another name')


@pytest.mark.parametrize("field", ["decision.decider", "decision.ref"])
def test_a_bidirectional_control_anywhere_in_the_file_is_refused(cli, tmp_path, field):
    """Not only names: a decider, a reference, a purpose all reach the decision paper."""
    section, key = field.split(".")
    text = HEAD + SOUND + f'\n[{section}]\n{key} = "Kommun\\u202estyrelsen"\n'
    problems = refused(cli, tmp_path, text)
    assert any(
        p.startswith(f'{field}: "Kommun\\u202estyrelsen" has a bidirectional control') and "U+202E" in p
        for p in problems
    ), problems


def test_every_key_and_text_of_a_file_is_read_in_nfc_wherever_it_nests():
    from jobbsats.config.load import _nfc_keys

    decomposed = "Socialna\u0308mnden"  # ä as a + combining diaeresis
    document = {
        "a\u030ar": {"name": decomposed, "lines": [decomposed, 7, [decomposed, {"o\u0308": decomposed}]]},
        "kind": "nämnd",
    }
    problems: list = []
    found = _nfc_keys(document, "", problems)
    assert problems == []
    assert found == {
        "år": {"name": "Socialnämnden", "lines": ["Socialnämnden", 7, ["Socialnämnden", {"ö": "Socialnämnden"}]]},
        "kind": "nämnd",
    }
    clash = {"rules": [{"lines": [{"å": 1, "a\u030a": 2}]}]}
    _nfc_keys(clash, "", problems)
    assert [(p.path, p.message) for p in problems] == [
        ("rules[0].lines[0].å", "appears twice (the same name written in two Unicode forms)")
    ]
