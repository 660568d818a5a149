"""Run the scenario's rules, year by year, into a checked plan of allocations.

Everything here is pure: nothing touches the ledger until the whole plan has
been computed and checked, so a rule that fails halfway leaves no trace.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import NamedTuple, cast

from jobbsats import guard
from jobbsats.allocation import (
    ACTIONS,
    Allocation,
    Carry,
    FundContext,
    PeriodResult,
    ProjectContext,
    ProjectPeriod,
    RuleResult,
    check_text,
)
from jobbsats.config.checks import line_problem
from jobbsats.config.names import name_problem
from jobbsats.contracts import FundRule, ProjectRule
from jobbsats.errors import InputError, PluginError, Problem, shown
from jobbsats.guard import NOTHING_WRITTEN
from jobbsats.ledger.reader import LedgerReader
from jobbsats.money import KRONOR, MAX_ORE, format_units
from jobbsats.registry import Registry
from jobbsats.scenario import RuleSpec, Scenario


# The plan's records are named tuples, not dataclasses: thousands are made for a large scenario, and a
# named tuple is made (and its class created, which every command pays for) in a fraction of the time.
class PlannedAllocation(NamedTuple):
    year: int
    fund: str
    rule: str
    rule_index: int
    rule_label: str
    point: int
    allocation: Allocation


class PlannedCarry(NamedTuple):
    """An earlier year's money a rule carried into ``year`` (see :class:`jobbsats.Carry`)."""

    year: int
    fund: str
    rule: str
    rule_index: int
    rule_label: str
    point: int
    carry: Carry


class RoundingDifference(NamedTuple):
    """What a rule's per-line rounding added to (or took from) the amount it split."""

    fund: str
    year: int
    rule_index: int
    rule_label: str
    split: int
    difference: int


@dataclass
class Plan:
    scenario: Scenario
    years: list[int]
    allocations: list[PlannedAllocation] = field(default_factory=list)
    carried: list[PlannedCarry] = field(default_factory=list)
    unallocated: dict[tuple[str, int], int] = field(default_factory=dict)
    differences: list[RoundingDifference] = field(default_factory=list)
    plugins_used: set[str] = field(default_factory=set)
    # Each project's financing lines by month, from the rules that follow projects; keyed by
    # (project, line, year, month). Also which rule entry periodised each project.
    periods: dict[tuple[str, int, int, int], int] = field(default_factory=dict)
    periodised_by: dict[str, RuleSpec] = field(default_factory=dict)
    # What the rules read of the ledger, to be recorded with the run and checked still current when it is written.
    ledger: LedgerReader | None = None


