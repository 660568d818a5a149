"""What a rule gets and what it gives back.

A fund rule is asked once per year of its fund with a :class:`FundContext` and
answers with a :class:`RuleResult` of :class:`Allocation` s; a project rule is
asked once per year of the scenario with a :class:`ProjectContext` and answers
with a :class:`PeriodResult` of :class:`ProjectPeriod` s. Problems with the input
are values (:class:`~jobbsats.errors.Problem`), as in beancount's plugins. The
core checks every answer before anything is written.

Every amount a rule sees or gives is an integer in its fund's unit: öre for a
fund in kronor, whole units for a fund that counts something else (platser).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from jobbsats.errors import Problem
from jobbsats.scenario import Fund, RuleSpec, Scenario

if TYPE_CHECKING:
    from jobbsats.ledger.reader import LedgerReader

ACTIONS = ("tilldelar", "överför", "beviljar")


@dataclass(frozen=True, init=False)  # the __init__ below is the one dataclass would write, made faster
class Allocation:
    """One amount to one recipient, for one year.

    :param to: the recipient's id, as in ``[recipients]``
    :param amount: an integer in the fund's unit (öre, or whole places), never negative
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

    def __init__(
        self,
        to: str,
        amount: int,
        source: str,
        label: str = "",
        action: str = "tilldelar",
        via: str | None = None,
        recurring: tuple[int, int] | None = None,
        agreements: tuple[str, ...] = (),
        text: str | None = None,
    ):
        # The frozen dataclass's own __init__ sets each of the nine fields through object.__setattr__ (~3 µs an
        # allocation, and a large run makes thousands); one update of the instance's dict sets the same in ~1.7.
        # A plugin's subclass is set as the generated one would, through any descriptor it defines.
        # tests/test_api.py holds this one to the generated one: the same signature, fields and behaviour.
        fields = {
            "to": to,
            "amount": amount,
            "source": source,
            "label": label,
            "action": action,
            "via": via,
            "recurring": recurring,
            "agreements": agreements,
            "text": text,
        }
        if type(self) is Allocation:
            self.__dict__.update(fields)
        else:
            for name, value in fields.items():
                object.__setattr__(self, name, value)


# The placeholders a custom decision text (``text = "..."``) may use.
TEXT_FIELDS = ("decider", "recipient", "amount", "years", "purpose", "wording", "fund", "agreements", "via")


def check_text(text: str, path: str, fields: tuple[str, ...] = TEXT_FIELDS) -> list[Problem]:
    """A custom wording must use known placeholders only (``fields``; a fixed line's by default), so no
    "$typo" reaches a decision paper."""
    from string import Template  # only a rule with a custom wording needs it (its import compiles a pattern)

    try:
        Template(text).substitute(dict.fromkeys(fields, ""))
    except KeyError as exc:
        known = ", ".join(f"${f}" for f in fields)
        return [Problem(path, f"unknown placeholder ${exc.args[0]} (known: {known})")]
    except ValueError:
        return [Problem(path, "has a $ that starts no placeholder (write $$ for a dollar sign)")]
    return []


@dataclass(frozen=True)
class Carry:
    """Money a recipient brings into the year from an earlier year of the fund (överföring).

    Its unspent money (``amount`` above 0) or, where decided, its overspend (below 0, taken off
    the year). It is the earlier year's money, not this year's: it comes on top of the fund's
    total for the year and takes nothing from what is left for the rules after.

    :param to: the recipient's id
    :param amount: signed, in the fund's unit; never 0
    :param source: the key path it comes from, one per recipient and year; its own decision point
    :param from_year: the year the money was left over (or overspent) in, before the context's year
    :param label: what the money is for; empty means the fund's own purpose
    :param text: a custom wording for the decision point, as for :class:`Allocation`
    """

    to: str
    amount: int
    source: str
    from_year: int
    label: str = ""
    text: str | None = None


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
class FundContext:
    """What a fund rule sees for one year of its fund.

    :param scenario: the whole scenario: ``.recipients``, ``.funds``, ``.decision``, ``.years``
    :param spec: the rule's own ``[[rules]]`` entry; money keys declared with
        :data:`jobbsats.MONEY` arrive in ``spec.config`` as integers in the fund's unit
    :param fund: the fund drawn from (``.id``, ``.name``, ``.unit``, ``.totals``)
    :param year: the year being allocated
    :param available: what is left in the fund this year after the rules before,
        in the fund's unit
    :param ledger: the same scenario's earlier runs and current utfall, read-only
        (see :class:`jobbsats.LedgerReader`); what a rule reads is recorded with the run
    """

    scenario: Scenario
    spec: RuleSpec
    fund: Fund
    year: int
    available: int
    ledger: LedgerReader

    @property
    def round_to(self) -> int:
        """The unit to round each share to, in the fund's unit: the entry's ``round_to``,
        else one whole krona (100 öre) or one whole place."""
        value = self.spec.config.get("round_to")
        return value if isinstance(value, int) and not isinstance(value, bool) else self.fund.one


@dataclass(frozen=True)
class ProjectContext:
    """What a project rule sees for one year of the scenario (it draws from no fund).

    :param scenario: the whole scenario; ``.projects`` holds the financing plans
    :param spec: the rule's own ``[[rules]]`` entry
    :param year: the year being periodised
    :param ledger: as for :class:`FundContext`
    """

    scenario: Scenario
    spec: RuleSpec
    year: int
    ledger: LedgerReader


@dataclass
class RuleResult:
    """A fund rule's answer: allocations, and problems that stop the run.

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
    carried: list[Carry] = field(default_factory=list)  # earlier years' money, on top of the year's total
    split: int = 0
    rounding_difference: int = 0
    rounding_unit: int = 0  # the unit each line was rounded to; bounds the difference


@dataclass
class PeriodResult:
    """A project rule's answer: the months of this year's financing lines, and problems."""

    periods: list[ProjectPeriod] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
