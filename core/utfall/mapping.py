"""Which booked rows are whose money: the ``[utfall]`` mapping of codes to recipient, fund and project.

``[utfall.ansvar]`` says which recipient an ansvar code (kostnadsställe)
belongs to. ``[[utfall.map]]`` entries, first match wins, say which rows are
money from a fund (Strategiska jobbsatsningar) or a project, by their
account, ansvar, verksamhet and project codes. A code pattern is an exact
code, a prefix ending in ``*`` (``"31*"``), or a list of either.

A row then is one of:

- **fund money**: it matches a map entry, and its recipient is known;
- **other money** of a recipient: its ansvar is known, but no map entry matches;
- **unmatched**: neither. Counted and reported with the import, not stored;
- **an error**: it matches a map entry but its ansvar belongs to no recipient:
  money of the fund that nobody would be accountable for.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from jobbsats.utfall.booking import CODES, Booking, RowError

FUND, OTHER, UNMATCHED = "fund", "other", "unmatched"


class Pattern:
    """Exact codes and prefixes (``"31*"``), matched against one code."""

    def __init__(self, written: str | list[str]):
        items = [written] if isinstance(written, str) else list(written)
        self.exact = frozenset(i for i in items if not i.endswith("*"))
        self.prefixes = tuple(i[:-1] for i in items if i.endswith("*"))

    def __call__(self, code: str) -> bool:
        return code in self.exact or (bool(code) and code.startswith(self.prefixes))


@dataclass(frozen=True)
class Target:
    """What a row is: its kind (fund, other, unmatched), recipient, fund and project (ids or None)."""

    kind: str
    recipient: str | None = None
    fund: str | None = None
    project: str | None = None


@dataclass(frozen=True)
class MapEntry:
    index: int
    match: dict[str, Pattern]
    fund: str | None
    project: str | None
    recipient: str | None

    def matches(self, codes: dict[str, str]) -> bool:
        return all(pattern(codes[field]) for field, pattern in self.match.items())


class Mapping:
    """Classify bookings; results are cached by the row's codes, which repeat across a large file."""

    def __init__(self, section: dict[str, Any]):
        ansvar = section.get("ansvar", {})
        self.exact_ansvar = {code: rid for code, rid in ansvar.items() if not code.endswith("*")}
        # The longest prefix wins: "311*" is more particular than "31*".
        self.prefix_ansvar = sorted(
            ((code[:-1], rid) for code, rid in ansvar.items() if code.endswith("*")), key=lambda p: -len(p[0])
        )
        self.entries = [
            MapEntry(
                i,
                {field: Pattern(codes) for field, codes in entry["match"].items()},
                entry.get("fund"),
                entry.get("project"),
                entry.get("recipient"),
            )
            for i, entry in enumerate(section.get("map", []))
        ]
        accounts = section.get("accounts")
        self.accounts = Pattern(accounts) if accounts else None
        self._cache: dict[tuple[str, str, str, str], Target | str] = {}

    def recipient_of(self, ansvar: str) -> str | None:
        if ansvar in self.exact_ansvar:
            return self.exact_ansvar[ansvar]
        return next((rid for prefix, rid in self.prefix_ansvar if ansvar.startswith(prefix)), None)

    def classify(self, booking: Booking) -> Target:
        """The row's target; raises :class:`RowError` for fund money that no recipient is accountable for."""
        key = booking.codes
        found = self._cache.get(key)
        if found is None:
            found = self._cache[key] = self._classify(key)
        if isinstance(found, str):
            raise RowError(booking.line, found)
        return found

    def _classify(self, key: tuple[str, str, str, str]) -> Target | str:
        codes = dict(zip(CODES, key, strict=True))
        if self.accounts is not None and not self.accounts(codes["account"]):
            return Target(UNMATCHED)
        recipient = self.recipient_of(codes["ansvar"])
        entry = next((e for e in self.entries if e.matches(codes)), None)
        if entry is None:
            return Target(OTHER, recipient) if recipient else Target(UNMATCHED)
        recipient = entry.recipient or recipient
        if recipient is None:
            shown = ", ".join(f"{f} {codes[f]!r}" for f in CODES if codes[f])
            return (
                f"ansvar {codes['ansvar']!r} belongs to no recipient in [utfall.ansvar], but the row "
                f"({shown}) is fund or project money by utfall.map[{entry.index}]"
            )
        return Target(FUND, recipient, entry.fund, entry.project)
