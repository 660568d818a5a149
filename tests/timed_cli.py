"""The ``jobbsats`` command line with the ledger's write lock timed, for tests/test_concurrency.py.

``python tests/timed_cli.py ARGS...`` behaves as ``jobbsats ARGS...``. When
JOBBSATS_TIMING_LOG names a file, every ``BEGIN IMMEDIATE`` the command runs
appends JSON lines to it: ``begun`` (with ``wait_ms``, how long it waited for
the write lock), then ``ended`` (with ``hold_ms``, how long it held the lock
until COMMIT or ROLLBACK), or ``busy`` when it gave up waiting. Any statement
that fails as busy or locked is logged as ``locked``. A process killed while
it holds the lock leaves ``begun`` without ``ended``.

It times from the outside of jobbsats (a ``sqlite3.Connection`` subclass handed
to every ``sqlite3.connect``), so the ledger code runs unchanged.
"""

from __future__ import annotations

import json
import os
import sqlite3
import time

LOG = os.environ.get("JOBBSATS_TIMING_LOG")


def _log(event: str, **fields: object) -> None:
    # One write per line on a file opened for appending: lines of processes writing at once never mix.
    line = json.dumps({"pid": os.getpid(), "event": event, **fields}) + "\n"
    fd = os.open(LOG, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)  # type: ignore[arg-type]
    try:
        os.write(fd, line.encode())
    finally:
        os.close(fd)


class TimedConnection(sqlite3.Connection):
    """A connection that logs how long its write transactions wait for and hold the lock."""

    _since: float | None = None

    def execute(self, sql, *args, **kwargs):  # type: ignore[override]
        verb = " ".join(sql.split()[:2]).upper() if isinstance(sql, str) else ""
        start = time.monotonic()
        try:
            result = super().execute(sql, *args, **kwargs)
        except sqlite3.OperationalError as exc:
            text = str(exc)
            ms = round((time.monotonic() - start) * 1000, 1)
            if verb == "BEGIN IMMEDIATE":
                _log("busy", wait_ms=ms, error=text)
            elif "locked" in text or "busy" in text:
                _log("locked", ms=ms, sql=sql[:60], error=text)
            raise
        now = time.monotonic()
        if verb == "BEGIN IMMEDIATE":
            self._since = now
            _log("begun", wait_ms=round((now - start) * 1000, 1))
        elif verb.split(" ")[0] in ("COMMIT", "ROLLBACK", "END") and self._since is not None:
            _log("ended", how=verb.split(" ")[0].lower(), hold_ms=round((now - self._since) * 1000, 1))
            self._since = None
        return result


def main() -> None:
    if LOG:
        plain = sqlite3.connect

        def connect(*args, **kwargs):
            kwargs.setdefault("factory", TimedConnection)
            return plain(*args, **kwargs)

        sqlite3.connect = connect  # type: ignore[assignment]
    from jobbsats.cli import main as cli

    cli()


if __name__ == "__main__":
    main()