def compute(
    scenario: Scenario,
    registry: Registry,
    problems: list[Problem] | None = None,
    only_year: int | None = None,
    ledger: LedgerReader | None = None,
) -> Plan:
    """Apply every rule in file order for every year that has a total.

    Raises :class:`InputError` for the problems the rules report, together with
    any ``problems`` found while loading (see :func:`jobbsats.config.load.check_scenario`),
    and :class:`PluginError` when a rule raises, returns something malformed or
    takes more than the fund has left. With ``only_year``, only that year is computed. ``ledger``
    is what rules may read of the ledger (``context.ledger``); without it they read an empty one.
    """
    if ledger is None:
        ledger = LedgerReader(scenario.name, lambda: None)
    plan = Plan(scenario, years=[only_year] if only_year is not None else scenario.years, ledger=ledger)
    problems = list(problems or [])
    found: list[tuple[int, RuleSpec, Allocation | Carry]] = []
    for year in plan.years:
        start = len(found)  # where this year's allocations begin
        available = {fid: f.totals[year] for fid, f in scenario.funds.items() if year in f.totals}
        for spec in scenario.rules:
            rule = registry.rules[spec.rule]
            owner = registry.owner[("rule", spec.rule)]
            fail = _blame(scenario, spec, registry)
            if isinstance(rule, ProjectRule):
                plan.plugins_used.add(owner)
                project_context = ProjectContext(scenario, spec, year, ledger)
                answer = _call(registry, spec, scenario, "periodise", year, partial(rule.periodise, project_context))
                problems += _take_periods(answer, spec, year, plan, fail)
                continue
            if spec.fund not in available or (spec.years and year not in spec.years):
                continue
            plan.plugins_used.add(owner)
            context = FundContext(scenario, spec, scenario.funds[spec.fund], year, available[spec.fund], ledger)
            allocate = partial(cast(FundRule, rule).allocate, context)
            result = _call(registry, spec, scenario, "allocate", year, allocate)
            unit = scenario.funds[spec.fund].unit
            _check_shape(result, scenario, year, available[spec.fund], unit, fail)
            _check_carried(result, scenario, year, unit, fail)
            if result.problems:
                problems += result.problems
                continue
            taken = sum(a.amount for a in result.allocations if a.via is None)
            difference = result.rounding_difference
            consumed = taken - difference  # per-line rounding may give a little more or less than it split
            if consumed > available[spec.fund]:
                # A rule must report overspending as a Problem itself; taking it is a bug.
                raise fail(
                    f"allocated {format_units(consumed, unit, ' ')} for {year}, more than the "
                    f"{format_units(available[spec.fund], unit, ' ')} left in fund {spec.fund!r}"
                )
            problems += _check_pass_through(result.allocations, spec, year, unit)
            # A rule uses up what it split; rows rounded above or below that are its declared,
            # reported difference (bounded by half a unit a line), never taken from later rules.
            available[spec.fund] -= consumed
            if difference:
                plan.differences.append(
                    RoundingDifference(spec.fund, year, spec.index, spec.title, result.split, difference)
                )
            # An allocation of 0 kr decides nothing: it gets no row and no decision point. Carried money
            # follows the allocations of its rule; it comes on top of the total, so it takes nothing here.
            found += [(year, spec, a) for a in result.allocations if a.amount]
            found += [(year, spec, c) for c in result.carried]
        for fid, left in available.items():
            plan.unallocated[(fid, year)] = left
        if available:  # this run decides the year: a rule of a later year reads it from here, not the ledger
            ledger.decided(year, [_own_row(spec.fund, given) for _, spec, given in found[start:]])
    if problems:
        raise InputError(scenario.source, problems)
    if only_year is None:
        _check_conservation(plan, registry)

    points = _number_points(found, scenario.decision.first_point)
    plan.allocations = [
        PlannedAllocation(year, spec.fund, spec.rule, spec.index, spec.title, points[(year, a.source)], a)
        for year, spec, a in found
        if isinstance(a, Allocation)
    ]
    plan.carried = [
        PlannedCarry(year, spec.fund, spec.rule, spec.index, spec.title, points[(year, c.source)], c)
        for year, spec, c in found
        if isinstance(c, Carry)
    ]
    return plan


def _own_row(fund: str, given: Allocation | Carry) -> tuple[str, str, str | None, str, int]:
    """What the run gives, as the ledger reader sums it: (fund, to, from, purpose, amount)."""
    via = given.via if isinstance(given, Allocation) else None
    return (fund, given.to, via, given.label, given.amount)


def _call(registry: Registry, spec: RuleSpec, scenario: Scenario, hook: str, year: int, step):
    return registry.call(
        step, "rule", spec.rule, f"{hook}()", where=_where(scenario, spec), about=f"for {year}", note=NOTHING_WRITTEN
    )


def _where(scenario: Scenario, spec: RuleSpec) -> str:
    return f"{scenario.source}: {spec.path}: rule {spec.rule!r}"


