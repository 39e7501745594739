import datetime as dt

import pytest
from django.urls import reverse
from openpyxl.utils import get_column_letter

from communes.models import Level, Unit
from reports.annex_actuals import annex_actuals_workbook
from reports.excel_annex import annex_workbook
from targets.models import TargetDocument
from tests.conftest import make_counts, make_user, unit
from tests.reports.excel_helpers import find_row, login, open_sheet, row_values


@pytest.fixture
def plan(db):
    return TargetDocument.objects.get(number="231/KH-UBND")


@pytest.fixture
def annex(plan):
    return open_sheet(annex_workbook(plan))


def test_the_title_and_the_issuing_line_are_the_documents(annex):
    assert annex["A1"].value == "CHỈ TIÊU BAO PHỦ BHYT TRÊN ĐỊA BÀN HUYỆN PHONG THỔ GIAI ĐOẠN 2022 - 2025"
    assert annex["A2"].value == "(Ban hành kèm theo Kế hoạch số 231/KH-UBND ngày 14/07/2022 của UBND huyện Phong Thổ)"


def test_the_headers_are_merged_as_in_the_signed_annex(annex):
    merged = {str(r) for r in annex.merged_cells.ranges}
    assert {"A1:R1", "A2:R2", "A4:A6", "B4:B6", "C4:E5", "F4:Q4", "F5:H5", "I5:K5", "L5:N5", "O5:Q5", "R4:R6"} <= merged
    assert annex["A4"].value == "TT" and annex["B4"].value == "Tên xã, thị trấn"
    assert annex["C4"].value == "Kết quả thực hiện năm 2021"
    assert annex["F4"].value == "Kế hoạch năm 2022 – 2025"
    assert [annex.cell(row=5, column=c).value for c in (6, 9, 12, 15)] == [
        "Năm 2022",
        "Năm 2023",
        "Năm 2024",
        "Năm 2025",
    ]
    assert row_values(annex, 6)[2:5] == ["Dân số", "Số người tham gia BHYT", "Tỷ lệ bao phủ"]
    assert annex["R4"].value == "Ghi chú"


def test_each_commune_has_its_official_name_and_printed_figures_as_numbers(annex):
    row = find_row(annex, "Khổng Lào")
    values = row_values(annex, row)
    assert values[0] == 1
    assert values[2:5] == [3913, 1663, 0.425]
    assert values[5:8] == [3966, 3351, 0.845]
    assert values[17] == "Phụ lục in: Không Lào"
    assert annex.cell(row=row, column=3).number_format == "#,##0"
    assert annex.cell(row=row, column=5).number_format == "0.00%"
    assert annex.cell(row=row, column=3).data_type == "n"
    assert find_row(annex, "Thị trấn Phong Thổ") and find_row(annex, "Lả Nhì Thàng")


def test_the_total_row_is_summed_and_its_rate_computed_not_printed(annex):
    values = row_values(annex, find_row(annex, "Tổng cộng"))
    assert values[2:4] == [82818, 70913]
    assert values[4] == pytest.approx(0.8563)  # the document prints 86,06%
    assert values[5:7] == [83946, 80627]  # printed 83 944 / 80 628: typed, not summed
    assert values[8:10] == [85251, 81935]
    assert values[11:13] == [86574, 83242]
    assert values[14:17] == [None, None, None]


def test_the_province_row_carries_the_assigned_rates_including_2025(annex):
    values = row_values(annex, find_row(annex, "UBND tỉnh giao"))
    assert values[7] == pytest.approx(0.9605) and values[10] == pytest.approx(0.961)
    assert values[13] == pytest.approx(0.9615) and values[16] == pytest.approx(0.962)


def test_the_2025_group_is_empty_for_the_communes_and_says_why(annex):
    row = find_row(annex, "Khổng Lào")
    assert [annex.cell(row=row, column=c).value for c in (15, 16, 17)] == [None, None, None]
    notes = [
        annex.cell(row=r, column=1).value or "" for r in range(find_row(annex, "UBND tỉnh giao"), annex.max_row + 1)
    ]
    assert any(n.startswith("Năm 2025: văn bản chỉ còn tỷ lệ giao cho huyện (96,20%)") for n in notes)


def test_the_sheet_prints_on_a4_landscape_with_frozen_headers(annex):
    assert annex.freeze_panes == "C7"
    assert annex.page_setup.orientation == "landscape"
    assert int(annex.page_setup.paperSize) == 9  # A4
    assert annex.page_setup.fitToWidth == 1 and annex.sheet_properties.pageSetUpPr.fitToPage
    assert annex.print_title_rows == "$4:$6"
    assert annex.column_dimensions["B"].width == 24


