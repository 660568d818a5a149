"""Charts as plain SVG: the geometry of a :class:`~jobbsats.document.Chart`, for ``templates/chart.svg.j2``.

Everything is worked out here with integers and :class:`~fractions.Fraction` and rounded only to the
tenth of a pixel it is drawn at; the template only writes the elements out, escaped. The numbers
people read (value labels, axis ticks, tooltips and the text a screen reader speaks) are the exact
amounts in Swedish format, as the tables write them: in kr, tkr or mnkr as the chart's ``shown_in``
says. Text is real ``<text>`` in the page's font, so its width is estimated here from Helvetica's
widths to leave room for it.

Two shapes: bars across the page beside long names (recipients), and upright columns over short
labels (years, months). A series that is not decided (``Series.undecided``: an assumed year, money
applied for, a forecast) is drawn lighter and hatched, with the word in parentheses after its name.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from fractions import Fraction

from jobbsats.document import Chart, Series
from jobbsats.money import KRONOR, ORE_PER_KRONA, SHOWN_IN, format_amount, format_count, round_half_up

WIDTH = 760  # the drawing's width in pixels (it shrinks with a narrow page)
FONT = 12  # labels' font size; ticks and text inside bars are a size smaller
SMALL = 11
PAD = 8
LEGEND_ROW = 20
BAR = 20  # a bar's thickness across the page
BAR_GAP = 3  # between the bars of one group
GROUP_GAP = 14  # between groups
LABEL_SHARE = Fraction(1, 3)  # at most this much of the width for the names beside the bars
COLUMN_HEIGHT = 240  # the upright columns' plot height
COLUMN_MAX = 88  # an upright column's widest (room for a value inside)
SHORT_LABEL = 64  # names at most this wide (pixels) get upright columns
MAX_TICKS = 6

INK = "#1a1a1a"
WHITE = "#ffffff"
# Colours that colour-blind readers tell apart (Okabe and Ito), then a few more, each with the text
# colour that reads best on it (the higher contrast by WCAG's relative luminance).
PALETTE = (
    ("#0072B2", WHITE),
    ("#E69F00", INK),
    ("#009E73", INK),
    ("#D55E00", INK),
    ("#CC79A7", INK),
    ("#56B4E9", INK),
    ("#8C6D31", WHITE),
    ("#666666", WHITE),
    ("#332288", WHITE),
)
_TEXT_ON = dict(PALETTE)

# Helvetica's advance widths in thousandths of an em (its AFM file), for estimating a text's width.
_WIDTHS: dict[str, int] = {}
for _chars, _width in (
    ("ijl'|", 222),
    (" \u00a0\u202f.,:;!/fIt[]", 278),
    ("-()r{}\u2013", 333),
    ('cksvxyzJ"', 500),
    ("0123456789abdeghnopquåäö£$+=<>#?_~^", 556),
    ("FTZ", 611),
    ("ABEKPSVXYÅÄ&", 667),
    ("CDHNRUw", 722),
    ("GOQÖ", 778),
    ("mM%", 833),
    ("W@", 944),
):
    _WIDTHS.update(dict.fromkeys(_chars, _width))


def text_width(text: str, size: int = FONT) -> Fraction:
    """The width of ``text`` at ``size`` pixels, estimated (a little generously) from Helvetica's widths."""
    units = 0
    for char in text:
        if char in _WIDTHS:
            units += _WIDTHS[char]
        elif unicodedata.east_asian_width(char) in ("W", "F"):
            units += 1000
        elif unicodedata.combining(char):
            continue
        else:
            units += 600
    return Fraction(units * size * 21, 1000 * 20)  # 5 % to spare: Arial and the like run a little wider


def px(value: Fraction | int) -> str:
    """A coordinate as drawn: rounded half up to a tenth of a pixel (``12.5``, ``40``)."""
    tenths = round_half_up(Fraction(value) * 10)
    whole, rest = divmod(abs(tenths), 10)
    return ("-" if tenths < 0 else "") + (f"{whole}.{rest}" if rest else str(whole))


def amount_text(value: int, unit: str, shown_in: str = KRONOR) -> str:
    """A value as people read it: money from öre in kr, tkr or mnkr (``13 056 000``, ``1 234,50``,
    ``20 594`` tkr), as the tables show it, or a whole count."""
    return format_amount(value, shown_in) if unit == KRONOR else format_count(value)


