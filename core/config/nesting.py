"""The line where a TOML file nests too deeply, for a message that says where.

tomli refuses very deep inline arrays and tables with a RecursionError that
gives no position, and jobbsats's own depth check runs on the parsed document,
which has none either. This reads the text once more and finds the first line
where tables, dotted keys and inline arrays or tables together pass the limit,
counted the way the parsed document nests (``a.b = [1]`` puts the 1 three
levels down). It knows just enough TOML to step over strings and comments;
in a file broken in other ways it may find no line, and the caller then says
what it knows without one.
"""

from __future__ import annotations

_QUOTES = "\"'"


class _Scanner:
    def __init__(self, text: str, limit: int):
        self.text, self.limit = text, limit
        self.i, self.line = 0, 1

    def skip_string(self) -> str:
        """Step over the string that starts here (basic or literal, one line or several); return its raw content."""
        text, quote = self.text, self.text[self.i]
        escapes = quote == '"'  # a backslash escapes the next character in basic strings only
        many = text.startswith(quote * 3, self.i)
        start = i = self.i + (3 if many else 1)
        while i < len(text):
            if escapes and text[i] == "\\":
                i += 2
            elif many and text.startswith(quote * 3, i):
                end = i + 3
                while end < len(text) and text[end] == quote and end - i < 5:  # up to two quotes end the content
                    end += 1
                self.line += text.count("\n", self.i, end)
                self.i = end
                return text[start : end - 3]
            elif not many and text[i] in (quote, "\n"):
                break
            else:
                i += 1
        self.line += text.count("\n", self.i, i) if many else 0
        self.i = i + 1 if i < len(text) and text[i] == quote else i
        return text[start:i]

    def key_parts(self, stop: str) -> tuple[str, ...]:
        """Read a (dotted) key up to ``stop`` and return its parts (quotes taken off); leaves i on ``stop``."""
        parts, part, text = [], "", self.text
        while self.i < len(text) and text[self.i] not in stop and text[self.i] != "\n":
            char = text[self.i]
            if char in _QUOTES:
                part += self.skip_string()
                continue
            if char == ".":
                parts.append(part)
                part = ""
            elif char not in " \t":
                part += char
            self.i += 1
        return (*parts, part)

    def header_level(self, path: tuple[str, ...], array: bool, arrays: set[tuple[str, ...]]) -> int:
        """How deep a [table] or [[array of tables]] header puts its keys' container.

        Every array of tables on the way adds the list's level: [a.b] under [[a]] is a[-1].b.
        """
        lists = sum(1 for n in range(1, len(path)) if path[:n] in arrays)
        if array:
            arrays.add(path)
        return len(path) + lists + array

    def closes_next(self, closer: str) -> bool:
        """Whether the bracket opened here is closed before anything is in it (blanks and comments aside)."""
        i, text = self.i + 1, self.text
        while i < len(text):
            if text[i] == "#":
                end = text.find("\n", i)
                i = len(text) if end < 0 else end
            elif text[i] in " \t\r\n":
                i += 1
            else:
                return text[i] == closer
        return False

    def too_deep(self) -> int | None:
        text, limit = self.text, self.limit
        table = 0  # how deep the current [table] header put us
        arrays: set[tuple[str, ...]] = set()  # the paths declared as [[arrays of tables]]
        stack: list[tuple[str, int]] = []  # open brackets, and the level their contents sit at
        expecting_key, value_level = True, 0
        while self.i < len(text):
            char = text[self.i]
            if char == "\n":
                self.line += 1
                self.i += 1
                if not stack:
                    expecting_key = True
            elif char in " \t\r":
                self.i += 1
            elif char == "#":
                end = text.find("\n", self.i)
                self.i = len(text) if end < 0 else end
            elif expecting_key and not stack and char == "[":
                array = text.startswith("[[", self.i)
                self.i += 2 if array else 1
                table = self.header_level(self.key_parts("]"), array, arrays)
                if table > limit:
                    return self.line
                end = text.find("\n", self.i)
                self.i = len(text) if end < 0 else end
            elif char in "]}" and stack:  # also ends an empty inline table, or one after a trailing comma
                stack.pop()
                value_level = stack[-1][1] if stack else value_level
                expecting_key = False
                self.i += 1
            elif expecting_key:
                container = stack[-1][1] - 1 if stack else table
                value_level = container + len(self.key_parts("="))
                if value_level > limit:
                    return self.line
                self.i += 1
                expecting_key = False
            elif char in "[{":
                value_level += 1
                # An empty array has nothing at the new level; an inline table's keys are checked as keys.
                if char == "[" and value_level > limit and not self.closes_next("]"):
                    return self.line
                stack.append((char, value_level))
                expecting_key = char == "{"
                self.i += 1
            elif char == ",":
                expecting_key = bool(stack) and stack[-1][0] == "{"
                value_level = stack[-1][1] if stack else value_level
                self.i += 1
            elif char in _QUOTES:
                self.skip_string()
            else:
                self.i += 1
        return None


def line_too_deep(text: str, limit: int) -> int | None:
    """The first line (counted from 1) where the nesting passes ``limit`` levels, or None."""
    return _Scanner(text, limit).too_deep()
