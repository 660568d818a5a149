"""Producing a report from the ledger: its options checked against the run, its document built and
checked, then rendered in a format. What ``jobbsats report`` and the web view's downloads share."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from jobbsats import guard
from jobbsats.contracts import ReportOptions, options_of
from jobbsats.document import malformed
from jobbsats.errors import JobbsatsError

if TYPE_CHECKING:
    from jobbsats.ledger.view import LedgerView
    from jobbsats.registry import Registry


def produce(
    registry: Registry,
    view: LedgerView,
    name: str,
    fmt: str,
    year: int | None = None,
    values: Mapping[str, Any] | None = None,
) -> str | bytes:
    """Report ``name`` on ``view`` in format ``fmt``, with the report's own option ``values`` by name
    (``no_header`` among them); a year the run lacks or a value an option does not allow is refused."""
    values = dict(values or {})
    all_years = sorted(set(view.years) | set(view.project_years))
    if year is not None and year not in all_years:
        years = ", ".join(str(y) for y in all_years)
        raise JobbsatsError(f"run {view.run_id} has no year {year} (years: {years})")
    report = registry.reports[name]
    for option in options_of(report):
        allowed = option.allowed_values(view)
        given = values.get(option.name)
        asked = list(given or ()) if option.multiple else ([given] if given is not None else [])
        for value in asked:
            if allowed is not None and value not in allowed:
                known = ", ".join(sorted(allowed)) or "none"
                raise JobbsatsError(
                    f"--{option.name.replace('_', '-')}: unknown {option.name} {value!r} in run {view.run_id} "
                    f"(known: {known})"
                )
    options = ReportOptions(year=year, values=values)
    document = registry.call(lambda: report.build(view, options), "report", name, "build()")
    if problem := malformed(document):
        owner = registry.owner[("report", name)]
        raise guard.failure(owner, problem, where=f"report {name!r}", distribution=registry.distribution(owner))
    if view.as_of is not None:
        from jobbsats.reports.header import header

        # After the report's own header line (which run, when, from which file), when it has one.
        first = 1 if document.paragraphs and document.paragraphs[0] == header(view) else 0
        document.paragraphs.insert(first, _as_of_note(view))
    return registry.call(lambda: registry.formats[fmt].render(document), "format", fmt, "render()")


def _as_of_note(view: LedgerView) -> str:
    """Says that a report shows the ledger as it stood on a day, and what has come since."""
    later = view.later_runs()
    since = f"; senare finns körning {', '.join(str(r) for r in later)}" if later else ""
    return (
        f"Ställning per {view.as_of} (dagen räknad i UTC): körning {view.run_id} och utfall importerat "
        f"till och med den dagen{since}."
    )