def value_text(chart: Chart, value: int) -> str:
    """A value of ``chart`` as people read it, in the unit the chart shows (:func:`amount_text`)."""
    return amount_text(value, chart.unit, chart.shown_in)


def unit_name(chart: Chart) -> str:
    """The unit a chart's values are read in: ``kr``, ``tkr``, ``mnkr`` or what the fund counts (``platser``)."""
    return chart.shown_in if chart.unit == KRONOR else chart.unit


def series_name(series: Series) -> str:
    """The name people read: with the word for what is not decided, ``2025 (antaget)`` (unless the name says it)."""
    if not series.undecided or series.undecided.casefold() in series.name.casefold():
        return series.name
    return f"{series.name} ({series.undecided})"


def unit_words(unit: str, shown_in: str = KRONOR) -> str:
    """What the value axis counts: ``Belopp i kr``, ``Belopp i tkr``, ``Antal platser``."""
    return f"Belopp i {shown_in}" if unit == KRONOR else f"Antal {unit}"


def wrap(text: str, width: Fraction, size: int = FONT) -> list[str]:
    """``text`` in lines no wider than ``width`` (at word breaks; a word longer than a line stands alone)."""
    lines: list[str] = []
    for word in text.split():
        if lines and text_width(f"{lines[-1]} {word}", size) <= width:
            lines[-1] += f" {word}"
        else:
            lines.append(word)
    return lines or [""]


@dataclass(frozen=True)
class Box:
    """A bar, a segment of a stacked bar, or a legend's swatch; ``tip`` is its tooltip (``<title>``)."""

    x: str
    y: str
    w: str
    h: str
    fill: str
    hatched: bool = False
    tip: str = ""


@dataclass(frozen=True)
class Label:
    """A ``<text>``: one line, or several (``lines``) stacked from ``y`` down."""

    x: str
    y: str
    lines: tuple[str, ...]
    anchor: str = "start"
    size: int = FONT
    fill: str = INK
    line_height: int = FONT + 2
    halo: bool = False  # a white outline under the letters, so they read over a hatched bar


@dataclass(frozen=True)
class Rule:
    """A line: the value axis's grid lines and the zero line."""

    x1: str
    y1: str
    x2: str
    y2: str
    stroke: str = "#dddddd"


@dataclass
class Drawing:
    """What ``chart.svg.j2`` writes: the SVG's size, its words for screen readers, and its shapes."""

    ident: str
    title: str
    description: str
    width: int = WIDTH
    height: int = 0
    boxes: list[Box] = field(default_factory=list)
    labels: list[Label] = field(default_factory=list)
    rules: list[Rule] = field(default_factory=list)

    @property
    def hatch(self) -> str:
        """The id of this drawing's hatch pattern (ids are the page's: each drawing has its own)."""
        return f"{self.ident}-hatch"

    @property
    def aria_label(self) -> str:
        return f"{self.title}. {self.description}"

    def text(self, x: Fraction | int, y: Fraction | int, text: str, **style) -> None:
        self.labels.append(Label(px(x), px(y), (text,), **style))


@dataclass(frozen=True)
class _Axis:
    """The value axis: from ``start`` to ``end`` (base units: öre or whole units) over ``length`` pixels."""

    start: int
    end: int
    step: int
    origin: Fraction  # the pixel of ``start``
    length: Fraction
    upward: bool = False  # columns: values grow up the page, so pixels shrink

    def at(self, value: int) -> Fraction:
        offset = Fraction(value - self.start) * self.length / (self.end - self.start)
        return self.origin - offset if self.upward else self.origin + offset

    def ticks(self) -> list[int]:
        return list(range(self.start, self.end + 1, self.step))


