"""Coverage by area as a server-rendered SVG choropleth: no tiles, no JavaScript, prints as drawn.

Outlines are read from `fixtures/geo/` (see `fixtures/README.md`) and projected once per process;
a view only says, per area, its status and figures (`Area`), and the template draws the `Map`.
"""

import json
import math
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from functools import cache, lru_cache
from pathlib import Path

from django.conf import settings
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .coverage import Status
from .formatting import fmt_int, fmt_rate
from .links import UnitLinks
from .tables import STATUS_LABELS

GEO_DIR = Path(settings.BASE_DIR) / "fixtures" / "geo"
PROVINCES_FILE = "provinces-2026.geojson"
WIDTH = 600
MAX_HEIGHT = 900  # a tall province is fitted to this height instead of growing the page
MARGIN = 10  # the outer strokes stay inside the viewBox

NO_DATA_LABEL = gettext_lazy("Chưa có số liệu")
NO_TARGET = "no_target"  # figures, but no target to read them against: a rate, not a status
NO_TARGET_LABEL = gettext_lazy("Chưa có chỉ tiêu")
# Legend order: best to worst, then the fills that are not a reading against a target.
LEGEND_ORDER = (Status.ON_TRACK, Status.AT_RISK, Status.OFF_TRACK, Status.CHECK_DATA, NO_TARGET, None)
# Both are hatched, not coloured: neither figure can be read as a coverage level.
PATTERNS = {Status.CHECK_DATA: "check_data", None: "no_data"}


@dataclass(frozen=True)
class Outline:
    code: str
    name: str  # the full name, "Xã Bình Lư"
    d: str  # SVG path data in viewBox units


@dataclass(frozen=True)
class Outlines:
    width: int
    height: int
    shapes: tuple[Outline, ...]

    @property
    def view_box(self) -> str:
        return f"0 0 {self.width} {self.height}"


@dataclass
class Area:
    """What a view knows about one unit; status is one of `Status` or None (no data)."""

    code: str
    name: str
    url: str | None = None
    status: str | None = None
    rate: Decimal | None = None
    gap_people: int | None = None
    target_rate: Decimal | None = None


@dataclass
class Shape:
    d: str
    fill: str  # CSS class in static/css/map.css
    pattern: str | None  # suffix of a <pattern> id in the map's <defs>, for hatched fills
    area: Area
    title: str


@dataclass
class LegendEntry:
    status: str | None
    label: str
    fill: str
    pattern: str | None
    count: int


@dataclass
class Map:
    title: str
    dom_id: str
    width: int
    height: int
    shapes: list[Shape]
    legend: list[LegendEntry]
    missing_shapes: list[Area]  # areas the outlines do not hold: listed beside the map

    @property
    def view_box(self) -> str:
        return f"0 0 {self.width} {self.height}"


# -- Outlines ---------------------------------------------------------------------------------


def _polygons(geometry: dict) -> list:
    if geometry["type"] == "Polygon":
        return [geometry["coordinates"]]
    if geometry["type"] == "MultiPolygon":
        return geometry["coordinates"]
    raise ValueError(f"unsupported geometry {geometry['type']!r}")


def _ring_path(points: Iterable[tuple[float, float]]) -> str:
    """One closed subpath; points that round to the one before are dropped, and a ring left with
    fewer than three points (an islet smaller than a tenth of a unit) is not drawn."""
    kept: list[str] = []
    for x, y in points:
        point = f"{x:.1f} {y:.1f}"
        if not kept or point != kept[-1]:
            kept.append(point)
    if len(kept) > 1 and kept[0] == kept[-1]:
        kept.pop()
    return f"M{kept[0]}L{' '.join(kept[1:])}Z" if len(kept) >= 3 else ""


def project(features: list[dict]) -> Outlines:
    """Equirectangular, x shrunk by the cosine of the middle latitude so shapes keep their
    proportions at Vietnam's latitudes, fitted into WIDTH × at most MAX_HEIGHT, north up."""
    polygons = {feature["id"]: _polygons(feature["geometry"]) for feature in features}
    points = [p for shape in polygons.values() for polygon in shape for ring in polygon for p in ring]
    lons, lats = [p[0] for p in points], [p[1] for p in points]
    shrink = math.cos(math.radians((min(lats) + max(lats)) / 2))
    left, top = min(lons) * shrink, max(lats)
    span_x, span_y = max(lons) * shrink - left, top - min(lats)
    scale = min((WIDTH - 2 * MARGIN) / span_x, (MAX_HEIGHT - 2 * MARGIN) / span_y)
    width, height = math.ceil(span_x * scale + 2 * MARGIN), math.ceil(span_y * scale + 2 * MARGIN)

    def ring_path(ring: list) -> str:
        return _ring_path((MARGIN + (lon * shrink - left) * scale, MARGIN + (top - lat) * scale) for lon, lat in ring)

    shapes = tuple(
        Outline(
            code=feature["id"],
            name=feature["properties"]["fullName"],
            # Only digits, spaces and M/L/Z: marked safe so each render skips escaping ~100 kB of it.
            d=SafeString("".join(ring_path(ring) for polygon in polygons[feature["id"]] for ring in polygon)),
        )
        for feature in features
    )
    return Outlines(width=width, height=height, shapes=shapes)


