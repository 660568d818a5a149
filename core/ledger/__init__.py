"""The SQLite ledger: schema, writing runs, and the read-only view reports use."""

from jobbsats.ledger.db import open_ledger

__all__ = ["open_ledger"]
