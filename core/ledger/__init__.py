"""The SQLite ledger: schema, writing runs, and the read-only view reports use."""

from jobbsats.ledger.db import default_path, open_ledger

__all__ = ["default_path", "open_ledger"]
