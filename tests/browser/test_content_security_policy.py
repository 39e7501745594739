"""In real Chromium, no page of the portal trips its own Content-Security-Policy or throws."""

from communes.models import Level
from tests.browser.conftest import log_in
from tests.conftest import make_user, unit
from tests.security.conftest import targets_in
from tests.security.routes import app_routes, url_for


def test_no_page_violates_the_content_security_policy(seeded, live_server, page):
    admin = make_user("admin_csp", superuser=True)
    problems: list[str] = []
    page.on(
        "console",
        lambda message: (
            problems.append(f"{page.url}: {message.text}")
            if message.type == "error" and "Content Security Policy" in message.text
            else None
        ),
    )
    page.on("pageerror", lambda error: problems.append(f"{page.url}: {error}"))
    log_in(page, live_server, admin)
    targets = targets_in(unit(Level.DISTRICT, "109"))
    visited = 0
    for route in app_routes():
        url = f"{live_server.url}{url_for(route, targets)}?year=2021"
        # Ask first, with the page's cookies: a download (.xlsx) or a POST-only view's empty 405 is
        # not a page, and Chromium's navigation to it fails or disturbs the next one.
        probe = page.request.get(url)
        if probe.status != 200 or "text/html" not in probe.headers.get("content-type", ""):
            continue
        response = page.goto(url)
        if response and response.status == 200 and "text/html" in response.headers.get("content-type", ""):
            page.wait_for_load_state("networkidle")
            visited += 1
    assert visited >= 2
    assert problems == []
