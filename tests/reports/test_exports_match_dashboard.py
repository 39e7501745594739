"""Every export of a year uses the units of that year, and says what the dashboard says; a document's
annex says what the document stores. (The ranking pages' Excel: test_rankings_match_excel.py.)"""

import datetime as dt
import io
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

from openpyxl import load_workbook

from communes.models import Level, Role, Unit
from reports.annex_actuals import annex_actuals_workbook
from reports.dashboard import area_dashboard, area_ranking
from reports.excel_annex import read_annex
from targets.models import FigureKind, TargetDocument
from tests.conftest import make_user
from tests.reports.factories import make_document


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


def _rate(population, enrolled) -> Decimal | None:
    if population is None or enrolled is None or not population:
        return None
    return (Decimal(enrolled) * 100 / population).quantize(Decimal("0.01"), ROUND_HALF_UP)


def _stored(document: TargetDocument):
    """The annex as the database holds it: each unit's result of the result year and its plan per
    year, and the column sums (Σ population, Σ enrolled, then the rate), added up here."""
    results = document.figures.filter(kind=FigureKind.YEAR_RESULT)
    result_year = max(results.values_list("year", flat=True), default=None)
    plans = document.targets.exclude(unit=document.scope)
    plan_years = sorted({y for y in plans.values_list("year", flat=True) if result_year is None or y > result_year})
    lines: dict[int, dict] = defaultdict(dict)
    for unit_id, population, enrolled, rate in results.filter(year=result_year).values_list(
        "unit_id", "population", "enrolled", "rate"
    ):
        lines[unit_id]["result"] = (population, enrolled, rate)
    for unit_id, year, population, enrolled, rate in plans.filter(year__in=plan_years).values_list(
        "unit_id", "year", "planned_population", "planned_enrolled", "rate"
    ):
        lines[unit_id][year] = (population, enrolled, rate)
    groups = ["result", *plan_years]
    totals = []
    for group in groups:
        cells = [line[group] for line in lines.values() if group in line and line[group][0] is not None]
        population = sum(c[0] for c in cells) if cells else None
        enrolled = sum(c[1] for c in cells) if cells else None
        totals.append((population, enrolled, _rate(population, enrolled)))
    units = Unit.objects.in_bulk(list(lines))
    rows = sorted(
        (units[unit_id].name if units[unit_id].kind == "Xã" else units[unit_id].full_name,)
        + tuple(line.get(group, (None, None, None)) for group in groups)
        for unit_id, line in lines.items()
    )
    return rows, totals


def _annex_sheet(content: bytes, groups: int):
    """The annex's commune lines (name and each group's three cells) and its Tổng cộng line."""
    sheet = load_workbook(io.BytesIO(content)).worksheets[0]

    def cells(r: int, column: int) -> tuple:
        population, enrolled, rate = (sheet.cell(row=r, column=column + i).value for i in range(3))
        return population, enrolled, None if rate is None else (Decimal(str(rate)) * 100).quantize(Decimal("0.01"))

    end = next(r for r in range(7, sheet.max_row + 1) if sheet.cell(row=r, column=2).value == "Tổng cộng")
    rows = [(sheet.cell(row=r, column=2).value, *(cells(r, 3 + 3 * g) for g in range(groups))) for r in range(7, end)]
    return sorted(rows), [cells(end, 3 + 3 * g) for g in range(groups)]


def test_every_documents_annex_xlsx_totals_are_the_sums_of_its_stored_rows(demo, client, leader):
    client.force_login(leader)
    checked = set()
    for document in TargetDocument.objects.select_related("scope").order_by("pk"):
        rows, totals = _stored(document)
        if not rows:
            continue  # a document without an annex: its workbook is a blank form
        response = client.get(f"/documents/{document.pk}/annex.xlsx")
        assert response.status_code == 200, document.number
        sheet_rows, sheet_totals = _annex_sheet(response.content, len(totals))
        for line, row in zip(sheet_rows, rows, strict=True):
            assert line == row, (document.number, row[0])
        for group, (sheet_total, total) in enumerate(zip(sheet_totals, totals, strict=True)):
            assert sheet_total == total, (document.number, group)
        checked.add(document.number)
        if document.number == "231/KH-UBND":  # the plan's column totals, as DOMAIN.md reads them
            assert [rate for _, _, rate in totals[1:]] == [Decimal("96.05"), Decimal("96.11"), Decimal("96.15")]
    # Directive 05-CT/HU has no annex; the plan, the national decision and the three provincial plans do.
    assert checked == {"231/KH-UBND", "2215/QĐ-TTg", "08/KH-UBND", "21/KH-UBND", "112/QĐ-UBND"}


