"""Co-financed projects: who pays what, on which decision, and what that leaves in the budget.

A project (Malmökraften, ASN-2019-12911) runs between two dates and is paid
by several financiers: ESF, Finsam, the city's own boards, some of it in kind
(staff time). Each financing line has a grant status. A line may be
conditional on another financier's grant ("under förutsättning att ESF
beviljar medel"); :func:`line_states` works out, from the statuses alone,
what each line means for the budget.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import TypeVar

from jobbsats.apportion import largest_remainder

K = TypeVar("K")

# A grant's status, as the decision papers write it.
STATUSES = ("ansökt", "beviljad", "avslag", "återkallad")
GRANTED, REFUSED = "beviljad", ("avslag", "återkallad")

# What a line means for the budget, worked out from the statuses.
BUDGET = "budget"  # granted, and whatever it depends on is granted: it counts
CONDITIONAL = "villkorad"  # granted on a condition that is still pending
APPLIED = "ansökt"  # not decided yet
DROPPED = "utgår"  # refused or withdrawn, or the grant it depended on was
STATES = (BUDGET, CONDITIONAL, APPLIED, DROPPED)
# How reports name the states ("i budget" is how a paper says it, the ledger keeps "budget").
STATE_WORDS = {BUDGET: "i budget", CONDITIONAL: "villkorad", APPLIED: "ansökt", DROPPED: "utgår"}
# How reports name a financing line's kind: money, or staff time and the like.
CASH, IN_KIND = "kontant", "i annat än pengar"


@dataclass(frozen=True)
class Programme:
    """A financier's programme area, with the highest share of a project it may pay (None: no limit given)."""

    id: str
    name: str
    max_share: Fraction | None = None  # a fraction of 1, not of 100


@dataclass(frozen=True)
class Member:
    """A member of a financier that is a group: Finsam's state (50 %), region (25 %) and municipalities (25 %).

    The file says so with ``[financiers.ID.members.MID]``; the ledger keeps no table of members,
    so reports read them back from the run's copy of the file (``jobbsats.config.projects.financier_members``).
    """

    id: str
    name: str
    share: Fraction  # a fraction of 1; a group's members' shares add up to exactly 1
    written: str = ""  # the share as the file wrote it ("50 %"), for reports


@dataclass(frozen=True)
class Financier:
    """Someone who pays into projects: ESF, Finsam, or one of the scenario's recipients (a board)."""

    id: str
    name: str
    max_share: Fraction | None = None
    programmes: dict[str, Programme] = field(default_factory=dict)


@dataclass(frozen=True)
class FinancingLine:
    """One financier's part of a project: an amount in öre (worked out from a share when only that is given)."""

    index: int
    financier: str
    amount: int
    status: str
    share: str = ""  # the share as the file wrote it ("63,77 %"), for reports; empty when not given
    programme: str = ""
    in_kind: bool = False  # staff time or other value that is not cash: kept apart in totals
    decided: datetime.date | None = None
    reference: str = ""
    condition: str = ""  # the financier whose grant this line depends on
    note: str = ""


@dataclass(frozen=True)
class Project:
    """A project with its period (both dates inclusive) and financing plan."""

    id: str
    name: str
    start: datetime.date
    end: datetime.date
    financing: tuple[FinancingLine, ...]
    case: str = ""
    owner: str = ""
    participants: tuple[str, ...] = ()
    total: int | None = None  # the project's budget when the file states it; else the lines' sum

    @property
    def budget_total(self) -> int:
        """What shares are shares of: the stated total, or every line's amount (cash and in kind)."""
        return self.total if self.total is not None else sum(line.amount for line in self.financing)

    @property
    def years(self) -> list[int]:
        return list(range(self.start.year, self.end.year + 1))


@dataclass(frozen=True)
class LineState:
    """What a financing line means for the budget, and why (Swedish, for reports)."""

    state: str
    reason: str = ""


