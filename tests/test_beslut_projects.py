"""Issue 14, point 2: beslut words a project's points from its financing plan, in the deciding board's name.

The example ``malmokraften-2020`` is seed 001 (ASN-2019-12911): its two points
are the paper's "Förslag till beslut", word for word.
"""

from __future__ import annotations

import pytest

# Seed 001, "Förslag till beslut".
SEED_POINT_1 = (
    "Arbetsmarknads- och socialnämnden ger arbetsmarknads- och socialförvaltningen i uppdrag att i samverkan med "
    "projektägaren Arbetsförmedlingen och andra myndigheter ansöka om medel till en förlängning av Malmökraften."
)
SEED_POINT_2 = (
    "Arbetsmarknads- och socialnämnden uppdrar åt förvaltningen att medverka i Malmökraften "
    "under förutsättning att ESF beviljar medel."
)
PLAIN = "Arbetsmarknads- och socialnämnden uppdrar åt förvaltningen att medverka i Malmökraften."
APPLY = (
    "Arbetsmarknads- och socialnämnden uppdrar åt förvaltningen att i samverkan med projektägaren "
    "Arbetsförmedlingen ansöka om medel till Malmökraften."
)

# Pieces of the example the tests edit.
CONDITION = 'condition = "esf"\n'
SHORT = 'short = "Malmökraften"\n'
ASN_STATUS = 'status = "beviljad"'
DECISION = 'decider = "Arbetsmarknads- och socialnämnden"'


@pytest.fixture
def project_file(example_file):
    """The bundled malmokraften-2020 example with some text replaced."""
    return lambda *replacements: example_file("malmokraften-2020", *replacements, name="projekt.toml")


def without(text: str, first_key: str) -> str:
    """The example's text without its keys from ``first_key`` to the end of the apply_text template."""
    start = text.index(first_key)
    end = text.index('$project."""\n', start) + len('$project."""\n')
    return text[:start] + text[end:]


@pytest.fixture
def edited(project_file):
    """The example with replacements; ``apply=False`` leaves out its apply point, ``apply_text=False`` its
    wording of it. Returns the file's path."""

    def make(*replacements: tuple[str, str], apply: bool = True, apply_text: bool = True):
        path = project_file(*replacements)
        text = path.read_text(encoding="utf-8")
        if not apply:
            text = without(text, "apply_with_owner = true\n")
        elif not apply_text:
            text = without(text, "apply_text = ")
        path.write_text(text, encoding="utf-8")
        return path

    return make


def points(cli, *args: str) -> dict[int, str]:
    return {r["point"]: r["text"] for r in cli.json_report("beslut", *args)["rows"]}


def run(cli, path) -> None:
    result = cli("run", path, "--quiet")
    assert result.exit_code == 0, result.output


def test_the_example_holds_seed_001s_points_word_for_word(cli):
    run(cli, "malmokraften-2020")
    md = cli("report", "beslut")
    assert md.exit_code == 0, md.output
    assert f"\n2. {SEED_POINT_2}\n" in md.stdout
    assert f"\n1. {SEED_POINT_1}\n" in md.stdout
    assert md.stdout.startswith("# Förslag till beslut (ASN-2019-12911)\n")
    report = cli.json_report("beslut")
    assert {r["point"]: r["text"] for r in report["rows"]} == {1: SEED_POINT_1, 2: SEED_POINT_2}
    assert {(r["recipient"], r["project"]) for r in report["rows"]} == {
        ("arbetsmarknads- och socialnämnden", "malmokraften")
    }
    assert [p.partition(",")[0] for p in report["paragraphs"]] == ["Körning 1"]  # the header line alone
    assert cli.json_report("beslut", "--no-header")["paragraphs"] == []


def test_a_part_without_a_condition_gets_the_plain_sentence(cli, edited):
    run(cli, edited((CONDITION, ""), apply=False))
    assert points(cli) == {1: PLAIN}


def test_the_generated_apply_point(cli, edited):
    run(cli, edited(apply_text=False))
    assert points(cli) == {1: APPLY, 2: SEED_POINT_2}


def test_a_point_follows_the_preamble_and_the_closing_follows_it(cli, edited):
    decision = f'{DECISION}\npreamble = ["Inledande punkt."]\nclosing = ["Avslutande punkt."]'
    run(cli, edited((DECISION, decision), apply=False))
    assert points(cli) == {1: "Inledande punkt.", 2: SEED_POINT_2, 3: "Avslutande punkt."}
    run(cli, edited((DECISION, f"{decision}\nfirst_point = 5")))
    assert points(cli) == {1: "Inledande punkt.", 5: SEED_POINT_1, 6: SEED_POINT_2, 7: "Avslutande punkt."}


def test_a_custom_template_with_every_placeholder(cli, edited):
    text = 'text = "$decider: $project ($case, $owner) om $financier, $condition; $$5."\n'
    run(cli, edited((SHORT, SHORT + text), apply=False))
    assert points(cli) == {
        1: "Arbetsmarknads- och socialnämnden: Malmökraften (ASN-2019-12911, Arbetsförmedlingen) om ESF, "
        "under förutsättning att ESF beviljar medel; $5."
    }


