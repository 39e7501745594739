"""Which communes reported a month, on time or late, and which did not."""

import datetime as dt
import re
from unittest import mock

import pytest

from communes.calendar import closing_time
from communes.models import ChangeRecord, Level
from tests.conftest import make_counts, unit

from .entry_helpers import login

JAN = dt.date(2022, 1, 1)


@pytest.fixture
def reported(officer_phong_tho):
    """Khổng Lào reported on time, Ma Ly Pho two days after the month closed, the other 15 not at all."""
    deadline = closing_time(JAN)
    for code, at in (("03583", deadline - dt.timedelta(days=3)), ("03574", deadline + dt.timedelta(days=2))):
        commune = unit(Level.COMMUNE, code, 2022)
        make_counts(commune, JAN, population=3000, enrolled=2000)
        # The log is append-only, so the record is written "at" that time rather than backdated.
        with mock.patch("django.utils.timezone.now", return_value=at):
            ChangeRecord.objects.create(
                unit=commune, period=JAN, field="enrolled", new_value=2000, user=officer_phong_tho
            )


def test_completeness_counts_on_time_late_and_missing(client, leader_phong_tho, reported):
    login(client, leader_phong_tho)
    page = client.get("/districts/109/completeness/2022-01/").content.decode()
    assert '<strong class="on-time-count">1</strong>' in page
    assert '<strong class="late-count">1</strong>' in page
    assert '<strong class="missing-count">15</strong>' in page
    khong_lao = page[page.index("Xã Khổng Lào") :]
    assert khong_lao.index("Đúng hạn") < khong_lao.index("</tr>")
    ma_ly_pho = page[page.index("Xã Ma Ly Pho") :]
    assert ma_ly_pho.index("Muộn") < ma_ly_pho.index("</tr>")
    assert "Hạn báo cáo" in page and "10/02/2022" in page


def test_a_correction_after_the_deadline_does_not_make_an_on_time_report_late(
    client, leader_phong_tho, reported, officer_phong_tho
):
    commune = unit(Level.COMMUNE, "03583", 2022)
    ChangeRecord.objects.create(
        unit=commune, period=JAN, field="enrolled", old_value=2000, new_value=2010, user=officer_phong_tho
    )
    login(client, leader_phong_tho)
    page = client.get("/districts/109/completeness/2022-01/").content.decode()
    assert '<strong class="on-time-count">1</strong>' in page


def test_the_district_page_links_to_completeness(client, leader_phong_tho):
    login(client, leader_phong_tho)
    page = client.get("/districts/109/?year=2021").content.decode()
    assert 'href="/districts/109/completeness/2021-12/"' in page


def test_province_completeness_after_the_reform(client, leader):
    login(client, leader)
    page = client.get("/provinces/12/completeness/2025-08/").content.decode()
    assert '<strong class="missing-count">38</strong>' in page


def test_the_district_page_links_to_the_entry_of_its_last_month(client, officer_phong_tho):
    login(client, officer_phong_tho)
    page = client.get("/districts/109/?year=2021").content.decode()
    assert 'href="/districts/109/entry/2021-12/"' in page
    # Phong Thổ district ended on 30/06/2025: its last month is where entry lands.
    assert client.get("/districts/109/entry/")["Location"] == "/districts/109/entry/2025-06/"


def test_the_entry_shortcut_is_not_found_outside_the_scope(client, officer_luc_ngan):
    login(client, officer_luc_ngan)
    assert client.get("/districts/109/entry/").status_code == 404


def test_an_officers_home_page_leads_to_the_grid_of_the_month_being_reported(client, now_is, db):
    from communes.models import Role, Unit
    from tests.conftest import make_user

    khong_lao = Unit.objects.communes().in_force(dt.date(2026, 12, 2)).get(code="03583")
    login(client, make_user("officer_kl_today", Role.OFFICER, khong_lao))
    assert 'href="/provinces/12/entry/2026-11/"' in client.get("/").content.decode()


def test_an_officer_of_an_ended_district_is_told_it_ended_and_offered_no_grid(client, now_is, officer_phong_tho):
    login(client, officer_phong_tho)
    page = client.get("/").content.decode()
    assert "đã kết thúc ngày 30/06/2025" in page and "/entry/" not in page.split("</header>")[1]


def test_a_leaders_home_page_has_no_entry_links(client, leader):
    login(client, leader)
    assert "/entry/" not in client.get("/").content.decode()


# -- who has not reported yet, whom to ask, by when ---------------------------------------------------------
NOV = dt.date(2026, 11, 1)


