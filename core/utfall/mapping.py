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
from operator import itemgetter
from typing import Any

from jobbsats.errors import shown, unseen
from jobbsats.utfall.booking import CODE_SLICE, CODES, Booking, RowError

FUND, OTHER, UNMATCHED = "fund", "other", "unmatched"


class Pattern:
    """Exact codes and prefixes (``"31*"``), matched against one code."""

    def __init__(self, written: str | list[str]):
        items = [written] if isinstance(written, str) else list(written)
        self.exact = frozenset(i for i in items if not i.endswith("*"))
        self.prefixes = tuple(i[:-1] for i in items if i.endswith("*"))

    def __call__(self, code: str) -> bool:
        return code in self.exact or (bool(code) and code.startswith(self.prefixes))


@dataclass(frozen=True, eq=False)  # compared by identity: each is made once per distinct row kind
class Target:
    """What a row is: its kind (fund, other, unmatched), recipient, fund and project (ids or None)."""

    kind: str
    recipient: str | None = None
    fund: str | None = None
    project: str | None = None
    purpose: str | None = None  # a purpose of the fund's allocations ("Ung i sommar"); None: the fund's own


@dataclass(frozen=True)
class MapEntry:
    """One ``[[utfall.map]]`` entry: the code patterns a row must match, and whose money it then is."""

    index: int
    match: dict[str, Pattern]
    fund: str | None
    project: str | None
    recipient: str | None
    purpose: str | None = None

    def matches(self, codes: dict[str, str]) -> bool:
        return all(pattern(codes[field]) for field, pattern in self.match.items())


_ANSVAR = Booking._fields.index("ansvar")

# Answers kept per combination of codes. A real chart of accounts books a few thousand combinations;
# a file with more (every row its own project code) empties the caches when they fill, so memory stays
# bounded whatever the file, at the cost of deciding some combinations again.
CACHE_LIMIT = 20_000


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
                entry.get("purpose"),
            )
            for i, entry in enumerate(section.get("map", []))
        ]
        self.has_purposes = any(e.purpose is not None for e in self.entries)
        accounts = section.get("accounts")
        self.accounts = Pattern(accounts) if accounts else None
        # Only the codes some pattern looks at decide a row: the cache is keyed by those alone.
        used = {f for e in self.entries for f in e.match} | ({"account"} if self.accounts else set())
        self._fields = [f for f in CODES if f in used]
        positions = [Booking._fields.index(f) for f in self._fields]
        self._key = itemgetter(*positions) if len(positions) > 1 else (lambda b, p=positions: tuple(b[i] for i in p))
        self._recipients: dict[str, str | None] = {}
        # One Target per distinct answer, however often the caches are emptied: the import tallies by
        # target identity, so this keeps its tally as small as the answers are few.
        self._targets: dict[tuple, Target] = {}
        self._cache: dict[tuple, Target | MapEntry] = {}  # by the codes the patterns look at, and the recipient
        self._seen: dict[tuple, Target | MapEntry | RowError] = {}  # by all four codes as booked

    def recipient_of(self, ansvar: str) -> str | None:
        """The recipient an ansvar code belongs to: the exact code, else the longest prefix."""
        if ansvar in self._recipients:
            return self._recipients[ansvar]
        found = self.exact_ansvar.get(ansvar)
        if found is None:
            found = next((rid for prefix, rid in self.prefix_ansvar if ansvar.startswith(prefix)), None)
        if len(self._recipients) >= CACHE_LIMIT:
            self._recipients.clear()
        self._recipients[ansvar] = found
        return found

    def classify(self, booking: tuple) -> Target:
        """The row's target (a :class:`Booking`, or a plain tuple of its fields); raises :class:`RowError`
        for fund money that no recipient is accountable for."""
        # Fast path: these very codes were seen before (a slice of the tuple).
        found = self._seen.get(booking[CODE_SLICE])
        if found is None:
            if len(self._seen) >= CACHE_LIMIT:
                self._seen.clear()
            found = self._seen[booking[CODE_SLICE]] = _odd_characters(booking) or self._decide(booking)
        if isinstance(found, RowError):  # codes that look like others and are not: said for every such row
            raise RowError(booking[0], found.message)
        if isinstance(found, MapEntry):  # an error, worded with this row's own codes
            booking = Booking._make(booking)
            codes = ", ".join(f"{f} {shown(getattr(booking, f), 40)}" for f in CODES if getattr(booking, f))
            raise RowError(
                booking.line,
                f"ansvar {shown(booking.ansvar, 40)} belongs to no recipient in [utfall.ansvar], but the row "
                f"({codes}) is fund or project money by utfall.map[{found.index}]",
            )
        return found

    def _decide(self, booking: tuple) -> Target | MapEntry:
        key = (self._key(booking), self.recipient_of(booking[_ANSVAR]))
        found = self._cache.get(key)
        if found is None:
            if len(self._cache) >= CACHE_LIMIT:
                self._cache.clear()
            codes = dict(zip(self._fields, key[0], strict=True))
            found = self._cache[key] = self._classify(codes, key[1])
        return found

    def _classify(self, codes: dict[str, str], recipient: str | None) -> Target | MapEntry:
        """The target for these codes, or the map entry that makes them fund money no recipient answers for."""
        if self.accounts is not None and not self.accounts(codes["account"]):
            return self._target(UNMATCHED)
        entry = next((e for e in self.entries if e.matches(codes)), None)
        if entry is None:
            return self._target(OTHER, recipient) if recipient else self._target(UNMATCHED)
        recipient = entry.recipient or recipient
        if recipient is None:
            return entry
        return self._target(FUND, recipient, entry.fund, entry.project, entry.purpose)

    def _target(
        self,
        kind: str,
        recipient: str | None = None,
        fund: str | None = None,
        project: str | None = None,
        purpose: str | None = None,
    ) -> Target:
        key = (kind, recipient, fund, project, purpose)
        found = self._targets.get(key)
        if found is None:
            found = self._targets[key] = Target(*key)
        return found


def _odd_characters(booking: tuple) -> RowError | None:
    """A code written with digits other than 0-9 (fullwidth, Arabic-Indic, ...), or holding a character that
    cannot be seen (a zero-width space, a bidirectional control, an escape): it would look like a code of the
    mapping and match another, or none, so the row would go where nobody meant it to, silently. Checked once
    per tuple of codes (the caller caches the answer)."""
    fields = Booking._make(booking)
    for name in CODES:
        code = getattr(fields, name)
        if code.isascii() and code.isprintable():
            continue  # nearly every code: nothing to look at
        if any(c.isdigit() for c in code if not c.isascii()):
            return RowError(
                fields.line, f"{name} {shown(code, 40)} has digits other than 0-9; write it as the mapping does"
            )
        hidden = list(dict.fromkeys(c for c in code if unseen(c)))
        if hidden:
            listed = ", ".join(f"U+{ord(c):04X}" for c in hidden[:4])
            return RowError(
                fields.line,
                f"{name} {shown(code, 40)} has characters that cannot be seen ({listed}); write it as the mapping does",
            )
    return None