def test_a_document_without_an_annex_gives_a_blank_form_of_its_communes(db):
    directive = TargetDocument.objects.get(number="05-CT/HU")
    sheet = open_sheet(annex_workbook(directive))
    assert sheet["A1"].value == "CHỈ TIÊU BAO PHỦ BHYT TRÊN ĐỊA BÀN HUYỆN LỤC NGẠN"
    assert find_row(sheet, "Biển Động")
    assert row_values(sheet, find_row(sheet, "Biển Động"))[2:5] == [None, None, None]


def test_the_actuals_workbook_sets_each_year_against_the_plan(plan):
    khong_lao = unit(Level.COMMUNE, "03583")
    make_counts(khong_lao, dt.date(2022, 6, 1), population=3966, enrolled=3000)
    make_counts(khong_lao, dt.date(2022, 12, 1), population=3966, enrolled=3400)
    sheet = open_sheet(annex_actuals_workbook(plan))
    assert sheet["C4"].value == "Năm 2021" and sheet["I4"].value == "Năm 2022"
    assert sheet["AG4"].value == "Tháng 12/2022 (mới nhất)"
    values = row_values(sheet, find_row(sheet, "Khổng Lào"))
    # 2022: plan 84,50%, 3.400 of 3.966 enrolled at December (the last month, not a sum) = 85,73%
    assert values[8:14] == [pytest.approx(0.845), 3966, 3400, pytest.approx(0.8573), 0, "Đạt"]
    assert values[14:20] == [pytest.approx(0.849), None, None, None, None, "Chưa có số liệu"]
    row = find_row(sheet, "Khổng Lào")
    formats = [sheet.cell(row=row, column=c).number_format for c in range(9, 15)]
    assert formats == ["0.00%", "#,##0", "#,##0", "0.00%", "#,##0", "General"]
    merged = {str(r) for r in sheet.merged_cells.ranges}
    assert {"A4:A5", "B4:B5", "C4:H4", "I4:N4", "AG4:AL4"} <= merged
    assert sheet.freeze_panes == "C6" and sheet.page_setup.orientation == "landscape"
    total = row_values(sheet, find_row(sheet, "Tổng cộng"))
    assert total[2:8] == [None, 82818, 70913, pytest.approx(0.8563), None, "Không có chỉ tiêu"]
    # Σ 2022 only covers the communes that reported; the district's assigned 96,05% applies.
    assert total[8:14] == [pytest.approx(0.9605), 3966, 3400, pytest.approx(0.8573), 410, "Chưa đạt"]


def test_the_actuals_workbook_reports_the_gap_in_people(plan):
    khong_lao = unit(Level.COMMUNE, "03583")
    make_counts(khong_lao, dt.date(2022, 12, 1), population=3966, enrolled=3000)
    values = row_values(
        open_sheet(annex_actuals_workbook(plan)), find_row(open_sheet(annex_actuals_workbook(plan)), "Khổng Lào")
    )
    # ceil(84,50% × 3.966) = 3.352 → 352 people short
    assert values[12:14] == [352, "Chưa đạt"]


def test_the_actuals_verdicts_fit_their_column_and_the_headings_their_row(plan):
    sheet = open_sheet(annex_actuals_workbook(plan))
    verdict_columns = [c.column for c in sheet[5] if c.value == "Đánh giá"]
    verdicts = {sheet.cell(row=r, column=c).value for c in verdict_columns for r in range(6, sheet.max_row + 1)}
    assert {"Không có chỉ tiêu", "Chưa có số liệu"} <= verdicts  # the longest: no target, no figures
    for column in verdict_columns:
        # A character of the default font is about one unit of width: none of them cut off in print.
        width = sheet.column_dimensions[get_column_letter(column)].width
        assert width >= max(len(v) for v in verdicts if v), get_column_letter(column)
    # "Số người tham gia BHYT" wraps to three lines under its group's label: the row holds them.
    assert sheet.row_dimensions[5].height >= 3 * 15


def test_the_actuals_workbook_also_carries_the_annex_sheet(plan):
    sheet = open_sheet(annex_actuals_workbook(plan), index=1)
    assert sheet.title == "Phụ lục" and row_values(sheet, find_row(sheet, "Tổng cộng"))[2] == 82818


