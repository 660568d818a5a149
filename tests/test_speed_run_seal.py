"""A run's allocations are sealed as written, not read back (jobbsats.ledger.write, chain.seal_run): the digest in
the chain is the one of the rows SQLite returns, computed here on our own from `select *`, whatever a rule gave."""

from __future__ import annotations

import enum
import hashlib
import json
import sqlite3
import subprocess
import sys

import pytest

import jobbsats
from jobbsats.allocation import Allocation, RuleResult
from jobbsats.ledger.guards import made_schema
from jobbsats.ledger.write import ALLOCATION_COLUMNS
from jobbsats.plugins import add_plugin

RULE = "seal_probe"
KEY_RULE = 'rule = "percentage_key"'  # rules[1] of the bundled example: the probe's rule goes before it


def returned_digest(db, table: str, run_id: int) -> str:
    """The chain's canonical form, from the rows as SQLite returns them: repr() of each row, one a line."""
    conn = sqlite3.connect(db)
    rows = conn.execute(f"select * from {table} where run_id = ? order by rowid", [run_id]).fetchall()
    conn.close()
    return hashlib.sha256("".join(f"{row!r}\n" for row in rows).encode()).hexdigest()


def sealed(db, run_id: int) -> dict[str, str]:
    conn = sqlite3.connect(db)
    (tables,) = conn.execute("select tables_json from chain where kind = 'run' and ref = ?", [run_id]).fetchone()
    conn.close()
    return json.loads(tables)


def test_the_rows_written_are_whole_rows_in_the_tables_order():
    assert ALLOCATION_COLUMNS == tuple(column[0] for column in made_schema()["allocations"])


def test_a_run_is_sealed_with_the_digest_of_its_rows_as_sqlite_returns_them(cli):
    for run_id in (1, 2):  # the second run's ids follow the first's
        assert cli("run", "--quiet", "malmo-2024").exit_code == 0
        digests = sealed(cli.db, run_id)
        for table in ("allocations", "recipients", "funds", "fund_totals"):
            assert digests[table] == returned_digest(cli.db, table, run_id), table
    conn = sqlite3.connect(cli.db)
    ids = [row[0] for row in conn.execute("select id from allocations order by rowid")]
    conn.close()
    assert ids == list(range(1, len(ids) + 1))


class Label(str):
    """A rule's own kind of text: its repr() is not its value's."""

    def __repr__(self) -> str:
        return f"Label({str(self)!r})"


class Amount(enum.IntEnum):
    MILLION = 100_000_000


def probe(answer):
    class Rule:
        name = RULE
        description = "Answers with allocations of odd but valid values."
        schema: dict = {}

        def check(self, spec, scenario):
            return []

        def allocate(self, context):
            return RuleResult(answer(context))

    class Plugin:
        @jobbsats.hookimpl
        def register_rules(self, register):
            register(Rule())

    add_plugin(Plugin(), "seal-probe")


@pytest.mark.parametrize(
    "answer",
    [
        pytest.param(lambda c: [Allocation("FSN", Amount.MILLION, c.spec.path)], id="int-subclass-amount"),
        pytest.param(lambda c: [Allocation("FSN", 100, c.spec.path, label=Label("Ung i sommar"))], id="str-subclass"),
        pytest.param(
            lambda c: [Allocation("FSN", 100, c.spec.path, label="Ung i sommar \U0001f469\u200d\U0001f4bb e\u0301")],
            id="emoji-and-combining",
        ),
        pytest.param(
            lambda c: [Allocation("FSN", 100, c.spec.path, recurring=(c.year, c.year + 2), agreements=("STK-1",))],
            id="recurring-and-agreements",
        ),
    ],
)
def test_whatever_a_rule_gives_the_seal_is_of_what_sqlite_returns_and_reports_read_it(cli, scenario_file, answer):
    probe(answer)
    path = scenario_file((KEY_RULE, f'rule = "{RULE}"\n\n[[rules]]\n{KEY_RULE}'))
    result = cli("run", "--quiet", path)
    assert result.exit_code == 0, result.output
    assert sealed(cli.db, 1)["allocations"] == returned_digest(cli.db, "allocations", 1)
    verified = cli("verify")
    assert verified.exit_code == 0, verified.output
    assert cli("report", "beslut").exit_code == 0


