"""The hooks a jobbsats plugin can implement.

A plugin is a module (or object) with functions decorated ``@jobbsats.hookimpl``
whose names are the hooks below, exposed through the ``jobbsats`` entry-point
group. Built-in rules, reports and formats are registered through these same
hooks, by the modules ``jobbsats.rules``, ``jobbsats.reports`` and
``jobbsats.reports.formats``.

Each ``register_*`` hook receives a ``register`` callback. Call it once per
thing you provide; the host checks the name, refuses duplicates and remembers
which plugin brought what.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pluggy

if TYPE_CHECKING:
    import click

    from jobbsats.contracts import FundRule, OutputFormat, ProjectRule, Report

hookspec = pluggy.HookspecMarker("jobbsats")
hookimpl = pluggy.HookimplMarker("jobbsats")


@hookspec
def register_rules(register: Callable[[FundRule | ProjectRule], None]) -> None:
    """Register allocation rules.

    :param register: call ``register(rule)`` with an object that satisfies
        :class:`jobbsats.FundRule` (a ``name``, a ``description``, a config
        ``schema`` fragment, ``check`` and ``allocate``) or :class:`jobbsats.ProjectRule`
        (the same with ``periodise`` instead of ``allocate``).

    Example::

        @jobbsats.hookimpl
        def register_rules(register):
            register(EvenSplit())
    """


@hookspec
def register_reports(register: Callable[[Report], None]) -> None:
    """Register reports.

    :param register: call ``register(report)`` with an object that satisfies
        :class:`jobbsats.Report` (a ``name``, a ``description``, optional
        ``options`` and a ``build(ledger, options)`` method returning a
        :class:`jobbsats.Document`).

    Example::

        @jobbsats.hookimpl
        def register_reports(register):
            register(PerBoard())
    """


@hookspec
def register_formats(register: Callable[[OutputFormat], None]) -> None:
    """Register output formats that turn a report's document into a file.

    :param register: call ``register(fmt)`` with an object that satisfies
        :class:`jobbsats.OutputFormat` (a ``name``, a file
        ``extension``, ``binary`` and a ``render(document) -> str | bytes``).

    Example::

        @jobbsats.hookimpl
        def register_formats(register):
            register(Tsv())
    """


@hookspec
def register_commands(cli: click.Group) -> None:
    """Add commands to the ``jobbsats`` command line.

    :param cli: the top-level click group; call ``cli.add_command(command)``.
        Import heavy modules inside the command function, not at module level,
        so that ``jobbsats --help`` stays fast.

    Example::

        @jobbsats.hookimpl
        def register_commands(cli):
            @cli.command()
            def hello():
                "Say hello."
                click.echo("Hej!")
    """


@hookspec
def config_schema() -> dict[str, Any] | None:
    """Contribute top-level sections to the scenario file's schema.

    :returns: a Cerberus schema fragment, ``{"section": {...rules...}}``, for
        top-level keys this plugin owns (for example ``{"asf": {"type": "dict",
        "schema": {...}}}``). The core validates the whole file in one pass, so
        a typo in your section is reported with every other error. Two plugins
        claiming the same key is an error naming both. Rules declare their own
        keys on :attr:`jobbsats.FundRule.schema` instead.

    Example::

        @jobbsats.hookimpl
        def config_schema():
            return {"asf": {"type": "dict", "schema": {"threshold": {"type": "integer"}}}}
    """
