"""``avtal``: the yearly follow-up of agreements with outside organisations.

For every allocation of the run that names agreements (diarienummer such as
STK-2023-1150), per agreement and year: what the run grants, what the
organisation has reported as used, the difference, when the report is due and
whether it has come in (``inkommen``, ``ej inkommen`` or ``försenad``), with
a summary paragraph per agreement. What only the organisations can say comes
from the agreements file named in the scenario's ``[stadskontoret]`` section.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING

from jobbsats import (
    NBSP,
    Column,
    Document,
    InputError,
    LedgerView,
    Problem,
    ReportOptions,
    Table,
    format_kr,
    format_percent,
    round_half_up,
)
from jobbsats_stadskontoret import status
from jobbsats_stadskontoret.schema import SECTION

if TYPE_CHECKING:
    from jobbsats_stadskontoret.agreements import Agreement, AgreementsFile
    from jobbsats_stadskontoret.grants import Grant


def _kr(ore: int) -> str:
    return f"{format_kr(ore)}{NBSP}kr"


def _and(words: list[str]) -> str:
    """``["a", "b", "c"]`` -> ``"a, b och c"``."""
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " och " + words[-1]


def _unique(items) -> list:
    return list(dict.fromkeys(items))


def _sum(amounts) -> int | None:
    """The sum of the amounts that are known; None when none is."""
    known = [a for a in amounts if a is not None]
    return sum(known) if known else None


def used_share(used: int, granted: int) -> Decimal | None:
    """``used`` of ``granted`` in percent, rounded half up to one decimal; None when nothing was granted."""
    if granted <= 0:
        return None
    return Decimal(round_half_up(Fraction(used * 1000, granted))).scaleb(-1)


def agreements_file(ledger: LedgerView) -> AgreementsFile | None:
    """The agreements file named in the run's ``[stadskontoret]`` section, read now; None without one."""
    section = ledger.config.get(SECTION)
    if not section:
        return None
    path = Path(section["agreements"])
    if not path.is_absolute():
        path = ledger.config_folder / path
    if not path.is_file():
        raise InputError(
            ledger.run.config_path,
            [Problem(f"{SECTION}.agreements", f"no such file: {path} (a relative path starts at the scenario file)")],
        )
    from jobbsats_stadskontoret.agreements import read_agreements  # see Avtal.build

    return read_agreements(path)


