"""``datapackage.json``: the export's CSV files described as a Frictionless (Tabular) Data Package v1.

Each resource has its path, its size and sha256 (a reader can check the file is the one described),
the CSV dialect and a Table Schema: every field's name, type and description, the primary key and
foreign keys. The fiscal meaning of the fields follows the Fiscal Data Package (v1): each field has a
``columnType`` from its taxonomy (``date:fiscal-year``, ``value``, ``phase:id``,
``administrative-classification:generic:level1:code`` for the recipient, ``fin-source:generic:code``
for the fund, ...), and what every row of a file shares is given once as a constant in
``extraFields`` (``direction`` expenditure, ``currency`` SEK, ``phase`` executed for utfall). A
budget's phases are the Fiscal Data Package's: ``approved`` as first decided, ``adjusted`` as revised,
``executed`` for utfall; ``budget_utfall`` has one of each in a row, tied to them with ``normalize``.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata

from jobbsats import __version__
from jobbsats.export.csvfiles import Resource
from jobbsats.ledger.view import LedgerView


def slug(text: str) -> str:
    """A Data Package name: lower-case letters, digits and ``-`` (``Ung i sommar 2024`` -> ``ung-i-sommar-2024``)."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    return re.sub(r"[^a-z0-9]+", "-", plain).strip("-") or "jobbsats"


def _resource(resource: Resource, data: bytes) -> dict:
    schema: dict = {
        "fields": [
            {
                "name": f.name,
                "type": f.type,
                "description": f.description,
                **({"columnType": f.column_type} if f.column_type else {}),
                **f.extra,
            }
            for f in resource.fields
        ],
        "primaryKey": resource.primary_key,
    }
    if resource.empty_is_value:
        schema["missingValues"] = []  # "" is no fund, the fund's own purpose: values, and parts of the key
    if resource.foreign_keys:
        schema["foreignKeys"] = resource.foreign_keys
    if resource.extra_fields:
        schema["extraFields"] = resource.extra_fields
    return {
        "profile": "tabular-data-resource",
        "name": resource.name,
        "path": resource.path,
        "title": resource.title,
        "description": resource.description,
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "bytes": len(data),
        "hash": "sha256:" + hashlib.sha256(data).hexdigest(),
        "dialect": {"delimiter": ",", "quoteChar": '"', "header": True, "lineTerminator": "\r\n"},
        "schema": schema,
    }


def descriptor(view: LedgerView, resources: list[Resource], files: dict[str, bytes], others: list[str]) -> bytes:
    """The package's descriptor for ``resources`` (whose CSV bytes are in ``files``); ``others`` names the
    export's files that are no table (the SIE budget files)."""
    run = view.run
    ref = run.decision.ref if run.decision else ""
    about = f"Run {run.id} of the scenario {run.scenario}" + (f" ({ref})" if ref else "")
    extra = (
        f" Beside it, not described here: {', '.join(others)} (SIE 4, the budget per ansvar and month)."
        if others
        else ""
    )
    package = {
        "profile": "tabular-data-package",
        "name": slug(f"{run.scenario} run {run.id}"),
        "title": run.scenario,
        "description": f"{about}, exported by jobbsats {__version__}: allocations, grants passed on, utfall "
        f"and budget against utfall. Amounts in kronor (SEK).{extra}",
        "created": run.started_at,
        "resources": [_resource(r, files[r.path]) for r in resources],
    }
    return (json.dumps(package, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
