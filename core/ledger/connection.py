"""An open ledger: the SQLite connection jobbsats reads and writes it through.

Reports, runs and shell completion read and write the ledger with plain SQL
(prepared statements, ``executemany``), so they need no more than a connection.
sqlite-utils does the work it is good at: migrating a ledger an older jobbsats made,
and an importer's record of its batch. It is imported only then, because importing it
costs a command about 90 ms on a 2-core machine (it brings dateutil along and compiles
a large regular expression), more than a report's own work on a ledger of 100 000 rows.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlite_utils import Database


def bound_as_null(value: None) -> None:
    """sqlite3's adapter for None, as jobbsats registers it: None itself."""
    return value


# Python 3.11's sqlite3 binds int, float and str as they are, but looks every other value, None included, up as
# something to adapt: no adapter registered, then PrepareProtocol.__adapt__, whose failed lookup formats an
# AttributeError's message before dropping it. A run writes tens of thousands of NULLs (an allocation's via,
# years and text): 4 % of a 6 000-allocation run's instructions. With an adapter for None, found at once and
# returning None, the value is bound as NULL as before. One that a program registered before is left alone.
if (type(None), sqlite3.PrepareProtocol) not in sqlite3.adapters:
    sqlite3.register_adapter(type(None), bound_as_null)


class Ledger:
    """The ledger's connection, with what reads and writes of it call.

    ``execute`` is the connection's own: jobbsats writes only inside an explicit
    transaction (``BEGIN IMMEDIATE`` in :func:`jobbsats.ledger.write.transaction`,
    or the one sqlite-utils opens around a migration), never in SQLite's autocommit.
    A sqlite-utils ``Database`` over a ledger's connection reads the same, so either
    may be given where a ledger is asked for.
    """

    __slots__ = ("_utils", "conn")

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self._utils: Database | None = None
        # As sqlite-utils sets it on every connection it is given, so that a trigger's writes fire triggers
        # the same whichever opened the ledger.
        conn.execute("PRAGMA recursive_triggers = on")

    def execute(self, sql: str, parameters: Sequence[Any] | dict[str, Any] = ()) -> sqlite3.Cursor:
        return self.conn.execute(sql, parameters)

    @property
    def utils(self) -> Database:
        """sqlite-utils' ``Database`` over the same connection, for its migrations and table helpers."""
        if self._utils is None:
            from jobbsats.ledger import sqlite_utils_without_numpy

            self._utils = sqlite_utils_without_numpy().Database(self.conn, execute_plugins=False)
        return self._utils

    def close(self) -> None:
        self.conn.close()
