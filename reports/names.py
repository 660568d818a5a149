"""How Swedish running text names things: a list ("a, b och c"), a project's financier ("ESF")."""

from __future__ import annotations

import re
from collections.abc import Iterable

from jobbsats.ledger.view import LedgerView, ProjectRow


def called(ledger: LedgerView, project: ProjectRow, financier: str) -> str:
    """A financier as running text names it: a board by its name, "ESF" for "Europeiska socialfonden (ESF)"."""
    if financier in ledger.recipients:
        return ledger.recipients[financier].name
    name = next((f.financier_name for f in project.financing if f.financier == financier), financier)
    short = re.search(r"\((\S*[A-ZÅÄÖ]\S*)\)\s*$", name)
    return short.group(1) if short else name


def listed(items: Iterable[str]) -> str:
    """Swedish for a list, each item once: "a", "a och b", "a, b och c"."""
    names = list(dict.fromkeys(items))
    return ", ".join(names[:-1]) + " och " + names[-1] if len(names) > 1 else "".join(names)
