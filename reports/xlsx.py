"""Excel output shared by every export: number formats as a Vietnamese Excel shows them, and text
that no spreadsheet will run as a formula.

A workbook stores numbers; the display (`82.818`, `85,63%`) comes from the cell's number format,
which Excel renders with the reader's own separators.
"""

import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

COUNT_FORMAT = "#,##0"
RATE_FORMAT = "0.00%"  # cells hold fractions (0.8563), shown 85,63% in a Vietnamese Excel
POINTS_FORMAT = "+0.00;-0.00;0.00"
DATE_FORMAT = "dd/mm/yyyy"
MONTH_FORMAT = "mm/yyyy"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

THIN = Side(style="thin", color="999999")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEADER_FILL = PatternFill("solid", fgColor="DDE6F0")
BOLD = Font(bold=True)
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_text(value: str) -> str:
    """Text that begins like a formula is prefixed with an apostrophe-like quote so that Excel
    and LibreOffice show it instead of running it (CSV/formula injection)."""
    if value and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


@dataclass(frozen=True)
class Column:
    header: str
    kind: str = "text"  # text | count | rate | points | month | date
    width: int = 14


def write_cell(sheet: Worksheet, row: int, column: int, value, kind: str = "text"):
    """Write one value with the number format of its kind; rates are given as percentages."""
    if isinstance(value, str):
        value = safe_text(value)
    elif kind == "rate" and value is not None:
        value = float(Decimal(value) / 100)
    elif kind == "points" and value is not None:
        value = float(value)
    elif isinstance(value, Decimal):
        value = float(value)
    cell = sheet.cell(row=row, column=column, value=value)
    cell.number_format = {
        "count": COUNT_FORMAT,
        "rate": RATE_FORMAT,
        "points": POINTS_FORMAT,
        "month": MONTH_FORMAT,
        "date": DATE_FORMAT,
    }.get(kind, "General")
    cell.border = BORDER
    if kind != "text":
        cell.alignment = Alignment(horizontal="right")
    return cell


def table_sheet(
    sheet: Worksheet,
    *,
    title: str,
    columns: Sequence[Column],
    rows: Iterable[Sequence],
    footer: Sequence | None = None,
    notes: Sequence[str] = (),
) -> None:
    """A titled table: header row frozen, widths set, printable on A4 landscape."""
    sheet.cell(row=1, column=1, value=safe_text(title)).font = Font(bold=True, size=13)
    line = 2
    for note in notes:
        sheet.cell(row=line, column=1, value=safe_text(note)).font = Font(italic=True)
        line += 1
    header_row = line + 1
    for index, column in enumerate(columns, start=1):
        cell = sheet.cell(row=header_row, column=index, value=safe_text(column.header))
        cell.font, cell.fill, cell.border = BOLD, HEADER_FILL, BORDER
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    row_number = header_row
    for values in rows:
        row_number += 1
        for index, (column, value) in enumerate(zip(columns, values, strict=True), start=1):
            write_cell(sheet, row_number, index, value, column.kind)
    if footer is not None:
        row_number += 1
        for index, (column, value) in enumerate(zip(columns, footer, strict=True), start=1):
            write_cell(sheet, row_number, index, value, column.kind).font = BOLD
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=1)
    print_landscape(sheet)


def print_landscape(sheet: Worksheet) -> None:
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True


def workbook_bytes(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def single_table_workbook(*, title: str, columns, rows, footer=None, notes=(), sheet_title: str = "Bảng") -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = sheet_title[:31]
    table_sheet(sheet, title=title, columns=columns, rows=rows, footer=footer, notes=notes)
    return workbook_bytes(workbook)