class Avtal:
    """The ``avtal`` report: per agreement and year, granted, reported as used, difference and report status."""

    name = "avtal"
    description = "Avtal: beviljat, redovisat använt, differens och återrapporteringens status per avtal och år."

    def build(self, ledger: LedgerView, options: ReportOptions) -> Document:
        # Imported here, not at the top: every report command makes this class (jobbsats checks every report it
        # knows), and most of them build another report; reading agreements files and their classes would add
        # some 5 ms to each.
        from jobbsats_stadskontoret.grants import check, pooled, split

        found = agreements_file(ledger)
        agreements = found.agreements if found else {}
        grants = pooled(ledger.allocations())
        # The whole run is checked, not only --year: a file wrong for 2025 is wrong however it is asked.
        problems = check(grants, agreements, ledger.run.id, ledger.years)
        if problems:
            assert found is not None  # without a file there are no agreements to contradict the run
            raise InputError(str(found.path), problems)
        shown = [g for g in split(grants, agreements) if options.year in (None, g.year)]
        lines = [Line(g, agreements, found) for g in shown]
        paragraphs = [self._intro(ledger, found, options)]
        paragraphs += [line.summary() for line in lines]
        return Document(
            report=self.name,
            title=f"Uppföljning av avtal: {ledger.run.scenario}",
            tables=[self._table(lines)],
            paragraphs=paragraphs,
        )

    @staticmethod
    def _intro(ledger: LedgerView, found: AgreementsFile | None, options: ReportOptions) -> str:
        ref = f", beslut {ledger.run.decision.ref}" if ledger.run.decision.ref else ""
        text = f"Avtal med externa organisationer i körning {ledger.run.id} ({ledger.run.scenario}{ref})."
        if found is None:
            text += (
                f" Scenariofilen anger ingen avtalsfil ([{SECTION}] agreements), så motpart, period"
                " och återrapportering är okända."
            )
        else:
            text += f" Uppgifter om avtalen och deras återrapportering ur {found.path.name}"
            text += f", avstämt per {found.as_of}." if found.as_of else "."
        if found is None or found.as_of is None:
            text += (
                " Återrapporteringen stäms av per den 1 mars året efter varje år, när årshjulets"
                " återrapportering i januari/februari är över."
            )
        if not any(a.agreements for a in ledger.allocations(options.year)):
            text += " Körningen beviljar inga medel under avtal" + (f" {options.year}." if options.year else ".")
        return text

    @staticmethod
    def _table(lines: list[Line]) -> Table:
        table = Table(
            name="avtal",
            title="Avtal per år",
            columns=[
                Column("year", "År", "year"),
                Column("agreements", "Avtal"),
                Column("counterpart", "Motpart"),
                Column("period", "Avtalsperiod"),
                Column("granted_ore", "Beviljat (kr)", "money"),
                Column("reported_ore", "Redovisat använt (kr)", "money"),
                Column("difference_ore", "Differens (kr)", "money"),
                Column("used_percent", "Använt (%)", "percent"),
                Column("due", "Sista dag"),
                Column("received", "Inkom"),
                Column("status", "Status"),
            ],
        )
        table.rows = [line.row() for line in lines]
        for year in _unique(line.grant.year for line in lines):
            rows = [r for r in table.rows if r["year"] == year]
            table.totals.append(
                {
                    "year": year,
                    "agreements": f"Summa {year}",
                    # Each total is the sum of its column: a report not in yet adds nothing.
                    "granted_ore": sum(r["granted_ore"] for r in rows),
                    "reported_ore": _sum(r["reported_ore"] for r in rows),
                    "difference_ore": _sum(r["difference_ore"] for r in rows),
                }
            )
        return table


