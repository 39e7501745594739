"""The annex import applies what it previewed: in one transaction, each change recorded, refused
when the figures changed since the preview; the upload, preview and apply pages, and who may use them."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from communes.models import ChangeRecord, Level, UnitAlias
from entry import annex_import, annex_rows
from entry.annex_file import ImportRefused
from entry.annex_import import apply, preview
from entry.annex_rows import read_bytes
from reports.excel_annex import annex_workbook
from reports.xlsx import workbook_bytes
from targets.models import FigureKind, ReportedFigure, Target, TargetDocument
from tests.conftest import NOW, make_user, unit
from tests.reports.excel_helpers import login

from .annex_examples import changed, official_workbook, printed_rows


@pytest.fixture
def plan(db):
    return TargetDocument.objects.get(number="231/KH-UBND")


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


def test_applying_dates_the_changed_targets_and_their_document_for_a_sync(plan, staff, now_is):
    """The targets are written in one bulk UPDATE, which sets no change time of its own."""
    earlier = NOW - dt.timedelta(days=1)
    Target.objects.filter(document=plan).update(updated_at=earlier)
    TargetDocument.objects.filter(pk=plan.pk).update(updated_at=earlier)
    parsed = read_bytes(official_workbook(changed(printed_rows(), "Dao San", 12, "9 030")), document=plan)
    shown = preview(document=plan, parsed=parsed, confirmed={})
    apply(document=plan, parsed=parsed, confirmed={}, expected=shown.fingerprint, user=staff, filename="kh.xlsx")
    dated = Target.objects.filter(document=plan).exclude(updated_at=earlier)
    assert [(t.unit.code, t.year, t.planned_enrolled, t.updated_at) for t in dated] == [("03571", 2024, 9030, NOW)]
    plan.refresh_from_db()
    assert plan.updated_at == NOW


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
    assert "Tệp không phải bảng tính: hãy tải lên tệp .xlsx." in response.content.decode()


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


@override_settings(IMPORT_MAX_BYTES=1000)
def test_an_upload_over_the_limit_is_refused_on_the_page(client, plan, staff):
    login(client, staff)
    big = official_workbook(printed_rows()) + b"\0" * 70_000
    response = client.post(reverse("document_import", args=[plan.pk]), {"workbook": _upload(big)})
    assert response.status_code == 413 and "lớn hơn giới hạn" in response.content.decode()


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
