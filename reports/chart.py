"""Monthly coverage as a server-rendered SVG line chart: no JavaScript, prints as drawn.

Only geometry lives here; the template draws it. Rates come from `series.MonthSum.rate`.
"""

import datetime as dt
import math
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from .formatting import fmt_rate

WIDTH, HEIGHT = 640, 250
LEFT, RIGHT, TOP, BOTTOM = 46, 70, 12, 26
COLOURS = ["#0b5394", "#7a8ea3", "#a7b6c6", "#c9d3de"]  # this year first, older years paler


@dataclass
class Point:
    x: float
    y: float
    title: str


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
    def last(self) -> Point | None:
        return self.points[-1] if self.points else None


@dataclass
class LineChart:
    width: int = WIDTH
    height: int = HEIGHT
    lines: list[Line] = field(default_factory=list)
    target_y: float | None = None
    target_label: str = ""
    y_ticks: list[tuple[float, str]] = field(default_factory=list)
    x_ticks: list[tuple[float, str]] = field(default_factory=list)
    left: int = LEFT
    right_edge: int = WIDTH - RIGHT
    bottom_edge: int = HEIGHT - BOTTOM
    synthetic: bool = False

    @property
    def empty(self) -> bool:
        return not any(line.points for line in self.lines)


def _x(month: int) -> float:
    return LEFT + (WIDTH - LEFT - RIGHT) * (month - 1) / 11


def _bounds(values: list[Decimal]) -> tuple[int, int]:
    """A y range in whole points that holds every value, at least 4 points tall, at most 100."""
    low = math.floor(min(values)) - 1 if values else 80
    high = min(100, math.ceil(max(values)) + 1) if values else 100
    if high - low < 4:
        low = high - 4
    return max(0, low), high


def line_chart(*, sums: dict, year: int, years: int, target_rate: Decimal | None) -> LineChart:
    """This year and the `years - 1` before it, one line each, with the year's target as a line."""
    rates = {month: s.rate for month, s in sums.items() if s.rate is not None}
    values = list(rates.values()) + ([target_rate] if target_rate is not None else [])
    low, high = _bounds(values)

    def y(rate: Decimal) -> float:
        return TOP + (HEIGHT - TOP - BOTTOM) * float(high - rate) / (high - low)

    chart = LineChart(synthetic=any(s.synthetic for s in sums.values()))
    for age in range(years - 1, -1, -1):  # older years drawn first, this year on top
        shown = year - age
        points = [
            Point(_x(m), y(rates[dt.date(shown, m, 1)]), f"{m:02d}/{shown}: {fmt_rate(rates[dt.date(shown, m, 1)])}")
            for m in range(1, 13)
            if dt.date(shown, m, 1) in rates
        ]
        if points:
            chart.lines.append(Line(year=shown, points=points, colour=COLOURS[age], current=age == 0))
    if target_rate is not None:
        chart.target_y, chart.target_label = y(target_rate), fmt_rate(target_rate)
    step = 1 if high - low <= 6 else 2 if high - low <= 12 else 5
    chart.y_ticks = [(y(Decimal(v)), f"{v}%") for v in range(high, low - 1, -1) if v % step == 0]
    chart.x_ticks = [(_x(m), _("T%(month)s") % {"month": m}) for m in range(1, 13)]
    return chart
