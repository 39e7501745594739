"""Incremental sync of the units and the documents, as of the counts: `updated_since` keeps what
changed at or after the moment (a time without offset is Vietnam's), pages follow the change, a
change to a target brings its document, and only what the token sees is ever listed."""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from communes.models import Unit
from communes.seed import FIXTURES, NATIONAL_LIST
from communes.unit_list import load_unit_list, read_unit_list
from entry.document_forms import TargetValues, fingerprint, stored_values
from entry.document_save import save_targets
from targets.models import Target, TargetDocument

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
SINCE = dt.datetime(2026, 12, 3, 0, 0, tzinfo=HANOI)
BAD_TIME = (
    "Tham số updated_since không hợp lệ: Ngày giờ không hợp lệ (viết theo ISO 8601, ví dụ 2026-11-25T08:00:00+07:00)."
)


def at(hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 12, 3, hour, minute, tzinfo=HANOI)


@pytest.fixture
def synced(documents):
    """Every unit, document and target dated just before SINCE: what a client synced up to then.
    (The seeded rows and the fixtures' were written on the real clock.)"""
    before = SINCE - dt.timedelta(seconds=1)
    Unit.objects.update(updated_at=before)
    TargetDocument.objects.update(updated_at=before)
    Target.objects.update(updated_at=before)
    return documents


def _rename(unit: Unit, name: str) -> None:
    unit.name = name
    unit.save()


def test_units_changed_since_are_listed_in_the_order_they_changed_and_no_other(
    as_role, synced, khong_lao, neighbour, bac_ninh_commune, now_is
):
    now_is(at(9))
    _rename(neighbour, "Bản Mới")
    now_is(at(9, 5))
    _rename(khong_lao, "Khổng Lào Thượng")
    now_is(at(9, 10))
    _rename(bac_ninh_commune, "Tân Mới")
    now_is(at(10))
    body = as_role("admin").get("/api/v1/units", updated_since="2026-12-03T00:00:00").json()  # Vietnam's time
    assert [(u["code"], u["name"], u["updated_at"]) for u in body["items"]] == [
        (neighbour.code, "Bản Mới", "2026-12-03T09:00:00+07:00"),
        ("03583", "Khổng Lào Thượng", "2026-12-03T09:05:00+07:00"),
        (bac_ninh_commune.code, "Tân Mới", "2026-12-03T09:10:00+07:00"),
    ]
    assert body["server_time"] == "2026-12-03T10:00:00+07:00" and body["next"] is None
    # At or after: the moment of a change itself still reads it; a microsecond later does not.
    exactly = as_role("admin").get("/api/v1/units", updated_since="2026-12-03T09:05:00+07:00").json()["items"]
    assert [u["code"] for u in exactly] == ["03583", bac_ninh_commune.code]
    after = as_role("admin").get("/api/v1/units", updated_since="2026-12-03T02:10:00.000001+00:00").json()["items"]
    assert after == []
    # Within the token's area only: Lai Châu's officer, Khổng Lào's officer.
    lai_chau = as_role("province_officer").get("/api/v1/units", updated_since="2026-12-03T00:00:00+07:00").json()
    assert [u["code"] for u in lai_chau["items"]] == [neighbour.code, "03583"]
    commune = as_role("commune_officer").get("/api/v1/units", updated_since="2026-12-03T00:00:00+07:00").json()
    assert [u["code"] for u in commune["items"]] == ["03583"]
    # The other filters still apply.
    filtered = as_role("admin").get("/api/v1/units", updated_since="2026-12-03T00:00:00", parent="24").json()
    assert [u["code"] for u in filtered["items"]] == [bac_ninh_commune.code]


def test_a_unit_a_new_list_ended_is_read_with_its_end(as_role, synced, neighbour, now_is):
    """The list's loader closes units with one UPDATE: they are dated all the same, and a sync reads
    them although they are no longer in force (without `on`), while today's listing leaves them out."""
    listed = [u for u in read_unit_list(FIXTURES / NATIONAL_LIST) if u.code != neighbour.code]
    now_is(at(8))
    report = load_unit_list(listed, effective=dt.date(2025, 8, 1), source="danh mục thử")
    assert [u.code for u in report.ended] == [neighbour.code]
    api = as_role("province_officer")
    body = api.get("/api/v1/units", updated_since="2026-12-03T00:00:00").json()
    assert [(u["code"], u["valid_to"], u["updated_at"]) for u in body["items"]] == [
        (neighbour.code, "2025-07-31", "2026-12-03T08:00:00+07:00")
    ]
    assert neighbour.code not in {u["code"] for u in api.get("/api/v1/units", parent="12", limit=100).json()["items"]}
    # With `on`, the units in force that day only, as without updated_since.
    then = api.get("/api/v1/units", updated_since="2026-12-03T00:00:00", on="2025-07-15").json()["items"]
    later = api.get("/api/v1/units", updated_since="2026-12-03T00:00:00", on="2025-09-01").json()["items"]
    assert ([u["code"] for u in then], later) == ([neighbour.code], [])


