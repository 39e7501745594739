"""A document's annex as the workbook the district signed, and the same annex beside the actuals.

Layout of the annex sheet (the import in `reports.excel_import` reads it back by its labels):

    row 1  title (TargetDocument.annex_title)
    row 2  "(Ban hành kèm theo Kế hoạch số … ngày … của UBND huyện …)"
    row 4  TT | Tên xã, thị trấn | Kết quả thực hiện năm 2021 | Kế hoạch năm 2022 – 2025 ……… | Ghi chú
    row 5                       |    (merged with row 4)    | Năm 2022 | Năm 2023 | …       |
    row 6  Dân số | Số người tham gia BHYT | Tỷ lệ bao phủ, once per year
    rows   one per commune (official name), "Tổng cộng", "UBND tỉnh giao", then notes

A third header row carries the plan years: with only two rows a reader could not tell which
year's three columns are which. A year the document sets only for the district (2025 in plan
231, whose commune columns were lost) keeps its three columns, empty for the communes, with the
district's assigned rate on the "UBND tỉnh giao" row and a note saying why.

Totals are values summed by the database, not SUM formulas: every reader (openpyxl, LibreOffice's
CSV export, a phone's viewer) sees the same number without recalculating.
"""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Max, Q, Sum
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from communes.models import Enrollment, Level, Unit
from targets.models import Comparison, FigureKind, Target, TargetDocument
from targets.units import document_units

from . import coverage, series
from .consistency import row_sums
from .dashboard import area_dashboard, area_ranking
from .formatting import fmt_rate
from .xlsx import BOLD, BORDER, HEADER_FILL, print_landscape, safe_text, workbook_bytes, write_cell

POPULATION, ENROLLED, RATE = "population", "enrolled", "rate"
GROUP_FIELDS = (POPULATION, ENROLLED, RATE)
FIRST_GROUP_COLUMN = 3


@dataclass
class Cells:
    population: int | None = None
    enrolled: int | None = None
    rate: Decimal | None = None

    @property
    def empty(self) -> bool:
        return self.population is None and self.enrolled is None and self.rate is None


@dataclass
class AnnexRow:
    unit: Unit
    number: int | None
    printed_name: str
    result: Cells = field(default_factory=Cells)
    plans: dict[int, Cells] = field(default_factory=dict)

    @property
    def name(self) -> str:
        """The official name: a commune as "Khổng Lào", a town with its kind ("Thị trấn Phong Thổ")."""
        return self.unit.name if self.unit.kind == "Xã" else self.unit.full_name


@dataclass
class Annex:
    document: TargetDocument
    result_year: int
    plan_years: list[int]
    rows: list[AnnexRow]
    assigned: dict[int, Decimal]  # the district's rate per year ("UBND tỉnh giao")

    def years_without_communes(self) -> list[int]:
        return [y for y in self.plan_years if not any(not r.plans.get(y, Cells()).empty for r in self.rows)]


def read_annex(document: TargetDocument) -> Annex:
    """The annex as stored: 2021 results as printed (ReportedFigure), plans as printed (Target).

    Read as plain tuples and each unit once: a national plan has ~53.000 targets, and building a
    model instance for each (and one for its unit) took longer than writing the workbook."""
    cells = ("unit_id", "year", "row_number", "printed_name")
    results = list(document.figures.filter(kind=FigureKind.YEAR_RESULT)
                   .values_list(*cells, "population", "enrolled", "rate"))
    targets = list(document.targets.values_list(*cells, "planned_population", "planned_enrolled", "rate"))
    units = Unit.objects.in_bulk({row[0] for row in results} | {row[0] for row in targets})
    result_years = sorted({row[1] for row in results})
    all_years = sorted({row[1] for row in targets})
    result_year = result_years[-1] if result_years else (all_years[0] - 1 if all_years else document.issued_on.year - 1)
    plan_years = [y for y in all_years if y > result_year] or [result_year + 1]
    rows: dict[int, AnnexRow] = {}

    def row_for(unit: Unit, number, printed: str) -> AnnexRow:
        if unit.pk not in rows:
            rows[unit.pk] = AnnexRow(unit=unit, number=number, printed_name=printed)
        return rows[unit.pk]

    for unit_id, year, number, printed, population, enrolled, rate in results:
        if year == result_year:
            row_for(units[unit_id], number, printed).result = Cells(population, enrolled, rate)
    assigned: dict[int, Decimal] = {}
    for unit_id, year, number, printed, population, enrolled, rate in targets:
        if unit_id == document.scope_id:
            assigned[year] = rate
        elif year in plan_years:
            row_for(units[unit_id], number, printed).plans[year] = Cells(population, enrolled, rate)
    if not rows:
        # No annex yet: a blank form with the district's communes, ready to fill in and import.
        for unit in document_units(document).order_by("code"):
            row_for(unit, None, "")
    ordered = sorted(rows.values(), key=lambda r: (r.number is None, r.number or 0, r.unit.code))
    return Annex(document=document, result_year=result_year, plan_years=plan_years, rows=ordered, assigned=assigned)


