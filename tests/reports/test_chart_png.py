import datetime as dt
import struct
from decimal import Decimal

from reports.chart import line_chart
from reports.chart_png import DPI, LEGEND_HEIGHT, chart_png
from reports.series import MonthSum


def png_size(png: bytes) -> tuple[int, int]:
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", png[16:24])  # the IHDR chunk's width and height


def test_the_png_is_the_pages_chart_at_print_resolution():
    sums = {dt.date(2026, m, 1): MonthSum(dt.date(2026, m, 1), 9_500 + m, 10_000, 3) for m in range(1, 11)}
    chart = line_chart(sums=sums, year=2026, years=4, target_rate=Decimal("96.50"))
    width, height = png_size(chart_png(chart))
    assert (width, height) == (chart.width * DPI // 100, (chart.height + LEGEND_HEIGHT) * DPI // 100)


def test_an_empty_chart_still_draws():
    chart = line_chart(sums={}, year=2026, years=4, target_rate=None)
    assert chart.empty
    assert png_size(chart_png(chart))[0] > 0
