"""jobbsats's Datasette plugin (Datasette's ``datasette`` entry-point group): a start page per department,
its reports to download, canned queries, amounts the Swedish way, and the ledger's own tables out of sight.

It acts on the databases that are jobbsats ledgers (those with the views of migration 0013) and leaves any
other database Datasette serves alone. What a visitor may not see at all (tables, arbitrary SQL, booked
rows' text) is refused by :mod:`jobbsats.web.safety`, which ``jobbsats serve`` adds; a plain ``datasette``
on a ledger is its owner's own look at it.

A package, not a module, because Datasette finds a plugin's templates in the ``templates`` folder beside it.
"""

from __future__ import annotations

import asyncio
import urllib.parse
import weakref
from pathlib import Path
from typing import Any

from datasette import hookimpl
from datasette.utils.asgi import Response

from jobbsats.web.cells import amount_cell, filters
from jobbsats.web.downloads import catalogue
from jobbsats.web.queries import CANNED_QUERIES

PLUGIN = "jobbsats"
# The ledger's own tables, per Datasette instance and database, found at start-up: hidden from the lists.
_TABLES: weakref.WeakKeyDictionary[Any, dict[str, list[str]]] = weakref.WeakKeyDictionary()
# What each import batch's rows add up to, per Datasette instance and database (jobbsats.web.department.Memo).
_MEMOS: weakref.WeakKeyDictionary[Any, dict[str, Any]] = weakref.WeakKeyDictionary()


async def is_ledger(db: Any) -> bool:
    """Whether Datasette's database ``db`` is a jobbsats ledger with the views this plugin reads."""
    sql = "select count(*) from sqlite_master where type = 'view' and name in ('web_budget', 'web_runs')"
    try:
        return (await db.execute(sql)).first()[0] == 2
    except Exception:  # noqa: BLE001 - a file Datasette cannot read is simply not ours
        return False


@hookimpl
def startup(datasette: Any) -> Any:
    async def find_ledgers() -> None:
        from jobbsats.web.department import Memo

        found: dict[str, list[str]] = {}
        for name, db in datasette.databases.items():
            if await is_ledger(db):
                found[name] = await db.table_names()
                # Summed now, once, so that no department's page waits for it: a batch never changes.
                memo = _MEMOS.setdefault(datasette, {}).setdefault(name, Memo())
                await db.execute_fn(memo.fill)
        _TABLES[datasette] = found
        await asyncio.to_thread(catalogue)  # loads the report and format plugins once, before the first page

    return find_ledgers


@hookimpl
def get_metadata(datasette: Any, key: str, database: str | None, table: str | None) -> dict:
    ledgers = _TABLES.get(datasette, {})
    return {"databases": {name: {"tables": {t: {"hidden": True} for t in tables}} for name, tables in ledgers.items()}}


@hookimpl
def render_cell(row: Any, value: Any, column: str, table: str | None, database: str, datasette: Any) -> str | None:
    if database not in _TABLES.get(datasette, {}):
        return None
    return amount_cell(row, value, column)


@hookimpl
def prepare_jinja2_environment(env: Any, datasette: Any) -> None:
    filters(env.filters)


@hookimpl
def canned_queries(datasette: Any, database: str, actor: Any) -> dict | None:
    if database not in _TABLES.get(datasette, {}):
        return None
    return CANNED_QUERIES


@hookimpl
def menu_links(datasette: Any, actor: Any, request: Any) -> list[dict]:
    return [{"href": datasette.urls.path("/-/jobbsats"), "label": "Förvaltningarnas sidor"}]


@hookimpl
def register_routes() -> list[tuple[str, Any]]:
    return [
        (r"^/-/jobbsats$", index),
        (r"^/-/jobbsats/(?P<database>[^/]+)/(?P<recipient>[^/]+)$", department),
        (
            r"^/-/jobbsats/(?P<database>[^/]+)/(?P<recipient>[^/]+)/rapport/(?P<run>[0-9]{1,18})/"
            r"(?P<report>[^/]+)/(?P<fmt>[^/]+)$",
            download,
        ),
        # Last: any other path here is our 404 (Datasette 0.65's own 404 fails on such a path when `rich` is
        # installed).
        (r"^/-/jobbsats/.*$", nowhere),
    ]


