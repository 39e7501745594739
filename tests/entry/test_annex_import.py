import csv
import dataclasses
import io
import json
import zipfile
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from openpyxl import Workbook

from communes.models import ChangeRecord, Level, UnitAlias
from communes.seed import FIXTURES
from entry import annex_import, annex_rows
from entry.annex_file import ImportRefused
from entry.annex_import import apply, preview
from entry.annex_rows import read_bytes
from entry.container import OLE_MAGIC
from reports.excel_annex import annex_workbook
from reports.xlsx import workbook_bytes
from targets.models import FigureKind, ReportedFigure, Target, TargetDocument
from tests.conftest import make_user, unit
from tests.reports.excel_helpers import login


@pytest.fixture
def plan(db):
    return TargetDocument.objects.get(number="231/KH-UBND")


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
    rows = [[r[0], r[1]] + [_number(v) for v in r[2:]] for r in printed_rows()]
    parsed = read_bytes(official_workbook(rows, sheet_index=1), document=plan)
    assert parsed.sheet == "Phụ lục"
    assert preview(document=plan, parsed=parsed, confirmed={}).changes == []


def _number(text: str):
    if text.endswith("%"):
        return float(Decimal(text[:-1].replace(",", ".")) / 100)
    return int(text.replace(" ", ""))


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


def test_applying_writes_in_one_go_and_records_each_change(plan, staff):
    rows = changed(changed(printed_rows(), "Không Lào", 5, "4 000"), "Dao San", 12, "9 030")
    parsed = read_bytes(official_workbook(rows), document=plan)
    shown = preview(document=plan, parsed=parsed, confirmed={})
    assert (
        apply(document=plan, parsed=parsed, confirmed={}, expected=shown.fingerprint, user=staff, filename="kh.xlsx")
        == 2
    )
    assert Target.objects.get(document=plan, unit__code="03583", year=2022).planned_population == 4000
    assert Target.objects.get(document=plan, unit__code="03571", year=2024).planned_enrolled == 9030
    records = ChangeRecord.objects.filter(channel="import").order_by("field")
    assert [(r.unit.code, r.field, r.old_value, r.new_value, r.user) for r in records] == [
        ("03571", "plan_enrolled", 9014, 9030, staff),
        ("03583", "plan_population", 3966, 4000, staff),
    ]
    assert "231/KH-UBND" in records[0].note and "kh.xlsx" in records[0].note


def _apply_queries(plan, staff, rows) -> tuple[int, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    parsed = read_bytes(official_workbook(rows), document=plan)
    shown = preview(document=plan, parsed=parsed, confirmed={})
    with CaptureQueriesContext(connection) as queries:
        written = apply(
            document=plan, parsed=parsed, confirmed={}, expected=shown.fingerprint, user=staff, filename="kh.xlsx"
        )
    return written, len(queries)


def test_applying_every_row_costs_the_queries_of_one_row(plan, staff):
    """Targets and audit records are written in bulk statements, not one query per cell."""
    one = changed(printed_rows(), "Không Lào", 5, "4 000")
    every = [row[:5] + [str(int(row[5].replace(" ", "")) + 7)] + row[6:] for row in printed_rows()]
    written_one, queries_one = _apply_queries(plan, staff, one)
    written_every, queries_every = _apply_queries(plan, staff, every)
    assert (written_one, written_every) == (1, 17)
    assert queries_every == queries_one
    assert Target.objects.get(document=plan, unit__code="03583", year=2022).planned_population == 3966 + 7


def test_applying_refuses_when_the_figures_changed_since_the_preview(plan, staff):
    parsed = read_bytes(official_workbook(changed(printed_rows(), "Không Lào", 5, "4 000")), document=plan)
    shown = preview(document=plan, parsed=parsed, confirmed={})
    Target.objects.filter(document=plan, unit__code="03583", year=2022).update(planned_population=3970)
    with pytest.raises(ImportRefused, match="đã thay đổi kể từ lúc xem trước"):
        apply(document=plan, parsed=parsed, confirmed={}, expected=shown.fingerprint, user=staff, filename="x.xlsx")
    assert not ChangeRecord.objects.filter(channel="import").exists()


def test_a_filled_in_2025_group_creates_the_lost_targets(plan, staff):
    workbook = _annex_with_2025(plan)
    parsed = read_bytes(workbook, document=plan)
    shown = preview(document=plan, parsed=parsed, confirmed={})
    assert [(c.unit_label, c.year, c.field, c.old, c.new) for c in shown.changes] == [
        ("Xã Khổng Lào", 2025, "population", None, 4150),
        ("Xã Khổng Lào", 2025, "enrolled", None, 3560),
        ("Xã Khổng Lào", 2025, "rate", None, Decimal("85.78")),
    ]
    apply(document=plan, parsed=parsed, confirmed={}, expected=shown.fingerprint, user=staff, filename="x.xlsx")
    target = Target.objects.get(document=plan, unit__code="03583", year=2025)
    assert (target.planned_population, target.planned_enrolled, target.rate) == (4150, 3560, Decimal("85.78"))
    assert target.printed_name == "Khổng Lào" and target.row_number == 1


def _annex_with_2025(plan) -> bytes:
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(annex_workbook(plan)))
    sheet = workbook.active
    sheet["O7"], sheet["P7"], sheet["Q7"] = "4 150", "3 560", "85,78%"
    return workbook_bytes(workbook)


