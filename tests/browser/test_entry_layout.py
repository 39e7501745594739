"""The grid's layout in Chromium: a line per commune, at least 15 of Lai Châu's 38 in a 1366×768
window, the header row and the commune column fixed, the save bar at hand, details on demand, Tab
on the enrolled count first, and legible values on a 375 px phone."""

import pytest

from communes.models import Role, Unit
from tests.browser.conftest import log_in, screenshot
from tests.browser.entry_pages import MONTH, cell, lai_chau_with_last_month
from tests.conftest import make_user

URL = f"/provinces/12/entry/{MONTH:%Y-%m}/"


@pytest.fixture(autouse=True)
def months_stay_open(settings):
    settings.ENTRY_CLOSE_DAYS = 100_000


@pytest.fixture
def lai_chau(seeded):
    communes = lai_chau_with_last_month()
    officer = make_user("officer_lc_layout", Role.OFFICER, Unit.objects.provinces().in_force(MONTH).get(code="12"))
    return communes, officer


def boxes(page, selector: str) -> list[dict]:
    return page.eval_on_selector_all(
        selector,
        "els => els.map(e => { const r = e.getBoundingClientRect(); "
        "return {top: r.top, bottom: r.bottom, left: r.left, right: r.right,"
        " height: r.height}; })",
    )


def box(page, selector: str) -> dict:
    return boxes(page, selector)[0]


def overlap(a: dict, b: dict) -> bool:
    return a["left"] < b["right"] and b["left"] < a["right"] and a["top"] < b["bottom"] and b["top"] < a["bottom"]


def test_fifteen_communes_or_more_are_visible_at_1366_by_768(lai_chau, live_server, page):
    communes, officer = lai_chau
    page.set_viewport_size({"width": 1366, "height": 768})
    log_in(page, live_server, officer)
    page.goto(f"{live_server.url}{URL}")
    rows = boxes(page, "table.entry-grid tbody tr")
    assert len(rows) == 38
    assert max(r["height"] for r in rows) <= 40  # one line per commune
    header, bar = box(page, "table.entry-grid thead"), box(page, ".entry-save")
    assert bar["bottom"] <= 768  # the save bar is in the window, not under the 38th commune
    visible = [r for r in rows if r["top"] >= header["bottom"] - 1 and r["bottom"] <= bar["top"] + 1]
    assert len(visible) >= 15, f"{len(visible)} communes visible"
    screenshot(page, "entry-lai-chau-1366x768")


def test_the_header_row_the_commune_column_and_the_save_bar_stay_in_view(lai_chau, live_server, page):
    communes, officer = lai_chau
    page.set_viewport_size({"width": 1366, "height": 768})
    log_in(page, live_server, officer)
    page.goto(f"{live_server.url}{URL}")
    header_before = box(page, "table.entry-grid thead th.commune")
    name_before = box(page, f'tr[data-code="{communes[30].code}"] th')
    page.eval_on_selector(".grid-wrap", "wrap => { wrap.scrollTop = 700; wrap.scrollLeft = 500; }")
    page.wait_for_timeout(100)
    assert box(page, "table.entry-grid thead th.commune")["top"] == pytest.approx(header_before["top"], abs=1)
    name_after = box(page, f'tr[data-code="{communes[30].code}"] th')
    assert name_after["left"] == pytest.approx(name_before["left"], abs=1)  # the commune column stays
    assert name_after["top"] < name_before["top"]  # the rows scrolled under the header
    # The save bar counts the changed cells as one types.
    assert "Chưa sửa ô nào" in page.inner_text(".entry-save")
    cell(page, communes[30].code, "enrolled").fill("5.100")
    cell(page, communes[31].code, "enrolled").fill("5200")
    assert "2 ô đã sửa" in page.inner_text(".entry-save")
    assert box(page, ".entry-save")["bottom"] <= 768


def test_tab_goes_to_the_enrolled_count_first(lai_chau, live_server, page):
    communes, officer = lai_chau
    log_in(page, live_server, officer)
    page.goto(f"{live_server.url}{URL}")
    page.focus("#show-groups")  # the last control before the grid
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.name") == f"{communes[0].code}-enrolled"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.name") == f"{communes[0].code}-note"
    page.keyboard.press("Tab")  # the commune's history, then the next commune's count
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.name") == f"{communes[1].code}-enrolled"
    page.keyboard.press("ArrowLeft")  # the population is one key away
    assert page.evaluate("document.activeElement.name") == f"{communes[1].code}-population"


