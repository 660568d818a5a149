"""What a rule plugin is, and what it gives back.

A rule is a pure computation: given its own entry of the scenario file and the
money an earlier rule left in the fund for one year, it returns allocations and
problems (errors are values, as in beancount's plugins). The core checks what
every rule returns before anything is written, and runs the rules in the order
the scenario file lists them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from string import Template
from typing import Any, Protocol, runtime_checkable

from jobbsats.errors import Problem, key_path, shorten
from jobbsats.money import AmountError, to_units
from jobbsats.scenario import Fund, RuleSpec, Scenario

ACTIONS = ("tilldelar", "överför", "beviljar")


@dataclass(frozen=True)
class Allocation:
    """One amount to one recipient, for one year.

    :param to: the recipient's id, as in ``[recipients]``
    :param amount: integer öre, never negative
    :param source: the key path of the config line it comes from (``rules[0].lines[1]``);
        one allocation per source and year, each its own decision point
    :param label: what the money is for ("Ung i sommar"); empty means the fund's own purpose
    :param action: the verb of the decision point: ``tilldelar``, ``överför`` or ``beviljar``
    :param via: ``None`` when the money comes straight from the fund; otherwise
        the recipient that passes on part of what it got (a grant out of its ram)
    :param recurring: ``(first, last)`` when the line is decided "årligen" over those years
    :param agreements: agreement case numbers the payment follows (``STK-2023-1150``)
    :param text: a custom wording for the decision point (``string.Template`` with
        ``$decider $recipient $amount $years $purpose $wording $fund $agreements $via``)
    """

    to: str
    amount: int
    source: str
    label: str = ""
    action: str = "tilldelar"
    via: str | None = None
    recurring: tuple[int, int] | None = None
    agreements: tuple[str, ...] = ()
    text: str | None = None


# The placeholders a custom decision text (``text = "..."``) may use.
TEXT_FIELDS = ("decider", "recipient", "amount", "years", "purpose", "wording", "fund", "agreements", "via")


def check_text(text: str, path: str) -> list[Problem]:
    """A custom wording must use known placeholders only, so no "$typo" reaches a decision paper."""
    try:
        Template(text).substitute(dict.fromkeys(TEXT_FIELDS, ""))
    except KeyError as exc:
        known = ", ".join(f"${f}" for f in TEXT_FIELDS)
        return [Problem(path, f"unknown placeholder ${exc.args[0]} (known: {known})")]
    except ValueError:
        return [Problem(path, "has a $ that starts no placeholder (write $$ for a dollar sign)")]
    return []


def unknown_recipient(rid: str, path: str, scenario: Scenario) -> Problem:
    """The problem for a recipient id the scenario does not define, listing the ones it does."""
    known = sorted(scenario.recipients)
    listed = ", ".join(known[:20]) + (", ..." if len(known) > 20 else "")
    return Problem(path, f"unknown recipient {shorten(rid)!r} (recipients: {listed})")


@dataclass(frozen=True)
class ProjectPeriod:
    """The part of a project's financing line that falls in one calendar month.

    :param project: the project's id, as in ``[projects]``
    :param line: the index of the line in the project's ``financing`` list
    :param year: the calendar year, which must be the context's year
    :param month: 1-12
    :param amount: integer öre, never negative; a line's months add up to its amount
    """

    project: str
    line: int
    year: int
    month: int
    amount: int


@dataclass(frozen=True)
class RuleContext:
    """What a rule sees for one year of one fund (``fund`` is None for a rule that follows projects)."""

    scenario: Scenario
    spec: RuleSpec
    fund: Fund | None
    year: int
    available: int  # the fund's total for the year less what earlier rules took (0 without a fund)


@dataclass
class RuleResult:
    """A rule's answer: allocations, and problems that stop the run.

    A rule that rounds line by line (as papers often do by hand) declares what
    its rounding added: ``split`` is the amount it split and
    ``rounding_difference`` what its allocations add up to beyond it
    (negative when they fall short), and ``rounding_unit`` the unit it
    rounded each line to. The core checks that the difference is one such
    rounding can make, then records and reports it instead of refusing the run
    or absorbing it silently.
    """

    allocations: list[Allocation] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    periods: list[ProjectPeriod] = field(default_factory=list)  # a project rule's months for this year
    split: int = 0
    rounding_difference: int = 0
    rounding_unit: int = 0  # the unit each line was rounded to; bounds the difference


@runtime_checkable
class Rule(Protocol):
    """The interface of an allocation rule.

    ``name`` is what a scenario writes as ``rule = "..."``; ``schema`` is the
    Cerberus schema of the keys the rule adds to its ``[[rules]]`` entry (the core
    already knows ``rule``, ``fund`` and ``label``).

    A rule that follows projects instead of drawing from a fund sets
    ``uses_fund = False``: it is then called once for every year of the
    scenario, with ``context.fund`` None, and answers with ``periods``
    (see :class:`ProjectPeriod`) instead of allocations.
    """

    name: str
    description: str
    schema: dict[str, Any]

    def check(self, spec: RuleSpec, scenario: Scenario) -> list[Problem]:
        """Static checks once per scenario (unknown recipients, keys not summing to 100 %...).

        Paths in the returned problems are full key paths (start from ``spec.path``).
        """
        ...

    def allocate(self, context: RuleContext) -> RuleResult:
        """Allocate from ``context.available`` for ``context.year``."""
        ...


def uses_fund(rule: object) -> bool:
    """Whether a rule draws from a fund (the default) or follows projects (``uses_fund = False``)."""
    return getattr(rule, "uses_fund", True) is not False


_SPAN = re.compile(r"^\s*(\d{4})\s*(?:[-\u2013]\s*(\d{4})\s*)?$")


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
            raise ValueError(f"{value!r}: the span ends before it starts")
        years = list(range(first, last + 1))
    else:
        shown = repr(value) if isinstance(value, str) else str(value)
        raise ValueError(f'{shown} is not a year or a span like "2024-2026"')
    if not all(1900 <= y <= 2200 for y in years):
        raise ValueError(f"{value!r}: years must be between 1900 and 2200")
    return years


YEARS_SCHEMA = {"check_with": "years"}


# The keys of a rule that rounds: to what unit, and how (see jobbsats.apportion).
ROUNDING_SCHEMA = {
    "round_to": {"check_with": "money"},
    "rounding": {"type": "string", "allowed": ["largest_remainder", "per_line"]},
}


def rounding_unit(spec: RuleSpec, fund: Fund) -> int:
    """``round_to`` in the fund's integer unit (öre, or whole places); default one krona or one place."""
    return to_units(spec.config.get("round_to", 1), fund.unit)


