"""Periodising an amount over a project's calendar months, checked against shares worked out here."""

from __future__ import annotations

import calendar
import datetime
from collections.abc import Callable
from fractions import Fraction
from itertools import accumulate

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from jobbsats.periods import by_quarter, by_year, periodise

D = datetime.date
KR = 100  # öre per krona


# --- an independent reckoning of the exact shares ------------------------------------------------


def calendar_months(start: datetime.date, end: datetime.date) -> list[tuple[int, int]]:
    """Every (year, month) from start's month to end's month, counted on a month index."""
    first, last = start.year * 12 + start.month - 1, end.year * 12 + end.month - 1
    return [divmod(i, 12) for i in range(first, last + 1)]


def exact_weights(start: datetime.date, end: datetime.date, by: str) -> list[Fraction]:
    """The weight of each calendar month of the period: days inside it, or that as a share of its days."""
    weights = []
    for year, month0 in calendar_months(start, end):
        month = month0 + 1
        days = calendar.monthrange(year, month)[1]
        lo = max(start, D(year, month, 1))
        hi = min(end, D(year, month, days))
        inside = (hi - lo).days + 1
        assert 1 <= inside <= days
        weights.append(Fraction(inside) if by == "day" else Fraction(inside, days))
    return weights


def exact_shares(amount: int, weights: list[Fraction]) -> Callable[[int, int], Fraction]:
    """``share(i, j)``: ``amount`` times the weight of months ``i`` to ``j - 1`` over the whole period's weight.

    From running sums of the weights, so that each share is one subtraction: summing the slice anew for
    every month, quarter, year and run of a 15-year period was 8 of test_any_period's 10 s. Exact all the same.
    """
    before = list(accumulate(weights, initial=Fraction(0)))  # before[i]: the weight of months 0 to i - 1
    return lambda i, j: amount * (before[j] - before[i]) / before[-1]


# --- hand-worked examples ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("total_kr", "years_kr", "quarter_kr"),
    [
        # 30 equal months: 12/30 = 0.4, 12/30 = 0.4, 6/30 = 0.2 of the amount; a quarter is 3/30 = 0.1.
        (44_000_000, {2020: 17_600_000, 2021: 17_600_000, 2022: 8_800_000}, 4_400_000),
        (25_000_000, {2020: 10_000_000, 2021: 10_000_000, 2022: 5_000_000}, 2_500_000),
    ],
)
def test_two_and_a_half_years_by_month(total_kr, years_kr, quarter_kr):
    pieces = periodise(total_kr * KR, D(2020, 1, 1), D(2022, 6, 30), by="month")
    assert len(pieces) == 30
    assert sum(p.amount for p in pieces) == total_kr * KR
    # Year and quarter ends fall on whole öre here, so rounding the running total makes them exact.
    assert by_year(pieces) == {y: kr * KR for y, kr in years_kr.items()}
    assert [by_quarter(pieces)[(2020, q)] for q in (1, 2, 3, 4)] == [quarter_kr * KR] * 4
    assert quarter_kr * 4 == years_kr[2020]
    monthly = Fraction(total_kr * KR, 30)
    assert all(abs(p.amount - monthly) <= 1 for p in pieces)


@pytest.mark.parametrize("total_kr", [44_000_000, 25_000_000])
def test_two_and_a_half_years_by_day(total_kr):
    # 2020 is a leap year: 366 + 365 + 181 (Jan-Jun 2022: 31+28+31+30+31+30) = 912 days.
    pieces = periodise(total_kr * KR, D(2020, 1, 1), D(2022, 6, 30), by="day")
    years = by_year(pieces)
    assert sum(years.values()) == total_kr * KR
    for year, days in ((2020, 366), (2021, 365), (2022, 181)):
        assert abs(years[year] - Fraction(total_kr * KR * days, 912)) <= 1
    # Not the by-month split: 2020 gets more than 12/30, since it has 366 of 912 days (40.13 %).
    assert years[2020] > total_kr * KR * 4 // 10


def test_within_one_month():
    for by in ("month", "day"):
        pieces = periodise(123_456, D(2023, 5, 10), D(2023, 5, 20), by=by)
        assert [(p.year, p.month, p.amount) for p in pieces] == [(2023, 5, 123_456)]
        assert pieces[0].quarter == 2


def test_a_single_day():
    for by in ("month", "day"):
        pieces = periodise(999, D(2021, 12, 31), D(2021, 12, 31), by=by)
        assert [(p.year, p.month, p.amount) for p in pieces] == [(2021, 12, 999)]
        assert by_quarter(pieces) == {(2021, 4): 999}


