"""Options and helpers shared by several commands."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import click


def _ledger_path(ctx: click.Context, param: click.Parameter, value: Path) -> Path:
    """Refuse at once what can never be a ledger file (a folder, a FIFO, a device, a name too long),
    naming where the path came from: --db, or JOBBSATS_DB when the user gave no --db."""
    from jobbsats.errors import LedgerError
    from jobbsats.ledger.db import ledger_file

    try:
        ledger_file(value)
    except LedgerError as exc:
        source = ctx.get_parameter_source(param.name) if param.name else None
        given = "JOBBSATS_DB" if source == click.core.ParameterSource.ENVIRONMENT else "--db"
        raise LedgerError(f"{exc} ({given} names it)") from exc
    return value


_DB: dict[str, Any] = {
    "type": click.Path(path_type=Path),
    "envvar": "JOBBSATS_DB",
    "default": "jobbsats.db",
    "show_default": True,
    "callback": _ledger_path,
    "help": "The ledger file (also JOBBSATS_DB).",
}
db_option = click.option("--db", **_DB)
db_parameter = click.Option(["--db"], **_DB)  # for commands built at run time (each report's)


def resolve_config(config: str | None) -> tuple[Path, str | None]:
    """A scenario path from a path, a bundled example's name, or nothing.

    Returns the path and a note to show the user about which file was chosen.
    """
    from jobbsats import examples
    from jobbsats.errors import InputError, Problem

    if config is None:
        local = Path("jobbsats.toml")
        if local.exists():
            return local, "Using ./jobbsats.toml."
        return examples.folder() / "malmo-2024.toml", (
            "No ./jobbsats.toml here; running the bundled example malmo-2024 "
            "(`jobbsats init` writes it out for you to edit)."
        )
    path = Path(config)
    try:
        os.stat(path)
        return path, None
    except FileNotFoundError:
        if path.is_symlink() or os.sep in config:
            return path, None  # a broken link, a missing folder: the reader says which
    except OSError:
        return path, None  # a name too long, a path through a file, a loop: the reader says which
    example = examples.path_of(config)
    if example is not None:
        return example, f"Running the bundled example {config}."
    known = ", ".join(examples.names())
    raise InputError(config, [Problem("", f"no such file, and no bundled example of that name (examples: {known})")])


def guarded(step, kind: str, name: str, registry):
    """Run a report's build or a format's render; a failure names the plugin that brought it."""
    return registry.call(step, kind, name, "build()" if kind == "report" else "render()")