# -- names --------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["Xã Khổng Lào", "KHONG LAO", "  khổng   lào ", "X. Khổng Lào", "Không Lào"])
def test_names_match_ignoring_case_diacritics_spacing_prefixes_and_aliases(plan, name):
    parsed = read_bytes(official_workbook(changed(printed_rows(), "Không Lào", 1, name)), document=plan)
    assert parsed.rows[0].unit_id == unit(Level.COMMUNE, "03583").pk


def test_an_unknown_name_is_proposed_never_taken(plan, staff):
    parsed = read_bytes(official_workbook(changed(printed_rows(), "Không Lào", 1, "Khong Lau")), document=plan)
    result = preview(document=plan, parsed=parsed, confirmed={})
    [item] = result.unresolved
    assert item.row.name == "Khong Lau" and item.proposals[0].name == "Khổng Lào"
    assert not result.can_apply
    with pytest.raises(ImportRefused, match="chưa xác nhận"):
        apply(document=plan, parsed=parsed, confirmed={}, expected=result.fingerprint, user=staff, filename="x")


def test_a_confirmed_name_is_applied_and_remembered_as_an_alias(plan, staff):
    rows = changed(changed(printed_rows(), "Không Lào", 1, "Khong Lau"), "Khong Lau", 5, "4 000")
    parsed = read_bytes(official_workbook(rows), document=plan)
    khong_lao = unit(Level.COMMUNE, "03583")
    confirmed = {str(parsed.rows[0].line): khong_lao.pk}
    result = preview(document=plan, parsed=parsed, confirmed=confirmed)
    assert result.can_apply and len(result.changes) == 1
    apply(document=plan, parsed=parsed, confirmed=confirmed, expected=result.fingerprint, user=staff, filename="x")
    assert UnitAlias.objects.filter(unit=khong_lao, name="Khong Lau").exists()
    assert read_bytes(official_workbook(rows), document=plan).rows[0].unit_id == khong_lao.pk


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
        (b"TT;Ten xa;Dan so\n1;Khong Lao;3913\n", "không phải bảng tính Excel"),
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


def _upload(data: bytes, name: str = "phu-luc.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(
        name, data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )


@pytest.mark.parametrize(
    "who, status",
    [
        ("staff", 200),
        ("admin_user", 200),
        ("leader", 403),
        ("leader_phong_tho", 403),
        ("officer_phong_tho", 403),
        ("commune_officer", 404),
        ("no_role_user", 404),
        ("officer_luc_ngan", 404),
    ],
)
def test_who_may_import(client, plan, request, who, status):
    login(client, request.getfixturevalue(who))
    assert client.get(reverse("document_import", args=[plan.pk])).status_code == status
    rows = changed(printed_rows(), "Không Lào", 5, "4 000")
    response = client.post(reverse("document_import", args=[plan.pk]), {"workbook": _upload(official_workbook(rows))})
    assert response.status_code == status
    assert Target.objects.get(document=plan, unit__code="03583", year=2022).planned_population == 3966


