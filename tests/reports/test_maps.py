"""The coverage map: outlines projected once, one shape per area coloured by its status, and an
SVG that parses as XML."""

import re
import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest
from django.template.loader import render_to_string
from django.utils import translation

from reports import maps
from reports.coverage import Status

SVG = "{http://www.w3.org/2000/svg}"
NUMBER = re.compile(r"-?\d+(?:\.\d+)?")


@pytest.fixture(autouse=True)
def _vietnamese():
    with translation.override("vi"):
        yield


def make_areas(outlines: maps.Outlines, **fields) -> list[maps.Area]:
    """One area per outline, each linked to its commune's page unless told otherwise."""
    return [
        maps.Area(code=outline.code, name=outline.name, **{"url": f"/communes/{outline.code}/", **fields})
        for outline in outlines.shapes
    ]


def render(map_: maps.Map) -> str:
    return render_to_string("reports/partials/map.html", {"map": map_})


def parse_svg(html: str) -> ET.Element:
    # The map's own <svg> comes first and holds no other: the legend's swatches follow it.
    return ET.fromstring(html[html.index("<svg") : html.index("</svg>") + len("</svg>")])


def points(d: str) -> list[tuple[float, float]]:
    numbers = [float(n) for n in NUMBER.findall(d)]
    return list(zip(numbers[::2], numbers[1::2], strict=True))


