"""Monthly coverage as a server-rendered SVG line chart: no JavaScript, prints as drawn.

Only geometry lives here; the template draws it (the months' circles are written here). Rates come from `series.MonthSum.rate`.
The y axis fits the year being viewed and its target (older years are drawn for comparison and
clipped to the plot); the labels at the right edge (this year's last value, the target) are
spread apart so they never print over each other.
"""

import datetime as dt
import math
from dataclasses import dataclass, field
from decimal import Decimal
from html import escape

from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from .formatting import fmt_rate

WIDTH, HEIGHT = 640, 250
LEFT, RIGHT, TOP, BOTTOM = 56, 80, 12, 36  # room for the labels at their printed size
LABEL_GAP = 22  # vertical room one label needs at the right edge (its printed size, see print.css)
COLOURS = ["#0b5394", "#7a8ea3", "#a7b6c6", "#c9d3de"]  # this year first, older years paler


@dataclass
class Point:
    x: float
    y: float
    title: str
    pending: bool = False  # a month still coming in: fewer communes than the month before


@dataclass
class Line:
    year: int
    points: list[Point]
    colour: str
    current: bool

    @property
    def path(self) -> str:
        return " ".join(f"{p.x:.1f},{p.y:.1f}" for p in self.points)

    @property
    def circles_html(self) -> SafeString:
        """A circle per month with its figures as a tooltip. Written here rather than by a template
        loop: four years of twelve points, eight lookups each, cost more than the rest of the chart."""
        radius, colour = ("4" if self.current else "2.5"), escape(self.colour)
        return SafeString(
            "".join(
                f'<circle cx="{p.x:.1f}" cy="{p.y:.1f}" r="{radius}"'
                + (
                    f' class="pending" fill="#fff" stroke="{colour}" stroke-width="2"'
                    if p.pending
                    else f' fill="{colour}"'
                )
                + f"><title>{escape(str(p.title))}</title></circle>"
                for p in self.points
            )
        )

    @property
    def last(self) -> Point | None:
        return self.points[-1] if self.points else None


@dataclass
class LineChart:
    width: int = WIDTH
    height: int = HEIGHT
    lines: list[Line] = field(default_factory=list)
    target_y: float | None = None
    target_label: str = ""
    target_label_y: float | None = None
    year_label_y: float | None = None  # this year's label, beside its last value
    y_ticks: list[tuple[float, str]] = field(default_factory=list)
    x_ticks: list[tuple[float, str]] = field(default_factory=list)
    left: int = LEFT
    right_edge: int = WIDTH - RIGHT
    top: int = TOP
    bottom_edge: int = HEIGHT - BOTTOM
    synthetic: bool = False

    @property
    def empty(self) -> bool:
        return not any(line.points for line in self.lines)

    @property
    def plot_height(self) -> int:
        return self.bottom_edge - self.top

    @property
    def plot_width(self) -> int:
        return self.right_edge - self.left

    @property
    def current(self) -> Line | None:
        return next((line for line in self.lines if line.current and line.points), None)


def _x(month: int) -> float:
    return LEFT + (WIDTH - LEFT - RIGHT) * (month - 1) / 11


def _bounds(values: list[Decimal]) -> tuple[int, int]:
    """A y range in whole points that holds every value, at least 4 points tall, at most 100."""
    low = math.floor(min(values)) - 1 if values else 80
    high = min(100, math.ceil(max(values)) + 1) if values else 100
    if high - low < 4:
        low = high - 4
    return max(0, low), high


def spread_labels(wanted: list[float], *, gap: float = LABEL_GAP, top: float = TOP, bottom: float = HEIGHT - BOTTOM):
    """Label positions as close to `wanted` as possible, at least `gap` apart, inside [top, bottom]
    (both labels sit in the right margin: one above the other when their values are close)."""
    order = sorted(range(len(wanted)), key=lambda i: wanted[i])
    placed = [0.0] * len(wanted)
    previous = None
    for i in order:
        y = max(wanted[i], top + gap / 2)
        if previous is not None:
            y = max(y, previous + gap)
        placed[i] = previous = y
    overflow = (previous or 0) - (bottom - gap / 2)
    if overflow > 0:  # pushed past the bottom: shift the whole stack up
        placed = [y - overflow for y in placed]
    return placed


def line_chart(
    *, sums: dict, year: int, years: int, target_rate: Decimal | None, pending: dt.date | None = None
) -> LineChart:
    """This year and the `years - 1` before it, one line each, with the year's target as a line.
    `pending`: the month still coming in (the headline's), drawn hollow and named as such."""
    rates = {month: s.rate for month, s in sums.items() if s.rate is not None}
    this_year = [rate for month, rate in rates.items() if month.year == year]
    values = (this_year or list(rates.values())) + ([target_rate] if target_rate is not None else [])
    low, high = _bounds(values)

    def y(rate: Decimal) -> float:
        return TOP + (HEIGHT - TOP - BOTTOM) * float(high - rate) / (high - low)

    chart = LineChart(synthetic=any(s.synthetic for s in sums.values()))
    for age in range(years - 1, -1, -1):  # older years drawn first, this year on top
        shown = year - age
        points = []
        for m in range(1, 13):
            month = dt.date(shown, m, 1)
            if month not in rates:
                continue
            title = f"{m:02d}/{shown}: {fmt_rate(rates[month])}"
            if month == pending:
                title += " · " + _("mới %(n)s xã báo cáo") % {"n": sums[month].reported}
            points.append(Point(_x(m), y(rates[month]), title, pending=month == pending))
        if points:
            chart.lines.append(Line(year=shown, points=points, colour=COLOURS[age], current=age == 0))
    if target_rate is not None:
        chart.target_y, chart.target_label = y(target_rate), fmt_rate(target_rate)
    _place_labels(chart)
    step = 1 if high - low <= 6 else 2 if high - low <= 12 else 5
    chart.y_ticks = [(y(Decimal(v)), f"{v}%") for v in range(high, low - 1, -1) if v % step == 0]
    chart.x_ticks = [(_x(m), _("T%(month)s") % {"month": m}) for m in range(1, 13)]
    return chart


def _place_labels(chart: LineChart) -> None:
    current = chart.current
    wanted = [y for y in (current.last.y if current else None, chart.target_y) if y is not None]
    placed = spread_labels(wanted)
    if current:
        chart.year_label_y = placed.pop(0)
    if chart.target_y is not None:
        chart.target_label_y = placed.pop(0)
