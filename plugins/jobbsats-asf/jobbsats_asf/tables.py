"""The ``iop`` report's document: its tables and paragraphs, from the run's ``[asf]`` section and the CSV it names.

A module apart from :mod:`jobbsats_asf.report`, whose class every report command makes to learn the report's
name: the reading, counting and suppression here are imported only when the report is built.
"""

from __future__ import annotations

from jobbsats import Column, Document, LedgerView, ReportOptions, Table

from jobbsats_asf.figures import Figures, quarter_span, share
from jobbsats_asf.indicators import INDICATORS, read_indicators
from jobbsats_asf.partners import Partner, Section, read_section
from jobbsats_asf.suppression import SECONDARY_MARK
from jobbsats_asf.text import paragraphs

COUNT_COLUMNS = [Column(i.key, i.title, "int") for i in INDICATORS]


def document(ledger: LedgerView, options: ReportOptions, name: str) -> Document:
    """The report's document: its three tables and its paragraphs, from the run's ``[asf]`` section."""
    section = read_section(ledger.config, ledger.config_folder, ledger.run.id)
    rows = read_indicators(section.indicators, section.partners)
    if options.year is not None:
        rows = [r for r in rows if r.year == options.year]
    figures = Figures(rows, section.partners, section.suppress_below)
    years = figures.years or ([options.year] if options.year is not None else [])
    span = f"{years[0]}–{years[-1]}" if len(years) > 1 else "".join(map(str, years))
    tables = [quarter_table(figures, section), year_table(figures, section)]
    goals = goal_table(figures, section)
    if goals.rows:
        tables.append(goals)
    return Document(
        report=name,
        title=f"Uppföljning av idéburna offentliga partnerskap (IOP) {span}".strip(),
        tables=tables,
        paragraphs=paragraphs(section, figures, options.year),
    )


def _partner_fields(partner: Partner) -> dict:
    return {"partner": partner.name, "partner_id": partner.id}


def quarter_table(figures: Figures, section: Section) -> Table:
    table = Table(
        name="iop_kvartal",
        title="Per partner och kvartal",
        columns=[Column("year", "År", "year"), Column("quarter", "Kvartal", "int"), Column("partner", "Partner")]
        + COUNT_COLUMNS,
    )
    for y in figures.years:
        for pid in figures.partners[y]:
            for q in sorted(figures.quarters[(y, pid)]):
                counts = {i.key: figures.cell(i.key, y, pid, q) for i in INDICATORS}
                table.rows.append({"year": y, "quarter": q, **_partner_fields(section.partners[pid]), **counts})
    return table


def year_table(figures: Figures, section: Section) -> Table:
    table = Table(
        name="iop_ar",
        title="Per partner och år",
        columns=[Column("year", "År", "year"), Column("partner", "Partner"), Column("quarters", "Kvartal")]
        + COUNT_COLUMNS,
    )
    for y in figures.years:
        for pid in figures.partners[y]:
            counts = {i.key: figures.cell(i.key, y, pid) for i in INDICATORS}
            quarters = quarter_span(figures.quarters[(y, pid)])
            table.rows.append({"year": y, **_partner_fields(section.partners[pid]), "quarters": quarters, **counts})
        counts = {i.key: figures.cell(i.key, y) for i in INDICATORS}
        table.totals.append({"year": y, "partner": f"Summa {y}", **counts})
    return table


def goal_table(figures: Figures, section: Section) -> Table:
    table = Table(
        name="iop_mal",
        title="Måluppfyllelse",
        columns=[
            Column("year", "År", "year"),
            Column("partner", "Partner"),
            Column("indicator", "Indikator"),
            Column("quarters", "Kvartal"),
            Column("outcome", "Utfall", "int"),
            Column("goal", "Mål per år", "int"),
            Column("attainment_percent", "Måluppfyllelse (%)", "percent"),
        ],
    )
    for y in figures.years:
        for pid in figures.partners[y]:
            partner = section.partners[pid]
            for i in INDICATORS:
                if i.key not in partner.goals:
                    continue
                goal = partner.goals[i.key]
                # A percentage of a known goal would give the hidden count back.
                attained = share(figures.values[(i.key, y, pid, None)], goal) if figures.shown(i.key, y, pid) else None
                table.rows.append(
                    {
                        "year": y,
                        **_partner_fields(partner),
                        "indicator": i.title,
                        "indicator_id": i.key,
                        "quarters": quarter_span(figures.quarters[(y, pid)]),
                        "outcome": figures.cell(i.key, y, pid),
                        "goal": goal,
                        "attainment_percent": SECONDARY_MARK if attained is None else attained,
                    }
                )
    return table