@cache  # one entry per file in fixtures/geo
def _load(path: Path) -> Outlines:
    with path.open(encoding="utf-8") as file:
        return project(json.load(file)["features"])


def province_outlines() -> Outlines:
    """The country's 34 provinces, by their 2-digit codes."""
    return _load(GEO_DIR / PROVINCES_FILE)


@lru_cache(maxsize=128)  # bounded: the code may come from a URL
def commune_outlines(province_code: str) -> Outlines | None:
    """A province's communes by their 5-digit codes, or None when the project has no outlines for
    that province (a `communes-<code>-<name>.geojson` file in fixtures/geo)."""
    if not re.fullmatch(r"\d{2}", province_code):  # the code reaches a glob pattern
        return None
    files = sorted(GEO_DIR.glob(f"communes-{province_code}-*.geojson"))
    return _load(files[0]) if files else None


# -- The map ----------------------------------------------------------------------------------


def fill_class(status: str | None) -> str:
    if status is not None and status != NO_TARGET and status not in STATUS_LABELS:
        raise ValueError(f"unknown status {status!r}")
    return f"map-{PATTERNS.get(status, status)}"


class _Titles:
    """Hover titles in the active language: the words are translated, and a rate met again (the
    province's target) formatted, once per map rather than once per area."""

    def __init__(self) -> None:
        self.labels = {status: str(STATUS_LABELS[status]) for status in LEGEND_ORDER if status in STATUS_LABELS}
        self.labels[None], self.labels[NO_TARGET] = str(NO_DATA_LABEL), str(NO_TARGET_LABEL)
        self.target, self.short, self.met = _("chỉ tiêu %(rate)s"), _("thiếu %(people)s người"), _("đạt chỉ tiêu")
        self.rates: dict[Decimal | None, str] = {}

    def rate(self, value: Decimal | None) -> str:
        if value not in self.rates:
            self.rates[value] = fmt_rate(value, empty=self.labels[None])
        return self.rates[value]

    def __call__(self, area: Area) -> str:
        parts = [area.name, self.rate(area.rate)]
        if area.target_rate is not None:
            parts.append(self.target % {"rate": self.rate(area.target_rate)})
        # A gap worked out from more cards than people means nothing: the status says why.
        if area.status != Status.CHECK_DATA:
            if area.gap_people:
                parts.append(self.short % {"people": fmt_int(area.gap_people)})
            elif area.gap_people == 0:
                parts.append(self.met)
        if area.status is not None:
            parts.append(self.labels[area.status])
        return " · ".join(parts)


def hover_title(area: Area) -> str:
    """What the colour means, in words, for a pointer and for a screen reader:
    "Xã Bình Lư · 95,12% · chỉ tiêu 96,00% · thiếu 120 người · Có nguy cơ"."""
    return _Titles()(area)


def choropleth(*, outlines: Outlines, areas: list[Area], title: str, dom_id: str = "coverage-map") -> Map:
    """One shape per area that has an outline, coloured by its status. Areas without an outline
    go to `missing_shapes`; outlines without an area are not drawn. `dom_id` must be unique on
    the page: the map's title and hatch patterns are referred to by id."""
    by_code = {area.code: area for area in areas}
    if len(by_code) != len(areas):
        raise ValueError("two areas share a code")
    titles = _Titles()
    shapes = [
        Shape(
            d=outline.d,
            fill=fill_class(area.status),
            pattern=PATTERNS.get(area.status),
            area=area,
            title=titles(area),
        )
        for outline in outlines.shapes
        if (area := by_code.get(outline.code)) is not None
    ]
    drawn = {outline.code for outline in outlines.shapes}
    counts = Counter(shape.area.status for shape in shapes)
    legend = [
        LegendEntry(
            status=status,
            label=titles.labels[status],
            fill=fill_class(status),
            pattern=PATTERNS.get(status),
            count=counts[status],
        )
        for status in LEGEND_ORDER
    ]
    return Map(
        title=title,
        dom_id=dom_id,
        width=outlines.width,
        height=outlines.height,
        shapes=shapes,
        legend=legend,
        missing_shapes=[area for area in areas if area.code not in drawn],
    )


def coverage_map(*, outlines: Outlines | None, rows, year: int, title: str, dom_id: str = "coverage-map") -> Map | None:
    """The map of a ranking's rows (`tables_data.CoverageRow`), each area linked to its page of
    the year; None when the project has no outlines for these units (a district of before 7/2025,
    a province whose commune outlines are not in fixtures/geo). The outlines are today's units:
    a unit that has ended is not drawn, even where a later unit reuses its code."""
    if outlines is None:
        return None
    links = UnitLinks(year=year)
    areas = [
        Area(
            code=row.unit.code,
            name=row.label,
            url=links(row.unit),
            status=row.status or (NO_TARGET if row.rate is not None else None),
            rate=row.rate,
            gap_people=row.gap_people,
            target_rate=row.target_rate,
        )
        for row in rows
        if row.unit.valid_to is None
    ]
    drawn = {outline.code for outline in outlines.shapes}
    if not any(area.code in drawn for area in areas):
        return None
    return choropleth(outlines=outlines, areas=areas, title=title, dom_id=dom_id)
