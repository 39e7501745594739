"""The leader's meeting pack in Chromium: the province dashboard with its map and chart, the
national map, the document page, and the dashboard printed on one A4 page with its signatures."""

import re

import pytest

from communes.models import Role, Unit
from tests.browser.conftest import ARTIFACTS, log_in, screenshot
from tests.conftest import make_user

OVERLAPS = """(selector) => {
  const boxes = [...document.querySelectorAll(selector)].map(e => e.getBoundingClientRect())
    .filter(b => b.width > 0 && b.height > 0);
  const hits = [];
  for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {
    const a = boxes[i], b = boxes[j];
    if (a.left < b.right - 0.5 && b.left < a.right - 0.5 && a.top < b.bottom - 0.5 && b.top < a.bottom - 0.5)
      hits.push([i, j]);
  }
  return {count: boxes.length, hits};
}"""


@pytest.fixture
def demo(seeded):
    from targets.demo import load_demo_figures

    load_demo_figures()  # both districts' history, today's Lai Châu and Bắc Ninh, their 2026 plans


def _pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page[^s]", pdf))


def _print(page) -> bytes:
    page.emulate_media(media="print")
    pdf = page.pdf(prefer_css_page_size=True, print_background=True)
    page.emulate_media(media="screen")
    return pdf


def test_the_province_dashboard_maps_its_communes_and_its_chart_labels_never_overlap(demo, live_server, page):
    lai_chau = Unit.objects.provinces().get(code="12", valid_to=None)
    log_in(page, live_server, make_user("leader_lc", Role.LEADER, lai_chau))
    page.goto(f"{live_server.url}/provinces/12/")
    communes = Unit.objects.communes().filter(parent=lai_chau, valid_to=None).count()
    assert page.locator("#coverage-map svg a > path").count() == communes == 38
    first = page.locator("#coverage-map svg a").first
    assert re.fullmatch(r"/communes/\d{5}/", first.get_attribute("href"))
    assert "%" in first.locator("title").text_content()  # name · rate · … on hover
    overlaps = page.evaluate(OVERLAPS, "#coverage-chart svg text")
    assert overlaps["count"] > 15 and overlaps["hits"] == []
    # The behind list and its summary stand above the ranking.
    assert page.locator("#behind .behind-summary").is_visible()
    screenshot(page, "meeting-province-12-1366")
    assert page.locator(".print-button").inner_text() == "In 1 trang A4"

    page.emulate_media(media="print")
    overlaps = page.evaluate(OVERLAPS, "#coverage-chart svg text")
    assert overlaps["hits"] == []
    assert page.locator(".topbar").is_hidden() and page.locator(".crumbs").is_hidden()
    sizes = page.evaluate(
        """() => [...document.querySelectorAll('main p, main td, main th, main li, main small, main span')]
          .filter(e => e.offsetParent !== null && e.textContent.trim())
          .map(e => parseFloat(getComputedStyle(e).fontSize))"""
    )
    assert min(sizes) >= 12  # 9 pt is 12 CSS pixels
    screenshot(page, "meeting-province-12-print")
    pdf = _print(page)
    assert _pages(pdf) == 1
    (ARTIFACTS / "meeting-province-12-print.pdf").write_bytes(pdf)
    page.emulate_media(media="print")
    assert page.locator("#print-footer .signatures").is_visible()
    assert "NGƯỜI LẬP" in page.inner_text("#print-footer") and "LÃNH ĐẠO" in page.inner_text("#print-footer")
    assert "Số liệu tháng" in page.inner_text("#provenance") and "In lúc" in page.inner_text("#provenance")


def test_the_national_page_maps_the_34_provinces_and_prints_on_one_page(demo, live_server, page):
    log_in(page, live_server, make_user("leader_vn", Role.LEADER, None))
    page.goto(f"{live_server.url}/country/")
    assert page.locator("#coverage-map svg a > path").count() == 34
    assert page.evaluate(OVERLAPS, "#coverage-chart svg text")["hits"] == []
    screenshot(page, "meeting-country-1366")
    assert page.locator(".print-button").inner_text() == "In 1 trang A4"
    assert _pages(_print(page)) == 1


