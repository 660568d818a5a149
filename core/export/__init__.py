"""``jobbsats export``: a run's numbers as open data and as a budget the accounting system reads.

The export of a run is a folder of files:

- ``allocations.csv``, ``grants.csv``, ``utfall.csv`` and ``budget_utfall.csv``
  (:mod:`jobbsats.export.csvfiles`), described by ``datapackage.json``
  (:mod:`jobbsats.export.datapackage`): a Frictionless Tabular Data Package whose fields carry the
  Fiscal Data Package's ColumnTypes;
- ``budget-YYYY.se`` per year (:mod:`jobbsats.export.sie`): each recipient's budget as SIE 4
  ``#PBUDGET`` rows per ansvar and month.

:func:`build` makes the files' contents from the ledger; :func:`jobbsats.export.folder.write_folder`
writes them all, or none.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from jobbsats.export import csvfiles, datapackage, sie
from jobbsats.ledger.view import LedgerView


@dataclass
class Export:
    """The export's files (name -> bytes), rows per table, and notes for the user."""

    files: dict[str, bytes] = field(default_factory=dict)
    rows: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def build(
    view: LedgerView,
    account: str = sie.DEFAULT_ACCOUNT,
    ansvar: dict[str, str] | None = None,
    today: datetime.date | None = None,
) -> Export:
    """The export of the run ``view`` holds; ``account`` and ``ansvar`` (recipient -> code) are for the SIE
    budget. The SIE budget is planned first, so a bad ``--account`` is refused before any table is made."""
    budget = sie.plan(view, account, ansvar)
    out = Export(notes=budget.notes)
    resources = [*csvfiles.allocations(view), csvfiles.utfall(view), csvfiles.budget_utfall(view)]
    for resource in resources:
        out.files[resource.path] = resource.csv()
        out.rows[resource.path] = len(resource.rows)
    budget_files = {f"budget-{year}.se": sie.budget_file(view, budget, year, today) for year in budget.amounts}
    out.files["datapackage.json"] = datapackage.descriptor(view, resources, out.files, list(budget_files))
    out.files.update(budget_files)
    return out
