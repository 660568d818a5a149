"""Standard output that fails as a message: a full device said as such, a closed pipe ending quietly.

``jobbsats report fordelning | head -1`` closes the pipe early: the command
stops writing and exits 141 (128 + SIGPIPE, as a shell reports a program the
signal ended), with no "BrokenPipeError" and no "Exception ignored" at exit: as
the Python documentation's note on SIGPIPE does, standard output is pointed at
``os.devnull`` so that the last flush has somewhere to go.
``jobbsats report fordelning > /dev/full`` is an error like any other, naming
standard output, which an ``OSError`` from a write does not do by itself.
"""

from __future__ import annotations

import errno
import io
import os
import signal
import sys
from typing import NoReturn, TextIO

import click

from jobbsats.errors import MESSAGE_CHARS, clip, printable

CLOSED_PIPE_EXIT = 128 + int(getattr(signal, "SIGPIPE", 13))
DIRECT_WRITE = 8192  # characters: a text this long is written straight to the file descriptor (see Stdout.write)


class Stdout(io.TextIOWrapper):
    """Standard output whose write errors say that they are standard output's."""

    def write(self, text: str) -> int:
        try:
            if len(text) < DIRECT_WRITE:
                return super().write(text)
            # A long text goes past the buffer: CPython's buffered writer takes the short count of a write
            # that a closing pipe cut (64 KB of 270 KB) as success and drops the rest, so that
            # `jobbsats report fordelning | head -c 1` exited 0. Written here until every byte is out,
            # the next write after the cut fails with EPIPE, as the closed pipe needs.
            super().flush()
            data = memoryview(text.encode(self.encoding, self.errors or "strict"))
            while data:
                data = data[os.write(self.buffer.fileno(), data) :]
            return len(text)
        except OSError as exc:
            raise _marked(exc) from None

    def flush(self) -> None:
        try:
            super().flush()
        except OSError as exc:
            raise _marked(exc) from None


def _marked(exc: OSError) -> OSError:
    exc.on_stdout = True  # type: ignore[attr-defined]
    return exc


def install() -> None:
    """Put :class:`Stdout` in place of the process's standard output (not a test runner's stand-in)."""
    stream = sys.stdout
    if type(stream) is not io.TextIOWrapper:
        return
    stream.flush()
    sys.stdout = Stdout(
        stream.buffer,
        encoding=stream.encoding,
        errors=stream.errors,
        line_buffering=stream.line_buffering,
        write_through=stream.write_through,
    )


def describe(exc: OSError) -> str:
    """An operating system's error as one line: the path it concerns, and what went wrong."""
    what = exc.strerror or str(exc)
    if getattr(exc, "on_stdout", False):
        return f"standard output: cannot write: {what}"
    if exc.filename is not None:
        where = os.fsdecode(exc.filename)
        if exc.filename2 is not None:
            where += f" -> {os.fsdecode(exc.filename2)}"
        return f"{where}: {what}"
    return what


def closed_pipe(exc: BaseException) -> bool:
    """Whether ``exc`` is a write to a pipe whose reader has gone."""
    return isinstance(exc, OSError) and exc.errno == errno.EPIPE


def silence(*streams: TextIO) -> None:
    """Point ``streams`` (standard output and error) at ``os.devnull``: nothing more is written to
    them, and the flush at exit succeeds."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
    except OSError:
        return
    for stream in streams or (sys.stdout, sys.stderr):
        try:
            os.dup2(devnull, stream.fileno())
        except (AttributeError, OSError, ValueError):  # closed at start (None), or a test runner's stand-in
            pass
    os.close(devnull)


def end_quietly() -> NoReturn:
    """End the command after its reader closed the pipe: no message, exit 141."""
    silence()
    raise click.exceptions.Exit(CLOSED_PIPE_EXIT)


def say(message: str) -> None:
    """Write an error message to standard error; if that cannot be written either, write nothing more.

    What cannot be seen is written out (``\\u202e``), line by line: a message quotes what a user wrote, and
    a raw bidirectional control or escape sequence would reorder or clear the terminal.
    """
    message = "\n".join(printable(line) for line in message.split("\n"))
    try:
        click.echo(message, err=True)
    except OSError:
        silence()


def fail(exc: OSError) -> NoReturn:
    """End the command on an operating system's error: quietly for a closed pipe (exit 141), else
    with one message naming the path (or standard output) and what went wrong (exit 1)."""
    if closed_pipe(exc):
        end_quietly()
    if getattr(exc, "on_stdout", False):
        silence(sys.stdout)  # what is left in its buffer would only fail again at exit
    say(f"Error: {clip(describe(exc), MESSAGE_CHARS)}")
    raise click.exceptions.Exit(1)


def last_flush() -> None:
    """Flush standard output before the process ends, so that a failure is said rather than printed
    by the interpreter as "Exception ignored"."""
    try:
        if sys.stdout is not None:  # None when the process started with it closed (`jobbsats runs >&-`)
            sys.stdout.flush()
    except OSError as exc:
        try:
            fail(exc)
        except click.exceptions.Exit as end:
            raise SystemExit(end.exit_code) from None
