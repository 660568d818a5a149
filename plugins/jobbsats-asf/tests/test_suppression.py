"""Small-number suppression, cell by cell, against tables worked out by hand (threshold 5)."""

from __future__ import annotations

import pytest

from jobbsats_asf.suppression import PRIMARY, SECONDARY, Group, mark, possible_ranges, suppress

P, S = PRIMARY, SECONDARY


def one_row(*counts: int) -> tuple[dict, list[Group]]:
    """Cells q1..qN and their sum, "total"."""
    values = {f"q{n}": v for n, v in enumerate(counts, 1)}
    values["total"] = sum(counts)
    return values, [Group("total", tuple(k for k in values if k != "total"))]


def two_levels(rows: dict[str, list[int]]) -> tuple[dict, list[Group]]:
    """Partners' quarters ("A1".."A4"), each partner's year ("A") and the sum of the partners ("sum")."""
    values, groups = {}, []
    for partner, counts in rows.items():
        members = tuple(f"{partner}{q}" for q in range(1, len(counts) + 1))
        values.update(zip(members, counts, strict=True))
        values[partner] = sum(counts)
        groups.append(Group(partner, members))
    values["sum"] = sum(values[p] for p in rows)
    groups.append(Group("sum", tuple(rows)))
    return values, groups


def shown(values, hidden) -> dict:
    return {k: mark(v, hidden.get(k), 5) for k, v in values.items()}


def test_no_small_counts_hides_nothing():
    assert suppress(*one_row(10, 20, 30), 5) == {}


def test_zero_is_shown():
    # 0 is nobody: nothing to protect, and hiding it would hide the rest of the row's meaning.
    assert suppress(*one_row(0, 12, 0, 30), 5) == {}


def test_one_small_count_takes_the_next_smallest_with_it():
    values, groups = one_row(2, 6, 9, 7)
    hidden = suppress(values, groups, 5)
    # 24 - 6 - 9 - 7 = 2 would give the 2 away, so the smallest other count above 0, 6, goes too.
    # The reader is left with <5 + .. = 24 - 9 - 7 = 8: the small one is 1, 2 or 3 (the other at least 5).
    assert hidden == {"q1": P, "q2": S}
    assert shown(values, hidden) == {"q1": "<5", "q2": "..", "q3": 9, "q4": 7, "total": 24}
    assert possible_ranges(values, groups, hidden, 5) == {"q1": (1, 3), "q2": (5, 7)}


def test_zeros_are_never_the_complement():
    # 0 as the second hidden cell would leave 51 - 8 - 40 = 3 for "<5" + 0: no protection.
    assert suppress(*one_row(3, 0, 0, 8, 40), 5) == {"q1": P, "q4": S}


def test_two_small_counts_that_add_up_to_two_take_a_third():
    values, groups = one_row(1, 1, 7, 9)
    # Alone, <5 + <5 = 18 - 7 - 9 = 2 says both are 1. With the 7 hidden: <5 + <5 + .. = 9,
    # so each small one is 1..3 (9 - 1 - 5 = 3).
    assert suppress(values, groups, 5) == {"q1": P, "q2": P, "q3": S}


def test_two_small_counts_can_protect_each_other():
    # <5 + <5 = 18 - 5 - 6 = 7: each is 3 or 4, neither known, so nothing more is hidden.
    assert suppress(*one_row(3, 4, 5, 6), 5) == {"q1": P, "q2": P}


def test_a_small_total_is_hidden_too():
    values, groups = one_row(0, 1, 0, 2)
    # The total 3 is a small count itself. <5 = <5 + <5 says the total is 2..4 and each part 1..3.
    assert suppress(values, groups, 5) == {"q2": P, "q4": P, "total": P}
    assert possible_ranges(values, groups, suppress(values, groups, 5), 5) == {
        "q2": (1, 3),
        "q4": (1, 3),
        "total": (2, 4),
    }