def test_a_row_planted_at_the_largest_rowid_leaves_sqlite_to_choose_and_the_run_is_sealed_as_stored(cli):
    assert cli("run", "--quiet", "malmo-2024").exit_code == 0
    conn = sqlite3.connect(cli.db)
    conn.execute("drop trigger allocations_no_insert")
    conn.execute(
        "insert into allocations select 9223372036854775807, run_id, 99, year, fund_id, from_id, to_id, "
        "amount, rule, rule_index, rule_label, source || '.planted', label, action, decision_ref, point, "
        "recurring_from, recurring_to, agreements, text from allocations limit 1"
    )
    conn.commit()
    conn.close()
    cli("verify", "--restore-guards")  # says run 1 changed; puts the guard back, so runs may be written again
    result = cli("run", "--quiet", "malmo-2024")
    assert result.exit_code == 0, result.output
    assert sealed(cli.db, 2)["allocations"] == returned_digest(cli.db, "allocations", 2)


def test_a_programs_own_adapter_for_text_leaves_the_seal_to_what_sqlite_stored(tmp_path):
    """A program that imports jobbsats may adapt str before SQLite stores it (found by a review): the rows are then
    read back to be hashed, and the run verifies."""
    db = tmp_path / "ledger.db"
    program = (
        "import sqlite3, sys\n"
        "sqlite3.register_adapter(str, lambda text: text.replace('ö', 'o'))\n"
        "from jobbsats.cli import main\n"
        "for args in (['run', '--quiet', 'malmo-2024'], ['verify']):\n"
        "    try:\n"
        f"        sys.argv = ['jobbsats', *args, '--db', {str(db)!r}]\n"
        "        main()\n"
        "    except SystemExit as done:\n"
        "        print(args[0], done.code)\n"
    )
    done = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, timeout=120)
    said = done.stdout.splitlines()
    assert "run 0" in said and "verify 0" in said, done.stdout + done.stderr
    conn = sqlite3.connect(db)
    # The adapter did change what was stored: the example's "Tillväxt Malmö & Level" (a line and its grant).
    labels = [label for (label,) in conn.execute("select label from allocations where label like 'Tillv%'")]
    conn.close()
    assert labels == ["Tillväxt Malmo & Level"] * 2


# A whole allocations row as the run writes it (id, run_id, seq, year, fund_id, from_id, to_id, amount, rule,
# rule_index, rule_label, source, label, action, decision_ref, point, recurring_from, recurring_to, agreements,
# text), and the same with one value changed.
ROW = (1, 1, 0, 2024, "sjs", None, "FSN", 100, "fixed", 0, "", "s", "", "tilldelar", "", 1, 2024, 2026, "[]", None)
COLUMN = {name: index for index, name in enumerate(ALLOCATION_COLUMNS)}


def row_with(column: str, value: object) -> tuple:
    return tuple(value if index == COLUMN[column] else given for index, given in enumerate(ROW))


@pytest.mark.parametrize(
    ("row", "as_given"),
    [
        (ROW, True),
        # Text in an INTEGER column: SQLite stores the number, so "2024" would come back as 2024 (found by a review).
        (row_with("recurring_from", "2024"), False),
        (row_with("to_id", 7), False),  # an integer in a TEXT column: SQLite stores the text "7"
        (row_with("amount", True), False),
        (row_with("source", Label("s")), False),
    ],
)
def test_only_rows_sqlite_stores_as_given_are_hashed_as_written(row, as_given):
    from jobbsats.ledger.chain import _as_returned

    assert _as_returned("allocations", [ROW, row]) is as_given


def test_no_rows_written_need_no_reading_back():
    from jobbsats.ledger.chain import _as_returned

    assert _as_returned("allocations", []) is True
