"""Checks as one types, in Chromium: the server's rules and messages, shown before any save; errors
red and warnings orange beside the cell, a summary above that follows; one save once each warning is
confirmed in place. The browser's messages are the server's, word for word."""

import html
import re

import pytest
from django.test import Client

from communes.models import Enrollment, Level, Role
from communes.names import name_key
from communes.numbers import NumberError, parse_optional_count
from tests.browser.conftest import log_in, screenshot
from tests.browser.entry_pages import cell, row, save
from tests.conftest import make_user, unit
from tests.entry.entry_helpers import login, post_grid

URL = "/districts/109/entry/2022-01/"
KHONG_LAO, MA_LY_PHO, NAM_XE, MU_SANG = "03583", "03574", "03586", "03568"  # Dec 2021: 1.663 of 3.913 …


@pytest.fixture(autouse=True)
def months_stay_open(settings):
    settings.ENTRY_CLOSE_DAYS = 100_000


@pytest.fixture
def officer(seeded):
    return make_user("officer_checks", Role.OFFICER, unit(Level.DISTRICT, "109"))


def posts(page) -> list[str]:
    sent: list[str] = []
    page.on("request", lambda request: sent.append(request.url) if request.method == "POST" else None)
    return sent


def shown_checks(page, code: str) -> list[str]:
    return [text.strip() for text in row(page, code).locator(".msg").all_inner_texts()]


def test_problems_are_shown_as_one_types_and_one_save_does_it(officer, live_server, page):
    log_in(page, live_server, officer)
    page.goto(f"{live_server.url}{URL}")
    sent = posts(page)
    cell(page, MA_LY_PHO, "enrolled").fill("12,5")
    assert shown_checks(page, MA_LY_PHO) == ["Số người phải là số nguyên (viết 46106, 46.106 hoặc 46 106)."]
    assert "bad" in cell(page, MA_LY_PHO, "enrolled").locator("xpath=..").get_attribute("class")
    cell(page, KHONG_LAO, "enrolled").fill("4000")  # 3.913 people
    assert shown_checks(page, KHONG_LAO) == [
        "Số người tham gia (4.000) lớn hơn dân số (3.913): sửa lại, hoặc ghi chú lý do."
    ]
    summary = page.inner_text("#entry-checks")
    assert "Xã Khổng Lào – Số người tham gia BHYT – Số người tham gia (4.000)" in summary
    assert "Xã Ma Ly Pho – Số người tham gia BHYT – Số người phải là số nguyên" in summary
    cell(page, KHONG_LAO, "note").fill("Thẻ cấp cho lao động ngoại tỉnh")  # a note explains it
    assert shown_checks(page, KHONG_LAO) == []
    cell(page, KHONG_LAO, "note").fill("")
    cell(page, KHONG_LAO, "enrolled").fill("1500")  # 1.663 last month: a fall of 9,8%
    assert shown_checks(page, KHONG_LAO) == ["Giảm 163 người so với tháng 12/2021 (1.663): kiểm tra lại hoặc xác nhận."]
    assert "warn" in cell(page, KHONG_LAO, "enrolled").locator("xpath=..").get_attribute("class")
    colours = page.eval_on_selector_all("table.entry-grid .msg", "els => els.map(e => getComputedStyle(e).color)")
    assert set(colours) == {"rgb(179, 38, 30)", "rgb(154, 88, 0)"}  # red for errors, orange for warnings
    cell(page, NAM_XE, "enrolled").fill("-3")
    assert shown_checks(page, NAM_XE) == ["Số người không được âm."]
    cell(page, NAM_XE, "enrolled").fill("7.020")
    cell(page, NAM_XE, "population").fill("0")
    assert "Dân số bằng 0 mà có người tham gia: sửa lại dân số." in " ".join(shown_checks(page, NAM_XE))
    cell(page, NAM_XE, "population").fill("7.038")
    page.check("#show-groups")
    cell(page, MU_SANG, "enrolled").fill("3.300")
    cell(page, MU_SANG, "g-nsnn").fill("3000")
    cell(page, MU_SANG, "g-hgd").fill("200")
    assert shown_checks(page, MU_SANG) == ["Tổng các nhóm (3.200) khác tổng số người tham gia (3.300)."]
    screenshot(page, "entry-109-checks-while-typing")

    page.click(".entry-save button.primary")  # an error left: nothing is sent
    assert "Chưa lưu: còn ô sai" in page.inner_text("#entry-status")
    cell(page, MA_LY_PHO, "enrolled").fill("1.400")
    assert "1 lỗi" not in page.inner_text(".entry-save") and "2 cảnh báo chưa xác nhận" in page.inner_text(
        ".entry-save"
    )
    page.click(".entry-save button.primary")  # two warnings to confirm: still nothing sent
    assert "Xác nhận" in page.inner_text("#entry-status")
    assert sent == [] and not Enrollment.objects.filter(month="2022-01-01").exists()
    page.check(f'input[name="{KHONG_LAO}-confirm"]')
    page.check(f'input[name="{MU_SANG}-confirm"]')
    assert "cảnh báo" not in page.inner_text(".entry-save")
    save(page)  # one round trip
    assert len(sent) == 1 and "Đã lưu" in page.inner_text(".messages")
    saved = dict(Enrollment.objects.filter(month="2022-01-01").values_list("unit__code", "enrolled"))
    assert saved == {KHONG_LAO: 1500, MA_LY_PHO: 1400, NAM_XE: 7020, MU_SANG: 3300}


