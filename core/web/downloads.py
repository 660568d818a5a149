"""A department's reports to download from the web view: every registered report (plugins' too) in every
format, made on the spot from the ledger, read-only, as ``jobbsats report`` would make it."""

from __future__ import annotations

import mimetypes
import re
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

from jobbsats.contracts import options_of
from jobbsats.errors import JobbsatsError

mimetypes.add_type("text/markdown", ".md")


@dataclass(frozen=True)
class Download:
    """A report's file: its bytes, name and media type."""

    body: bytes
    filename: str
    content_type: str

    @property
    def disposition(self) -> str:
        """The Content-Disposition header: an ASCII name for old clients, the real one encoded (RFC 6266)."""
        plain = re.sub(r"[^A-Za-z0-9._-]", "_", self.filename)
        return f"attachment; filename=\"{plain}\"; filename*=UTF-8''{urllib.parse.quote(self.filename)}"


def catalogue() -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """The reports (name, description) and formats (name, file extension) a department may download."""
    from jobbsats.registry import get_registry

    registry = get_registry()
    reports = [(name, (registry.reports[name].description or "").strip()) for name in sorted(registry.reports)]
    formats = [(name, registry.formats[name].extension) for name in sorted(registry.formats)]
    return reports, formats


def make(ledger: Path, report: str, fmt: str, run_id: int, recipient: str) -> Download:
    """Report ``report`` of run ``run_id`` in format ``fmt``, for ``recipient`` where the report takes a
    recipient option (the whole report where it does not). Errors are :class:`JobbsatsError`, said for a user."""
    from jobbsats.ledger.db import open_read_only
    from jobbsats.ledger.view import LedgerView
    from jobbsats.produce import produce
    from jobbsats.registry import get_registry

    registry = get_registry()
    if report not in registry.reports:
        raise JobbsatsError(f"unknown report {report!r} (reports: {', '.join(sorted(registry.reports))})")
    if fmt not in registry.formats:
        raise JobbsatsError(f"unknown format {fmt!r} (formats: {', '.join(sorted(registry.formats))})")
    values: dict[str, object] = {}
    for option in options_of(registry.reports[report]):
        if option.name == "recipient":
            values["recipient"] = (recipient,) if option.multiple else recipient
    db = open_read_only(ledger)
    try:
        content = produce(registry, LedgerView(db, run_id), report, fmt, values=values)
    finally:
        db.conn.close()
    body = content if isinstance(content, bytes) else content.encode("utf-8")
    extension = registry.formats[fmt].extension
    kind = mimetypes.guess_type(f"x.{extension}")[0] or "application/octet-stream"
    if isinstance(content, str):  # a binary format's bytes carry their own encoding, if any
        kind += "; charset=utf-8"
    return Download(body, f"{report}-{recipient}-körning-{run_id}.{extension}", kind)
