"""openpyxl alone writing an export's own workbook: the part of an export's cost that no portal
code decides.

An export's floor (its SQL and a bare response of the same size) leaves out what the stack's Excel
library needs to build and zip the same cells. That work is timed here, in the same run: the
export's response is read once (untimed) into plain values, and then a new workbook is written
with the same sheets, values, styles, merged ranges, column widths and row heights, the fastest
way openpyxl offers (each kind of style set once through its API, its indices copied to the other
cells of that kind, as `reports/xlsx.py` does), and saved. No query, no figure, no portal module.
"""

import io
from copy import copy
from dataclasses import dataclass, field

import openpyxl

from .harness import response_body


@dataclass
class SheetCopy:
    """One sheet as plain values: what writing it again needs."""

    title: str
    cells: list[tuple[int, int, object, str, int]] = field(default_factory=list)  # row, column, value, type, style
    merged: list[str] = field(default_factory=list)
    widths: dict[str, float] = field(default_factory=dict)
    heights: dict[int, float] = field(default_factory=dict)


@dataclass
class WorkbookCopy:
    sheets: list[SheetCopy]
    # Each distinct style as the API objects that set it: font, fill, border, alignment, number format.
    styles: list[tuple]

    @property
    def cell_count(self) -> int:
        return sum(len(sheet.cells) for sheet in self.sheets)


def read(content: bytes) -> WorkbookCopy:
    """The workbook's cells and layout as plain values (untimed)."""
    book = openpyxl.load_workbook(io.BytesIO(content))
    styles: dict[tuple, int] = {}
    sheets = []
    for sheet in book.worksheets:
        copied = SheetCopy(title=sheet.title)
        for row in sheet.iter_rows():
            for cell in row:
                if cell.value is None and not cell.has_style:
                    continue
                look = (
                    copy(cell.font),
                    copy(cell.fill),
                    copy(cell.border),
                    copy(cell.alignment),
                    cell.number_format,
                )
                style = styles.setdefault(look, len(styles))
                text = cell.data_type in ("s", "inlineStr")
                # An empty text cell (a note column left blank) reads back as None: it was "".
                value = "" if text and cell.value is None else cell.value
                copied.cells.append((cell.row, cell.column, value, "s" if text else cell.data_type, style))
        copied.merged = [str(merged) for merged in sheet.merged_cells.ranges]
        copied.widths = {key: dim.width for key, dim in sheet.column_dimensions.items() if dim.width}
        copied.heights = {key: dim.height for key, dim in sheet.row_dimensions.items() if dim.height}
        sheets.append(copied)
    return WorkbookCopy(sheets=sheets, styles=list(styles))


def write(copied: WorkbookCopy) -> bytes:
    """The same workbook written anew by openpyxl and saved (timed)."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    first_of_style: dict[int, object] = {}
    for sheet_copy in copied.sheets:
        sheet = book.create_sheet(sheet_copy.title)
        for row, column, value, data_type, style in sheet_copy.cells:
            cell = sheet.cell(row=row, column=column, value=value)
            if data_type == "s" and cell.data_type != "s":
                cell.data_type = "s"  # text that looks like a formula stays text, as the export wrote it
            if style in first_of_style:
                cell._style = copy(first_of_style[style])
                continue
            cell.font, cell.fill, cell.border, cell.alignment, cell.number_format = copied.styles[style]
            first_of_style[style] = copy(cell._style)
        for merged in sheet_copy.merged:
            sheet.merge_cells(merged)
        for key, width in sheet_copy.widths.items():
            sheet.column_dimensions[key].width = width
        for key, height in sheet_copy.heights.items():
            sheet.row_dimensions[key].height = height
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def writing(runs: int = 5):
    """The unskippable work of an export case: openpyxl writing its workbook again, median of `runs`."""

    def timed(runner, case) -> float | None:
        response = runner.client.get(runner.resolve(case.url))
        if response.status_code != 200:
            return None
        copied = read(response_body(response))
        return runner.median_ms(lambda: write(copied), runs=runs)

    return "openpyxl alone writing the same workbook (its cells, styles and layout) and saving it", timed
