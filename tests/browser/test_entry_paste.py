"""Pasting by name in Chromium: a block of names and numbers in the annex's order (and spelling)
fills the communes it names; an unknown name is listed, never taken; a column pasted in another
order than the grid's is noticed and offered to be matched by name instead."""

import csv
from pathlib import Path

import pytest

from communes.models import Enrollment, Level, Role
from tests.browser.conftest import log_in, screenshot
from tests.browser.entry_pages import cell, paste, save
from tests.conftest import make_user, unit

URL = "/districts/109/entry/2022-01/"
ANNEX = Path(__file__).resolve().parents[2] / "fixtures" / "plan-231-annex.csv"


@pytest.fixture(autouse=True)
def months_stay_open(settings):
    settings.ENTRY_CLOSE_DAYS = 100_000


@pytest.fixture
def officer(seeded):
    return make_user("officer_paste", Role.OFFICER, unit(Level.DISTRICT, "109"))


def annex() -> list[dict]:
    """The plan's annex as printed: its order, its misspelt names ("Không Lào", "Thị trấn", "Dao San")."""
    with ANNEX.open(encoding="utf-8") as rows:
        return list(csv.DictReader(rows))


def count(text: str) -> int:
    return int(text.replace(" ", ""))


def filled(page) -> dict[str, str]:
    return {line["commune_code"]: cell(page, line["commune_code"], "enrolled").input_value() for line in annex()}


def test_names_and_numbers_in_the_annexs_order_fill_the_communes_they_name(officer, live_server, page):
    log_in(page, live_server, officer)
    page.goto(f"{live_server.url}{URL}")
    block = "".join(f"{line['printed_name']}\t{line['enrolled_2021'].replace(' ', '.')}\r\n" for line in annex())
    paste(page, "03589", "note", block)  # anywhere in the grid: the names decide, not the focused row
    assert filled(page) == {line["commune_code"]: line["enrolled_2021"].replace(" ", ".") for line in annex()}
    assert "Đã điền 17 xã theo tên." in page.inner_text("#entry-paste")
    assert cell(page, "03589", "note").input_value() == ""
    screenshot(page, "entry-109-paste-by-name")
    save(page)
    saved = dict(Enrollment.objects.filter(month="2022-01-01").values_list("unit__code", "enrolled"))
    assert saved == {line["commune_code"]: count(line["enrolled_2021"]) for line in annex()}


def test_three_columns_fill_the_population_and_the_count(officer, live_server, page):
    log_in(page, live_server, officer)
    page.goto(f"{live_server.url}{URL}")
    paste(
        page,
        "03391",
        "enrolled",
        "Tên xã\tDân số\tSố người tham gia\nXã Khổng Lào\t3.966\t3.351\nma ly pho\t2 920\t2511\n",
    )
    assert cell(page, "03583", "population").input_value() == "3.966"
    assert cell(page, "03583", "enrolled").input_value() == "3.351"
    assert cell(page, "03574", "population").input_value() == "2 920"
    assert cell(page, "03391", "enrolled").input_value() == ""  # the header line is not a commune
    assert cell(page, "03583", "population_source").is_visible()  # a new population asks for its source


def test_unknown_and_repeated_names_are_listed_and_left_out(officer, live_server, page):
    log_in(page, live_server, officer)
    page.goto(f"{live_server.url}{URL}")
    paste(
        page,
        "03391",
        "enrolled",
        "Không Lào\t1.700\nXã Không Có Thật\t900\nKhổng Lào\t1.800\nTổng cộng\t2.600\nDao San\t8.000\n",
    )
    report = page.inner_text("#entry-paste")
    assert "Đã điền 2 xã theo tên." in report
    assert "“Xã Không Có Thật” – 900: Không nhận ra tên (chưa điền)" in report
    assert "“Khổng Lào” – 1.800: lặp lại, không lấy" in report
    assert "Tổng cộng" not in report  # the list's total row is skipped, not a commune
    assert cell(page, "03583", "enrolled").input_value() == "1.700"
    assert cell(page, "03571", "enrolled").input_value() == "8.000"
    page.click("#entry-paste .paste-undo")
    assert cell(page, "03583", "enrolled").input_value() == "" and cell(page, "03571", "enrolled").input_value() == ""


def test_a_column_in_the_annexs_order_is_noticed_and_matched_by_name_instead(officer, live_server, page):
    log_in(page, live_server, officer)
    page.goto(f"{live_server.url}{URL}")
    column = "".join(f"{count(line['enrolled_2021']) + 10}\n" for line in annex())
    paste(page, "03391", "enrolled", column)  # the grid is in code order, the annex is not
    report = page.locator("#entry-paste")
    assert "không cùng thứ tự với các xã trong bảng" in report.inner_text()
    assert page.locator("#entry-paste-names").is_visible()
    screenshot(page, "entry-109-paste-misaligned")
    names = "".join(f"{line['printed_name']}\t{count(line['enrolled_2021']) + 10}\n" for line in annex())
    page.fill("#entry-paste-names", names)
    page.click("#entry-paste .paste-match")
    assert filled(page) == {line["commune_code"]: str(count(line["enrolled_2021"]) + 10) for line in annex()}
    assert "Đã điền 17 xã theo tên." in report.inner_text()


def test_a_column_in_the_grids_order_is_taken_as_it_is(officer, live_server, page):
    log_in(page, live_server, officer)
    page.goto(f"{live_server.url}{URL}")
    by_code = sorted(annex(), key=lambda line: line["commune_code"])
    paste(
        page,
        by_code[0]["commune_code"],
        "enrolled",
        "".join(f"{count(line['enrolled_2021']) + 10}\n" for line in by_code),
    )
    assert not page.locator("#entry-paste").is_visible()
    assert filled(page) == {line["commune_code"]: str(count(line["enrolled_2021"]) + 10) for line in annex()}


def test_a_name_two_communes_bear_is_listed_and_neither_is_filled(transactional_db, live_server, page):
    from tests.entry.entry_helpers import make_namesakes

    district = make_namesakes("72")
    log_in(page, live_server, make_user("officer_namesakes", Role.OFFICER, district))
    page.goto(f"{live_server.url}/districts/72/entry/2024-01/")
    an_binh, other_an_binh, thanh_an, thanh_an_marked = (f"72{n:04d}" for n in range(4))
    paste(page, an_binh, "note", "An Bình\t900\nThạnh An\t950\nthanh an\t940\n")
    report = page.inner_text("#entry-paste")
    assert "Đã điền 2 xã theo tên." in report
    assert f"“An Bình” – 900: tên trùng: Xã An Bình (mã {an_binh}), Xã An Bình (mã {other_an_binh})" in report
    assert cell(page, an_binh, "enrolled").input_value() == cell(page, other_an_binh, "enrolled").input_value() == ""
    assert cell(page, thanh_an_marked, "enrolled").input_value() == "950"  # the marks tell these two apart
    assert cell(page, thanh_an, "enrolled").input_value() == "940"
