"""``beslut``: the numbered "Förslag till beslut" points, worded in Swedish.

Every word that is about a particular city comes from the scenario file: the
decider ("Kommunstyrelsen"), the recipients' names and genitives, the fund's
name and wording ("från kommunstyrelsens anslag till förfogande inom
finansiering"). Only Swedish grammar lives here. A line can bring its own
wording with ``text`` (a ``string.Template``).

With ``--recipient`` or ``--fund`` it is an extract: only the points of those
recipients (a grant passed on is the giver's and the receiver's) or from that
fund, each with its number in the whole decision so the extract cites the same
numbers as the paper, and without the preamble and closing points.

A run that follows projects words their points too, from each financing plan,
after the computed fund points of the first year decided (a run of projects
alone: one decision without a year). The deciding board is the recipient that
``[decision].decider`` names: it takes part in a project where it finances a
line (unless refused or withdrawn), "under förutsättning att ESF beviljar
medel" where every such line depends on another financier's grant; and it
applies for the money together with the owner where the project says
``apply_with_owner = true``. ``text`` and ``apply_text`` reword those points.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from string import Template

from jobbsats.contracts import FUND_OPTION, RECIPIENT_OPTION, ReportOptions
from jobbsats.document import Column, Document, Table
from jobbsats.ledger.view import AllocationRow, CarryRow, LedgerView
from jobbsats.money import KRONOR, format_count, format_kr
from jobbsats.projects import REFUSED
from jobbsats.reports.names import called, listed
from jobbsats.reports.selection import PASSED_ON_NOTE, Selection
from jobbsats.scenario import Recipient

# A project's points as the templates of its ``text`` and ``apply_text`` would write them.
TAKE_PART = "$decider uppdrar åt förvaltningen att medverka i $project $condition."
APPLY = "$decider uppdrar åt förvaltningen att i samverkan med projektägaren $owner ansöka om medel till $project."


def _tidy(text: str) -> str:
    """One space between words: an empty wording or purpose leaves doubled spaces, or one before the full stop."""
    return re.sub(r"\s+([.,])", r"\1", " ".join(text.split()))


def _years(a: AllocationRow) -> str:
    return f"{a.recurring[0]} - {a.recurring[1]}" if a.recurring else str(a.year)


def point_text(a: AllocationRow, decider: str) -> str:
    """The sentence of one decision point (plain spaces, as in the papers)."""
    # "9 000 000 kronor", or "133 platser" for a fund that counts something else.
    if a.fund.unit == KRONOR:
        number = format_kr(a.amount, " ")
        amount = f"{number} kronor"
    else:
        number = format_count(a.amount, " ")
        amount = f"{number} {a.fund.unit}"
    years = ("årligen " if a.recurring else "") + _years(a)
    source = a.fund.wording if a.via is None else f"med finansiering från {a.via.genitive} ram"
    agreements = ", ".join(a.agreements)
    if a.text:
        text = Template(a.text).substitute(
            decider=decider,
            recipient=a.to.name,
            amount=number,
            years=years,
            purpose=a.label,
            wording=source,
            fund=a.fund.name,
            agreements=agreements,
            via=a.via.name if a.via else "",
        )
    elif a.action == "överför":
        text = f"{decider} överför {amount} {years} {source} till {a.to.name}."
    elif a.action == "beviljar":
        terms = f" i enlighet med ingångna avtal ({agreements})" if agreements else ""
        recurring = " årligen" if a.recurring else ""
        text = f"{decider} beviljar {a.to.name} {amount}{recurring}{terms} {_years(a)} {source}."
    elif a.label:
        text = f"{decider} tilldelar {a.to.name} {amount} {years} för {a.label} {source}."
    else:
        text = f"{decider} tilldelar {a.to.name} {amount} {years} {source} för {a.fund.name}."
    return _tidy(text)


def carry_text(c: CarryRow, decider: str) -> str:
    """The sentence of a point that carries an earlier year's money into the year (överföring)."""
    number = format_kr(abs(c.amount), " ")
    purpose = c.label or c.fund.name
    if c.text:
        text = Template(c.text).substitute(
            decider=decider,
            recipient=c.to.name,
            amount=number,
            years=str(c.year),
            purpose=c.label,
            wording=c.fund.wording,
            fund=c.fund.name,
            agreements="",
            via="",
        )
    elif c.amount > 0:
        text = (
            f"{decider} beslutar att {c.to.name} får föra över {number} kronor av {c.from_year} års "
            f"outnyttjade medel till {c.year} för {purpose}."
        )
    else:
        text = (
            f"{decider} beslutar att {c.to.genitive} underskott om {number} kronor av {c.from_year} års "
            f"medel för {purpose} förs över till {c.year} och minskar {c.year} års medel."
        )
    return _tidy(text)


