"""Amounts and dates as Swedish CSV exports write them (jobbsats.utfall.swedish)."""

from __future__ import annotations

import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jobbsats.utfall.swedish import parse_amount, parse_date

SPACES = [" ", "\u00a0", "\u202f", "\u2009"]


@pytest.mark.parametrize(
    ("text", "ore"),
    [
        ("1 234,50", 123_450),
        ("-1 234,50", -123_450),
        ("\u22121\u00a0234,5", -123_450),
        ("1234", 123_400),
        ("0,05", 5),
        ("0,5", 50),
        ("12 345 678,90", 1_234_567_890),
        (" 12 ", 1_200),
        ("1 234\u00a0567\u2009890,12", 123_456_789_012),  # a different space between each group
        ("-0,00", 0),
    ],
)
def test_amounts(text, ore):
    assert parse_amount(text) == ore


@pytest.mark.parametrize(
    "text",
    [
        "12,3,4",
        "1.234,50",
        "1 23,00",
        "1,505",
        "",
        "-",
        ",50",
        "1  234",
        "1\t234",
        "1e3",
        "+5",
        "\u0661\u0662",
        "9.5",
        "1_234,50",
        "\uff11\uff12,00",
        "1 234,5 0",
    ],
)
def test_not_amounts(text):
    with pytest.raises(ValueError, match="is not an amount"):
        parse_amount(text)


def test_a_decimal_point_when_the_config_says_so():
    assert parse_amount("1 234.50", ".") == 123_450
    with pytest.raises(ValueError, match='decimals after ".", not ","'):
        parse_amount("1 234,50", ".")


@given(
    kronor=st.integers(0, 10**13),
    ore=st.integers(0, 99),
    negative=st.booleans(),
    space=st.sampled_from(SPACES),
    grouped=st.booleans(),
)
def test_any_amount_written_the_swedish_way_reads_back(kronor, ore, negative, space, grouped):
    digits = f"{kronor:,}".replace(",", space) if grouped else str(kronor)
    sign = -1 if negative else 1
    assert parse_amount(f"{'-' if negative else ''}{digits},{ore:02d}") == sign * (kronor * 100 + ore)
    if ore % 10 == 0:  # one decimal: "12,5" is 12 kr 50 öre
        assert parse_amount(f"{'-' if negative else ''}{digits},{ore // 10}") == sign * (kronor * 100 + ore)
    assert parse_amount(f"{'-' if negative else ''}{digits}") == sign * kronor * 100


def test_dates():
    assert parse_date("2024-02-29") == datetime.date(2024, 2, 29)
    assert parse_date("20240229") == datetime.date(2024, 2, 29)
    with pytest.raises(ValueError, match="2023-02-29 is not a real date"):
        parse_date("2023-02-29")
    with pytest.raises(ValueError, match="is not a date written as 2024-01-31"):
        parse_date("29/2/2024")
