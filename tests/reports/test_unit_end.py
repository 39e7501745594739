"""A unit that ended during the year (Huyện Lục Ngạn, 30/06/2025): months left and the projection
stop at its last month, and the headline says when it ended."""

import datetime as dt
from decimal import Decimal

import pytest

from communes.models import Level, Unit
from reports import coverage
from tests.conftest import make_counts

from .test_pages import login

END = dt.date(2025, 6, 30)


def test_the_last_month_is_the_month_the_unit_ended_in():
    assert coverage.final_month(year=2025, valid_to=END) == 6
    assert coverage.final_month(year=2024, valid_to=END) == 12
    assert coverage.final_month(year=2025, valid_to=None) == 12
    assert coverage.months_left(latest_month=5, last_month=6) == 1
    assert coverage.months_left(latest_month=6, last_month=6) == 0


def test_the_projection_is_carried_to_the_last_month_not_december():
    months = [(3, 3850), (4, 3865), (5, 3880)]  # +15 a month
    assert coverage.year_end_projection(months=months, population=4000, last_month=6) == Decimal("97.38")
    assert coverage.year_end_projection(months=months, population=4000) == Decimal("99.63")
    assert coverage.year_end_projection(months=[(5, 3880), (6, 3890)], population=4000, last_month=6) == Decimal(
        "97.25"
    )


@pytest.fixture
def luc_ngan_2025(luc_ngan):
    """Two Lục Ngạn communes reporting March–May 2025; the district's target is 99%."""
    on = dt.date(2025, 3, 1)
    a = Unit.objects.for_url(Level.COMMUNE, "07528", on=on)  # Cấm Sơn
    b = Unit.objects.for_url(Level.COMMUNE, "07573", on=on)  # Thị trấn Biển Động
    for month, ea, eb in ((3, 950, 2900), (4, 955, 2910), (5, 960, 2920)):
        make_counts(a, dt.date(2025, month, 1), population=1000, enrolled=ea)
        make_counts(b, dt.date(2025, month, 1), population=3000, enrolled=eb)
    return a, b


def test_the_headline_of_a_district_that_ended_stops_at_june(client, leader, luc_ngan_2025):
    login(client, leader)
    response = client.get("/districts/219/?year=2025")
    headline = response.context["headline"]
    assert (headline.enrolled, headline.population, headline.rate) == (3880, 4000, Decimal("97.00"))
    assert headline.gap_people == 80  # ⌈99% × 4.000⌉ − 3.880
    assert headline.months_left == 1 and headline.per_month == 80
    # Carried to June, not December (where the same pace would reach 99,63%: "on track").
    assert headline.projected_rate == Decimal("97.38")
    assert headline.status == coverage.Status.OFF_TRACK
    page = response.content.decode()
    box = page[page.index('id="headline"') : page.index("</section>")]
    assert "đơn vị kết thúc 30/06/2025" in box and "Dự báo đến tháng 6" in box
    assert "cần thêm 80 người mỗi tháng" in box


def test_the_communes_rows_stop_at_their_last_month_too(client, leader, luc_ngan_2025):
    login(client, leader)
    rows = {row.unit.code: row for row in client.get("/districts/219/?year=2025").context["data"].rows}
    assert rows["07528"].months_left == 1
    assert rows["07528"].projected_rate == Decimal("96.50")  # 950, 955, 960 → 965 in June
