"""Issue 18: ids and names in ASCII and Swedish are checked for look-alikes without reading Unicode's 1 MB table.

The prototypes of ASCII and of the combining marks are written out in jobbsats.config.names; they must be
what the package's table gives, and skeletons made with them what they were made from the table alone.
"""

from __future__ import annotations

import subprocess
import sys
import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from jobbsats.config import names

COVERED = [chr(c) for c in (*range(0x80), *range(0x300, 0x370))]


def reference_skeleton(text: str) -> str:
    """UTS #39's skeleton as jobbsats made it before: every character's prototype read from the table."""
    mapped = "".join(names._looked_up(c) for c in unicodedata.normalize("NFKD", text) if not names.unseen(c))
    return unicodedata.normalize("NFKD", mapped)


def test_the_written_out_prototypes_are_the_tables():
    assert {c: names._looked_up(c) for c in COVERED} == {c: names._prototype(c) for c in COVERED}
    # A few read off confusables.txt by hand: digit one and capital I are small l, m is r n, zero is O.
    assert (names._prototype("1"), names._prototype("I"), names._prototype("m"), names._prototype("0")) == (
        "l",
        "l",
        "rn",
        "O",
    )


@given(st.text(alphabet=st.sampled_from("ASNGVKFabcdlmnorsI10 _-åäöÅÄÖéü\u200b\u0430\u03bf\u0455\uff21"), max_size=20))
def test_skeletons_are_what_the_table_alone_makes(text):
    assert names.skeleton(text) == reference_skeleton(text)


@given(st.text(max_size=12))
def test_skeletons_of_any_text_are_what_the_table_alone_makes(text):
    assert names.skeleton(text) == reference_skeleton(text)


def test_a_file_of_ascii_and_swedish_names_reads_no_table_of_look_alikes(tmp_path):
    # In a new process: checking the bundled example's ids and names opens neither of the package's tables.
    code = (
        "import jobbsats.config.names as n\n"
        "read = []\n"
        "n._data = lambda name: read.append(name) or {}\n"
        "from jobbsats.config.load import check_scenario\n"
        "from jobbsats.examples import path_of\n"
        "from jobbsats.registry import get_registry\n"
        "scenario, problems = check_scenario(path_of('malmo-2024'), get_registry())\n"
        "assert not problems, problems\n"
        "print(read)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
