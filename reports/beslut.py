"""``beslut``: the numbered "Förslag till beslut" points, worded in Swedish.

Every word that is about a particular city comes from the scenario file: the
decider ("Kommunstyrelsen"), the recipients' names and genitives, the fund's
name and wording ("från kommunstyrelsens anslag till förfogande inom
finansiering"). Only Swedish grammar lives here. A line can bring its own
wording with ``text`` (a ``string.Template``).

A run over several years is one paper, as a decision for a mandate period is:
the preamble once, the points numbered straight through the years, a point
decided "årligen" once, then the closing once. With ``--year`` it is that
year's own decision, numbered as the run numbered it.

With ``--recipient`` or ``--fund`` it is an extract: only the points of those
recipients (a grant passed on is the giver's and the receiver's) or from that
fund, each with its number in the whole decision so the extract cites the same
numbers as the paper, and without the preamble and closing points.

Like every built-in report it opens with the line of :mod:`jobbsats.reports.header` (which run,
when, from which file), a paragraph before the points that never takes a number of theirs, so
the paper can be traced to its run; ``--no-header`` leaves it out of the text pasted into a paper.

A run that follows projects words their points too, from each financing plan,
after the computed fund points (in a year's own decision, those of the first
year decided; a run of projects alone: one decision without a year). The deciding board is the recipient that
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
from jobbsats.reports.header import header_lines
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


@dataclass(frozen=True)
class _Point:
    """A numbered point of a decision: fixed text (preamble, closing), a computed one (``row``) or a project's."""

    number: int
    text: str
    year: int | None
    recipient: str = ""
    row: AllocationRow | CarryRow | None = None
    project: ProjectPoint | None = None


def _points(ledger: LedgerView, years: list[int], own_year: int | None, projects: list[ProjectPoint]) -> list[_Point]:
    """Every point of one decision, numbered: the preamble, the years' computed points, the projects', the closing.

    ``own_year`` is the year of a year's own decision (``years`` is then that year alone): its
    computed points keep the numbers the run gave them, and every point is written in that year.
    Otherwise the paper covers ``years`` (several, or none for a decision of projects alone): the
    computed points are numbered on from ``first_point`` straight through the years, and a point
    decided "årligen" that an earlier year of the paper already holds, word for word, is not
    repeated (the 2024 paper decides "9 000 000 kronor årligen 2024 - 2026" once).
    """
    decision = ledger.run.decision
    decider = decision.decider or "Nämnden"
    points = [_Point(n, text, own_year) for n, text in enumerate(decision.preamble, start=1)]
    number = decision.first_point  # the next computed or project point
    said: set[str] = set()  # the årligen points of the years before
    for year in years:
        # The year's points: its allocations and the earlier years' money carried into it, in file order.
        rows: list[AllocationRow | CarryRow] = [*ledger.allocations(year), *ledger.carried(year)]
        rows.sort(key=lambda p: p.point)
        this_year = set()
        for p in rows:
            text = point_text(p, decider) if isinstance(p, AllocationRow) else carry_text(p, decider)
            recurring = isinstance(p, AllocationRow) and p.recurring is not None
            if recurring and own_year is None:
                if text in said:
                    continue
                this_year.add(text)
            point = p.point if own_year is not None else number
            points.append(_Point(point, text, year, p.to.name, row=p))
            number = point + 1
        said |= this_year
    for pp in projects:  # numbered on from the computed ones
        points.append(_Point(number, pp.text, own_year, pp.board.name if pp.board else "", project=pp))
        number += 1
    if len(points) == len(decision.preamble):  # nothing computed: the closing follows the preamble
        number = len(decision.preamble) + 1
    points += [_Point(number + offset, text, own_year) for offset, text in enumerate(decision.closing)]
    return points


def _span(years: list[int]) -> str:
    """The years of a paper as its title names them: "2024–2026", or "2024 och 2026" with a gap."""
    if years == list(range(years[0], years[-1] + 1)):
        return f"{years[0]}–{years[-1]}"
    return listed(str(y) for y in years)


