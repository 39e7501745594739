"""The agency's monthly workbook in Chromium: uploaded from the grid, shown in the grid with each
changed cell marked old → new, nothing written until the officer saves the grid, then audited."""

import pytest

from communes.models import ChangeRecord, Enrollment, Role, Unit
from tests.browser.conftest import log_in, screenshot
from tests.browser.entry_pages import MONTH, cell, lai_chau_with_last_month, row, save
from tests.conftest import make_user
from tests.entry.agency_examples import agency_xlsx, communes

URL = f"/provinces/12/entry/{MONTH:%Y-%m}/"


@pytest.fixture(autouse=True)
def months_stay_open(settings):
    settings.ENTRY_CLOSE_DAYS = 100_000


def dotted(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def test_the_agency_workbook_is_previewed_in_the_grid_then_saved(seeded, live_server, page, tmp_path):
    listed = communes()
    lai_chau_with_last_month(
        populations={c.code: c.population for c in listed}, previous={c.code: c.count - 7 for c in listed}
    )
    officer = make_user("officer_lc_wb_browser", Role.OFFICER, Unit.objects.provinces().in_force(MONTH).get(code="12"))
    path = tmp_path / "BHXH Lai Chau T11-2025.xlsx"
    path.write_bytes(agency_xlsx())
    log_in(page, live_server, officer)
    page.goto(f"{live_server.url}{URL}")
    page.set_input_files("#entry-workbook-file", str(path))
    with page.expect_navigation():
        page.click(".workbook-inline button")
    assert "38 xã lấy số từ tệp" in page.inner_text(".workbook-report")
    first = listed[0]
    assert cell(page, first.code, "enrolled").input_value() == dotted(first.count)
    assert f"{dotted(first.count - 7)} → {dotted(first.count)}" not in row(page, first.code).inner_text()
    assert f"– → {dotted(first.count)}" in row(page, first.code).inner_text()  # nothing stored for November yet
    assert "38 ô đã sửa" in page.inner_text(".entry-save")
    assert not Enrollment.objects.filter(month=MONTH).exists()  # a preview writes nothing
    screenshot(page, "entry-lai-chau-workbook-preview")
    # The officer corrects one commune by hand before saving the grid.
    cell(page, listed[1].code, "enrolled").fill(str(listed[1].count + 3))
    save(page)
    assert "Đã lưu" in page.inner_text(".messages")
    saved = dict(Enrollment.objects.filter(month=MONTH).values_list("unit__code", "enrolled"))
    assert saved == {c.code: c.count + (3 if c.code == listed[1].code else 0) for c in listed}
    channels = dict(ChangeRecord.objects.filter(period=MONTH, field="enrolled").values_list("unit__code", "channel"))
    assert channels == {c.code: "entry" if c.code == listed[1].code else "workbook" for c in listed}


def test_a_workbook_over_stored_figures_marks_old_and_new(seeded, live_server, page, tmp_path):
    listed = communes()
    lai_chau_with_last_month(
        populations={c.code: c.population for c in listed}, previous={c.code: c.count - 7 for c in listed}
    )
    for c in listed[:3]:
        Enrollment.objects.create(
            unit=Unit.objects.communes().in_force(MONTH).get(code=c.code), month=MONTH, enrolled=c.count - 2
        )
    officer = make_user("officer_lc_wb_old", Role.OFFICER, Unit.objects.provinces().in_force(MONTH).get(code="12"))
    path = tmp_path / "bhxh.xlsx"
    path.write_bytes(agency_xlsx())
    log_in(page, live_server, officer)
    page.goto(f"{live_server.url}{URL}workbook/")
    page.set_input_files("#workbook", str(path))
    with page.expect_navigation():
        page.click("button.primary")
    assert f"{dotted(listed[0].count - 2)} → {dotted(listed[0].count)}" in row(page, listed[0].code).inner_text()
    assert "changed" in cell(page, listed[0].code, "enrolled").locator("xpath=..").get_attribute("class")
