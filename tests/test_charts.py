"""Issue 16, point 1: charts as plain SVG from templates, with real text, Swedish numbers and marks.

The figures are the 2024 example's, worked by hand: 25 600 000 kr (40 000 000 less the fixed lines
9 000 000, 500 000 and 4 900 000) split 51/27/16/6 gives ASN 13 056 000, GVN 6 912 000, FSN 4 096 000
and KS 1 536 000; ASN also has Ung i sommar, 9 000 000, so 22 056 000 in all.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from fractions import Fraction

import pytest

from jobbsats import examples
from jobbsats.document import Chart, Series
from jobbsats.reports.formats.charts import axis_range, layout, px

SVG = "{http://www.w3.org/2000/svg}"
NB = "\u00a0"  # the tables' thousands separator, and the charts'


def sv(text: str) -> str:
    """ "13 056 000" as the page writes it, with no-break spaces."""
    return text.replace(" ", NB)


def svgs(page: str) -> list[ET.Element]:
    """Every chart of the page, parsed as XML (which fails on anything malformed or unescaped)."""
    return [ET.fromstring(svg) for svg in re.findall(r"<svg\b.*?</svg>", page, re.S)]


def texts(svg: ET.Element) -> list[str]:
    return ["".join(t.itertext()) for t in svg.iter(f"{SVG}text")]


def bars(svg: ET.Element) -> dict[str, list[ET.Element]]:
    """Each bar (or segment of one) by its tooltip: its rectangle, and the hatch over it when it is marked."""
    out = {}
    for group in svg.iter(f"{SVG}g"):
        title = group.find(f"{SVG}title")
        if title is not None and title.text:
            out[title.text] = group.findall(f"{SVG}rect")
    return out


def bar(svg: ET.Element, *words: str) -> list[ET.Element]:
    [rects] = [r for tip, r in bars(svg).items() if all(w in tip for w in words)]
    return rects


def size(rects: list[ET.Element], what: str = "width") -> Fraction:
    return Fraction(rects[0].get(what))


def hatched(rects: list[ET.Element]) -> bool:
    return any((r.get("fill") or "").startswith("url(#") for r in rects)


def report(cli, tmp_path, name: str, *args: str) -> str:
    out = tmp_path / f"{name}.html"
    result = cli("report", name, "-f", "html", "-o", out, *args)
    assert result.exit_code == 0, result.output
    return out.read_text(encoding="utf-8")


def test_the_2024_chart_is_svg_with_real_text_in_swedish_numbers(cli, tmp_path):
    cli.prepare(("run", "--quiet"))
    page = report(cli, tmp_path, "fordelning")
    [svg] = svgs(page)
    words = texts(svg)
    assert sv("13 056 000") in words  # ASN's share of the key, a segment of its bar
    assert sv("22 056 000") in words  # and ASN's whole bar
    assert {"Arbetsmarknads- och socialnämnden", "Funktionsstödsnämnden"} <= set(words)
    # A title, and the chart in words for screen readers.
    assert svg.get("role") == "img"
    assert svg.find(f"{SVG}title").text == "Fördelning per mottagare och år"
    label = svg.get("aria-label")
    assert label.startswith("Fördelning per mottagare och år.")
    assert f"Gymnasie- och vuxenutbildningsnämnden: {sv('6 912 000')}" in label
    # No drawn glyphs: text is text.
    assert svg.find(f".//{SVG}path") is None and "glyph" not in page


def test_bars_are_as_long_as_their_amounts(cli, tmp_path):
    cli.prepare(("run", "--quiet"))
    [svg] = svgs(report(cli, tmp_path, "fordelning"))
    gvn = size(bar(svg, "Gymnasie- och vuxenutbildningsnämnden", sv("6 912 000")))
    fsn = size(bar(svg, "Funktionsstödsnämnden", sv("4 096 000")))
    # 6 912 000 / 4 096 000 = 27/16, each length rounded to a tenth of a pixel.
    assert abs(gvn / fsn - Fraction(27, 16)) < Fraction(1, 200)
    # Against the axis: the ticks 0 and 5 000 000 are 5 000 000 apart.
    ticks = {
        "".join(t.itertext()): Fraction(t.get("x")) for t in svg.iter(f"{SVG}text") if t.get("text-anchor") == "middle"
    }
    step = ticks[sv("5 000 000")] - ticks["0"]
    assert abs(gvn / step - Fraction(6_912_000, 5_000_000)) < Fraction(1, 200)
    # ASN's bar is its two purposes end to end: 9 000 000 then 13 056 000.
    summer = bar(svg, "Arbetsmarknads- och socialnämnden", sv("9 000 000"))
    key = bar(svg, "Arbetsmarknads- och socialnämnden", sv("13 056 000"))
    assert abs(size(key) / size(summer) - Fraction(13_056_000, 9_000_000)) < Fraction(1, 200)
    assert abs(size(summer, "x") + size(summer) - size(key, "x")) <= Fraction(1, 10)


def test_an_assumed_year_is_marked(cli, tmp_path):
    cli.prepare(("run", "malmo-2024-2026", "--quiet"))
    [svg] = svgs(report(cli, tmp_path, "fordelning"))
    words = texts(svg)
    assert "2025 (antaget)" in words and "2026 (antaget)" in words  # 2025 and 2026 rest on an assumed total
    assert "2024" in words and "2024 (antaget)" not in words
    assert "antaget" in words  # the legend's swatch for it
    decided = bar(svg, "Funktionsstödsnämnden", "2024")
    assumed = bar(svg, "Funktionsstödsnämnden", "2025 (antaget)")
    assert not hatched(decided) and hatched(assumed)
    assert size(decided) == size(assumed)  # the same 4 096 000 kr each year
    assert "2025 (antaget)" in svg.get("aria-label")


def test_projekt_has_a_chart_of_its_financing_per_year(cli, tmp_path):
    cli.prepare(("run", "malmokraften-2020", "--quiet"))
    page = report(cli, tmp_path, "projekt")
    [svg] = svgs(page)
    assert svg.find(f"{SVG}title").text == "Malmökraften 2.0: kontant finansiering per år"
    words = texts(svg)
    assert {"2020", "2021", "2022"} <= set(words)
    # ESF 44 000 000 and Finsam 25 000 000 kr over the 30 months 2020-01 to 2022-06, evenly: 12 months
    # in 2020 (17 600 000 + 10 000 000) and 6 in 2022 (8 800 000 + 5 000 000).
    assert sv("27 600 000") in words and sv("13 800 000") in words
    assert sv("17 600 000") in words and sv("8 800 000") in words
    # Both are applied for, not granted: marked so, in the legend and on the columns.
    assert "Europeiska socialfonden (ESF) (ansökt)" in words and "Finsam Malmö (ansökt)" in words
    esf_2020 = bar(svg, "2020", "Europeiska socialfonden", sv("17 600 000"))
    esf_2022 = bar(svg, "2022", "Europeiska socialfonden", sv("8 800 000"))
    assert hatched(esf_2020) and hatched(esf_2022)
    assert abs(size(esf_2020, "height") / size(esf_2022, "height") - 2) < Fraction(1, 100)
    # The department's staff time in kind is no cash: not in the chart.
    assert "150" + NB + "000" not in " ".join(words)


def test_prognos_has_its_chart_with_the_forecast_marked(cli, tmp_path):
    cli.prepare(("run", "--quiet"))
    booked = examples.path_of("malmo-2024").with_name("malmo-2024.utfall.csv")
    assert cli("import", "utfall", booked, "-c", "malmo-2024").exit_code == 0
    page = report(cli, tmp_path, "prognos", "--to-day", "2024-06-30")
    [svg] = svgs(page)
    assert svg.find(f"{SVG}title").text == "Ackumulerat utfall och prognos mot budget 2024"
    # Booked by the end of June, of the fund's money: 1 250 000 (January), 4 100 000 and 4 900 000
    # (March), 3 200 000 (April), 2 730 500,50 (June); the 180 000 of May is the board's other money.
    january = bar(svg, "jan", "Utfall", sv("1 250 000"))
    june = bar(svg, "jun", "Utfall", sv("16 180 500,50"))
    ratio = size(june, "height") / size(january, "height")
    assert abs(ratio - Fraction(16_180_500_50, 1_250_000_00)) < Fraction(1, 50)  # heights to a tenth of a pixel
    december = bar(svg, "dec", "Prognos")
    assert hatched(december) and not hatched(june)
    assert "Prognos (ackumulerad)" in texts(svg)


def test_names_are_escaped_in_the_svg(cli, tmp_path, scenario_file):
    hostile = scenario_file(('name = "funktionsstödsnämnden"', 'name = "<script>alert(1)</script> & co"'))
    assert cli("run", hostile, "--quiet").exit_code == 0
    page = report(cli, tmp_path, "fordelning")
    assert "<script>" not in page
    [svg] = svgs(page)  # parses: every & and < is escaped
    assert "<script>alert(1)</script> & co" in texts(svg)
    assert "<script>alert(1)</script> & co" in svg.get("aria-label")


def test_axis_steps_are_round_and_exact():
    kr = 100
    # 22 056 000 kr: steps of 1, 2 million need more than six; 5 million, five.
    assert axis_range(0, 22_056_000 * kr, "kr") == (0, 25_000_000 * kr, 5_000_000 * kr)
    # Below zero too: -1 500 to 10 000 kr in six steps of 2 000.
    assert axis_range(-1_500 * kr, 10_000 * kr, "kr") == (-2_000 * kr, 10_000 * kr, 2_000 * kr)
    assert axis_range(0, 0, "kr") == (0, kr, kr)  # nothing: one krona
    assert axis_range(0, 1_516, "platser") == (0, 2_000, 500)
    # Drawn at a tenth of a pixel, halves up.
    assert [px(Fraction(1, 20)), px(Fraction(125, 10)), px(40), px(Fraction(-26, 10))] == ["0.1", "12.5", "40", "-2.6"]


def test_a_series_parts_must_add_up():
    Series("2024", (10, 5), parts=(Series("a", (4, 5)), Series("b", (6, 0))))
    with pytest.raises(ValueError, match="add up"):
        Series("2024", (10, 5), parts=(Series("a", (4, 5)), Series("b", (5, 0))))


def test_a_value_below_zero_is_drawn_on_the_other_side_of_zero():
    long = ("Arbetsmarknads- och socialnämnden", "Gymnasie- och vuxenutbildningsnämnden")
    for names, start, length in ((long, "x", "w"), (("2024", "2025"), "y", "h")):  # bars across, then columns
        drawing = layout(Chart("Överfört", names, (Series("Överfört", (-150_000, 300_000)),)), "chart-1")
        [below] = [b for b in drawing.boxes if b.tip.startswith(names[0])]
        [above] = [b for b in drawing.boxes if b.tip.startswith(names[1])]
        # Both reach the zero line from either side, the one twice as long as the other.
        if start == "x":
            assert Fraction(below.x) + Fraction(below.w) == Fraction(above.x)
        else:
            assert Fraction(above.y) + Fraction(above.h) == Fraction(below.y)
        assert abs(Fraction(getattr(above, length)) / Fraction(getattr(below, length)) - 2) < Fraction(1, 100)
        assert any(label.lines == (f"-1{NB}500",) for label in drawing.labels)
