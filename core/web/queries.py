"""Canned queries the web view offers on a ledger, each with its parameters (Datasette shows a form).

Parameters left empty select everything: a year or a recipient id narrows it.
"""

from __future__ import annotations

_WHERE = "(:year = '' OR year = CAST(:year AS INTEGER)) AND (:recipient = '' OR recipient_id = :recipient)"

CANNED_QUERIES = {
    "budget_och_utfall": {
        "title": "Budget och utfall per år, mottagare, fond och ändamål",
        "sql": "SELECT scenario, year, recipient_id, recipient, fund, purpose, budget_ore, utfall_ore, remaining_ore "
        f"FROM web_budget_utfall WHERE {_WHERE} ORDER BY scenario, year, recipient_id, fund_id, purpose",
        "params": ["year", "recipient"],
    },
    "fordelning": {
        "title": "Fördelning per år och mottagare (gällande körning)",
        "sql": "SELECT scenario, year, recipient_id, recipient, via, fund, purpose, amount, unit, rule, decision_ref, "
        f"point FROM web_allocations WHERE current AND {_WHERE} ORDER BY scenario, year, seq",
        "params": ["year", "recipient"],
    },
    "prognos": {
        "title": "Helårsprognos per år, mottagare, fond och ändamål",
        "sql": "SELECT scenario, year, recipient_id, recipient, fund, purpose, budget_ore, utfall_ore, cut_day, "
        f"forecast_ore, deviation_ore, method, comment FROM web_prognos WHERE {_WHERE} "
        "ORDER BY scenario, year, recipient_id, fund_id, purpose",
        "params": ["year", "recipient"],
    },
    "utfall_per_manad": {
        "title": "Utfall per månad (summor, gällande importer)",
        "sql": "SELECT scenario, year, month, recipient_id, recipient, fund, purpose, amount_ore, booked_rows "
        f"FROM web_utfall_current WHERE {_WHERE} ORDER BY scenario, year, month, recipient_id",
        "params": ["year", "recipient"],
    },
}
