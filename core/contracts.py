"""The interfaces a plugin implements: fund rules, project rules, reports and output formats.

Each is a small :class:`typing.Protocol`; a plugin's class needs no base class,
only the members listed. ``register(obj)`` in a ``register_*`` hook checks them
and names whatever is missing.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

if TYPE_CHECKING:
    from jobbsats.allocation import FundContext, PeriodResult, ProjectContext, RuleResult
    from jobbsats.document import Document
    from jobbsats.errors import Problem
    from jobbsats.ledger.view import LedgerView
    from jobbsats.scenario import RuleSpec, Scenario


@runtime_checkable
class FundRule(Protocol):
    """A rule that allocates from what is left in a fund, year by year.

    ``name`` is what a scenario writes as ``rule = "..."``; ``schema`` is the
    Cerberus schema of the keys the rule adds to its ``[[rules]]`` entry (the
    core already knows ``rule``, ``fund``, ``label`` and ``years``). A key
    declared with :data:`jobbsats.MONEY` arrives in ``spec.config`` as an integer
    in the fund's unit: öre for a fund in kronor, whole places for a fund of places.
    """

    name: str
    description: str
    schema: dict[str, Any]

    def check(self, spec: RuleSpec, scenario: Scenario) -> list[Problem]:
        """Static checks once per scenario, after the schema passed (unknown recipients,
        keys not summing to 100 %...). Paths in the problems start from ``spec.path``."""
        ...

    def allocate(self, context: FundContext) -> RuleResult:
        """Allocate from ``context.available`` for ``context.year``, in the fund's unit."""
        ...


@runtime_checkable
class ProjectRule(Protocol):
    """A rule that follows co-financed projects instead of drawing from a fund.

    It is asked once for every year of the scenario and answers with the months
    of each financing line that fall in that year (see :class:`jobbsats.ProjectPeriod`);
    ``jobbsats.periodise`` does the exact spreading. A scenario entry of such a
    rule takes no ``fund`` nor ``years``.
    """

    name: str
    description: str
    schema: dict[str, Any]

    def check(self, spec: RuleSpec, scenario: Scenario) -> list[Problem]:
        """As for :meth:`FundRule.check`."""
        ...

    def periodise(self, context: ProjectContext) -> PeriodResult:
        """The months of ``context.year`` of the projects this entry follows."""
        ...


def is_project_rule(rule: object) -> bool:
    """Whether a registered rule follows projects (has ``periodise``) rather than a fund."""
    return callable(getattr(rule, "periodise", None))


@dataclass(frozen=True)
class ReportOption:
    """An option a report takes on the command line: ``--NAME VALUE``.

    :param name: the option's name, ``recipient`` for ``--recipient``
    :param help: one line for ``jobbsats report NAME --help``
    :param type: ``str``, ``int`` or ``bool`` (a flag that takes no value)
    :param multiple: may be given more than once; the report gets a tuple
    :param allowed: the values it takes: a collection, or a function of the
        ledger view giving them (the run's recipients); anything else is refused
        naming the known values
    """

    name: str
    help: str
    type: type = str
    multiple: bool = False
    allowed: Collection[str] | Callable[[LedgerView], Collection[str]] | None = None

    def allowed_values(self, ledger: LedgerView) -> Collection[str] | None:
        return self.allowed(ledger) if callable(self.allowed) else self.allowed


@dataclass(frozen=True)
class ReportOptions:
    """What the user asked a report for: ``year`` (every report takes ``--year``) and the
    values of the report's own options, by name (``options.get("recipient")``)."""

    year: int | None = None
    values: Mapping[str, Any] = field(default_factory=dict)

    def get(self, name: str, default: Any = None) -> Any:
        """The value given for option ``name``: a tuple for a ``multiple`` option, else the value; or ``default``."""
        value = self.values.get(name)
        return default if value is None or value == () else value


# The options the built-in reports share; a plugin's report may list them too.
RECIPIENT_OPTION = ReportOption(
    "recipient",
    "Only this recipient (its id in [recipients]); may be given more than once.",
    multiple=True,
    allowed=lambda ledger: ledger.recipients,
)
FUND_OPTION = ReportOption("fund", "Only this fund (its id in [funds]).", allowed=lambda ledger: ledger.funds)
QUARTERS_OPTION = ReportOption("quarters", "Break years into calendar quarters.", type=bool)


@runtime_checkable
class Report(Protocol):
    """The interface of a report plugin.

    ``options`` (optional) lists the :class:`ReportOption` s it takes besides ``--year``;
    an option it does not declare is refused on the command line, never ignored.
    """

    name: str
    description: str

    def build(self, ledger: LedgerView, options: ReportOptions) -> Document:
        """Read what you need from ``ledger`` (one run of it) and return a document."""
        ...


def options_of(report: object) -> Sequence[ReportOption]:
    """The options a report declares (none when it declares none)."""
    return tuple(getattr(report, "options", ()) or ())


@runtime_checkable
class OutputFormat(Protocol):
    """The interface of an output format (``md``, ``csv``, ``json``, ...)."""

    name: str
    extension: str
    binary: bool

    def render(self, document: Document) -> str | bytes:
        """The whole file's contents for ``document`` (``bytes`` when ``binary``)."""
        ...
