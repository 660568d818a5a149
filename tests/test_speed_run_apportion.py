"""Issue 18: the splits run on integers over one common denominator; they give what exact fractions give.

The reference below is the split as jobbsats made it before, written out with a Fraction per quota; the
integer arithmetic must give the very same shares for any amount, weights (integers or fractions, zero or
not, equal or not) and rounding unit.
"""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jobbsats.apportion import largest_remainder, per_line
from jobbsats.money import round_half_up


def reference_largest_remainder(total, weights, unit):
    weight_sum = sum(weights, Fraction(0))
    quotas = [Fraction(total) * w / weight_sum for w in weights]
    shares = [(q // unit) * unit for q in quotas]
    remainders = [q - s for q, s in zip(quotas, shares, strict=True)]
    order = sorted(range(len(weights)), key=lambda i: (-remainders[i], -weights[i], i))
    whole_units, odd = divmod(total - sum(shares), unit)
    for i in order[:whole_units]:
        shares[i] += unit
    if odd:
        shares[order[whole_units]] += odd
    return [int(s) for s in shares]


def reference_per_line(total, weights, unit):
    weight_sum = sum(weights, Fraction(0))
    return [round_half_up(Fraction(total) * w / weight_sum / unit) * unit for w in weights]


# Percentages as a key writes them ("0,25 %", "33,33 %", "1/3"), integers, and fractions with awkward denominators.
weights_st = st.lists(
    st.one_of(
        st.integers(min_value=0, max_value=10_000),
        st.fractions(min_value=0, max_value=100, max_denominator=10_000),
        st.sampled_from([Fraction(1, 3), Fraction(2, 3), Fraction(1, 7), Fraction(3333, 100), Fraction(1, 400)]),
    ),
    min_size=1,
    max_size=40,
).filter(lambda ws: sum(ws) > 0)
units = st.sampled_from([1, 100, 1_000, 100_000, 7])


@given(total=st.integers(min_value=0, max_value=10**15), weights=weights_st, unit=units)
def test_largest_remainder_gives_what_fractions_give(total, weights, unit):
    assert largest_remainder(total, weights, unit) == reference_largest_remainder(total, weights, unit)


@given(
    total=st.one_of(st.integers(min_value=0, max_value=10**15), st.fractions(min_value=0, max_value=10**9)),
    weights=weights_st,
    unit=units,
)
def test_per_line_gives_what_fractions_give(total, weights, unit):
    assert per_line(total, weights, unit) == reference_per_line(total, weights, unit)


@given(data=st.data())
def test_equal_remainders_are_broken_by_weight_then_place_as_before(data):
    # Many equal weights and a total that leaves units over: only the tie-break decides who gets them.
    count = data.draw(st.integers(min_value=2, max_value=30))
    weights = [Fraction(data.draw(st.sampled_from([1, 2, 3]))) for _ in range(count)]
    total = data.draw(st.integers(min_value=0, max_value=10_000))
    assert largest_remainder(total, weights, 1) == reference_largest_remainder(total, weights, 1)


def test_a_key_of_500_percentages_in_hundredths_is_split_exactly():
    # 500 lines of 0,20 % each (1/500 of the whole): 1 000 000 000 kr in öre splits into 2 000 000 kr each.
    weights = [Fraction(1, 5)] * 500
    shares = largest_remainder(100_000_000_000, weights, 100)
    assert shares == [200_000_000] * 500
    # 1 kr more, in whole kronor: the first line gets it (equal remainders and weights: first listed).
    shares = largest_remainder(100_000_000_100, weights, 100)
    assert shares[0] == 200_000_100 and shares[1:] == [200_000_000] * 499


@pytest.mark.parametrize(
    ("total", "weights", "unit", "message"),
    [
        (-1, [Fraction(1)], 1, "cannot split a negative amount"),
        (100, [Fraction(1)], 0, "rounding unit must be at least 1"),
        (100, [Fraction(0), Fraction(0)], 1, "weights must sum to more than zero"),
        (100, [], 1, "weights must sum to more than zero"),
    ],
)
def test_what_cannot_be_split_is_refused_as_before(total, weights, unit, message):
    for split in (largest_remainder, per_line):
        with pytest.raises(ValueError, match=message):
            split(total, weights, unit)


def test_weights_of_other_types_are_split_as_fractions_split_them():
    # A plugin may pass booleans (1 and 0 to Python): the fraction arithmetic takes them as it always did.
    assert largest_remainder(10, [True, False, True], 1) == [5, 0, 5]
    assert per_line(10, [True, True, True], 1) == [3, 3, 3]


def test_a_fractional_total_takes_the_fraction_path_as_before():
    # No caller passes one (a total is whole öre), but the integer path took a Fraction's numerator alone and
    # failed (IndexError); it answers as the fraction split always did, whatever that is worth: [50, 50].
    total = Fraction(201, 2)
    assert largest_remainder(total, [Fraction(1), Fraction(1)]) == reference_largest_remainder(total, [1, 1], 1)
