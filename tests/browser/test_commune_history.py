import datetime as dt

from communes.models import Level, Role, Unit
from tests.browser.conftest import log_in, screenshot
from tests.conftest import make_counts, make_user


def test_a_leader_switches_a_new_commune_to_its_whole_history(seeded, live_server, page):
    for code, population, enrolled in [
        ("07582", 11000, 10500),
        ("07570", 9000, 8800),
        ("07591", 7000, 6900),
        ("07567", 8000, 7700),
        ("07588", 6000, 5900),
    ]:
        old = Unit.objects.resolve(Level.COMMUNE, code, dt.date(2024, 1, 1))
        make_counts(old, dt.date(2024, 12, 1), population=population, enrolled=enrolled)
    make_counts(
        Unit.objects.resolve(Level.COMMUNE, "07582", dt.date(2025, 7, 1)),
        dt.date(2025, 12, 1),
        population=41500,
        enrolled=40100,
    )
    leader = make_user(
        "leader_bn_browser", Role.LEADER, Unit.objects.resolve(Level.PROVINCE, "24", dt.date(2026, 1, 1))
    )
    log_in(page, live_server, leader)
    page.goto(f"{live_server.url}/communes/07582/")
    assert "2024" not in page.inner_text("table.history-years")
    page.click("nav.switch a")
    page.wait_for_load_state("networkidle")
    years = page.inner_text("table.history-years")
    assert "41.000" in years and "97,07%" in years
    assert screenshot(page, "commune-07582-today").exists()
    page.goto(f"{live_server.url}/provinces/24/communes/?year=2024&units=today")
    assert "Xã Lục Ngạn" in page.inner_text("table.ranking")
    assert screenshot(page, "province-24-communes-2024-today").exists()
    page.goto(f"{live_server.url}/communes/07537/?units=today")
    assert "Chỉ một phần của Xã Thanh Hải" in page.inner_text("main")
    assert screenshot(page, "commune-07537-today").exists()
