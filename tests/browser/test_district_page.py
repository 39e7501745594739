from communes.models import Level, Role
from tests.browser.conftest import log_in, screenshot
from tests.conftest import make_user, unit


def test_a_leader_logs_in_and_reads_the_2021_ranking(seeded, live_server, page):
    leader = make_user("leader_browser", Role.LEADER, unit(Level.DISTRICT, "109"))
    log_in(page, live_server, leader)
    page.goto(f"{live_server.url}/districts/109/?year=2021")
    assert "85,63%" in page.inner_text(".headline")
    first_row = page.locator("table.ranking tbody tr").first
    assert "Sin Suối Hồ" in first_row.inner_text()
    assert screenshot(page, "district-109-2021").exists()
