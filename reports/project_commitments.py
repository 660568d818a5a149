"""A board's commitments to co-financed projects, as its ``aterrapportering`` shows them.

A recipient that finances lines of a project (a financing line whose financier
is the recipient, such as ASN's staff time in Malmökraften) has committed
itself, not spent: a table shows each such line's amount per year (from its
months), cash or in kind, and its budget state (i budget, villkorad, ansökt,
utgår), and the board's paragraph says so in a sentence. Commitments never
enter the budget, utfall or remaining columns.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from jobbsats.document import Column, Table
from jobbsats.ledger.view import FinancingRow, LedgerView, ProjectRow
from jobbsats.projects import BUDGET, CASH, CONDITIONAL, DROPPED, IN_KIND, STATE_WORDS, STATES
from jobbsats.reports.amounts import kr
from jobbsats.reports.names import called
from jobbsats.reports.selection import Selection


@dataclass(frozen=True)
class Commitment:
    """A recipient's part of a co-financed project in one year: one financing line's months of that year."""

    year: int
    recipient: str
    project: ProjectRow
    line: FinancingRow
    amount: int
    called: str  # the project as running text names it ("Malmökraften"), else its name
    condition: str  # the financier the line depends on, as running text names it ("ESF"); "" for none

    @property
    def kind(self) -> str:
        return IN_KIND if self.line.in_kind else CASH


def of_boards(ledger: LedgerView, year: int | None, selection: Selection) -> list[Commitment]:
    """Each selected recipient's financing lines of the run's projects, per year of their months.

    A commitment is no fund's money: with ``--fund`` there are none. A line not periodised has no
    months, so no year to show it in (``projekt`` shows it for the whole period).
    """
    if selection.fund is not None:
        return []
    specs = ledger.config.get("projects", {})
    out = []
    for project in ledger.projects:
        spec = specs.get(project.id, {}) if isinstance(specs, dict) else {}
        short = spec.get("short") if isinstance(spec, dict) else None
        named = short if isinstance(short, str) and short.strip() else project.name
        for line in project.financing:
            if line.financier not in ledger.recipients or not selection.takes_recipient(line.financier):
                continue
            per_year: dict[int, int] = defaultdict(int)
            for (y, _month), amount in line.months.items():
                if year is None or y == year:
                    per_year[y] += amount
            condition = called(ledger, project, line.condition) if line.condition else ""
            out += [
                Commitment(y, line.financier, project, line, amount, named, condition)
                for y, amount in sorted(per_year.items())
            ]
    order = {rid: i for i, rid in enumerate(ledger.recipients)}
    projects = {p.id: i for i, p in enumerate(ledger.projects)}
    return sorted(out, key=lambda c: (c.year, order[c.recipient], projects[c.project.id], c.line.line))


def committed_sentences(commitments: list[Commitment], names: dict[str, str]) -> list[str]:
    """A sentence per project, kind and state of one board's commitments in a year, for its paragraph."""
    together: dict[tuple[str, bool, str, str, str], list[Commitment]] = {}
    for c in commitments:
        together.setdefault((c.project.id, c.line.in_kind, c.line.state, c.condition, c.line.reason), []).append(c)
    sentences = []
    for group in together.values():
        first = group[0]
        amount = sum(c.amount for c in group)
        name = names.get(first.recipient, first.recipient)
        state = first.line.state
        if state == CONDITIONAL:
            clause = f", villkorat av att {first.condition} beviljar medel" if first.condition else ", villkorat"
        elif state == BUDGET:
            clause = f", i budget sedan {first.condition} beviljat medel" if first.condition else ", i budget"
        elif state == DROPPED:
            clause = f", men åtagandet utgår ({first.line.reason})" if first.line.reason else ", men åtagandet utgår"
        else:
            clause = ", ansökt men ännu inte beslutat"
        sentences.append(
            f"{name} har åtagit sig {kr(amount)} {first.kind} i {first.called} {first.year}{clause}; "
            "det räknas inte som utfall."
        )
    return sentences


def commitments_table(commitments: list[Commitment], names: dict[str, str]) -> list[Table]:
    """The commitments, a row per year, recipient and financing line; totals per budget state and kind."""
    if not commitments:
        return []
    table = Table(
        name="aterrapportering_atagande",
        title="Åtaganden i projekt",
        columns=[
            Column("year", "År", "year"),
            Column("recipient", "Mottagare"),
            Column("project", "Projekt"),
            Column("amount_ore", "Belopp (kr)", "money"),
            Column("kind", "Slag"),
            Column("state", "Budgetläge"),
            Column("reason", "Villkor eller skäl"),
        ],
    )
    sums: dict[tuple[str, str], int] = defaultdict(int)
    for c in commitments:
        table.rows.append(
            {
                "year": c.year,
                "financier_id": c.recipient,
                "recipient": names.get(c.recipient, c.recipient),
                "project_id": c.project.id,
                "project": c.project.name,
                "line": c.line.line,
                "amount_ore": c.amount,
                "in_kind": c.line.in_kind,
                "kind": c.kind,
                "state": STATE_WORDS.get(c.line.state, c.line.state),
                "reason": c.line.reason,
            }
        )
        sums[(c.line.state, c.kind)] += c.amount
    table.totals = [
        {
            "recipient": f"Summa {STATE_WORDS[state]}, {kind}",
            "amount_ore": sums[(state, kind)],
            "in_kind": kind == IN_KIND,
            "kind": kind,
            "state": STATE_WORDS[state],
        }
        for state in STATES
        for kind in (CASH, IN_KIND)
        if (state, kind) in sums
    ]
    return [table]
