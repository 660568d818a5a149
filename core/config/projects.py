"""The ``[financiers]`` and ``[projects]`` sections: read them, and check a financing plan adds up.

Shares and amounts are exact: a share is a fraction of the project's budget
(the stated ``total``, else the sum of every line, cash and in kind). A line
that gives only a share gets its amount by the largest-remainder method among
such lines, so the shares' öre never go missing.
"""

from __future__ import annotations

import re
from fractions import Fraction
from typing import Any

from jobbsats.allocation import check_text
from jobbsats.apportion import largest_remainder
from jobbsats.config.dates import to_date
from jobbsats.config.names import looks_like
from jobbsats.config.years import years_text
from jobbsats.errors import Problem
from jobbsats.money import (
    KRONOR,
    format_percent,
    format_units,
    parse_kronor,
    parse_percent,
    round_half_up,
    rounded_percent,
    to_decimal,
)
from jobbsats.projects import GRANTED, Financier, FinancingLine, Member, Programme, Project, condition_loops
from jobbsats.scenario import Recipient

_HUNDRED = Fraction(100)

# The placeholders of a project's ``text`` and ``apply_text`` (its decision points; reports/beslut.py fills them).
PROJECT_TEXT_FIELDS = ("decider", "project", "owner", "case", "financier", "condition")


def read_financiers(document: dict, recipients: dict[str, Recipient]) -> tuple[dict[str, Financier], list[Problem]]:
    """``[financiers]`` plus every recipient, since a board can pay its part of a project too."""
    financiers = {rid: Financier(rid, r.title) for rid, r in recipients.items()}
    problems = []
    for fid, f in (document.get("financiers") or {}).items():
        if fid in recipients:
            problems.append(
                Problem(f"financiers.{fid}", f"{fid!r} is a recipient already; give the financier another id")
            )
            continue
        programmes = {pid: Programme(pid, p["name"], _max_share(p)) for pid, p in (f.get("programmes") or {}).items()}
        members = read_members(f)
        total = sum((m.share for m in members), Fraction(0))
        if members and total != 1:
            problems.append(
                Problem(
                    f"financiers.{fid}.members",
                    f"the members' shares add up to {rounded_percent(total, Fraction(1))}, not 100 %",
                )
            )
        financiers[fid] = Financier(fid, f["name"], _max_share(f), programmes)
    return financiers, problems


def read_members(financier: dict) -> tuple[Member, ...]:
    """A ``[financiers.ID]`` table's ``members``, in file order (none: the financier is not a group).

    Reports read them back from the run's copy of the scenario file (``LedgerView.config``) with this too.
    """
    return tuple(
        Member(mid, m["name"], parse_percent(m["share"]) / _HUNDRED, _written(m["share"]))
        for mid, m in (financier.get("members") or {}).items()
    )


def financier_members(document: dict) -> dict[str, tuple[Member, ...]]:
    """Every group among a scenario's ``[financiers]``: its id and its members."""
    groups = {fid: read_members(f) for fid, f in (document.get("financiers") or {}).items()}
    return {fid: members for fid, members in groups.items() if members}


def _max_share(table: dict) -> Fraction | None:
    return parse_percent(table["max_share"]) / _HUNDRED if "max_share" in table else None