def axis_range(low: int, high: int, unit: str, shown_in: str = KRONOR) -> tuple[int, int, int]:
    """Round ends and step for values from ``low`` to ``high`` (``low <= 0 <= high``): (start, end, step).

    The step is 1, 2 or 5 times a power of ten of whole kronor, tkr or mnkr as ``shown_in`` says (or of
    whole units), the smallest that needs
    at most :data:`MAX_TICKS` steps; with nothing to show, one step of one krona.
    """
    per = ORE_PER_KRONA * SHOWN_IN[shown_in] if unit == KRONOR else 1
    step = per
    while True:
        for factor in (1, 2, 5):
            candidate = step * factor
            start, end = (low // candidate) * candidate, -(-high // candidate) * candidate  # floor and ceiling
            if end - start <= MAX_TICKS * candidate:
                if start == end:
                    end = start + candidate
                return start, end, candidate
        step *= 10


@dataclass(frozen=True)
class _Piece:
    """One rectangle to draw: a series' value, or a part of it, for one category."""

    value: int
    colour: str
    hatched: bool
    tip: str


def _pieces(chart: Chart, colours: dict[str, str], category: int, series: Series) -> list[_Piece]:
    name = chart.categories[category]
    if not series.parts:
        label = name if len(chart.series) == 1 else f"{name}, {series_name(series)}"
        value = series.values[category]
        tip = f"{label}: {value_text(chart, value)} {unit_name(chart)}"
        return [_Piece(value, colours[series.name], bool(series.undecided), tip)]
    out = []
    for part in series.parts:
        value = part.values[category]
        if value == 0:
            continue
        where = name if len(chart.series) == 1 else f"{name}, {series_name(series)}"
        tip = f"{where}, {series_name(part)}: {value_text(chart, value)} {unit_name(chart)}"
        out.append(_Piece(value, colours[part.name], bool(series.undecided or part.undecided), tip))
    return out


def _stacked(pieces: list[_Piece]) -> list[tuple[_Piece, int, int]]:
    """Each piece with the values it spans: above zero stacked upward from 0, below zero downward."""
    out, up, down = [], 0, 0
    for piece in pieces:
        if piece.value >= 0:
            out.append((piece, up, up + piece.value))
            up += piece.value
        else:
            out.append((piece, down + piece.value, down))
            down += piece.value
    return out


def _description(chart: Chart) -> str:
    """The chart in words, for screen readers: every category's values, and the parts they are made of."""
    kind = "Stapeldiagram" + (f" med {len(chart.series)} serier" if len(chart.series) > 1 else "")
    said = []
    for i, category in enumerate(chart.categories):
        values = []
        for s in chart.series:
            text = value_text(chart, s.values[i])
            parts = [f"{series_name(p)} {value_text(chart, p.values[i])}" for p in s.parts if p.values[i]]
            if parts:
                text += f" ({', '.join(parts)})"
            values.append(text if len(chart.series) == 1 else f"{series_name(s)} {text}")
        said.append(f"{category}: {', '.join(values)}")
    return f"{kind}, {unit_words(chart.unit, chart.shown_in).lower()}. " + "; ".join(said) + "."


class _Builder:
    """Lays one chart out into a :class:`Drawing`."""

    def __init__(self, chart: Chart, ident: str) -> None:
        self.chart = chart
        self.drawing = Drawing(ident=ident, title=chart.title, description=_description(chart))
        parted = any(s.parts for s in chart.series)
        # A colour per part (purpose, financier) when bars are stacked, else per series (year).
        keys = [name for s in chart.series for name in ([p.name for p in s.parts] or [s.name])]
        self.colours = {k: PALETTE[i % len(PALETTE)][0] for i, k in enumerate(dict.fromkeys(keys))}
        self.parted = parted
        # Beside each bar, which series it is, when colour says which part: years of a stacked chart.
        self.series_labels = parted and len(chart.series) > 1
        self.groups = [
            [_stacked(_pieces(chart, self.colours, i, s)) for s in chart.series] for i in range(len(chart.categories))
        ]
        ends = [(lo, hi) for group in self.groups for bar in group for _p, lo, hi in bar]
        totals = [v for s in chart.series for v in s.values]
        self.low = min([0, *totals, *(lo for lo, _ in ends)])
        self.high = max([0, *totals, *(hi for _, hi in ends)])

    def build(self) -> Drawing:
        top = self._legend()
        widest = max((text_width(c) for c in self.chart.categories), default=Fraction(0))
        bars = len(self.chart.categories) * len(self.chart.series)
        if widest <= SHORT_LABEL and 0 < bars <= 48:
            self._columns(top)
        else:
            self._bars(top)
        return self.drawing

    # --- the legend, across the top

    def _legend(self) -> Fraction:
        """Swatches and names of the series (or of the parts, and a swatch for what is not decided)."""
        entries: list[tuple[str, str, bool]] = []  # (fill, text, hatched)
        if self.parted:
            parts = {p.name: p for s in self.chart.series for p in s.parts}
            entries += [(self.colours[name], series_name(p), bool(p.undecided)) for name, p in parts.items()]
            words = dict.fromkeys(s.undecided for s in self.chart.series if s.undecided)
            entries += [("#888888", word, True) for word in words]
        elif len(self.chart.series) > 1 or any(s.undecided for s in self.chart.series):
            entries += [(self.colours[s.name], series_name(s), bool(s.undecided)) for s in self.chart.series]
        if not entries:
            return Fraction(PAD)
        x, y = Fraction(PAD), Fraction(PAD)
        for fill, text, hatched in entries:
            need = 12 + 6 + text_width(text) + 18
            if x > PAD and x + need > WIDTH - PAD:
                x, y = Fraction(PAD), y + LEGEND_ROW
            self.drawing.boxes.append(Box(px(x), px(y + 2), "12", "12", fill, hatched))
            self.drawing.text(x + 18, y + 12, text)
            x += need
        return y + LEGEND_ROW + PAD

    # --- bars across the page, names on the left

    def _bars(self, top: Fraction) -> None:
        chart, d = self.chart, self.drawing
        room = WIDTH * LABEL_SHARE
        names = [wrap(c, room) for c in chart.categories]
        name_width = max((text_width(line) for lines in names for line in lines), default=Fraction(0))
        series_width = Fraction(0)
        if self.series_labels:
            series_width = max(text_width(series_name(s), SMALL) for s in chart.series) + PAD
        values = [value_text(chart, v) for s in chart.series for v in s.values]
        value_width = max((text_width(v) for v in values), default=Fraction(0))
        left = PAD + name_width + PAD + series_width
        right = WIDTH - PAD - value_width - PAD
        if self.low < 0:  # a value label may stand left of a bar below zero too
            left += value_width + PAD
        start, end, step = axis_range(self.low, self.high, chart.unit, chart.shown_in)
        axis = _Axis(start, end, step, left, right - left)
        zero = axis.at(0)
        y = top + 4
        plot_top = y
        count = len(chart.series)
        for i, group in enumerate(self.groups):
            height = max(count * BAR + (count - 1) * BAR_GAP, len(names[i]) * (FONT + 2))
            first = y + Fraction(height - (count * BAR + (count - 1) * BAR_GAP), 2)
            # The name, its lines centred on the group.
            lines = names[i]
            name_y = y + Fraction(height, 2) - Fraction((len(lines) - 1) * (FONT + 2), 2) + 4
            d.labels.append(Label(px(PAD + name_width), px(name_y), tuple(lines), "end"))
            for j, bar in enumerate(group):
                bar_y = first + j * (BAR + BAR_GAP)
                middle = bar_y + BAR // 2 + 4  # a text's baseline, centred on the bar
                series = chart.series[j]
                if self.series_labels:
                    d.text(left - PAD, middle, series_name(series), anchor="end", size=SMALL)
                for piece, lo, hi in bar:
                    x0, x1 = axis.at(lo), axis.at(hi)
                    if hi == lo:
                        continue
                    d.boxes.append(
                        Box(px(x0), px(bar_y), px(x1 - x0), str(BAR), piece.colour, piece.hatched, piece.tip)
                    )
                    if self.parted and len(bar) > 1:
                        self._inside(piece, (x0 + x1) / 2, middle, x1 - x0, Fraction(BAR))
                total = series.values[i]
                text = value_text(chart, total)
                if total >= 0:
                    far = max([zero, *(axis.at(hi) for _p, _lo, hi in bar)])
                    d.text(far + 4, middle, text)
                else:
                    near = min([zero, *(axis.at(lo) for _p, lo, _hi in bar)])
                    d.text(near - 4, middle, text, anchor="end")
            y += height + GROUP_GAP
        plot_bottom = y - GROUP_GAP + 4
        for tick in axis.ticks():
            x = axis.at(tick)
            d.rules.append(Rule(px(x), px(plot_top), px(x), px(plot_bottom), "#888888" if tick == 0 else "#dddddd"))
            d.text(x, plot_bottom + 14, value_text(chart, tick), anchor="middle", size=SMALL, fill="#555555")
        d.text(
            right,
            plot_bottom + 30,
            unit_words(self.chart.unit, self.chart.shown_in),
            anchor="end",
            size=SMALL,
            fill="#555555",
        )
        d.height = round_half_up(plot_bottom + 30 + PAD)

    # --- upright columns, short labels underneath

    def _columns(self, top: Fraction) -> None:
        chart, d = self.chart, self.drawing
        ticks_width = max(text_width(value_text(chart, v), SMALL) for v in self._tick_values())
        left = PAD + ticks_width + PAD
        right = Fraction(WIDTH - PAD)
        slot = (right - left) / len(chart.categories)
        count = len(chart.series)
        bar = min(Fraction(COLUMN_MAX), (slot * Fraction(4, 5) - (count - 1) * BAR_GAP) / count)
        plot_top = top + FONT + 6  # room for a value label over the tallest column
        start, end, step = axis_range(self.low, self.high, chart.unit, chart.shown_in)
        axis = _Axis(start, end, step, plot_top + COLUMN_HEIGHT, Fraction(COLUMN_HEIGHT), upward=True)
        zero = axis.at(0)
        plot_bottom = plot_top + COLUMN_HEIGHT
        for tick in axis.ticks():
            y = axis.at(tick)
            d.rules.append(Rule(px(left), px(y), px(right), px(y), "#888888" if tick == 0 else "#dddddd"))
            d.text(left - 4, y + 4, value_text(chart, tick), anchor="end", size=SMALL, fill="#555555")
        group_width = count * bar + (count - 1) * BAR_GAP
        for i, group in enumerate(self.groups):
            centre = left + slot * i + slot / 2
            first = centre - group_width / 2
            for j, pieces in enumerate(group):
                x = first + j * (bar + BAR_GAP)
                for piece, lo, hi in pieces:
                    if hi == lo:
                        continue
                    y0, y1 = axis.at(hi), axis.at(lo)
                    d.boxes.append(Box(px(x), px(y0), px(bar), px(y1 - y0), piece.colour, piece.hatched, piece.tip))
                    if self.parted and len(pieces) > 1:
                        self._inside(piece, x + bar / 2, (y0 + y1) / 2 + 4, bar, y1 - y0)
                total = chart.series[j].values[i]
                text = value_text(chart, total)
                # A value label where it fits over (or under) its column; the tooltip has it where it does not.
                # No "0" over a column that is not there (a forecast's months before the cut day).
                if total and text_width(text, SMALL) <= bar + BAR_GAP + (0 if count > 1 else slot / 5):
                    if total >= 0:
                        far = min([zero, *(axis.at(hi) for _p, _lo, hi in pieces)])
                        d.text(x + bar / 2, far - 4, text, anchor="middle", size=SMALL)
                    else:
                        near = max([zero, *(axis.at(lo) for _p, lo, _hi in pieces)])
                        d.text(x + bar / 2, near + 12, text, anchor="middle", size=SMALL)
                if self.series_labels and text_width(series_name(chart.series[j]), SMALL) <= bar + BAR_GAP:
                    d.text(x + bar / 2, plot_bottom + 14, series_name(chart.series[j]), anchor="middle", size=SMALL)
            below = plot_bottom + (28 if self.series_labels else 14) + (14 if self.low < 0 else 0)
            d.text(centre, below + 2, chart.categories[i], anchor="middle")
        last = plot_bottom + (28 if self.series_labels else 14) + (14 if self.low < 0 else 0) + 2
        d.text(left, last + 18, unit_words(self.chart.unit, self.chart.shown_in), size=SMALL, fill="#555555")
        d.height = round_half_up(last + 18 + PAD)

    def _tick_values(self) -> list[int]:
        start, end, step = axis_range(self.low, self.high, self.chart.unit, self.chart.shown_in)
        return list(range(start, end + 1, step))

    def _inside(self, piece: _Piece, x: Fraction, y: Fraction, width: Fraction, height: Fraction) -> None:
        """A part's value inside its segment, where it fits."""
        text = value_text(self.chart, piece.value)
        if text_width(text, SMALL) + 6 <= width and height >= SMALL + 4:
            fill = INK if piece.hatched else _TEXT_ON[piece.colour]
            self.drawing.text(x, y, text, anchor="middle", size=SMALL, fill=fill, halo=piece.hatched)


def layout(chart: Chart, ident: str) -> Drawing:
    """The chart's drawing; ``ident`` makes its ids unique in the page (``chart-1``)."""
    return _Builder(chart, ident).build()
