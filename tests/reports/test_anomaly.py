"""A rate over 100% (more cards than people) is a data error: flagged, never "on track"."""

import datetime as dt
import io
from decimal import Decimal

from openpyxl import load_workbook

from communes.models import Level
from reports import coverage
from tests.conftest import make_counts, unit

from .test_pages import login

JULY = dt.date(2021, 7, 1)


def test_the_status_of_impossible_figures_is_check_the_data():
    assert coverage.exceeds_population(enrolled=10183, population=10000)
    assert not coverage.exceeds_population(enrolled=1000, population=1000)
    # 101,83% meets a 99% target, but it is not a success.
    assert (
        coverage.status(
            rate=Decimal("101.83"),
            target_rate=Decimal("99"),
            met=True,
            projected_rate=None,
            months_left=5,
            anomaly=True,
        )
        == coverage.Status.CHECK_DATA
    )
    # 100,004% shows as 100,00%: the exact comparison still flags it.
    assert (
        coverage.status(
            rate=Decimal("100.00"),
            target_rate=Decimal("99"),
            met=True,
            projected_rate=None,
            months_left=5,
            anomaly=True,
        )
        == coverage.Status.CHECK_DATA
    )
    assert (
        coverage.status(rate=Decimal("100.00"), target_rate=Decimal("99"), met=True, projected_rate=None, months_left=5)
        == coverage.Status.ON_TRACK
    )


def _over(luc_ngan):
    make_counts(unit(Level.COMMUNE, "07525"), JULY, population=1000, enrolled=960)  # Chũ, 96,00%
    make_counts(unit(Level.COMMUNE, "07528"), JULY, population=3000, enrolled=3055)  # Cấm Sơn, 101,83%


def test_a_rate_over_100_percent_is_flagged_in_the_ranking(client, leader, luc_ngan):
    _over(luc_ngan)
    login(client, leader)
    page = client.get("/districts/219/?year=2021").content.decode()
    row = page[page.index('data-code="07528"') :]
    row = row[: row.index("</tr>")]
    assert "101,83%" in row and 'class="badge anomaly"' in row and "kiểm tra số liệu" in row
    assert "Kiểm tra số liệu" in row and "Đúng hướng" not in row
    assert (
        "status-check_data"
        in page[page.rindex("<tr", 0, page.index('data-code="07528"')) : page.index('data-code="07528"') + 40]
    )


def test_the_excel_export_keeps_the_rate_and_adds_the_flag(client, leader, luc_ngan):
    _over(luc_ngan)
    login(client, leader)
    response = client.get("/districts/219/?year=2021&format=xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    header = [c.value for c in sheet[3]]
    rows = [[c.value for c in r] for r in sheet.iter_rows(min_row=4)]
    row = next(r for r in rows if r[header.index("Đơn vị")] == "Xã Cấm Sơn")
    assert row[header.index("Tỷ lệ bao phủ")] == 1.0183  # the number as it is, formatted 101,83%
    assert row[header.index("Tình trạng")] == (
        "Kiểm tra số liệu – Số người tham gia nhiều hơn dân số: kiểm tra lại số liệu."
    )
