"""In Chromium: the API's docs page renders Swagger UI under the portal's Content-Security-Policy,
and the tokens page creates a token to copy (make test-browser)."""

from tests.browser.conftest import log_in, screenshot
from tests.conftest import make_user


def watch(page) -> list[str]:
    problems: list[str] = []
    page.on(
        "console",
        lambda message: (
            problems.append(message.text)
            if message.type == "error" and "Content Security Policy" in message.text
            else None
        ),
    )
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("requestfailed", lambda request: problems.append(f"failed: {request.url}"))
    return problems


def test_the_docs_page_shows_every_operation_within_the_policy(seeded, live_server, page):
    problems = watch(page)
    page.goto(f"{live_server.url}/api/v1/docs")
    page.wait_for_selector(".opblock-summary", timeout=15_000)
    page.wait_for_load_state("networkidle")
    assert page.locator(".opblock").count() == 10
    assert page.locator("button.authorize").count() == 1  # the bearer token can be tried out
    screenshot(page, "api-docs")
    assert problems == []


def test_the_tokens_page_creates_a_token_to_copy(seeded, live_server, page):
    from communes.models import Level, Role, Unit

    province = Unit.objects.for_url(Level.PROVINCE, "12")
    user = make_user("canbo_api_browser", Role.OFFICER, province)
    problems = watch(page)
    log_in(page, live_server, user)
    page.goto(f"{live_server.url}/api/tokens/")
    page.fill("#id_name", "Đồng bộ BHXH tỉnh")
    page.click(".token-form button")
    page.wait_for_selector("#new-token")
    assert page.inner_text("#new-token").startswith("bhyt_")
    screenshot(page, "api-tokens")
    assert problems == []
