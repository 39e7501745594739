"""Nothing typed is lost, in Chromium: a reload offers the unsaved draft back, leaving asks first,
and a save that cannot reach the server is sent again without retyping."""

import pytest

from communes.models import Enrollment, Level, Role
from tests.browser.conftest import log_in, screenshot
from tests.browser.entry_pages import cell, save
from tests.conftest import make_user, unit

URL = "/districts/109/entry/2022-01/"
KHONG_LAO, MA_LY_PHO = "03583", "03574"


@pytest.fixture(autouse=True)
def months_stay_open(settings):
    settings.ENTRY_CLOSE_DAYS = 100_000


@pytest.fixture
def officer(seeded):
    return make_user("officer_draft", Role.OFFICER, unit(Level.DISTRICT, "109"))


def type_two(page) -> None:
    cell(page, KHONG_LAO, "enrolled").click()
    page.keyboard.type("1.700")
    cell(page, MA_LY_PHO, "enrolled").click()
    page.keyboard.type("1400")
    page.wait_for_timeout(400)  # the draft is kept a moment after the last key


def test_a_reload_keeps_the_typed_values_as_a_draft_to_restore(officer, live_server, page):
    log_in(page, live_server, officer)
    page.goto(f"{live_server.url}{URL}")
    assert not page.locator("#entry-draft").is_visible()
    type_two(page)
    assert "Bản nháp giữ trong trình duyệt" in page.inner_text(".entry-save")
    page.once("dialog", lambda dialog: dialog.accept())  # reloading asks first: leave anyway
    page.reload()
    banner = page.locator("#entry-draft")
    assert (
        banner.is_visible() and "Bản nháp chưa lưu" in banner.inner_text() and "2 ô đã nhập lúc" in banner.inner_text()
    )
    assert cell(page, KHONG_LAO, "enrolled").input_value() == ""  # the page shows what is stored
    screenshot(page, "entry-109-draft-banner")
    page.click("#entry-draft .draft-restore")
    assert not banner.is_visible()
    assert cell(page, KHONG_LAO, "enrolled").input_value() == "1.700"
    assert cell(page, MA_LY_PHO, "enrolled").input_value() == "1400"
    assert "2 ô đã sửa" in page.inner_text(".entry-save")
    save(page)
    assert Enrollment.objects.filter(month="2022-01-01").count() == 2
    assert not page.locator("#entry-draft").is_visible()  # saved: no draft left to offer
    assert page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('bhyt-entry-draft')).length") == 0


def test_a_draft_can_be_discarded(officer, live_server, page):
    log_in(page, live_server, officer)
    page.goto(f"{live_server.url}{URL}")
    type_two(page)
    page.once("dialog", lambda dialog: dialog.accept())
    page.reload()
    page.click("#entry-draft .draft-discard")
    assert not page.locator("#entry-draft").is_visible()
    page.reload()
    assert not page.locator("#entry-draft").is_visible()
    assert cell(page, KHONG_LAO, "enrolled").input_value() == ""


def test_leaving_with_unsaved_cells_asks_first(officer, live_server, page):
    log_in(page, live_server, officer)
    page.goto(f"{live_server.url}{URL}")
    asked: list[str] = []

    def stay(dialog):
        asked.append(dialog.type)
        dialog.dismiss()

    page.on("dialog", stay)
    page.click("a.menu-reports")  # nothing typed yet: leaves without asking
    page.wait_for_load_state("networkidle")
    assert asked == []
    page.goto(f"{live_server.url}{URL}")
    type_two(page)
    page.click("a.menu-reports")
    page.wait_for_timeout(500)
    assert asked == ["beforeunload"]
    assert page.url.endswith(URL) and cell(page, KHONG_LAO, "enrolled").input_value() == "1.700"
    page.remove_listener("dialog", stay)
    save(page)  # once saved, leaving asks nothing
    page.on("dialog", stay)
    page.click("a.menu-reports")
    page.wait_for_load_state("networkidle")
    assert asked == ["beforeunload"] and not page.url.endswith(URL)


def test_a_save_that_cannot_reach_the_server_is_sent_again_without_retyping(officer, live_server, page):
    log_in(page, live_server, officer)
    page.goto(f"{live_server.url}{URL}")
    type_two(page)
    page.route(
        "**/entry/2022-01/",
        lambda route: route.abort("internetdisconnected") if route.request.method == "POST" else route.continue_(),
    )
    page.click(".entry-save button.primary")
    retry = page.locator("#entry-retry")
    retry.wait_for(state="visible")
    assert "Mất kết nối: chưa lưu được" in retry.inner_text()
    assert cell(page, KHONG_LAO, "enrolled").input_value() == "1.700"
    assert not Enrollment.objects.filter(month="2022-01-01").exists()
    screenshot(page, "entry-109-offline")
    page.unroute("**/entry/2022-01/")
    with page.expect_navigation():
        page.click("#entry-retry .retry-save")
    page.wait_for_load_state("networkidle")
    assert "Đã lưu" in page.inner_text(".messages")
    assert dict(Enrollment.objects.filter(month="2022-01-01").values_list("unit__code", "enrolled")) == {
        KHONG_LAO: 1700,
        MA_LY_PHO: 1400,
    }


