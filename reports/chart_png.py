"""The dashboard's line chart as a PNG, for documents that cannot hold an SVG (the monthly report).

Drawn from the very geometry the page's SVG uses (`reports.chart.LineChart`, in its pixel space):
same series, same colours, same ticks, same target line. Matplotlib's Agg renderer, through its
object API (no pyplot: no global figure state between requests), in DejaVu Sans, which matplotlib
ships and which holds every Vietnamese letter.
"""

import io

from django.utils.translation import gettext as _

from .chart import LineChart

FONT = "DejaVu Sans"
TARGET_COLOUR = "#b3261e"
GRID_COLOUR = "#e3e7ec"
MUTED = "#5b6775"
LEGEND_HEIGHT = 24  # pixels below the plot for the legend
DPI = 200  # 1 px of the page's chart = 1/100 inch: 16 cm wide in print, sharp at 200 dpi


def chart_png(chart: LineChart) -> bytes:
    """The chart as PNG bytes; an empty chart draws its axes and says there is nothing yet."""
    # Imported here: matplotlib takes a third of a second to load, and only this download needs it.
    from matplotlib.figure import Figure

    height = chart.height + LEGEND_HEIGHT
    figure = Figure(figsize=(chart.width / 100, height / 100), dpi=DPI)
    axes = figure.add_axes((0, 0, 1, 1))
    axes.set_xlim(0, chart.width)
    axes.set_ylim(height, 0)  # the SVG's y grows downwards
    axes.axis("off")
    text = {"fontfamily": FONT, "fontsize": 7.5}
    for y, label in chart.y_ticks:
        axes.plot([chart.left, chart.right_edge], [y, y], color=GRID_COLOUR, linewidth=0.8)
        axes.text(chart.left - 4, y, label, ha="right", va="center", color=MUTED, **text)
    for x, label in chart.x_ticks:
        axes.text(x, chart.height - 8, label, ha="center", va="baseline", color=MUTED, **text)
    if chart.empty:
        axes.text(
            (chart.left + chart.right_edge) / 2,
            chart.height / 2,
            _("Chưa có số liệu tháng để vẽ biểu đồ."),
            ha="center",
            va="center",
            color=MUTED,
            **text,
        )
    if chart.target_y is not None:
        axes.plot(
            [chart.left, chart.right_edge],
            [chart.target_y, chart.target_y],
            color=TARGET_COLOUR,
            linewidth=1.1,
            dashes=(6, 4),
        )
        axes.text(chart.right_edge + 4, chart.target_y, chart.target_label, va="center", color=TARGET_COLOUR, **text)
    for line in chart.lines:
        xs, ys = [p.x for p in line.points], [p.y for p in line.points]
        width, marker = (2.2, 3.2) if line.current else (1.1, 2.0)
        axes.plot(xs, ys, color=line.colour, linewidth=width, marker="o", markersize=marker, zorder=3)
        if line.current and line.last:
            axes.text(
                line.last.x + 6, line.last.y, str(line.year), va="center", color=line.colour, fontweight="bold", **text
            )
    _legend(axes, chart, text)
    out = io.BytesIO()
    figure.savefig(out, format="png", dpi=DPI, facecolor="white")
    return out.getvalue()


def _legend(axes, chart: LineChart, text: dict) -> None:
    """This year first, then the earlier ones, then the target: as the page lists them."""
    entries = [(str(line.year), line.colour, "-") for line in reversed(chart.lines)]
    if chart.target_y is not None:
        entries.append((_("chỉ tiêu") + " " + chart.target_label, TARGET_COLOUR, "--"))
    x, y = chart.left, chart.height + LEGEND_HEIGHT / 2
    for label, colour, style in entries:
        axes.plot([x, x + 16], [y, y], color=colour, linewidth=2, linestyle=style)
        axes.text(x + 20, y, label, va="center", color="#1d2733", **text)
        x += 34 + 6.5 * len(label)