def test_staff_of_another_district_cannot_import(client, plan, luc_ngan):
    login(client, make_user("staff_ln", "staff", luc_ngan))
    assert client.get(reverse("document_import", args=[plan.pk])).status_code == 404


def test_anonymous_users_are_sent_to_login(client, plan):
    response = client.post(reverse("document_import", args=[plan.pk]))
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def _preview_page(client, plan, data: bytes):
    response = client.post(reverse("document_import", args=[plan.pk]), {"workbook": _upload(data)})
    assert response.status_code == 200, response.content.decode()[:2000]
    return response, response.context["token"], response.context["preview"].fingerprint


def test_upload_preview_then_apply(client, plan, staff):
    login(client, staff)
    rows = changed(printed_rows(), "Không Lào", 5, "4 000")
    response, token, fingerprint = _preview_page(client, plan, official_workbook(rows))
    page = response.content.decode()
    assert "Xã Khổng Lào" in page and "3.966" in page and "4.000" in page
    assert Target.objects.get(document=plan, unit__code="03583", year=2022).planned_population == 3966
    response = client.post(
        reverse("document_import_apply", args=[plan.pk]), {"token": token, "fingerprint": fingerprint, "apply": "1"}
    )
    assert response.status_code == 302
    assert Target.objects.get(document=plan, unit__code="03583", year=2022).planned_population == 4000
    assert ChangeRecord.objects.filter(channel="import", user=staff).count() == 1
    # the token is spent: posting it again changes nothing
    again = client.post(
        reverse("document_import_apply", args=[plan.pk]), {"token": token, "fingerprint": fingerprint, "apply": "1"}
    )
    assert again.status_code == 302 and ChangeRecord.objects.filter(channel="import").count() == 1


def test_the_downloaded_annex_uploads_with_no_change(client, plan, staff):
    login(client, staff)
    data = client.get(reverse("document_annex_xlsx", args=[plan.pk])).content
    response, _token, _fingerprint = _preview_page(client, plan, data)
    assert response.context["preview"].changes == []
    assert "Không có thay đổi nào" in response.content.decode()


def test_a_bad_file_shows_the_message_beside_the_form(client, plan, staff):
    login(client, staff)
    response = client.post(reverse("document_import", args=[plan.pk]), {"workbook": _upload(b"hello", "a.xlsx")})
    assert response.status_code == 400
    assert "Tệp không phải bảng tính Excel (.xlsx)." in response.content.decode()


def test_a_forged_token_changes_nothing(client, plan, staff):
    login(client, staff)
    response = client.post(
        reverse("document_import_apply", args=[plan.pk]), {"token": "forged", "fingerprint": "x", "apply": "1"}
    )
    assert response.status_code == 302 and not ChangeRecord.objects.filter(channel="import").exists()


def test_a_token_only_works_for_its_own_document(client, plan, staff):
    login(client, staff)
    _response, token, fingerprint = _preview_page(
        client, plan, official_workbook(changed(printed_rows(), "Không Lào", 5, "4 000"))
    )
    directive = TargetDocument.objects.get(number="05-CT/HU")
    client.post(
        reverse("document_import_apply", args=[directive.pk]),
        {"token": token, "fingerprint": fingerprint, "apply": "1"},
    )
    assert not ChangeRecord.objects.filter(channel="import").exists()


def test_a_name_is_confirmed_on_the_page_before_applying(client, plan, staff):
    login(client, staff)
    rows = changed(changed(printed_rows(), "Không Lào", 1, "Khong Lau"), "Khong Lau", 5, "4 000")
    response, token, fingerprint = _preview_page(client, plan, official_workbook(rows))
    assert "Khong Lau" in response.content.decode() and "gần giống nhất" in response.content.decode()
    refused = client.post(
        reverse("document_import_apply", args=[plan.pk]), {"token": token, "fingerprint": fingerprint, "apply": "1"}
    )
    assert refused.status_code == 409
    assert Target.objects.get(document=plan, unit__code="03583", year=2022).planned_population == 3966
    khong_lao = unit(Level.COMMUNE, "03583")
    confirmed = client.post(
        reverse("document_import_apply", args=[plan.pk]), {"token": token, "unit_5": str(khong_lao.pk), "confirm": "1"}
    )
    assert confirmed.status_code == 200
    fingerprint = confirmed.context["preview"].fingerprint
    client.post(
        reverse("document_import_apply", args=[plan.pk]),
        {"token": token, "unit_5": str(khong_lao.pk), "fingerprint": fingerprint, "apply": "1"},
    )
    assert Target.objects.get(document=plan, unit__code="03583", year=2022).planned_population == 4000


