"""Issue 13, point 2 (the ledger's part): a year's first run is its original budget, every later one a revision.

The revision below is the acceptance's: a fixed line of 300 000 kr to GVN and a total of 40 300 000 kr,
decided as STK-2024-500 on 2024-05-14. The key then splits the same 25 600 000 kr as before.
"""

from __future__ import annotations

import pytest

from jobbsats import examples
from jobbsats.ledger import open_ledger
from jobbsats.ledger.view import LedgerView

GVN_LINE = """
[[rules.lines]]
to = "GVN"
amount = 300_000
years = 2024
purpose = "Sommarskola"
"""


@pytest.fixture
def revised(tmp_path):
    text = examples.path_of("malmo-2024").read_text(encoding="utf-8")
    assert 'ref = "STK-2024-291"' in text and "2024 = 40_000_000" in text
    text = text.replace('ref = "STK-2024-291"', 'ref = "STK-2024-500"\ndate = 2024-05-14')
    text = text.replace("2024 = 40_000_000", "2024 = 40_300_000")
    first_key = text.index('rule = "percentage_key"')
    text = (
        text[: text.rindex("[[rules]]", 0, first_key)].rstrip()
        + "\n"
        + GVN_LINE
        + "\n"
        + text[text.rindex("[[rules]]", 0, first_key) :]
    )
    path = tmp_path / "revision.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_runs_and_show_say_which_run_is_the_original_and_which_a_revision(cli, revised):
    cli.prepare(("run", "malmo-2024", "--quiet"))
    assert cli("run", revised, "--quiet").exit_code == 0
    listing = cli("runs").stdout.splitlines()
    assert "[budget 2024 original]  STK-2024-291" in listing[0]
    assert "[budget 2024 revised (original: run 1)]  STK-2024-500 2024-05-14" in listing[1]
    assert "Budget 2024: ursprunglig budget." in cli("show", "1").stdout
    assert (
        "Budget 2024: revidering (STK-2024-500, 2024-05-14) av den ursprungliga budgeten i körning 1."
        in cli("show", "2").stdout
    )


def test_the_view_finds_the_original_and_the_revisions(cli, revised):
    cli.prepare(("run", "malmo-2024", "--quiet"))
    assert cli("run", revised, "--quiet").exit_code == 0
    assert cli("run", "malmo-2024", "--year", "2024", "--quiet").exit_code == 0  # run 3: back to the original
    view = LedgerView(open_ledger(cli.db, must_exist=True))
    assert view.run_id == 3 and view.original_run(2024) == 1
    assert [(r.id, r.decision.ref, r.decision.date) for r in view.revisions(2024)] == [
        (2, "STK-2024-500", "2024-05-14"),
        (3, "STK-2024-291", ""),
    ]
    original = view.of_run(1).net_allocations(2024)
    current = view.of_run(2).net_allocations(2024)
    assert original[(2024, "GVN")] == 6_912_000_00 and current[(2024, "GVN")] == 7_212_000_00
    assert all(original[k] == current[k] for k in original if k[1] != "GVN")


def test_another_scenarios_runs_are_not_its_revisions(cli, revised):
    cli.prepare(("run", "malmo-2024", "--quiet"))
    other = revised.read_text(encoding="utf-8").replace('name = "Strategiska jobbsatsningar 2024"', 'name = "Annat"')
    revised.write_text(other, encoding="utf-8")
    assert cli("run", revised, "--quiet").exit_code == 0
    assert "[budget 2024 original]" in cli("runs").stdout.splitlines()[1]


@pytest.mark.parametrize("written", ["2024-02-30", '"14 maj 2024"', "2024"])
def test_a_decision_date_that_is_not_a_date_is_named(cli, tmp_path, written, digest):
    text = examples.path_of("malmo-2024").read_text(encoding="utf-8")
    path = tmp_path / "bad.toml"
    value = written if not written[0].isdigit() or "-" not in written else f'"{written}"'
    path.write_text(text.replace('ref = "STK-2024-291"', f'ref = "STK-2024-291"\ndate = {value}'), encoding="utf-8")
    result = cli("run", path, "--quiet")
    assert result.exit_code == 1, result.output
    assert f"{path}: decision.date: " in result.stderr
    assert "Traceback" not in result.output
    assert not cli.db.exists()