@dataclass(frozen=True)
class ProjectPoint:
    """A decision point about a project; ``board`` is the deciding board, when it is one of the recipients."""

    text: str
    project: str
    board: Recipient | None


def project_points(ledger: LedgerView, decider: str) -> list[ProjectPoint]:
    """The points the run's projects give the deciding board, in file order: applying with the owner, taking part.

    What the file says beyond the ledger's tables (``short``, ``apply_with_owner``, ``text``,
    ``apply_text``) is read from the run's own copy of the scenario file.
    """
    if not ledger.projects:
        return []
    tables = ledger.config.get("projects", {})
    said = " ".join(decider.split()).casefold()
    board = next((r for r in ledger.recipients.values() if " ".join(r.name.split()).casefold() == said), None)
    points = []
    for p in ledger.projects:
        spec = tables.get(p.id, {})
        # The board takes part where it pays a line; on a condition where every such line has one.
        own = [f for f in p.financing if board is not None and f.financier == board.id and f.status not in REFUSED]
        conditions = dict.fromkeys(f.condition for f in own) if all(f.condition for f in own) else {}
        financier = listed([called(ledger, p, c) for c in conditions])
        fields = {
            "decider": decider,
            "project": spec.get("short", p.name),
            "owner": p.owner,
            "case": p.case,
            "financier": financier,
            "condition": f"under förutsättning att {financier} beviljar medel" if financier else "",
        }
        if spec.get("apply_with_owner"):
            points.append(ProjectPoint(_tidy(Template(spec.get("apply_text", APPLY)).substitute(fields)), p.id, board))
        if own:
            points.append(ProjectPoint(_tidy(Template(spec.get("text", TAKE_PART)).substitute(fields)), p.id, board))
    return points


