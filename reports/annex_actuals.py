"""A document's annex beside the actuals: each year (and the latest month) read on the units of that
year, as the scope's dashboard reads them, with the gap to each target in people."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Max
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from openpyxl import Workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from communes.models import Enrollment, Level, Unit
from targets.models import Comparison, Target, TargetDocument

from . import coverage, series
from .dashboard import area_dashboard, area_ranking
from .excel_annex import (
    Annex,
    annex_sheet,
    annex_title,
    issued_line,
    read_annex,
    write_header,
    write_note,
    write_title,
)
from .xlsx import BOLD, print_landscape, workbook_bytes, write_cell


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
        return coverage.gap_people(
            target_rate=self.target_rate,
            population=self.population,
            enrolled=self.enrolled,
            strictly_above=self.strictly_above,
        )

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
    return by_line(annotated), annotated.complete_sums()


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
        figures = [
            AreaFigure(r.unit.pk, r.unit.code, r.unit.full_name, r.population, r.enrolled, r.as_of, r.unit.valid_to)
            for r in rows
        ]
        return by_line(figures), {"population": total.population, "enrolled": total.enrolled}
    provinces = list(Unit.objects.provinces().in_force(month))
    sums = series.area_sums(provinces, start=month, end=month)
    figures = []
    for province in provinces:
        figure = sums.get(province.pk, {}).get(month)
        figures.append(
            AreaFigure(
                province.pk,
                province.code,
                province.full_name,
                figure.population if figure else None,
                figure.enrolled if figure else None,
                month if figure else None,
                province.valid_to,
            )
        )
    counted = [f for f in figures if f.population_value is not None]
    return by_line(figures), {
        "population": sum(f.population_value for f in counted) if counted else None,
        "enrolled": sum(f.enrolled_value for f in counted) if counted else None,
    }


def _dashboard_total(document: TargetDocument, year: int, sums: dict) -> dict:
    """The year's total as the scope's dashboard shows it: its communes' Σ at the scope's latest
    complete month of the year (Σ of each commune's own last month where the scope has no page
    that ranks its communes, a province before 7/2025); the country's as its national page shows it."""
    scope = document.scope
    if scope.level == Level.COUNTRY:
        return _province_figures(year, None)[1]
    if (
        not Unit.objects.communes()
        .filter(parent=scope)
        .in_force_during(dt.date(year, 1, 1), dt.date(year, 12, 31))
        .exists()
    ):
        return sums
    total = area_dashboard(scope, year).table.total
    return {"population": total.population, "enrolled": total.enrolled}


def lists_communes(annex: Annex) -> bool:
    """Whether the annex's lines are communes: always under a province or district; a national
    document's annex lists provinces, or communes (every commune, or some provinces')."""
    return annex.document.scope.level != Level.COUNTRY or any(row.unit.level == Level.COMMUNE for row in annex.rows)


def units_of_scope(document: TargetDocument):
    """Every commune the document's scope ever held."""
    if document.scope.level == Level.COUNTRY:
        return Unit.objects.communes()
    return Unit.objects.communes().within(document.scope)


def units_of_year(document: TargetDocument, year: int):
    """The communes a year's figures are read on: those under the document's scope in that year, as
    the scope's dashboard ranks them (never the units of the document's date, which may have ended):
    a province's own communes once it has them (2025 ranks the communes of 7/2025), else those of
    its districts; for the country, the provinces' own communes once there are any, else all."""
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    communes = Unit.objects.communes()
    if document.scope.level == Level.COUNTRY:
        own = communes.filter(parent__level=Level.PROVINCE).in_force_during(first, last)
    else:
        own = communes.filter(parent=document.scope).in_force_during(first, last)
    if own.exists():
        return own
    return units_of_scope(document).in_force_during(first, last)


def _actual_groups(annex: Annex) -> list[tuple[str, int, dt.date | None]]:
    groups = [(_("Năm %(year)s") % {"year": y}, y, None) for y in [annex.result_year, *annex.plan_years]]
    month = latest_month(units_of_scope(annex.document))
    if month is not None:
        groups.append((_("Tháng %(month)s (mới nhất)") % {"month": f"{month:%m/%Y}"}, month.year, month))
    return groups


