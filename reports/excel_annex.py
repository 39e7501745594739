"""A document's annex as the workbook the district signed, and the same annex beside the actuals.

Layout of the annex sheet (the import in `entry.annex_import` reads it back by its labels):

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

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from communes.models import Unit
from targets.models import FigureKind, TargetDocument
from targets.units import document_units

from . import coverage
from .consistency import row_sums
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
    results = list(
        document.figures.filter(kind=FigureKind.YEAR_RESULT).values_list(*cells, "population", "enrolled", "rate")
    )
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


def write_header(sheet: Worksheet, row: int, column: int, text: str, *, rows: int = 1, columns: int = 1) -> None:
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
        write_header(sheet, row, column + offset, label)


def write_title(sheet: Worksheet, row: int, text: str, last_column: int, *, size: int = 13, bold: bool = True) -> None:
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
    write_title(sheet, 1, annex_title(document), note_column)
    write_title(sheet, 2, issued_line(document), note_column, size=11, bold=False)
    sheet.row_dimensions[1].height = 22
    write_header(sheet, 4, 1, _("TT"), rows=3)
    write_header(sheet, 4, 2, _("Tên xã, thị trấn"), rows=3)
    write_header(sheet, 4, 3, _("Kết quả thực hiện năm %(year)s") % {"year": annex.result_year}, rows=2, columns=3)
    plan_label = _("Kế hoạch năm %(first)s – %(last)s") % {"first": annex.plan_years[0], "last": annex.plan_years[-1]}
    if len(annex.plan_years) == 1:
        plan_label = _("Kế hoạch năm %(year)s") % {"year": annex.plan_years[0]}
    write_header(sheet, 4, 6, plan_label, columns=3 * len(annex.plan_years))
    for index, year in enumerate(annex.plan_years):
        write_header(sheet, 5, 6 + 3 * index, _("Năm %(year)s") % {"year": year}, columns=3)
    write_header(sheet, 4, note_column, _("Ghi chú"), rows=3)
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
        write_note(sheet, line, text, note_column)
    line += 1
    write_note(
        sheet, line, _("Tỷ lệ của từng xã là tỷ lệ văn bản in; dòng Tổng cộng được tính lại từ các dòng."), note_column
    )

    sheet.freeze_panes = "C7"
    sheet.print_title_rows = "4:6"
    _set_widths(sheet, note_column)
    print_landscape(sheet)


def write_note(sheet: Worksheet, row: int, text: str, last_column: int) -> None:
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