def test_a_server_error_keeps_the_draft_and_says_so_with_a_retry(officer, live_server, page):
    log_in(page, live_server, officer)
    page.goto(f"{live_server.url}{URL}")
    type_two(page)
    page.route(
        "**/entry/2022-01/",
        lambda route: (
            route.fulfill(status=500, body="<h1>Server Error</h1>")
            if route.request.method == "POST"
            else route.continue_()
        ),
    )
    page.click(".entry-save button.primary")
    retry = page.locator("#entry-retry")
    retry.wait_for(state="visible")
    assert "Máy chủ lỗi, chưa lưu được. Bản nháp vẫn giữ" in retry.inner_text()
    assert "Mất kết nối" not in retry.inner_text()
    assert cell(page, KHONG_LAO, "enrolled").input_value() == "1.700"
    draft = page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('bhyt-entry-draft')).length")
    assert draft == 1 and not Enrollment.objects.filter(month="2022-01-01").exists()
    page.unroute("**/entry/2022-01/")
    with page.expect_navigation():
        page.click("#entry-retry .retry-save")
    page.wait_for_load_state("networkidle")
    assert "Đã lưu" in page.inner_text(".messages")
    assert Enrollment.objects.filter(month="2022-01-01").count() == 2


def test_a_grid_sent_back_is_shown_from_its_one_post(officer, live_server, page):
    """A conflict (another officer saved meanwhile): the server's page is shown as it answered, not
    posted a second time; saving again from it overwrites, with one more POST."""
    log_in(page, live_server, officer)
    page.goto(f"{live_server.url}{URL}")
    posts: list[str] = []
    page.on("request", lambda request: posts.append(request.url) if request.method == "POST" else None)
    type_two(page)
    Enrollment.objects.create(unit=unit(Level.COMMUNE, KHONG_LAO, 2022), month="2022-01-01", enrolled=1650)
    save(page)
    assert len(posts) == 1
    assert "sau khi bạn mở trang" in page.inner_text("main")  # the conflict, with the figures typed
    assert cell(page, KHONG_LAO, "enrolled").input_value() == "1.700"
    assert page.url.endswith(URL)
    # The page shown is alive: its scripts count and check what is typed in it.
    assert page.evaluate("window.BhytEntry.grid.form === document.getElementById('entry-form')")
    cell(page, MA_LY_PHO, "enrolled").fill("1450")
    assert "2 ô đã sửa" in page.inner_text(".entry-save")
    save(page)
    assert len(posts) == 2 and "Đã lưu" in page.inner_text(".messages")
    assert dict(Enrollment.objects.filter(month="2022-01-01").values_list("unit__code", "enrolled")) == {
        KHONG_LAO: 1700,
        MA_LY_PHO: 1450,
    }


def test_logging_out_takes_this_users_drafts_away(officer, live_server, page):
    """On a shared computer the next person finds none of the figures typed; another user's draft
    in the same browser is theirs to lose."""
    theirs = "bhyt-entry-draft:999999:district:109:2022-01"
    mine = "Object.keys(localStorage).filter(k => k.startsWith('bhyt-entry-draft:%s:'))" % officer.pk
    log_in(page, live_server, officer)
    page.goto(f"{live_server.url}{URL}")
    page.evaluate(f"localStorage.setItem('{theirs}', '{{}}')")
    type_two(page)
    assert len(page.evaluate(mine)) == 1
    page.once("dialog", lambda dialog: dialog.dismiss())  # unsaved cells: logging out asks; stay
    page.click("form.logout button")
    page.wait_for_timeout(1500)
    assert page.url.endswith(URL) and len(page.evaluate(mine)) == 1  # stayed: the draft is kept again
    page.once("dialog", lambda dialog: dialog.accept())
    with page.expect_navigation():
        page.click("form.logout button")
    page.wait_for_load_state("networkidle")
    assert "/accounts/login/" in page.url
    assert page.evaluate("Object.keys(localStorage)") == [theirs]
    log_in(page, live_server, officer)
    page.goto(f"{live_server.url}{URL}")
    assert not page.locator("#entry-draft").is_visible()
    assert cell(page, KHONG_LAO, "enrolled").input_value() == ""
