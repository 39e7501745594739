from communes.models import ChangeRecord, Level, Role
from targets.models import Target, TargetDocument
from tests.browser.conftest import log_in, screenshot
from tests.conftest import make_user, unit
from tests.entry.annex_examples import changed, official_workbook, printed_rows


def test_staff_import_a_workbook_confirm_a_name_and_apply(seeded, live_server, page, tmp_path):
    staff = make_user("staff_browser", Role.STAFF, unit(Level.DISTRICT, "109"))
    plan = TargetDocument.objects.get(number="231/KH-UBND")
    rows = changed(changed(printed_rows(), "Không Lào", 1, "Khong Lau"), "Khong Lau", 5, "4 000")
    path = tmp_path / "phu-luc.xlsx"
    path.write_bytes(official_workbook(rows))
    log_in(page, live_server, staff)
    page.goto(f"{live_server.url}/districts/109/?year=2021")
    page.click(f"a[href='/documents/{plan.pk}/import/']")
    page.set_input_files("#workbook", str(path))
    page.click("button.primary")
    assert "Khong Lau" in page.inner_text("table.unresolved")
    assert page.locator("button[name=apply]").count() == 0  # nothing can be written before confirming
    page.select_option("#unit_5", str(unit(Level.COMMUNE, "03583").pk))
    page.click("button[name=confirm]")
    change = page.inner_text("table.changes tbody tr")
    assert "Xã Khổng Lào" in change and "2022" in change and "3.966" in change and "4.000" in change
    screenshot(page, "import-preview")
    page.click("button[name=apply]")
    assert "Đã nhập 1 thay đổi" in page.inner_text(".messages")
    assert Target.objects.get(document=plan, unit__code="03583", year=2022).planned_population == 4000
    assert ChangeRecord.objects.filter(channel="import").count() == 1
