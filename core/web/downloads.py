"""A department's reports to download from the web view: every registered report (plugins' too) in every
format, made on the spot from the ledger, read-only, as ``jobbsats report`` would make it."""

from __future__ import annotations

import mimetypes
import re
import unicodedata
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

from jobbsats.contracts import options_of
from jobbsats.errors import JobbsatsError

mimetypes.add_type("text/markdown", ".md")


class NoSuchRun(JobbsatsError):
    """A download of a run the ledger does not have."""


@dataclass(frozen=True)
class Download:
    """A report's file: its bytes, name and media type."""

    body: bytes
    filename: str
    content_type: str

    @property
    def disposition(self) -> str:
        """The Content-Disposition header: an ASCII name for old clients (å, ä, ö as a, a, o), the real one
        encoded for the rest (RFC 6266)."""
        letters = unicodedata.normalize("NFKD", self.filename).encode("ascii", "ignore").decode()
        plain = re.sub(r"[^A-Za-z0-9._-]", "_", letters)
        return f"attachment; filename=\"{plain}\"; filename*=UTF-8''{urllib.parse.quote(self.filename)}"


# What a format is for, said to a department; a plugin's format shows its name alone.
FORMAT_LABELS = {
    "xlsx": "Excel",
    "csv-sv": "CSV för svensk Excel",
    "csv": "CSV",
    "docx": "Word",
    "html": "webbsida",
    "md": "Markdown",
    "json": "JSON",
}
FORMAT_ORDER = ("xlsx", "docx", "html", "csv-sv", "csv", "md", "json")


@dataclass(frozen=True)
class Offer:
    """A report a department may download: its ``name``, ``title`` ("Återrapportering") and ``description``."""

    name: str
    title: str
    description: str


def catalogue() -> tuple[list[Offer], list[tuple[str, str]]]:
    """The reports a department may download, and the formats (name, label) each is offered in."""
    from jobbsats.registry import get_registry

    registry = get_registry(rules=False)  # the web view computes no rule
    reports = []
    for name in sorted(registry.reports):
        description = (registry.reports[name].description or "").strip()
        title = description.split(":")[0].strip() if ":" in description[:60] else name
        reports.append(Offer(name, title or name, description))
    reports.sort(key=lambda offer: offer.title.lower())
    known = [f for f in FORMAT_ORDER if f in registry.formats]
    formats = [(f, FORMAT_LABELS.get(f, f)) for f in [*known, *sorted(set(registry.formats) - set(known))]]
    return reports, formats


def make(ledger: Path, report: str, fmt: str, run_id: int, recipient: str) -> Download:
    """Report ``report`` of run ``run_id`` in format ``fmt``, for ``recipient`` where the report takes a
    recipient option (the whole report where it does not). Errors are :class:`JobbsatsError`, said for a user."""
    from jobbsats.ledger.db import open_read_only
    from jobbsats.ledger.view import LedgerView
    from jobbsats.produce import produce
    from jobbsats.registry import get_registry

    registry = get_registry(rules=False)  # the web view computes no rule
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
        if db.execute("select count(*) from runs where id = ?", [run_id]).fetchone()[0] == 0:
            raise NoSuchRun(f"Ingen körning {run_id} i huvudboken")
        content = produce(registry, LedgerView(db, run_id), report, fmt, values=values)
    finally:
        db.conn.close()
    body = content if isinstance(content, bytes) else content.encode("utf-8")
    extension = registry.formats[fmt].extension
    kind = mimetypes.guess_type(f"x.{extension}")[0] or "application/octet-stream"
    if isinstance(content, str):  # a binary format's bytes carry their own encoding, if any
        kind += "; charset=utf-8"
    variant = "" if fmt == extension else f"-{fmt}"  # csv and csv-sv both write .csv files
    return Download(body, f"{report}-{recipient}-körning-{run_id}{variant}.{extension}", kind)
