import datetime as dt
import re

from communes.models import Level, Role
from tests.browser.conftest import log_in, screenshot
from tests.conftest import make_counts, make_user, unit


def _figures():
    """Three months for three Lục Ngạn communes, so the chart has a line and the ranking an order."""
    for code, population, enrolled in (("07525", 1000, 950), ("07528", 3000, 2990), ("07531", 2000, 1800)):
        for step, month in enumerate((5, 6, 7)):
            make_counts(
                unit(Level.COMMUNE, code), dt.date(2021, month, 1), population=population, enrolled=enrolled + 5 * step
            )


def test_the_dashboard_draws_its_chart_and_sorts_on_click(seeded, live_server, page):
    _figures()
    log_in(page, live_server, make_user("leader_dash", Role.LEADER, None))
    page.goto(f"{live_server.url}/districts/219/?year=2021")
    line = page.locator("#coverage-chart svg g.series.current polyline")
    assert line.count() == 1
    box, drawing = line.bounding_box(), page.locator("#coverage-chart svg").bounding_box()
    # Drawn across three months (May to July: 2 of the plot's 11 steps, about a sixth), not collapsed.
    assert box["width"] > 0.12 * drawing["width"]
    assert page.locator("#coverage-chart circle").count() == 3
    assert page.locator("#coverage-chart .target-line").count() == 1
    screenshot(page, "district-219-2021-dashboard")

    first = page.locator("table.ranking tbody tr").first
    assert first.get_attribute("data-code") == "07528"  # 3.000 of 3.000 by July, the best rate
    page.locator("table.ranking thead th a", has_text="Tỷ lệ bao phủ").click()  # ascending rate
    page.wait_for_load_state("networkidle")
    assert page.locator("table.ranking tbody tr").first.get_attribute("data-code") == "07531"
    page.locator("table.ranking thead th a", has_text="Tỷ lệ bao phủ").click()  # and back to descending
    page.wait_for_load_state("networkidle")
    assert page.locator("table.ranking tbody tr").first.get_attribute("data-code") == "07528"
    screenshot(page, "district-219-2021-sorted")


def test_the_dashboard_prints_on_one_a4_landscape_page(seeded, live_server, page):
    from targets.demo import load_demo_figures

    load_demo_figures()  # every commune of Lục Ngạn reporting: the fullest table
    log_in(page, live_server, make_user("leader_print", Role.LEADER, None))
    page.goto(f"{live_server.url}/districts/219/?year=2021")
    page.emulate_media(media="print")
    pdf = page.pdf(format="A4", landscape=True, print_background=True, prefer_css_page_size=True)
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    assert pages == 1
