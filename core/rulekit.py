"""Helpers for writing rules: reading years, checking recipients, the keys of a rule that rounds."""

from __future__ import annotations

import functools
import re
from typing import Any

from jobbsats.allocation import Allocation, RuleResult
from jobbsats.errors import Problem, key_path, shorten, shown
from jobbsats.scenario import RuleSpec, Scenario


def unknown_recipient(rid: str, path: str, scenario: Scenario) -> Problem:
    """The problem for a recipient id the scenario does not define, listing the ones it does."""
    from jobbsats.config.names import looks_like

    known = sorted(scenario.recipients)
    listed = ", ".join(known[:20]) + (", ..." if len(known) > 20 else "")
    return Problem(path, f"unknown recipient {shorten(rid)!r} (recipients: {listed}){looks_like(rid, known)}")


_SPAN = re.compile(r"^\s*(\d{4})\s*(?:[-\u2013]\s*(\d{4})\s*)?$", re.ASCII)


def years_of(value: Any) -> list[int] | None:
    """Read ``years`` from a line: 2024, "2024-2026", "2024 - 2026" or [2024, 2025]; None if not given.

    Raises :class:`ValueError` with a readable reason for anything else.
    """
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValueError("must be a year or a span of years, not true/false")
    if isinstance(value, int):
        years = [value]
    elif isinstance(value, list):
        if not value:
            raise ValueError("must not be an empty list")
        if not all(isinstance(v, int) and not isinstance(v, bool) for v in value):
            raise ValueError("must be a list of years written as whole numbers, such as [2024, 2025]")
        years = sorted(set(value))
    elif isinstance(value, str) and (m := _SPAN.match(value)):
        first, last = int(m.group(1)), int(m.group(2) or m.group(1))
        if last < first:
            raise ValueError(f"{shown(value)}: the span ends before it starts")
        years = list(range(first, last + 1))
    else:
        raise ValueError(f'{shown(value)} is not a year or a span like "2024-2026"')
    if not all(1900 <= y <= 2200 for y in years):
        raise ValueError(f"{shown(value)}: years must be between 1900 and 2200")
    return years


def rounding_problems(spec: RuleSpec) -> list[Problem]:
    """``round_to`` (already in the fund's unit) must be more than 0."""
    value = spec.config.get("round_to")
    if value is not None and value <= 0:
        return [Problem(f"{spec.path}.round_to", "must be more than 0")]
    return []


def unknown_recipients(spec: RuleSpec, key: str, scenario: Scenario) -> list[Problem]:
    """A problem for every id in the table ``key`` of the rule's entry that is not a recipient."""
    return [
        unknown_recipient(rid, key_path(f"{spec.path}.{key}", rid), scenario)
        for rid in spec.config[key]
        if rid not in scenario.recipients
    ]


@functools.lru_cache(maxsize=64)
def _sources(path: str, key: str, ids: tuple[str, ...]) -> tuple[str, ...]:
    """Each id's config line in the table ``key`` of the rule entry at ``path``: made once for every year the
    entry allocates (a key of 500 lines over ten years would otherwise quote 5 000 of them)."""
    return tuple(key_path(f"{path}.{key}", rid) for rid in ids)


def shares_result(spec: RuleSpec, key: str, shares: list[int], split: int, unit: int) -> RuleResult:
    """The result of a rule that gave each id of its table ``key`` a share of ``split``.

    Each share is an allocation from the config line of its id; any difference
    between the shares and ``split`` (per-line rounding) is declared with it.
    """
    label = spec.config.get("purpose", "")
    ids = tuple(spec.config[key])
    return RuleResult(
        allocations=[
            Allocation(to=rid, amount=share, source=source, label=label)
            for rid, share, source in zip(ids, shares, _sources(spec.path, key, ids), strict=True)
        ],
        split=split,
        rounding_difference=sum(shares) - split,
        rounding_unit=unit,
    )
