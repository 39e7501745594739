"""Reading: units over time, documents and targets, monthly sums, and the incremental sync of
counts and populations (updated_since and keyset pages)."""

import datetime as dt
from zoneinfo import ZoneInfo

from communes.models import Enrollment, Level, Population, Unit
from reports import series
from tests.api.conftest import BEFORE, MONTH, Api

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
# Later than any row's entry time, the seeded ones' (the real clock) included.
LATER = dt.datetime(2099, 12, 31, 23, 30, tzinfo=HANOI)


def test_a_code_means_the_unit_in_force_on_the_date_asked(as_role):
    api = as_role("admin")
    then = api.get("/api/v1/units/07537", on="2024-06-01").json()
    now = api.get("/api/v1/units/07537").json()
    assert (then["full_name"], then["valid_to"]) == ("Xã Phong Vân", "2025-06-30")
    assert [s["unit"]["full_name"] for s in then["successors"]] == ["Xã Biên Sơn"]
    assert [u["full_name"] for u in then["successors_today"]] == ["Xã Biên Sơn"]
    assert (now["full_name"], now["valid_from"], now["valid_to"]) == ("Xã Biên Sơn", "2025-07-01", None)
    assert "Xã Phong Vân" in [s["unit"]["full_name"] for s in now["predecessors"]]
    assert [v["id"] for v in now["versions"]] == [then["id"]]  # the same code, another unit
    assert now["parent"]["code"] == "24" and now["parent"]["full_name"] == "Tỉnh Bắc Ninh"


def test_a_province_code_reused_after_the_merger_reads_by_date(as_role):
    api = as_role("admin")
    assert api.get("/api/v1/units/24", on="2024-01-01").json()["full_name"] == "Tỉnh Bắc Giang"
    assert api.get("/api/v1/units/24").json()["full_name"] == "Tỉnh Bắc Ninh"
    assert api.get("/api/v1/units/24", level="commune").status_code == 404
    response = api.get("/api/v1/units/24", level="hamlet")
    assert response.status_code == 400 and response.json()["parameter"] == "level"


def test_units_are_listed_in_pages_that_follow_one_another(as_role, lai_chau):
    api = as_role("admin")
    seen, url, pages = [], "/api/v1/units?parent=12&limit=10", 0
    while url:
        body = api.get(url).json()
        seen += [unit["code"] for unit in body["items"]]
        url, pages = body["next"], pages + 1
    expected = Unit.objects.filter(parent=lai_chau).in_force(dt.date.today()).order_by("code")
    assert seen == list(expected.values_list("code", flat=True)) and pages == 4  # 38 communes, 10 a page
    assert api.get("/api/v1/units", cursor="not-a-cursor").json()["code"] == "invalid_cursor"
    assert api.get("/api/v1/units", limit=5000).json()["code"] == "invalid_parameter"


def test_months_are_the_sums_the_dashboards_chart(as_role, figures, lai_chau):
    body = as_role("province_officer").get("/api/v1/units/12/months", start="2026-10", end="2026-11").json()
    sums = series.area_sums([lai_chau], start=BEFORE, end=MONTH)[lai_chau.pk]
    assert body["months"] == [
        {
            "month": f"{m:%Y-%m}",
            "enrolled": s.enrolled,
            "population": s.population,
            "rate": float(s.rate),
            "reported": s.reported,
            "synthetic": s.synthetic,
        }
        for m, s in sorted(sums.items())
    ]
    assert body["months"][-1] == {
        "month": "2026-11",
        "enrolled": 12700,
        "population": 14000,
        "rate": 90.71,
        "reported": 2,
        "synthetic": 0,
    }
    commune = as_role("commune_officer").get("/api/v1/units/03583/months", start="2026-11", end="2026-11").json()
    assert commune["months"] == [
        {"month": "2026-11", "enrolled": 8100, "population": 9000, "rate": 90.0, "reported": 1, "synthetic": 0}
    ]
    refused = as_role("admin").get("/api/v1/units/12/months", start="2026-13").json()
    assert (refused["code"], refused["parameter"]) == ("invalid_parameter", "start")


def test_figures_carry_what_a_push_needs_and_who_entered_them(as_role, figures, users):
    Enrollment.objects.filter(unit=figures["khong_lao"], month=MONTH).update(entered_by=users["province_officer"])
    body = as_role("commune_officer").get("/api/v1/units/03583/figures", start="2026-11").json()
    assert [(i["unit"]["code"], i["month"], i["enrolled"], i["version"]) for i in body["items"]] == [
        ("03583", "2026-11", 8100, 1)
    ]
    assert body["items"][0]["entered_by"] == "api_officer_lc" and body["items"][0]["groups"] == {}
    assert body["server_time"] == "2026-12-02T10:00:00+07:00" and body["next"] is None