def test_shift_tab_from_the_count_reaches_the_population_and_its_source(lai_chau, live_server, page):
    communes, officer = lai_chau
    code = communes[1].code
    log_in(page, live_server, officer)
    page.goto(f"{live_server.url}{URL}")

    def focused() -> str:
        return page.evaluate("document.activeElement.name")

    cell(page, code, "enrolled").focus()
    page.keyboard.press("Shift+Tab")
    assert focused() == f"{code}-population"
    page.keyboard.type("6.000")  # a new population: its source opens beside it, on the same line
    assert cell(page, code, "population_source").is_visible()
    assert max(r["height"] for r in boxes(page, "table.entry-grid tbody tr")) <= 40
    page.keyboard.press("Tab")
    assert focused() == f"{code}-population_source"
    page.keyboard.type("Chi cục Thống kê, 11/2025")
    page.keyboard.press("Tab")
    assert focused() == f"{code}-enrolled"
    page.keyboard.press("Shift+Tab")
    assert focused() == f"{code}-population_source"
    page.keyboard.press("Shift+Tab")
    assert focused() == f"{code}-population"
    assert "Shift+Tab" in page.inner_text(".entry-tools .keys")  # the keys are said above the grid


def test_the_source_and_the_payer_groups_open_on_demand_never_over_another_cell(lai_chau, live_server, page):
    communes, officer = lai_chau
    code = communes[2].code
    log_in(page, live_server, officer)
    page.goto(f"{live_server.url}{URL}")
    assert not cell(page, code, "population_source").is_visible()
    assert not cell(page, code, "g-nsnn").is_visible()
    cell(page, code, "population").fill("6.000")  # a new population asks for its source, in its cell
    source = cell(page, code, "population_source")
    assert source.is_visible()
    cells = [
        f'input[name="{code}-enrolled"]',
        f'input[name="{communes[3].code}-population"]',
        f'input[name="{communes[3].code}-enrolled"]',
    ]
    assert not any(overlap(box(page, f'input[name="{code}-population_source"]'), box(page, other)) for other in cells)
    assert max(r["height"] for r in boxes(page, "table.entry-grid tbody tr")) <= 40  # its line stays one line
    page.check("#show-groups")
    groups = boxes(page, f'tr[data-code="{code}"] input[data-key^="g-"]')
    assert len(groups) == 6 and all(g["height"] > 0 for g in groups)
    others = boxes(page, f'tr[data-code="{code}"] input:not([data-key^="g-"]), tr[data-code="{code}"] output')
    assert not any(overlap(g, o) for g in groups for o in others if o["height"] > 0)
    screenshot(page, "entry-lai-chau-groups-open")


def test_at_375_px_the_values_are_legible_beside_the_fixed_commune_column(lai_chau, live_server, browser):
    communes, officer = lai_chau
    context = browser.new_context(
        viewport={"width": 375, "height": 812}, locale="vi-VN", device_scale_factor=2, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    log_in(page, live_server, officer)
    page.goto(f"{live_server.url}{URL}")
    cell(page, communes[0].code, "enrolled").fill("4.779")
    page.evaluate("document.activeElement.blur()")
    path = screenshot(page, "entry-lai-chau-375")
    assert path.exists()
    name = box(page, f'tr[data-code="{communes[0].code}"] th')
    for key in ("population", "enrolled"):
        field = cell(page, communes[0].code, key)
        style = field.evaluate(
            "el => { const s = getComputedStyle(el); return {size: parseFloat(s.fontSize), "
            "color: s.color, scroll: el.scrollWidth, client: el.clientWidth, value: el.value}; }"
        )
        assert style["value"] and style["size"] >= 14, style
        assert style["scroll"] <= style["client"], f"{key}: the value is cut off ({style})"
        shown = field.bounding_box()
        assert shown["x"] >= name["right"] - 1 and shown["x"] + shown["width"] <= 375, f"{key} is off screen"
    # Scrolled sideways, the commune column stays where it was.
    page.eval_on_selector(".grid-wrap", "wrap => { wrap.scrollLeft = 300; }")
    page.wait_for_timeout(100)
    assert box(page, f'tr[data-code="{communes[0].code}"] th')["left"] == pytest.approx(name["left"], abs=1)
    context.close()


def test_the_payer_groups_open_without_css_has(lai_chau, live_server, page):
    """A browser without :has() (Firefox before 121): the box above the grid opens its columns too."""
    communes, officer = lai_chau
    code = communes[2].code
    log_in(page, live_server, officer)
    page.goto(f"{live_server.url}{URL}")
    page.evaluate(
        """() => { for (const sheet of document.styleSheets) {
             for (let i = sheet.cssRules.length - 1; i >= 0; i--) {
               if (sheet.cssRules[i].cssText.includes(':has(')) { sheet.deleteRule(i); } } } }"""
    )
    assert page.evaluate(
        "[...document.styleSheets].every(s => ![...s.cssRules].some(r => r.cssText.includes(':has(')))"
    )
    assert not cell(page, code, "g-nsnn").is_visible()
    page.check("#show-groups")
    assert cell(page, code, "g-nsnn").is_visible()
    assert box(page, "main")["right"] - box(page, "main")["left"] > 1200  # the grid's page is wide without :has()
    page.uncheck("#show-groups")
    assert not cell(page, code, "g-nsnn").is_visible()
