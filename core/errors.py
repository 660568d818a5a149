"""Errors that reach the user as one clear message, never as a traceback."""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass

_IDENT = re.compile(r"^[^\s.\[\]\"']+$")


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input: where it is and what is wrong.

    ``path`` is a key path into the scenario file such as ``rules[1].key.GVN``
    (list indexes count from 0, as in the file's order of ``[[rules]]``).
    """

    path: str
    message: str

    def render(self) -> str:
        return clip(f"{self.path}: {self.message}" if self.path else self.message, PROBLEM_CHARS)


def describe(value: object) -> str:
    """What kind of value a person wrote, in words: for messages such as "must be a number, not a table"."""
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int):
        return "a whole number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        return "a list"
    if type(value).__name__ == "Decimal":
        return "a decimal number"
    return "a date or time" if hasattr(value, "isoformat") else type(value).__name__


def shorten(text: str, limit: int = 60) -> str:
    """A name as a message quotes it: a very long one cut short with "…", so a message stays a line."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


# A message quotes what a person wrote, and what they wrote may be a 100 000-character value or a
# CSV line with no end: every problem line, and every message as a whole, stays readable.
PROBLEM_CHARS = 400
MESSAGE_CHARS = 1800
MOST_PROBLEMS = 20


def clip(text: str, limit: int = PROBLEM_CHARS) -> str:
    """``text`` cut to about ``limit`` characters, with a mark saying how much was left out."""
    if len(text) <= limit:
        return text
    more = f"{len(text) - limit:,}".replace(",", " ")  # the count's thousands, never the commas of the text
    return f"{text[:limit]}… ({more} more characters)"


# Characters that show nothing although they are not format characters (Default_Ignorable_Code_Point
# outside Cf, and blank letters): Hangul fillers, Khmer inherent vowels, Mongolian variation selectors,
# the combining grapheme joiner and the blank Braille pattern.
_BLANK = frozenset("\u034f\u115f\u1160\u17b4\u17b5\u180b\u180c\u180d\u180e\u180f\u2800\u3164\uffa0")
# Unassigned, private-use, surrogates, format and control characters, and line or paragraph separators.
_UNSEEN_CATEGORIES = frozenset({"Cc", "Cf", "Cn", "Co", "Cs", "Zl", "Zp"})


# Unicode's control characters (category Cc), all 65 of them: C0, DEL and C1. One search of a text in C, not a
# lookup of each character's category in Python (tests/test_lookalike_names.py holds the range to Unicode's).
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")


def has_control(text: str) -> bool:
    """True for a text holding a control character (a newline, a tab, an escape, ...)."""
    return _CONTROL.search(text) is not None


def unseen(char: str) -> bool:
    """True for a character that cannot be seen, or that looks like an ordinary space without being one."""
    if char in _BLANK or "\ufe00" <= char <= "\ufe0f" or "\U000e0100" <= char <= "\U000e01ef":
        return True
    category = unicodedata.category(char)
    return category in _UNSEEN_CATEGORIES or (category == "Zs" and char != " ")


def _escape(char: str) -> str:
    return f"\\u{ord(char):04x}" if ord(char) <= 0xFFFF else f"\\U{ord(char):08x}"


def printable(text: str) -> str:
    """``text`` with every character that cannot be seen written out as ``\\u200b``.

    A message goes to a terminal: a raw bidirectional control there reorders what
    follows it, an escape sequence clears the screen, and a zero-width space hides.
    """
    if text.isascii() and text.isprintable():
        return text
    return "".join(_escape(c) if c != " " and (unseen(c) or not c.isprintable()) else c for c in text)


def shown(value: object, limit: int = 80) -> str:
    """A value a person wrote, as a message quotes it (text in quotes), a long one cut with a mark.

    What cannot be seen is written out (``\\u202e``); an integer too long to write is given by its size.
    """
    if isinstance(value, str):
        return printable(repr(clip(value, limit)))
    if isinstance(value, int) and value.bit_length() > 64:
        return f"a whole number of {value.bit_length()} bits"  # str() of one of 4 300 digits raises
    return printable(clip(str(value), limit))


def key_path(prefix: str, key: object) -> str:
    # ``funds.sjs``, ``rules[2]``, ``key["A B"]``: the place as a message names it (what cannot be seen written out).
    if isinstance(key, int):
        return f"{prefix}[{key}]"
    text = shorten(str(key))
    if not _IDENT.match(text):
        # quotes and newlines stay readable and unambiguous, and what cannot be seen is written out
        quoted = printable(json.dumps(text, ensure_ascii=False))
        return f"{prefix}[{quoted}]" if prefix else quoted
    text = printable(text)  # a bidirectional control, an escape: written out as \u202e, never sent raw
    return f"{prefix}.{text}" if prefix else text


def natural_key(path: str) -> list:
    """Sort key that puts rules[2] before rules[10], so problems come in file order."""
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", path)]


class JobbsatsError(Exception):
    """A user-facing error. The CLI prints it and exits non-zero."""

    exit_code = 1


class InputError(JobbsatsError):
    """One or more problems in an input file, reported together (the first twenty of them)."""

    def __init__(self, source: str, problems: list[Problem]):
        self.source = clip(source)
        self.problems = sorted(problems, key=lambda p: natural_key(p.path))
        super().__init__(self.render())

    def render(self) -> str:
        if len(self.problems) == 1:
            return f"{self.source}: {self.problems[0].render()}"
        lines = [f"{self.source}: {len(self.problems)} problems:"]
        lines += [f"  - {p.render()}" for p in self.problems[:MOST_PROBLEMS]]
        if len(self.problems) > MOST_PROBLEMS:
            lines.append(f"  … and {len(self.problems) - MOST_PROBLEMS} more")
        return "\n".join(lines)


class PluginError(JobbsatsError):
    """A plugin failed to load, register or run."""

    exit_code = 3


class LedgerError(JobbsatsError):
    """The ledger cannot be opened or written."""

    exit_code = 4
