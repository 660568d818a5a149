"""Small-number suppression (röjandekontroll) for counts of people and the totals they add up to.

Primary: a count from 1 to ``threshold - 1`` is hidden and shown as ``"<5"``; 0 is shown.

Secondary: a shown total must not let a reader work a hidden count out. The reader
is assumed to know every shown cell, that ``"<5"`` is 1 to 4 and that ``".."`` (a
cell hidden only to protect another) is at least 5, since only counts of 0 or of 5
and more are ever shown. From that and each total (``total = sum of members``),
repeated until nothing changes, :func:`possible_ranges` works out the smallest and
largest value each hidden cell can have. While some ``"<5"`` cell can be worked out
exactly, one more cell is hidden (and shown as ``".."``), chosen in the groups that
hold such a cell: each group's shown counts above 0, smallest first, then its total;
the first of these whose hiding leaves fewer ``"<5"`` cells exact, or, if none does
on its own, the first, and the search goes on. So a group whose total is shown never
has exactly one hidden member, and ``1 + 1 = 2`` cannot give away two either.

What it does not guard against: narrowing short of an exact value (``<5 + <5 = 7``
says each is 3 or 4), a reader who also knows which cell the rule picks, and
tables published elsewhere that add other totals.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

PRIMARY = "primary"
SECONDARY = "secondary"
SECONDARY_MARK = ".."

K = TypeVar("K", bound=Hashable)  # a cell's key


@dataclass(frozen=True)
class Group(Generic[K]):
    """Cells that add up to a total: ``values[total] == sum(values[m] for m in members)``."""

    total: K
    members: tuple[K, ...]


def suppress(values: Mapping[K, int], groups: Sequence[Group[K]], threshold: int) -> dict[K, str]:
    """The cells to hide, each with why: :data:`PRIMARY` (a small count) or :data:`SECONDARY`."""
    if threshold < 3:
        raise ValueError(f"the threshold must be at least 3, not {threshold}: '<2' would say exactly 1")
    for g in groups:
        if values[g.total] != sum(values[m] for m in g.members):
            raise ValueError(f"{g.total!r} is not the sum of its members")
    hidden = {k: PRIMARY for k, v in values.items() if 0 < v < threshold}
    exposed = exposed_cells(values, groups, hidden, threshold)
    while exposed:
        candidates = _candidates(values, groups, hidden, exposed)
        # The first that helps on its own; if none does, the first, and the search goes on from there.
        choice = next(
            (c for c in candidates if exposed_cells(values, groups, {**hidden, c: SECONDARY}, threshold) < exposed),
            candidates[0],
        )
        hidden[choice] = SECONDARY
        exposed = exposed_cells(values, groups, hidden, threshold)
    return hidden


def exposed_cells(
    values: Mapping[K, int], groups: Sequence[Group[K]], hidden: Mapping[K, str], threshold: int
) -> set[K]:
    """The ``"<5"`` cells a reader can work out exactly."""
    ranges = possible_ranges(values, groups, hidden, threshold)
    return {k for k, why in hidden.items() if why == PRIMARY and ranges[k][0] == ranges[k][1]}


def mark(value: int, why: str | None, threshold: int) -> int | str:
    """What a cell shows: the count, ``"<5"`` or ``".."``."""
    if why is None:
        return value
    return f"<{threshold}" if why == PRIMARY else SECONDARY_MARK


def possible_ranges(
    values: Mapping[K, int], groups: Sequence[Group[K]], hidden: Mapping[K, str], threshold: int
) -> dict[K, tuple[int, int | float]]:
    """The smallest and largest value each hidden cell can have, for a reader of the shown table.

    The largest is ``math.inf`` where nothing bounds it (a ``".."`` outside any shown total).
    """
    lo: dict[K, int] = {}
    hi: dict[K, int | float] = {}
    for k, v in values.items():
        if k not in hidden:
            lo[k] = hi[k] = v
        elif hidden[k] == PRIMARY:
            lo[k], hi[k] = 1, threshold - 1
        else:
            lo[k], hi[k] = threshold, math.inf
    linked = [g for g in groups if any(k in hidden for k in (g.total, *g.members))]
    changed = True
    while changed:  # ends: ranges only shrink, by whole numbers, and always hold the true value
        changed = False
        for g in linked:
            # A member's lowest is -inf where another member of the group is unbounded.
            bounds: list[tuple[K, int | float, int | float]] = [
                (g.total, sum(lo[m] for m in g.members), sum(hi[m] for m in g.members))
            ]
            for i, m in enumerate(g.members):
                others = g.members[:i] + g.members[i + 1 :]
                bounds.append((m, lo[g.total] - sum(hi[o] for o in others), hi[g.total] - sum(lo[o] for o in others)))
            for k, low, high in bounds:
                if not isinstance(low, int):  # -inf, which bounds nothing
                    low = lo[k]
                low, high = max(lo[k], low), min(hi[k], high)
                if (low, high) != (lo[k], hi[k]):
                    lo[k], hi[k] = low, high
                    changed = True
    return {k: (lo[k], hi[k]) for k in hidden}


def _candidates(
    values: Mapping[K, int], groups: Sequence[Group[K]], hidden: Mapping[K, str], exposed: set[K]
) -> list[K]:
    """Cells that could be hidden next: in the groups around the exposed cells, each group's shown
    members above 0, smallest first (the first of equals first), then its total; if those groups
    have none, the groups around them, and so on."""
    near = set(exposed)
    while True:
        around = [g for g in groups if g.total in near or near.intersection(g.members)]
        found: list[K] = []
        for g in around:
            members = [m for m in g.members if m not in hidden and values[m] > 0]
            found += sorted(members, key=lambda m: values[m])  # sorted is stable: equals keep their order
            if g.total not in hidden and values[g.total] > 0:
                found.append(g.total)
        if found:
            return list(dict.fromkeys(found))
        wider = near.union(*({g.total, *g.members} for g in around))
        if wider == near:
            # Everything linked to the exposed cells is hidden, and then no "<5" can be worked out.
            raise AssertionError(f"cannot protect {sorted(map(repr, exposed))}")
        near = wider