CASES = {  # what an officer types → the messages a save would give
    KHONG_LAO: {"enrolled": "1500"},
    MA_LY_PHO: {"enrolled": "12,5"},
    NAM_XE: {"enrolled": "8000"},
    MU_SANG: {"enrolled": "3300", "g-nsnn": "3000", "g-hgd": "200"},
    "03549": {"population": "5.500", "enrolled": "5400"},
    "03490": {"enrolled": "abc"},
    "03565": {"enrolled": "300000000"},
    "03553": {"population": "0", "enrolled": "12"},
}


def server_checks(page_html: str, code: str) -> list[str]:
    line = re.search(rf'<tr data-row="\d+" data-code="{code}".*?</tr>', page_html, flags=re.S)[0]
    return [
        html.unescape(re.sub(r"<[^>]+>", "", m)).strip()
        for m in re.findall(r'<span class="msg [^"]+"[^>]*>(.*?)</span>', line)
    ]


def test_the_browser_says_what_the_server_says(officer, live_server, page):
    log_in(page, live_server, officer)
    page.goto(f"{live_server.url}{URL}")
    page.check("#show-groups")
    for code, typed in CASES.items():
        for key, value in typed.items():
            cell(page, code, key).fill(value)
    client = Client()
    login(client, officer)
    answered = post_grid(client, URL, {f"{code}-{key}": v for code, typed in CASES.items() for key, v in typed.items()})
    answer = answered.content.decode()
    assert answered.status_code == 200
    for code in CASES:
        assert shown_checks(page, code) == server_checks(answer, code), code
        assert server_checks(answer, code), f"{code} was meant to be checked"


NUMBERS = [
    "46106",
    "46.106",
    "46 106",
    "46\u00a0106",
    "1,234",
    "1.234.567",
    "12,5",
    "-3",
    "−3",
    "abc",
    "1e3",
    "200000000",
    "200000001",
    "46.10",
    "4.6106",
    "",
    "  7  ",
    "1.234 567",
    "٣",
    "00012",
]
NAMES = [
    "Xã Khổng Lào",
    "xã  khổng lào",
    "KHONG LAO",
    "Thị trấn Phong Thổ",
    "TT. Phong Thổ",
    "Thị trấn",
    "Phường Đoàn Kết",
    "P.Đoàn Kết",
    "Đặc khu Côn Đảo",
    "Sì Lở Lầu",
    "Si Lo Lau",
    "Lả Nhì Thàng",
]


def test_numbers_and_names_are_read_as_the_server_reads_them(officer, live_server, page):
    log_in(page, live_server, officer)
    page.goto(f"{live_server.url}{URL}")
    for text in NUMBERS:
        try:
            expected = {"value": parse_optional_count(text)}
        except NumberError as error:
            expected = {"error": str(error)}
        assert page.evaluate("t => BhytEntry.rules.parseCount(t)", text) == expected, text
    assert page.evaluate("names => names.map(BhytEntry.rules.nameKey)", NAMES) == [name_key(n) for n in NAMES]
