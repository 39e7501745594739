"""The annex import reads a workbook laid out like the signed annex: its figures, its names matched
to the document's communes (never guessed), every bad figure or bad file refused in Vietnamese."""

import dataclasses
import io
import json
import zipfile
from decimal import Decimal

import pytest
from django.test import override_settings
from openpyxl import Workbook

from communes.models import Level
from entry import annex_rows
from entry.annex_file import ImportRefused
from entry.annex_import import preview
from entry.annex_rows import read_bytes
from entry.container import OLE_MAGIC
from reports.excel_annex import annex_workbook
from reports.xlsx import workbook_bytes
from targets.models import TargetDocument
from tests.conftest import unit

from .annex_examples import changed, number, official_workbook, printed_rows


@pytest.fixture
def plan(db):
    return TargetDocument.objects.get(number="231/KH-UBND")


def test_the_printed_annex_imports_with_no_change(plan):
    result = preview(document=plan, parsed=read_bytes(official_workbook(printed_rows()), document=plan), confirmed={})
    assert result.changes == [] and result.unresolved == [] and result.errors == []
    assert result.rows == 17
    assert result.unchanged == 17 * 12 + 3


def test_exporting_then_importing_the_annex_previews_no_change(plan):
    parsed = read_bytes(annex_workbook(plan), document=plan)
    result = preview(document=plan, parsed=parsed, confirmed={})
    assert result.changes == [] and result.unresolved == [] and result.errors == []
    assert {(g["kind"], g["year"]) for g in parsed.groups} == {
        ("result", 2021),
        ("plan", 2022),
        ("plan", 2023),
        ("plan", 2024),
        ("plan", 2025),
    }


def test_the_rows_kept_between_requests_are_the_parsed_rows_in_json_and_come_back_whole(plan):
    rows = changed(printed_rows(), "Không Lào", 1, "Khong Lau")  # an unknown name: proposals kept too
    parsed = read_bytes(official_workbook(rows), document=plan)
    kept = parsed.to_session()
    assert kept == json.loads(json.dumps(dataclasses.asdict(parsed)))  # what the session stores
    assert annex_rows.Parsed.from_session(json.loads(json.dumps(kept))) == parsed
    [unknown] = [row for row in parsed.rows if row.unit_id is None]
    assert unknown.name == "Khong Lau" and unknown.proposals
    assert kept["rows"][parsed.rows.index(unknown)]["figures"]["plan:2022"] == unknown.figures["plan:2022"]


def test_the_table_may_sit_on_any_sheet_with_real_numbers_and_percent_cells(plan):
    rows = [[r[0], r[1]] + [number(v) for v in r[2:]] for r in printed_rows()]
    parsed = read_bytes(official_workbook(rows, sheet_index=1), document=plan)
    assert parsed.sheet == "Phụ lục"
    assert preview(document=plan, parsed=parsed, confirmed={}).changes == []


def test_thousands_with_dots_are_read_too(plan):
    rows = changed(printed_rows(), "Không Lào", 5, "4.000")
    [change] = preview(document=plan, parsed=read_bytes(official_workbook(rows), document=plan), confirmed={}).changes
    assert (change.unit_label, change.year, change.field, change.old, change.new) == (
        "Xã Khổng Lào",
        2022,
        "population",
        3966,
        4000,
    )


def test_a_changed_rate_written_as_text_is_a_change(plan):
    rows = changed(printed_rows(), "Không Lào", 4, "43,00%")
    [change] = preview(document=plan, parsed=read_bytes(official_workbook(rows), document=plan), confirmed={}).changes
    assert (change.kind, change.year, change.old, change.new) == ("result", 2021, Decimal("42.50"), Decimal("43.00"))


@pytest.mark.parametrize("name", ["Xã Khổng Lào", "KHONG LAO", "  khổng   lào ", "X. Khổng Lào", "Không Lào"])
def test_names_match_ignoring_case_diacritics_spacing_prefixes_and_aliases(plan, name):
    parsed = read_bytes(official_workbook(changed(printed_rows(), "Không Lào", 1, name)), document=plan)
    assert parsed.rows[0].unit_id == unit(Level.COMMUNE, "03583").pk


def test_a_commune_outside_the_district_is_unknown(plan):
    parsed = read_bytes(official_workbook(changed(printed_rows(), "Không Lào", 1, "Biển Động")), document=plan)
    assert parsed.rows[0].unit_id is None


def test_a_duplicate_commune_is_refused(plan):
    rows = printed_rows()
    rows.append([18, "Xã Khổng Lào"] + rows[0][2:])
    result = preview(document=plan, parsed=read_bytes(official_workbook(rows), document=plan), confirmed={})
    assert result.errors == ["Xã Khổng Lào xuất hiện hai lần (dòng 5 và 22)."]
    assert not result.can_apply