# -- downloads ----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["document_annex_xlsx", "document_annex_actuals_xlsx"])
@pytest.mark.parametrize(
    "who, status",
    [
        ("officer_phong_tho", 200),
        ("commune_officer", 404),
        ("leader", 200),
        ("leader_phong_tho", 200),
        ("staff", 200),
        ("admin_user", 200),
        ("no_role_user", 404),
        ("officer_luc_ngan", 404),
    ],
)
def test_who_may_download_the_annex(client, plan, request, name, who, status):
    login(client, request.getfixturevalue(who))
    response = client.get(reverse(name, args=[plan.pk]))
    assert response.status_code == status
    if status == 200:
        assert response["Content-Type"].startswith("application/vnd.openxmlformats")
        assert "phu-luc-231-KH-UBND-20220714" in response["Content-Disposition"]


def test_a_commune_officer_cannot_download_the_district_annex(client, plan):
    """A commune officer sees the commune, not the district's document."""
    login(client, make_user("kl2", "officer", unit(Level.COMMUNE, "03583")))
    assert client.get(reverse("document_annex_xlsx", args=[plan.pk])).status_code == 404


def test_anonymous_users_are_sent_to_login(client, plan):
    response = client.get(reverse("document_annex_xlsx", args=[plan.pk]))
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_an_unknown_document_is_not_found(client, leader):
    login(client, leader)
    assert client.get("/documents/99999/annex.xlsx").status_code == 404


def test_the_district_page_links_its_documents_annexes(client, officer_phong_tho, plan):
    login(client, officer_phong_tho)
    page = client.get("/districts/109/?year=2021").content.decode()
    assert reverse("document_annex_xlsx", args=[plan.pk]) in page
    assert reverse("document_annex_actuals_xlsx", args=[plan.pk]) in page
    assert reverse("document_import", args=[plan.pk]) not in page  # officers do not import


def test_the_district_page_offers_the_import_to_staff(client, staff, plan):
    login(client, staff)
    page = client.get("/districts/109/?year=2021").content.decode()
    assert reverse("document_import", args=[plan.pk]) in page


def test_a_title_that_looks_like_a_formula_is_written_as_text(plan):
    plan.annex_title = '=HYPERLINK("http://x")'
    sheet = open_sheet(annex_workbook(plan))
    assert sheet["A1"].value == '\'=HYPERLINK("http://x")' and sheet["A1"].data_type == "s"


def test_a_commune_without_its_own_2025_target_is_measured_against_the_districts_marked(plan):
    # Plan 231 lost its communes' 2025 columns; the district's 96,20% applies, as on the dashboard.
    khong_lao = Unit.objects.for_url(Level.COMMUNE, "03583", on=dt.date(2025, 3, 1))
    make_counts(khong_lao, dt.date(2025, 6, 1), population=4000, enrolled=3800)
    sheet = open_sheet(annex_actuals_workbook(plan))
    column = next(c.column for c in sheet[4] if c.value == "Năm 2025")
    row = find_row(sheet, "Khổng Lào")
    values = [sheet.cell(row=row, column=column + i).value for i in range(6)]
    # ceil(96,20% × 4.000) = 3.848 → 48 people short of 3.800
    assert values == [pytest.approx(0.962), 4000, 3800, pytest.approx(0.95), 48, "Chưa đạt"]
    assert sheet.cell(row=row, column=column).number_format == '0.00%"*"'
    # A year with the commune's own plan is not marked.
    assert sheet.cell(row=row, column=column - 6).number_format == "0.00%"
    notes = [c.value for c in sheet["A"] if isinstance(c.value, str) and c.value.startswith("* ")]
    assert notes == [
        "* Xã không có chỉ tiêu riêng trong năm: dùng chỉ tiêu chung của huyện (UBND tỉnh giao), "
        "như trên trang theo dõi của huyện."
    ]
    assert "Không có chỉ tiêu" not in values


SIGNED, BLANK = "Tải phụ lục (Excel, đúng mẫu văn bản)", "Tải mẫu phụ lục trống để điền (Excel)"


def test_a_plan_with_annex_rows_offers_its_signed_layout_and_a_directive_a_blank_form(client, leader, plan):
    directive = TargetDocument.objects.get(number="05-CT/HU")
    login(client, leader)
    on_plan = client.get(reverse("document", args=[plan.pk])).content.decode()
    assert SIGNED in on_plan and BLANK not in on_plan
    on_directive = client.get(reverse("document", args=[directive.pk])).content.decode()
    assert BLANK in on_directive and SIGNED not in on_directive
    on_district = client.get(f"/districts/{directive.scope.code}/?year=2021").content.decode()
    assert BLANK in on_district  # the district's list of documents, flagged by the same rule