def _today_units():
    from communes.models import Unit

    province = Unit.objects.provinces().in_force(NOV).get(code="12")
    communes = {c.code: c for c in Unit.objects.communes().filter(parent=province).in_force(NOV)}
    return province, communes


@pytest.fixture
def lai_chau_officers(db):
    from communes.models import Role
    from tests.conftest import make_user

    province, communes = _today_units()
    own = make_user("canbo_khonglao_c", Role.OFFICER, communes["03583"])
    own.first_name, own.last_name, own.email = "Lò Thị", "Mai", "mai.lt@khonglao.laichau.gov.vn"
    own.save()
    provincial = make_user("canbo_laichau_c", Role.OFFICER, province)
    provincial.first_name, provincial.last_name, provincial.email = "Nguyễn Văn", "An", "an.nv@laichau.gov.vn"
    provincial.save()
    leaver = make_user("canbo_cu_c", Role.OFFICER, province)
    leaver.email, leaver.is_active = "cu@laichau.gov.vn", False  # left the office: not asked
    leaver.save()
    make_counts(communes["03388"], NOV, population=4000, enrolled=3900)  # Đoàn Kết has reported
    return province, own, provincial


def test_the_communes_yet_to_report_name_their_officers_with_a_mailto(client, now_is, lai_chau_officers, leader):
    from urllib.parse import unquote

    login(client, leader)
    page = client.get("/provinces/12/completeness/2026-11/").content.decode()
    missing = page[page.index('<table class="missing-list">') : page.index("</table>")]
    assert '<tr data-code="03388">' not in missing and missing.count("<tr data-code=") == 37
    khong_lao = missing[missing.index('data-code="03583"') :]
    khong_lao = khong_lao[: khong_lao.index("</tr>")]
    # The commune's own officer, not the province's.
    assert '<a href="mailto:mai.lt@khonglao.laichau.gov.vn">Lò Thị Mai</a>' in khong_lao
    assert "Nguyễn Văn An" not in khong_lao
    mailto = re.search(r'<a class="mailto" href="([^"]+)"', khong_lao)[1]
    assert mailto.startswith("mailto:mai.lt@khonglao.laichau.gov.vn?subject=")
    assert "Báo cáo số người tham gia BHYT tháng 11/2026 – Xã Khổng Lào" in unquote(mailto)
    assert "trước hết ngày 10/12/2026" in unquote(mailto) and "/provinces/12/entry/2026-11/" in unquote(mailto)
    # A commune without an officer of its own is asked of the province's (the one still working there).
    binh_lu = missing[missing.index('data-code="03390"') :]
    binh_lu = binh_lu[: binh_lu.index("</tr>")]
    assert (
        '<a href="mailto:an.nv@laichau.gov.vn">Nguyễn Văn An</a>' in binh_lu and "(cán bộ của Tỉnh Lai Châu)" in binh_lu
    )
    assert "cu@laichau.gov.vn" not in page
    everyone = re.search(r'<a class="button no-print mail-all" href="([^"]+)"', page)[1]
    assert everyone.startswith("mailto:an.nv@laichau.gov.vn,mai.lt@khonglao.laichau.gov.vn?")


def test_the_deadline_is_the_closing_day_of_the_month_being_reported(client, now_is, lai_chau_officers, leader):
    login(client, leader)
    page = client.get("/provinces/12/completeness/2026-11/").content.decode()
    assert "tháng đang báo cáo" in page
    deadline = page[page.index('<div class="deadline">') :]
    deadline = deadline[: deadline.index("</div>")]
    # 2/12/2026: ten days after November's end, the last day to report is 10/12/2026.
    assert "10/12/2026" in deadline and "còn 8 ngày" in deadline and "10 ngày sau khi hết tháng" in deadline
    assert "khoá sổ lúc 11/12/2026 00:00" in deadline
    october = client.get("/provinces/12/completeness/2026-10/").content.decode()
    assert "tháng đang báo cáo" not in october and "đã quá hạn" in october


def test_an_officer_reaches_the_page_of_the_month_from_home_and_sees_the_mailto(client, now_is, lai_chau_officers):
    province, own, provincial = lai_chau_officers
    login(client, provincial)
    home = client.get("/").content.decode()
    assert 'href="/provinces/12/completeness/2026-11/"' in home
    page = client.get("/provinces/12/completeness/2026-11/").content.decode()
    assert "Chưa báo cáo (37 xã)" in page and 'class="mailto"' in page