def test_several_conditions_and_a_board_as_financier(cli, edited):
    """Every line of the board depends on someone: the point names them all, a board by its running-text name."""
    board = '[recipients.GVN]\nname = "gymnasie- och vuxenutbildningsnämnden"\nkind = "nämnd"\n\n[financiers.esf]'
    lines = (
        '\n[[projects.malmokraften.financing]]\nfinancier = "GVN"\namount = "20 000 kr"\nstatus = "beviljad"\n'
        '\n[[projects.malmokraften.financing]]\nfinancier = "ASN"\namount = "10 000 kr"\nstatus = "ansökt"\n'
        'condition = "GVN"\n\n[[rules]]'
    )
    run(cli, edited(("[financiers.esf]", board), ("[[rules]]", lines), apply=False))
    assert points(cli) == {
        1: "Arbetsmarknads- och socialnämnden uppdrar åt förvaltningen att medverka i Malmökraften "
        "under förutsättning att ESF och gymnasie- och vuxenutbildningsnämnden beviljar medel."
    }


def test_one_unconditional_line_makes_the_part_unconditional(cli, edited):
    line = '\n[[projects.malmokraften.financing]]\nfinancier = "ASN"\namount = "10 000 kr"\nstatus = "beviljad"\n\n[[rules]]'
    run(cli, edited(("[[rules]]", line), apply=False))
    assert points(cli) == {1: PLAIN}


@pytest.mark.parametrize("status", ["avslag", "återkallad"])
def test_a_part_refused_or_withdrawn_gives_no_point(cli, edited, status):
    run(cli, edited((ASN_STATUS, f'status = "{status}"')))
    assert points(cli) == {1: SEED_POINT_1}


def test_a_decider_that_is_no_financier_takes_no_part(cli, edited):
    run(cli, edited((DECISION, 'decider = "Kommunstyrelsen"'), apply=False))
    md = cli("report", "beslut")
    assert "Körningen fördelar ingen fond: inga beslutspunkter." in md.stdout
    assert cli.json_report("beslut")["rows"] == []


def test_an_extract_keeps_the_numbers(cli, edited):
    run(cli, edited((DECISION, f'{DECISION}\npreamble = ["Inledande punkt."]')))
    assert points(cli, "--recipient", "ASN") == {2: SEED_POINT_1, 3: SEED_POINT_2}


@pytest.mark.parametrize(
    ("edit", "path", "says"),
    [
        (
            (SHORT, SHORT + 'text = "$decider medverkar i $projekt."\n'),
            "projects.malmokraften.text",
            "unknown placeholder $projekt (known: $decider, $project, $owner, $case, $financier, $condition)",
        ),
        (
            ("$owner och andra", "$ägare och andra"),
            "projects.malmokraften.apply_text",
            "has a $ that starts no placeholder",
        ),
        (
            ("apply_with_owner = true", "apply_with_owner = false"),
            "projects.malmokraften.apply_text",
            "words the point that apply_with_owner = true asks for; set that too",
        ),
        (
            ('owner = "Arbetsförmedlingen"\n', ""),
            "projects.malmokraften.apply_with_owner",
            "needs the project's owner",
        ),
    ],
)
@pytest.mark.parametrize("earlier_run", [False, True])
def test_a_bad_wording_is_refused_naming_file_and_key_and_nothing_is_written(
    cli, edited, digest, edit, path, says, earlier_run
):
    if earlier_run:
        run(cli, "malmokraften-2020")
    before = digest(cli.db)
    bad = edited(edit)
    result = cli("run", bad, "--quiet")
    assert result.exit_code != 0
    assert "projekt.toml" in result.stderr
    assert f"{path}: {says}" in result.stderr
    assert "Traceback" not in result.output
    assert digest(cli.db) == before
    validate = cli("validate", bad)
    assert validate.exit_code != 0
    assert f"{path}: {says}" in validate.stderr


# A fund scenario that also follows a project the deciding board takes part in.
PROJECT_IN_FUND_FILE = """
[financiers.esf]
name = "Europeiska socialfonden (ESF)"

[projects.p]
name = "Projekt P"
owner = "Region Skåne"
start = 2024-01-01
end = 2024-12-31
apply_with_owner = true

[[projects.p.financing]]
financier = "esf"
amount = "1 000 000 kr"
status = "ansökt"

[[projects.p.financing]]
financier = "KS"
amount = "100 000 kr"
status = "beviljad"
condition = "esf"

[[rules]]
rule = "cofinancing"
"""


def test_in_a_fund_decision_the_project_points_follow_the_first_years_computed_points(cli, scenario_file):
    path = scenario_file()
    run(cli, path)
    before = cli.json_report("beslut")["rows"]
    path.write_text(path.read_text(encoding="utf-8") + PROJECT_IN_FUND_FILE, encoding="utf-8")
    run(cli, path)
    after = cli.json_report("beslut")["rows"]
    closing = 3  # the example's closing points
    last = before[-closing - 1]["point"]  # its last computed point
    blank = {"year": 2024, "recipient": "kommunstyrelsen", "amount_ore": None, "quantity": None, "unit": ""}
    assert after == [
        *before[:-closing],
        {
            **blank,
            "point": last + 1,
            "text": "Kommunstyrelsen uppdrar åt förvaltningen att i samverkan med projektägaren Region Skåne "
            "ansöka om medel till Projekt P.",
        },
        {
            **blank,
            "point": last + 2,
            "text": "Kommunstyrelsen uppdrar åt förvaltningen att medverka i Projekt P under förutsättning att "
            "ESF beviljar medel.",
        },
        *[{**r, "point": r["point"] + 2} for r in before[-closing:]],
    ]
    # An extract for the fund leaves the projects out; one for the board keeps their numbers.
    projects = {last + 1, last + 2}
    assert not projects & set(points(cli, "--fund", "sjs"))
    assert projects <= set(points(cli, "--recipient", "KS"))
    assert not projects & set(points(cli, "--recipient", "ASN"))
