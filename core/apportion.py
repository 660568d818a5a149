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
"""

from __future__ import annotations

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
    quotas = _quotas(total, weights, unit)
    shares = [(q // unit) * unit for q in quotas]
    remainders = [q - s for q, s in zip(quotas, shares, strict=True)]
    order = sorted(range(len(weights)), key=lambda i: (-remainders[i], -weights[i], i))
    left = total - sum(shares)
    whole_units, odd = divmod(left, unit)
    for i in order[:whole_units]:
        shares[i] += unit
    if odd:
        # The remainders sum to ``left`` and each is below one unit, so fewer than
        # len(weights) whole units are handed out and order[whole_units] exists.
        shares[order[whole_units]] += odd
    return [int(s) for s in shares]


def per_line(total: int | Fraction, weights: Sequence[Fraction], unit: int = 1) -> list[int]:
    """Round each share on its own to the nearest unit, halves up, as papers often do by hand.

    The shares need not sum to ``total``: the caller must report the difference
    (``sum(shares) - total``) rather than absorb it. Each share is within half a
    unit of its exact quota.
    """
    return [round_half_up(q / unit) * unit for q in _quotas(total, weights, unit)]


def _quotas(total: int | Fraction, weights: Sequence[Fraction], unit: int) -> list[Fraction]:
    """Each weight's exact share of ``total``, after checking the arguments make sense."""
    if total < 0:
        raise ValueError("cannot split a negative amount")
    if unit < 1:
        raise ValueError("rounding unit must be at least 1")
    weight_sum = sum(weights, Fraction(0))
    if weight_sum <= 0:
        raise ValueError("weights must sum to more than zero")
    return [Fraction(total) * w / weight_sum for w in weights]