def annex_totals(annex: Annex) -> dict[tuple[int, bool], Cells]:
    """Column sums computed by the database; the rate is Σ enrolled ÷ Σ population."""
    totals = {}
    for key, sums in row_sums(annex.document).items():
        totals[key] = Cells(
            sums["population"],
            sums["enrolled"],
            coverage.coverage_rate(enrolled=sums["enrolled"], population=sums["population"]),
        )
    return totals


def issued_line(document: TargetDocument) -> str:
    return _("(Ban hành kèm theo %(kind)s số %(number)s ngày %(date)s của %(issuer)s)") % {
        "kind": document.get_kind_display(),
        "number": document.number,
        "date": document.issued_on.strftime("%d/%m/%Y"),
        "issuer": document.issuer,
    }


def annex_title(document: TargetDocument) -> str:
    return document.annex_title or _("CHỈ TIÊU BAO PHỦ BHYT TRÊN ĐỊA BÀN %(unit)s") % {
        "unit": document.scope.full_name.upper()
    }


# -- writing -----------------------------------------------------------------------------------


def _header(sheet: Worksheet, row: int, column: int, text: str, *, rows: int = 1, columns: int = 1) -> None:
    cell = sheet.cell(row=row, column=column, value=safe_text(text))
    cell.font, cell.fill = BOLD, HEADER_FILL
    cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for r in range(row, row + rows):
        for c in range(column, column + columns):
            sheet.cell(row=r, column=c).border = BORDER
            sheet.cell(row=r, column=c).fill = HEADER_FILL
    if rows > 1 or columns > 1:
        sheet.merge_cells(start_row=row, start_column=column, end_row=row + rows - 1, end_column=column + columns - 1)


def _group_headers(sheet: Worksheet, row: int, column: int) -> None:
    for offset, label in enumerate((_("Dân số"), _("Số người tham gia BHYT"), _("Tỷ lệ bao phủ"))):
        _header(sheet, row, column + offset, label)


def _title(sheet: Worksheet, row: int, text: str, last_column: int, *, size: int = 13, bold: bool = True) -> None:
    cell = sheet.cell(row=row, column=1, value=safe_text(text))
    cell.font = Font(bold=bold, italic=not bold, size=size)
    cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=last_column)


def _write_group(sheet: Worksheet, row: int, column: int, cells: Cells, *, bold: bool = False) -> None:
    for offset, (kind, value) in enumerate(
        (("count", cells.population), ("count", cells.enrolled), ("rate", cells.rate))
    ):
        cell = write_cell(sheet, row, column + offset, value, kind)
        if bold:
            cell.font = BOLD


def _set_widths(sheet: Worksheet, last_column: int) -> None:
    sheet.column_dimensions["A"].width = 5
    sheet.column_dimensions["B"].width = 24
    for column in range(FIRST_GROUP_COLUMN, last_column):
        kind = (column - FIRST_GROUP_COLUMN) % 3
        sheet.column_dimensions[get_column_letter(column)].width = (11, 12, 10)[kind]
    sheet.column_dimensions[get_column_letter(last_column)].width = 30


