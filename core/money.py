"""Exact amounts: integer öre (or whole places) in, integers out, never ``float``.

Amounts in a scenario file are kronor, or whole units of what a fund counts
(:func:`to_units`). They may be written as a TOML integer
(``9_000_000``), a TOML decimal (read as :class:`~decimal.Decimal`, never as a
float) or a string in Swedish or plain notation (``"13 056 000"``,
``"1 234,50 kr"``, ``"25,6 mnkr"``). Anything that is not a whole number of öre
is refused rather than rounded.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal
from fractions import Fraction

from jobbsats.errors import describe, shown

ORE_PER_KRONA = 100
NBSP = "\u00a0"

# Upper bound that keeps every sum of a year's rows inside SQLite's signed 64-bit integers.
MAX_ORE = 2**62

_SCALES = {"": 1, "kr": 1, "kronor": 1, "sek": 1, "tkr": 1_000, "mnkr": 1_000_000, "mkr": 1_000_000}
_UNIT_WORD = re.compile(r"([A-Za-zåäöÅÄÖ%]+)$")
_SPACES = re.compile(r"[\s\u00a0\u202f\u2009]+")
_NUMBER = re.compile(r"^([+-]?)([0-9]+)(?:[.,]([0-9]+))?$")
_ASCII_DIGITS = frozenset("0123456789")


class AmountError(ValueError):
    """A value that is not an exact amount of money."""


# Numbers are refused by their order of magnitude before any arithmetic, so a
# hostile "1e999999999" can neither hang the exact arithmetic nor overflow it.
MAX_MAGNITUDE = 18
MIN_MAGNITUDE = -18


def _plain_digits(text: str) -> None:
    """Refuse digits other than 0-9 in text: Python's ``int()`` and ``Decimal()`` read them all.

    "١٠٠" (Arabic-Indic), "１００" (fullwidth) and "𝟏𝟎𝟎" are a hundred to Python, and
    to hardly any reader of a Swedish budget; the CSV reader takes 0-9 only as well.
    """
    if text.isascii():
        return  # 0-9 are the only ASCII characters with a numeric value
    odd = [c for c in text if c not in _ASCII_DIGITS and unicodedata.numeric(c, None) is not None]
    if odd:
        unique = list(dict.fromkeys(odd))
        named = ", ".join(f"U+{ord(c):04X} {unicodedata.name(c, '')}".rstrip() for c in unique[:3])
        more = f" and {len(unique) - 3} more" if len(unique) > 3 else ""
        raise AmountError(f"{shown(text, 60)} has digits other than 0-9 ({named}{more}); write it with 0-9")


def to_decimal(value: object) -> Decimal:
    """Read a number written in the file as a finite Decimal (no float ever)."""
    if isinstance(value, bool):
        raise AmountError("must be a number, not true/false")
    if isinstance(value, int):
        number = Decimal(value)
    elif isinstance(value, Decimal):
        number = value
    elif isinstance(value, str):
        number = parse_number(value)[0]
    elif isinstance(value, float):
        raise AmountError("must be an exact number; floats are refused")
    else:
        raise AmountError(f"must be a number, not {describe(value)}")
    return _in_range(number, value)


def _in_range(number: Decimal, value: object) -> Decimal:
    """``number`` (read from ``value``), refused when not finite or of an order of magnitude out of range."""
    if not number.is_finite():
        raise AmountError(f"must be a finite number, not {number}")
    if number and number.adjusted() > MAX_MAGNITUDE:
        raise AmountError(f"{shown(value, 60)} is too large")
    if number and number.adjusted() < MIN_MAGNITUDE:
        raise AmountError(f"{shown(value, 60)} is too small to mean anything here")
    return number


def to_fraction(value: object) -> Fraction:
    """The number written, as an exact fraction (see :func:`to_decimal`)."""
    return Fraction(to_decimal(value))


def _split_unit(text: str) -> tuple[str, str]:
    """``"25,6 mnkr"`` -> (``"25,6"``, ``"mnkr"``): the number's text and its unit word, lower case."""
    raw = text.strip()
    match = _UNIT_WORD.search(raw)
    if not match:
        return raw, ""
    return raw[: match.start()].strip(), match.group(1).lower()


