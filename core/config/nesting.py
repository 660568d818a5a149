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

    def skip_string(self) -> None:
        """Step over the string that starts here (basic or literal, one line or several)."""
        text, quote = self.text, self.text[self.i]
        if text.startswith(quote * 3, self.i):
            end = text.find(quote * 3, self.i + 3)
            end = len(text) if end < 0 else end + 3
            while text.startswith(quote, end) and end < len(text):  # up to two quotes may end the content
                end += 1
            self.line += text.count("\n", self.i, end)
            self.i = end
            return
        i = self.i + 1
        while i < len(text) and text[i] not in (quote, "\n"):
            i += 2 if quote == '"' and text[i] == "\\" else 1
        self.i = i + 1 if i < len(text) and text[i] == quote else i

    def key_parts(self, stop: str) -> int:
        """Read a (dotted) key up to ``stop`` and return how many parts it has; leaves i on ``stop``."""
        parts, text = 1, self.text
        while self.i < len(text) and text[self.i] not in stop and text[self.i] != "\n":
            if text[self.i] in _QUOTES:
                self.skip_string()
                continue
            if text[self.i] == ".":
                parts += 1
            self.i += 1
        return parts

    def too_deep(self) -> int | None:
        text, limit = self.text, self.limit
        table = 0  # how deep the current [table] header put us
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
                table = self.key_parts("]") + array  # an array of tables adds the list's level
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
                value_level = container + self.key_parts("=")
                if value_level > limit:
                    return self.line
                self.i += 1
                expecting_key = False
            elif char in "[{":
                value_level += 1
                if value_level > limit:
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
