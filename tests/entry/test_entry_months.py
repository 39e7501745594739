"""Closing and reopening months, future months, and entry after the 2025 reform."""

import datetime as dt

import pytest
from django.utils import timezone

from communes.models import ChangeRecord, Enrollment, Level, MonthReopening, Role, Unit
from communes.periods import add_months
from entry.rows import month_status
from tests.conftest import make_user, unit

from .entry_helpers import login, post_grid

URL = "/districts/109/entry/2022-01/"


def aware(*args) -> dt.datetime:
    return timezone.make_aware(dt.datetime(*args))


def this_month() -> dt.date:
    return timezone.localdate().replace(day=1)


@pytest.fixture
def province_officer(db):
    return make_user("officer_lc", Role.OFFICER, Unit.objects.resolve(Level.PROVINCE, "12", dt.date(2026, 1, 1)))


def test_a_month_closes_after_the_tenth_day_after_its_end(phong_tho, settings):
    settings.ENTRY_CLOSE_DAYS = 10
    january = dt.date(2024, 1, 1)
    assert month_status(area=phong_tho, month=january, now=aware(2024, 2, 10, 23, 59)).open
    closed = month_status(area=phong_tho, month=january, now=aware(2024, 2, 11, 0, 0))
    assert not closed.open
    assert "Tháng 01/2024 đã khoá sổ lúc 11/02/2024 00:00 (10 ngày sau khi hết tháng)" in closed.reason


def test_the_closing_delay_is_a_setting(phong_tho, settings):
    settings.ENTRY_CLOSE_DAYS = 3
    assert not month_status(area=phong_tho, month=dt.date(2024, 1, 1), now=aware(2024, 2, 4, 0, 0)).open


def test_a_closed_month_says_why_and_refuses_officers(client, officer_phong_tho):
    login(client, officer_phong_tho)
    page = client.get(URL).content.decode()
    assert "đã khoá sổ" in page and 'data-key="enrolled"' not in page
    assert "Mở lại tháng" not in page  # officers cannot reopen
    response = client.post(URL, {"03583-enrolled": "1700", "03583-population": "3913"})
    assert response.status_code == 403
    assert not Enrollment.objects.filter(month=dt.date(2022, 1, 1)).exists()


def test_a_leader_reopens_a_closed_month_for_the_officers(client, leader_phong_tho, officer_phong_tho):
    login(client, leader_phong_tho)
    assert "Mở lại tháng" in client.get(URL).content.decode()
    response = client.post(URL + "reopen/", {"days": "5", "reason": "Xã Khổng Lào nộp muộn"})
    assert response.status_code == 302
    reopening = MonthReopening.objects.get()
    assert (reopening.unit.code, reopening.month, reopening.by) == ("109", dt.date(2022, 1, 1), leader_phong_tho)
    login(client, officer_phong_tho)
    page = client.get(URL).content.decode()
    assert "Xã Khổng Lào nộp muộn" in page
    assert post_grid(client, URL, {"03583-enrolled": "1700"}, page=page).status_code == 302
    assert Enrollment.objects.get(month=dt.date(2022, 1, 1)).enrolled == 1700


def test_a_reopening_without_a_reason_is_refused(client, leader_phong_tho):
    login(client, leader_phong_tho)
    client.post(URL + "reopen/", {"days": "5", "reason": ""})
    assert not MonthReopening.objects.exists()


def test_an_expired_reopening_closes_the_month_again(client, officer_phong_tho, leader_phong_tho):
    MonthReopening.objects.create(
        unit=unit(Level.DISTRICT, "109"),
        month=dt.date(2022, 1, 1),
        until=timezone.now() - dt.timedelta(hours=1),
        reason="cũ",
        by=leader_phong_tho,
    )
    login(client, officer_phong_tho)
    assert client.post(URL, {"03583-enrolled": "1700", "03583-population": "3913"}).status_code == 403


def test_a_future_month_is_refused(client, province_officer):
    url = f"/provinces/12/entry/{add_months(this_month(), 1):%Y-%m}/"
    login(client, province_officer)
    page = client.get(url).content.decode()
    assert "chưa đến" in page and 'data-key="enrolled"' not in page
    assert client.post(url, {"03583-enrolled": "1700", "03583-population": "4000"}).status_code == 403
    assert not Enrollment.objects.filter(month__gte=this_month()).exists()


