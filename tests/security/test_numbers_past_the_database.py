"""Counts past anything real (and past what the database's columns hold) are refused with the same
message whichever way they come in: the grid, an annex import, a document's targets grid."""

import re

import pytest

from communes.models import ChangeRecord, Level, Role, Unit
from entry.annex_file import ImportRefused
from entry.annex_rows import read_bytes
from targets.models import Target, TargetDocument
from tests.conftest import make_user, unit
from tests.entry.annex_examples import changed, official_workbook, printed_rows

from .test_forged_urls import snapshot

MESSAGE = "Số quá lớn (hơn 200.000.000 người)"


@pytest.mark.parametrize("value", ["1000000000000", "3.000.000.000", "200 000 001"])
def test_the_grid_refuses_a_count_past_the_country(client, db, settings, value):
    settings.ENTRY_CLOSE_DAYS = 100_000
    client.force_login(make_user("officer_big", Role.OFFICER, unit(Level.DISTRICT, "109")))
    before = snapshot()
    response = client.post("/districts/109/entry/2022-01/", {"03583-population": value, "03583-enrolled": "100"})
    assert response.status_code == 200 and MESSAGE in response.content.decode()
    assert snapshot() == before


@pytest.mark.parametrize("population, enrolled", [(10**12, 10**11), (3_000_000_000, 10)])
def test_an_annex_import_refuses_a_count_past_the_country(db, population, enrolled):
    plan = TargetDocument.objects.get(number="231/KH-UBND")
    rows = changed(changed(printed_rows(), "Không Lào", 2, population), "Không Lào", 3, enrolled)
    with pytest.raises(ImportRefused, match=re.escape(MESSAGE)):
        read_bytes(official_workbook(rows), document=plan)
    rows = changed(printed_rows(), "Không Lào", 5, str(population))  # as text, in a plan year
    with pytest.raises(ImportRefused, match=re.escape(MESSAGE)):
        read_bytes(official_workbook(rows), document=plan)


def test_a_documents_targets_grid_refuses_a_planned_population_past_the_country(client, db):
    lai_chau = Unit.objects.provinces().filter(code="12", valid_to__isnull=True).get()
    client.force_login(make_user("staff_big", Role.STAFF, lai_chau))
    document = TargetDocument.objects.create(
        kind="plan",
        number="1/KH",
        issued_on="2026-01-15",
        issuer="UBND",
        title="Kế hoạch",
        scope=lai_chau,
        first_year=2026,
        last_year=2026,
    )
    opened = client.get(f"/documents/{document.pk}/targets/").context["form"]["opened"].value()
    commune = Unit.objects.communes().filter(parent=lai_chau, valid_to__isnull=True).order_by("code").first()
    response = client.post(
        f"/documents/{document.pk}/targets/",
        {"opened": opened, f"{commune.code}-2026-rate": "96", f"{commune.code}-2026-population": "3000000000"},
    )
    assert response.status_code == 400 and MESSAGE in response.content.decode()
    assert not Target.objects.filter(document=document).exists() and not ChangeRecord.objects.exists()


# -- the API's push and the agency's workbook ------------------------------------------------------

PUSHED = [
    {"enrolled": 10**11, "population": 10**12},
    {"enrolled": 3_000_000_000},
    {"enrolled": 100, "population": 3_000_000_000},
    {"enrolled": 100, "groups": {"nld": 3_000_000_000}},
]


@pytest.mark.parametrize("figures", PUSHED, ids=["10^12 people", "3e9 enrolled", "3e9 people", "3e9 in a group"])
def test_the_api_push_refuses_a_count_past_the_country(client, db, now_is, figures):
    from api.tokens import issue_token

    lai_chau = Unit.objects.provinces().filter(code="12", valid_to__isnull=True).get()
    token = issue_token(make_user("officer_api_big", Role.OFFICER, lai_chau), "Khoá thử số lớn")[1]
    before = snapshot()
    response = client.post(
        "/api/v1/units/12/months/2026-11/figures",
        {"communes": [{"code": "03583", "population_source": "thử", **figures}]},
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
    )
    body = response.json()
    assert response.status_code == 422 and body["code"] == "invalid_figures", body
    assert {p["commune"] for p in body["problems"] if MESSAGE in p["message"]} == {"03583"}, body
    assert snapshot() == before and not ChangeRecord.objects.exists()


@pytest.mark.parametrize(
    "count, population", [(10**11, None), (3_000_000_000, None), (None, 10**12)], ids=["10^11", "3e9", "10^12 people"]
)
def test_the_agency_workbook_refuses_a_count_past_the_country(client, db, settings, count, population):
    import dataclasses

    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.entry.agency_examples import agency_xlsx, communes

    settings.ENTRY_CLOSE_DAYS = 100_000
    lai_chau = Unit.objects.provinces().filter(code="12", valid_to__isnull=True).get()
    client.force_login(make_user("officer_wb_big", Role.OFFICER, lai_chau))
    listed = communes()
    first = listed[0]
    listed[0] = dataclasses.replace(first, count=count or first.count, population=population or first.population)
    before = snapshot()
    response = client.post(
        "/provinces/12/entry/2025-11/workbook/",
        {"workbook": SimpleUploadedFile("bhxh.xlsx", agency_xlsx(listed=listed))},
    )
    page = response.content.decode()
    assert response.status_code == 200 and MESSAGE in page and first.written in page
    assert snapshot() == before
