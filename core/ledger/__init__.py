"""The SQLite ledger: schema, writing runs, and the read-only view reports use."""

import sys


def _sqlite_utils_without_numpy() -> None:
    """Import sqlite-utils without its optional numpy support.

    sqlite-utils imports numpy whenever it is installed (to store numpy values),
    which is most of a second's tenth on every command, on a machine where some
    other package brought numpy along. jobbsats never stores numpy values, so for
    this one import numpy is made unimportable; it stays importable for
    everything after.
    """
    if "sqlite_utils" in sys.modules or "numpy" in sys.modules:
        return
    sys.modules["numpy"] = None  # type: ignore[assignment]  # `import numpy` now raises ImportError
    try:
        import sqlite_utils  # noqa: F401
    finally:
        del sys.modules["numpy"]


_sqlite_utils_without_numpy()

from jobbsats.ledger.db import open_ledger  # noqa: E402  (after the import above, on purpose)

__all__ = ["open_ledger"]
