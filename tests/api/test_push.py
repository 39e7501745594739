"""Pushing a month's counts: the grid's validation, warnings, version guard, closing rules and
change log, reached through JSON."""

import datetime as dt

from django.utils import timezone

from communes.models import ChangeRecord, Enrollment, EnrollmentByGroup, MonthReopening, Population, Unit
from tests.api.conftest import BEFORE, MONTH, NEXT, Api, snapshot

URL = f"/api/v1/units/12/months/{MONTH:%Y-%m}/figures"


def version(unit, month=MONTH) -> int:
    return Enrollment.objects.get(unit=unit, month=month).version


def test_a_push_saves_like_the_grid_and_logs_the_token(as_role, figures, users, lai_chau):
    new = (
        Unit.objects.communes()
        .filter(parent=lai_chau)
        .in_force(MONTH)
        .exclude(pk__in=[figures["khong_lao"].pk, figures["neighbour"].pk])
        .order_by("code")
        .first()
    )
    response = as_role("province_officer").post(
        URL,
        {
            "communes": [
                {"code": "03583", "version": 1, "enrolled": 8200},
                {"code": new.code, "enrolled": 3000, "population": 3500, "population_source": "Chi cục Thống kê"},
            ]
        },
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["changes"], body["message"]) == (3, "Đã lưu 3 thay đổi.")
    assert body["communes"] == [
        {"code": "03583", "version": 2, "enrolled": 8200, "population": 9000},
        {"code": new.code, "version": 1, "enrolled": 3000, "population": 3500},
    ]
    records = ChangeRecord.objects.filter(channel="api").order_by("pk")
    assert [(r.unit.code, r.field, r.old_value, r.new_value) for r in records] == [
        ("03583", "enrolled", 8100, 8200),
        (new.code, "population", None, 3500),
        (new.code, "enrolled", None, 3000),
    ]
    assert {r.user for r in records} == {users["province_officer"]}
    assert records[0].note == "API, khoá “Khoá thử province_officer”"
    assert records[1].note == "API, khoá “Khoá thử province_officer” · Chi cục Thống kê"
    assert Enrollment.objects.get(unit=new, month=MONTH).entered_by == users["province_officer"]


def test_a_commune_left_out_or_a_field_left_out_keeps_its_figures(as_role, figures):
    note = Enrollment.objects.filter(unit=figures["khong_lao"], month=MONTH)
    note.update(note="đã đối chiếu")
    response = as_role("province_officer").post(URL, {"communes": [{"code": "03583", "version": 1, "enrolled": 8150}]})
    assert response.status_code == 200
    assert note.get().note == "đã đối chiếu" and note.get().enrolled == 8150
    assert Enrollment.objects.get(unit=figures["neighbour"], month=MONTH).version == 1


def test_figures_the_grid_refuses_are_refused_with_its_messages_and_nothing_is_saved(as_role, figures):
    api, before = as_role("province_officer"), snapshot()
    response = api.post(
        URL,
        {
            "communes": [
                {"code": "03583", "version": 1, "enrolled": 8300},  # fine on its own: the push is all or nothing
                {"code": figures["neighbour"].code, "version": 1, "enrolled": -4},
            ]
        },
    )
    assert response.status_code == 422 and response.json()["code"] == "invalid_figures"
    assert response.json()["problems"] == [
        {"commune": figures["neighbour"].code, "field": "enrolled", "message": "Số người không được âm."}
    ]
    above = api.post(URL, {"communes": [{"code": "03583", "version": 1, "enrolled": 9500}]}).json()
    assert above["problems"][0]["message"] == (
        "Số người tham gia (9.500) lớn hơn dân số (9.000): sửa lại, hoặc ghi chú lý do."
    )
    too_many = api.post(URL, {"communes": [{"code": "03583", "version": 1, "enrolled": 300_000_000}]}).json()
    assert too_many["code"] == "invalid_figures" and "200.000.000" in too_many["problems"][0]["message"]
    emptied = api.post(URL, {"communes": [{"code": "03583", "version": 1, "enrolled": None}]}).json()
    assert emptied["problems"][0]["message"] == "Không được để trống số đã nhập; hãy nhập lại số."
    new_population = api.post(URL, {"communes": [{"code": "03583", "version": 1, "population": 9500}]}).json()
    assert new_population["problems"][0]["field"] == "population_source"
    for wrong in (
        {"code": "03583", "enrolled": "8.200"},
        {"code": "03583", "enrolled": 8.5},
        {"code": "03583", "enrolled": True},
        {"code": "03583", "colour": "red"},
    ):
        response = api.post(URL, {"communes": [wrong]})
        assert response.status_code == 422 and response.json()["code"] == "invalid_request", wrong
    assert snapshot() == before


