import datetime as dt
from decimal import Decimal

import django_tables2 as tables
import pytest
from django.urls import reverse
from django.utils import timezone

from reports.table_export import table_download, table_workbook
from reports.xlsx import safe_text, xlsx_response
from tests.reports.excel_helpers import login, open_sheet, row_values

DANGEROUS = ['=HYPERLINK("http://x","y")', "+1+2", "-3+4", "@SUM(A1:A2)", "=cmd|' /C calc'!A0", "＝1+1"]


class NotesTable(tables.Table):
    name = tables.Column("Tên")
    count = tables.Column("Số")
    rate = tables.Column("Tỷ lệ")
    month = tables.Column("Tháng")
    secret = tables.Column("Nội bộ", exclude_from_export=True)
    done = tables.Column("Xong")
    at = tables.Column("Lúc")
    export_kinds = {"count": "count", "rate": "rate", "month": "month", "at": "date"}


def _rows():
    return [
        {
            "name": text,
            "count": 1000 + n,
            "rate": Decimal("85.63"),
            "month": dt.date(2022, 6, 1),
            "secret": "x",
            "done": n % 2 == 0,
            "at": timezone.make_aware(dt.datetime(2022, 6, 30, 17, 0)),
        }
        for n, text in enumerate(DANGEROUS)
    ]


@pytest.mark.parametrize("text", DANGEROUS)
def test_text_that_looks_like_a_formula_is_stored_as_a_string(text):
    sheet = open_sheet(table_workbook(NotesTable(_rows()), title="Ghi chú"))
    cells = [sheet.cell(row=r, column=1) for r in range(4, sheet.max_row + 1)]
    [cell] = [c for c in cells if c.value.lstrip("'") == text]
    assert cell.data_type == "s"
    assert cell.value == "'" + text


def test_a_formula_looking_title_and_header_are_strings_too():
    class Table(tables.Table):
        name = tables.Column("=1+1")

    sheet = open_sheet(table_workbook(Table([{"name": "a"}]), title="@title"))
    assert sheet["A1"].value == "'@title" and sheet["A1"].data_type == "s"
    assert sheet["A3"].value == "'=1+1" and sheet["A3"].data_type == "s"


def test_plain_text_is_left_alone():
    assert safe_text("Khổng Lào") == "Khổng Lào"
    assert safe_text("a=b") == "a=b"


def test_control_characters_do_not_break_the_export():
    sheet = open_sheet(table_workbook(NotesTable([{**_rows()[0], "name": "Bản\x0bLang\x00"}]), title="t"))
    assert sheet["A4"].value == "BảnLang"


def test_columns_keep_their_kinds_and_excluded_columns_stay_out():
    sheet = open_sheet(table_workbook(NotesTable(_rows()), title="t"))
    assert row_values(sheet, 3) == ["Tên", "Số", "Tỷ lệ", "Tháng", "Xong", "Lúc"]
    assert sheet["B4"].value == 1000 and sheet["B4"].number_format == "#,##0"
    assert sheet["C4"].value == pytest.approx(0.8563) and sheet["C4"].number_format == "0.00%"
    assert sheet["D4"].value == dt.datetime(2022, 6, 1) and sheet["D4"].number_format == "mm/yyyy"
    assert sheet["E4"].value == "Có" and sheet["E5"].value == "Không"
    assert sheet["F4"].value == dt.datetime(2022, 6, 30, 17, 0)  # local time, no zone
    assert sheet.freeze_panes == "A4"


def test_the_file_name_may_hold_vietnamese_and_quotes_cannot_break_the_header():
    response = xlsx_response(b"x", 'xếp hạng "Phong Thổ".xlsx')
    header = response["Content-Disposition"]
    assert header.startswith("attachment;") and "filename*=utf-8''" in header
    assert '"Phong' not in header


def test_a_download_response_is_an_attachment():
    response = table_download(NotesTable(_rows()), title="t", filename="a.xlsx")
    assert response["Content-Disposition"] == 'attachment; filename="a.xlsx"'


@pytest.mark.parametrize("sort", ["", "-population", "label", "-rate", "gap_people"])
def test_the_ranking_download_has_the_screens_columns_and_order(client, officer_phong_tho, sort):
    login(client, officer_phong_tho)
    url = reverse("district", args=["109"]) + f"?year=2021&sort={sort}"
    page = client.get(url)
    table = page.context["table"]
    headers = [str(c.header) for c in table.columns if c.visible]
    screen_order = [row.record.label for row in table.rows]
    sheet = open_sheet(client.get(url + "&format=xlsx").content)
    assert row_values(sheet, 3) == headers
    assert [sheet.cell(row=r, column=2).value for r in range(4, 4 + len(screen_order))] == screen_order
