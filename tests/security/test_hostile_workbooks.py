"""Spreadsheets built to cost the server: each is refused before openpyxl, xlrd or csv builds it.

Every file is made here, in memory: a merged range over a whole sheet in 9 KB, 100.000 rows, 300
columns, a zip bomb, an encrypted workbook, a formula nobody computed. The refusal must be cheap:
the 100.000-row sheet is refused in well under a second, in a few megabytes.
"""

import io
import struct
import time
import tracemalloc
import zipfile

import pytest
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from entry.workbooks import (
    WorkbookRefused,
    formula_cells_without_value,
    inspect_xlsx,
    open_xlsx,
    read_rows,
)
from tests.entry.agency_examples import soffice_or_skip, to_xls

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def annex_workbook() -> Workbook:
    """An annex-sized sheet: a title merged across 20 columns, two header rows with merged groups."""
    book = Workbook()
    sheet = book.active
    sheet.title = "Phụ lục"
    sheet["A1"] = "CHỈ TIÊU BAO PHỦ BHYT GIAI ĐOẠN 2022 - 2025"
    sheet.merge_cells("A1:T1")
    sheet["A2"], sheet["B2"] = "TT", "Tên xã, thị trấn"
    sheet.merge_cells("A2:A3")
    sheet.merge_cells("B2:B3")
    for group in range(6):
        first = 3 + group * 3
        sheet.cell(row=2, column=first, value=f"Kế hoạch năm {2021 + group}")
        sheet.merge_cells(start_row=2, start_column=first, end_row=2, end_column=first + 2)
        for offset, label in enumerate(("Dân số", "Số người tham gia BHYT", "Tỷ lệ")):
            sheet.cell(row=3, column=first + offset, value=label)
    for row in range(4, 41):
        sheet.append([row - 3, f"Xã số {row - 3}", *(row * 100 + c for c in range(18))])
    return book


def xlsx_of(book: Workbook) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def rewrite(data: bytes, part: str, change) -> bytes:
    """The same package with one part changed: how a hostile file is made from a real one."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info)
            target.writestr(info.filename, change(content) if info.filename == part else content)
    return out.getvalue()


def bare_xlsx(sheet_xml: bytes, *, part: str = "xl/worksheets/sheet1.xml", extra: dict | None = None) -> bytes:
    """A workbook package written by hand, one sheet, so a large sheet costs milliseconds to make."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "[Content_Types].xml",
            (
                '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                '<Default Extension="xml" ContentType="application/xml"/>'
                '<Override PartName="/xl/workbook.xml" '
                'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>'
            ),
        )
        archive.writestr(
            "_rels/.rels",
            (
                '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                f'<Relationship Id="rId1" Type="{RELS}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
            ),
        )
        archive.writestr(
            "xl/workbook.xml",
            (
                f'<workbook xmlns="{MAIN}" xmlns:r="{RELS}"><sheets>'
                '<sheet name="Dữ liệu" sheetId="1" r:id="rId1"/></sheets></workbook>'
            ),
        )
        archive.writestr(
            "xl/_rels/workbook.xml.rels",
            (
                '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                f'<Relationship Id="rId1" Type="{RELS}/worksheet" Target="/{part}"/></Relationships>'
            ),
        )
        archive.writestr(part, sheet_xml)
        for name, content in (extra or {}).items():
            archive.writestr(name, content)
    return out.getvalue()


def sheet_xml(rows: int, *, dimension: str | None = None, columns: int = 3, tail: str = "") -> bytes:
    head = f'<worksheet xmlns="{MAIN}">' + (f'<dimension ref="{dimension}"/>' if dimension else "") + "<sheetData>"
    body = "".join(
        f'<row r="{r}">'
        + "".join(f'<c r="{get_column_letter(c + 1)}{r}"><v>{r * 7 + c}</v></c>' for c in range(columns))
        + "</row>"
        for r in range(1, rows + 1)
    )
    return (head + body + "</sheetData>" + tail + "</worksheet>").encode()


def refusal(read, data: bytes) -> str:
    with pytest.raises(WorkbookRefused) as caught:
        read(data)
    return caught.value.message


def read_xlsx(data: bytes):
    return read_rows(data, "bhxh.xlsx")


@pytest.fixture(scope="module")
def annex() -> bytes:
    return xlsx_of(annex_workbook())