def read_projects(
    document: dict, financiers: dict[str, Financier], period: tuple[int, ...] | None
) -> tuple[dict[str, Project], list[Problem]]:
    """Every ``[projects.ID]``, with the problems of its dates and financing plan."""
    projects, problems = {}, []
    for pid, p in (document.get("projects") or {}).items():
        path = f"projects.{pid}"
        start, end = to_date(p["start"]), to_date(p["end"])
        if end < start:
            problems.append(Problem(f"{path}.end", f"{end} is before the project's start ({start})"))
        elif period and not set(range(start.year, end.year + 1)) <= set(period):
            # Every year of the project must be computed, or its money would be spread into years never run.
            span = years_text(period)
            if start.year not in period or end.year not in period:
                field = ".start" if start.year not in period else ".end"
                what = f"the project runs {start} to {end}, outside the scenario's years ({span})"
            else:
                field = ""
                missing = years_text(sorted(set(range(start.year, end.year + 1)) - set(period)))
                what = f"the project runs {start} to {end}, but the scenario's years ({span}) leave out {missing}"
            problems.append(Problem(f"{path}{field}", what))
        total = parse_kronor(p["total"]) if "total" in p else None
        lines, found = _lines(p["financing"], total, f"{path}.financing", financiers)
        project = Project(
            id=pid,
            name=p["name"],
            start=start,
            end=end,
            financing=tuple(lines),
            case=p.get("case", ""),
            owner=p.get("owner", ""),
            participants=tuple(p.get("participants", ())),
            total=total,
        )
        if not found:
            found = _check_plan(project, p["financing"], financiers, f"{path}.financing")
        found += _check_points(p, path)
        if not any(x.path.startswith(path + ".") for x in problems) and not found:
            projects[pid] = project  # a project with problems is left out, so nothing computes with it
        problems += found
    return projects, problems


def _check_points(p: dict, path: str) -> list[Problem]:
    """The keys that word the project's decision points: known placeholders, and an owner to apply with."""
    problems = []
    for key in ("text", "apply_text"):
        if key in p:
            problems += check_text(p[key], f"{path}.{key}", PROJECT_TEXT_FIELDS)
    if p.get("apply_with_owner") and "owner" not in p:
        problems.append(Problem(f"{path}.apply_with_owner", "needs the project's owner (owner = ...) to apply with"))
    if "apply_text" in p and not p.get("apply_with_owner"):
        problems.append(
            Problem(f"{path}.apply_text", "words the point that apply_with_owner = true asks for; set that too")
        )
    return problems


def _lines(
    entries: list[dict], total: int | None, path: str, financiers: dict[str, Financier]
) -> tuple[list[FinancingLine], list[Problem]]:
    """The financing lines, with amounts for lines that give only a share."""
    problems = []
    share_only = [i for i, e in enumerate(entries) if "amount" not in e and "share" in e]
    amounts = {i: parse_kronor(e["amount"]) for i, e in enumerate(entries) if "amount" in e}
    for i, e in enumerate(entries):
        if "amount" not in e and "share" not in e:
            problems.append(Problem(f"{path}[{i}]", "needs an amount or a share"))
    if share_only and total is None:
        problems += [
            Problem(f"{path}[{i}].share", "a share needs the project's total (add total = ... to the project)")
            for i in share_only
        ]
    elif share_only and total is not None:
        shares = [parse_percent(entries[i]["share"]) / _HUNDRED for i in share_only]
        exact = sum(shares, Fraction(0)) * total
        if exact > total:
            problems.append(
                Problem(path, f"the shares add up to {rounded_percent(sum(shares, Fraction(0)))}, more than 100 %")
            )
        elif exact:
            amounts.update(zip(share_only, largest_remainder(round_half_up(exact), shares), strict=True))
        else:
            amounts.update(dict.fromkeys(share_only, 0))  # shares of 0 %
    lines = []
    for i, e in enumerate(entries):
        where = f"{path}[{i}]"
        if e["financier"] not in financiers:
            known = ", ".join(sorted(financiers))
            alike = looks_like(e["financier"], financiers)
            problems.append(
                Problem(f"{where}.financier", f"unknown financier {e['financier']!r} (financiers: {known}){alike}")
            )
        if e.get("approx") and e["status"] == GRANTED:
            problems.append(
                Problem(
                    f"{where}.approx",
                    "a granted amount is exact: write the amount granted and drop approx "
                    "(approx = true is for an amount still applied for)",
                )
            )
        try:
            decided = to_date(e["decided"]) if "decided" in e else None
        except ValueError as exc:
            problems.append(Problem(f"{where}.decided", str(exc)))
            decided = None
        lines.append(
            FinancingLine(
                index=i,
                financier=e["financier"],
                amount=amounts.get(i, 0),
                status=e["status"],
                share=_written(e["share"]) if "share" in e else "",
                programme=e.get("programme", ""),
                in_kind=e.get("in_kind", False),
                decided=decided,
                reference=e.get("reference", ""),
                condition=e.get("condition", ""),
                note=e.get("note", ""),
            )
        )
    return lines, problems