def annex_sheet(sheet: Worksheet, annex: Annex) -> None:
    document = annex.document
    groups = 1 + len(annex.plan_years)
    note_column = FIRST_GROUP_COLUMN + 3 * groups
    sheet.title = _("Phụ lục")
    _title(sheet, 1, annex_title(document), note_column)
    _title(sheet, 2, issued_line(document), note_column, size=11, bold=False)
    sheet.row_dimensions[1].height = 22
    _header(sheet, 4, 1, _("TT"), rows=3)
    _header(sheet, 4, 2, _("Tên xã, thị trấn"), rows=3)
    _header(sheet, 4, 3, _("Kết quả thực hiện năm %(year)s") % {"year": annex.result_year}, rows=2, columns=3)
    plan_label = _("Kế hoạch năm %(first)s – %(last)s") % {"first": annex.plan_years[0], "last": annex.plan_years[-1]}
    if len(annex.plan_years) == 1:
        plan_label = _("Kế hoạch năm %(year)s") % {"year": annex.plan_years[0]}
    _header(sheet, 4, 6, plan_label, columns=3 * len(annex.plan_years))
    for index, year in enumerate(annex.plan_years):
        _header(sheet, 5, 6 + 3 * index, _("Năm %(year)s") % {"year": year}, columns=3)
    _header(sheet, 4, note_column, _("Ghi chú"), rows=3)
    for index in range(groups):
        _group_headers(sheet, 6, FIRST_GROUP_COLUMN + 3 * index)
    sheet.row_dimensions[6].height = 45

    line = 6
    for number, row in enumerate(annex.rows, start=1):
        line += 1
        write_cell(sheet, line, 1, row.number or number, "count")
        write_cell(sheet, line, 2, row.name)
        _write_group(sheet, line, FIRST_GROUP_COLUMN, row.result)
        for index, year in enumerate(annex.plan_years):
            _write_group(sheet, line, 6 + 3 * index, row.plans.get(year, Cells()))
        note = ""
        if row.printed_name and row.printed_name != row.name:
            note = _("Phụ lục in: %(name)s") % {"name": row.printed_name}
        write_cell(sheet, line, note_column, note)

    totals = annex_totals(annex)
    line += 1
    write_cell(sheet, line, 1, "")
    write_cell(sheet, line, 2, _("Tổng cộng")).font = BOLD
    _write_group(sheet, line, FIRST_GROUP_COLUMN, totals.get((annex.result_year, False), Cells()), bold=True)
    for index, year in enumerate(annex.plan_years):
        _write_group(sheet, line, 6 + 3 * index, totals.get((year, True), Cells()), bold=True)
    write_cell(sheet, line, note_column, _("Cộng từ các dòng; tỷ lệ = Σ tham gia ÷ Σ dân số"))

    line += 1
    write_cell(sheet, line, 1, "")
    write_cell(sheet, line, 2, _("UBND tỉnh giao")).font = BOLD
    _write_group(sheet, line, FIRST_GROUP_COLUMN, Cells(rate=annex.assigned.get(annex.result_year)), bold=True)
    for index, year in enumerate(annex.plan_years):
        _write_group(sheet, line, 6 + 3 * index, Cells(rate=annex.assigned.get(year)), bold=True)
    write_cell(sheet, line, note_column, "")

    line += 1
    for year in annex.years_without_communes():
        line += 1
        text = _(
            "Năm %(year)s: văn bản chỉ còn tỷ lệ giao cho huyện (%(rate)s); số liệu của các xã không có "
            "trong bản lưu, các ô để trống."
        ) % {"year": year, "rate": fmt_rate(annex.assigned.get(year))}
        _note(sheet, line, text, note_column)
    line += 1
    _note(sheet, line, _("Tỷ lệ của từng xã là tỷ lệ văn bản in; dòng Tổng cộng được tính lại từ các dòng."),
          note_column)

    sheet.freeze_panes = "C7"
    sheet.print_title_rows = "4:6"
    _set_widths(sheet, note_column)
    print_landscape(sheet)


def _note(sheet: Worksheet, row: int, text: str, last_column: int) -> None:
    cell = sheet.cell(row=row, column=1, value=safe_text(text))
    cell.font = Font(italic=True, size=10)
    sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=last_column)


