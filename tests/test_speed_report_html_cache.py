"""The html format loads its compiled templates from Jinja2's bytecode cache (issue 18: about 35 ms of the
340 ms an html report took in a new process went to compiling the page's two templates).

Each test stands for processes by emptying the format's per-process environment (``_environment``), so the
next render builds a new one, as a new process would.
"""

from __future__ import annotations

import jinja2
import pytest

from jobbsats import Chart, Column, Document, Series, Table
from jobbsats.reports.formats import html

cache_in = html._bytecode_cache  # the format's own, kept before a test stands another in for a render

DOCUMENT = Document(
    report="prov",
    title="Fördelning <för> ”prov”",
    tables=[
        Table(
            name="prov",
            title="Per mottagare",
            columns=[Column("recipient", "Mottagare"), Column("amount_ore", "Belopp (kr)", "money")],
            rows=[{"recipient": "Arbetsmarknads- och socialnämnden", "amount_ore": 13_056_000_00}],
        )
    ],
    paragraphs=["Körning 1."],
    charts=[Chart("Per mottagare", ["ASN"], [Series("2024", [13_056_000_00])])],
)


@pytest.fixture
def fresh(monkeypatch):
    """``fresh(cache)``: the next render builds its environment anew with ``cache`` (a new process's start);
    returns how many templates Jinja2 compiles from then on."""
    compiled: list[str] = []
    compile_ = jinja2.Environment.compile

    def counting(self, source, name=None, filename=None, raw=False, defer_init=False):
        compiled.append(name)
        return compile_(self, source, name, filename, raw, defer_init)

    monkeypatch.setattr(jinja2.Environment, "compile", counting)

    def start(cache) -> list[str]:
        html._environment.cache_clear()
        monkeypatch.setattr(html, "_bytecode_cache", lambda: cache)
        compiled.clear()
        return compiled

    yield start
    html._environment.cache_clear()  # the next test's renders build theirs as the format does


def test_a_new_process_loads_the_templates_compiled_and_renders_the_same_page(fresh, tmp_path):
    compiled = fresh(None)
    without = html.Html().render(DOCUMENT)
    assert sorted(compiled) == ["chart.svg.j2", "report.html.j2"]  # the counting sees compiling

    compiled = fresh(cache_in(str(tmp_path)))
    first = html.Html().render(DOCUMENT)
    assert sorted(compiled) == ["chart.svg.j2", "report.html.j2"]  # nothing cached yet: compiled, then kept
    assert len(list(tmp_path.glob("__jinja2_*.cache"))) == 2

    compiled = fresh(cache_in(str(tmp_path)))
    second = html.Html().render(DOCUMENT)
    assert compiled == []
    assert first == second == without
    assert "Fördelning &lt;för&gt; ”prov”" in second and "13\u00a0056\u00a0000" in second


def test_a_cache_that_cannot_be_written_or_read_is_no_cache(fresh, tmp_path):
    compiled = fresh(cache_in(str(tmp_path / "gone")))  # a folder that is not there: no file lands
    assert "13\u00a0056\u00a0000" in html.Html().render(DOCUMENT)
    assert sorted(compiled) == ["chart.svg.j2", "report.html.j2"]

    folder = tmp_path / "cache"
    folder.mkdir()
    compiled = fresh(cache_in(str(folder)))
    html.Html().render(DOCUMENT)
    for written in folder.glob("__jinja2_*.cache"):  # a damaged cache file is compiled again
        written.write_bytes(written.read_bytes()[:40])
    compiled = fresh(cache_in(str(folder)))
    assert "13\u00a0056\u00a0000" in html.Html().render(DOCUMENT)
    assert sorted(compiled) == ["chart.svg.j2", "report.html.j2"]


def test_no_temporary_folder_of_its_own_means_no_cache(monkeypatch, tmp_path):
    import tempfile

    taken = tmp_path / "a-file"
    taken.write_text("not a folder", encoding="utf-8")
    monkeypatch.setattr(tempfile, "gettempdir", lambda: str(taken))  # Jinja2's folder cannot be made in it
    assert cache_in() is None
    monkeypatch.setattr(tempfile, "gettempdir", lambda: str(tmp_path))
    assert isinstance(cache_in(), jinja2.FileSystemBytecodeCache)