class Beslut:
    name = "beslut"
    options = (RECIPIENT_OPTION, FUND_OPTION)
    description = "Förslag till beslut: de numrerade beslutspunkterna i svensk text, per år."

    def build(self, ledger: LedgerView, options: ReportOptions) -> Document:
        decision = ledger.run.decision
        selection = Selection.of(options)
        ref = f" ({decision.ref})" if decision.ref else ""
        fund_years = [fy for fy in ledger.fund_years if selection.takes_fund(fy.fund.id)]
        asked = [options.year] if options.year is not None else sorted({fy.year for fy in fund_years})
        decided = {fy.year for fy in fund_years if fy.decided}
        years = [y for y in asked if y in decided]  # no decision on a total not decided
        # The projects' points follow the first year's computed points, or make a decision without a year.
        projects = project_points(ledger, decision.decider or "Nämnden")
        first = min((fy.year for fy in ledger.fund_years if fy.decided), default=None)
        tables = [self._decision(ledger, year, ref, selection, projects if year == first else []) for year in years]
        yearless = self._decision(ledger, None, ref, selection, projects) if projects and first is None else None
        if yearless is not None:
            tables.append(yearless)
        if len(tables) == 1:
            title = tables[0].title
        elif options.year is not None:
            title = f"Förslag till beslut {options.year}{ref}"
        else:
            title = f"Förslag till beslut{ref}"
        undecided = [f"Totalen för {y} är ej beslutad: inga beslutspunkter." for y in asked if y not in years]
        if not ledger.fund_years:
            undecided = [] if projects else ["Körningen fördelar ingen fond: inga beslutspunkter."]
        notes = [
            f"Beloppen för {fy.year} bygger på en antagen total för {fy.fund.name}"
            + (f" ({fy.note})" if fy.note else "")
            + ", inte på ett beslut."
            for fy in fund_years
            if fy.assumed and fy.year in years
        ]
        extract = []
        note = selection.note(  # None when nothing is selected
            ledger, "Punkterna har sina nummer i hela beslutet; inledande och avslutande punkter ingår inte."
        )
        if note is not None:
            extract.append(note)
            extract += [
                f"Urvalet har inga beslutspunkter {year}." for year, t in zip(years, tables, strict=False) if not t.rows
            ]  # the table without a year, if any, comes last
            if yearless is not None and not yearless.rows:
                extract.append("Urvalet har inga beslutspunkter.")
            shown = [a for year in years for a in ledger.allocations(year) if selection.takes_allocation(a)]
            # A grant shown for its giver or its receiver alone.
            if any(a.via and not all(map(selection.takes_recipient, (a.via.id, a.to.id))) for a in shown):
                extract.append(PASSED_ON_NOTE)
        return Document(report=self.name, title=title, tables=tables, paragraphs=extract + undecided + notes)

    @staticmethod
    def _decision(
        ledger: LedgerView, year: int | None, ref: str, selection: Selection, projects: list[ProjectPoint]
    ) -> Table:
        """A year's decision: the preamble, the computed points, the projects' points, then the closing points.

        ``year`` None is the decision of a run that decides no fund year: its projects' points alone.
        With a selection, only its computed points, each keeping its number in the whole decision.
        """
        decision = ledger.run.decision
        decider = decision.decider or "Nämnden"
        if year is None:
            table = Table(
                name="beslut",
                title=f"Förslag till beslut{ref}",
                columns=[
                    Column("point", "Punkt", "int"),
                    Column("text", "Text"),
                    Column("recipient", "Mottagare"),
                    Column("project", "Projekt"),
                ],
                numbered=True,
            )
        else:
            table = Table(
                name=f"beslut_{year}",
                title=f"Förslag till beslut {year}{ref}",
                columns=[
                    Column("year", "År", "year"),
                    Column("point", "Punkt", "int"),
                    Column("text", "Text"),
                    Column("recipient", "Mottagare"),
                    Column("amount_ore", "Belopp (kr)", "money"),
                    Column("quantity", "Antal", "int"),
                    Column("unit", "Enhet"),
                ],
                numbered=True,
            )

        def add(
            point: int, text: str, recipient: str = "", a: AllocationRow | CarryRow | None = None, project: str = ""
        ) -> None:
            if year is None:
                table.rows.append({"point": point, "text": text, "recipient": recipient, "project": project})
                return
            # Money goes in the öre column; a fund that counts places fills quantity and unit instead.
            money = a is not None and a.fund.unit == KRONOR
            amount = a.amount if a is not None else None
            table.rows.append(
                {
                    "year": year,
                    "point": point,
                    "text": text,
                    "recipient": recipient,
                    "amount_ore": amount if money else None,
                    "quantity": amount if not money else None,
                    "unit": a.fund.unit if a is not None else "",
                }
            )

        # The year's points: its allocations and the earlier years' money carried into it, in file order.
        points: list[AllocationRow | CarryRow] = (
            [] if year is None else [*ledger.allocations(year), *ledger.carried(year)]
        )
        points.sort(key=lambda p: p.point)
        # The projects' points are numbered on from the computed ones.
        after = points[-1].point + 1 if points else decision.first_point
        numbered = list(enumerate(projects, start=after))

        def text_of(p: AllocationRow | CarryRow) -> str:
            return point_text(p, decider) if isinstance(p, AllocationRow) else carry_text(p, decider)

        def add_project(number: int, p: ProjectPoint) -> None:
            add(number, p.text, p.board.name if p.board else "", project=p.project)

        if not selection.whole:  # an extract: the selected points with their own numbers, nothing else
            for p in points:
                chosen = selection.takes_allocation(p) if isinstance(p, AllocationRow) else selection.takes_carry(p)
                if chosen:
                    add(p.point, text_of(p), p.to.name, p)
            for n, pp in numbered:
                if selection.fund is None and pp.board is not None and selection.takes_recipient(pp.board.id):
                    add_project(n, pp)
            return table
        for number, text in enumerate(decision.preamble, start=1):
            add(number, text)
        number = len(decision.preamble) + 1
        for p in points:
            add(p.point, text_of(p), p.to.name, p)
            number = p.point + 1
        for n, pp in numbered:
            add_project(n, pp)
            number = n + 1
        for offset, text in enumerate(decision.closing):
            add(number + offset, text)
        return table