def test_the_sync_loop_reads_only_what_changed_and_misses_nothing_changed_while_paging(as_role, figures, now_is):
    """Page through the province's counts while someone changes one already read: it comes again at
    the end, and no row after it is skipped; the next sync from server_time reads only the changes."""
    api = as_role("province_officer")
    first = api.get("/api/v1/units/12/figures", limit=2).json()
    read = [(i["unit"]["code"], i["month"]) for i in first["items"]]
    now_is(LATER)
    changed = Enrollment.objects.get(
        unit__code=first["items"][0]["unit"]["code"], month=first["items"][0]["month"] + "-01"
    )
    changed.enrolled += 1
    changed.save()
    url = first["next"]
    while url:
        page = api.get(url).json()
        read += [(i["unit"]["code"], i["month"]) for i in page["items"]]
        url = page["next"]
    every = {
        (e.unit.code, f"{e.month:%Y-%m}")
        for e in Enrollment.objects.filter(unit__parent__code="12", unit__level=Level.COMMUNE)
    }
    every |= {(e.unit.code, f"{e.month:%Y-%m}") for e in Enrollment.objects.filter(unit__parent__parent__code="12")}
    assert set(read) == every and read[-1] == (changed.unit.code, f"{changed.month:%Y-%m}")
    since = api.get("/api/v1/units/12/figures", updated_since="2099-12-31T23:00:00+07:00").json()
    assert [(i["unit"]["code"], i["enrolled"]) for i in since["items"]] == [(changed.unit.code, changed.enrolled)]
    naive = api.get("/api/v1/units/12/figures", updated_since="2099-12-31T23:00:00").json()  # Vietnam's time
    assert naive["items"] == since["items"]
    refused = api.get("/api/v1/units/12/figures", updated_since="yesterday")
    assert refused.status_code == 400 and refused.json()["code"] == "invalid_parameter"
    assert refused.json()["parameter"] == "updated_since"
    assert refused.json()["message"] == (
        "Tham số updated_since không hợp lệ: Ngày giờ không hợp lệ (viết theo ISO 8601, ví dụ 2026-11-25T08:00:00+07:00)."
    )


def test_populations_sync_with_their_source(as_role, figures, now_is):
    api = as_role("province_officer")
    since = dt.datetime(2026, 12, 3, 0, 0, tzinfo=HANOI)
    # The seeded rows were entered when the test database was built, on the real clock: every row is
    # dated just before the sync's moment, so that the test reads the same whatever today is.
    Population.objects.update(entered_at=since - dt.timedelta(seconds=1))
    assert len(api.get("/api/v1/units/12/populations").json()["items"]) > 1
    now_is(dt.datetime(2026, 12, 3, 9, 0, tzinfo=HANOI))
    Population.objects.filter(unit=figures["khong_lao"], year=2026).update(
        population=9100, source="Chi cục Thống kê 11/2026", entered_at=dt.datetime(2026, 12, 3, 9, 0, tzinfo=HANOI)
    )
    body = api.get("/api/v1/units/12/populations", updated_since="2026-12-03T00:00:00").json()
    assert [(i["unit"]["code"], i["year"], i["population"], i["source"]) for i in body["items"]] == [
        ("03583", 2026, 9100, "Chi cục Thống kê 11/2026")
    ]


def test_documents_and_their_targets(as_role, documents, khong_lao):
    api = as_role("province_officer")
    listed = api.get("/api/v1/documents", year=2026).json()["items"]
    assert [d["number"] for d in listed] == ["01/KH-LC"]  # Bắc Ninh's plan is outside the token's scope
    body = api.get(f"/api/v1/documents/{documents['lai_chau'].pk}").json()
    assert (body["kind"], body["kind_label"], body["scope"]["code"]) == ("plan", "Kế hoạch", "12")
    assert [(t["unit"]["code"], t["year"], t["rate"], t["comparison"]) for t in body["targets"]] == [
        ("03583", 2026, 95.0, "gte"),
        ("12", 2026, 95.0, "gte"),
    ]
    every = as_role("leader").get("/api/v1/documents", limit=100).json()["items"]
    assert {"05-CT/HU", "231/KH-UBND", "01/KH-LC", "01/KH-BN"} <= {d["number"] for d in every}
    assert api.get("/api/v1/documents/987654").json()["code"] == "not_found"


def test_coverage_of_a_month_and_of_the_year(as_role, figures, documents):
    api = as_role("province_officer")
    year = api.get("/api/v1/units/12/coverage", year=2026).json()
    assert (year["as_of"], year["enrolled"], year["population"], year["rate"]) == ("2026-11", 12700, 14000, 90.71)
    assert year["target"]["rate"] == 95.0 and year["target"]["document"]["number"] == "01/KH-LC"
    assert (year["gap_points"], year["gap_people"]) == (-4.29, 600)  # ceil(95% × 14.000) − 12.700
    assert year["status"] == "off_track" and year["status_label"] == "Chệch hướng"
    october = api.get("/api/v1/units/12/coverage", month="2026-10").json()
    assert (october["period"], october["enrolled"], october["reported"]) == ("month", 12600, 2)
    assert october["expected"] == Unit.objects.communes().filter(parent__code="12").in_force(BEFORE).count()
    commune = api.get("/api/v1/units/03583/coverage").json()
    assert commune["target"]["inherited"] is False and commune["rank"] == 2  # 90,00% after 92,00%
    neighbour = api.get(f"/api/v1/units/{figures['neighbour'].code}/coverage").json()
    assert neighbour["target"]["inherited"] is True  # the province's rate, as the dashboard applies it
    both = api.get("/api/v1/units/12/coverage", year=2026, month="2026-11").json()
    assert both["code"] == "invalid_parameter"


def test_messages_are_vietnamese_json_even_for_malformed_requests(as_role):
    api = as_role("admin")
    response = api.client.post(
        "/api/v1/units/12/months/2026-11/figures", "{not json", content_type="application/json", headers=api._headers()
    )
    assert response.status_code == 400 and response.json()["code"] == "bad_request"
    assert "JSON" in response.json()["message"]
    missing = api.post("/api/v1/units/12/months/2026-11/figures", {"communes": [{"enrolled": 5}]})
    body = missing.json()
    assert missing.status_code == 422 and body["code"] == "invalid_request"
    assert (
        body["problems"][0]["field"].endswith("communes.0.code")
        and body["problems"][0]["message"] == "Thiếu trường bắt buộc."
    )
    text = Api(None).get("/api/v1/units").content.decode()
    assert "Thiếu khoá API" in text  # not \\u-escaped