# -- the ordinary workbook ------------------------------------------------------------------------


def test_an_annex_sized_workbook_with_merged_headers_passes(annex):
    inspect_xlsx(annex)
    assert open_xlsx(annex)["Phụ lục"]["B40"].value == "Xã số 37"
    table = read_xlsx(annex)
    assert (table.sheet, len(table.rows), len(table.rows[-1])) == ("Phụ lục", 40, 20)
    assert (1, 1, 1, 20) in table.merged and table.value(1, 20) == "CHỈ TIÊU BAO PHỦ BHYT GIAI ĐOẠN 2022 - 2025"
    assert formula_cells_without_value(annex) == []


# -- merged ranges --------------------------------------------------------------------------------


def test_a_merged_range_to_the_end_of_the_sheet_is_refused_from_a_9_kb_file(annex):
    hostile = rewrite(
        annex,
        "xl/worksheets/sheet1.xml",
        lambda xml: xml.replace(b"</mergeCells>", b'<mergeCell ref="A40:XFD1048576"/></mergeCells>'),
    )
    assert len(hostile) < 12_000  # openpyxl would create 17 billion merged cells from it
    for read in (inspect_xlsx, read_xlsx, open_xlsx):
        message = refusal(read, hostile)
        assert message == "Trang “Phụ lục”: vùng gộp ô A40:XFD1048576 vượt quá giới hạn 5.000 dòng × 200 cột."


def test_a_two_million_cell_merged_range_is_refused(annex):
    hostile = rewrite(
        annex,
        "xl/worksheets/sheet1.xml",
        lambda xml: xml.replace(b"</mergeCells>", b'<mergeCell ref="A41:CV20040"/></mergeCells>'),
    )
    assert "vùng gộp ô A41:CV20040 vượt quá giới hạn" in refusal(inspect_xlsx, hostile)


def test_merged_ranges_within_the_sheet_limits_are_bounded_in_total():
    merges = "".join(f'<mergeCell ref="A{r}:CV{r + 9}"/>' for r in range(1, 4000, 10))  # 400 × 1.000 cells
    hostile = bare_xlsx(sheet_xml(3, tail=f'<mergeCells count="400">{merges}</mergeCells>'))
    assert refusal(inspect_xlsx, hostile) == (
        "Trang “Dữ liệu”: các vùng gộp ô vượt quá 50.000 ô: tối đa 50.000 ô gộp trong một tệp."
    )


def test_thousands_of_small_merged_ranges_are_refused():
    merges = "".join(f'<mergeCell ref="A{r}:B{r}"/>' for r in range(1, 1502))
    hostile = bare_xlsx(sheet_xml(3, tail=f"<mergeCells>{merges}</mergeCells>"))
    assert refusal(inspect_xlsx, hostile) == "Trang “Dữ liệu” có hơn 1.000 vùng gộp ô: tối đa 1.000."


def test_a_hyperlink_over_a_whole_sheet_is_refused():
    # openpyxl copies a range's hyperlink into each of its cells, creating them all.
    hostile = bare_xlsx(sheet_xml(3, tail='<hyperlinks><hyperlink ref="A1:XFD1048576" display="x"/></hyperlinks>'))
    assert "vùng A1:XFD1048576 vượt quá giới hạn" in refusal(inspect_xlsx, hostile)


# -- rows, columns, cells -------------------------------------------------------------------------


def _timed_refusal(read, data: bytes) -> tuple[str, float, int]:
    started = time.perf_counter()
    message = refusal(read, data)
    elapsed = time.perf_counter() - started
    tracemalloc.start()
    try:
        refusal(read, data)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return message, elapsed, peak


@pytest.mark.parametrize("read", [inspect_xlsx, read_xlsx], ids=["inspect_xlsx", "read_rows"])
def test_a_sheet_of_100_000_rows_is_refused_in_well_under_a_second(read):
    declared = bare_xlsx(sheet_xml(100_000, dimension="A1:C100000"))
    message, elapsed, peak = _timed_refusal(read, declared)
    assert message.startswith("Trang “Dữ liệu” có 100.000 dòng: tối đa 5.000 dòng.")
    assert elapsed < 1.0 and peak < 50 * 1024 * 1024
    # A file may declare less than it holds (many tools write "A1"): the rows are counted, up to the limit.
    understated = bare_xlsx(sheet_xml(100_000, dimension="A1"))
    message, elapsed, peak = _timed_refusal(read, understated)
    assert message.startswith("Trang “Dữ liệu” có hơn 5.000 dòng: tối đa 5.000 dòng.")
    assert elapsed < 1.0 and peak < 50 * 1024 * 1024


