"""Split an amount by weights: exactly (largest remainder), or line by line.

The method is largest remainder (Hamilton): every share first gets its exact
quota rounded down to a multiple of the rounding unit; the units left over go,
one each, to the shares with the largest remainders.

Tie-break, documented and deterministic: among equal remainders the larger
weight wins, and among equal weights the one listed first in the key.

When the total is not a multiple of the unit (say 1 000 000,50 kr split in
whole kronor) the odd öre go to the next share in that order that got no
extra unit, so the total is still conserved and every share stays within one
unit of its exact quota.

The arithmetic is exact throughout. Weights that are integers or fractions are
brought to one common denominator first, so every quota is an integer over the
same positive integer and the splits run on plain integers: the same shares as
with a :class:`~fractions.Fraction` per quota (tests/test_speed_run_apportion.py
holds the two to it), at a fraction of the cost for a key of hundreds of lines.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from fractions import Fraction

from jobbsats.money import round_half_up


def largest_remainder(total: int, weights: Sequence[Fraction], unit: int = 1) -> list[int]:
    """Return integer shares of ``total`` proportional to ``weights``.

    :param total: the amount to split, an integer (öre, places, ...), >= 0
    :param weights: non-negative exact weights; they need not sum to 1
    :param unit: the rounding unit in the same integer scale (100 = whole kronor)
    :returns: shares in the order of ``weights``; ``sum(shares) == total``
    """
    # The integer path needs an integer total (a Fraction's numerator alone would be another total); anything
    # else takes the fraction path, which does what it always did with it.
    scaled = _scaled(total, weights, unit) if type(total) is int else None
    if scaled is None:
        return _largest_remainder_fractions(total, weights, unit)
    numerators, integers, weight_sum = scaled
    # Each quota is numerator / weight_sum: its share rounded down to the unit, and what is left of
    # it over that same denominator, which orders the remainders exactly as the fractions would.
    step = weight_sum * unit
    shares = [(n // step) * unit for n in numerators]
    remainders = [n - s * weight_sum for n, s in zip(numerators, shares, strict=True)]
    # The integer weights order as the weights do (one positive factor apart), and compare faster.
    order = sorted(range(len(weights)), key=lambda i: (-remainders[i], -integers[i], i))
    return _hand_out(total, shares, order, unit)


def per_line(total: int | Fraction, weights: Sequence[Fraction], unit: int = 1) -> list[int]:
    """Round each share on its own to the nearest unit, halves up, as papers often do by hand.

    The shares need not sum to ``total``: the caller must report the difference
    (``sum(shares) - total``) rather than absorb it. Each share is within half a
    unit of its exact quota.
    """
    scaled = _scaled(total, weights, unit)
    if scaled is None:
        return [round_half_up(q / unit) * unit for q in _quotas(total, weights, unit)]
    numerators, _, weight_sum = scaled
    # round_half_up(n / d) is floor((2n + d) / 2d) whether or not n / d is in lowest terms.
    denominator = weight_sum * unit * (total.denominator if isinstance(total, Fraction) else 1)
    return [((2 * n + denominator) // (2 * denominator)) * unit for n in numerators]


def _scaled(total: int | Fraction, weights: Sequence[Fraction], unit: int) -> tuple[list[int], list[int], int] | None:
    """Every quota as an integer numerator over one positive denominator (the weights' sum, as an integer),
    with the weights as those integers.

    ``total * weight / sum`` for each weight, with every weight multiplied by the least common multiple
    of their denominators (the quotas do not change), and a fractional total's numerator taken (its
    denominator is the caller's to add). None when a value is neither an integer nor a fraction: the
    splits then run on fractions as they always have, whatever those values do there.
    """
    if not (type(total) is int or type(total) is Fraction) or not all(type(w) in (int, Fraction) for w in weights):
        return None
    _check(total, unit)
    common = math.lcm(*(w.denominator for w in weights)) if weights else 1
    integers = [w.numerator * (common // w.denominator) for w in weights]
    weight_sum = sum(integers)
    if weight_sum <= 0:
        raise ValueError("weights must sum to more than zero")
    top = total.numerator if isinstance(total, Fraction) else total
    return [top * w for w in integers], integers, weight_sum


def _hand_out(total: int, shares: list[int], order: list[int], unit: int) -> list[int]:
    """Give the units left over, one each, in ``order``, and any odd part of a unit to the next."""
    left = total - sum(shares)
    whole_units, odd = divmod(left, unit)
    for i in order[:whole_units]:
        shares[i] += unit
    if odd:
        # The remainders sum to ``left`` and each is below one unit, so fewer than
        # len(weights) whole units are handed out and order[whole_units] exists.
        shares[order[whole_units]] += odd
    return [int(s) for s in shares]


def _largest_remainder_fractions(total: int, weights: Sequence[Fraction], unit: int) -> list[int]:
    quotas = _quotas(total, weights, unit)
    shares = [(q // unit) * unit for q in quotas]
    remainders = [q - s for q, s in zip(quotas, shares, strict=True)]
    order = sorted(range(len(weights)), key=lambda i: (-remainders[i], -weights[i], i))
    return _hand_out(total, shares, order, unit)


def _check(total: int | Fraction, unit: int) -> None:
    if total < 0:
        raise ValueError("cannot split a negative amount")
    if unit < 1:
        raise ValueError("rounding unit must be at least 1")


def _quotas(total: int | Fraction, weights: Sequence[Fraction], unit: int) -> list[Fraction]:
    """Each weight's exact share of ``total``, after checking the arguments make sense."""
    _check(total, unit)
    weight_sum = sum(weights, Fraction(0))
    if weight_sum <= 0:
        raise ValueError("weights must sum to more than zero")
    return [Fraction(total) * w / weight_sum for w in weights]