def _vars(request: Any, *names: str) -> list[str]:
    """The route's values, percent-decoded (Datasette matches routes on the raw path)."""
    return [urllib.parse.unquote(request.url_vars[name]) for name in names]


async def nowhere(datasette: Any, request: Any) -> Response:
    path = request.path
    if path.endswith("/") and path.rstrip("/"):  # a trailing slash: the page without it
        return Response.redirect(path.rstrip("/"))
    if path.count("/") == 3:  # /-/jobbsats/<ledger>: its departments are listed on the index
        return Response.redirect(datasette.urls.path("/-/jobbsats"))
    return await not_found(datasette, request, "Ingen sådan sida: förvaltningarnas sidor finns på /-/jobbsats")


def booked_rows_shown(datasette: Any) -> bool:
    """Whether whoever runs the server asked to show booked rows, text and all (``jobbsats serve --booked-rows``)."""
    return bool((datasette.plugin_config(PLUGIN) or {}).get("booked_rows"))


async def _ledger(datasette: Any, name: str) -> Any:
    """Datasette's database ``name`` if it is a jobbsats ledger, else None."""
    try:
        db = datasette.get_database(name)
    except KeyError:
        return None
    return db if await is_ledger(db) else None


async def not_found(datasette: Any, request: Any, message: str) -> Response:
    """Datasette's own error page, without the traceback its NotFound would print on the server's console."""
    context = {"ok": False, "error": message, "status": 404, "title": None}
    return Response.html(await datasette.render_template("error.html", context, request=request), status=404)


async def index(datasette: Any, request: Any) -> Response:
    from jobbsats.web.department import departments

    ledgers = []
    for name, db in datasette.databases.items():
        if name != "_internal" and await is_ledger(db):
            ledgers.append((name, await db.execute_fn(departments)))
    return Response.html(await datasette.render_template("jobbsats_index.html", {"ledgers": ledgers}, request=request))


async def department(datasette: Any, request: Any) -> Response:
    from jobbsats.web.department import department as read

    name, recipient = _vars(request, "database", "recipient")
    db = await _ledger(datasette, name)
    if db is None:
        return await not_found(datasette, request, f"Ingen huvudbok som heter {name!r} publiceras här")
    from jobbsats.web.department import Memo

    memo = _MEMOS.setdefault(datasette, {}).setdefault(name, Memo())
    page = await db.execute_fn(lambda conn: read(conn, recipient, memo))
    if page is None:
        return await not_found(datasette, request, f"Ingen mottagare {recipient!r} i någon körning: se /-/jobbsats")
    reports, formats = await asyncio.to_thread(catalogue)
    context = {
        "database": name,
        "page": page,
        "reports": reports,
        "formats": formats,
        "booked_rows": booked_rows_shown(datasette),
        "quoted": urllib.parse.quote(recipient, safe=""),
        # Each canned query with the recipient filled in and the year left empty (every year): the form
        # Datasette shows lets the reader narrow it.
        "queries": [(name, query["title"]) for name, query in CANNED_QUERIES.items()],
    }
    return Response.html(await datasette.render_template("jobbsats_department.html", context, request=request))


async def download(datasette: Any, request: Any) -> Response:
    from jobbsats.errors import JobbsatsError
    from jobbsats.web.downloads import NoSuchRun, make

    name, recipient, report, fmt = _vars(request, "database", "recipient", "report", "fmt")
    db = await _ledger(datasette, name)
    if db is None:
        return await not_found(datasette, request, f"Ingen huvudbok som heter {name!r} publiceras här")
    try:
        run_id = int(request.url_vars["run"])
        made = await asyncio.to_thread(make, Path(db.path), report, fmt, run_id, recipient)
    except NoSuchRun as exc:
        return await not_found(datasette, request, str(exc))
    except JobbsatsError as exc:
        # Said without where the ledger lies on the server, which is none of the visitor's business.
        message = str(exc).replace(str(Path(db.path).resolve()), name).replace(str(db.path), name)
        return Response.text(f"Rapporten kan inte göras: {message}\n", status=400)
    return Response(made.body, content_type=made.content_type, headers={"content-disposition": made.disposition})
