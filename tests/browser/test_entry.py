"""An officer fills a month in real Chromium: typing, pasting a block, a validation message, saving."""

import pytest

from communes.models import Enrollment, Level, Role
from tests.browser.conftest import log_in, screenshot
from tests.browser.entry_pages import cell, paste, row, save
from tests.conftest import make_user, unit

URL = "/districts/109/entry/2022-01/"


@pytest.fixture(autouse=True)
def months_stay_open(settings):
    settings.ENTRY_CLOSE_DAYS = 100_000


def test_an_officer_fills_a_month_by_typing_and_pasting(seeded, live_server, page):
    officer = make_user("officer_browser", Role.OFFICER, unit(Level.DISTRICT, "109"))
    log_in(page, live_server, officer)
    page.goto(f"{live_server.url}/districts/109/?year=2022")
    assert "0/17" in page.inner_text(".headline")

    page.goto(f"{live_server.url}{URL}")
    # Typing: the rate is recomputed without a round trip; Enter moves down a row as in a spreadsheet.
    cell(page, "03583", "enrolled").click()
    page.keyboard.type("1.700")
    line = cell(page, "03583", "enrolled").get_attribute("data-r")
    assert page.locator(f'[data-rate-for="{line}"]').inner_text() == "43,44%"
    page.check("#show-groups")  # the payer groups open on demand
    cell(page, "03583", "g-nsnn").fill("1200")  # the groups' live check speaks the server's words
    assert "Tổng các nhóm (1.200) khác tổng số người tham gia (1.700)." in page.inner_text('tr[data-code="03583"]')
    cell(page, "03583", "g-nsnn").fill("")
    page.uncheck("#show-groups")
    cell(page, "03583", "enrolled").click()
    page.keyboard.press("End")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.name") == "03586-enrolled"
    page.keyboard.press("ArrowUp")
    page.keyboard.press("ArrowLeft")
    assert page.evaluate("document.activeElement.name") == "03583-population"
    cell(page, "03574", "enrolled").fill("12,5")  # Ma Ly Pho: not a count

    # Pasting a column of three figures fills three communes from the focused cell down.
    paste(page, "03391", "enrolled", "3.233\n5 100\r\n3400\n")
    assert [cell(page, c, "enrolled").input_value() for c in ("03391", "03490", "03549")] == ["3.233", "5 100", "3400"]
    assert page.locator('[data-rate-for="0"]').inner_text() == "99,91%"

    # The error is on the commune's line as soon as it is typed, and the save waits for it.
    assert "phải là số nguyên" in row(page, "03574").inner_text()
    page.click(".entry-save button.primary")
    assert "Chưa lưu: còn ô sai" in page.inner_text("#entry-status")
    assert cell(page, "03583", "enrolled").input_value() == "1.700"  # every typed value kept
    assert cell(page, "03490", "enrolled").input_value() == "5 100"
    assert not Enrollment.objects.filter(month="2022-01-01").exists()
    screenshot(page, "entry-109-2022-01-error")

    cell(page, "03574", "enrolled").fill("1400")
    save(page)
    assert "Đã lưu" in page.inner_text(".messages")
    assert Enrollment.objects.filter(month="2022-01-01").count() == 5
    assert screenshot(page, "entry-109-2022-01-saved").exists()

    page.goto(f"{live_server.url}/districts/109/?year=2022")
    headline = page.inner_text(".headline")
    assert "5/17" in headline and "14.833" in headline and "23.111" in headline and "64,18%" in headline


def test_a_leader_reopens_a_month_and_an_officer_confirms_a_drop(seeded, live_server, browser, settings):
    settings.ENTRY_CLOSE_DAYS = 10  # January 2022 closed long ago
    leader = make_user("leader_browser", Role.LEADER, unit(Level.DISTRICT, "109"))
    officer = make_user("officer_browser2", Role.OFFICER, unit(Level.DISTRICT, "109"))
    for user, steps in ((leader, "reopen"), (officer, "enter")):
        context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="vi-VN")
        page = context.new_page()
        log_in(page, live_server, user)
        page.goto(f"{live_server.url}{URL}")
        if steps == "reopen":
            assert "đã khoá sổ" in page.inner_text(".closed-reason")
            page.fill('input[name="reason"]', "Xã Khổng Lào nộp muộn")
            page.click(".reopen button")
            page.wait_for_load_state("networkidle")
            assert "Đã mở lại tháng 01/2022" in page.inner_text(".messages")
        else:
            cell(page, "03583", "enrolled").fill("1500")  # 1.663 last month: a drop of 9,8%
            assert "Giảm 163 người" in page.inner_text("table.entry-grid")
            page.click(".entry-save button.primary")  # asks for the confirmation beside the cell first
            assert not Enrollment.objects.filter(month="2022-01-01").exists()
            screenshot(page, "entry-109-2022-01-confirm")
            page.check('input[name="03583-confirm"]')
            save(page)
            assert Enrollment.objects.get(month="2022-01-01").enrolled == 1500
        context.close()