def line_states(project: Project, names: dict[str, str]) -> dict[int, LineState]:
    """Each line's state, by line index. ``names`` maps financier ids to names for the reasons.

    A line's own status decides first: refused or withdrawn lines drop out, and
    lines still applied for do not count yet. A granted line that depends on
    another financier's grant counts once that financier has granted money to
    the project (a line of it counts), is conditional while none of its lines
    counts and some are still pending, and drops out when every line of it has
    dropped out. So a refused extension does not undo a grant already made.
    Conditions must not form a loop (the config check refuses one).
    """
    by_financier: dict[str, list[FinancingLine]] = {}
    for line in project.financing:
        by_financier.setdefault(line.financier, []).append(line)
    states: dict[int, LineState] = {}

    def state_of(line: FinancingLine) -> LineState:
        if line.index in states:
            return states[line.index]
        name = names.get(line.condition, line.condition)
        pending = LineState(CONDITIONAL, f"under förutsättning att {name} beviljar medel")
        if line.status in REFUSED:
            result = LineState(DROPPED, _decided(line.status, line))
        elif line.status != GRANTED:
            result = LineState(APPLIED)
        elif not line.condition:
            result = LineState(BUDGET)
        else:
            states[line.index] = pending  # ends the recursion should conditions ever loop
            others = [(o, state_of(o)) for o in by_financier.get(line.condition, [])]
            if any(state.state == BUDGET for _, state in others):
                result = LineState(BUDGET)
            elif others and all(state.state == DROPPED for _, state in others):
                other, state = others[0]
                # Quote the refusal itself, or, down a chain, why that line dropped out.
                why = _decided(other.status, other) if other.status in REFUSED else state.reason
                # A colon, not parentheses: the reason stands in parentheses in running text, and a financier's
                # name may carry its own ("Europeiska socialfonden (ESF)").
                result = LineState(DROPPED, f"villkoret att {name} beviljar medel uppfylls inte: {why}")
            else:
                result = pending
        states[line.index] = result
        return result

    for line in project.financing:
        state_of(line)
    return states


def _decided(status: str, line: FinancingLine) -> str:
    """ "avslag 2020-03-12, ESF-2020-17" from a line's status, date and reference."""
    details = [str(line.decided)] if line.decided else []
    details += [line.reference] if line.reference else []
    return status + (" " + ", ".join(details) if details else "")


def condition_loops(project: Project) -> list[int]:
    """Indexes of lines whose conditions lead back to their own financier."""
    depends: dict[str, set[str]] = {}
    for line in project.financing:
        if line.condition:
            depends.setdefault(line.financier, set()).add(line.condition)

    def reaches(start: str, goal: str) -> bool:
        stack, seen = [start], set()
        while stack:
            current = stack.pop()
            if current == goal:
                return True
            if current not in seen:
                seen.add(current)
                stack.extend(depends.get(current, ()))
        return False

    return [line.index for line in project.financing if line.condition and reaches(line.condition, line.financier)]


def split_periods(amounts: Mapping[K, int], shares: Sequence[Fraction]) -> list[dict[K, int]]:
    """A line's amount per period (in the mapping's order: months in time order) split by ``shares``, exactly.

    Returns one ``{period: öre}`` per share. Every period's pieces add up to that
    period's amount, so quarters and years (sums of months) add up too. Like
    :func:`jobbsats.periods.periodise`, the rounding is done on the running
    total: the members' amounts up to the end of each period are the running
    total split by :func:`~jobbsats.apportion.largest_remainder`, and a
    member's piece of a period is the difference between two such splits. So
    each member's periods add up to the largest-remainder split of the whole
    amount (within one öre of its exact share), not to a drift of many
    roundings. Should the method's paradox ever give a member less up to a
    period than before (only possible for pieces below an öre or so), that
    period alone is split on its own by largest remainder instead, and the
    running split resumes from what was handed out.
    """
    if not shares:
        return []
    out: list[dict[K, int]] = [{} for _ in shares]
    handed = [0] * len(shares)  # what each member has had so far
    running = 0
    for key in amounts:
        running += amounts[key]
        target = largest_remainder(running, shares)
        pieces = [t - h for t, h in zip(target, handed, strict=True)]
        if any(p < 0 for p in pieces):
            pieces = largest_remainder(amounts[key], shares)
        for i, piece in enumerate(pieces):
            out[i][key] = piece
            handed[i] += piece
    return out
