"""Staff create a target document in the portal and set its targets; a later document supersedes."""

import datetime as dt
from decimal import Decimal

import pytest

from communes.models import ChangeRecord, Enrollment, Population, Role, Unit
from entry.document_forms import fingerprint, stored_values
from targets.models import Target, TargetDocument
from tests.conftest import NOW, make_user

TODAY = NOW.date()


@pytest.fixture
def lai_chau(db):
    return Unit.objects.provinces().in_force(TODAY).get(code="12")


@pytest.fixture
def communes(lai_chau):
    return list(Unit.objects.communes().filter(parent=lai_chau).in_force(TODAY).order_by("code"))


@pytest.fixture
def staff_lc(lai_chau):
    return make_user("staff_lc", Role.STAFF, lai_chau)


DOCUMENT = {
    "kind": "plan",
    "number": "08/KH-UBND",
    "issued_on": "15/01/2026",
    "issuer": "UBND tỉnh Lai Châu",
    "signer": "Nguyễn Văn A",
    "title": "Kế hoạch bao phủ BHYT năm 2026",
    "first_year": "2026",
    "last_year": "2026",
    "note": "",
}


def _create(client, lai_chau, **changes) -> TargetDocument:
    response = client.post("/documents/new/", {**DOCUMENT, "scope": lai_chau.pk, **changes})
    assert response.status_code == 302, response.context["form"].errors
    return TargetDocument.objects.get(number=changes.get("number", DOCUMENT["number"]))


def _grid(client, document) -> dict:
    response = client.get(f"/documents/{document.pk}/targets/")
    assert response.status_code == 200
    return {"opened": response.context["form"]["opened"].value()}


def test_staff_create_a_document_for_their_province(client, lai_chau, staff_lc):
    client.force_login(staff_lc)
    form = client.get("/documents/new/").context["form"]
    assert list(form.fields["scope"].queryset) == [lai_chau]  # a province's staff issue for it alone
    document = _create(client, lai_chau)
    assert document.issued_on == dt.date(2026, 1, 15) and document.years == [2026]
    assert document.created_by == staff_lc and document.scope == lai_chau


def test_the_targets_grid_takes_what_is_pasted_from_excel(client, lai_chau, communes, staff_lc):
    client.force_login(staff_lc)
    document = _create(client, lai_chau)
    data = _grid(client, document)
    first, second = communes[0], communes[1]
    data |= {
        "12-2026-rate": "96,30",
        f"{first.code}-2026-rate": "97,5",
        f"{first.code}-2026-population": "12.345",
        f"{first.code}-2026-enrolled": "12 037",
        f"{second.code}-2026-rate": "95.25%",
    }
    response = client.post(f"/documents/{document.pk}/targets/", data)
    assert response.status_code == 302
    targets = {t.unit.code: t for t in document.targets.select_related("unit")}
    assert targets["12"].rate == Decimal("96.30")
    assert (targets[first.code].rate, targets[first.code].planned_population, targets[first.code].planned_enrolled) == (
        Decimal("97.50"),
        12_345,
        12_037,
    )
    assert targets[second.code].rate == Decimal("95.25") and targets[second.code].planned_population is None
    records = ChangeRecord.objects.filter(channel="targets", user=staff_lc)
    assert records.count() == 5 and records.filter(field="target_rate", new_value=9630, unit=lai_chau).exists()


@pytest.mark.parametrize(
    "cell, value, message",
    [
        ("rate", "abc", "Không đọc được tỷ lệ"),
        ("rate", "101", "từ 0 đến 100"),
        ("population", "-5", "không được âm"),
        ("enrolled", "99.999", "lớn hơn dân số"),
    ],
)
def test_bad_cells_are_refused_beside_the_field_and_nothing_is_saved(
    client, lai_chau, communes, staff_lc, cell, value, message
):
    client.force_login(staff_lc)
    document = _create(client, lai_chau)
    first, second = communes[0], communes[1]
    data = _grid(client, document) | {
        f"{first.code}-2026-rate": "97",
        f"{first.code}-2026-population": "10.000",
        f"{first.code}-2026-enrolled": "9.800",
        f"{second.code}-2026-rate": "96",
    }
    data[f"{first.code}-2026-{cell}"] = value
    response = client.post(f"/documents/{document.pk}/targets/", data)
    assert response.status_code == 400
    assert message in " ".join(response.context["form"].errors[f"{first.code}-2026-{cell}"])
    assert f'value="{value}"' in response.content.decode()  # what was typed stays
    assert not document.targets.exists() and not ChangeRecord.objects.filter(channel="targets").exists()


def test_a_grid_opened_before_someone_else_saved_is_refused(client, lai_chau, communes, staff_lc):
    client.force_login(staff_lc)
    document = _create(client, lai_chau)
    stale = _grid(client, document)
    Target.objects.create(document=document, unit=communes[0], year=2026, rate=Decimal("90"))
    response = client.post(f"/documents/{document.pk}/targets/", stale | {f"{communes[1].code}-2026-rate": "96"})
    assert response.status_code == 409
    assert "vừa được người khác thay đổi" in response.content.decode()
    assert list(document.targets.values_list("rate", flat=True)) == [Decimal("90.00")]
    # The refused page carries today's fingerprint: saving again is a deliberate overwrite.
    assert response.context["form"]["opened"].value() == fingerprint(stored_values(document))