def centre(d: str) -> tuple[float, float]:
    xs, ys = zip(*points(d), strict=True)
    return (min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2


def lai_chau() -> maps.Outlines:
    outlines = maps.commune_outlines("12")
    assert outlines is not None
    return outlines


def test_lai_chau_has_one_linked_path_per_commune():
    outlines = lai_chau()
    svg = parse_svg(render(maps.choropleth(outlines=outlines, areas=make_areas(outlines), title="Lai Châu")))

    links = svg.findall(f"{SVG}a")
    assert len(links) == 38 and svg.findall(f"{SVG}path") == []
    assert sorted(link.get("href") for link in links) == sorted(f"/communes/{o.code}/" for o in outlines.shapes)
    assert all(len(link.findall(f"{SVG}path")) == 1 for link in links)
    assert len({o.code for o in outlines.shapes}) == 38 and all(len(o.code) == 5 for o in outlines.shapes)


def test_an_area_without_a_url_is_drawn_without_a_link():
    outlines = lai_chau()
    svg = parse_svg(render(maps.choropleth(outlines=outlines, areas=make_areas(outlines, url=None), title="x")))

    assert svg.findall(f"{SVG}a") == []
    assert len(svg.findall(f"{SVG}path")) == 38


def test_the_country_has_34_provinces():
    outlines = maps.province_outlines()
    map_ = maps.choropleth(outlines=outlines, areas=make_areas(outlines), title="Cả nước")

    assert len(map_.shapes) == 34 and map_.missing_shapes == []
    assert len(parse_svg(render(map_)).findall(f"{SVG}a/{SVG}path")) == 34
    assert all(len(o.code) == 2 for o in outlines.shapes)


@pytest.mark.parametrize(
    "load", [maps.province_outlines, lambda: maps.commune_outlines("12"), lambda: maps.commune_outlines("24")]
)
def test_every_point_lies_inside_the_view_box(load):
    outlines = load()

    assert outlines.view_box == f"0 0 {outlines.width} {outlines.height}"
    for outline in outlines.shapes:
        assert outline.d.startswith("M") and outline.d.endswith("Z")
        assert all(0 <= x <= outlines.width and 0 <= y <= outlines.height for x, y in points(outline.d))
        assert all(len(n.partition(".")[2]) <= 1 for n in NUMBER.findall(outline.d))


def test_north_is_up_and_west_is_left():
    shapes = {o.code: o.d for o in maps.province_outlines().shapes}
    (hanoi_x, hanoi_y), ca_mau_y = centre(shapes["01"]), centre(shapes["96"])[1]
    dien_bien_x, quang_ninh_x = centre(shapes["11"])[0], centre(shapes["22"])[0]

    assert hanoi_y < ca_mau_y  # Hà Nội lies north of Cà Mau
    assert dien_bien_x < hanoi_x < quang_ninh_x  # Điện Biên by Laos, Quảng Ninh by the gulf


def test_the_projection_keeps_proportions():
    """x is shrunk by the cosine of the latitude: a square degree at 60° is twice as tall as wide."""
    square = [[[0, 59.5], [1, 59.5], [1, 60.5], [0, 60.5], [0, 59.5]]]
    outlines = maps.project(
        [{"id": "1", "properties": {"fullName": "x"}, "geometry": {"type": "Polygon", "coordinates": square}}]
    )

    xs, ys = zip(*points(outlines.shapes[0].d), strict=True)
    assert (max(xs) - min(xs)) * 2 == pytest.approx(max(ys) - min(ys), abs=0.2)
    assert outlines.height == maps.MAX_HEIGHT  # fitted to the height, not stretched to the width


def test_multipolygons_are_one_path_of_closed_rings():
    quang_ninh = next(o for o in maps.province_outlines().shapes if o.code == "22")

    assert quang_ninh.d.count("M") > 1 and quang_ninh.d.count("M") == quang_ninh.d.count("Z")


def test_outlines_are_projected_once_per_process():
    assert maps.commune_outlines("24") is maps.commune_outlines("24")
    assert maps.province_outlines() is maps.province_outlines()


@pytest.mark.parametrize("code", ["01", "99", "1", "12x", "*", "../geo"])
def test_only_provinces_with_a_file_have_commune_outlines(code):
    assert maps.commune_outlines(code) is None
    assert len(maps.commune_outlines("24").shapes) == 99


@pytest.mark.parametrize(
    ("status", "fill", "pattern"),
    [
        (Status.ON_TRACK, "map-on_track", None),
        (Status.AT_RISK, "map-at_risk", None),
        (Status.OFF_TRACK, "map-off_track", None),
        (Status.CHECK_DATA, "map-check_data", "check_data"),
        (None, "map-no_data", "no_data"),
    ],
)
def test_statuses_map_to_their_fill_classes(status, fill, pattern):
    outlines = lai_chau()
    map_ = maps.choropleth(outlines=outlines, areas=make_areas(outlines, status=status), title="x")

    assert {(s.fill, s.pattern) for s in map_.shapes} == {(fill, pattern)}
    path = parse_svg(render(map_)).find(f"{SVG}a/{SVG}path")
    assert path.get("class") == f"area {fill}"
    assert path.get("fill") == (f"url(#coverage-map-{pattern})" if pattern else None)


def test_an_area_without_data_is_hatched():
    outlines = lai_chau()
    areas = make_areas(outlines, status=Status.ON_TRACK, rate=Decimal("97.50"))
    areas[0] = maps.Area(code=areas[0].code, name=areas[0].name)  # nothing known
    svg = parse_svg(render(maps.choropleth(outlines=outlines, areas=areas, title="x", dom_id="lai-chau")))

    hatched = [p for p in svg.iter(f"{SVG}path") if p.get("fill") == "url(#lai-chau-no_data)"]
    assert len(hatched) == 1 and hatched[0].find(f"{SVG}title").text == f"{areas[0].name} · Chưa có số liệu"
    assert svg.find(f"{SVG}defs/{SVG}pattern[@id='lai-chau-no_data']") is not None


def test_an_area_without_an_outline_is_listed_beside_the_map():
    outlines = lai_chau()
    stray = maps.Area(code="03999", name="Xã Không Có Ranh Giới", url="/communes/03999/", status=Status.AT_RISK)
    map_ = maps.choropleth(outlines=outlines, areas=[*make_areas(outlines), stray], title="x")
    html = render(map_)

    assert map_.missing_shapes == [stray] and len(map_.shapes) == 38
    assert "Không có bản đồ ranh giới:" in html
    assert '<a href="/communes/03999/">Xã Không Có Ranh Giới</a> (Có nguy cơ)' in html
    assert "/communes/03999/" not in html[: html.index("</svg>")]


def test_an_outline_without_an_area_is_not_drawn():
    outlines = lai_chau()
    map_ = maps.choropleth(outlines=outlines, areas=make_areas(outlines)[:10], title="x")

    assert len(map_.shapes) == 10 and map_.missing_shapes == []
    assert "Không có bản đồ ranh giới" not in render(map_)


def test_hover_titles_give_the_rate_and_the_people_short():
    outlines = lai_chau()
    binh_lu = maps.Area(
        code="03390",
        name="Xã Bình Lư",
        url=None,
        status=Status.AT_RISK,
        rate=Decimal("95.12"),
        gap_people=1543,
        target_rate=Decimal("96.05"),
    )
    map_ = maps.choropleth(outlines=outlines, areas=[binh_lu], title="x")
    title = parse_svg(render(map_)).find(f"{SVG}path/{SVG}title").text

    assert title == "Xã Bình Lư · 95,12% · chỉ tiêu 96,05% · thiếu 1.543 người · Có nguy cơ"
    assert map_.shapes[0].title == title == maps.hover_title(binh_lu)


def test_hover_titles_say_when_the_target_is_met_and_drop_the_gap_of_impossible_figures():
    met = maps.Area(code="1", name="Xã A", status=Status.ON_TRACK, rate=Decimal("99"), gap_people=0)
    impossible = maps.Area(code="2", name="Xã B", status=Status.CHECK_DATA, rate=Decimal("104.3"), gap_people=0)

    assert maps.hover_title(met) == "Xã A · 99,00% · đạt chỉ tiêu · Đúng hướng"
    assert maps.hover_title(impossible) == "Xã B · 104,30% · Kiểm tra số liệu"


def test_hover_titles_follow_the_active_language():
    area = maps.Area(
        code="1",
        name="Xã Bình Lư",
        status=Status.OFF_TRACK,
        rate=Decimal("95.12"),
        gap_people=1543,
        target_rate=Decimal("96.05"),
    )
    with translation.override("en"):
        assert maps.hover_title(area) == "Xã Bình Lư · 95.12% · target 96.05% · 1,543 people short · Off track"


def test_the_legend_counts_the_drawn_shapes_by_status():
    outlines = lai_chau()
    areas = make_areas(outlines, status=Status.ON_TRACK)
    for area, status in zip(areas, [Status.AT_RISK] * 3 + [Status.OFF_TRACK] * 2 + [None] * 4, strict=False):
        area.status = status
    areas.append(maps.Area(code="03999", name="Xã ngoài bản đồ", status=Status.OFF_TRACK))
    map_ = maps.choropleth(outlines=outlines, areas=areas, title="x")
    html = render(map_)

    assert [(e.status, e.label, e.count) for e in map_.legend] == [
        (Status.ON_TRACK, "Đúng hướng", 29),
        (Status.AT_RISK, "Có nguy cơ", 3),
        (Status.OFF_TRACK, "Chệch hướng", 2),
        (Status.CHECK_DATA, "Kiểm tra số liệu", 0),
        (maps.NO_TARGET, "Chưa có chỉ tiêu", 0),
        (None, "Chưa có số liệu", 4),
    ]
    assert "Đúng hướng: <strong>29</strong>" in html and "Chưa có số liệu: <strong>4</strong>" in html


def test_an_unknown_status_or_a_repeated_code_is_refused():
    outlines = lai_chau()
    with pytest.raises(ValueError, match="unknown status"):
        maps.choropleth(outlines=outlines, areas=make_areas(outlines, status="behind"), title="x")
    with pytest.raises(ValueError, match="share a code"):
        maps.choropleth(outlines=outlines, areas=make_areas(outlines) * 2, title="x")


def test_the_partial_is_well_formed_xml_and_labelled():
    outlines = maps.commune_outlines("24")
    areas = make_areas(outlines, status=Status.OFF_TRACK, rate=Decimal("90"), gap_people=12)
    areas[0].name = 'Xã <Tân> & "Sơn"'  # escaped, not markup
    html = render(maps.choropleth(outlines=outlines, areas=areas, title="Bắc Ninh & các xã", dom_id="bn"))

    figure = ET.fromstring(html)  # the legend's swatches too
    svg = figure.find(f"{SVG}svg")
    assert svg.get("role") == "img" and svg.get("aria-labelledby") == "bn-title"
    assert svg.find(f"{SVG}title[@id='bn-title']").text == "Bắc Ninh & các xã"
    assert svg.get("viewBox") == outlines.view_box
    assert "style=" not in html and "<script" not in html
