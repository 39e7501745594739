import datetime as dt

import pytest

from communes.calendar import last_ended_month
from communes.models import Level, Unit
from reports.report_months import MalformedMonth, default_report_month, month_refusal, parse_report_month
from tests.conftest import NOW, unit

NOVEMBER = dt.date(2026, 11, 1)


def lai_chau() -> Unit:
    return Unit.objects.provinces().in_force(NOW.date()).get(code="12")


def test_the_last_ended_month_is_last_month_whatever_the_day():
    assert last_ended_month(NOW) == NOVEMBER
    assert last_ended_month(NOW.replace(day=31)) == NOVEMBER
    assert last_ended_month(NOW.replace(month=1, day=3)) == dt.date(2025, 12, 1)


@pytest.mark.parametrize(
    "text", ["2026-13", "2026-00", "2026-1", "11-2026", "2026-11-01", "", "２０２６-11", "2026-١١"]
)
def test_a_malformed_month_is_refused(text):
    with pytest.raises(MalformedMonth):
        parse_report_month(text)


def test_a_well_formed_month_outside_the_portals_years_still_parses_for_its_refusal():
    assert parse_report_month("2026-11") == NOVEMBER
    assert parse_report_month("1900-01") == dt.date(1900, 1, 1)


def test_a_province_has_reports_from_july_2025_to_the_last_ended_month(db):
    province = lai_chau()
    assert month_refusal(province, NOVEMBER, last_ended=NOVEMBER) is None
    assert month_refusal(province, dt.date(2025, 7, 1), last_ended=NOVEMBER) is None
    assert "chưa kết thúc" in month_refusal(province, dt.date(2026, 12, 1), last_ended=NOVEMBER)
    assert "chưa trực tiếp quản lý các xã" in month_refusal(province, dt.date(2025, 6, 1), last_ended=NOVEMBER)
    assert "từ năm 2020" in month_refusal(province, dt.date(1900, 1, 1), last_ended=NOVEMBER)


def test_a_district_has_reports_until_it_ended(db):
    phong_tho = unit(Level.DISTRICT, "109")
    assert month_refusal(phong_tho, dt.date(2025, 6, 1), last_ended=NOVEMBER) is None
    assert "đã kết thúc ngày 30/06/2025" in month_refusal(phong_tho, dt.date(2025, 7, 1), last_ended=NOVEMBER)


def test_a_unit_formed_later_has_no_report_before_it_began(db):
    bac_ninh = Unit.objects.provinces().in_force(NOW.date()).get(code="24")
    assert "bắt đầu từ 01/07/2025" in month_refusal(bac_ninh, dt.date(2025, 6, 1), last_ended=NOVEMBER)


def test_a_dashboard_offers_the_last_ended_month_or_its_years_last(db):
    assert default_report_month(lai_chau(), 2026, last_ended=NOVEMBER) == NOVEMBER
    assert default_report_month(lai_chau(), 2025, last_ended=NOVEMBER) == dt.date(2025, 12, 1)
    assert default_report_month(unit(Level.DISTRICT, "109"), 2025, last_ended=NOVEMBER) == dt.date(2025, 6, 1)