# -- bad figures --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "index, value, message",
    [
        (2, "-3 913", "Dòng 5 (Không Lào), năm 2021, dân số: Số người không được âm."),
        (2, -3913, "Dòng 5 (Không Lào), năm 2021, dân số: số người không được âm."),
        (3, "nhiều", "Dòng 5 (Không Lào), năm 2021, số người tham gia bhyt: Không đọc được số “nhiều”"),
        (3, 1663.5, "Dòng 5 (Không Lào), năm 2021, số người tham gia bhyt: số người phải là số nguyên."),
        (4, "142,50%", "Dòng 5 (Không Lào), năm 2021, tỷ lệ: Tỷ lệ phải từ 0 đến 100%."),
        (5, None, "Dòng 5 (Không Lào), năm 2022: thiếu dân số."),
        (3, "5 000", "Dòng 5 (Không Lào), năm 2021: số người tham gia lớn hơn dân số."),
    ],
)
def test_bad_figures_are_refused_with_the_line_and_column(plan, index, value, message):
    with pytest.raises(ImportRefused) as refused:
        read_bytes(official_workbook(changed(printed_rows(), "Không Lào", index, value)), document=plan)
    assert any(e.startswith(message) for e in refused.value.errors), refused.value.errors


def test_missing_columns_are_named(plan):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["TT", "Tên xã, thị trấn", "Kết quả thực hiện năm 2021"])
    sheet.append([None, None, "Dân số", "Số người tham gia BHYT"])
    sheet.append([1, "Khổng Lào", 3913, 1663])
    with pytest.raises(ImportRefused, match="Năm 2021: thiếu cột “Tỷ lệ bao phủ”"):
        read_bytes(workbook_bytes(workbook), document=plan)


def test_a_workbook_without_the_table_is_refused(plan):
    workbook = Workbook()
    workbook.active["A1"] = "Báo cáo"
    with pytest.raises(ImportRefused, match="Không tìm thấy bảng phụ lục"):
        read_bytes(workbook_bytes(workbook), document=plan)


# -- bad files ----------------------------------------------------------------------------------


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _bomb() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as member:
            for _ in range(60):
                member.write(b"\0" * (1024 * 1024))
    return buffer.getvalue()


def _encrypted() -> bytes:
    """What Excel saves with a password: an OLE compound file holding an EncryptedPackage stream."""
    header = OLE_MAGIC + b"\0" * 504
    return header + "EncryptionInfo".encode("utf-16-le") + "EncryptedPackage".encode("utf-16-le") + b"\0" * 1024


@pytest.mark.parametrize(
    "data, message",
    [
        (b"TT;Ten xa;Dan so\n1;Khong Lao;3913\n", "Tệp không phải bảng tính: hãy tải lên tệp .xlsx."),
        (b"PK\x03\x04" + b"\x00garbage" * 50, "bị hỏng"),
        (_encrypted(), "bảo vệ bằng mật khẩu"),
        (OLE_MAGIC + b"\0" * 2000, "Excel 97–2003"),
        (_zip({"word/document.xml": b"<w/>"}), "không phải bảng tính Excel"),
        (_zip({"[Content_Types].xml": b"<x", "xl/workbook.xml": b"<not xml"}), "bị hỏng"),
    ],
    ids=["text", "corrupted", "password", "xls", "docx", "broken-xml"],
)
def test_bad_files_are_refused_in_vietnamese(plan, data, message):
    with pytest.raises(ImportRefused, match=message):
        read_bytes(data, document=plan)


def test_a_truncated_workbook_is_refused(plan):
    data = annex_workbook(plan)
    with pytest.raises(ImportRefused, match="bị hỏng"):
        read_bytes(data[: len(data) // 2], document=plan)


def test_a_zip_bomb_is_refused_before_it_is_inflated(plan):
    data = _bomb()
    assert len(data) < 200_000
    with pytest.raises(ImportRefused, match="giải nén ra quá lớn"):
        read_bytes(data, document=plan)


@override_settings(IMPORT_MAX_BYTES=1000)
def test_a_file_over_the_size_limit_is_refused(plan):
    with pytest.raises(ImportRefused, match="lớn hơn giới hạn"):
        read_bytes(annex_workbook(plan), document=plan)


# -- pages --------------------------------------------------------------------------------------


def test_a_unit_line_above_the_table_does_not_hide_it(plan):
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(official_workbook(printed_rows())))
    workbook.active["B2"] = "Đơn vị: người"
    parsed = read_bytes(workbook_bytes(workbook), document=plan)
    assert len(parsed.rows) == 17


def test_a_workbook_with_apostrophe_quoted_names_matches(plan):
    parsed = read_bytes(official_workbook(changed(printed_rows(), "Không Lào", 1, "'Khổng Lào")), document=plan)
    assert parsed.rows[0].unit_id == unit(Level.COMMUNE, "03583").pk


def test_the_annex_with_actuals_imports_from_its_annex_sheet_with_no_change(plan):
    from reports.annex_actuals import annex_actuals_workbook

    parsed = read_bytes(annex_actuals_workbook(plan), document=plan)
    assert parsed.sheet == "Phụ lục"
    assert preview(document=plan, parsed=parsed, confirmed={}).changes == []
