"""``jobbsats serve``: the ledger in a browser, through Datasette, read-only (issue 17)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from jobbsats.cli.options import db_option

INSTALL = "pip install 'jobbsats[web]'"


def loopback(host: str) -> bool:
    """Whether ``host`` is this machine only (127.0.0.0/8, ::1, localhost)."""
    import ipaddress

    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False  # a name: it may resolve to anything


def metadata(db: Path, booked_rows: bool) -> dict[str, Any]:
    """Datasette's metadata for the ledger: no arbitrary SQL, and the switch for booked rows (the plugin in
    :mod:`jobbsats.web.plugin` hides the tables from the lists; :mod:`jobbsats.web.safety` refuses them)."""
    return {
        "title": "jobbsats",
        "databases": {db.stem: {"allow_sql": False}},
        "plugins": {"jobbsats": {"booked_rows": booked_rows}},
    }


@click.command()
@db_option
@click.option("--port", type=click.IntRange(0, 65535), default=8001, show_default=True, help="The TCP port.")
@click.option("--host", default="127.0.0.1", show_default=True, help="The address to listen on.")
@click.option(
    "--allow-remote",
    is_flag=True,
    help="Allow a --host other than loopback: anyone who reaches it sees the published views.",
)
@click.option(
    "--booked-rows",
    is_flag=True,
    help="Also show the booked rows themselves, free text and all (which may name people): for your own eyes.",
)
def serve(db: Path, port: int, host: str, allow_remote: bool, booked_rows: bool) -> None:
    """Publish the ledger's web_ views with Datasette, read-only, while runs and imports go on.

    Each department has a start page (/-/jobbsats): its budget, utfall, what remains, the forecast, its
    projects and its reports to download. Only the ledger's web_ views are shown (sums, never a booked
    row's text unless --booked-rows); other tables, arbitrary SQL and every request but GET and HEAD are
    refused. Needs Datasette: pip install 'jobbsats[web]'.
    """
    import asyncio

    from jobbsats.errors import clip
    from jobbsats.ledger import open_ledger

    if not loopback(host) and not allow_remote:
        raise click.UsageError(f"--host {clip(host)} is not loopback: add --allow-remote to publish beyond this host")
    if booked_rows and not loopback(host):
        raise click.UsageError("--booked-rows shows text that may name people: only with a loopback --host")
    try:
        import uvicorn
        from datasette.app import Datasette
        from datasette.plugins import pm
        from datasette.utils import StartupError
    except ImportError:
        raise click.ClickException(f"jobbsats serve needs Datasette, which is not installed: {INSTALL}") from None
    from jobbsats.web import safety

    # Opened once the usual way: a missing or foreign file is refused, and pending migrations (the
    # web_ views among them) are applied. From then on the server only reads.
    open_ledger(db, must_exist=True).conn.close()
    if not pm.is_registered(safety):
        pm.register(safety, name="jobbsats-serve")
    # Not --immutable: SQLite would then skip the write-ahead log, where the newest runs may still be.
    # A mutable file is read through `mode=ro` connections, and Datasette opens its write connection
    # only for a plugin's write, which nothing here asks for. A ledger no one can write (a read-only file,
    # folder or file system) with nothing in a -wal is immutable: read so, SQLite leaves no -wal or -shm
    # beside it, which would be made read-only like the file and stand in the next writer's way.
    from jobbsats.ledger.db import frozen, has_frames

    immutable = frozen(db) is not None and not has_frames(db)
    try:
        ds = Datasette(
            [] if immutable else [str(db)],
            immutables=[str(db)] if immutable else [],
            metadata=metadata(db, booked_rows),
            settings={"allow_download": False, "allow_csv_stream": False},
        )
    except StartupError as exc:
        raise click.ClickException(str(exc)) from None
    asyncio.run(ds.invoke_startup())
    # Bound here, before anything is said: a port in use or an address not on this machine is one message,
    # and --port 0 is the port the system gave.
    sock = listening(host, port)
    port = sock.getsockname()[1]
    if not loopback(host):
        click.echo(
            f"Warning: listening on {clip(host)}: the ledger's web_ views are open to anyone who reaches it",
            err=True,
        )
    if booked_rows:
        click.echo("Booked rows are shown, with their free text: keep this server to yourself", err=True)
    click.echo(f"Serving {clip(str(db))} read-only on {address(host, port)} (Ctrl-C stops)", err=True)
    from jobbsats.console import serving

    serving()  # the collector as Python sets it: a server is not one short command
    config = uvicorn.Config(safety.read_only(ds.app()), log_level="warning", lifespan="on")
    uvicorn.Server(config).run(sockets=[sock])


def listening(host: str, port: int) -> Any:
    """A socket bound to ``host`` and ``port``, or a message saying why there can be none."""
    import errno
    import socket

    from jobbsats.errors import clip

    where = f"{clip(host)}:{port}"
    try:
        family, kind, proto, _, place = socket.getaddrinfo(host.strip("[]"), port, type=socket.SOCK_STREAM)[0]
        sock = socket.socket(family, kind, proto)
    except OSError as exc:
        raise click.ClickException(f"cannot listen on {where}: {exc.strerror or exc}") from None
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(place)
        sock.listen(2048)  # from here a visitor waits in the queue instead of being refused
    except OSError as exc:
        sock.close()
        hint = "; another program listens there: choose another --port" if exc.errno == errno.EADDRINUSE else ""
        raise click.ClickException(f"cannot listen on {where}: {exc.strerror or exc}{hint}") from None
    return sock


def address(host: str, port: int) -> str:
    """The start pages' address to give the departments: this machine's name when listening on every address."""
    import socket

    from jobbsats.errors import clip

    bare = host.strip("[]")
    if bare in ("0.0.0.0", "::", ""):
        bare = socket.gethostname()
    shown = f"[{bare}]" if ":" in bare else bare
    return f"http://{clip(shown)}:{port}/-/jobbsats"