def test_leap_day():
    # The leap day alone is a valid one-day period.
    for by in ("month", "day"):
        assert [(p.year, p.month, p.amount) for p in periodise(7, D(2024, 2, 29), D(2024, 2, 29), by=by)] == [
            (2024, 2, 7)
        ]
    # Feb + Mar 2024 by day: 29 + 31 = 60 days, so 6 000 öre is 2 900 + 3 100; by month 3 000 each.
    assert [p.amount for p in periodise(6_000, D(2024, 2, 1), D(2024, 3, 31), by="day")] == [2_900, 3_100]
    assert [p.amount for p in periodise(6_000, D(2024, 2, 1), D(2024, 3, 31), by="month")] == [3_000, 3_000]
    # The same in 2023: 28 + 31 = 59 days, 5 900 öre is 2 800 + 3 100.
    assert [p.amount for p in periodise(5_900, D(2023, 2, 1), D(2023, 3, 31), by="day")] == [2_800, 3_100]
    # Feb 28 - Mar 1 2024 by day: 2 days in February (28th and 29th) and 1 in March.
    assert [p.amount for p in periodise(300, D(2024, 2, 28), D(2024, 3, 1), by="day")] == [200, 100]


def test_last_of_january_to_first_of_march():
    start, end = D(2023, 1, 31), D(2023, 3, 1)
    # By month the weights are 1/31, 1 (all of February) and 1/31, together 33/31: the shares are
    # 1/33, 31/33 and 1/33 of the amount. 3 300 öre splits exactly into 100 + 3 100 + 100.
    assert [(p.month, p.amount) for p in periodise(3_300, start, end, by="month")] == [(1, 100), (2, 3_100), (3, 100)]
    # 1 000 öre: running totals 1000/33 = 30.30 -> 30, 32000/33 = 969.70 -> 970, 1 000.
    assert [p.amount for p in periodise(1_000, start, end, by="month")] == [30, 940, 30]
    # By day the weights are 1, 28, 1 day of 30: 3 000 öre is 100 + 2 800 + 100.
    assert [p.amount for p in periodise(3_000, start, end, by="day")] == [100, 2_800, 100]


def test_starts_and_ends_mid_month():
    start, end = D(2023, 1, 16), D(2023, 4, 15)
    # By month: Jan 16/31, Feb 1, Mar 1, Apr 15/30 = 1/2; whole = 16/31 + 5/2 = 187/62.
    # 18 700 öre: Jan 18700 * (16/31) / (187/62) = 3 200, Feb and Mar 6 200, Apr 3 100.
    assert [(p.month, p.amount) for p in periodise(18_700, start, end, by="month")] == [
        (1, 3_200),
        (2, 6_200),
        (3, 6_200),
        (4, 3_100),
    ]
    # By day: 16 + 28 + 31 + 15 = 90 days, so 9 000 öre is 1 600 + 2 800 + 3 100 + 1 500.
    assert [p.amount for p in periodise(9_000, start, end, by="day")] == [1_600, 2_800, 3_100, 1_500]


def test_nothing_to_spread():
    for by in ("month", "day"):
        pieces = periodise(0, D(2020, 3, 15), D(2022, 8, 2), by=by)
        assert len(pieces) == 30
        assert all(p.amount == 0 for p in pieces)


def test_one_ore_over_a_year():
    # One öre over the twelve months of 2023: exactly one month gets it. By month the running total
    # k/12 first reaches a half at k = 6, so June. By day it reaches 182.5 of 365 days in July
    # (end of June is day 181, end of July day 212).
    by_month = periodise(1, D(2023, 1, 1), D(2023, 12, 31), by="month")
    assert [p.amount for p in by_month] == [0] * 5 + [1] + [0] * 6
    by_day = periodise(1, D(2023, 1, 1), D(2023, 12, 31), by="day")
    assert [p.amount for p in by_day] == [0] * 6 + [1] + [0] * 5


def test_rounding_each_month_on_its_own_would_drift():
    # 2 411 öre over 24 equal months (2023-2024 by month) is 100 + 11/24 = 100.458 öre a month.
    # Rounding each month on its own gives 100 every month, so 2023 would be 1 200 öre against an
    # exact 2 411 / 2 = 1 205.5: 5.5 öre off, and the two years would add up to 2 400, 11 short.
    amount, start, end = 2_411, D(2023, 1, 1), D(2024, 12, 31)
    monthly = Fraction(amount, 24)
    naive = [round(monthly)] * 24
    assert naive == [100] * 24
    assert abs(sum(naive[:12]) - Fraction(amount, 2)) == Fraction(11, 2)
    assert sum(naive) == amount - 11
    # Rounding the running total instead keeps every year within an öre, and the sum exact.
    pieces = periodise(amount, start, end, by="month")
    years = by_year(pieces)
    assert abs(years[2023] - Fraction(amount, 2)) <= 1
    assert abs(years[2024] - Fraction(amount, 2)) <= 1
    assert sum(years.values()) == amount
    assert {p.amount for p in pieces} <= {100, 101}


