"""``arshjul``: the yearly cycle of Strategiska jobbsatsningar as a calendar for a budget year.

The cycle is the one in the tjänsteskrivelse of STK-2024-291 (2024-02-23),
in its own words and order: kommunfullmäktige's budget decision in November
(år 1), the fördelning by percentage to each board, each board's budget in
January (år 2), and each board's återrapportering in January/February (år 3).
For budget year Y, år 1 is Y-1, år 2 is Y and år 3 is Y+1. The calendar is
computed from the year alone; the ledger only gives the run's years and its
decisions' references.
"""

from __future__ import annotations

from dataclasses import dataclass

from jobbsats import Column, Document, LedgerView, ReportOptions, Table

SOURCE = "STK-2024-291"  # the tjänsteskrivelse the årshjul comes from
PROGRAMME = "”Strategiska jobbsatsningar”"  # the seed spells it "jobsatsningar" here; the decision's name is used

MONTHS = (
    "januari",
    "februari",
    "mars",
    "april",
    "maj",
    "juni",
    "juli",
    "augusti",
    "september",
    "oktober",
    "november",
    "december",
)


@dataclass(frozen=True)
class Step:
    """One step of the årshjul for a budget year; ``months`` is empty when the decision names no month."""

    budget_year: int
    number: int
    cycle_year: int | None  # 1, 2 or 3: the decision's "år 1", "år 2", "år 3"; None when it names none
    months: tuple[int, ...]
    who: str
    what: str

    @property
    def year(self) -> int | None:
        return None if self.cycle_year is None else self.budget_year - 2 + self.cycle_year

    @property
    def month(self) -> str:
        """The months as the decision writes them: "november", "januari/februari"; "därefter" for none."""
        return "/".join(MONTHS[m - 1] for m in self.months) or "därefter"

    @property
    def when(self) -> str:
        if self.months:
            return f"{self.month} {self.year}"
        return f"därefter, före januari {self.budget_year}"


def steps(budget_year: int) -> list[Step]:
    """The årshjul for ``budget_year``, in the decision's order."""
    return [
        Step(
            budget_year,
            1,
            1,
            (11,),
            "Kommunfullmäktige",
            "Kommunfullmäktige ger förutsättningar i och med budgetbeslut i november (år 1). Det innebär att "
            f"Kommunfullmäktige kan justera summan för hela {PROGRAMME} varje år.",
        ),
        # The decision gives this step no month and no subject; it is kommunstyrelsen's
        # fördelning (as in points 6-9 of STK-2024-291, and point 10 for later years).
        Step(
            budget_year,
            2,
            None,
            (),
            "Kommunstyrelsen",
            "Fördelning sker därefter enligt procentsats till varje nämnd.",
        ),
        Step(
            budget_year,
            3,
            2,
            (1,),
            "Respektive nämnd",
            "Respektive nämnd tar beslut om sin budget i januari (år 2) och därmed allokeras årets fördelning av "
            f"{PROGRAMME} i förvaltningarna.",
        ),
        Step(
            budget_year,
            4,
            3,
            (1, 2),
            "Respektive nämnd",
            "Respektive nämnd återrapporterar i stadens ordinarie uppföljningssystem samt i årsredovisningen "
            "januari/februari (år 3).",
        ),
    ]


class Arshjul:
    """The ``arshjul`` report: what is due when in the yearly cycle, for the run's budget years or ``--year``."""

    name = "arshjul"
    description = "Årshjul: budgetbeslut, fördelning, nämndernas budget och återrapportering för ett budgetår."

    def build(self, ledger: LedgerView, options: ReportOptions) -> Document:
        years = [options.year] if options.year is not None else (ledger.years or ledger.project_years)
        table = Table(
            name="arshjul",
            title="Årshjul",
            columns=[
                Column("budget_year", "Budgetår", "year"),
                Column("step", "Steg", "int"),
                Column("month", "Månad"),
                Column("year", "År", "year"),
                Column("cycle", "Årshjulet"),
                Column("who", "Vem"),
                Column("what", "Vad"),
            ],
        )
        for year in years:
            for s in steps(year):
                table.rows.append(
                    {
                        "budget_year": s.budget_year,
                        "step": s.number,
                        "month": s.month,
                        "year": s.year,
                        "cycle": f"år {s.cycle_year}" if s.cycle_year else "",
                        "who": s.who,
                        "what": s.what,
                        "when": s.when,
                        "months": ",".join(str(m) for m in s.months),
                    }
                )
        return Document(
            report=self.name,
            title=f"Årshjul: {ledger.run.scenario}",
            tables=[table],
            paragraphs=self._paragraphs(ledger, years),
        )

    @staticmethod
    def _paragraphs(ledger: LedgerView, years: list[int]) -> list[str]:
        refs = list(dict.fromkeys([ledger.run.decision.ref, *(a.decision_ref for a in ledger.allocations())]))
        refs = [r for r in refs if r]
        texts = [
            f"Årshjulet för Strategiska jobbsatsningar enligt tjänsteskrivelsen {SOURCE} (2024-02-23). "
            "För budgetår Y är år 1 året före (Y-1), år 2 budgetåret (Y) och år 3 året efter (Y+1).",
            f"Körning {ledger.run.id} ({ledger.run.scenario})"
            + (f", beslut {', '.join(refs)}" if refs else ", utan beslutsreferens")
            + ("; budgetår " + ", ".join(map(str, years)) if years else "; inga budgetår")
            + ".",
        ]
        for year in years:
            first, *_, last = steps(year)
            texts.append(
                f"Budgetår {year}: budgetbeslut i kommunfullmäktige i {first.when}, "
                f"nämndernas budget i januari {year} och återrapportering i {last.when}."
            )
        grants: dict[str, list[str]] = {}
        for a in ledger.allocations():
            if a.agreements:
                grants.setdefault(a.to.name, [])
                grants[a.to.name] += [c for c in a.agreements if c not in grants[a.to.name]]
        for name, cases in grants.items():
            texts.append(
                f"Därutöver ska {name} årligen återrapportera hur de använt medlen i enlighet med avtal "
                f"({', '.join(cases)}); se rapporten avtal."
            )
        return texts
