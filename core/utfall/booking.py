"""A booked row of utfall, as both readers (CSV and SIE 4) give it to the import."""

from __future__ import annotations

import datetime
from typing import NamedTuple

# The codes a booked row may carry, and that the mapping in [utfall] can match on.
CODES = ("account", "ansvar", "verksamhet", "project")


class RowError(ValueError):
    """A row the import cannot accept: its line in the file (from 1), what is wrong, and its fields.

    ``fatal`` marks an error after which the rest of the file cannot be trusted
    (a quote that never closes swallows the rows after it): the import stops
    even when bad rows are to be set aside with ``--rejects``.
    """

    def __init__(self, line: int, message: str, fields: tuple[str, ...] = (), fatal: bool = False):
        super().__init__(f"line {line}: {message}")
        self.line, self.message, self.fields, self.fatal = line, message, fields, fatal


class Booking(NamedTuple):
    """One booked amount: integer öre, costs positive (a debit), on a date with its codes.

    The fields' order is the contract: a reader may yield plain tuples in this
    order instead (the CSV reader does: making a million named tuples costs an
    import about a second), and the import unpacks them by position.
    """

    line: int
    date: datetime.date
    amount: int
    account: str = ""
    ansvar: str = ""
    verksamhet: str = ""
    project: str = ""
    text: str = ""

    @property
    def codes(self) -> tuple[str, str, str, str]:
        return (self.account, self.ansvar, self.verksamhet, self.project)


# Where the codes sit in a Booking: ``booking[CODE_SLICE]`` is (account, ansvar, verksamhet, project).
CODE_SLICE = slice(3, 7)
if Booking._fields[CODE_SLICE] != CODES:  # pragma: no cover - a guard for whoever reorders the fields
    raise ImportError("Booking's code fields must sit at CODE_SLICE, in the order of CODES")