# --- errors --------------------------------------------------------------------------------------


def test_end_before_start():
    with pytest.raises(ValueError, match="before it starts"):
        periodise(100, D(2023, 1, 2), D(2023, 1, 1))


def test_unknown_weighing():
    with pytest.raises(ValueError, match="unknown weighing"):
        periodise(100, D(2023, 1, 1), D(2023, 12, 31), by="week")


@pytest.mark.parametrize("amount", [100.0, 1.5, True, False])
def test_amount_must_be_an_integer(amount):
    with pytest.raises(TypeError):
        periodise(amount, D(2023, 1, 1), D(2023, 12, 31))


def test_amount_must_not_be_negative():
    with pytest.raises(ValueError, match="negative"):
        periodise(-1, D(2023, 1, 1), D(2023, 12, 31))


# --- properties ----------------------------------------------------------------------------------

starts = st.dates(min_value=D(1990, 1, 1), max_value=D(2100, 12, 31))
lengths = st.integers(min_value=0, max_value=15 * 366)  # days after the start; 0 is a single day
weighings = st.sampled_from(["month", "day"])
amounts = st.integers(min_value=0, max_value=10**15)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(start=starts, length=lengths, by=weighings, amount=amounts, data=st.data())
@example(start=D(2020, 2, 29), length=366, by="day", amount=10**15, data=None)
@example(start=D(2099, 12, 31), length=63, by="month", amount=1, data=None)  # 2100 is not a leap year
def test_any_period(start, length, by, amount, data):
    end = start + datetime.timedelta(days=length)
    pieces = periodise(amount, start, end, by=by)

    # (a) the pieces add up to the amount, exactly
    assert sum(p.amount for p in pieces) == amount
    # (b) one non-negative integer piece per calendar month of the period, in order
    months = [(y, m0 + 1) for y, m0 in calendar_months(start, end)]
    assert [(p.year, p.month) for p in pieces] == months
    assert all(type(p.amount) is int and p.amount >= 0 for p in pieces)

    # (c) every run of consecutive months is within one öre of its exact share
    weights = exact_weights(start, end, by)
    if by == "day":
        assert sum(weights) == (end - start).days + 1
    amounts_ = [p.amount for p in pieces]
    share = exact_shares(amount, weights)

    def check(i: int, j: int) -> None:
        assert abs(sum(amounts_[i:j]) - share(i, j)) <= 1, (i, j)

    for i in range(len(pieces)):  # every month
        check(i, i + 1)
    for key in (lambda ym: ym[0], lambda ym: (ym[0], (ym[1] - 1) // 3)):  # every year, every quarter
        runs: dict[object, list[int]] = {}
        for index, ym in enumerate(months):
            runs.setdefault(key(ym), []).append(index)
        for indices in runs.values():
            assert indices == list(range(indices[0], indices[-1] + 1))
            check(indices[0], indices[-1] + 1)
    years = by_year(pieces)
    assert list(years) == sorted({y for y, _ in months})
    for year, total in years.items():
        idx = [i for i, (y, _) in enumerate(months) if y == year]
        assert abs(total - share(idx[0], idx[-1] + 1)) <= 1
    for (year, q), total in by_quarter(pieces).items():
        idx = [i for i, (y, m) in enumerate(months) if y == year and (m - 1) // 3 + 1 == q]
        assert abs(total - share(idx[0], idx[-1] + 1)) <= 1
    if data is not None:  # a few random runs of consecutive months
        for _ in range(3):
            i = data.draw(st.integers(min_value=0, max_value=len(pieces) - 1), label="first")
            j = data.draw(st.integers(min_value=i + 1, max_value=len(pieces)), label="past last")
            check(i, j)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(year=st.integers(min_value=1990, max_value=2100), by=weighings, amount=amounts)
def test_whole_years_by_day_follow_leap_years(year, by, amount):
    # Two calendar years: by month each gets half; by day a leap year gets 366 of the days.
    pieces = periodise(amount, D(year, 1, 1), D(year + 1, 12, 31), by=by)
    days = [366 if calendar.isleap(y) else 365 for y in (year, year + 1)]
    share = Fraction(1, 2) if by == "month" else Fraction(days[0], sum(days))
    years = by_year(pieces)
    assert abs(years[year] - amount * share) <= 1
    assert years[year] + years[year + 1] == amount
