"""The ``jobbsats`` console script: what a command's process wants set before it imports anything, then the CLI.

A module of its own because ``jobbsats.cli`` imports click as it is imported, before its ``main`` could run.
"""

from __future__ import annotations

import gc

# A command is one short process whose objects mostly live to its end (modules, classes, the registry, the rows
# it works on). At Python's default, a pass over the young objects every 700 allocations, the collector walked
# them some 40 times while a report started (11-20 ms of its ~330 ms of CPU); every 10 000 it still finds the
# cycles a command leaves, in fewer passes. The console script only: a program that imports jobbsats keeps its
# own settings.
GC_YOUNG_THRESHOLD = 10_000
_SETTINGS = gc.get_threshold()  # the process's own, as it was before main()


def main() -> None:
    gc.set_threshold(GC_YOUNG_THRESHOLD, *_SETTINGS[1:])
    from jobbsats.cli import main as command_line

    # What start-up made (modules, classes, functions, click's commands) lives to the process's end: frozen, the
    # collector leaves it out of every later pass. A run of 6 000 allocations had one older-generation pass walk
    # all of it again (12-15 ms); now it walks only what the command made.
    gc.freeze()
    command_line()


def serving() -> None:
    """The collector's settings as they were before :func:`main`, for a command that runs for hours (``jobbsats
    serve``): a server makes and drops objects request after request, and at the raised threshold its memory
    settled some 6 MB higher (71 MB against 65 after 3 000 requests)."""
    gc.unfreeze()
    gc.set_threshold(*_SETTINGS)
