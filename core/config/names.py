"""Names people cannot tell apart: invisible characters, mixed scripts and look-alikes.

An id such as ``ASN`` is what a rule's key, a financing line and a mapping of
booked rows refer to, and what every report shows. If it holds a character no
one can see (a zero-width space, a bidirectional control, a soft hyphen), or a
Cyrillic ``А`` among Latin letters, two ids that read alike are different to
jobbsats, and money goes where nobody meant it to. So an id may hold neither,
a name may hold no bidirectional control (it would reorder what a report shows),
and two ids, or two names, in one section must not look the same.

"Look the same" is Unicode's own answer (UTS #39, *Unicode Security
Mechanisms*): two strings are confusable when their *skeletons* are equal. The
skeleton maps every character to its prototype in Unicode's ``confusables.txt``,
which the package ``confusable-homoglyphs`` keeps up to date together with each
character's script (``Scripts.txt``). That package offers no skeleton of its own
and keeps each pair of confusables both ways round, so :func:`_prototype`
rebuilds the direction (see there).
"""

from __future__ import annotations

import bisect
import functools
import json
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from importlib import resources
from typing import Any

from jobbsats.errors import JobbsatsError, Problem, clip, has_control, key_path, printable, unseen

_unseen = unseen  # the same test for a name as for any message (it lives in errors: no import cycle)

# Bidirectional controls: they reorder the characters around them as they are shown ("Trojan Source").
BIDI_CONTROLS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")

# Characters that belong to no script, or take the script of the letter they follow: fine with any script.
_NEUTRAL = frozenset({"COMMON", "INHERITED", "Unknown"})
# Scripts that are written together (UTS #39, "Highly Restrictive"): Japanese, Chinese and Korean with Latin.
_WRITTEN_TOGETHER = (
    frozenset({"LATIN", "HAN", "HIRAGANA", "KATAKANA"}),
    frozenset({"LATIN", "HAN", "BOPOMOFO"}),
    frozenset({"LATIN", "HAN", "HANGUL"}),
)
# A message quotes at most this much of a value; code points are listed in full only for short values.
_QUOTED = 60
_SPELLED_OUT = 16


def code_point(char: str) -> str:
    """``U+0410 CYRILLIC CAPITAL LETTER A``."""
    name = unicodedata.name(char, "")
    return f"U+{ord(char):04X} {name}" if name else f"U+{ord(char):04X}"


def code_points(text: str) -> str:
    """``U+0410 U+0053 U+004E``: every character of a short value, as numbers."""
    return " ".join(f"U+{ord(c):04X}" for c in text)


def _listed(chars: Iterable[str]) -> str:
    unique = list(dict.fromkeys(chars))
    shown = ", ".join(code_point(c) for c in unique[:4])
    return shown + (f" and {len(unique) - 4} more" if len(unique) > 4 else "")


def quoted(text: str) -> str:
    """A value in double quotes, cut short, with what cannot be seen written out as ``\\u200b``."""
    return f'"{printable(clip(text, _QUOTED))}"'


def id_problem(text: str, what: str = "id") -> str | None:
    """Why ``text`` cannot be an id (a space at its start or end, a character no one can see, or letters of
    two scripts), or None."""
    ends = [where for where, side in (("start", text[:1]), ("end", text[-1:])) if side.isspace()]
    if ends and text.strip():
        # "KS " next to "KS" reads the same in a key path, a report and a rule's key: a space there shows nothing.
        return f"{what} {quoted(text)} has a space at its {' and its '.join(ends)}; write it without"
    unseen = [c for c in text if _unseen(c)]
    if unseen:
        why = "cannot be seen"
        if any(unicodedata.category(c) == "Zs" for c in unseen):
            why += " or told from an ordinary space"
        if any(c in BIDI_CONTROLS for c in unseen):
            why += " (a bidirectional control reorders what is shown)"
        return f"{what} {quoted(text)} has characters that {why}: {_listed(unseen)}; write it without them"
    scripts = _scripts(text)
    if _mixed(set(scripts.values())):
        main = _main_script(text, scripts)
        strays = [c for c in text if scripts.get(c, main) != main]
        others = sorted({scripts[c].title() for c in strays})
        return (
            f"{what} {quoted(text)} mixes {main.title()} letters with {' and '.join(others)}: {_listed(strays)}; "
            f"write {'an' if what[:1] in 'aeiou' else 'a'} {what} in one script"
        )
    return None


