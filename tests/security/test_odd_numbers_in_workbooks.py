"""Row and cell numbers a workbook's XML writes in other scripts' digits ("²", "٣"), as a float
("1e9") or with 5.000 digits: int() and str.isdigit() stumble on them, openpyxl would misplace a row
or fail. Each is refused as a damaged file, in Vietnamese, by both upload pages, and nothing changes.
A count or a rate past what a float holds (1E999) is refused as a figure, not as a server error.

Every file is built here, in memory."""

import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from entry.workbooks import open_xlsx, read_rows
from targets.models import TargetDocument
from tests.entry.annex_examples import changed, official_workbook, printed_rows

from .test_forged_urls import snapshot
from .test_hostile_workbooks import MAIN, bare_xlsx, refusal, rewrite

DAMAGED = "Tệp bị hỏng hoặc không đúng định dạng .xlsx, không đọc được."
AGENCY_PAGE = "/districts/109/entry/2022-01/workbook/"


def sheet(rows: str, tail: str = "") -> bytes:
    return f'<worksheet xmlns="{MAIN}"><sheetData>{rows}</sheetData>{tail}</worksheet>'.encode()


ODD_ROW_AND_CELL_NUMBERS = {
    "row ²": sheet('<row r="²"><c r="A1"><v>1</v></c></row>'),
    "row ٣": sheet('<row r="٣"><c><v>1</v></c></row>'),
    "row 1e9": sheet('<row r="1e9"><c><v>1</v></c></row>'),  # openpyxl: row 1.000.000.000
    "row 3.0": sheet('<row r="3.0"><c><v>1</v></c></row>'),
    "row of 5.000 digits": sheet(f'<row r="{"1" * 5000}"><c><v>1</v></c></row>'),
    "row empty": sheet('<row r=""><c><v>1</v></c></row>'),
    "cell A²": sheet('<row r="1"><c r="A²"><v>1</v></c></row>'),
    "cell A٣": sheet('<row r="3"><c r="A٣"><v>1</v></c></row>'),
    "cell of 5.000 digits": sheet(f'<row r="1"><c r="A{"1" * 5000}"><v>1</v></c></row>'),
    "merged ٣": sheet('<row r="1"><c r="A1"><v>1</v></c></row>', '<mergeCells><mergeCell ref="A١:B٣"/></mergeCells>'),
    "merged ²": sheet('<row r="1"><c r="A1"><v>1</v></c></row>', '<mergeCells><mergeCell ref="A1:B²"/></mergeCells>'),
    "hyperlink ٣": sheet('<row r="1"><c r="A1"><v>1</v></c></row>', '<hyperlinks><hyperlink ref="A٣"/></hyperlinks>'),
}


@pytest.fixture(autouse=True)
def months_stay_open(settings):
    settings.ENTRY_CLOSE_DAYS = 100_000


def _upload(client, url: str, data: bytes, name: str = "phu-luc.xlsx"):
    return client.post(url, {"workbook": SimpleUploadedFile(name, data, content_type="application/octet-stream")})


def _annex_page() -> str:
    return f"/documents/{TargetDocument.objects.get(number='231/KH-UBND').pk}/import/"


@pytest.mark.parametrize("attack", ODD_ROW_AND_CELL_NUMBERS)
def test_odd_row_and_cell_numbers_are_refused_as_a_damaged_file(attack):
    data = bare_xlsx(ODD_ROW_AND_CELL_NUMBERS[attack])
    for read in (open_xlsx, lambda data: read_rows(data, "bhxh.xlsx")):
        started = time.perf_counter()
        assert refusal(read, data) == DAMAGED
        assert time.perf_counter() - started < 1.0


def test_a_sheet_with_ordinary_numbers_and_a_dimension_in_odd_digits_is_still_read():
    # openpyxl ignores the declared extent, and so does the scan when it cannot read it.
    data = bare_xlsx(
        f'<worksheet xmlns="{MAIN}"><dimension ref="A1:B٣"/><sheetData>'
        '<row r="1"><c r="A1" t="inlineStr"><is><t>Xã Bình Lư</t></is></c><c r="B1"><v>4179</v></c></row>'
        '<row><c r=""><v>7</v></c></row>'  # no row number, an empty reference: the next row, the next cell
        "</sheetData></worksheet>".encode()
    )
    assert read_rows(data, "bhxh.xlsx").rows == [["Xã Bình Lư", 4179], [7]]


@pytest.mark.parametrize("attack", ["row ²", "row 1e9", "cell A٣", "merged ²"])
def test_both_upload_pages_refuse_odd_row_numbers_in_vietnamese_and_change_nothing(
    client, staff, officer_phong_tho, attack
):
    data = bare_xlsx(ODD_ROW_AND_CELL_NUMBERS[attack])
    before = snapshot()
    for user, url in ((staff, _annex_page()), (officer_phong_tho, AGENCY_PAGE)):
        client.force_login(user)
        response = _upload(client, url, data)
        assert response.status_code == 400, url
        assert DAMAGED in response.content.decode(), url
    assert snapshot() == before


def _annex_with(value_xml: bytes, column: int, sentinel) -> bytes:
    """The printed annex with Không Lào's figure in `column` written in the XML as `value_xml`."""
    data = official_workbook(changed(printed_rows(), "Không Lào", column, sentinel))
    marker = f"<v>{sentinel}</v>".encode()

    def change(xml: bytes) -> bytes:
        assert xml.count(marker) == 1
        return xml.replace(marker, b"<v>" + value_xml + b"</v>")

    return rewrite(data, "xl/worksheets/sheet1.xml", change)


@pytest.mark.parametrize(
    "column, value, expected",
    [
        (3, b"1E999", "số người phải là số nguyên"),  # a float past its range: infinity
        (3, b"-1E999", "số người không được âm"),
        (3, b"1E300", "Số quá lớn (hơn 200.000.000 người)"),
        (4, b"1E999", "Tỷ lệ phải từ 0 đến 100%"),
        (4, b"1E300", "Tỷ lệ phải từ 0 đến 100%"),  # too long a number to round to hundredths
    ],
)
def test_the_annex_import_refuses_a_figure_past_what_a_float_holds(client, staff, column, value, expected):
    data = _annex_with(value, column, 7777777 if column == 3 else 0.123456)
    client.force_login(staff)
    before = snapshot()
    response = _upload(client, _annex_page(), data)
    page = response.content.decode()
    assert response.status_code == 400 and expected in page and "Không Lào" in page
    assert snapshot() == before
