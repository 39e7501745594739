"""Every ranking page's `?format=xlsx` holds the rows and totals of the page itself, for every year
with data: the two districts, both provinces (their districts before 7/2025, their own communes
since), the province's communes and the country's provinces.

The page's context is the dashboard or ranking it was drawn from (`data` on a district or province
page and on the communes page, `ranking` on a ranking of districts or provinces); the workbook is
read back cell by cell and matched row by row, in the page's order, with `zip(strict=True)`: a row
missing from either side fails."""

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.db.models import Sum

from communes.models import Enrollment, Level, Population, Unit
from tests.reports.excel_helpers import open_sheet

YEARS = range(2021, 2027)
# (page, the years it has: a district until 6/2025)
PAGES = [
    ("/districts/219/", range(2021, 2026)),
    ("/districts/109/", range(2021, 2026)),
    ("/provinces/12/", YEARS),
    ("/provinces/24/", YEARS),
    ("/provinces/12/communes/", YEARS),
    ("/provinces/24/communes/", YEARS),
    ("/country/", YEARS),
]
HEADERS = {
    "label": "Đơn vị",
    "population": "Dân số",
    "enrolled": "Số người tham gia BHYT",
    "rate": "Tỷ lệ bao phủ",
    "target_rate": "Chỉ tiêu",
    "gap_people": "Còn thiếu (người)",
}


def _percent(value) -> Decimal | None:
    """A rate cell back as the page's percentage (the workbook holds 0,9901 for 99,01%)."""
    return None if value is None else (Decimal(str(value)) * 100).quantize(Decimal("0.01"))


def _sheet_rows(content: bytes) -> tuple[list[dict], dict]:
    """The table's rows and its totals row, each as {field: value} by the columns' headers."""
    sheet = open_sheet(content)
    header = next(r for r in range(1, sheet.max_row + 1) if sheet.cell(row=r, column=2).value == HEADERS["label"])
    titles = [cell.value for cell in sheet[header]]
    columns = {name: titles.index(text) for name, text in HEADERS.items()}
    lines = [[cell.value for cell in sheet[r]] for r in range(header + 1, sheet.max_row + 1)]
    as_dicts = [{name: line[index] for name, index in columns.items()} for line in lines]
    for row in as_dicts:
        row["rate"], row["target_rate"] = _percent(row["rate"]), _percent(row["target_rate"])
    return as_dicts[:-1], as_dicts[-1]


def _expected(row) -> dict:
    return {
        "label": row.label,
        "population": row.population,
        "enrolled": row.enrolled,
        "rate": row.rate,
        "target_rate": row.target_rate,
        "gap_people": row.gap_people,
    }


def _page_table(response):
    """The CoverageTable the page shows."""
    context = response.context
    return context["data"] if "data" in context else context["ranking"].table


@pytest.mark.parametrize("url, years", PAGES, ids=[p[0] for p in PAGES])
def test_the_excel_of_a_ranking_page_holds_the_pages_rows_and_totals_every_year(demo, client, leader, url, years):
    client.force_login(leader)
    with_figures = 0
    for year in years:
        page = client.get(f"{url}?year={year}")
        assert page.status_code == 200, (url, year)
        table = _page_table(page)
        download = client.get(f"{url}?year={year}&format=xlsx")
        assert download["Content-Type"].startswith("application/vnd.openxmlformats"), (url, year)
        rows, total = _sheet_rows(download.content)
        for line, row in zip(rows, table.rows, strict=True):
            assert line == _expected(row), (url, year, row.label)
        assert total == _expected(table.total), (url, year)
        with_figures += any(row.population is not None for row in table.rows) and total["population"] is not None
    # Every year the page exists has figures: the demo runs from 01/2021 to 11/2026.
    assert with_figures == len(years), url


def test_the_2026_province_excel_ranks_its_38_communes_with_octobers_sums_as_total(demo, client, leader):
    """Some communes have not sent November: each commune's line is its latest month, the total the
    last month all have sent (October), summed from the stored counts."""
    client.force_login(leader)
    rows, total = _sheet_rows(client.get("/provinces/12/?year=2026&format=xlsx").content)
    assert len(rows) == 38
    assert all(row["label"].startswith(("Xã ", "Phường ")) for row in rows)
    assert total["target_rate"] is not None and all(row["target_rate"] is not None for row in rows)
    communes = Unit.objects.communes().filter(parent__code="12", parent__level=Level.PROVINCE, valid_to__isnull=True)
    assert communes.count() == 38
    assert Enrollment.objects.filter(unit__in=communes, month=dt.date(2026, 10, 1)).count() == 38
    assert Enrollment.objects.filter(unit__in=communes, month=dt.date(2026, 11, 1)).count() < 38
    october = Enrollment.objects.filter(unit__in=communes, month=dt.date(2026, 10, 1)).aggregate(n=Sum("enrolled"))
    population = Population.objects.filter(unit__in=communes, year=2026).aggregate(n=Sum("population"))
    assert (total["population"], total["enrolled"]) == (population["n"], october["n"])
    assert total["rate"] == (Decimal(october["n"]) * 100 / population["n"]).quantize(Decimal("0.01"), ROUND_HALF_UP)
