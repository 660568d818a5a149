"""How running text names a project's financiers: a board by its name, "ESF" for "Europeiska socialfonden (ESF)"."""

from __future__ import annotations

import re

from jobbsats.ledger.view import LedgerView, ProjectRow


def called(ledger: LedgerView, project: ProjectRow, financier: str) -> str:
    """A financier as running text names it: a board by its name, "ESF" for "Europeiska socialfonden (ESF)"."""
    if financier in ledger.recipients:
        return ledger.recipients[financier].name
    name = next((f.financier_name for f in project.financing if f.financier == financier), financier)
    short = re.search(r"\((\S*[A-ZÅÄÖ]\S*)\)\s*$", name)
    return short.group(1) if short else name