def test_a_99_commune_ranking_keeps_every_column_inside_the_printed_sheet(demo, live_server, page):
    log_in(page, live_server, make_user("leader_bn", Role.LEADER, None))
    page.goto(f"{live_server.url}/provinces/24/")
    assert page.locator("table.ranking tbody tr").count() == 99
    # A4 landscape less its margins is 279 mm, about 1.054 CSS pixels: the layout the printer gets.
    page.set_viewport_size({"width": 1054, "height": 745})
    page.emulate_media(media="print")
    widths = page.evaluate(
        """() => { const t = document.querySelector('table.ranking');
                   return [t.getBoundingClientRect().width, t.parentElement.getBoundingClientRect().width]; }"""
    )
    assert widths[0] <= widths[1] + 0.5  # the status column is not cut at the sheet's edge
    names = page.locator("table.ranking tbody td.unit-name")
    assert max(names.evaluate_all("cells => cells.map(c => c.getClientRects().length && c.offsetHeight)")) < 20
    # Its ranking continues on the next sheets: the button does not promise one.
    page.emulate_media(media="screen")
    button = page.locator(".print-button")
    assert button.inner_text() == "In khổ A4" and "99 dòng" in button.get_attribute("title")
    assert _pages(_print(page)) > 1


def test_the_dashboard_is_legible_at_375_px(demo, live_server, page):
    lai_chau = Unit.objects.provinces().get(code="12", valid_to=None)
    log_in(page, live_server, make_user("leader_lc", Role.LEADER, lai_chau))
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(f"{live_server.url}/provinces/12/")
    # Nothing widens the page: wide tables scroll inside their own boxes.
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    # The communes behind: each status is on screen, under its name, and the bars give way.
    statuses = page.locator(".behind-table tbody .status.under-name")
    assert statuses.count() == page.locator(".behind-table tbody tr").count() > 0
    for box in statuses.evaluate_all("spans => spans.map(s => s.getBoundingClientRect().toJSON())"):
        assert box["width"] > 0 and box["right"] <= 375
    assert page.locator(".behind-table .status-column").first.is_hidden()
    # The ranking scrolls sideways under its rank and name: both stay where they were.
    first_row = page.locator("table.ranking tbody tr").first
    rank, name = first_row.locator("td.rank"), first_row.locator("td.unit-name")
    before = (rank.bounding_box()["x"], name.bounding_box()["x"])
    box = page.locator("div.scroll:has(table.ranking)")
    box.evaluate("box => { box.scrollLeft = box.scrollWidth; }")
    assert box.evaluate("box => box.scrollLeft") > 300
    # (within the table's own 1 px left border, which scrolls away)
    assert abs(rank.bounding_box()["x"] - before[0]) <= 1 and abs(name.bounding_box()["x"] - before[1]) <= 1
    status = first_row.locator("td").last
    assert status.bounding_box()["x"] > name.bounding_box()["x"] + name.bounding_box()["width"]
    # A figure's heading wraps, but "Số người tham gia BHYT" keeps to three lines, not a word a line.
    heading = page.locator("table.ranking thead th.num", has_text="Số người tham gia BHYT").first
    lines = heading.evaluate(
        "th => { const range = document.createRange(); range.selectNodeContents(th);"
        " return new Set([...range.getClientRects()].map(r => Math.round(r.top))).size; }"
    )
    assert 1 < lines <= 3
    screenshot(page, "meeting-province-12-375")


def test_the_document_page_keeps_the_annex_name_in_view_while_it_scrolls(demo, live_server, page):
    from targets.models import TargetDocument

    plan = TargetDocument.objects.get(number="231/KH-UBND")
    log_in(page, live_server, make_user("leader_vn2", Role.LEADER, None))
    page.goto(f"{live_server.url}/documents/{plan.pk}/")
    # What matters is listed; the rounding is folded with its count.
    assert page.locator("#findings li").count() >= 5
    assert page.locator("#findings-rounding li").first.is_hidden()
    name = page.locator("table.annex tbody tr").first.locator("td").nth(1)
    before = name.bounding_box()["x"]
    page.locator(".annex-box").evaluate("box => { box.scrollLeft = 600; }")
    assert page.locator(".annex-box").evaluate("box => box.scrollLeft") > 0
    assert abs(name.bounding_box()["x"] - before) < 1
    assert page.evaluate("document.documentElement.scrollWidth") <= 1366
    screenshot(page, "meeting-document-231-1366")
