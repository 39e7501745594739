"""Finding an annex's table in a sheet by its labels: the name column, and each year's group of
population, enrolled and rate columns under a result or plan heading."""

import re
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from openpyxl.worksheet.worksheet import Worksheet

from communes.names import fold

from .annex_file import ImportRefused

HEADER_ROWS, HEADER_COLUMNS, MAX_ROWS = 40, 80, 3000
RESULT, PLAN = "result", "plan"
FIELD_LABELS = {
    "population": gettext_noop("Dân số"),
    "enrolled": gettext_noop("Số người tham gia BHYT"),
    "rate": gettext_noop("Tỷ lệ bao phủ"),
}


@dataclass(frozen=True)
class Group:
    kind: str  # result | plan
    year: int
    population: int  # column numbers
    enrolled: int
    rate: int


@dataclass
class Layout:
    sheet: Worksheet
    name_column: int
    number_column: int | None
    first_row: int
    groups: list[Group]


def cell_text(value) -> str:
    return "" if value is None else str(value).strip()


class _Header:
    """Header cells with merged ranges resolved to their top-left value."""

    def __init__(self, sheet: Worksheet):
        self.sheet = sheet
        self.ranges = list(sheet.merged_cells.ranges)

    def merged(self, row: int, column: int):
        for cell_range in self.ranges:
            if cell_range.min_row <= row <= cell_range.max_row and cell_range.min_col <= column <= cell_range.max_col:
                return cell_range
        return None

    def text(self, row: int, column: int) -> str:
        cell_range = self.merged(row, column)
        if cell_range is not None:
            row, column = cell_range.min_row, cell_range.min_col
        return cell_text(self.sheet.cell(row=row, column=column).value)


def _is_name_header(folded: str) -> bool:
    if folded.startswith("don vi tinh"):  # "Đơn vị tính: người" above a table is not a header
        return False
    return folded.startswith(("ten xa", "ten don vi", "xa, thi tran", "don vi")) or folded in ("xa", "ten")


def find_layout(sheet: Worksheet) -> Layout | None:
    """The annex table on this sheet, found by its labels; None when the sheet has none.

    Raises ImportRefused when the table is there but a column is missing."""
    header = _Header(sheet)
    rows = min(sheet.max_row, HEADER_ROWS)
    columns = min(sheet.max_column, HEADER_COLUMNS)
    first_error = None
    for row in range(1, rows + 1):
        for column in range(1, columns + 1):
            if _is_name_header(fold(cell_text(sheet.cell(row=row, column=column).value))):
                try:
                    return _layout_from(header, row, column, columns)
                except ImportRefused as error:
                    first_error = first_error or error  # a later cell may head the real table
    if first_error is not None:
        raise first_error
    return None


def _layout_from(header: _Header, name_row: int, name_column: int, columns: int) -> Layout:
    sheet = header.sheet
    number_column = None
    for column in range(1, columns + 1):
        if fold(header.text(name_row, column)) in ("tt", "stt", "so tt"):
            number_column = column
    for sub_row in range(name_row, name_row + 5):
        starts = [
            c
            for c in range(1, columns + 1)
            if fold(cell_text(sheet.cell(row=sub_row, column=c).value)).startswith("dan so")
        ]
        if starts:
            break
    else:
        raise ImportRefused(_("Thiếu cột “Dân số” dưới dòng tiêu đề “Tên xã, thị trấn”."))
    groups, errors = [], []
    for start in starts:
        try:
            groups.append(_group_at(header, name_row, sub_row, start, columns))
        except ImportRefused as error:
            errors += error.errors
    seen = set()
    for group in groups:
        if (group.kind, group.year) in seen:
            errors.append(_("Nhóm cột năm %(year)s xuất hiện hai lần.") % {"year": group.year})
        seen.add((group.kind, group.year))
    if errors:
        raise ImportRefused(errors)
    return Layout(
        sheet=sheet, name_column=name_column, number_column=number_column, first_row=sub_row + 1, groups=groups
    )


def _group_at(header: _Header, name_row: int, sub_row: int, start: int, columns: int) -> Group:
    sheet = header.sheet
    found = {}
    for column in range(start + 1, min(start + 4, columns + 1)):
        label = fold(cell_text(sheet.cell(row=sub_row, column=column).value))
        if "tham gia" in label and "enrolled" not in found:
            found["enrolled"] = column
        elif label.startswith("ty le") and "rate" not in found:
            found["rate"] = column
    year, kind = None, None
    for row in range(sub_row - 1, max(name_row, sub_row - 4) - 1, -1):
        text = header.text(row, start)
        folded = fold(text)
        if kind is None and "ke hoach" in folded:
            kind = PLAN
        elif kind is None and ("ket qua" in folded or "thuc hien" in folded):
            kind = RESULT
        years = [int(y) for y in re.findall(r"(?<!\d)(20\d{2}|19\d{2})(?!\d)", text)]
        if year is None and years:
            year = years[0]
            if len(years) > 1:
                # "Kế hoạch năm 2022 – 2025" over several groups: the n-th group is the n-th year.
                cell_range = header.merged(row, start)
                first = cell_range.min_col if cell_range is not None else start
                year = years[0] + (start - first) // 3
                if year > years[-1]:
                    year = None
    column_name = sheet.cell(row=sub_row, column=start).column_letter
    if year is None:
        raise ImportRefused(
            _("Không xác định được năm của nhóm cột “Dân số” ở cột %(column)s.") % {"column": column_name}
        )
    missing = [FIELD_LABELS[f] for f in ("enrolled", "rate") if f not in found]
    if missing:
        raise ImportRefused(
            _("Năm %(year)s: thiếu cột %(columns)s.") % {"year": year, "columns": ", ".join(f"“{m}”" for m in missing)}
        )
    return Group(kind=kind or PLAN, year=year, population=start, enrolled=found["enrolled"], rate=found["rate"])