def test_a_fall_of_more_than_five_percent_is_saved_only_once_confirmed(as_role, figures):
    api, before = as_role("province_officer"), snapshot()
    asked = api.post(URL, {"communes": [{"code": "03583", "version": 1, "enrolled": 7000}]})
    assert asked.status_code == 422 and asked.json()["code"] == "confirmation_required"
    warning = {
        "commune": "03583",
        "field": "enrolled",
        "message": "Giảm 1.050 người so với tháng 10/2026 (8.050): kiểm tra lại hoặc xác nhận.",
    }
    assert asked.json()["problems"] == [warning] and snapshot() == before
    confirmed = api.post(URL, {"communes": [{"code": "03583", "version": 1, "enrolled": 7000}], "confirm": True})
    assert confirmed.status_code == 200 and confirmed.json()["confirmed"] == [warning]
    assert Enrollment.objects.get(unit=figures["khong_lao"], month=MONTH).enrolled == 7000


def test_payer_groups_are_saved_checked_and_known(as_role, figures):
    api = as_role("province_officer")
    uneven = api.post(URL, {"communes": [{"code": "03583", "version": 1, "groups": {"hgd": 5000, "nsnn": 3000}}]})
    assert uneven.json()["code"] == "confirmation_required"
    assert uneven.json()["problems"][0]["message"] == "Tổng các nhóm (8.000) khác tổng số người tham gia (8.100)."
    unknown = api.post(URL, {"communes": [{"code": "03583", "version": 1, "groups": {"vip": 1}}]})
    assert unknown.json()["code"] == "invalid_request" and "vip" in unknown.json()["message"]
    saved = api.post(URL, {"communes": [{"code": "03583", "version": 1, "groups": {"hgd": 5100, "nsnn": 3000}}]})
    assert saved.status_code == 200
    assert dict(EnrollmentByGroup.objects.values_list("group__code", "enrolled")) == {"hgd": 5100, "nsnn": 3000}
    assert version(figures["khong_lao"]) == 2
    read = api.get("/api/v1/units/03583/figures", start="2026-11").json()["items"][0]
    assert read["groups"] == {"hgd": 5100, "nsnn": 3000} and read["version"] == 2


def test_a_push_on_a_stale_version_is_refused_naming_who_changed_it_and_when(as_role, figures, now_is):
    now_is(dt.datetime(2026, 12, 2, 9, 15, tzinfo=timezone.get_current_timezone()))
    assert (
        as_role("admin").post(URL, {"communes": [{"code": "03583", "version": 1, "enrolled": 8120}]}).status_code == 200
    )
    now_is(dt.datetime(2026, 12, 2, 9, 40, tzinfo=timezone.get_current_timezone()))
    before = snapshot()
    stale = as_role("commune_officer").post(URL, {"communes": [{"code": "03583", "version": 1, "enrolled": 8300}]})
    assert stale.status_code == 409 and snapshot() == before
    body = stale.json()
    assert body["code"] == "conflict"
    assert body["problems"] == [
        {
            "commune": "03583",
            "field": None,
            "message": "Xã Khổng Lào: số người tham gia đã được api_admin sửa lúc 02/12/2026 09:15, "
            "sau khi bạn mở trang.",
        }
    ]
    assert [(c["code"], c["version"], c["enrolled"], c["entered_by"]) for c in body["current"]] == [
        ("03583", 2, 8120, "api_admin")
    ]
    again = as_role("commune_officer").post(URL, {"communes": [{"code": "03583", "version": 2, "enrolled": 8300}]})
    assert again.status_code == 200 and version(figures["khong_lao"]) == 3


