"""What the run grants under each agreement, per year, split into the agreements' own parts when the file says.

An allocation may name several agreements (KS grants Tillväxt Malmö och Level
4 900 000 kr a year under STK-2023-1150 and STK-2023-1149). Unless the
agreements file gives each agreement its own part, the amount is one grant
under all of them. Allocations in one year that share an agreement are pooled,
so no agreement's report is counted under two grants.
"""

from __future__ import annotations

from dataclasses import dataclass

from jobbsats import AllocationRow, Problem, format_kr, key_path
from jobbsats_stadskontoret.agreements import Agreement


@dataclass(frozen=True)
class Grant:
    """Money the run grants in one year under one agreement, or under several together."""

    year: int
    cases: tuple[str, ...]
    amount: int  # öre
    allocations: tuple[AllocationRow, ...]  # all of whose amounts this is, or (split) a part of

    @property
    def sources(self) -> str:
        return ", ".join(a.source for a in self.allocations)


def _kr(ore: int) -> str:
    return f"{format_kr(ore, ' ')} kr"


def pooled(allocations: list[AllocationRow]) -> list[Grant]:
    """One grant per year and set of agreements, in ledger order; allocations sharing an agreement pooled."""
    grants: list[Grant] = []
    for a in allocations:
        if not a.agreements:
            continue
        overlapping = [g for g in grants if g.year == a.year and set(g.cases) & set(a.agreements)]
        cases = [c for g in overlapping for c in g.cases] + [c for c in a.agreements]
        merged = Grant(
            year=a.year,
            cases=tuple(dict.fromkeys(cases)),
            amount=sum(g.amount for g in overlapping) + a.amount,
            allocations=tuple(x for g in overlapping for x in g.allocations) + (a,),
        )
        if overlapping:
            at = grants.index(overlapping[0])
            grants = [g for g in grants if g not in overlapping]
            grants.insert(at, merged)
        else:
            grants.append(merged)
    return grants


def check(grants: list[Grant], agreements: dict[str, Agreement], run_id: int, run_years: list[int]) -> list[Problem]:
    """What the agreements file says that the run contradicts."""
    problems = []
    in_run = {c for g in grants for c in g.cases}
    granted_in = {(g.year, c) for g in grants for c in g.cases}
    for case, agreement in agreements.items():
        if case not in in_run:
            known = ", ".join(sorted(in_run)) or "none"
            problems.append(
                Problem(agreement.path, f"no allocation of run {run_id} names this agreement (the run names {known})")
            )
            continue
        for name in ("granted", "reported", "received", "due"):
            value = getattr(agreement, name)
            for year in value if isinstance(value, dict) else ():
                if year in run_years and (year, case) not in granted_in:
                    problems.append(
                        Problem(
                            key_path(f"{agreement.path}.{name}", str(year)),
                            f"run {run_id} grants nothing under {case} in {year}",
                        )
                    )
    for g in grants:
        problems += _part_problems(g, agreements, run_id)
    return problems


def _part_problems(grant: Grant, agreements: dict[str, Agreement], run_id: int) -> list[Problem]:
    """Parts that do not add up to the grant exactly, or that only some of its agreements give."""
    parts = {c: agreements[c].part(grant.year) for c in grant.cases if c in agreements}
    given = {c: p for c, p in parts.items() if p is not None}
    if not given:
        return []
    where = f"run {run_id} grants {_kr(grant.amount)} in {grant.year} under {', '.join(grant.cases)} ({grant.sources})"
    missing = [c for c in grant.cases if c not in given]
    if missing:
        first = next(iter(given))
        return [
            Problem(
                f"{agreements[c].path}.granted" if c in agreements else key_path("agreements", c),
                f"{where}; {first} gives its own part of it, so this agreement must "
                + (f"give its part for {grant.year} too" if c in agreements else "be in the file with its part"),
            )
            for c in missing
        ]
    total = sum(given.values())
    if total == grant.amount:
        return []
    sum_text = " + ".join(f"{_kr(p)} ({c})" for c, p in given.items())
    lead = agreements[grant.cases[0]]
    path = f"{lead.path}.granted"
    if isinstance(lead.granted, dict):
        path = key_path(path, str(grant.year))
    return [Problem(path, f"{sum_text} = {_kr(total)}, but {where}: the parts must add up to it exactly")]


def split(grants: list[Grant], agreements: dict[str, Agreement]) -> list[Grant]:
    """Each grant whose agreements all give their own part (checked to add up), as one grant per agreement."""
    out = []
    for g in grants:
        parts = [agreements[c].part(g.year) if c in agreements else None for c in g.cases]
        given = [p for p in parts if p is not None]
        if len(given) == len(parts):
            out += [Grant(g.year, (c,), p, g.allocations) for c, p in zip(g.cases, given, strict=True)]
        else:
            out.append(g)
    return out