def test_a_later_document_supersedes_the_earlier_for_the_same_unit_and_year(
    client, now_is, lai_chau, communes, staff_lc
):
    client.force_login(staff_lc)
    plan = _create(client, lai_chau)
    client.post(f"/documents/{plan.pk}/targets/", _grid(client, plan) | {"12-2026-rate": "96,30"})
    revision = _create(client, lai_chau, kind="decision", number="112/QĐ-UBND", issued_on="10/07/2026")
    client.post(f"/documents/{revision.pk}/targets/", _grid(client, revision) | {"12-2026-rate": "95,80"})
    for commune in communes:
        Population.objects.create(unit=commune, year=2026, population=1000)
        Enrollment.objects.create(unit=commune, month=dt.date(2026, 11, 1), enrolled=960)
    client.force_login(make_user("leader_lc", Role.LEADER, lai_chau))
    headline = client.get("/provinces/12/").context["headline"]
    assert headline.target.document == revision and headline.target_rate == Decimal("95.80")
    # Both stay visible; the earlier one's grid says which document replaced its target.
    client.force_login(staff_lc)
    assert "95,80%" in client.get(f"/documents/{revision.pk}/").content.decode()
    assert "96,30%" in client.get(f"/documents/{plan.pk}/").content.decode()
    assert "thay bởi Quyết định 112/QĐ-UBND" in client.get(f"/documents/{plan.pk}/targets/").content.decode()


def test_a_document_number_and_date_are_unique(client, lai_chau, staff_lc):
    client.force_login(staff_lc)
    _create(client, lai_chau)
    response = client.post("/documents/new/", {**DOCUMENT, "scope": lai_chau.pk})
    assert response.status_code == 200
    assert "Đã có văn bản cùng số hiệu" in response.content.decode()
    assert TargetDocument.objects.filter(number="08/KH-UBND").count() == 1


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"issued_on": "2026-31-01"}, "dd/mm/yyyy"),
        ({"last_year": "2024"}, "Năm cuối phải từ năm đầu"),
        ({"title": ""}, "bắt buộc"),
    ],
)
def test_a_bad_document_form_is_refused_beside_the_field(client, lai_chau, staff_lc, changes, message):
    client.force_login(staff_lc)
    response = client.post("/documents/new/", {**DOCUMENT, "scope": lai_chau.pk, **changes})
    assert response.status_code == 200 and message in response.content.decode()
    assert not TargetDocument.objects.filter(number="08/KH-UBND").exists()


def test_national_staff_issue_for_the_country_and_set_each_provinces_rate(client, db):
    client.force_login(make_user("staff_all", Role.STAFF, None))
    country = Unit.objects.country()
    document = _create(client, country, number="1/QĐ-TTg", issuer="Thủ tướng Chính phủ")
    response = client.get(f"/documents/{document.pk}/targets/")
    assert len(response.context["rows"]) == 35  # the country, then its 34 provinces
    client.post(
        f"/documents/{document.pk}/targets/", _grid(client, document) | {"VN-2026-rate": "95,20", "12-2026-rate": "96"}
    )
    assert set(document.targets.values_list("unit__code", "rate")) == {
        ("VN", Decimal("95.20")),
        ("12", Decimal("96.00")),
    }


def test_who_may_create_and_edit_documents(client, lai_chau, staff_lc):
    client.force_login(make_user("leader_lc", Role.LEADER, lai_chau))
    assert client.get("/documents/new/").status_code == 403
    client.force_login(staff_lc)
    document = _create(client, lai_chau)
    other = make_user("staff_bn", Role.STAFF, Unit.objects.provinces().in_force(TODAY).get(code="24"))
    client.force_login(other)
    assert client.get(f"/documents/{document.pk}/targets/").status_code == 404
    assert client.post(f"/documents/{document.pk}/targets/", {"12-2026-rate": "1"}).status_code == 404
    client.force_login(make_user("officer_lc", Role.OFFICER, lai_chau))
    assert client.get(f"/documents/{document.pk}/targets/").status_code == 403
    assert not document.targets.exists()


def _annex_2026(communes) -> bytes:
    """A province's 2026 annex as a workbook: 2025 result, the 2026 plan, names with and without "Xã"."""
    from openpyxl import Workbook

    from reports.xlsx import workbook_bytes

    workbook = Workbook()
    sheet = workbook.active
    sheet["A1"] = "CHỈ TIÊU BAO PHỦ BHYT NĂM 2026 GIAO CÁC XÃ, PHƯỜNG"
    sheet.append([])
    sheet.append(["TT", "Tên xã, phường", "Kết quả thực hiện năm 2025", None, None, "Kế hoạch năm 2026"])
    sheet.merge_cells("C3:E3")
    sheet.merge_cells("F3:H3")
    sheet.merge_cells("A3:A4")
    sheet.merge_cells("B3:B4")
    sheet.append([None, None] + ["Dân số", "Số người tham gia BHYT", "Tỷ lệ bao phủ"] * 2)
    for number, commune in enumerate(communes, start=1):
        name = commune.full_name if number % 2 else commune.name
        sheet.append(
            [number, name, 10_000 + number, 9_500 + number, "95,00%", 10_100 + number, 9_700 + number, "96,00%"]
        )
    return workbook_bytes(workbook)


def test_a_new_document_takes_its_targets_from_a_workbook_laid_out_like_the_annex(client, lai_chau, communes, staff_lc):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(staff_lc)
    document = _create(client, lai_chau)
    upload = SimpleUploadedFile(
        "chi-tieu-2026.xlsx",
        _annex_2026(communes),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response = client.post(f"/documents/{document.pk}/import/", {"workbook": upload})
    assert response.status_code == 200, response.content.decode()[:2000]
    preview = response.context["preview"]
    response = client.post(
        f"/documents/{document.pk}/import/apply/",
        {"token": response.context["token"], "fingerprint": preview.fingerprint, "apply": "1"},
    )
    assert response.status_code == 302
    targets = document.targets.filter(year=2026)
    assert targets.count() == 38
    first = targets.get(unit=communes[0])
    assert (first.rate, first.planned_population, first.planned_enrolled) == (Decimal("96.00"), 10_101, 9_701)
