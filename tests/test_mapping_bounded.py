"""The mapping's caches stay bounded whatever the file, and its answers do not change when they empty.

A file that books every row on a code combination of its own (a project code per row) once kept
one cached answer, and one tally line per day, for each: the import's memory grew with the file.
"""

import datetime

import pytest

from jobbsats.utfall import mapping as mapping_module
from jobbsats.utfall.booking import Booking
from jobbsats.utfall.mapping import FUND, OTHER, UNMATCHED, Mapping

SECTION = {
    "ansvar": {"31*": "ASN", "4200": "GRU"},
    "map": [
        {"match": {"account": "45*"}, "fund": "sjs"},
        {"match": {"project": "P7*"}, "fund": "esf", "project": "p7"},
    ],
}
DAY = datetime.date(2024, 3, 1)


def rows(n: int) -> list[Booking]:
    """n rows, each on codes of its own: accounts 4500-4599 and 5000-5099 and ansvar codes by turn."""
    out = []
    for i in range(n):
        account = f"45{i % 100:02d}" if i % 2 else f"50{i % 100:02d}"
        ansvar = ("3100", "3177", "4200", "9999")[i // 2 % 4]
        project = f"P7{i:05d}" if i % 5 == 0 else f"Q{i:05d}"
        out.append(Booking(i + 1, DAY, 100, account, ansvar, "", project, ""))
    return out


def expected(row: Booking) -> tuple:
    """The answer worked out from SECTION by hand: the first map entry that matches, ansvar by prefix."""
    recipient = "ASN" if row.ansvar.startswith("31") else "GRU" if row.ansvar == "4200" else None
    if row.account.startswith("45"):
        return (FUND, recipient, "sjs", None) if recipient else ("error",)
    if row.project.startswith("P7"):
        return (FUND, recipient, "esf", "p7") if recipient else ("error",)
    return (OTHER, recipient, None, None) if recipient else (UNMATCHED, None, None, None)


def answer(mapping: Mapping, row: Booking) -> tuple:
    try:
        t = mapping.classify(row)
    except ValueError:
        return ("error",)
    return (t.kind, t.recipient, t.fund, t.project)


def test_answers_are_the_same_when_the_caches_empty_and_the_caches_stay_within_their_limit(monkeypatch):
    monkeypatch.setattr(mapping_module, "CACHE_LIMIT", 50)
    mapping = Mapping(SECTION)
    sizes = []
    for row in rows(2000):
        assert answer(mapping, row) == expected(row), row
        sizes.append(max(len(mapping._seen), len(mapping._cache), len(mapping._recipients)))
    assert max(sizes) == 50  # filled to the limit, never past it


def test_one_target_object_per_distinct_answer_however_many_code_combinations():
    """The import tallies rows by target and day, telling targets apart by identity: 2000 code
    combinations that come to six distinct answers must give six objects, not 2000."""
    mapping = Mapping(SECTION)
    targets = []
    for row in rows(2000):
        try:
            targets.append(mapping.classify(row))
        except ValueError:
            pass
    distinct = {(t.kind, t.recipient, t.fund, t.project) for t in targets}
    # By hand: sjs for ASN and GRU, esf/p7 for ASN and GRU, other money of ASN and GRU, unmatched
    # (ansvar 9999 with fund money is an error, not an answer).
    assert len(distinct) == 7
    assert len({id(t) for t in targets}) == 7


@pytest.mark.parametrize("limit", [1, 2, 3])
def test_a_tiny_limit_still_answers_every_row(monkeypatch, limit):
    monkeypatch.setattr(mapping_module, "CACHE_LIMIT", limit)
    mapping = Mapping(SECTION)
    for row in rows(300):
        assert answer(mapping, row) == expected(row), row
