"""Where a TOML file nests too deeply: the line named, found by reading the text (tomli gives no position)."""

from __future__ import annotations

import tomli
from hypothesis import given, settings
from hypothesis import strategies as st

from jobbsats.config.load import _depth
from jobbsats.config.nesting import line_too_deep


def arrays(levels: int) -> str:
    return "[" * levels + "1" + "]" * levels


def test_an_inline_array_too_deep_is_found_on_its_line():
    text = f'title = "x"\n\n# a comment [[[[[[[[[[\nkey = {arrays(40)}\n'
    assert line_too_deep(text, 32) == 4
    # key at level 1, the 32nd bracket's contents at 33
    assert line_too_deep(f"key = {arrays(31)}\n", 32) is None
    assert line_too_deep(f"key = {arrays(32)}\n", 32) == 1


def test_a_table_header_too_deep_is_found_on_its_line():
    deep = ".".join(["a"] * 33)
    text = f"[ok]\nx = 1\n\n[{deep}]\ny = 2\n"
    assert line_too_deep(text, 32) == 4
    assert line_too_deep(f"[{'.'.join(['a'] * 32)}]\n", 32) is None
    assert line_too_deep(f"[{'.'.join(['a'] * 31)}]\ny = 1\n", 32) is None  # y at 32
    assert line_too_deep(f"[{'.'.join(['a'] * 32)}]\ny = 1\n", 32) == 2  # y at 33: the key's line


def test_arrays_of_tables_count_the_list_level():
    assert line_too_deep(f"[[{'.'.join(['a'] * 31)}]]\n", 32) is None  # the elements at 32
    assert line_too_deep(f"[[{'.'.join(['a'] * 32)}]]\n", 32) == 1


def test_dotted_keys_and_inline_tables_add_up():
    # [t] 1, a.b.c 2-4, then { d.e = [ [1] ] }: d 5, e 6, the arrays' contents 7 and 8
    text = "[t]\na.b.c = { d.e = [[1]] }\n"
    assert line_too_deep(text, 8) is None
    assert line_too_deep(text, 7) == 2
    assert _depth(tomli.loads(text)) == 8


def test_strings_comments_and_quoted_keys_are_stepped_over():
    text = (
        '"a.b.c.d.e" = "[[[[[[[[[[{{{{{{"\n'
        "'x.y' = '[[[[[[[[[[[['\n"
        'm = """\n[[[[[[[[[[[[\n{{{{{{{{{{\n"""\n'
        "n = '''\n[[[[[[[[]]]'''\n"
        'esc = "\\"[[[[[[[[[[[[\\""\n'
        "deep = [[[[1]]]]  # [[[[[[[[[[\n"
    )
    assert _depth(tomli.loads(text)) == 5
    assert line_too_deep(text, 5) is None
    assert line_too_deep(text, 4) == 10  # the multi-line strings' lines are counted


def test_a_multi_line_array_names_the_line_where_it_passes():
    text = "key = [\n  1,\n  [\n    [2],\n    [[3]],\n  ],\n]\n"
    # key 1, outer contents 2, [ on line 3: 3, [2] contents 4, [[3]] contents 5 on line 5
    assert line_too_deep(text, 4) == 5
    assert line_too_deep(text, 3) == 4
    assert line_too_deep(text, 5) is None


def test_empty_inline_tables_and_trailing_commas_close_their_level():
    text = "a = [{}, {x = 1}, []]\nb = {c = {}}\nd = [[1,],[2]]\n"
    assert line_too_deep(text, 3) is None
    assert _depth(tomli.loads(text)) == 3


# Documents built from nested values, one key a line under an optional [t.t.t] header: the test
# knows how deep each value goes, so it knows the first line that passes.
leaves = st.one_of(st.integers(0, 9), st.sampled_from(['"s"', '"[{"', "'#]'"]))
values = st.recursive(
    leaves,
    lambda inner: st.one_of(
        st.lists(inner, min_size=1, max_size=3).map(lambda items: ("array", items)),
        st.lists(inner, min_size=1, max_size=2).map(lambda items: ("table", items)),
    ),
    max_leaves=30,
)


