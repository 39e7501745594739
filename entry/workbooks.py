"""Opening a spreadsheet an officer uploads, with bounded work: .xlsx, .xls or .csv.

An .xlsx is checked part by part before openpyxl sees it (entry/xlsx_scan.py), an .xls record by
record before xlrd builds a sheet (entry/xls.py), a CSV row by row: each stops at the first bound
of entry/limits.py and says in Vietnamese what is too large, and where.
"""

import io
import posixpath

from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.cell.cell import MergedCell
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from . import limits
from .container import OLE_MAGIC, ZIP_MAGIC
from .delimited import read_csv
from .limits import DEADLINE_SECONDS, MAX_CELLS, MAX_COLUMNS, MAX_ROWS, WorkbookRefused
from .table import Table, Value, plain, trimmed
from .xls import read_xls
from .xlsx_scan import Scan, scan_xlsx

__all__ = [
    "MAX_CELLS",
    "MAX_COLUMNS",
    "MAX_ROWS",
    "Table",
    "WorkbookRefused",
    "formula_cells_without_value",
    "formula_message",
    "inspect_xlsx",
    "open_xlsx",
    "read_rows",
]

FORMULA_CELLS_SHOWN = 5


def inspect_xlsx(data: bytes, *, deadline: float = DEADLINE_SECONDS) -> None:
    """Refuse (WorkbookRefused) an .xlsx openpyxl should not load: the container, then every sheet's
    declared and actual extent, merged ranges and cell count, within `deadline` seconds."""
    scan_xlsx(data, deadline=deadline)


def open_xlsx(data: bytes) -> Workbook:
    """The workbook with cached values (data_only), once inspect_xlsx has passed; a formula whose
    value was never computed (a file saved by a program that does not calculate) is refused, naming
    its cells, since openpyxl would read it as an empty cell. Any other kind of file is refused in
    the words read_rows uses."""
    _xlsx_only(data)
    missing = scan_xlsx(data).formulas_without_value()
    if missing:
        raise WorkbookRefused(formula_message(missing))
    return _load(data)


def _xlsx_only(data: bytes) -> None:
    """Any other file refused as read_rows refuses it, naming .xlsx as what is read here; a zip or
    an OLE file is judged by the container check (a damaged or encrypted workbook, an old .xls)."""
    if len(data) > limits.max_bytes():
        raise limits.too_large()
    if data.startswith((ZIP_MAGIC, OLE_MAGIC)):
        return
    if _is_html(data):
        raise limits.web_page()
    raise limits.not_a_spreadsheet(limits.XLSX_ONLY)


def _load(data: bytes) -> Workbook:
    try:
        return load_workbook(io.BytesIO(data), data_only=True)
    except Exception:  # openpyxl raises many kinds on a damaged file; all mean the same to the user
        raise limits.damaged()


def formula_cells_without_value(data: bytes) -> list[str]:
    """Cells ("Phụ lục!D7") holding a formula but no value computed by the program that saved them.

    Read from the sheets' XML during the inspection: a formula cell whose <v> is missing or empty.
    openpyxl with data_only would read those cells as empty, and a count would silently be lost."""
    return scan_xlsx(data).formulas_without_value()


def formula_message(cells: list[str]) -> str:
    """Why such a file is refused, and what to do: Excel computes the values when it saves."""
    shown = ", ".join(cells[:FORMULA_CELLS_SHOWN])
    if len(cells) > FORMULA_CELLS_SHOWN:
        shown = _("%(cells)s và %(more)s ô khác") % {
            "cells": shown,
            "more": limits.number(len(cells) - FORMULA_CELLS_SHOWN),
        }
    if len(cells) == 1:
        return _("Ô %(cells)s là công thức chưa có giá trị tính sẵn: mở tệp bằng Excel, lưu lại rồi tải lên.") % {
            "cells": shown
        }
    return _("Các ô %(cells)s là công thức chưa có giá trị tính sẵn: mở tệp bằng Excel, lưu lại rồi tải lên.") % {
        "cells": shown
    }


# -- any spreadsheet ------------------------------------------------------------------------------


def read_rows(data: bytes, filename: str, *, sheet: str | None = None) -> Table:
    """The first sheet holding data (or the sheet named) as plain values.

    The content decides the reader, not the name: offices rename files, and a "report.xls" saved
    by a web application is often an HTML page."""
    if len(data) > limits.max_bytes():
        raise limits.too_large()
    extension = posixpath.splitext(filename.lower())[1]
    if data.startswith(OLE_MAGIC):
        if "EncryptedPackage".encode("utf-16-le") in data:
            raise limits.password_protected()
        return read_xls(data, sheet=sheet)
    if data.startswith(ZIP_MAGIC):
        return _read_xlsx(data, sheet=sheet)
    if _is_html(data):
        raise limits.web_page()
    if extension in (".csv", ".txt"):
        return read_csv(data, name=posixpath.basename(filename)[:100] or "CSV")
    if extension in (".xlsx", ".xlsm", ".xls"):
        raise WorkbookRefused(_("Tệp bị hỏng, không mở được. Hãy lưu lại bằng Excel rồi tải lên lại."))
    raise limits.not_a_spreadsheet(limits.ANY_SPREADSHEET)


def _is_html(data: bytes) -> bool:
    head = data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return head.startswith((b"<!doctype html", b"<html", b"<table")) or (head.startswith(b"<") and b"<html" in head)


def _read_xlsx(data: bytes, *, sheet: str | None) -> Table:
    scan = scan_xlsx(data)
    book = _load(data)
    names = book.sheetnames
    if sheet is not None and sheet not in names:
        raise WorkbookRefused(_("Tệp không có trang “%(sheet)s”.") % {"sheet": sheet[:100]})
    candidates = [book[sheet]] if sheet is not None else book.worksheets
    chosen = next((ws for ws in candidates if sheet is not None or _has_data(ws)), None)
    if chosen is None:
        raise WorkbookRefused(_("Tệp không có trang nào có dữ liệu."))
    missing = _formulas_on(scan, chosen.title, names)
    if missing:
        raise WorkbookRefused(formula_message(missing))
    merged = [(r.min_row, r.min_col, r.max_row, r.max_col) for r in chosen.merged_cells.ranges]
    return Table(sheet=chosen.title, rows=_rows(chosen), merged=merged, sheets=names)


def _formulas_on(scan: Scan, title: str, names: list[str]) -> list[str]:
    """The sheet's own; every sheet's when the scan could not tell the parts by name (an unusual package)."""
    if not any(part.sheet in names for part in scan.parts.values()):
        return scan.formulas_without_value()
    return [f"{title}!{c}" for part in scan.parts.values() if part.sheet == title for c in part.formulas_without_value]


def _stored(sheet: Worksheet):
    """The cells the file holds. Worksheet.iter_rows would create a Cell for every empty position of
    the rectangle (5.000 × 200 of them for two cells far apart): the sheet's own store is sparse."""
    return ((place, cell) for place, cell in sheet._cells.items() if not isinstance(cell, MergedCell))


def _has_data(sheet: Worksheet) -> bool:
    return any(plain(cell.value) is not None for _place, cell in _stored(sheet))


def _rows(sheet: Worksheet) -> list[list[Value]]:
    values: dict[int, dict[int, Value]] = {}
    for (row, column), cell in _stored(sheet):
        value = plain(cell.value)
        if value is not None:
            values.setdefault(row, {})[column] = value
    if not values:
        return []
    rows = []
    for row in range(1, max(values) + 1):
        cells = values.get(row, {})
        rows.append(trimmed([cells.get(column) for column in range(1, max(cells, default=0) + 1)]))
    return rows