def annex_workbook(document: TargetDocument) -> bytes:
    # The annex is a Vietnamese official document (and the import reads its labels): always vi.
    with translation.override("vi"):
        workbook = Workbook()
        annex_sheet(workbook.active, read_annex(document))
        workbook.properties.title = annex_title(document)
        return workbook_bytes(workbook)


def annex_filename(document: TargetDocument, suffix: str = "") -> str:
    number = "".join(ch if ch.isalnum() else "-" for ch in document.number).strip("-")
    return f"phu-luc-{number}-{document.issued_on:%Y%m%d}{suffix}.xlsx"


# -- the annex beside the actuals ---------------------------------------------------------------


@dataclass
class Actual:
    population: int | None
    enrolled: int | None
    as_of: dt.date | None
    target_rate: Decimal | None
    strictly_above: bool = False
    inherited: bool = False  # the district's rate, for a commune without its own (marked *)

    @property
    def rate(self) -> Decimal | None:
        return coverage.coverage_rate(enrolled=self.enrolled, population=self.population)

    @property
    def gap(self) -> int | None:
        return coverage.gap_people(target_rate=self.target_rate, population=self.population,
                                   enrolled=self.enrolled, strictly_above=self.strictly_above)

    @property
    def status(self) -> str:
        if self.target_rate is None:
            return _("Không có chỉ tiêu")
        if self.population is None or self.enrolled is None:
            return _("Chưa có số liệu")
        return _("Đạt") if self.gap == 0 else _("Chưa đạt")


ACTUAL_HEADERS = (
    ("rate", gettext_noop("Chỉ tiêu")),
    ("count", gettext_noop("Dân số")),
    ("count", gettext_noop("Số người tham gia BHYT")),
    ("rate", gettext_noop("Tỷ lệ bao phủ")),
    ("count", gettext_noop("Còn thiếu (người)")),
    ("text", gettext_noop("Đánh giá")),
)


def latest_month(units) -> dt.date | None:
    return Enrollment.objects.filter(unit__in=units).aggregate(latest=Max("month"))["latest"]


def _figures(units, *, year: int | None = None, month: dt.date | None = None):
    """Units annotated with population and enrolled (a year's last month, or the given month),
    and the sums over the units that have both, computed by the database."""
    annotated = units.with_month_figures(month) if month else units.with_year_figures(year)
    complete = Q(population_value__isnull=False, enrolled_value__isnull=False)
    sums = annotated.order_by().aggregate(
        population=Sum("population_value", filter=complete),
        enrolled=Sum("enrolled_value", filter=complete),
        reported=Count("pk", filter=complete),
    )
    return by_line(annotated), sums


def by_line(units) -> dict:
    """Units keyed by the annex line they fill: their code (a commune that became a town under the
    same code, Biển Động on 01/01/2025, is the same line in both years), the unit in force at the
    year's end taking it; an earlier bearer of the code that year (Bắc Giang before Bắc Ninh, both
    24 in 2025) gets a line of its own."""
    ordered = sorted(units, key=lambda u: (u.code, u.valid_to is None, u.valid_to or dt.date.max))
    keyed = {}
    for unit in ordered:
        if unit.code in keyed:
            earlier = keyed.pop(unit.code)
            keyed[f"{earlier.code}@{earlier.valid_to:%Y-%m-%d}"] = earlier
        keyed[unit.code] = unit
    return keyed


@dataclass
class AreaFigure:
    """A province's figures as the national ranking shows them: Σ over its communes."""

    pk: int
    code: str
    full_name: str
    population_value: int | None
    enrolled_value: int | None
    enrolled_month: dt.date | None
    valid_to: dt.date | None = None


def _province_figures(year: int, month: dt.date | None):
    """The national page's figures: each province's communes summed at its latest month of the
    year (or at the given month), and the country's total, from the same selector."""
    country = Unit.objects.country()
    if month is None:
        ranking = area_ranking(root=country, areas=Unit.objects.provinces(), year=year, label="")
        rows, total = ranking.table.rows, ranking.table.total
        figures = [AreaFigure(r.unit.pk, r.unit.code, r.unit.full_name, r.population, r.enrolled, r.as_of,
                              r.unit.valid_to) for r in rows]
        return by_line(figures), {"population": total.population, "enrolled": total.enrolled}
    provinces = list(Unit.objects.provinces().in_force(month))
    sums = series.area_sums(provinces, start=month, end=month)
    figures = []
    for province in provinces:
        figure = sums.get(province.pk, {}).get(month)
        figures.append(AreaFigure(province.pk, province.code, province.full_name,
                                  figure.population if figure else None, figure.enrolled if figure else None,
                                  month if figure else None, province.valid_to))
    counted = [f for f in figures if f.population_value is not None]
    return by_line(figures), {"population": sum(f.population_value for f in counted) if counted else None,
                     "enrolled": sum(f.enrolled_value for f in counted) if counted else None}


