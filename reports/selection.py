"""What the built-in reports were asked to show: ``--recipient`` (repeatable) and ``--fund``.

Money a recipient passes on (kommunstyrelsen granting its 4 900 000 kr to
Tillväxt Malmö och Level) belongs to both: a row of it is kept when either the
one who gives or the one who receives is selected.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from jobbsats.contracts import ReportOptions
from jobbsats.ledger.view import AllocationRow, CarryRow, LedgerView

PASSED_ON_NOTE = "Pengar som förs vidare visas hos både den som ger och den som tar emot."


@dataclass(frozen=True)
class Selection:
    """The recipients (None: all) and the fund (None: all) a report shows."""

    recipients: frozenset[str] | None = None
    fund: str | None = None

    @classmethod
    def of(cls, options: ReportOptions) -> Selection:
        """From the options a report got; an option it does not declare is simply never given."""
        recipients = options.get("recipient")
        return cls(frozenset(recipients) if recipients else None, options.get("fund"))

    @property
    def whole(self) -> bool:
        """Nothing selected: the report shows everything."""
        return self.recipients is None and self.fund is None

    @property
    def by_recipient(self) -> bool:
        return self.recipients is not None

    def takes_fund(self, fund_id: str | None) -> bool:
        return self.fund is None or fund_id == self.fund

    def takes_recipient(self, recipient_id: str | None) -> bool:
        return self.recipients is None or recipient_id in self.recipients

    def takes_any(self, recipient_ids: Iterable[str | None]) -> bool:
        return self.recipients is None or any(r in self.recipients for r in recipient_ids)

    def takes_allocation(self, a: AllocationRow) -> bool:
        """An allocation of the selected fund to, or passed on by, a selected recipient."""
        return self.takes_fund(a.fund.id) and self.takes_any([a.to.id, a.via.id if a.via else None])

    def takes_carry(self, c: CarryRow) -> bool:
        """Money the selected recipient carried into the year from the selected fund."""
        return self.takes_fund(c.fund.id) and self.takes_recipient(c.to.id)

    def note(self, ledger: LedgerView, totals: str = "") -> str | None:
        """ "Urval: ..." saying what is shown (None when nothing is selected), then ``totals`` if any."""
        if self.whole:
            return None
        parts = []
        if self.recipients is not None:
            # In the scenario file's order, named as they start a table cell.
            names = [r.title for rid, r in ledger.recipients.items() if rid in self.recipients]
            parts.append(", ".join(names))
        if self.fund is not None:
            fund = ledger.funds.get(self.fund)
            parts.append(f"fonden {fund.name if fund else self.fund}")
        text = f"Urval: {'; '.join(parts)}."
        return f"{text} {totals}" if totals else text
