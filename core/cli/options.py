"""Options and helpers shared by several commands."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import click

# Where a group's --db (`jobbsats --db FILE runs`) leaves its value for the command that follows:
# click shares a context's ``meta`` with every context nested in it.
GROUP_DB = "jobbsats.db"


def _ledger_path(ctx: click.Context, param: click.Parameter, value: Path) -> Path:
    """Refuse at once what can never be a ledger file (a folder, a FIFO, a device, a name too long),
    naming where the path came from: --db, or JOBBSATS_DB when the user gave no --db.

    The command's own --db comes first, then a --db given before the command, then JOBBSATS_DB.
    """
    from jobbsats.errors import LedgerError, clip
    from jobbsats.ledger.db import ledger_file

    source = ctx.get_parameter_source(param.name) if param.name else None
    if source != click.core.ParameterSource.COMMANDLINE and ctx.meta.get(GROUP_DB) is not None:
        value, source = ctx.meta[GROUP_DB], click.core.ParameterSource.COMMANDLINE
    given = "JOBBSATS_DB" if source == click.core.ParameterSource.ENVIRONMENT else "--db"
    name = str(value)
    # SQLite reads these names as orders, not files: ":memory:" is a database that ends with the command,
    # "file:..." a URI whose query may say the same ("?mode=memory"). A ledger must outlive the command.
    if name == ":memory:" or name[:5].lower() == "file:":
        raise LedgerError(
            f"{clip(name)}: SQLite takes this name for a database in memory or a URI, not a file, and a ledger "
            f"must be a file that outlives the command: give it another name ({given} names it)"
        )
    try:
        ledger_file(value)
    except LedgerError as exc:
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


def _group_ledger(ctx: click.Context, param: click.Parameter, value: Path | None) -> None:
    if value is not None:
        ctx.meta[GROUP_DB] = value


# On a group (`jobbsats`, `jobbsats import`): the ledger of the command that follows, so that
# `jobbsats --db other.db runs` works as the top-level help says it does.
group_db_option = click.option(
    "--db",
    type=click.Path(path_type=Path),
    expose_value=False,
    callback=_group_ledger,
    help="The ledger file of the command that follows (as its own --db; also JOBBSATS_DB).",
)

json_option = click.option(
    "--json",
    "as_json",
    is_flag=True,
    help="Print one JSON document on standard output instead of text (see docs/commands.md).",
)


def print_json(payload: Any) -> None:
    """Write ``payload`` as one JSON document: numbers as numbers, text as written (not \\u-escaped)."""
    import json

    click.echo(json.dumps(payload, ensure_ascii=False, indent=2))


def counted(n: int, one: str, many: str) -> str:
    """A count with its noun, grouped like amounts: ``1 row``, ``1 000 000 rows``."""
    from jobbsats.money import format_count

    return f"{format_count(n, sep=' ')} {one if n == 1 else many}"


def resolve_config(config: str | None) -> tuple[Path, str | None]:
    """A scenario path from a path, a bundled example's name, or nothing.

    Returns the path and a note to show the user about which file was chosen.
    """
    from jobbsats import examples
    from jobbsats.errors import InputError, Problem

    if config is None:
        local = Path("jobbsats.toml")
        if local.exists() or local.is_symlink():  # a broken link is the user's file too: the reader says why
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


class WholeHelpGroup(click.Group):
    """A group whose ``--help`` lists each command with its short line whole, wrapped rather than cut.

    click cuts a command's first sentence to fit beside its name ("Copy the ledger to TARGET, a new
    file: one snapshot,..."); here the description column wraps instead, however narrow the terminal.
    """

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = []
        for name in self.list_commands(ctx):
            command = self.get_command(ctx, name)
            if command is not None and not command.hidden:
                rows.append((name, command.get_short_help_str(limit=UNCUT)))
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)


# A limit no first sentence reaches: click then shortens nothing (it still stops at the sentence's end).
UNCUT = 10_000