def test_a_cell_at_the_far_end_of_the_sheet_is_refused():
    far = f'<worksheet xmlns="{MAIN}"><sheetData><row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData></worksheet>'
    assert "có hơn 5.000 dòng" in refusal(inspect_xlsx, bare_xlsx(far.encode()))


def test_a_sheet_under_an_unusual_part_name_is_still_counted():
    hostile = bare_xlsx(sheet_xml(6_000), part="xl/media/du-lieu.bin")
    assert refusal(inspect_xlsx, hostile).startswith("Trang “Dữ liệu” có hơn 5.000 dòng")


def test_300_columns_are_refused():
    book = Workbook()
    book.active.title = "Rộng"
    for row in range(3):
        book.active.append([row * 1000 + c for c in range(300)])
    assert refusal(read_xlsx, xlsx_of(book)).startswith("Trang “Rộng” có 300 cột: tối đa 200 cột.")
    undeclared = bare_xlsx(
        sheet_xml(2, columns=1).replace(b"</row>", b"".join(b"<c><v>1</v></c>" for _ in range(300)) + b"</row>", 1)
    )
    assert refusal(inspect_xlsx, undeclared).startswith("Trang “Dữ liệu” có hơn 200 cột")


def test_more_cells_than_a_province_list_needs_are_refused():
    wide = bare_xlsx(sheet_xml(600, columns=190))  # 114.000 cells, within 5.000 rows × 200 columns
    assert refusal(inspect_xlsx, wide).startswith("Tệp có hơn 100.000 ô dữ liệu")


# -- the container --------------------------------------------------------------------------------


def test_a_zip_bomb_is_refused_before_anything_is_inflated(annex):
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(annex)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info, source.read(info))
        target.writestr("xl/media/image1.png", b"\0" * (30 * 1024 * 1024))
    bomb = out.getvalue()
    assert len(bomb) < 100_000
    for read in (inspect_xlsx, read_xlsx):
        assert refusal(read, bomb) == "Tệp nén bất thường (giải nén ra quá lớn): không đọc để bảo vệ hệ thống."


def test_a_password_protected_workbook_is_refused():
    encrypted = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504 + "EncryptedPackage".encode("utf-16-le") + b"\0" * 512
    expected = "Tệp được bảo vệ bằng mật khẩu: hãy mở bằng Excel, bỏ mật khẩu rồi tải lên lại."
    assert refusal(inspect_xlsx, encrypted) == expected
    assert refusal(read_xlsx, encrypted) == expected


def test_an_xml_entity_declaration_is_refused():
    laughs = (
        f'<?xml version="1.0"?><!DOCTYPE w [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
        f'<worksheet xmlns="{MAIN}"><sheetData><row><c t="inlineStr"><is><t>&b;</t></is></c></row>'
        "</sheetData></worksheet>"
    )
    assert refusal(inspect_xlsx, bare_xlsx(laughs.encode())) == (
        "Tệp chứa khai báo XML bất thường: không đọc để bảo vệ hệ thống."
    )


def test_an_inspection_past_its_deadline_is_refused(annex):
    message = refusal(lambda data: inspect_xlsx(data, deadline=0.0), annex)
    assert message.startswith("Kiểm tra tệp mất quá nhiều thời gian")


def test_a_web_page_saved_as_xls_is_refused():
    page = b"<html><body><table><tr><td>Xa Binh Lu</td><td>4179</td></tr></table></body></html>"
    assert "trang web (HTML)" in refusal(lambda data: read_rows(data, "bao-cao.xls"), page)


# -- formulas -------------------------------------------------------------------------------------


def test_a_formula_without_a_computed_value_is_named_and_refused_on_reading(annex):
    book = annex_workbook()
    book["Phụ lục"]["D7"] = "=SUM(D4:D6)"  # openpyxl, like other tools that do not compute, stores no value
    unsaved = xlsx_of(book)
    inspect_xlsx(unsaved)  # not a danger to the server: reported, not refused here
    assert formula_cells_without_value(unsaved) == ["Phụ lục!D7"]
    assert refusal(read_xlsx, unsaved) == (
        "Ô Phụ lục!D7 là công thức chưa có giá trị tính sẵn: mở tệp bằng Excel, lưu lại rồi tải lên."
    )


