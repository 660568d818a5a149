"""Shell completion: the values an argument or option takes, offered at <TAB>.

click's own completion (``eval "$(_JOBBSATS_COMPLETE=bash_source jobbsats)"``, or ``zsh_source``,
``fish_source``) asks these callbacks, each given to a parameter as ``shell_complete=``. A
completion must never print an error into someone's shell: every callback gives nothing rather than
fail, and reads the ledger, when it does, through a connection that cannot write.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import click
from click.shell_completion import CompletionItem

# The environment variable click reads to answer a completion instead of running a command.
COMPLETE_VAR = "_JOBBSATS_COMPLETE"

Callback = Callable[[click.Context, click.Parameter, str], list[CompletionItem]]


def completing() -> bool:
    """Whether this process answers a shell's completion request rather than running a command."""
    return COMPLETE_VAR in os.environ


def _quietly(callback: Callback) -> Callback:
    """``callback``, giving no completions where it would fail (no ledger, a broken plugin, ...)."""

    @functools.wraps(callback)
    def wrapper(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[CompletionItem]:
        try:
            return callback(ctx, param, incomplete)
        except Exception:  # anything at all: a completion says nothing rather than a traceback
            return []

    return wrapper


def _starting(values: Iterable[str], incomplete: str) -> list[CompletionItem]:
    return [CompletionItem(value) for value in sorted(values) if value.startswith(incomplete)]


@_quietly
def formats(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[CompletionItem]:
    """Every registered output format's name (md, csv, json, xlsx, html, and those plugins add)."""
    from jobbsats.registry import get_registry

    return _starting(get_registry(rules=False).formats, incomplete.lower())


@_quietly
def text_formats(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[CompletionItem]:
    """The output formats that write text, for commands that print to standard output (show, diff)."""
    from jobbsats.registry import get_registry

    text = [name for name, fmt in get_registry(rules=False).formats.items() if not fmt.binary]
    return _starting(text, incomplete.lower())


@_quietly
def examples(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[CompletionItem]:
    """The bundled examples' names."""
    from jobbsats import examples as bundled

    return _starting(bundled.names(), incomplete)


@_quietly
def scenarios(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[CompletionItem]:
    """A scenario: a bundled example's name, or a file.

    bash cannot mix words and its own file completion (a ``file`` item empties the list), so a
    word that matches an example is offered with the ``.toml`` files here; anything else, or a
    path, gets the shell's file completion.
    """
    from jobbsats import examples as bundled

    named = _starting(bundled.names(), incomplete)
    if not named or os.sep in incomplete:
        return [CompletionItem(incomplete, type="file")]
    here = [p.name for p in Path(".").glob("*.toml") if p.name.startswith(incomplete)]
    return named + _starting(here, incomplete)


def report_values(option: Any) -> Callback:
    """Completion for a report's own option (a :class:`jobbsats.ReportOption`): the values it
    allows, such as the recipients' IDs, read from the ledger's latest run (or ``--run``)."""

    @_quietly
    def complete(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[CompletionItem]:
        if not callable(option.allowed):
            return _starting(option.allowed or (), incomplete)
        from jobbsats.ledger.view import LedgerView

        db = _read_only(_ledger_of(ctx))
        try:
            return _starting(option.allowed_values(LedgerView(db, ctx.params.get("run_id"))), incomplete)
        finally:
            db.conn.close()

    return complete


def _ledger_of(ctx: click.Context) -> Path:
    """The ledger the command would read: its --db, the one given before the command, JOBBSATS_DB, or
    ./jobbsats.db (the command's own ``db`` parameter has sorted these out already, when it has one)."""
    from jobbsats.cli.options import GROUP_DB

    given = ctx.params.get("db") or ctx.meta.get(GROUP_DB) or os.environ.get("JOBBSATS_DB") or "jobbsats.db"
    return Path(given)


def _read_only(path: Path) -> Any:
    """The ledger at ``path`` opened so that it cannot write, nor leave a file behind.

    Read as :func:`jobbsats.ledger.db.kind_of` reads a file (:func:`jobbsats.ledger.db.read_only_uri`). A
    ``-wal`` without its ``-shm`` (SQLite would have to rebuild it), or a path that is no file, completes
    nothing. No migration is applied: a ledger a version behind may simply complete nothing.
    """
    import sqlite3

    from jobbsats.ledger.connection import Ledger
    from jobbsats.ledger.db import read_only_uri

    if not path.is_file():
        raise FileNotFoundError(path)
    target = read_only_uri(path)
    if target is None:
        raise FileNotFoundError(f"{path}-shm")
    conn = sqlite3.connect(target, uri=True)
    return Ledger(conn)