def parse_number(text: str) -> tuple[Decimal, str]:
    """Parse ``"13 056 000"``, ``"33,33"`` or ``"25,6 mnkr"`` into (number, unit word).

    Spaces, non-breaking spaces and thin spaces group thousands; a comma or a
    point is the decimal separator (never a thousands separator, which would be
    ambiguous). Digits are 0-9 only.
    """
    _plain_digits(text)
    raw, unit = _split_unit(text)
    groups = _SPACES.split(raw)
    if len(groups) > 1 and not (
        re.fullmatch(r"[+-]?[0-9]{1,3}", groups[0])
        and all(re.fullmatch(r"[0-9]{3}", g) for g in groups[1:-1])
        and re.fullmatch(r"[0-9]{3}(?:[.,][0-9]+)?", groups[-1])
    ):
        raise AmountError(f'{shown(text, 60)}: digits between spaces must come in groups of three, as in "13 056 000"')
    digits = "".join(groups)
    m = _NUMBER.match(digits)
    if not m:
        raise AmountError(f"{shown(text, 60)} is not a number")
    sign, whole, frac = m.groups()
    value = Decimal(f"{sign}{whole}.{frac or '0'}")
    return value, unit


# "9,000" or "9.000": nine thousand written the English or German way, or nine kronor?
_AMBIGUOUS = re.compile(r"^[+-]?[1-9][0-9]{0,2}[.,][0-9]{3}$")  # "0,005" is no thousand


def parse_kronor(value: object) -> int:
    """Convert an amount in kronor (int, Decimal or text) into integer öre, exactly.

    Text with one separator followed by exactly three digits ("9,000") is
    refused: it is nine thousand to some readers and nine kronor to others.
    """
    scale = 1
    if isinstance(value, str):
        _plain_digits(value)
        number_part, unit = _split_unit(value)
        if _AMBIGUOUS.match(number_part):
            raise AmountError(
                f"{shown(value, 60)} is ambiguous: write thousands with a space "
                '("9 000") and öre with two decimals ("9,00")'
            )
        if unit not in _SCALES:
            raise AmountError(f"{shown(value, 60)}: unknown unit {shown(unit, 20)} (use kr, tkr or mnkr)")
        scale = _SCALES[unit]
    ore = to_fraction(value) * scale * ORE_PER_KRONA
    if ore.denominator != 1:
        raise AmountError(f"{shown(value, 60)} is not a whole number of öre")
    if abs(ore) > MAX_ORE:
        raise AmountError(f"{shown(value, 60)} is larger than jobbsats can store exactly")
    return int(ore)


def round_half_up(value: Fraction | int) -> int:
    """The nearest integer, halves rounded up (towards +infinity): what "half up" means throughout jobbsats."""
    value = Fraction(value)
    return (value.numerator * 2 + value.denominator) // (value.denominator * 2)


def group_thousands(digits: str, sep: str = NBSP) -> str:
    head = len(digits) % 3 or 3
    parts = [digits[:head]] + [digits[i : i + 3] for i in range(head, len(digits), 3)]
    return sep.join(parts)


def format_kr(ore: int, sep: str = NBSP) -> str:
    """Swedish format in kronor: ``13 056 000`` or ``1 234,50`` (öre only when present).

    Thousands are grouped with a non-breaking space by default so a number never
    breaks across lines in a decision paper; pass ``sep=" "`` for plain text.
    """
    if isinstance(ore, bool) or not isinstance(ore, int):
        raise TypeError(f"money must be integer öre, got {type(ore).__name__}")
    sign = "-" if ore < 0 else ""
    kronor, rest = divmod(abs(ore), ORE_PER_KRONA)
    text = sign + group_thousands(str(kronor), sep)
    if rest:
        text += f",{rest:02d}"
    return text


# How a report may state amounts: kronor, thousands (tkr) or millions (mnkr).
SHOWN_IN = {"kr": 1, "tkr": 1_000, "mnkr": 1_000_000}


def format_amount(ore: int, shown_in: str = "kr", sep: str = NBSP) -> str:
    """Swedish format in kr, tkr or mnkr: ``9 796`` tkr; decimals only when the amount needs them."""
    if shown_in == "kr":
        return format_kr(ore, sep)
    value = Fraction(ore, ORE_PER_KRONA * SHOWN_IN[shown_in])
    sign = "-" if value < 0 else ""
    whole, rest = divmod(abs(value), 1)
    text = sign + group_thousands(str(int(whole)), sep)
    if rest:
        digits = Decimal(rest.numerator) / Decimal(rest.denominator)
        text += "," + format(digits, "f").split(".")[1][:8].rstrip("0")
    return text