def test_a_formula_with_its_cached_value_is_read(annex):
    computed = rewrite(
        xlsx_of(annex_workbook()),
        "xl/worksheets/sheet1.xml",
        lambda xml: xml.replace(b'<c r="D7" t="n"><v>', b'<c r="D7"><f>SUM(D4:D6)</f><v>'),
    )
    assert formula_cells_without_value(computed) == []
    assert read_xlsx(computed).value(7, 4) == 701  # the value Excel stored beside the formula


# -- .csv and .xls --------------------------------------------------------------------------------


def test_a_csv_of_too_many_rows_or_columns_is_refused():
    long = "\n".join(f"Xã {n};{n}" for n in range(6_000)).encode()
    assert refusal(lambda data: read_rows(data, "dai.csv"), long).startswith("Trang “dai.csv” có hơn 5.000 dòng")
    wide = (";".join(str(n) for n in range(300)) + "\n").encode()
    assert refusal(lambda data: read_rows(data, "rong.csv"), wide).startswith("Trang “rong.csv” có 300 cột")


@pytest.mark.libreoffice
def test_an_xls_beyond_the_limits_is_refused_before_xlrd_builds_the_sheet(tmp_path):
    long, wide = Workbook(), Workbook()
    for row in range(6_000):
        long.active.append([row, "x"])
    for _row in range(3):
        wide.active.append(list(range(250)))
    files = to_xls(soffice_or_skip(), {"long": xlsx_of(long), "wide": xlsx_of(wide)}, tmp_path)
    started = time.perf_counter()
    assert refusal(lambda data: read_rows(data, "dai.xls"), files["long"]).startswith("Trang “Sheet” có 6.000 dòng")
    assert time.perf_counter() - started < 1.0
    assert refusal(lambda data: read_rows(data, "rong.xls"), files["wide"]).startswith("Trang “Sheet” có 250 cột")
    # A file may declare fewer rows than it holds: its cell records are counted all the same.
    declared = struct.pack("<HHII", 0x0200, 14, 0, 6_000)
    assert files["long"].count(declared) == 1
    understated = files["long"].replace(declared, struct.pack("<HHII", 0x0200, 14, 0, 1))
    started = time.perf_counter()
    assert refusal(lambda data: read_rows(data, "dai.xls"), understated).startswith("Trang “Sheet” có hơn 5.000 dòng")
    assert time.perf_counter() - started < 1.0


# -- the same attacks through the annex import page ----------------------------------------------


def _upload(client, data: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from targets.models import TargetDocument

    plan = TargetDocument.objects.get(number="231/KH-UBND")
    upload = SimpleUploadedFile("phu-luc.xlsx", data, content_type="application/octet-stream")
    return client.post(f"/documents/{plan.pk}/import/", {"workbook": upload})


@pytest.mark.parametrize("attack", ["merged to the end", "100.000 rows", "formula without value"])
def test_the_import_page_refuses_each_attack_quickly_and_changes_nothing(client, staff, annex, attack):
    from tests.security.test_forged_urls import snapshot

    if attack == "merged to the end":
        data = rewrite(
            annex,
            "xl/worksheets/sheet1.xml",
            lambda xml: xml.replace(b"</mergeCells>", b'<mergeCell ref="A40:XFD1048576"/></mergeCells>'),
        )
        expected = "vùng gộp ô A40:XFD1048576 vượt quá giới hạn"
    elif attack == "100.000 rows":
        data, expected = bare_xlsx(sheet_xml(100_000)), "hơn 5.000 dòng: tối đa 5.000 dòng"
    else:
        book = annex_workbook()
        book["Phụ lục"]["D7"] = "=SUM(D4:D6)"
        data, expected = xlsx_of(book), "là công thức chưa có giá trị tính sẵn"
    client.force_login(staff)
    before = snapshot()
    started = time.perf_counter()
    response = _upload(client, data)
    elapsed = time.perf_counter() - started
    assert response.status_code == 400 and expected in response.content.decode()
    assert elapsed < 1.0 and snapshot() == before