def _take_periods(
    result: object, spec: RuleSpec, year: int, plan: Plan, fail: Callable[[str], PluginError]
) -> list[Problem]:
    """Check a project rule's answer for one year and add its months to the plan; return its problems."""
    scenario, periods = plan.scenario, plan.periods
    if not isinstance(result, PeriodResult):
        raise fail(f"returned {type(result).__name__} from periodise(), not a PeriodResult")
    if not isinstance(result.periods, list) or not isinstance(result.problems, list):
        raise fail("must return its periods and problems as lists")
    for p in result.problems:
        if not isinstance(p, Problem):
            raise fail(f"returned {type(p).__name__} among its problems, not a Problem")
    for piece in result.periods:
        if not isinstance(piece, ProjectPeriod):
            raise fail(f"returned {type(piece).__name__} among its periods, not a ProjectPeriod")
        project = scenario.projects.get(piece.project) if isinstance(piece.project, str) else None
        if project is None:
            raise fail(f"returned a period for unknown project {piece.project!r}")
        numbers = (piece.line, piece.year, piece.month, piece.amount)
        if any(isinstance(n, bool) or not isinstance(n, int) for n in numbers):
            raise fail(
                f"returned a period of project {piece.project!r} whose line, year, month or amount is no integer"
            )
        if not 0 <= piece.line < len(project.financing):
            raise fail(f"returned a period for line {piece.line} of project {piece.project!r}, which has no such line")
        first, last = (project.start.year, project.start.month), (project.end.year, project.end.month)
        if piece.year != year or not 1 <= piece.month <= 12 or not first <= (piece.year, piece.month) <= last:
            raise fail(
                f"returned a period {piece.year}-{piece.month:02d} for project {piece.project!r} when asked for "
                f"{year}; the project runs {project.start} to {project.end}"
            )
        if not 0 <= piece.amount <= MAX_ORE:
            raise fail(f"returned the amount {piece.amount} öre for project {piece.project!r}, outside 0..{MAX_ORE}")
        key = (piece.project, piece.line, piece.year, piece.month)
        if key in periods:
            raise fail(f"returned project {piece.project!r} line {piece.line} for {year}-{piece.month:02d} twice")
        periods[key] = piece.amount
        plan.periodised_by[piece.project] = spec
    return result.problems


def _check_conservation(plan: Plan, registry: Registry) -> None:
    """Every periodised line must add up to its amount, to the öre (every year of a project is computed)."""
    sums: dict[tuple[str, int], int] = defaultdict(int)
    for (project, index, _year, _month), amount in plan.periods.items():
        sums[(project, index)] += amount
    for (project_id, index), total in sums.items():
        line = plan.scenario.projects[project_id].financing[index]
        if total != line.amount:
            raise _blame(plan.scenario, plan.periodised_by[project_id], registry)(
                f"spread line {index} of project {project_id!r} into months that add up to {total} öre, "
                f"not its amount of {line.amount} öre"
            )


def _number_points(found: list[tuple[int, RuleSpec, Allocation | Carry]], first: int) -> dict[tuple[int, str], int]:
    """Each year's decision is numbered on its own, from ``first``, without gaps.

    Within a year the points follow the file: rule by rule, in the order each
    rule returned its allocations.
    """
    points: dict[tuple[int, str], int] = {}
    per_year: dict[int, int] = defaultdict(lambda: first)
    for year, _spec, alloc in found:
        points[(year, alloc.source)] = per_year[year]
        per_year[year] += 1
    return points


def _blame(scenario: Scenario, spec: RuleSpec, registry: Registry) -> Callable[[str], PluginError]:
    """An error naming the file, the rule entry, the rule and the plugin that brought it."""
    owner = registry.owner[("rule", spec.rule)]

    def fail(what: str) -> PluginError:
        return guard.failure(
            owner,
            f"{what}. {NOTHING_WRITTEN}",
            where=_where(scenario, spec),
            distribution=registry.distribution(owner),
        )

    return fail


def _smallest(unit: str) -> str:
    """The ledger's integer unit for a fund: öre for kronor, else the thing it counts."""
    return "öre" if unit == KRONOR else unit