def test_a_province_officer_enters_for_the_new_communes(client, province_officer):
    url = f"/provinces/12/entry/{this_month():%Y-%m}/"
    login(client, province_officer)
    page = client.get(url).content.decode()
    assert page.count('data-key="enrolled"') == 38  # Lai Châu's communes since 01/7/2025
    response = post_grid(
        client,
        url,
        {"03583-population": "6.100", "03583-population_source": "UBND xã 7/2025", "03583-enrolled": "5.900"},
        page=page,
    )
    assert response.status_code == 302
    enrollment = Enrollment.objects.get(month=this_month())
    assert enrollment.enrolled == 5900
    assert enrollment.unit.valid_from == dt.date(2025, 7, 1)  # the new Khổng Lào, not the one the code meant before


def test_a_new_commune_officer_sees_only_their_commune_on_the_province_page(client, db):
    new_khong_lao = Unit.objects.resolve(Level.COMMUNE, "03583", dt.date(2026, 1, 1))
    officer = make_user("officer_kl_new", Role.OFFICER, new_khong_lao)
    login(client, officer)
    page = client.get(f"/provinces/12/entry/{this_month():%Y-%m}/").content.decode()
    assert page.count('data-key="enrolled"') == 1 and "Khổng Lào" in page and "Dào San" not in page


@pytest.mark.parametrize("code, province", [("109", "Tỉnh Lai Châu"), ("219", "Tỉnh Bắc Ninh")])
def test_a_district_month_after_the_reform_names_its_successor(client, admin_user, code, province):
    login(client, admin_user)
    response = client.get(f"/districts/{code}/entry/2025-08/")
    page = response.content.decode()
    assert response.status_code == 410
    assert "đã kết thúc ngày 30/06/2025" in page and province in page
    assert "/entry/2025-08/" in page and "/provinces/" in page


def test_an_ended_district_stays_hidden_from_those_outside_it(client, officer_luc_ngan):
    login(client, officer_luc_ngan)
    assert client.get("/districts/109/entry/2025-08/").status_code == 404


def test_an_officer_of_an_ended_commune_is_told_its_successor(client, commune_officer, settings):
    settings.ENTRY_CLOSE_DAYS = 100_000
    login(client, commune_officer)
    page = client.get("/provinces/12/entry/2025-08/").content.decode()
    assert "Xã Khổng Lào của bạn đã kết thúc ngày 30/06/2025" in page
    assert "Đơn vị kế thừa:" in page and 'data-key="enrolled"' not in page


def test_a_reused_code_resolves_by_the_month(client, admin_user):
    login(client, admin_user)
    assert "Phong Vân" in client.get("/communes/07537/history/2024-03/").content.decode()
    assert "Biên Sơn" in client.get("/communes/07537/history/2025-08/").content.decode()


def test_the_district_pages_before_the_reform_still_take_entries(client, officer_luc_ngan, settings):
    settings.ENTRY_CLOSE_DAYS = 100_000
    login(client, officer_luc_ngan)
    page = client.get("/districts/219/entry/2025-03/").content.decode()
    # Since 01/01/2025 Thanh Hải, Kiên Lao… belong to thị xã Chũ; Biển Động is a town.
    assert "Thanh Hải" not in page and "Thị trấn Biển Động" in page
    assert not ChangeRecord.objects.exists()


def test_a_month_that_closes_while_the_officer_types_keeps_the_typed_values(client, officer_phong_tho, settings):
    settings.ENTRY_CLOSE_DAYS = 100_000
    login(client, officer_phong_tho)
    page = client.get(URL).content.decode()  # opened while the month is open
    settings.ENTRY_CLOSE_DAYS = 10  # …and it closes before the officer saves
    response = post_grid(client, URL, {"03583-enrolled": "1.700", "03574-enrolled": "1 400"}, page=page)
    text = response.content.decode()
    assert response.status_code == 403
    assert "Tháng 01/2022 đã khoá sổ lúc 11/02/2022 00:00" in text and "tháng đã khoá trong khi bạn nhập" in text
    assert 'name="03583-enrolled" id="03583-enrolled" value="1.700"' in text
    assert 'name="03574-enrolled" id="03574-enrolled" value="1 400"' in text
    assert not Enrollment.objects.filter(month=dt.date(2022, 1, 1)).exists()
    assert not ChangeRecord.objects.exists()


def test_a_closed_month_still_refuses_a_post_for_another_district(client, officer_phong_tho):
    login(client, officer_phong_tho)
    assert client.post(URL, {"07564-enrolled": "1700"}).status_code == 403
