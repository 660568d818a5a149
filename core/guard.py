"""The one place where jobbsats calls into plugin code.

Loading, registering, checking, allocating, building and rendering all go
through :func:`call`, so a plugin's bug always reads the same way: which
plugin, in which hook, what went wrong, and how to run without it. A
:class:`~jobbsats.errors.JobbsatsError` a plugin raises on purpose (an
:class:`~jobbsats.errors.InputError` about its own file) passes through as it is.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from jobbsats.entrypoints import how_to_disable
from jobbsats.errors import JobbsatsError, PluginError

T = TypeVar("T")

BUILTIN_DISTRIBUTION = "jobbsats"
# What every failure before a run or an import is written can say: a run is all or nothing.
NOTHING_WRITTEN = "Nothing was written to the ledger."


def failure(plugin: str, what: str, *, where: str = "", distribution: str | None = None) -> PluginError:
    """The error for plugin ``plugin`` that did ``what`` ("returned 3, not a RuleResult").

    :param where: what the call was about, put first (``"scenario.toml: rules[1]: rule 'x'"``)
    :param distribution: the package that brought the plugin; the way out is named
        for any plugin that does not come with jobbsats itself
    """
    message = f"{where} (plugin {plugin!r}) {what}" if where else f"plugin {plugin!r} {what}"
    if distribution is not None and distribution != BUILTIN_DISTRIBUTION:
        message += f"\n{how_to_disable(plugin, distribution)}"
    return PluginError(message)


def call(
    step: Callable[[], T],
    plugin: str,
    hook: str,
    *,
    where: str = "",
    distribution: str | None = None,
    about: str = "",
    note: str = "",
) -> T:
    """Run ``step`` (a call into plugin ``plugin``'s ``hook``); an exception becomes one clear
    :class:`PluginError`. ``about`` says what the call was for ("for 2025"), ``note`` what follows
    ("Nothing was written to the ledger.")."""
    try:
        return step()
    except JobbsatsError:
        raise
    except (Exception, SystemExit) as exc:  # a plugin's sys.exit() must not end jobbsats without a word
        detail = f"failed in {hook}{' ' + about if about else ''}: {type(exc).__name__}: {exc}"
        if note:
            detail += f". {note}"
        raise failure(plugin, detail, where=where, distribution=distribution) from exc