def _check_shape(
    result: object, scenario: Scenario, year: int, available: int, unit: str, fail: Callable[[str], PluginError]
) -> None:
    """Refuse a malformed answer from a rule plugin, naming it: its texts as a scenario file's are checked (no
    control character, no bidirectional control: they go into a decision paper), its years around ``year``."""

    if not isinstance(result, RuleResult):
        raise fail(f"returned {type(result).__name__} from allocate(), not a RuleResult")
    if not isinstance(result.allocations, list) or not isinstance(result.problems, list):
        raise fail("must return its allocations and problems as lists")
    sources = set()
    recipients = scenario.recipients
    sound_labels: set[str] = {""}  # a rule gives most of its allocations one label: each is checked once
    # Thousands of allocations in a large run: each check reads a field once, and the common case (an exact
    # int, no agreements, no text) is decided by the first test of each.
    for a in result.allocations:
        if not isinstance(a, Allocation):
            raise fail(f"returned {type(a).__name__} among its allocations, not an Allocation")
        source, label, agreements, text, amount = a.source, a.label, a.agreements, a.text, a.amount
        if not isinstance(source, str):
            raise fail(f"returned an allocation whose source is {type(source).__name__}, not text")
        if not isinstance(label, str):
            raise fail(f"returned an allocation whose label is {type(label).__name__}, not text")
        if label not in sound_labels:
            if problem := _text_problem(label):
                raise fail(f"returned an allocation whose label {problem}")
            sound_labels.add(label)
        if not isinstance(agreements, tuple) or (agreements and not all(isinstance(x, str) for x in agreements)):
            raise fail("returned an allocation whose agreements are not a tuple of text")
        for agreement in agreements:
            if problem := _text_problem(agreement):
                raise fail(f"returned an allocation whose agreement {problem}")
        if text is not None and (not isinstance(text, str) or check_text(text, source)):
            raise fail(f"returned an allocation with a text template that is not valid: {text!r}")
        if text is not None and (problem := _text_problem(text)):
            raise fail(f"returned an allocation whose text template {problem}")
        recurring = a.recurring
        if recurring is not None and not (
            type(recurring) is tuple
            and len(recurring) == 2
            and all(type(y) is int for y in recurring)
            and recurring[0] <= year <= recurring[1]
        ):
            raise fail(
                f"returned an allocation for {year} recurring over {shown(recurring)}, not (first, last) years "
                f"as integers with {year} between them"
            )
        if source in sources:
            raise fail(f"returned two allocations from the same source {source!r} (each is one decision point)")
        sources.add(source)
        if type(amount) is not int and (isinstance(amount, bool) or not isinstance(amount, int)):
            raise fail(f"returned an amount of type {type(amount).__name__}; amounts are integer {_smallest(unit)}")
        if not 0 <= amount <= MAX_ORE:
            raise fail(f"returned the amount {amount} {_smallest(unit)}, outside 0..{MAX_ORE}")
        to, via = a.to, a.via
        if to is not None and to not in recipients:
            raise fail(f"allocated to unknown recipient {to!r}")
        if via is not None and via not in recipients:
            raise fail(f"allocated to unknown recipient {via!r}")
        if a.action not in ACTIONS:
            raise fail(f"used the action {a.action!r} (known: {', '.join(ACTIONS)})")
    for p in result.problems:
        if not isinstance(p, Problem):
            raise fail(f"returned {type(p).__name__} among its problems, not a Problem")
    _check_rounding(result, available, _smallest(unit), fail)


def _text_problem(text: str) -> str | None:
    """Why a text a rule gives cannot go into a decision paper, held as the scenario file's texts are: one line
    (:func:`~jobbsats.config.checks.line_problem`), no bidirectional control (``names.name_problem``)."""
    problem = line_problem(text)
    return f"{shown(text)} {problem}" if problem else name_problem(text)