def format_percent(value: Fraction | Decimal, sep: str = NBSP) -> str:
    """Swedish percent: ``51 %``, ``33,33 %`` (decimal comma).

    A Fraction is shown with the decimals it needs, at most four (a third is
    ``33,3333 %``, rounded half up); a Decimal with the places it has
    (``Decimal("36.0")`` is ``36,0 %``), so a column rounded to one decimal
    reads evenly.
    """
    if isinstance(value, Fraction):
        number = (Decimal(round_half_up(value * 10_000)) / 10_000).normalize()
    else:
        exponent = value.as_tuple().exponent
        number = value if isinstance(exponent, int) and exponent <= 0 else value.quantize(Decimal(1))
    text = format(number, "f")
    return text.replace(".", ",") + sep + "%"


def rounded_percent(share: Fraction, apart_from: Fraction | None = None) -> str:
    """A share (of one) as a percentage for a message, rounded to two decimals ("12,35 %", "50 %": no trailing
    zeros), or more (up to eight) where two would make it read as ``apart_from``: a key that sums to
    99,99999999 % does not say "100 %, not 100 %"."""
    for places in range(2, 9):
        rounded = Decimal(round_half_up(share * 10 ** (places + 2))).scaleb(-places)
        if apart_from is None or rounded != apart_from * 100:
            break
    return format_percent(rounded.normalize(), " ")  # a Decimal shows the places it has (a Fraction four)


def _fraction_text(value: str) -> Fraction:
    _plain_digits(value)
    num, _, den = value.replace("%", "").partition("/")
    try:
        return Fraction(int(num.strip()), int(den.strip()))
    except (ValueError, ZeroDivisionError):
        raise AmountError(f"{shown(value, 60)} is not a fraction like 1/3") from None


def parse_percent(value: object) -> Fraction:
    """A percentage as an exact fraction of 100: ``51``, ``33.33``, ``"33,33 %"``, ``"1/3"`` (a third of the whole)."""
    if isinstance(value, str) and "/" in value:
        result = _fraction_text(value) * 100
    elif isinstance(value, str):
        number, unit = parse_number(value)
        if unit not in ("", "%"):
            raise AmountError(f"{shown(value, 60)} is not a percentage")
        result = Fraction(_in_range(number, value))  # to_fraction's reading, without parsing the text again
    else:
        result = to_fraction(value)
    if result < 0:
        raise AmountError("must not be negative")
    return result


def parse_quantity(value: object) -> Fraction:
    """A plain non-negative number, exactly: a head count, a volume (``"0,5"``), a fraction (``"1/3"``)."""
    if isinstance(value, str) and "/" in value and "%" not in value:
        result = _fraction_text(value)
    else:
        if isinstance(value, str) and parse_number(value)[1]:
            raise AmountError(f"{shown(value, 60)}: write a plain number here, without a unit")
        result = to_fraction(value)
    if result < 0:
        raise AmountError("must not be negative")
    return result


# A fund counts kronor (kept in öre) or some other whole thing, such as "platser".
KRONOR = "kr"


def fund_unit(word: object) -> str:
    """A fund's ``unit`` as written, normalised: ``"kr"`` for any word for kronor, else the word in lower case."""
    if not isinstance(word, str):
        return KRONOR
    word = word.lower()
    return KRONOR if _SCALES.get(word) == 1 else word


def to_units(value: object, unit: str = KRONOR) -> int:
    """An amount written in the file as the integer the ledger keeps: öre for kronor, else whole units.

    Text for a fund that counts things may name its unit ("1 516 platser") but no other.
    """
    if unit == KRONOR:
        return parse_kronor(value)
    if isinstance(value, str):
        _plain_digits(value)
        word = _split_unit(value)[1]
        if word and word != unit.lower():
            raise AmountError(f"{shown(value, 60)}: this fund counts {unit}, not {word}")
    number = to_fraction(value)
    if number.denominator != 1:
        raise AmountError(f"{shown(value, 60)} is not a whole number of {unit}")
    if abs(number) > MAX_ORE:
        raise AmountError(f"{shown(value, 60)} is larger than jobbsats can store exactly")
    return int(number)


def format_count(amount: int, sep: str = NBSP) -> str:
    """A whole number the Swedish way: ``1 516``, ``-1``."""
    return ("-" if amount < 0 else "") + group_thousands(str(abs(amount)), sep)


def format_units(amount: int, unit: str = KRONOR, sep: str = NBSP, unit_sep: str = " ") -> str:
    """An amount with its unit, the Swedish way: ``13 056 000 kr`` or ``1 516 platser``.

    ``sep`` groups the thousands; ``unit_sep`` stands before the unit (a no-break space in running
    Swedish text, so "kr" never starts a line).
    """
    if unit == KRONOR:
        return f"{format_kr(amount, sep)}{unit_sep}kr"
    return f"{format_count(amount, sep)}{unit_sep}{unit}"