def rounding_problems(spec: RuleSpec, scenario: Scenario) -> list[Problem]:
    """``round_to`` must be a whole, positive number of the fund's unit."""
    fund = scenario.funds.get(spec.fund)
    if fund is None:
        return []
    try:
        if rounding_unit(spec, fund) <= 0:
            return [Problem(f"{spec.path}.round_to", "must be more than 0")]
    except AmountError as exc:  # kronor were checked by the schema; whole units are checked here
        return [Problem(f"{spec.path}.round_to", str(exc))]
    return []


def unknown_recipients(spec: RuleSpec, key: str, scenario: Scenario) -> list[Problem]:
    """A problem for every id in the table ``key`` of the rule's entry that is not a recipient."""
    return [
        unknown_recipient(rid, key_path(f"{spec.path}.{key}", rid), scenario)
        for rid in spec.config[key]
        if rid not in scenario.recipients
    ]


def shares_result(spec: RuleSpec, key: str, shares: list[int], split: int, unit: int) -> RuleResult:
    """The result of a rule that gave each id of its table ``key`` a share of ``split``.

    Each share is an allocation from the config line of its id; any difference
    between the shares and ``split`` (per-line rounding) is declared with it.
    """
    return RuleResult(
        allocations=[
            Allocation(
                to=rid, amount=share, source=key_path(f"{spec.path}.{key}", rid), label=spec.config.get("purpose", "")
            )
            for rid, share in zip(spec.config[key], shares, strict=True)
        ],
        split=split,
        rounding_difference=sum(shares) - split,
        rounding_unit=unit,
    )
