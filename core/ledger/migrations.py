"""The ledger's schema, as named migrations applied on every open.

Money columns are INTEGER öre in STRICT tables, so SQLite itself refuses a
REAL or TEXT amount. Add a new migration for every change; never edit one that
has shipped.
"""

from __future__ import annotations

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

migrations = Migrations("jobbsats")


@migrations(name="0001_initial")
def initial(db: Database) -> None:
    db["recipients"].create(
        {"id": str, "name": str, "kind": str, "genitive": str},
        pk="id",
        not_null={"name", "kind", "genitive"},
        strict=True,
    )
    db["funds"].create(
        {"id": str, "name": str, "wording": str, "unit": str},
        pk="id",
        not_null={"name", "wording", "unit"},
        defaults={"unit": "SEK"},
        strict=True,
    )
    db["runs"].create(
        {
            "id": int,
            "started_at": str,
            "user": str,
            "scenario": str,
            "config_path": str,
            "config_sha256": str,
            "config_text": str,
            "decision_json": str,
            "versions_json": str,
            "status": str,
        },
        pk="id",
        not_null={"started_at", "scenario", "config_path", "config_sha256", "status"},
        strict=True,
    )
    db["fund_totals"].create(
        {"run_id": int, "fund_id": str, "year": int, "total_ore": int, "unallocated_ore": int},
        pk=("run_id", "fund_id", "year"),
        foreign_keys=[("run_id", "runs", "id"), ("fund_id", "funds", "id")],
        not_null={"total_ore", "unallocated_ore"},
        strict=True,
    )
    db["allocations"].create(
        {
            "id": int,
            "run_id": int,
            "seq": int,
            "year": int,
            "fund_id": str,
            "from_id": str,
            "to_id": str,
            "amount_ore": int,
            "rule": str,
            "rule_index": int,
            "rule_label": str,
            "source": str,
            "label": str,
            "action": str,
            "decision_ref": str,
            "point": int,
            "recurring_from": int,
            "recurring_to": int,
            "agreements": str,
            "text": str,
        },
        pk="id",
        foreign_keys=[
            ("run_id", "runs", "id"),
            ("fund_id", "funds", "id"),
            ("from_id", "recipients", "id"),
            ("to_id", "recipients", "id"),
        ],
        not_null={"run_id", "seq", "year", "fund_id", "to_id", "amount_ore", "rule", "source", "action"},
        strict=True,
    )
    db["allocations"].create_index(["run_id", "year"])