def test_a_forged_unit_choice_is_refused(client, plan, staff):
    login(client, staff)
    rows = changed(printed_rows(), "Không Lào", 1, "Khong Lau")
    _response, token, fingerprint = _preview_page(client, plan, official_workbook(rows))
    outside = unit(Level.COMMUNE, "07582")  # a Lục Ngạn commune
    response = client.post(
        reverse("document_import_apply", args=[plan.pk]),
        {"token": token, "unit_5": str(outside.pk), "fingerprint": fingerprint, "apply": "1"},
    )
    assert response.status_code == 400 and "không hợp lệ" in response.content.decode()
    assert not ReportedFigure.objects.filter(document=plan, kind=FigureKind.YEAR_RESULT, unit=outside).exists()


def test_a_unit_line_above_the_table_does_not_hide_it(plan):
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(official_workbook(printed_rows())))
    workbook.active["B2"] = "Đơn vị: người"
    parsed = read_bytes(workbook_bytes(workbook), document=plan)
    assert len(parsed.rows) == 17


@override_settings(IMPORT_MAX_BYTES=1000)
def test_an_upload_over_the_limit_is_refused_on_the_page(client, plan, staff):
    login(client, staff)
    big = official_workbook(printed_rows()) + b"\0" * 70_000
    response = client.post(reverse("document_import", args=[plan.pk]), {"workbook": _upload(big)})
    assert response.status_code == 413 and "lớn hơn giới hạn" in response.content.decode()


def test_a_workbook_with_apostrophe_quoted_names_matches(plan):
    parsed = read_bytes(official_workbook(changed(printed_rows(), "Không Lào", 1, "'Khổng Lào")), document=plan)
    assert parsed.rows[0].unit_id == unit(Level.COMMUNE, "03583").pk


def test_the_annex_with_actuals_imports_from_its_annex_sheet_with_no_change(plan):
    from reports.annex_actuals import annex_actuals_workbook

    parsed = read_bytes(annex_actuals_workbook(plan), document=plan)
    assert parsed.sheet == "Phụ lục"
    assert preview(document=plan, parsed=parsed, confirmed={}).changes == []


@pytest.mark.parametrize(
    "who, status",
    [
        ("leader", 403),
        ("officer_phong_tho", 403),
        ("commune_officer", 404),
        ("no_role_user", 404),
        ("officer_luc_ngan", 404),
    ],
)
def test_a_forged_apply_by_a_user_who_may_not_import_changes_nothing(client, plan, staff, request, who, status):
    login(client, staff)
    _response, token, fingerprint = _preview_page(
        client, plan, official_workbook(changed(printed_rows(), "Không Lào", 5, "4 000"))
    )
    client.force_login(request.getfixturevalue(who))  # the same browser session, another user
    response = client.post(
        reverse("document_import_apply", args=[plan.pk]), {"token": token, "fingerprint": fingerprint, "apply": "1"}
    )
    assert response.status_code == status
    assert Target.objects.get(document=plan, unit__code="03583", year=2022).planned_population == 3966


def test_a_confirmed_spelling_is_learned_once_and_keyed_like_the_admin_keys_it(plan):
    """A long confirmed name is cut to the alias's 100 characters and keyed from what is stored, so
    the next import recognises it (and a second confirmation of it adds nothing)."""
    commune = unit(Level.COMMUNE, "03583", 2022)
    long_name = "Khổng Lào " + "rất dài " * 20
    row = annex_rows.ParsedRow(line=9, name=long_name, number=1, unit_id=None, proposals=[], figures={})
    parsed = annex_rows.Parsed(sheet="Phụ lục", groups=[], rows=[row], assigned={})
    for _ in range(2):
        annex_import._learn_aliases(parsed, {"9": commune.pk}, note="thử")
    alias = UnitAlias.objects.get(unit=commune, name=long_name[:100])
    assert alias.key == annex_import.name_key(long_name[:100])  # what UnitAlias.save() computes
