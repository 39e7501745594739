"""Today's country in Chromium: the province officer reports the month being reported, the province
leader reads the province's communes ranked, staff paste a plan's targets from Excel."""

import datetime as dt
from decimal import Decimal

import pytest

from communes.calendar import reporting_month
from communes.models import Enrollment, Population, Role, Unit
from targets.models import Target, TargetDocument
from tests.browser.conftest import log_in, screenshot
from tests.browser.entry_pages import paste, save
from tests.conftest import make_user


def _lai_chau():
    return Unit.objects.provinces().in_force(dt.date.today()).get(code="12")


def _communes(province):
    return list(Unit.objects.communes().filter(parent=province).in_force(dt.date.today()).order_by("code"))


def test_the_province_officer_reports_the_month_and_the_leader_sees_it(seeded, live_server, page):
    month = reporting_month()
    lai_chau = _lai_chau()
    communes = _communes(lai_chau)
    plan = TargetDocument.objects.create(
        kind="plan",
        number="08/KH-UBND",
        issued_on=dt.date(month.year, 1, 15),
        issuer="UBND tỉnh Lai Châu",
        title="Kế hoạch",
        scope=lai_chau,
        first_year=month.year,
        last_year=month.year,
    )
    Target.objects.create(document=plan, unit=lai_chau, year=month.year, rate=Decimal("96.00"))
    Population.objects.bulk_create(Population(unit=c, year=month.year, population=5_000) for c in communes)
    officer = make_user("officer_lc", Role.OFFICER, lai_chau)
    log_in(page, live_server, officer)

    # The home page names the month being reported and leads to its grid.
    assert f"0/{len(communes)}" in page.inner_text("#entry-tasks")
    page.click("#entry-tasks a.button")
    assert page.url.endswith(f"/provinces/12/entry/{month:%Y-%m}/")
    # A column of 38 figures pasted from Excel fills the grid from the first commune down.
    paste(page, communes[0].code, "enrolled", "\n".join(str(4_800 + n) for n in range(len(communes))) + "\n")
    save(page)
    assert Enrollment.objects.filter(month=month, unit__in=communes).count() == 38

    leader = make_user("leader_lc", Role.LEADER, lai_chau)
    page.context.clear_cookies()
    log_in(page, live_server, leader)
    assert page.url.endswith("/provinces/12/")  # a leader lands on the province's dashboard
    # Σ enrolled = 38 × 4.800 + (0 + … + 37) = 183.103 of 190.000 people = 96,37%
    headline = page.inner_text("#headline")
    assert "96,37%" in headline and "183.103 / 190.000" in headline and "08/KH-UBND" in headline
    assert page.locator("table.ranking tbody tr").count() == 38
    assert page.locator("svg.chart, .chart svg").count() >= 1
    screenshot(page, "today-province-dashboard")


def test_staff_paste_a_plans_targets_from_excel(seeded, live_server, page):
    lai_chau = _lai_chau()
    communes = _communes(lai_chau)
    staff = make_user("staff_lc", Role.STAFF, lai_chau)
    log_in(page, live_server, staff)
    page.goto(f"{live_server.url}/documents/new/")
    page.select_option("#id_kind", "plan")
    page.fill("#id_number", "08/KH-UBND")
    page.fill("#id_issued_on", "15/01/2026")
    page.fill("#id_issuer", "UBND tỉnh Lai Châu")
    page.fill("#id_title", "Kế hoạch bao phủ BHYT năm 2026")
    page.click("button.primary")
    page.wait_for_load_state("networkidle")
    assert "/targets/" in page.url
    # Two communes' rate, planned population and enrolled copied from a spreadsheet.
    paste(page, communes[0].code, "2026-rate", "96,5\t10.000\t9.650\n95,25\t8 000\t7.620\n")
    screenshot(page, "today-targets-grid")
    page.click("button.primary")
    page.wait_for_load_state("networkidle")
    document = TargetDocument.objects.get(number="08/KH-UBND")
    saved = {
        t.unit.code: (t.rate, t.planned_population, t.planned_enrolled) for t in document.targets.select_related("unit")
    }
    assert saved == {
        communes[0].code: (Decimal("96.50"), 10_000, 9_650),
        communes[1].code: (Decimal("95.25"), 8_000, 7_620),
    }


@pytest.mark.parametrize("width", [1366, 375])
def test_the_national_page_ranks_34_provinces_at_any_width(seeded, live_server, page, width):
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, live_server, make_user("leader_all", Role.LEADER, None))
    assert page.url.endswith("/country/")
    assert page.locator("table.ranking tbody tr").count() == 34
    screenshot(page, f"today-national-{width}")
