"""Exact money: parsing, Swedish formatting and largest-remainder splitting."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jobbsats.apportion import largest_remainder, per_line
from jobbsats.money import AmountError, format_kr, format_percent, parse_kronor, parse_percent

NBSP = "\u00a0"


@pytest.mark.parametrize(
    "written, ore",
    [
        (9_000_000, 900_000_000),
        ("13 056 000", 1_305_600_000),
        (f"13{NBSP}056{NBSP}000 kr", 1_305_600_000),
        ("1 234,50 kr", 123_450),
        ("1234.5", 123_450),
        ("25,6 mnkr", 2_560_000_000),
        ("9 796 tkr", 979_600_000),
        (Decimal("0.01"), 1),
        (0, 0),
    ],
)
def test_parse_kronor(written, ore):
    assert parse_kronor(written) == ore


@pytest.mark.parametrize(
    "written", [True, 1.5, "1,005", "12 34,5,6", "abc", "1.000.000", "10 euro", Decimal("NaN"), Decimal("Infinity")]
)
def test_parse_kronor_refuses(written):
    with pytest.raises(AmountError):
        parse_kronor(written)


@pytest.mark.parametrize(
    "ore, text",
    [
        (1_305_600_000, f"13{NBSP}056{NBSP}000"),
        (4_000_000_000, f"40{NBSP}000{NBSP}000"),
        (50_000_000, f"500{NBSP}000"),
        (123_450, f"1{NBSP}234,50"),
        (5, "0,05"),
        (-100_000, f"-1{NBSP}000"),
        (0, "0"),
    ],
)
def test_format_kr(ore, text):
    assert format_kr(ore) == text


def test_format_kr_refuses_floats():
    with pytest.raises(TypeError):
        format_kr(1.0)


@pytest.mark.parametrize(
    "written, percent",
    [
        (51, Fraction(51)),
        (Decimal("33.33"), Fraction(3333, 100)),
        ("33,33 %", Fraction(3333, 100)),
        ("1/3", Fraction(100, 3)),
        ("0", Fraction(0)),
    ],
)
def test_parse_percent(written, percent):
    assert parse_percent(written) == percent


def test_format_percent():
    assert format_percent(Fraction(3333, 100), " ") == "33,33 %"
    assert format_percent(Fraction(51), " ") == "51 %"


# Hand-worked splits (the quotas and remainders are in the comments).
@pytest.mark.parametrize(
    "total, weights, unit, shares",
    [
        # The seed: 25 600 000 kr by 51/27/16/6 splits exactly, no rounding needed.
        (2_560_000_000, [51, 27, 16, 6], 100, [1_305_600_000, 691_200_000, 409_600_000, 153_600_000]),
        # 10 kr by 51/27/16/6: quotas 5,1 2,7 1,6 0,6 -> floors 5 2 1 0, 2 kr left:
        # GVN (0,7) first, then FSN and KS tie at 0,6 and FSN's larger weight wins.
        (1_000, [51, 27, 16, 6], 100, [500, 300, 200, 0]),
        # 100 kr in thirds: equal remainders and weights, so the first listed gets the extra krona.
        (10_000, [1, 1, 1], 100, [3_400, 3_300, 3_300]),
        # 100,50 kr in thirds by whole kronor: 33 each, 1 kr to the first, the odd 50 öre to the next.
        (10_050, [1, 1, 1], 100, [3_400, 3_350, 3_300]),
        # Rounding to 1 000 kr: 10 000 kr at 50/30/20 splits exactly.
        (1_000_000, [50, 30, 20], 100_000, [500_000, 300_000, 200_000]),
        # A zero weight gets nothing.
        (10_000, [1, 0, 1], 100, [5_000, 0, 5_000]),
    ],
)
def test_largest_remainder_by_hand(total, weights, unit, shares):
    assert largest_remainder(total, [Fraction(w) for w in weights], unit) == shares


@given(
    total=st.integers(min_value=0, max_value=10**15),
    weights=st.lists(st.integers(min_value=0, max_value=10_000), min_size=1, max_size=30).filter(any),
    unit=st.sampled_from([1, 100, 100_000]),
)
def test_largest_remainder_conserves_and_stays_within_one_unit(total, weights, unit):
    fractions = [Fraction(w) for w in weights]
    shares = largest_remainder(total, fractions, unit)
    assert sum(shares) == total
    weight_sum = sum(fractions)
    for share, weight in zip(shares, fractions, strict=True):
        exact = Fraction(total) * weight / weight_sum
        assert abs(share - exact) < unit
        assert share >= 0
    if total % unit == 0:
        assert all(share % unit == 0 for share in shares)


@given(
    total=st.integers(min_value=0, max_value=10**12),
    weights=st.lists(st.integers(min_value=1, max_value=999), min_size=2, max_size=8, unique=True),
    data=st.data(),
)
def test_largest_remainder_does_not_depend_on_listing_order_for_distinct_weights(total, weights, data):
    # The tie-break looks at the weight before the position, so only equal weights
    # can make the order in the key matter.
    order = data.draw(st.permutations(range(len(weights))))
    shares = largest_remainder(total, [Fraction(w) for w in weights], 100)
    shuffled = largest_remainder(total, [Fraction(weights[i]) for i in order], 100)
    assert shuffled == [shares[i] for i in order]


@given(
    total=st.integers(min_value=0, max_value=10**15),
    weights=st.lists(st.integers(min_value=0, max_value=10_000), min_size=1, max_size=30).filter(any),
    unit=st.sampled_from([1, 100, 100_000]),
)
def test_per_line_stays_within_half_a_unit_of_each_quota(total, weights, unit):
    fractions = [Fraction(w) for w in weights]
    shares = per_line(total, fractions, unit)
    weight_sum = sum(fractions)
    for share, weight in zip(shares, fractions, strict=True):
        assert share % unit == 0
        assert abs(share - Fraction(total) * weight / weight_sum) <= Fraction(unit, 2)


def test_per_line_rounds_halves_up():
    # 3 kr by 1:1 is 1,50 kr each: both round up to 2 kr (4 kr, one more than split).
    assert per_line(300, [Fraction(1), Fraction(1)], 100) == [200, 200]


@pytest.mark.parametrize("written", ["13 056 00", "9 0000 000", "1 000,000 0", "12 34"])
def test_space_groups_must_be_thousands(written):
    with pytest.raises(AmountError, match="groups of three"):
        parse_kronor(written)


def test_a_share_in_a_message_has_the_decimals_that_tell_it_from_what_it_misses():
    from jobbsats.money import rounded_percent

    assert rounded_percent(Fraction(1, 3)) == "33,33 %"
    assert rounded_percent(Fraction(1, 2)) == "50 %"
    # 99,999999 %: two to five decimals round it to 100 %, six show it. Four (format_percent's own for a
    # fraction) showed "100 %" here, and the members' shares "add up to 100 %, not 100 %".
    assert rounded_percent(Fraction(99_999_999, 10**8), Fraction(1)) == "99,999999 %"
    assert rounded_percent(Fraction(10**8 + 3, 10**8), Fraction(1)) == "100,000003 %"