def test_when_no_count_helps_the_total_is_hidden():
    values, groups = one_row(1, 5, 5, 0)
    # Hiding a 5 leaves <5 + .. = 6 with .. at least 5: the small one is 1. Both 5s: <5 + .. + .. = 11, again 1.
    # Only hiding the total 11 helps, and then the 5s can stay.
    hidden = suppress(values, groups, 5)
    assert hidden == {"q1": P, "total": S}
    assert shown(values, hidden) == {"q1": "<5", "q2": 5, "q3": 5, "q4": 0, "total": ".."}


def test_the_next_smallest_that_helps():
    # Hiding the 5 would leave <5 + .. = 6, so 1 exactly; the 8 leaves <5 + .. = 9: 1..4.
    assert suppress(*one_row(1, 5, 8, 20), 5) == {"q1": P, "q3": S}


def test_a_hidden_year_spreads_to_the_sum_of_the_partners():
    values, groups = two_levels({"A": [0, 1, 0, 0], "B": [2, 1, 0, 3], "C": [6, 6, 6, 6]})
    hidden = suppress(values, groups, 5)
    # A's year (1) and its quarter are both <5 and equal: A's row alone says nothing.
    # But the sum of the partners, 31 - 6 - 24 = 1, would give A away: the smallest other year, B's 6, is hidden.
    # Then <5 + .. = 7: A is 1 or 2, B 5 or 6, and B's three <5 quarters add up to 5 or 6: each 1..4.
    assert hidden == {"A2": P, "A": P, "B1": P, "B2": P, "B4": P, "B": S}
    ranges = possible_ranges(values, groups, hidden, 5)
    assert ranges["A"] == (1, 2) and ranges["B"] == (5, 6) and ranges["B1"] == (1, 4)


def test_a_year_its_quarters_give_away_is_no_protection():
    values, groups = two_levels({"A": [0, 1, 0, 0], "B": [5, 0, 0, 0], "C": [10, 10, 10, 10]})
    # 46 - 5 - 40 = 1 gives A away. Hiding B's 5 or C's 40 does not help (their quarters are shown and add up
    # to them), so the sum of the partners is hidden instead.
    hidden = suppress(values, groups, 5)
    assert hidden == {"A2": P, "A": P, "sum": S}


def test_a_threshold_under_3_is_refused():
    with pytest.raises(ValueError, match="at least 3"):
        suppress(*one_row(1, 9), 2)


def test_other_thresholds():
    values, groups = one_row(2, 6, 9, 7)
    # With 10, 2, 6, 9 and 7 are all small: <10 x 4 = 24 leaves each 1..9.
    assert suppress(values, groups, 10) == {"q1": P, "q2": P, "q3": P, "q4": P}
    assert mark(6, P, 10) == "<10"
    # With 3, only the 2; then <3 + .. = 24 - 9 - 7 = 8 with .. at least 3: the 2 is 1 or 2.
    assert suppress(values, groups, 3) == {"q1": P, "q2": S}


def test_no_small_count_can_be_worked_out_by_trying_every_value():
    """An independent check of the rule: for many made-up rows, try every value the hidden cells could
    have (1..4 for "<5", 5 and more for "..") against the shown total, and see each "<5" could be two."""
    import itertools
    import random

    rng = random.Random(4)
    for _ in range(300):
        values, groups = one_row(*(rng.choice([0, 0, 1, 2, 3, 4, 5, 6, 7, 9, 12]) for _ in range(4)))
        hidden = suppress(values, groups, 5)
        if "total" in hidden:
            continue  # nothing shown to work from
        cells = [k for k in values if k in hidden]
        shown_sum = sum(v for k, v in values.items() if k != "total" and k not in hidden)
        choices = [range(1, 5) if hidden[k] == P else range(5, values["total"] + 1) for k in cells]
        possible = {k: set() for k in cells}
        for guess in itertools.product(*choices):
            if shown_sum + sum(guess) == values["total"]:
                for k, v in zip(cells, guess, strict=True):
                    possible[k].add(v)
        for k in cells:
            assert values[k] in possible[k]
            if hidden[k] == P:
                assert len(possible[k]) > 1, (values, hidden, k, possible[k])
