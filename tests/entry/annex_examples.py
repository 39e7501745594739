"""The plan's annex as a workbook laid out like the signed one, for the annex import's tests."""

import csv
from decimal import Decimal

from openpyxl import Workbook

from communes.seed import FIXTURES
from reports.xlsx import workbook_bytes


def printed_rows() -> list[list]:
    """The annex as printed (fixtures/plan-231-annex.csv): text numbers "3 913" and rates "42,50%"."""
    with open(FIXTURES / "plan-231-annex.csv", encoding="utf-8") as handle:
        return [
            [int(r["tt"]), r["printed_name"]]
            + [r[f"{f}_{y}"] for y in (2021, 2022, 2023, 2024) for f in ("population", "enrolled", "rate")]
            for r in csv.DictReader(handle)
        ]


def official_workbook(rows, *, sheet_index: int = 0, total: bool = True) -> bytes:
    """Laid out like the signed annex: two header rows, merged group headers, a total row."""
    workbook = Workbook()
    if sheet_index:
        workbook.active.title = "Ghi chú"
        workbook.active["A1"] = "Trang bìa"
        sheet = workbook.create_sheet("Phụ lục")
    else:
        sheet = workbook.active
    sheet["A1"] = "CHỈ TIÊU BAO PHỦ BHYT TRÊN ĐỊA BÀN HUYỆN PHONG THỔ"
    sheet.append([])
    sheet.append(
        ["TT", "Tên xã, thị trấn", "Kết quả thực hiện năm 2021", None, None, "Kế hoạch năm 2022 – 2024"]
        + [None] * 8
        + ["Ghi chú"]
    )
    sheet.merge_cells("C3:E3")
    sheet.merge_cells("F3:N3")
    sheet.merge_cells("A3:A4")
    sheet.merge_cells("B3:B4")
    sheet.append([None, None] + ["Dân số", "Số người tham gia BHYT", "Tỷ lệ bao phủ"] * 4)
    for row in rows:
        sheet.append(row)
    if total:
        sheet.append([None, "Tổng cộng", "82 818", "70 913", "86,06%"])
        sheet.append(
            [None, "UBND tỉnh giao", None, None, None, None, None, "96,05%", None, None, "96,10%", None, None, "96,15%"]
        )
    return workbook_bytes(workbook)


def changed(rows, name: str, index: int, value) -> list[list]:
    rows = [list(r) for r in rows]
    for row in rows:
        if row[1] == name:
            row[index] = value
    return rows


def number(text: str):
    if text.endswith("%"):
        return float(Decimal(text[:-1].replace(",", ".")) / 100)
    return int(text.replace(" ", ""))