def _dashboard_total(document: TargetDocument, year: int, sums: dict) -> dict:
    """The year's total as the scope's dashboard shows it: its communes' Σ at the scope's latest
    complete month of the year (Σ of each commune's own last month where the scope has no page
    that ranks its communes, a province before 7/2025)."""
    scope = document.scope
    if not Unit.objects.communes().filter(parent=scope).in_force_during(dt.date(year, 1, 1), dt.date(year, 12, 31)) \
            .exists():
        return sums
    total = area_dashboard(scope, year).table.total
    return {"population": total.population, "enrolled": total.enrolled}


def units_of_scope(document: TargetDocument):
    """Every unit the document's scope ever held at the annex's level."""
    if document.scope.level == Level.COUNTRY:
        return Unit.objects.provinces()
    return Unit.objects.communes().within(document.scope)


def units_of_year(document: TargetDocument, year: int):
    """The units a year's figures are read on: those under the document's scope in that year, as
    the scope's dashboard ranks them (never the units of the document's date, which may have ended):
    a province's own communes once it has them (2025 ranks the communes of 7/2025), else those of
    its districts."""
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    own = Unit.objects.communes().filter(parent=document.scope).in_force_during(first, last)
    if document.scope.level != Level.COUNTRY and own.exists():
        return own
    return units_of_scope(document).in_force_during(first, last)


def _actual_groups(annex: Annex) -> list[tuple[str, int, dt.date | None]]:
    groups = [(_("Năm %(year)s") % {"year": y}, y, None) for y in [annex.result_year, *annex.plan_years]]
    scope = Unit.objects.communes() if annex.document.scope.level == Level.COUNTRY else None
    month = latest_month(scope if scope is not None else units_of_scope(annex.document))
    if month is not None:
        groups.append((_("Tháng %(month)s (mới nhất)") % {"month": f"{month:%m/%Y}"}, month.year, month))
    return groups


def _lines(annex: Annex, computed) -> list[tuple[str, str, str]]:
    """(code, TT, name) of every line: the annex's rows, then units some year has that the annex
    does not name (a town formed later, a commune that joined the scope)."""
    lines = [(row.unit.code, row.number, row.name) for row in annex.rows]
    named = {code for code, _number, _name in lines}
    extra = {}
    for by_code, _sums in computed:
        for code, unit in by_code.items():
            if code not in named:
                extra[code] = unit.full_name
    return lines + [(code, None, name) for code, name in sorted(extra.items())]


