"""The ``jobbsats`` command line.

Commands live in small modules by group and are imported only when invoked (or
listed by ``--help``), so start-up stays light. Outside plugins add commands
through the ``register_commands`` hook; they are loaded only when one is
installed and allowed.
"""

from __future__ import annotations

import importlib
import sys
from typing import Any

import click

from jobbsats import __version__
from jobbsats.cli import output
from jobbsats.cli.completion import completing
from jobbsats.cli.options import WholeHelpGroup, group_db_option
from jobbsats.errors import MESSAGE_CHARS, JobbsatsError, clip, printable

COMMANDS = {
    "run": "jobbsats.cli.run:run",
    "validate": "jobbsats.cli.run:validate",
    "report": "jobbsats.cli.report:report",
    "import": "jobbsats.cli.imports:import_group",
    "runs": "jobbsats.cli.info:runs",
    "show": "jobbsats.cli.history:show",
    "diff": "jobbsats.cli.history:diff",
    "verify": "jobbsats.cli.verify:verify",
    "backup": "jobbsats.cli.backup:backup",
    "export": "jobbsats.cli.export:export",
    "plugins": "jobbsats.cli.info:plugins",
    "examples": "jobbsats.cli.info:examples",
    "init": "jobbsats.cli.init:init",
    "new-plugin": "jobbsats.cli.scaffold:new_plugin",
    "serve": "jobbsats.cli.serve:serve",
}


class JobbsatsGroup(WholeHelpGroup):
    """A group that imports built-in commands lazily and turns user errors, and the operating system's, into
    messages (see :mod:`jobbsats.cli.output` for standard output)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(COMMANDS) | set(self.commands))

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name in self.commands:
            return self.commands[name]
        target = COMMANDS.get(name)
        if target is None:
            return None
        module, _, attr = target.partition(":")
        return getattr(importlib.import_module(module), attr)

    def make_context(
        self, info_name: str | None, args: list[str], parent: click.Context | None = None, **extra: Any
    ) -> click.Context:
        try:
            return super().make_context(info_name, args, parent=parent, **extra)
        except OSError as exc:  # `jobbsats --help > /dev/full`
            output.fail(exc)
        except click.ClickException as exc:
            raise _clipped(exc) from None

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except click.ClickException as exc:  # a subcommand's usage error, "No such command", a bad value
            raise _clipped(exc) from None
        except JobbsatsError as exc:
            output.say(f"Error: {clip(str(exc), MESSAGE_CHARS)}")
            ctx.exit(exc.exit_code)
        except OSError as exc:
            # The net under every command: the places that write say what they were doing, and
            # anything they did not foresee still reaches the user as a message, never a traceback.
            output.fail(exc)


def _clipped(exc: click.ClickException) -> click.ClickException:
    """Click's usage error with the user's words cut short and what cannot be seen written out: it quotes
    an unknown command or a bad value whole, and one argument may be 100 000 characters (exit 2 still)."""
    # Click types ``message`` Final (it is set once, in __init__); this is the same text, only shorter.
    vars(exc)["message"] = printable(clip(exc.message))
    return exc


@click.group(cls=JobbsatsGroup)
@click.version_option(__version__, prog_name="jobbsats")
@group_db_option
def cli() -> None:
    """Allocate labour-market money (Strategiska jobbsatsningar) and report on it.

    Rules compute allocations from a TOML scenario file into a SQLite ledger
    (./jobbsats.db, or --db / JOBBSATS_DB, before the command or after it);
    reports read the ledger. Start with `jobbsats run` to run the bundled
    example, and `jobbsats init` to get a scenario file of your own.

    Shell completion: eval "$(_JOBBSATS_COMPLETE=bash_source jobbsats)" (or
    zsh_source, fish_source).
    """


def _add_plugin_commands() -> None:
    from jobbsats.entrypoints import outside_entry_points

    if not outside_entry_points():
        return
    from functools import partial

    from jobbsats import guard
    from jobbsats.plugins import get_plugin_manager

    pm, infos = get_plugin_manager()
    dists = {info.name: info.distribution for info in infos}
    for impl in pm.hook.register_commands.get_hookimpls():  # one at a time, so a failure names its plugin
        name = impl.plugin_name
        guard.call(partial(impl.function, cli=cli), name, "register_commands", distribution=dists.get(name, name))


def main() -> None:
    output.install()
    if completing():
        _complete()
    try:
        _add_plugin_commands()
    except JobbsatsError as exc:
        # Help and the version must still work, so a user can find the way out.
        if set(sys.argv[1:]) & {"--help", "--version"} or len(sys.argv) == 1:
            click.echo(f"Warning: outside plugins not loaded: {exc}", err=True)
        else:
            click.echo(f"Error: {clip(str(exc), MESSAGE_CHARS)}", err=True)
            sys.exit(exc.exit_code)
    try:
        cli()
    finally:
        output.last_flush()


def _complete() -> None:
    """Answer a shell's completion request: what fails (a broken plugin, an unknown report) completes
    nothing rather than print an error or a traceback into the shell."""
    try:
        _add_plugin_commands()
        cli()
        sys.exit(0)
    except SystemExit:
        raise
    except Exception:
        sys.exit(1)