def test_a_unit_changed_while_a_client_pages_is_read_again_at_the_end(as_role, synced, now_is):
    lai_chau_communes = list(Unit.objects.communes().filter(parent__code="12", valid_to__isnull=True).order_by("code"))
    first, second, third = lai_chau_communes[:3]
    for minute, unit in enumerate((first, second, third), start=1):
        now_is(at(9, minute))
        _rename(unit, f"{unit.name} {minute}")
    api = as_role("province_officer")
    page = api.get("/api/v1/units", updated_since="2026-12-03T00:00:00", limit=2).json()
    read = [u["code"] for u in page["items"]]
    now_is(at(9, 30))
    _rename(first, "Đổi lúc đang đọc")
    url = page["next"]
    while url:
        page = api.get(url).json()
        read += [u["code"] for u in page["items"]]
        url = page["next"]
    assert read == [first.code, second.code, third.code, first.code]  # nothing skipped, the change read again


def test_a_document_changed_since_is_listed_and_no_other(as_role, synced, now_is):
    now_is(at(9))
    document = synced["lai_chau"]
    document.title = "Kế hoạch 01/KH-LC (sửa đổi)"
    document.save()
    now_is(at(10))
    body = as_role("leader").get("/api/v1/documents", updated_since="2026-12-03T00:00:00").json()
    assert [(d["number"], d["title"], d["updated_at"]) for d in body["items"]] == [
        ("01/KH-LC", "Kế hoạch 01/KH-LC (sửa đổi)", "2026-12-03T09:00:00+07:00")
    ]
    assert body["server_time"] == "2026-12-03T10:00:00+07:00" and body["next"] is None
    detail = as_role("leader").get(f"/api/v1/documents/{document.pk}").json()
    assert detail["updated_at"] == "2026-12-03T09:00:00+07:00"
    assert as_role("leader").get("/api/v1/documents", updated_since="2026-12-03T09:00:01+07:00").json()["items"] == []


def test_a_changed_or_removed_target_brings_its_document(as_role, synced, khong_lao, users, now_is):
    """Through the targets grid's own write: a changed rate, then a target emptied (removed)."""
    document = synced["lai_chau"]
    now_is(at(9))
    stored = stored_values(document)
    changed = {**stored, (khong_lao.pk, 2026): TargetValues(Decimal("97.50"), None, None)}
    assert save_targets(document=document, values=changed, opened=fingerprint(stored), user=users["admin"]) == 1
    target = Target.objects.get(document=document, unit=khong_lao, year=2026)
    assert (target.rate, target.updated_at) == (Decimal("97.50"), at(9))
    api = as_role("province_officer")
    body = api.get("/api/v1/documents", updated_since="2026-12-03T00:00:00").json()
    assert [(d["number"], d["updated_at"]) for d in body["items"]] == [("01/KH-LC", "2026-12-03T09:00:00+07:00")]
    # Removed: no target row is left to date, the document is.
    now_is(at(11))
    stored = stored_values(document)
    without = {key: value for key, value in stored.items() if key[0] != khong_lao.pk}
    save_targets(document=document, values=without, opened=fingerprint(stored), user=users["admin"])
    assert not Target.objects.filter(document=document, unit=khong_lao).exists()
    body = api.get("/api/v1/documents", updated_since="2026-12-03T10:00:00").json()
    assert [(d["number"], d["updated_at"]) for d in body["items"]] == [("01/KH-LC", "2026-12-03T11:00:00+07:00")]
    # A grid saved with nothing changed dates nothing.
    now_is(at(12))
    stored = stored_values(document)
    assert save_targets(document=document, values=stored, opened=fingerprint(stored), user=users["admin"]) == 0
    assert api.get("/api/v1/documents", updated_since="2026-12-03T11:30:00").json()["items"] == []


def test_documents_outside_the_tokens_area_never_appear(as_role, synced, bac_ninh_commune, users, now_is):
    now_is(at(9))
    bac_ninh = synced["bac_ninh"]
    stored = stored_values(bac_ninh)
    changed = {**stored, (bac_ninh_commune.pk, 2026): TargetValues(Decimal("96.00"), None, None)}
    save_targets(document=bac_ninh, values=changed, opened=fingerprint(stored), user=users["admin"])
    now_is(at(9, 30))
    lai_chau = synced["lai_chau"]
    lai_chau.note = "Bổ sung"
    lai_chau.save()
    query = {"updated_since": "2026-12-03T00:00:00", "year": 2026}
    assert [d["number"] for d in as_role("admin").get("/api/v1/documents", **query).json()["items"]] == [
        "01/KH-BN",
        "01/KH-LC",
    ]
    assert [d["number"] for d in as_role("province_officer").get("/api/v1/documents", **query).json()["items"]] == [
        "01/KH-LC"
    ]
    assert as_role("commune_officer").get("/api/v1/documents", **query).json()["items"] == []  # Lai Châu's is above it
    assert as_role("no_role").get("/api/v1/documents", **query).json()["code"] == "no_role"


@pytest.mark.parametrize("url", ["/api/v1/units", "/api/v1/documents"])
def test_a_time_that_is_not_one_is_refused_in_vietnamese(as_role, url):
    response = as_role("admin").get(url, updated_since="yesterday")
    assert response.status_code == 400
    assert response.json() | {"problems": None} == {
        "code": "invalid_parameter",
        "message": BAD_TIME,
        "parameter": "updated_since",
        "problems": None,
    }