class Line:
    """One row of the report: a grant, with what the agreements file says about its agreements."""

    def __init__(self, grant: Grant, agreements: dict[str, Agreement], found: AgreementsFile | None):
        self.grant = grant
        self.year = grant.year
        self.found = found
        self.members = [agreements.get(c) for c in grant.cases]
        self.known = [m for m in self.members if m is not None]
        self.as_of = found.as_of_for(self.year) if found else status.default_as_of(self.year)
        self.due = {c: (m.due_on(self.year) if m else status.default_due(self.year)) for c, m in self._pairs()}
        self.arrived = {c: bool(m and m.arrived(self.year, self.as_of)) for c, m in self._pairs()}
        self.status = {c: status.status(self.arrived[c], self.due[c], self.as_of) for c in grant.cases}
        self.used = {c: m.reported[self.year] for c, m in self._pairs() if self.arrived[c] and self.year in m.reported}
        self.received = {
            c: m.received[self.year] for c, m in self._pairs() if self.arrived[c] and self.year in m.received
        }

    def _pairs(self):
        return zip(self.grant.cases, self.members, strict=True)

    @property
    def counterpart(self) -> str:
        if len(self.known) == len(self.members):
            return _and(_unique(m.counterpart for m in self.known))
        return _and(_unique(a.to.title for a in self.grant.allocations))

    @property
    def overall(self) -> str:
        statuses = set(self.status.values())
        if statuses == {status.INKOMMEN}:
            return status.INKOMMEN
        return status.FORSENAD if status.FORSENAD in statuses else status.EJ_INKOMMEN

    @property
    def reported(self) -> int | None:
        return sum(self.used.values()) if self.used else None

    @property
    def complete(self) -> bool:
        """Every agreement of the row has reported what it used: only then is there a difference."""
        return len(self.used) == len(self.grant.cases)

    def row(self) -> dict:
        g = self.grant
        used = self.reported if self.complete else None  # complete: every agreement reported, so it is known
        return {
            "year": g.year,
            "agreements": ", ".join(g.cases),
            "counterpart": self.counterpart,
            "period": "; ".join(_unique(m.period for m in self.known)),
            "granted_ore": g.amount,
            "reported_ore": self.reported,
            "difference_ore": g.amount - used if used is not None else None,
            "used_percent": used_share(used, g.amount) if used is not None else None,
            "due": " / ".join(_unique(d.isoformat() for d in self.due.values())),
            "received": " / ".join(
                _unique(
                    m.received[g.year].isoformat() for c, m in self._pairs() if self.arrived[c] and g.year in m.received
                )
            ),
            "status": self.overall,
            "as_of": self.as_of.isoformat(),
            "recipient_id": ", ".join(_unique(a.to.id for a in g.allocations)),
            "sources": g.sources,
        }

    def summary(self) -> str:
        """A paragraph for the follow-up: what was granted and used, and where the report stands."""
        g = self.grant
        period = "; ".join(_unique(m.period for m in self.known))
        about = ", ".join(g.cases) + (f", avtalsperiod {period}" if period else "")
        text = f"{self.counterpart} ({about}) beviljades {_kr(g.amount)} för {g.year}"
        via = _unique(a.via.genitive for a in g.allocations if a.via is not None)
        if via:
            text += f" med finansiering från {_and(via)} ram"
        whole = sum(a.amount for a in g.allocations)
        points = _and(_unique(f"{a.decision_ref} punkt {a.point}".strip() for a in g.allocations))
        text += f" (del av {_kr(whole)} enligt {points})" if whole != g.amount else f" (enligt {points})"
        text += self._used() + " " + self._report_status()
        for m in self.known:
            if g.year not in m.years:
                text += f" Observera att avtal {m.case} löper {m.period}, men körningen beviljar medel under det"
                text += f" {g.year}."
            if m.note:
                text += f" {m.note.rstrip('.')}."
        missing = [c for c, m in self._pairs() if m is None]
        if missing and self.found is not None:
            text += f" {_and(missing)} saknas i {self.found.path.name}."
        return text

    def _used(self) -> str:
        g = self.grant
        used = self.reported
        if not self.complete or used is None:  # complete: every agreement reported, so used is known
            return "."
        if used == g.amount:
            return " och har redovisat hela beloppet som använt."
        if used > g.amount:
            return f" och har redovisat {_kr(used)} som använt, {_kr(used - g.amount)} mer än beviljat."
        percent = used_share(used, g.amount)
        assert percent is not None  # 0 <= used < granted here (reported amounts are never negative)
        share = format_percent(percent)
        return f" och har redovisat {_kr(used)} som använt ({share}); {_kr(g.amount - used)} återstår."

    def _report_status(self) -> str:
        g = self.grant
        if len(g.cases) == 1:
            return self._one(g.cases[0])
        parts = [f"{c} {self._one(c, short=True)}" for c in g.cases]
        return f"Återrapporteringen för {g.year} per avtal: " + "; ".join(parts) + "."

    def _one(self, case: str, short: bool = False) -> str:
        """Where one agreement's report on the row's year stands, in words: a clause, or a sentence."""
        due, state, year = self.due[case], self.status[case], self.grant.year
        report = f"Återrapporteringen för {year}"
        if state == status.INKOMMEN:
            received = self.received.get(case)
            used = f" med {_kr(self.used[case])} redovisat som använt" if short and case in self.used else ""
            late = f", efter sista dag {due}" if received and received > due else f" (sista dag {due})"
            if received is None:
                return f"har kommit in{used}{late}" if short else f"{report} har kommit in{late}."
            return f"inkom {received}{used}{late}" if short else f"{report} inkom {received}{late}."
        checked = f"sista dag {due}, avstämt {self.as_of}"
        if state == status.FORSENAD:
            return f"är försenad ({checked})" if short else f"{report} är försenad ({checked})."
        return f"har inte kommit in ännu ({checked})" if short else f"{report} har inte kommit in ännu ({checked})."
