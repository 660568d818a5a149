"""Bad ``[financiers]``, ``[projects]`` and ``cofinancing`` input is refused cleanly.

The same acceptance as tests/test_bad_input.py: a non-zero exit, one message
naming the file, the key path and what is wrong, no traceback, and a ledger
byte-for-byte unchanged. Every case edits the bundled example
``malmokraften-2020`` (``project_file``, on conftest's ``example_file``) and
runs twice: with no ledger yet (none may appear) and on a ledger holding an
earlier good run of the unedited example.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from jobbsats import examples

EXAMPLE = "malmokraften-2020"
_TEXT = examples.path_of(EXAMPLE).read_text(encoding="utf-8")

# Pieces of the example that the cases edit; each occurs exactly once
# (test_every_edit_hits_exactly_one_place checks this).
START = "start = 2020-01-01"  # projects.malmokraften.start
END = "end = 2022-06-30"  # projects.malmokraften.end
ESF = 'financier = "esf"'  # financing[0].financier
FINSAM = 'financier = "finsam"'  # financing[1].financier
ESF_AMOUNT = 'amount = "44 000 000 kr"'  # financing[0].amount
FINSAM_AMOUNT = 'amount = "25 000 000 kr"'  # financing[1].amount
ASN_AMOUNT = 'amount = "150 000 kr"'  # financing[2].amount
ASN_STATUS = 'status = "beviljad"'  # financing[2].status
IN_KIND = "in_kind = true"  # financing[2].in_kind
DECIDED = "decided = 2019-09-24"  # financing[2].decided
CONDITION = 'condition = "esf"'  # financing[2].condition
ESF_TABLE = '[financiers.esf]\nname = "Europeiska socialfonden (ESF)"\n'  # financiers.esf
FINSAM_TABLE = '[financiers.finsam]\nname = "Finsam Malmö"'  # financiers.finsam
BY = 'by = "month"'  # rules[0].by
# The three [[projects.malmokraften.financing]] tables, and the whole project with them.
FINANCING = _TEXT[_TEXT.index("[[projects.malmokraften.financing]]") : _TEXT.index("[[rules]]")]
PROJECT = _TEXT[_TEXT.index("[projects.malmokraften]") : _TEXT.index("[[rules]]")]

P = "projects.malmokraften"
F = f"{P}.financing"
BUDGET = "69 150 000 kr"  # 44 000 000 + 25 000 000 + 150 000 (in kind): what shares are shares of
WITH_TOTAL = (END, f'{END}\ntotal = "{BUDGET}"')
PROGRAMME = (
    ESF_TABLE,
    ESF_TABLE + '\n[financiers.esf.programmes.po1]\nname = "Programområde 1"\nmax_share = "50 %"\n',
)
IN_PROGRAMME = (ESF, f'{ESF}\nprogramme = "po1"')


@dataclass(frozen=True)
class Bad:
    """One bad scenario file and what the error message must say about it."""

    path: str  # the key path the message names
    says: str  # words the message must say about that path
    edits: tuple[tuple[str, str], ...]


def bad(id: str, path: str, says: str, *edits: tuple[str, str]):
    return pytest.param(Bad(path, says, edits), id=id)


# fmt: off
CASES = [
    # The project's period.
    bad("end-before-start", f"{P}.end", "2019-12-31 is before the project's start (2020-01-01)",
        (END, "end = 2019-12-31")),
    bad("start-before-the-scenario-years", f"{P}.start",
        "the project runs 2019-07-01 to 2022-06-30, outside the scenario's years (2020-2022)",
        (START, "start = 2019-07-01")),
    bad("end-after-the-scenario-years", f"{P}.end",
        "the project runs 2020-01-01 to 2023-01-31, outside the scenario's years (2020-2022)",
        (END, "end = 2023-01-31")),
    bad("wholly-after-the-scenario-years", f"{P}.start",
        "the project runs 2023-01-01 to 2023-06-30, outside the scenario's years (2020-2022)",
        (START, "start = 2023-01-01"), (END, "end = 2023-06-30")),
    bad("no-such-day-as-text", f"{P}.start", "'2021-02-30' is not a real date",
        (START, 'start = "2021-02-30"')),
    bad("date-with-a-time-of-day", f"{P}.start", "must be a date without a time of day",
        (START, "start = 2020-01-01T08:00:00")),
    bad("a-year-as-start", f"{P}.start", "must be a date written as YYYY-MM-DD", (START, "start = 2020")),
    bad("decided-with-a-time-of-day", f"{F}[2].decided", "must be a date without a time of day",
        (DECIDED, "decided = 2019-09-24 10:00:00")),
    bad("decided-no-such-day", f"{F}[2].decided", "'2019-09-31' is not a real date", (DECIDED, 'decided = "2019-09-31"')),
    # Shares, maxima and totals. ESF's 44 000 000 kr is 63,63 % of the 69 150 000 kr budget.
    bad("above-the-programme-max-share", f"{F}[0].amount",
        "44 000 000 kr is 63,63 % of the project's 69 150 000 kr, above the 50 % that "
        "Europeiska socialfonden (ESF), Programområde 1 may pay",
        PROGRAMME, IN_PROGRAMME),
    bad("share-above-the-programme-max-share", f"{F}[0].share", "above the 50 % that",
        PROGRAMME, IN_PROGRAMME, (END, f'{END}\ntotal = "100 000 000 kr"'), (ESF_AMOUNT, 'share = "60 %"'),
        (FINSAM_AMOUNT, 'amount = "39 850 000 kr"')),
    bad("above-the-financier-max-share", f"{F}[1].amount",
        "25 000 000 kr is 36,15 % of the project's 69 150 000 kr, above the 30 % that Finsam Malmö may pay",
        (FINSAM_TABLE, f'{FINSAM_TABLE}\nmax_share = "30 %"')),
    bad("max-share-above-100", "financiers.finsam.max_share", "must be at most 100 %",
        (FINSAM_TABLE, f'{FINSAM_TABLE}\nmax_share = "150 %"')),
    bad("share-and-amount-disagree", f"{F}[0].share",
        "60 % of 69 150 000 kr is not the amount 44 000 000 kr (that is 63,63 %)",
        (ESF_AMOUNT, f'{ESF_AMOUNT}\nshare = "60 %"')),
    bad("share-and-amount-disagree-in-the-decimals", f"{F}[0].share", "63,6 % of 69 150 000 kr is not the amount",
        (ESF_AMOUNT, f'{ESF_AMOUNT}\nshare = "63,60 %"')),
    bad("lines-do-not-add-up-to-the-total", F,
        "the financing lines add up to 69 150 000 kr, not the project's total of 70 000 000 kr",
        (END, f'{END}\ntotal = "70 000 000 kr"')),
    bad("share-without-a-total", f"{F}[0].share", "a share needs the project's total",
        (ESF_AMOUNT, 'share = "63,63 %"')),
    bad("shares-above-100", F, "the shares add up to 110 %, more than 100 %",
        WITH_TOTAL, (ESF_AMOUNT, 'share = "60 %"'), (FINSAM_AMOUNT, 'share = "50 %"')),
    bad("one-share-above-100", f"{F}[0].share", "must be at most 100 %", (ESF_AMOUNT, f'{ESF_AMOUNT}\nshare = "120 %"')),
    bad("negative-share", f"{F}[0].share", "must not be negative", WITH_TOTAL, (ESF_AMOUNT, 'share = "-10 %"')),
    bad("share-divided-by-zero", f"{F}[0].share", "'1/0' is not a fraction", WITH_TOTAL, (ESF_AMOUNT, 'share = "1/0"')),
    bad("negative-total", f"{P}.total", "must not be negative", (END, f'{END}\ntotal = "-1 kr"')),
    # Who pays.
    bad("unknown-financier", f"{F}[0].financier", "unknown financier 'efs' (financiers: ASN, esf, finsam)",
        (ESF, 'financier = "efs"')),
    bad("unknown-programme", f"{F}[0].programme", "'esf' has no programme 'po9' (programmes: none)",
        (ESF, f'{ESF}\nprogramme = "po9"')),
    bad("financier-id-is-a-recipient", "financiers.ASN", "'ASN' is a recipient already",
        (ESF_TABLE, f'{ESF_TABLE}\n[financiers.ASN]\nname = "Annan"\n')),
    bad("programme-without-a-name", "financiers.esf.programmes.po1.name", "is required but missing",
        (ESF_TABLE, f'{ESF_TABLE}\n[financiers.esf.programmes.po1]\nmax_share = "50 %"\n')),
    # Statuses and conditions.
    bad("status-outside-the-list", f"{F}[2].status",
        "'godkänd' is not allowed (choose one of: ansökt, beviljad, avslag, återkallad)",
        (ASN_STATUS, 'status = "godkänd"')),
    bad("condition-on-a-financier-not-in-the-project", f"{F}[2].condition",
        "'region' does not finance this project (its financiers: ASN, esf, finsam)",
        (ESF_TABLE, f'{ESF_TABLE}\n[financiers.region]\nname = "Region Skåne"\n'), (CONDITION, 'condition = "region"')),
    bad("condition-on-no-financier-at-all", f"{F}[2].condition", "'GVN' does not finance this project",
        (CONDITION, 'condition = "GVN"')),
    bad("condition-on-its-own-financier", f"{F}[2].condition", "a line cannot depend on its own financier's grant",
        (CONDITION, 'condition = "ASN"')),
    bad("conditions-in-a-loop", f"{F}[0].condition", "the conditions go round in a loop",
        (ESF, f'{ESF}\ncondition = "ASN"')),
    # A financing line's amount.
    bad("neither-amount-nor-share", f"{F}[1]", "needs an amount or a share", (FINSAM_AMOUNT + "\n", "")),
    bad("negative-amount", f"{F}[1].amount", "must not be negative", (FINSAM_AMOUNT, 'amount = "-25 000 000 kr"')),
    bad("fraction-of-an-ore", f"{F}[1].amount", "'0,001 kr' is not a whole number of öre",
        (FINSAM_AMOUNT, 'amount = "0,001 kr"')),
    bad("two-decimal-commas", f"{F}[1].amount", "'12,3,4' is not a number", (FINSAM_AMOUNT, 'amount = "12,3,4"')),
    bad("in-kind-as-text", f"{F}[2].in_kind", "must be true or false, not text", (IN_KIND, 'in_kind = "ja"')),
    bad("misspelt-key-in-a-financing-line", f"{F}[0].statuss", "unknown key", (ESF, f'{ESF}\nstatuss = "ansökt"')),
    bad("no-financing-list", F, "is required but missing", (FINANCING, "")),
    bad("empty-financing-list", F, "must not be empty", (FINANCING, "financing = []\n\n")),
    bad("project-without-a-name", f"{P}.name", "is required but missing",
        ('name = "Malmökraften 2.0"\ncase', "case")),
    # The cofinancing rule.
    bad("by-week", "rules[0].by", "'week' is not allowed (choose one of: month, day)", (BY, 'by = "week"')),
    bad("rule-names-an-unknown-project", "rules[0].projects[0]", "unknown project 'nope' (projects: malmokraften)",
        (BY, f'{BY}\nprojects = ["nope"]')),
    bad("rule-names-a-project-twice", "rules[0].projects[1]", "names 'malmokraften' twice",
        (BY, f'{BY}\nprojects = ["malmokraften", "malmokraften"]')),
    bad("project-in-two-cofinancing-rules", "rules[1]", "project 'malmokraften' is periodised by rules[0] already",
        (BY, f'{BY}\n\n[[rules]]\nrule = "cofinancing"\nprojects = ["malmokraften"]')),
    bad("cofinancing-with-years", "rules[0].years", "follows projects over their whole period; leave years out",
        (BY, f"{BY}\nyears = 2020")),
    bad("cofinancing-with-a-fund", "rules[0].fund", "leave fund out", (BY, f'{BY}\nfund = "sjs"')),
    bad("newline-in-a-project-name", f"{P}.name", "must be one line, without newlines",
        ('name = "Malmökraften 2.0"\ncase', 'name = "Malmökraften\\n## Rubrik"\ncase')),
    bad("no-such-month-as-text", f"{P}.end", "'2020-13-01' is not a real date", (END, 'end = "2020-13-01"')),
    # The file as a whole.
    bad("neither-funds-nor-projects", "funds",
        "is required: a scenario needs a fund to allocate or a project to follow", (PROJECT, "")),
]
# fmt: on

# --- helpers -----------------------------------------------------------------


@pytest.fixture
def project_file(example_file):
    """Write the malmokraften example with some text replaced (conftest's ``example_file``); returns its path."""
    return lambda *replacements, name="scenario.toml": example_file(EXAMPLE, *replacements, name=name)


@pytest.fixture(params=["no-ledger-yet", "ledger-with-a-good-run"])
def ledger(request, cli, watch_ledger):
    if request.param == "ledger-with-a-good-run":
        # The example as it is (what project_file() writes), run by name: run once in the session and copied
        # after (conftest's Cli.prepare); a file in the test's own folder would be run anew for every case.
        cli.prepare(("run", EXAMPLE, "--quiet"))
        assert cli.db.exists()
    return watch_ledger()


def assert_refused(result, source: Path, case: Bad) -> None:
    """Exit 1, one message naming the file and the key path with what is wrong, no traceback, no report."""
    assert result.exit_code == 1, f"exit {result.exit_code}: {result.output}"
    assert isinstance(result.exception, SystemExit), f"crashed with {result.exception!r}"
    assert "Traceback" not in result.output
    assert result.stderr.startswith(f"Error: {source}: ") and "\nError: " not in result.stderr, result.stderr
    lines = result.stderr.splitlines()
    assert any(f"{case.path}: " in line and case.says in line for line in lines), (
        f"no line names {case.path} and says {case.says!r}:\n{result.stderr}"
    )
    assert result.stdout == "", "a refused run must print no report"


def problems(stderr: str, source: Path) -> list[str]:
    """The problems a message lists: the "  - " lines after "N problems:", or the one after "Error: FILE: "."""
    listed = [line[4:] for line in stderr.splitlines() if line.startswith("  - ")]
    return listed or [stderr.strip().removeprefix(f"Error: {source}: ")]


def run_case(cli, project_file, case_id: str):
    case = next(p.values[0] for p in CASES if p.id == case_id)
    source = project_file(*case.edits)
    return cli("run", "--quiet", source), source, case


# --- the table ---------------------------------------------------------------


@pytest.mark.parametrize("case", CASES)
def test_bad_project_input_is_refused(case: Bad, cli, ledger, project_file):
    source = project_file(*case.edits)
    result = cli("run", source)
    assert_refused(result, source, case)
    ledger.assert_unchanged()


def test_every_edit_hits_exactly_one_place():
    for param in CASES:
        for old, _new in param.values[0].edits:
            assert _TEXT.count(old) == 1, f"{param.id}: {old!r}"


def test_the_unedited_example_runs(cli, project_file):
    """Positive control: the cases fail because of their edits, not because of project_file."""
    result = cli("run", "--quiet", project_file())
    assert result.exit_code == 0, result.output


# --- what else the message says ----------------------------------------------


@pytest.mark.parametrize(
    "case",
    [pytest.param(p.values[0], id=p.id) for p in CASES],
)
def test_each_problem_is_listed_once(case: Bad, cli, project_file):
    source = project_file(*case.edits)
    result = cli("run", "--quiet", source)
    listed = problems(result.stderr, source)
    assert len(listed) == len(set(listed)), result.stderr


@pytest.mark.parametrize(
    "case_id",
    [
        # One of each stage: the schema (a project, a financier), reading the project, checking its plan.
        "status-outside-the-list",
        "end-before-start",
        "share-and-amount-disagree",
        "max-share-above-100",
        # Control: a problem in [financiers] found after the projects are read gives no follow-on problem.
        "financier-id-is-a-recipient",
    ],
)
def test_a_file_with_a_project_is_not_said_to_have_none(case_id, cli, project_file):
    """A project left out for its own problem still exists: "the file has no [projects]" is untrue."""
    result, source, case = run_case(cli, project_file, case_id)
    assert result.exit_code == 1
    assert "has no [projects]" not in result.stderr, result.stderr
    [only] = problems(result.stderr, source)
    assert only.startswith(f"{case.path}: ") and case.says in only, result.stderr


# --- what must be accepted ----------------------------------------------------


@pytest.mark.parametrize(
    "share",
    [
        pytest.param('"63,63 %"', id="two-decimals"),
        pytest.param('"63,6 %"', id="one-decimal"),
        pytest.param("63.63", id="toml-decimal"),
        pytest.param("64", id="toml-integer"),
        pytest.param('"64 %"', id="text-without-decimals"),
    ],
)
def test_a_share_that_agrees_to_its_written_precision_is_accepted(share, cli, project_file):
    """44 000 000 kr of 69 150 000 kr is 63,6298... %: right to the precision each share is written in."""
    result = cli("run", "--quiet", project_file((ESF_AMOUNT, f"{ESF_AMOUNT}\nshare = {share}")))
    assert result.exit_code == 0, result.output
    report = cli.json_report("projekt")
    esf = [r["amount_ore"] for r in report["rows"] if r["financier"] == "Europeiska socialfonden (ESF)"]
    assert sum(esf) == 44_000_000_00


def test_shares_of_a_total_get_amounts_whose_ore_add_up(cli, project_file):
    """Three thirds of 100 kr: 33,34 + 33,33 + 33,33, not 33,33 three times with an öre lost."""
    source = project_file(
        (END, f'{END}\ntotal = "100 kr"'),
        (ESF_AMOUNT, 'share = "1/3"'),
        (FINSAM_AMOUNT, 'share = "1/3"'),
        (ASN_AMOUNT, 'share = "1/3"'),
    )
    result = cli("run", "--quiet", source)
    assert result.exit_code == 0, result.output
    rows = cli.json_report("projekt")["rows"]
    by_financier: dict[str, int] = {}
    for row in rows:
        by_financier[row["financier"]] = by_financier.get(row["financier"], 0) + row["amount_ore"]
    assert len(by_financier) == 3
    assert sorted(by_financier.values()) == [33_33, 33_33, 33_34]
    assert sum(row["amount_ore"] for row in rows) == 100_00


@pytest.mark.parametrize(
    "edits",
    [
        pytest.param([(FINSAM_TABLE, f'{FINSAM_TABLE}\nmax_share = "25 %"')], id="financier-max-share"),
        pytest.param(
            [
                (ESF_TABLE, ESF_TABLE + '\n[financiers.esf.programmes.po1]\nname = "P1"\nmax_share = "74,85 %"\n'),
                IN_PROGRAMME,
            ],
            id="programme-max-share",
        ),
        pytest.param(
            [(FINSAM_TABLE, f'{FINSAM_TABLE}\nmax_share = "25 %"'), (FINSAM_AMOUNT, 'share = "25 %"')],
            id="share-only-line-at-the-max",
        ),
    ],
)
def test_a_share_exactly_at_the_maximum_is_accepted(edits, cli, project_file):
    """A budget of 100 000 000 kr: Finsam's 25 000 000 kr is 25 %, ESF's 74 850 000 kr is 74,85 %."""
    source = project_file((END, f'{END}\ntotal = "100 000 000 kr"'), (ESF_AMOUNT, 'amount = "74 850 000 kr"'), *edits)
    result = cli("run", "--quiet", source)
    assert result.exit_code == 0, result.output
    totals = {t["financier"]: t["amount_ore"] for t in cli.json_report("projekt")["totals"]}
    assert totals["Summa Finsam Malmö"] == 25_000_000_00
    assert totals["Summa Europeiska socialfonden (ESF)"] == 74_850_000_00
