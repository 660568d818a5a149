"""A sound scenario is confirmed without loading Cerberus; a broken one is worded by Cerberus as ever."""

from __future__ import annotations

import datetime
import subprocess
import sys
from decimal import Decimal

import pytest

from jobbsats import examples
from jobbsats.config.checks import TYPES
from jobbsats.config.validator import Validator

SAMPLES = [True, 0, 7, 1.5, Decimal("2.5"), "text", b"raw", bytearray(b"x"), [], [1], (), {}, {"a": 1}, set(),
           frozenset(), datetime.date(2024, 1, 1), datetime.datetime(2024, 1, 1), None]  # fmt: skip


def accepts(types: tuple, value) -> bool:
    included, excluded = types
    return isinstance(value, included) and not isinstance(value, excluded)


def test_the_types_are_cerberuss_but_for_strict_numbers():
    """The walk's and the validator's one table of types: Cerberus's own, except that ``true`` is no integer or
    number and a TOML decimal (Decimal) is a number, and a decimal type of its own."""
    import cerberus

    stock = cerberus.Validator.types_mapping
    assert set(TYPES) == {*stock, "decimal"}
    for name in stock.keys() - {"integer", "number"}:
        for value in SAMPLES:
            definition = stock[name]
            assert accepts(TYPES[name], value) == accepts(
                (definition.included_types, definition.excluded_types), value
            ), (name, value)
    by_hand = {  # value: (integer, number, decimal)
        True: (False, False, False),
        7: (True, True, True),
        Decimal("2.5"): (False, True, True),
        1.5: (False, False, False),
        "7": (False, False, False),
    }
    for value, expected in by_hand.items():
        assert tuple(accepts(TYPES[name], value) for name in ("integer", "number", "decimal")) == expected, value
    assert Validator.types_mapping["integer"].excluded_types == (bool,)


PROBE = """
import sys
from jobbsats.cli import main
sys.argv = ["jobbsats", "run", sys.argv[1], "--quiet", "--db", sys.argv[2]]
try:
    main()
except SystemExit as exit:
    print("exit", exit.code, file=sys.stderr)
print("cerberus loaded:", "cerberus" in sys.modules)
"""


@pytest.mark.slow
@pytest.mark.parametrize(
    ("change", "loaded", "says"),
    [
        (None, False, "exit 0"),
        (
            ('name = "arbetsmarknads- och socialnämnden"', "name = 17"),
            True,
            "recipients.ASN.name: must be text in quotes, not a whole number",
        ),
    ],
)
def test_cerberus_loads_only_for_a_file_with_problems(tmp_path, change, loaded, says):
    text = examples.path_of("malmo-2024").read_text(encoding="utf-8")
    if change is not None:
        assert change[0] in text
        text = text.replace(change[0], change[1], 1)
    scenario = tmp_path / "scenario.toml"
    scenario.write_text(text, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-c", PROBE, str(scenario), str(tmp_path / "ledger.db")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert says in done.stderr, done.stderr
    assert f"cerberus loaded: {loaded}" in done.stdout, done.stdout