def name_problem(text: str) -> str | None:
    """Why ``text`` cannot be a name (a bidirectional control), or None."""
    controls = [c for c in text if c in BIDI_CONTROLS]
    if controls:
        return (
            f"{quoted(text)} has a bidirectional control, which changes the order its letters are shown in: "
            f"{_listed(controls)}; write the name without it"
        )
    return None


def bidi_problems(value: Any, prefix: str = "") -> Iterator[Problem]:
    """Every text of a document, anywhere in it, that holds a bidirectional control.

    Names are checked where they are read; this catches the rest (a decider, a
    purpose, a label, a reference): any text may reach a decision paper, and there
    a control would show its letters in another order than they were written.
    """
    # The keys down to a text are made a path only for a text with a control: a sound file spends nothing.
    stack: list[tuple[Any, tuple[Any, ...]]] = [(value, ())]
    found: list[tuple[tuple[Any, ...], str, list[str]]] = []
    while stack:
        item, keys = stack.pop()
        if isinstance(item, str):
            if not BIDI_CONTROLS.isdisjoint(item):
                found.append((keys, item, [c for c in item if c in BIDI_CONTROLS]))
        elif isinstance(item, dict):
            stack.extend((v, (*keys, k)) for k, v in reversed(item.items()))
        elif isinstance(item, list):
            stack.extend((v, (*keys, i)) for i, v in reversed(list(enumerate(item))))
    for keys, text, controls in found:
        yield Problem(
            functools.reduce(key_path, keys, prefix),
            f"{quoted(text)} has a bidirectional control, which changes the order its letters are shown in: "
            f"{_listed(controls)}; write it without one",
        )


def purpose_problems(rules: Any, only_fund: str = "") -> list[Problem]:
    """Purposes in ``[[rules]]`` (``purpose = "Ung i sommar"``, at any depth) that people cannot tell apart.

    A purpose names a budget line of its fund, in a report and in a mapping of booked rows, as an id
    does: so none may hold what cannot be seen or letters of two scripts (a Cyrillic "о" in "sоmmar"),
    and no two purposes of one fund may look the same without being the same.
    """
    if not isinstance(rules, list):
        return []
    found: list[Problem] = []
    by_fund: dict[str, dict[str, str]] = {}  # fund -> purpose -> the path it first appears at
    for index, entry in enumerate(rules):
        if not isinstance(entry, dict):
            continue
        fund = entry.get("fund", only_fund)
        seen = by_fund.setdefault(fund if isinstance(fund, str) else "", {})
        for path, purpose in _purposes(entry, key_path("rules", index)):
            if problem := id_problem(purpose, "purpose"):
                found.append(Problem(path, problem))
            else:
                seen.setdefault(purpose, path)
    for seen in by_fund.values():
        texts = list(seen)
        for index, kept in lookalikes(texts, key=name_key).items():
            if texts[index] != texts[kept]:
                other = texts[kept]
                message = f"{difference(texts[index], other)} (at {seen[other]}): write one purpose one way"
                found.append(Problem(seen[texts[index]], message))
    return found


