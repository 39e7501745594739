"""Counts past anything real (and past what the database's columns hold) are refused with the same
message whichever way they come in: the grid, an annex import, a document's targets grid."""

import re

import pytest

from communes.models import ChangeRecord, Level, Role, Unit
from entry.annex_file import ImportRefused
from entry.annex_rows import read_bytes
from targets.models import Target, TargetDocument
from tests.conftest import make_user, unit
from tests.entry.test_annex_import import changed, official_workbook, printed_rows

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
