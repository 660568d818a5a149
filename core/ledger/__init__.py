"""The SQLite ledger: schema, writing runs, and the read-only view reports use."""

import sys
from types import ModuleType

from jobbsats.ledger.db import open_ledger


def sqlite_utils_without_numpy() -> ModuleType:
    """sqlite-utils, imported (the first time) without its optional numpy support.

    sqlite-utils imports numpy whenever it is installed (to store numpy values),
    most of a second's tenth on a machine where some other package brought numpy
    along, for each command that imports sqlite-utils (one that migrates an older
    ledger, or imports a file). jobbsats never stores numpy values, so for this one
    import numpy is made unimportable; it stays importable for everything after.
    """
    if "sqlite_utils" not in sys.modules and "numpy" not in sys.modules:
        sys.modules["numpy"] = None  # type: ignore[assignment]  # `import numpy` now raises ImportError
        try:
            import sqlite_utils  # noqa: F401
        finally:
            del sys.modules["numpy"]
    import sqlite_utils

    return sqlite_utils


__all__ = ["open_ledger"]
