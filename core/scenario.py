"""The validated scenario: what a configuration file says, as plain data."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from jobbsats.projects import Financier, Project

RECIPIENT_KINDS = ("nämnd", "extern", "projekt")


@dataclass(frozen=True)
class Recipient:
    """A board, an outside organisation or a project that money goes to."""

    id: str
    name: str
    kind: str
    genitive: str

    @property
    def title(self) -> str:
        """The name as it starts a table cell: first letter upper case."""
        return self.name[:1].upper() + self.name[1:]


@dataclass(frozen=True)
class Fund:
    """A pot of money with a total per year, in öre.

    ``assumed`` maps the years whose total no decision gives (an assumption
    for planning) to a note saying so; reports mark those years.
    """

    id: str
    name: str
    wording: str
    totals: dict[int, int]
    assumed: dict[int, str] = field(default_factory=dict)
    shown_in: str = "kr"  # reports state its amounts in kr, tkr or mnkr
    unit: str = "kr"  # kr (amounts in öre), or what it counts in whole units: "platser"

    @property
    def one(self) -> int:
        """One whole unit in the ledger's integers: 100 (öre) for kronor, 1 for what the fund counts."""
        return 100 if self.unit == "kr" else 1


@dataclass(frozen=True)
class RuleSpec:
    """One ``[[rules]]`` entry: which rule, on which fund, with its own keys."""

    index: int
    rule: str
    fund: str
    label: str
    config: dict[str, Any]
    years: tuple[int, ...] | None = None  # None: every year of the fund

    @property
    def path(self) -> str:
        return f"rules[{self.index}]"

    @property
    def title(self) -> str:
        """How reports name the entry: its label, or else the rule's name."""
        return self.label or self.rule


@dataclass(frozen=True)
class Decision:
    """How the decision paper words and numbers its points."""

    ref: str
    decider: str
    preamble: tuple[str, ...] = ()
    closing: tuple[str, ...] = ()
    first_point: int = 1
    date: str = ""  # the day it was decided, YYYY-MM-DD; names a revision of a year's budget


@dataclass
class Scenario:
    source: str
    sha256: str
    text: str
    name: str
    decision: Decision
    recipients: dict[str, Recipient]
    funds: dict[str, Fund]
    rules: list[RuleSpec]
    extra: dict[str, Any] = field(default_factory=dict)
    period: tuple[int, ...] | None = None  # [scenario].years, when given
    financiers: dict[str, Financier] = field(default_factory=dict)
    projects: dict[str, Project] = field(default_factory=dict)
    utfall: dict[str, Any] = field(default_factory=dict)  # the [utfall] section: how booked rows are read and mapped

    @property
    def fund_years(self) -> list[int]:
        """The years the funds cover: the period, or else every year some fund has a total for."""
        if self.period:
            return list(self.period)
        return sorted({y for f in self.funds.values() for y in f.totals})

    @property
    def years(self) -> list[int]:
        """The scenario's years: its period, or else every year a fund has a total for or a project runs in."""
        if self.period:
            return list(self.period)
        years = {y for f in self.funds.values() for y in f.totals}
        years.update(y for p in self.projects.values() for y in p.years)
        return sorted(years)