def test_a_national_plan_listing_communes_gets_each_communes_actuals_as_its_provinces_dashboard(demo):
    communes = Unit.objects.communes().filter(parent__level=Level.PROVINCE).in_force(dt.date(2026, 1, 5))
    plan = make_document(Unit.objects.country(), year=2026, units=communes)  # each commune's 90,00%
    sheet = load_workbook(io.BytesIO(annex_actuals_workbook(plan))).worksheets[0]
    column = next(c for c, label in _groups(sheet) if label == "Năm 2026")
    numbered = dict(plan.targets.exclude(unit=plan.scope).values_list("unit_id", "row_number"))
    lines = {sheet.cell(row=r, column=1).value: r for r in range(6, sheet.max_row + 1)}
    expected = {}
    for province in Unit.objects.provinces().in_force(dt.date(2026, 1, 1)):
        dashboard = area_dashboard(province, 2026)
        expected.update({row.unit.pk: row for row in dashboard.table.rows if row.population is not None})
    assert len(expected) > 100  # Lai Châu's and Bắc Ninh's communes
    assert _lines(sheet, column) == len(expected)
    for unit_id, row in expected.items():
        line = lines[numbered[unit_id]]
        assert (sheet.cell(row=line, column=column + 1).value, sheet.cell(row=line, column=column + 2).value) == (
            row.population,
            row.enrolled,
        ), row.unit.full_name
        assert sheet.cell(row=line, column=column).value == 0.9  # the commune's own rate, not the country's
    # Its lines are the annex's communes: no province is added as a line of its own.
    names = {sheet.cell(row=r, column=2).value for r in range(6, sheet.max_row + 1)}
    assert "Tỉnh Lai Châu" not in names and "Tỉnh Bắc Ninh" not in names
    total, _rows = _dashboard(plan, 2026)
    assert _total(sheet, column) == (total.population, total.enrolled)


def test_a_national_plan_naming_one_provinces_communes_has_their_lines_only(demo):
    lai_chau = Unit.objects.for_url(Level.PROVINCE, "12", year=2026)
    communes = Unit.objects.communes().filter(parent=lai_chau).in_force(dt.date(2026, 1, 5))
    plan = make_document(Unit.objects.country(), year=2026, units=communes)
    sheet = load_workbook(io.BytesIO(annex_actuals_workbook(plan))).worksheets[0]
    column = next(c for c, label in _groups(sheet) if label == "Năm 2026")
    end = next(r for r in range(6, sheet.max_row + 1) if sheet.cell(row=r, column=2).value == "Tổng cộng")
    # Not the country's other 3.283 communes as lines of their own: the 38 it names.
    assert end - 6 == communes.count() == 38
    dashboard = area_dashboard(lai_chau, 2026)
    assert _lines(sheet, column) == len([r for r in dashboard.table.rows if r.population is not None])


def test_a_provinces_commune_without_its_own_target_is_measured_against_the_provinces_and_the_note_says_so(demo):
    plan = TargetDocument.objects.get(number="08/KH-UBND")  # Lai Châu's 2026 plan
    province_rate = plan.targets.get(unit=plan.scope, year=2026).rate
    dropped = plan.targets.exclude(unit=plan.scope).order_by("row_number").first()
    name = dropped.unit.full_name  # now a line the annex does not name: its full name
    dropped.delete()
    sheet = load_workbook(io.BytesIO(annex_actuals_workbook(plan))).worksheets[0]
    column = next(c for c, label in _groups(sheet) if label == "Năm 2026")
    line = next(r for r in range(6, sheet.max_row + 1) if sheet.cell(row=r, column=2).value == name)
    target = sheet.cell(row=line, column=column)
    assert Decimal(str(target.value)) * 100 == province_rate and target.number_format.endswith('"*"')
    notes = [c.value for c in sheet["A"] if isinstance(c.value, str) and c.value.startswith("* ")]
    assert notes == [
        "* Xã không có chỉ tiêu riêng trong năm: dùng chỉ tiêu chung của tỉnh, như trên trang theo dõi của tỉnh."
    ]
