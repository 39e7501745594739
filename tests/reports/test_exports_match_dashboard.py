"""Every export of a year uses the units of that year, and says what the dashboard says."""

import io

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from communes.models import Level, Role, Unit
from reports.annex_actuals import annex_actuals_workbook
from reports.dashboard import area_dashboard, area_ranking
from reports.excel_annex import read_annex
from targets.models import TargetDocument
from tests.conftest import make_user


@pytest.fixture
def demo(db, settings, now_is):
    settings.DEBUG = True
    call_command("load_demo_figures", stdout=io.StringIO())


def _groups(sheet) -> list[tuple[int, str]]:
    """(first column, label) of each year or month group in the actuals sheet's header row."""
    return [
        (c, sheet.cell(row=4, column=c).value)
        for c in range(3, sheet.max_column + 1, 6)
        if sheet.cell(row=4, column=c).value
    ]


def _total(sheet, column: int) -> tuple:
    row = next(r for r in range(6, sheet.max_row + 1) if sheet.cell(row=r, column=2).value == "Tổng cộng")
    return sheet.cell(row=row, column=column + 1).value, sheet.cell(row=row, column=column + 2).value


def _lines(sheet, column: int) -> int:
    """Lines with a population in the group: the units it counts."""
    return sum(
        1
        for r in range(6, sheet.max_row + 1)
        if sheet.cell(row=r, column=2).value not in (None, "Tổng cộng")
        and sheet.cell(row=r, column=column + 1).value is not None
    )


def _dashboard(document: TargetDocument, year: int):
    if document.scope.level == Level.COUNTRY:
        ranking = area_ranking(root=document.scope, areas=Unit.objects.provinces(), year=year, label="")
        return ranking.table.total, [r for r in ranking.table.rows if r.population is not None]
    dashboard = area_dashboard(document.scope, year)
    return dashboard.table.total, [r for r in dashboard.table.rows if r.population is not None]


def test_every_documents_actuals_equal_its_dashboard_for_every_year(demo):
    checked = 0
    for document in TargetDocument.objects.select_related("scope"):
        sheet = load_workbook(io.BytesIO(annex_actuals_workbook(document))).worksheets[0]
        annex = read_annex(document)
        years = [annex.result_year, *annex.plan_years]
        for (column, label), year in zip(_groups(sheet), years, strict=False):
            assert label == f"Năm {year}"
            total, rows = _dashboard(document, year)
            assert _total(sheet, column) == (total.population, total.enrolled), (document.number, year)
            assert _lines(sheet, column) == len(rows), (document.number, year)
            checked += 1
    assert checked >= 12


def test_directive_05s_2025_is_the_districts_19_communes_as_on_its_dashboard(demo, client):
    directive = TargetDocument.objects.get(number="05-CT/HU")
    sheet = load_workbook(io.BytesIO(annex_actuals_workbook(directive))).worksheets[0]
    column = next(c for c, label in _groups(sheet) if label == "Năm 2025")
    district = Unit.objects.for_url(Level.DISTRICT, "219", year=2025)
    total = area_dashboard(district, 2025).table.total
    assert _lines(sheet, column) == 19
    assert _total(sheet, column) == (total.population, total.enrolled)
    # The district's own Excel says the same.
    client.force_login(make_user("leader_all", Role.LEADER, None))
    ranking = load_workbook(io.BytesIO(client.get("/districts/219/?year=2025&format=xlsx").content)).active
    row = next(r for r in range(1, ranking.max_row + 1) if ranking.cell(row=r, column=2).value == "Tổng cộng")
    assert (ranking.cell(row=row, column=3).value, ranking.cell(row=row, column=4).value) == (
        total.population,
        total.enrolled,
    )
