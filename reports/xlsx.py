"""Excel output shared by every export: number formats as a Vietnamese Excel shows them, and text
that no spreadsheet will run as a formula.

A workbook stores numbers; the display (`82.818`, `85,63%`) comes from the cell's number format,
which Excel renders with the reader's own separators.
"""

import datetime as dt
import io
import re
from collections.abc import Iterable, Sequence
from copy import copy
from dataclasses import dataclass
from decimal import Decimal

from django.http import HttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
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
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
MAX_CELL_TEXT = 32767  # Excel's limit for one cell
_SHEET_TITLE_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def safe_text(value: str) -> str:
    """Text as a cell can hold it, never run as a formula.

    Text that begins like a formula (=, +, -, @, or their full-width forms, which some
    spreadsheets fold to ASCII) gets a leading apostrophe, so the stored cell is a plain string
    (openpyxl data_type "s") that Excel and LibreOffice show instead of running (formula
    injection). Control characters a workbook cannot store are dropped rather than failing the
    whole export."""
    if not value:
        return value
    value = ILLEGAL_CHARACTERS_RE.sub("", str(value))[: MAX_CELL_TEXT - 1]
    if value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def clean_sheet_title(text: str) -> str:
    """A sheet name Excel accepts: at most 31 characters, none of []:*?/\\."""
    return (_SHEET_TITLE_FORBIDDEN.sub("-", text).strip("'") or "Sheet")[:31]


@dataclass(frozen=True)
class Column:
    header: str
    kind: str = "text"  # text | count | rate | points | month | date
    width: int = 14


def write_cell(sheet: Worksheet, row: int, column: int, value, kind: str = "text"):
    """Write one value with the number format of its kind; rates are given as percentages."""
    if isinstance(value, str):
        value = safe_text(value)
    elif isinstance(value, bool):
        value = "Có" if value else "Không"
    elif isinstance(value, dt.datetime) and timezone.is_aware(value):
        value = timezone.make_naive(value)  # a workbook has no time zones: local time
    elif kind == "rate" and value is not None:
        value = float(Decimal(value) / 100)
    elif kind == "points" and value is not None:
        value = float(value)
    elif isinstance(value, Decimal):
        value = float(value)
    cell = sheet.cell(row=row, column=column, value=value)
    if isinstance(value, str):
        cell.data_type = "s"  # whatever the text, a string: never a formula
    _style(sheet, cell, kind)
    return cell


def _style(sheet: Worksheet, cell, kind: str) -> None:
    """The kind's number format, border and alignment. Setting them one by one makes openpyxl hash
    every style object into the workbook's lists: 45 s of a 10.600-row annex. The first cell of a
    kind is styled that way; the others copy its style indices (valid within one workbook)."""
    styled = sheet.parent.__dict__.setdefault("_portal_styles", {})
    if kind in styled:
        cell._style = copy(styled[kind])
        return
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
    styled[kind] = copy(cell._style)


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
    # RFC 6266 with an ASCII fallback: Vietnamese names survive, quotes cannot break the header.
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["X-Content-Type-Options"] = "nosniff"
    return response


def single_table_workbook(*, title: str, columns, rows, footer=None, notes=(), sheet_title: str = "Bảng") -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = clean_sheet_title(sheet_title)
    table_sheet(sheet, title=title, columns=columns, rows=rows, footer=footer, notes=notes)
    return workbook_bytes(workbook)
