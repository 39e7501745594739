"""Which communes reported a month, on time or late, and which did not."""

import datetime as dt
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
            ChangeRecord.objects.create(unit=commune, period=JAN, field="enrolled", new_value=2000,
                                        user=officer_phong_tho)


def test_completeness_counts_on_time_late_and_missing(client, leader_phong_tho, reported):
    login(client, leader_phong_tho)
    page = client.get("/districts/109/completeness/2022-01/").content.decode()
    assert '<strong class="on-time-count">1</strong>' in page
    assert '<strong class="late-count">1</strong>' in page
    assert '<strong class="missing-count">15</strong>' in page
    khong_lao = page[page.index("Xã Khổng Lào"):]
    assert khong_lao.index("Đúng hạn") < khong_lao.index("</tr>")
    ma_ly_pho = page[page.index("Xã Ma Ly Pho"):]
    assert ma_ly_pho.index("Muộn") < ma_ly_pho.index("</tr>")
    assert "Hạn báo cáo" in page and "10/02/2022" in page


def test_a_correction_after_the_deadline_does_not_make_an_on_time_report_late(client, leader_phong_tho, reported,
                                                                              officer_phong_tho):
    commune = unit(Level.COMMUNE, "03583", 2022)
    ChangeRecord.objects.create(unit=commune, period=JAN, field="enrolled", old_value=2000, new_value=2010,
                                user=officer_phong_tho)
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
