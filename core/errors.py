"""Errors that reach the user as one clear message, never as a traceback."""

from __future__ import annotations

import json
import re
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
    return f"{text[:limit]}… ({len(text) - limit:,} more characters)".replace(",", " ")


def shown(value: object, limit: int = 80) -> str:
    """A value a person wrote, as a message quotes it (text in quotes), a long one cut with a mark."""
    return repr(clip(value, limit)) if isinstance(value, str) else clip(str(value), limit)


def key_path(prefix: str, key: object) -> str:
    if isinstance(key, int):
        return f"{prefix}[{key}]"
    text = shorten(str(key))
    if not _IDENT.match(text):
        quoted = json.dumps(text, ensure_ascii=False)  # quotes and newlines stay readable and unambiguous
        return f"{prefix}[{quoted}]" if prefix else quoted
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