def write(value) -> str:
    """The TOML for ``value``, on one line."""
    if not isinstance(value, tuple):
        return str(value)
    kind, items = value
    if kind == "table":
        return "{ " + ", ".join(f"k{i} = {write(item)}" for i, item in enumerate(items)) + " }"
    return "[" + ", ".join(write(item) for item in items) + "]"


def deepest(value, level: int) -> int:
    if not isinstance(value, tuple):
        return level
    return max(deepest(item, level + 1) for item in value[1])


# 100 (Hypothesis's default; was 200): each example is a whole document of up to five values nested up to
# 30 leaves deep, and the hand-written cases above pin the scanner's corners (strings, comments, headers).
@settings(max_examples=100, deadline=None)
@given(st.lists(values, min_size=1, max_size=5), st.integers(1, 8), st.integers(0, 3))
def test_the_line_found_is_the_first_whose_nesting_passes(documents, limit, table_parts):
    header = ".".join(["t"] * table_parts)
    lines = [f"[{header}]"] if table_parts else []
    levels = [table_parts] if table_parts else []  # the deepest level on each line
    for number, value in enumerate(documents):
        lines.append(f"key{number} = {write(value)}")
        levels.append(deepest(value, table_parts + 1))
    text = "\n".join(lines) + "\n"
    assert _depth(tomli.loads(text)) == max(levels)
    expected = next((i + 1 for i, level in enumerate(levels) if level > limit), None)
    assert line_too_deep(text, limit) == expected


DEEP = "[" * 33 + "1" + "]" * 33  # a key at level 1, the innermost contents at 34


def test_an_escaped_quote_before_two_quotes_does_not_end_a_multi_line_string():
    # \""" is an escaped quote and two quotes of content: the string ends at the last """ on line 1
    text = 's = """say \\"""hi"" please"""\nx = 1\n' + f"deep = {DEEP}\n" + 't = """done"""\n'
    assert line_too_deep(text, 32) == 3
    text = 's = """say \\"""hi"""\nx = 1\nt = """\ny = [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[\n"""\n' + f"deep = {DEEP}\n"
    assert line_too_deep(text, 32) == 6  # line 4 is inside t's string
    assert _depth(tomli.loads(text)) > 32  # (the count stops once past the limit)


def test_every_array_of_tables_on_a_header_path_adds_its_list():
    lines = ["[[a]]", *(f"[[{'.'.join(['a'] * n)}]]" for n in range(2, 17)), "x = 1"]
    text = "\n".join(lines) + "\n"  # 16 lists and 16 tables, then x's value at 33
    assert _depth(tomli.loads(text)) == 33
    assert line_too_deep(text, 32) == 17
    text = "[[a]]\n[a.b]\n[[a.b.c]]\n[" + ".".join(["a", "b", "c"] + ["d"] * 28) + "]\n"
    assert _depth(tomli.loads(text)) == 33
    assert line_too_deep(text, 32) == 4
    # the bundled examples' shape: [[rules]] > [[rules.lines]] > [[rules.lines.grants]], quoted and spaced
    text = (
        '[[rules]]\nrule = "fixed"\n[[ rules . "lines" ]]\n[[rules.lines.grants]]\n' + ".".join(["k"] * 27) + " = 1\n"
    )
    assert _depth(tomli.loads(text)) == 33
    assert line_too_deep(text, 32) == 5


def test_an_empty_array_or_inline_table_at_the_limit_is_not_too_deep():
    header = "[" + ".".join(["t"] * 31) + "]"  # keys below it hold values at level 32
    for empty in ("[]", "{}", "[ # a comment\n]", "[\n\n]"):
        text = f"{header}\nempty = {empty}\ndeep = [1]\n"
        assert _depth(tomli.loads(text)) == 33
        assert line_too_deep(text, 32) == 3 + empty.count("\n")