def _lines(annex: Annex, computed, *, of_communes: bool) -> list[tuple[str, str, str]]:
    """(code, TT, name) of every line: the annex's rows, then units some year has that the annex
    does not name (a town formed later, a commune that joined the scope). Not in a national annex
    of communes: one that names some provinces' communes would gain every other commune of the
    country as a line; its total is the country's either way."""
    lines = [(row.unit.code, row.number, row.name) for row in annex.rows]
    if annex.document.scope.level == Level.COUNTRY and of_communes:
        return lines
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
    write_title(sheet, 1, annex_title(document) + " – " + _("KẾ HOẠCH VÀ THỰC HIỆN"), last_column)
    write_title(sheet, 2, issued_line(document), last_column, size=11, bold=False)
    write_header(sheet, 4, 1, _("TT"), rows=2)
    write_header(sheet, 4, 2, _("Tên đơn vị"), rows=2)
    targets = {(t.unit_id, t.year): t for t in document.targets.all()}
    computed = []
    inherited = False
    communes = lists_communes(annex)
    for index, (label, year, month) in enumerate(groups):
        column = 3 + width * index
        write_header(sheet, 4, column, label, columns=width)
        for offset, (_kind, text) in enumerate(ACTUAL_HEADERS):
            write_header(sheet, 5, column + offset, _(text))
        if not communes:
            computed.append(_province_figures(year, month))
            continue
        units = units_of_year(document, year)
        if month is not None:
            units = units.in_force(month)
        by_code, sums = _figures(units, year=year, month=month)
        computed.append((by_code, sums if month is not None else _dashboard_total(document, year, sums)))
    line = 5
    for number, (code, printed_number, name) in enumerate(_lines(annex, computed, of_communes=communes), start=1):
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
            actual = Actual(
                unit.population_value,
                unit.enrolled_value,
                unit.enrolled_month,
                target.rate if target else None,
                bool(target and target.comparison == Comparison.MORE_THAN),
                inherited=own is None and target is not None,
            )
            _write_actual(sheet, line, 3 + width * index, actual)
    line += 1
    write_cell(sheet, line, 1, "")
    write_cell(sheet, line, 2, _("Tổng cộng")).font = BOLD
    for index, (_label, year, _month) in enumerate(groups):
        sums = computed[index][1]
        scope_target: Target | None = targets.get((document.scope_id, year))
        actual = Actual(
            sums["population"],
            sums["enrolled"],
            None,
            scope_target.rate if scope_target else None,
            bool(scope_target and scope_target.comparison == Comparison.MORE_THAN),
        )
        _write_actual(sheet, line, 3 + width * index, actual, bold=True)
    line += 2
    write_note(
        sheet,
        line,
        _(
            "Mỗi năm tính trên các đơn vị của địa bàn trong năm đó, như trang theo dõi (ô trống: đơn vị không thuộc địa "
            "bàn năm đó). Chỉ tiêu của đơn vị là tỷ lệ kế hoạch văn bản in; dòng Tổng cộng so với tỷ lệ giao cho cả địa "
            "bàn. Số người tham gia của năm là số của tháng cuối năm có số liệu; tỷ lệ = Σ tham gia ÷ Σ dân số; còn "
            "thiếu = làm tròn lên (chỉ tiêu × dân số) − số người tham gia."
        ),
        last_column,
    )
    sheet.row_dimensions[line].height = 30
    if inherited:
        line += 1
        write_note(sheet, line, _(INHERITED_NOTES[document.scope.level]), last_column)
        sheet.row_dimensions[line].height = 30
    sheet.freeze_panes = "C6"
    sheet.print_title_rows = "4:5"
    sheet.row_dimensions[5].height = 45  # "Số người tham gia BHYT" on three lines, under its group's label
    sheet.column_dimensions["A"].width = 5
    sheet.column_dimensions["B"].width = 24
    for column in range(3, last_column + 1):
        # The last of a group is the verdict: "Không có chỉ tiêu" whole, not cut by the next cell.
        sheet.column_dimensions[get_column_letter(column)].width = (9, 10, 11, 9, 10, 17)[(column - 3) % width]
    print_landscape(sheet)


# What a line without its own target is measured against, said for the document's scope.
INHERITED_NOTES = {
    Level.DISTRICT: gettext_noop(
        "* Xã không có chỉ tiêu riêng trong năm: dùng chỉ tiêu chung của huyện (UBND tỉnh giao), như trên trang "
        "theo dõi của huyện."
    ),
    Level.PROVINCE: gettext_noop(
        "* Xã không có chỉ tiêu riêng trong năm: dùng chỉ tiêu chung của tỉnh, như trên trang theo dõi của tỉnh."
    ),
    Level.COUNTRY: gettext_noop("* Đơn vị không có chỉ tiêu riêng trong năm: dùng chỉ tiêu chung của cả nước."),
}


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
