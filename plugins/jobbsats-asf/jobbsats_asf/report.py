"""``iop``: arbetsmarknads- och socialförvaltningen's quarterly follow-up of its IOP partners.

Seed 004 (ASN-2023-6069) asks for quarterly written reports on the partnerships with
associations: per partner, what it reached each quarter, its year against its goals,
and the agreement's målgrupp, syfte and mål. The counts come from the CSV that
``asf.indicators`` names, read when the report is made.
"""

from __future__ import annotations

from jobbsats import Document, LedgerView, ReportOptions


class Iop:
    """The ``iop`` report: indicators per IOP partner and quarter, yearly totals and goal attainment.

    Reads the run's ``[asf]`` section (``ledger.config``) and the indicator CSV it
    names (relative to ``ledger.config_folder``). Counts under ``suppress_below``
    are shown as ``"<5"``, and cells that would let a total give one away as
    ``".."`` (see :mod:`jobbsats_asf.suppression`); goal attainment is shown only
    where the year's count is.
    """

    name = "iop"
    description = (
        "IOP-uppföljning (ASF): indikatorer per partner och kvartal, per år och mot målen, med röjandekontroll."
    )

    def build(self, ledger: LedgerView, options: ReportOptions) -> Document:
        # Imported here, not at the top: every report command makes this class (jobbsats checks every report it
        # knows), and most of them build another report; the CSV reading, the suppression and their classes
        # would add some 10 ms to each.
        from jobbsats_asf.tables import document

        return document(ledger, options, self.name)
