"""What keeps a published ledger read-only and free of booked rows' text.

Datasette shows every table and runs any SQL a visitor types. The ledger's ``web_`` views
(migrations 0012_web_views and 0013_web_views_more) are what a department may see: sums, never a booked row's free text,
which may name people. So everything else is refused here, not just hidden from the lists: a table
that a later migration adds while the server runs is refused the same way.
"""

from __future__ import annotations

from typing import Any

from datasette import hookimpl

from jobbsats.ledger.migrations import BOOKED_ROWS

PUBLIC_PREFIX = "web_"
# The only methods a reader needs; anything else (a POST to a form, a write API) is refused before
# Datasette sees it, so no plugin installed next to it can open a write endpoint either.
READ_METHODS = frozenset({"GET", "HEAD"})


def public(table: str, booked_rows: bool = False) -> bool:
    """Whether ``table`` (a table or view of the ledger) may be shown: the ``web_`` views only, and the booked
    rows' view when whoever runs the server asked for it (``booked_rows``)."""
    return table.lower().startswith(PUBLIC_PREFIX) or (booked_rows and table == BOOKED_ROWS)


# This module is a Datasette plugin that `jobbsats serve` registers itself (not by entry point, so a
# plain `datasette` on a ledger is unaffected).
@hookimpl
def permission_allowed(datasette: Any, actor: Any, action: str, resource: Any) -> bool | None:
    """No arbitrary SQL, no download of the file, no table but the ``web_`` views; no opinion on the rest."""
    if action in ("execute-sql", "view-database-download"):
        return False
    if action in ("view-table", "view-row") and isinstance(resource, tuple) and len(resource) == 2:
        return public(str(resource[1]), bool((datasette.plugin_config("jobbsats") or {}).get("booked_rows")))
    return None


def read_only(app: Any) -> Any:
    """Wrap an ASGI ``app`` so that only GET and HEAD reach it; other HTTP methods get 405."""

    async def wrapped(scope: dict, receive: Any, send: Any) -> None:
        if scope.get("type") == "http" and scope.get("method", "GET").upper() not in READ_METHODS:
            body = b"This ledger is published read-only: only GET and HEAD are answered.\n"
            await send(
                {
                    "type": "http.response.start",
                    "status": 405,
                    "headers": [
                        (b"content-type", b"text/plain; charset=utf-8"),
                        (b"allow", b"GET, HEAD"),
                        (b"content-length", str(len(body)).encode()),
                    ],
                }
            )
            await send({"type": "http.response.body", "body": body})
            return
        await app(scope, receive, send)

    return wrapped