def test_a_population_changed_after_the_client_read_it_is_a_conflict(as_role, figures, now_is):
    read_at = as_role("province_officer").get("/api/v1/units/12/populations").json()["server_time"]
    now_is(dt.datetime(2026, 12, 2, 10, 30, tzinfo=timezone.get_current_timezone()))
    Population.objects.filter(unit=figures["khong_lao"], year=2026).update(population=9050, entered_at=timezone.now())
    before = snapshot()
    response = as_role("province_officer").post(
        URL,
        {
            "read_at": read_at,
            "communes": [{"code": "03583", "version": 1, "population": 9200, "population_source": "Thống kê xã"}],
        },
    )
    assert response.status_code == 409 and "dân số đã được" in response.json()["problems"][0]["message"]
    assert snapshot() == before


def test_a_closed_month_is_refused_until_a_leader_reopens_it(as_role, figures, users):
    closed = f"/api/v1/units/12/months/{BEFORE:%Y-%m}/figures"
    api, before = as_role("province_officer"), snapshot()
    response = api.post(closed, {"communes": [{"code": "03583", "version": 1, "enrolled": 8060}]})
    assert response.status_code == 403 and response.json()["code"] == "month_closed"
    assert response.json()["message"].startswith("Tháng 10/2026 đã khoá sổ lúc 11/11/2026 00:00")
    future = api.post(f"/api/v1/units/12/months/{NEXT:%Y-%m}/figures", {"communes": [{"code": "03583", "enrolled": 1}]})
    assert future.status_code == 403 and future.json()["code"] == "month_not_open"
    assert snapshot() == before
    MonthReopening.objects.create(
        unit=figures["khong_lao"].parent,
        month=BEFORE,
        by=users["province_leader"],
        until=timezone.now() + dt.timedelta(days=2),
        reason="BHXH gửi lại số",
    )
    assert api.post(closed, {"communes": [{"code": "03583", "version": 1, "enrolled": 8060}]}).status_code == 200


def test_communes_outside_the_grid_named_twice_or_not_editable_refuse_the_whole_push(as_role, figures):
    api, before = as_role("province_officer"), snapshot()
    unknown = api.post(
        URL, {"communes": [{"code": "03583", "version": 1, "enrolled": 8200}, {"code": "99999", "enrolled": 1}]}
    )
    assert unknown.status_code == 404 and "99999" in unknown.json()["message"]
    twice = api.post(
        URL,
        {
            "communes": [
                {"code": "03583", "version": 1, "enrolled": 8200},
                {"code": "03583", "version": 1, "enrolled": 8300},
            ]
        },
    )
    assert twice.status_code == 422 and "03583" in twice.json()["message"]
    other = api.post(
        f"/api/v1/units/24/months/{MONTH:%Y-%m}/figures",
        {"communes": [{"code": figures["bac_ninh"].code, "version": 1, "enrolled": 1}]},
    )
    assert other.status_code == 404
    bad_month = api.post("/api/v1/units/12/months/2026-13/figures", {"communes": [{"code": "03583"}]})
    assert bad_month.status_code == 404
    leader = as_role("province_leader").post(URL, {"communes": [{"code": "03583", "version": 1, "enrolled": 8200}]})
    assert leader.status_code == 403 and leader.json()["code"] == "forbidden"
    assert snapshot() == before


def test_a_commune_officer_pushes_its_commune_through_the_commune_or_its_province(as_role, figures):
    api = as_role("commune_officer")
    assert (
        api.post(
            f"/api/v1/units/03583/months/{MONTH:%Y-%m}/figures",
            {"communes": [{"code": "03583", "version": 1, "enrolled": 8110}]},
        ).status_code
        == 200
    )
    assert api.post(URL, {"communes": [{"code": "03583", "version": 2, "enrolled": 8120}]}).status_code == 200
    before = snapshot()
    assert (
        api.post(URL, {"communes": [{"code": figures["neighbour"].code, "version": 1, "enrolled": 1}]}).status_code
        == 404
    )
    assert snapshot() == before


def test_an_unchanged_push_changes_nothing(as_role, figures):
    before = snapshot()
    response = as_role("province_officer").post(URL, {"communes": [{"code": "03583", "version": 1, "enrolled": 8100}]})
    assert response.status_code == 200 and response.json()["changes"] == 0
    assert response.json()["message"] == "Không có gì thay đổi." and snapshot() == before


def test_an_unauthenticated_client_cannot_push(figures):
    before = snapshot()
    assert Api().post(URL, {"communes": [{"code": "03583", "version": 1, "enrolled": 1}]}).status_code == 401
    assert snapshot() == before