def _check_carried(
    result: RuleResult, scenario: Scenario, year: int, unit: str, fail: Callable[[str], PluginError]
) -> None:
    """Refuse malformed carried money: every field typed, a known recipient, an earlier year, one per source."""
    if not isinstance(result.carried, list):
        raise fail("must return its carried money as a list")
    sources = {a.source for a in result.allocations}
    for c in result.carried:
        if not isinstance(c, Carry):
            raise fail(f"returned {type(c).__name__} among its carried money, not a Carry")
        if not all(isinstance(v, str) for v in (c.source, c.label)) or not (c.text is None or isinstance(c.text, str)):
            raise fail("returned carried money whose source, label or text is not text")
        for name, value in (("label", c.label or None), ("text", c.text)):  # no label: the fund's own purpose
            if value is not None and (problem := _text_problem(value)):
                raise fail(f"returned carried money whose {name} {problem}")
        if c.text is not None and check_text(c.text, c.source):
            raise fail(f"returned carried money with a text template that is not valid: {c.text!r}")
        numbers = (c.amount, c.from_year)
        if any(isinstance(n, bool) or not isinstance(n, int) for n in numbers):
            raise fail(f"returned carried money whose amount or year is no integer; amounts are {_smallest(unit)}")
        if not c.amount or abs(c.amount) > MAX_ORE:
            raise fail(
                f"returned carried money of {c.amount} {_smallest(unit)}, not a non-zero amount within ±{MAX_ORE}"
            )
        if c.to not in scenario.recipients:
            raise fail(f"carried money to unknown recipient {c.to!r}")
        if not c.from_year < year:
            raise fail(f"carried money into {year} from {c.from_year}, which is not an earlier year")
        if c.source in sources:
            raise fail(f"returned two decisions from the same source {c.source!r} (each is one decision point)")
        sources.add(c.source)


def _check_rounding(result: RuleResult, available: int, smallest: str, fail: Callable[[str], PluginError]) -> None:
    """A declared per-line rounding difference must be one a real rounding could make."""
    numbers = (result.split, result.rounding_difference, result.rounding_unit)
    if any(isinstance(n, bool) or not isinstance(n, int) for n in numbers):
        raise fail("declared its split, rounding difference and rounding unit with values that are not integers")
    difference = result.rounding_difference
    if not difference:
        return
    if not 0 <= result.split <= available:
        raise fail(f"declared that it split {result.split} {smallest}, outside 0..{available} (what was left)")
    taken = sum(a.amount for a in result.allocations if a.via is None)
    if taken - difference != result.split:
        raise fail(
            f"declared a rounding difference of {difference} {smallest} on {result.split} split, "
            f"but its allocations add up to {taken}"
        )
    if result.rounding_unit <= 0:
        raise fail("declared a rounding difference without the rounding unit that made it")
    # Each line rounded on its own is off by at most half a unit.
    bound = len(result.allocations) * result.rounding_unit // 2
    if abs(difference) > bound:
        raise fail(
            f"declared a rounding difference of {difference} {smallest}, more than "
            f"{len(result.allocations)} lines rounded to {result.rounding_unit} {smallest} can make"
        )


def _check_pass_through(allocations: list[Allocation], spec: RuleSpec, year: int, unit: str) -> list[Problem]:
    """Money passed on by a recipient must come out of what it got from this rule."""
    received: dict[str, int] = defaultdict(int)
    passed: dict[str, int] = defaultdict(int)
    for a in allocations:
        if a.via is None:
            received[a.to] += a.amount
        else:
            passed[a.via] += a.amount
    return [
        Problem(
            spec.path,
            f"{via!r} passes on {format_units(out, unit, ' ')} in {year} "
            f"but receives only {format_units(received[via], unit, ' ')}",
        )
        for via, out in passed.items()
        if out > received[via]
    ]