def _written(share: Any) -> str:
    return format_percent(parse_percent(share), " ") if not (isinstance(share, str) and "/" in share) else share


def _tolerance(share: Any) -> Fraction:
    """How far from the exact share a written one may be: half a unit of its last decimal (0 for "1/3")."""
    if isinstance(share, str) and "/" in share:
        return Fraction(0)
    if isinstance(share, str):
        number = share.replace("%", "").strip()
        places = len(re.split(r"[.,]", number)[1]) if re.search(r"[.,]", number) else 0
    else:
        exponent = to_decimal(share).as_tuple().exponent
        places = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    return Fraction(1, 2 * 10**places) / _HUNDRED


def _check_plan(project: Project, entries: list[dict], financiers: dict[str, Financier], path: str) -> list[Problem]:
    """Cross-checks of a financing plan whose lines could all be read."""
    problems = []
    base = project.budget_total
    if project.total is not None:
        lines_sum = sum(line.amount for line in project.financing)
        if lines_sum != project.total:
            problems.append(
                Problem(
                    path,
                    f"the financing lines add up to {_kr(lines_sum)}, not the project's total of {_kr(project.total)}",
                )
            )
    by_financier = {line.financier for line in project.financing}
    for line, entry in zip(project.financing, entries, strict=True):
        where = f"{path}[{line.index}]"
        financier = financiers.get(line.financier)
        if financier is None:
            continue
        if line.programme and line.programme not in financier.programmes:
            known = ", ".join(sorted(financier.programmes)) or "none"
            problems.append(
                Problem(
                    f"{where}.programme", f"{financier.id!r} has no programme {line.programme!r} (programmes: {known})"
                )
            )
            continue
        actual = Fraction(line.amount, base) if base else Fraction(0)
        if "amount" in entry and "share" in entry and base:
            written = parse_percent(entry["share"]) / _HUNDRED
            if abs(written - actual) > max(_tolerance(entry["share"]), Fraction(1, 2 * base)):
                problems.append(
                    Problem(
                        f"{where}.share",
                        f"{_written(entry['share'])} of {_kr(base)} is not the amount {_kr(line.amount)} "
                        f"(that is {rounded_percent(actual)})",
                    )
                )
        limit, limit_of = financier.max_share, financier.name
        if line.programme:
            programme = financier.programmes[line.programme]
            if programme.max_share is not None:
                limit, limit_of = programme.max_share, f"{financier.name}, {programme.name}"
        # A line given as a share is held to the share written, not to the öre its rounding gave it.
        paid = actual if "amount" in entry else parse_percent(entry["share"]) / _HUNDRED
        if limit is not None and paid > limit:
            problems.append(
                Problem(
                    f"{where}.amount" if "amount" in entry else f"{where}.share",
                    f"{_kr(line.amount)} is {rounded_percent(paid, limit)} of the project's {_kr(base)}, "
                    f"above the {format_percent(limit * 100, ' ')} that {limit_of} may pay",
                )
            )
        if line.condition:
            if line.condition == line.financier:
                problems.append(Problem(f"{where}.condition", "a line cannot depend on its own financier's grant"))
            elif line.condition not in by_financier:
                names = ", ".join(sorted(by_financier))
                problems.append(
                    Problem(
                        f"{where}.condition",
                        f"{line.condition!r} does not finance this project (its financiers: {names})",
                    )
                )
    loops = set(condition_loops(project)) - {
        line.index for line in project.financing if line.condition == line.financier
    }
    problems += [Problem(f"{path}[{i}].condition", "the conditions go round in a loop") for i in sorted(loops)]
    return problems


def _kr(ore: int) -> str:
    return format_units(ore, KRONOR, " ")