class Beslut:
    name = "beslut"
    options = (RECIPIENT_OPTION, FUND_OPTION)
    description = "Förslag till beslut: de numrerade beslutspunkterna i svensk text, flera år i ett beslut."

    def build(self, ledger: LedgerView, options: ReportOptions) -> Document:
        decision = ledger.run.decision
        selection = Selection.of(options)
        ref = f" ({decision.ref})" if decision.ref else ""
        fund_years = [fy for fy in ledger.fund_years if selection.takes_fund(fy.fund.id)]
        asked = [options.year] if options.year is not None else sorted({fy.year for fy in fund_years})
        decided = {fy.year for fy in fund_years if fy.decided}
        years = [y for y in asked if y in decided]  # no decision on a total not decided
        projects = project_points(ledger, decision.decider or "Nämnden")
        # A table per decision, with what an extract says when it has none of its points ("" for a paper's).
        tables: list[tuple[Table, str]] = []
        if options.year is None and len(years) > 1:
            # Several years are one paper: the preamble once, the points straight through, the closing once.
            tables.append((self._decision(ledger, years, None, ref, selection, projects), ""))
        else:
            # A year's own decision; the projects' points follow the first year's computed points.
            first = min((fy.year for fy in ledger.fund_years if fy.decided), default=None)
            for year in years:
                chosen = projects if year == first else []
                tables.append((self._decision(ledger, [year], year, ref, selection, chosen), f" {year}"))
            if projects and first is None:  # a run of projects alone: one decision without a year
                tables.append((self._decision(ledger, [], None, ref, selection, projects), ""))
        if len(tables) == 1:
            title = tables[0][0].title
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
            extract += [f"Urvalet har inga beslutspunkter{which}." for table, which in tables if not table.rows]
            shown = [a for year in years for a in ledger.allocations(year) if selection.takes_allocation(a)]
            # A grant shown for its giver or its receiver alone.
            if any(a.via and not all(map(selection.takes_recipient, (a.via.id, a.to.id))) for a in shown):
                extract.append(PASSED_ON_NOTE)
        return Document(
            report=self.name,
            title=title,
            tables=[table for table, _ in tables],
            paragraphs=header_lines(ledger, options) + extract + undecided + notes,
        )

    @staticmethod
    def _decision(
        ledger: LedgerView,
        years: list[int],
        own_year: int | None,
        ref: str,
        selection: Selection,
        projects: list[ProjectPoint],
    ) -> Table:
        """One decision as a table of its numbered points (see :func:`_points`).

        ``own_year``: a year's own decision. Else a paper over ``years``, or, with no years, the
        decision of a run that decides no fund year: its projects' points alone, without a year column.
        With a selection, only its computed and project points, each keeping its number in the whole decision.
        """
        if own_year is not None:
            name, title = f"beslut_{own_year}", f"Förslag till beslut {own_year}{ref}"
        elif years:
            name, title = "beslut", f"Förslag till beslut {_span(years)}{ref}"
        else:
            name, title = "beslut", f"Förslag till beslut{ref}"
        if not years:
            columns = [
                Column("point", "Punkt", "int"),
                Column("text", "Text"),
                Column("recipient", "Mottagare"),
                Column("project", "Projekt"),
            ]
        else:
            columns = [
                Column("year", "År", "year"),
                Column("point", "Punkt", "int"),
                Column("text", "Text"),
                Column("recipient", "Mottagare"),
                Column("amount_ore", "Belopp (kr)", "money"),
                Column("quantity", "Antal", "int"),
                Column("unit", "Enhet"),
            ]
        table = Table(name=name, title=title, columns=columns, numbered=True)
        for p in _points(ledger, years, own_year, projects):
            if not selection.whole:  # an extract: the selected points with their own numbers, nothing else
                if isinstance(p.row, AllocationRow):
                    chosen = selection.takes_allocation(p.row)
                elif isinstance(p.row, CarryRow):
                    chosen = selection.takes_carry(p.row)
                else:  # a project's point is its board's; preamble and closing are no one's
                    board = p.project.board if p.project else None
                    chosen = selection.fund is None and board is not None and selection.takes_recipient(board.id)
                if not chosen:
                    continue
            if not years:
                project = p.project.project if p.project else ""
                table.rows.append({"point": p.number, "text": p.text, "recipient": p.recipient, "project": project})
                continue
            # Money goes in the öre column; a fund that counts places fills quantity and unit instead.
            money = p.row is not None and p.row.fund.unit == KRONOR
            amount = p.row.amount if p.row is not None else None
            table.rows.append(
                {
                    "year": p.year,
                    "point": p.number,
                    "text": p.text,
                    "recipient": p.recipient,
                    "amount_ore": amount if money else None,
                    "quantity": amount if not money else None,
                    "unit": p.row.fund.unit if p.row is not None else "",
                }
            )
        return table