def _purposes(value: Any, prefix: str) -> Iterator[tuple[str, str]]:
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "purpose" and isinstance(item, str):
                yield key_path(prefix, key), item
            else:
                yield from _purposes(item, key_path(prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _purposes(item, key_path(prefix, index))


def _scripts(text: str) -> dict[str, str]:
    """The script of every letter of ``text`` that has one (Latin, Cyrillic, Greek, ...)."""
    found = {}
    for char in set(text):
        if char.isascii() or unicodedata.name(char, "").startswith("LATIN "):
            script = "LATIN" if char.isalpha() else "COMMON"  # no need to open Unicode's tables for these
        else:
            script = _script(char)
        if script not in _NEUTRAL:
            found[char] = script
    return found


def _mixed(scripts: set[str]) -> bool:
    return len(scripts) > 1 and not any(scripts <= together for together in _WRITTEN_TOGETHER)


def _main_script(text: str, scripts: dict[str, str]) -> str:
    """The script most letters of ``text`` are in (Latin when it is a tie): the others are the strays."""
    counts: dict[str, int] = {}
    for char in text:
        if char in scripts:
            counts[scripts[char]] = counts.get(scripts[char], 0) + 1
    return max(counts, key=lambda s: (counts[s], s == "LATIN"))


def skeleton(text: str) -> str:
    """The UTS #39 skeleton of ``text``: two strings that look the same have the same skeleton.

    As UTS #39 defines it (decompose, drop what cannot be seen, map each character
    to its prototype, decompose again), except that compatibility characters are
    made their plain selves too (NFKD rather than NFD), so a fullwidth ``ＡＳＮ``
    looks the same as ``ASN``.
    """
    return unicodedata.normalize("NFKD", unicodedata.normalize("NFKD", text).translate(_SKELETON_CHARS))


def name_key(text: str) -> str:
    """What a name looks like in a paper: its skeleton, whatever its case and its runs of spaces (a
    sentence capitalises a name, and a trailing space shows as nothing)."""
    return skeleton(" ".join(text.split()).casefold())


def lookalikes(
    values: list[str], suspect: frozenset[int] = frozenset(), key: Callable[[str], str] | None = None
) -> dict[int, int]:
    """For each value that looks the same as another: its index -> the index of the one it is compared with.

    In each group of look-alikes that one is the first value not ``suspect`` (not
    refused for reasons of its own), or else the first; a value equal to it counts
    too (the two look the same, after all).
    """
    groups: dict[str, list[int]] = {}
    for index, value in enumerate(values):
        groups.setdefault((key or skeleton)(value), []).append(index)
    found: dict[int, int] = {}
    for group in groups.values():
        if len(group) > 1:
            kept = next((i for i in group if i not in suspect), group[0])
            found.update((i, kept) for i in group if i != kept)
    return found


def looks_like(name: object, known: Iterable[str]) -> str:
    """For a message about an unknown id: "; " and how it looks the same as a known one, or ""."""
    if not isinstance(name, str):
        return ""
    key = skeleton(name)
    other = next((k for k in known if k != name and skeleton(k) == key), None)
    return f"; {difference(name, other)}" if other is not None else ""


def _sound(name: object) -> bool:
    """A name with no problem of its own (blank, a control character, a bidirectional control)."""
    return isinstance(name, str) and bool(name.strip()) and name_problem(name) is None and not has_control(name)


# What one entry of each section that lists things by id is called in a message.
_SINGULAR = {
    "recipients": "recipient",
    "funds": "fund",
    "financiers": "financier",
    "projects": "project",
    "programmes": "programme",
    "members": "member",
}


def table_problems(
    section: str, table: dict[str, Any], besides: dict[str, str] | None = None
) -> list[tuple[tuple[str, ...], str]]:
    """The ids and names of a ``[section.ID]`` table that people could not tell apart.

    Each problem is (its path under the table, its message): ``("ASN",)`` for an id,
    ``("ASN", "name")`` for a name. ``besides`` are ids the section's ids must not
    look like either, each with what it is ("recipient"): a financier's id beside the
    recipients', which can pay into a project too. One message per entry.
    """
    kind = _SINGULAR.get(section, "entry")
    found: dict[tuple[str, ...], list[str]] = {}
    ids = [key for key in table if isinstance(key, str) and key.strip()]
    outside = [key for key in besides or {} if isinstance(key, str)]
    own = [id_problem(key) for key in ids]
    for key, problem in zip(ids, own, strict=True):
        if problem:
            found[(key,)] = [problem]
    suspect = frozenset(len(outside) + i for i, problem in enumerate(own) if problem)
    every = outside + ids
    for index, kept in lookalikes(every, suspect).items():
        if index < len(outside):
            continue  # an id of another section is judged there
        key, other = every[index], every[kept]
        what = (besides or {}).get(other, kind) if kept < len(outside) else kind
        if key == other:
            continue  # the same id in two sections: the loader says so ("a recipient already")
        if (key,) in found:  # its own problem lists its odd characters already
            found[(key,)].append(f"it looks the same as {what} {quoted(other)}")
        else:
            found[(key,)] = [f"{difference(key, other)}: give this {kind} or {what} {quoted(other)} another id"]
    named = [
        (key, entry["name"]) for key, entry in table.items() if isinstance(entry, dict) and _sound(entry.get("name"))
    ]
    for index, kept in lookalikes([name for _, name in named], key=name_key).items():
        (key, name), (other_key, other) = named[index], named[kept]
        if name != other:
            message = f"{difference(name, other)}: give this {kind} or {kind} {quoted(other_key)} another name"
            found[(key, "name")] = [message]
        elif section == "recipients":
            # A decision paper names recipients, never their ids: two of one name cannot be told apart there.
            # Funds may share a name (one per mandate period), and reports show their ids beside it.
            message = f"{quoted(name)} is the name of recipient {quoted(other_key)} too: give one of them another name"
            found[(key, "name")] = [message]
    return [(path, "; ".join(messages)) for path, messages in found.items()]


def difference(one: str, other: str) -> str:
    """How two look-alikes differ, in code points: every one of short values, else where they part."""
    if len(one) <= _SPELLED_OUT and len(other) <= _SPELLED_OUT:
        return f"{quoted(one)} ({code_points(one)}) and {quoted(other)} ({code_points(other)}) look the same"
    start = next((i for i, (a, b) in enumerate(zip(one, other, strict=False)) if a != b), min(len(one), len(other)))
    end = 0
    while end < min(len(one), len(other)) - start and one[-1 - end] == other[-1 - end]:
        end += 1
    mine, theirs = one[start : len(one) - end], other[start : len(other) - end]
    return (
        f"{quoted(one)} and {quoted(other)} look the same (from character {start + 1}, "
        f"{code_points(mine[:8]) or 'nothing'} against {code_points(theirs[:8]) or 'nothing'})"
    )


# --- Unicode's data, as confusable-homoglyphs keeps it ---------------------------------------------------


def _data(name: str) -> Any:
    """One of confusable-homoglyphs's data files (read directly: its modules import urllib, a slow start)."""
    try:
        return json.loads((resources.files("confusable_homoglyphs") / name).read_text(encoding="utf-8"))
    except (ImportError, OSError, ValueError) as exc:
        raise JobbsatsError(
            f"cannot read Unicode's tables of look-alike characters ({name} of the package confusable-homoglyphs: "
            f"{exc}); reinstall jobbsats"
        ) from None


@functools.cache
def _script_table() -> tuple[list[int], list[tuple[int, int, str]]]:
    data = _data("categories.json")
    names = data["iso_15924_aliases"]
    ranges = sorted((first, last, names[alias]) for first, last, alias, _ in data["code_points_ranges"])
    return [first for first, _, _ in ranges], ranges


def _script(char: str) -> str:
    """The script of ``char`` as Unicode's ``Scripts.txt`` gives it, upper case: LATIN, CYRILLIC, COMMON, ..."""
    starts, ranges = _script_table()
    at = bisect.bisect_right(starts, ord(char)) - 1
    if at >= 0 and ranges[at][0] <= ord(char) <= ranges[at][1]:
        return ranges[at][2]
    return "Unknown"


@functools.cache
def _links() -> dict[str, list[dict[str, str]]]:
    return _data("confusables.json")


def _linked(char: str) -> list[str]:
    """The characters confusable-homoglyphs links ``char`` with (each way round, see :func:`_prototype`).

    The package writes a right-to-left character between two left-to-right marks, as a key
    and as a value; the marks are no part of it.
    """
    links = _links()
    entries = links.get(char) or links.get(f"\u200e{char}\u200e") or []
    return list(dict.fromkeys(_unmarked(entry["c"]) for entry in entries))


@functools.lru_cache(maxsize=4096)
def _prototype(char: str) -> str:
    """The prototype of ``char`` in ``confusables.txt`` (one or more characters), or ``char`` itself.

    ``confusables.txt`` maps each source character to its prototype, and a prototype
    is never itself a source. confusable-homoglyphs keeps every such pair both ways
    round, so each group of look-alikes is a star: one prototype linked to its
    sources, each source linked to its prototype alone. A character with several
    links, or whose one link has several, is a prototype; so is a prototype of
    several characters. Two characters linked only to each other are one prototype
    and one source, and which is which does not matter to a comparison as long as
    both stand for the same one: the plainer of the two (:func:`_stand_in`).
    """
    if char <= "\x7f" or "\u0300" <= char <= "\u036f":
        return _COMMON_PROTOTYPES.get(char, char)
    return _looked_up(char)


def _looked_up(char: str) -> str:
    """:func:`_prototype` read from the package's tables."""
    linked = _linked(char)
    if len(linked) != 1:
        return char  # linked to nothing, or a prototype with its sources
    target = linked[0]
    if len(target) == 1 and len(_linked(target)) == 1:
        return min(char, target, key=_plainness)  # a pair: see above
    return "".join(_stand_in(c) for c in target)


# The prototypes of the characters most names are written in, once decomposed (skeletons are made of the
# decomposed text): ASCII and the combining diacritical marks (U+0300-U+036F) that "å", "ä", "ö" and "é"
# decompose into. Those not listed are their own prototypes. Read off the package's tables as
# :func:`_looked_up` reads them (tests/test_speed_run_names.py holds the two to the same answer), so that a
# file of names in Swedish or English needs no 1 MB table read to be checked: 20 ms of every run.
_COMMON_PROTOTYPES = {
    "\u0022": "''",  # U+0022 QUOTATION MARK
    "\u0025": "\u00ba/\u2080",  # U+0025 PERCENT SIGN
    "\u0030": "O",  # U+0030 DIGIT ZERO
    "\u0031": "l",  # U+0031 DIGIT ONE
    "\u003b": "\u037e",  # U+003B SEMICOLON
    "\u0049": "l",  # U+0049 LATIN CAPITAL LETTER I
    "\u0060": "'",  # U+0060 GRAVE ACCENT
    "\u006d": "rn",  # U+006D LATIN SMALL LETTER M
    "\u007c": "l",  # U+007C VERTICAL LINE
    "\u0305": "\u0304",  # U+0305 COMBINING OVERLINE
    "\u030c": "\u0306",  # U+030C COMBINING CARON
    "\u0310": "\u0306\u0307",  # U+0310 COMBINING CANDRABINDU
    "\u0311": "\u0302",  # U+0311 COMBINING INVERTED BREVE
    "\u0315": "\u0313",  # U+0315 COMBINING COMMA ABOVE RIGHT
    "\u0317": "\u0650",  # U+0317 COMBINING ACUTE ACCENT BELOW
    "\u0320": "\u0331",  # U+0320 COMBINING MINUS SIGN BELOW
    "\u0321": "\u0326",  # U+0321 COMBINING PALATALIZED HOOK BELOW
    "\u0322": "\u0328",  # U+0322 COMBINING RETROFLEX HOOK BELOW
    "\u0327": "\u0326",  # U+0327 COMBINING CEDILLA
    "\u0336": "\u0335",  # U+0336 COMBINING LONG STROKE OVERLAY
    "\u0338": "\u0337",  # U+0338 COMBINING LONG SOLIDUS OVERLAY
    "\u0339": "\u0326",  # U+0339 COMBINING RIGHT HALF RING BELOW
    "\u0340": "\u0300",  # U+0340 COMBINING GRAVE TONE MARK
    "\u0341": "\u0301",  # U+0341 COMBINING ACUTE TONE MARK
    "\u0342": "\u0303",  # U+0342 COMBINING GREEK PERISPOMENI
    "\u0343": "\u0313",  # U+0343 COMBINING GREEK KORONIS
    "\u0345": "\u0328",  # U+0345 COMBINING GREEK YPOGEGRAMMENI
    "\u0347": "\u0333",  # U+0347 COMBINING EQUALS SIGN BELOW
    "\u0357": "\u0350",  # U+0357 COMBINING RIGHT HALF RING ABOVE
    "\u0358": "\u0307",  # U+0358 COMBINING DOT ABOVE RIGHT
    "\u0366": "\u030a",  # U+0366 COMBINING LATIN SMALL LETTER O
    "\u036e": "\u0306",  # U+036E COMBINING LATIN SMALL LETTER V
}


class _SkeletonChars(dict):
    """What each character becomes in a skeleton, for :meth:`str.translate`: nothing when it cannot be seen,
    else its prototype; worked out the first time each character is met, and kept."""

    def __missing__(self, code: int) -> str:
        char = chr(code)
        mapped = "" if _unseen(char) else _prototype(char)
        if len(self) < 65_536:  # a bound for a process that checks text for long (the web view)
            self[code] = mapped
        return mapped


_SKELETON_CHARS = _SkeletonChars()


def _stand_in(char: str) -> str:
    """What stands for the prototype ``char`` in a skeleton: itself, or the plainer of a pair."""
    linked = _linked(char)
    return min(char, linked[0], key=_plainness) if len(linked) == 1 and len(linked[0]) == 1 else char


def _unmarked(text: str) -> str:
    return text.replace("\u200e", "").replace("\u200f", "") if len(text) > 1 else text


def _plainness(char: str) -> tuple[bool, bool, str]:
    """Which of a pair stands for both: one that decomposes (it can only be the prototype, which the
    last step of a skeleton decomposes too), then an ASCII one. Checked against Unicode's own
    ``confusables.txt`` for every character: the same groups of look-alikes."""
    return (unicodedata.normalize("NFKD", char) == char, not char.isascii(), char)
