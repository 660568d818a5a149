"""The report's text: what the numbers are, how small ones are hidden, and a section per partner."""

from __future__ import annotations

from jobbsats import format_count, format_percent

from jobbsats_asf.figures import Figures, quarter_span, share
from jobbsats_asf.indicators import INDICATORS
from jobbsats_asf.partners import Partner, Section
from jobbsats_asf.suppression import PRIMARY, SECONDARY_MARK


def sentence(text: str) -> str:
    """The agreement's words as a sentence: the seed's texts end with a full stop or not at all."""
    text = " ".join(text.split())
    return text if text.endswith((".", "!", "?")) else text + "."


def paragraphs(section: Section, figures: Figures, year: int | None) -> list[str]:
    t = section.suppress_below
    out = [
        "Arbetsmarknads- och socialförvaltningens kvartalsvisa uppföljning av de idéburna offentliga "
        f"partnerskapen (IOP) inom arbetsmarknadsområdet, med indikatorer ur {section.indicators.name}. "
        "Talen är antal personer under kvartalet: nya deltagare, i matchning, som fått anställning och som "
        "gått vidare till studier. Ett år är summan av de kvartal som har rapporterats.",
        f"Antal från 1 till {t - 1} visas som ”<{t}” och 0 som 0. Där en summa annars skulle avslöja ett "
        f"sådant antal döljs också ett annat tal, det minsta som räcker, och visas som ”{SECONDARY_MARK}”. "
        "Måluppfyllelse visas bara där årets utfall visas.",
    ]
    if not figures.years:
        out.append("Inga indikatorer är rapporterade" + (f" för {year}." if year is not None else "."))
    out += [partner_text(partner, figures) for partner in section.partners.values()]
    return out


def partner_text(partner: Partner, figures: Figures) -> str:
    """Målgrupp, syfte and mål from the agreement, then each year's outcome against the numeric goals."""
    text = (
        f"{partner.name}. Målgrupp: {sentence(partner.target_group)} Syfte: {sentence(partner.purpose)} "
        f"Mål: {sentence(partner.goal)}"
    )
    years = [y for y in figures.years if partner.id in figures.partners[y]]
    if figures.years and not years:
        text += " Inga indikatorer är rapporterade."
    for y in years:
        parts = [_against_goal(partner, figures, y, i.key, i.words) for i in INDICATORS if i.key in partner.goals]
        if parts:
            quarters = quarter_span(figures.quarters[(y, partner.id)])
            text += f" Utfall {y} (kvartal {quarters}): {', '.join(parts)}."
    return text


def _against_goal(partner: Partner, figures: Figures, year: int, key: str, words: str) -> str:
    goal = partner.goals[key]
    why = figures.hidden.get((key, year, partner.id, None))
    if why is None:
        value = figures.values[(key, year, partner.id, None)]
        return f"{format_count(value)} {words} av målet {format_count(goal)} ({format_percent(share(value, goal))})"
    amount = f"färre än {figures.threshold}" if why == PRIMARY else "ett dolt antal"
    return f"{amount} {words} av målet {format_count(goal)}"
