"""Years as messages and reports write them."""

from __future__ import annotations

from collections.abc import Sequence


def years_text(years: Sequence[int]) -> str:
    """``2024-2026`` for an unbroken span of years, else ``2024, 2026``."""
    if len(years) > 1 and list(years) == list(range(years[0], years[-1] + 1)):
        return f"{years[0]}-{years[-1]}"
    return ", ".join(str(y) for y in years)