def actuals_sheet(sheet: Worksheet, annex: Annex) -> None:
    document = annex.document
    groups = _actual_groups(annex)
    width = len(ACTUAL_HEADERS)
    last_column = 2 + width * len(groups)
    sheet.title = _("Kế hoạch và thực hiện")
    _title(sheet, 1, annex_title(document) + " – " + _("KẾ HOẠCH VÀ THỰC HIỆN"), last_column)
    _title(sheet, 2, issued_line(document), last_column, size=11, bold=False)
    _header(sheet, 4, 1, _("TT"), rows=2)
    _header(sheet, 4, 2, _("Tên đơn vị"), rows=2)
    targets = {(t.unit_id, t.year): t for t in document.targets.all()}
    computed = []
    inherited = False
    for index, (label, year, month) in enumerate(groups):
        column = 3 + width * index
        _header(sheet, 4, column, label, columns=width)
        for offset, (_kind, text) in enumerate(ACTUAL_HEADERS):
            _header(sheet, 5, column + offset, _(text))
        if document.scope.level == Level.COUNTRY:
            computed.append(_province_figures(year, month))
            continue
        units = units_of_year(document, year)
        if month is not None:
            units = units.in_force(month)
        by_code, sums = _figures(units, year=year, month=month)
        computed.append((by_code, sums if month is not None else _dashboard_total(document, year, sums)))
    line = 5
    for number, (code, printed_number, name) in enumerate(_lines(annex, computed), start=1):
        line += 1
        write_cell(sheet, line, 1, printed_number or number, "count")
        write_cell(sheet, line, 2, name)
        for index, (_label, year, _month) in enumerate(groups):
            unit = computed[index][0].get(code)
            if unit is None:
                continue  # not a unit of the scope that year
            # As on the dashboard: a commune without its own target for the year is measured
            # against the scope's (2025 in plan 231, whose commune columns were lost), marked *.
            own = targets.get((unit.pk, year))
            target = own or targets.get((document.scope_id, year))
            inherited = inherited or (own is None and target is not None)
            actual = Actual(unit.population_value, unit.enrolled_value, unit.enrolled_month,
                            target.rate if target else None,
                            bool(target and target.comparison == Comparison.MORE_THAN),
                            inherited=own is None and target is not None)
            _write_actual(sheet, line, 3 + width * index, actual)
    line += 1
    write_cell(sheet, line, 1, "")
    write_cell(sheet, line, 2, _("Tổng cộng")).font = BOLD
    for index, (_label, year, _month) in enumerate(groups):
        sums = computed[index][1]
        scope_target: Target | None = targets.get((document.scope_id, year))
        actual = Actual(sums["population"], sums["enrolled"], None, scope_target.rate if scope_target else None,
                        bool(scope_target and scope_target.comparison == Comparison.MORE_THAN))
        _write_actual(sheet, line, 3 + width * index, actual, bold=True)
    line += 2
    _note(sheet, line, _(
        "Mỗi năm tính trên các đơn vị của địa bàn trong năm đó, như trang theo dõi (ô trống: đơn vị không thuộc địa "
        "bàn năm đó). Chỉ tiêu của đơn vị là tỷ lệ kế hoạch văn bản in; dòng Tổng cộng so với tỷ lệ giao cho cả địa "
        "bàn. Số người tham gia của năm là số của tháng cuối năm có số liệu; tỷ lệ = Σ tham gia ÷ Σ dân số; còn "
        "thiếu = làm tròn lên (chỉ tiêu × dân số) − số người tham gia."), last_column)
    sheet.row_dimensions[line].height = 30
    if inherited:
        line += 1
        _note(sheet, line, _(INHERITED_NOTE), last_column)
        sheet.row_dimensions[line].height = 30
    sheet.freeze_panes = "C6"
    sheet.print_title_rows = "4:5"
    sheet.column_dimensions["A"].width = 5
    sheet.column_dimensions["B"].width = 24
    for column in range(3, last_column + 1):
        sheet.column_dimensions[get_column_letter(column)].width = (9, 10, 11, 9, 10, 11)[(column - 3) % width]
    print_landscape(sheet)


INHERITED_NOTE = gettext_noop(
    "* Xã không có chỉ tiêu riêng trong năm: dùng chỉ tiêu chung của huyện (UBND tỉnh giao), như trên trang theo "
    "dõi của huyện.")


def _write_actual(sheet: Worksheet, row: int, column: int, actual: Actual, *, bold: bool = False) -> None:
    values = (actual.target_rate, actual.population, actual.enrolled, actual.rate, actual.gap, actual.status)
    for offset, ((kind, _text), value) in enumerate(zip(ACTUAL_HEADERS, values, strict=True)):
        cell = write_cell(sheet, row, column + offset, value, kind)
        if bold:
            cell.font = BOLD
        if offset == 0 and actual.inherited:
            # The rate stays a number; the format shows the mark the note explains.
            cell.number_format = cell.number_format + '"*"'


def annex_actuals_workbook(document: TargetDocument) -> bytes:
    with translation.override("vi"):
        workbook = Workbook()
        annex = read_annex(document)
        actuals_sheet(workbook.active, annex)
        annex_sheet(workbook.create_sheet(), annex)
        return workbook_bytes(workbook)
