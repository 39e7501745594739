"""Today's country on the pages: the province ranks its communes, the country its provinces, and
every page opens on the month being reported."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from communes.models import Enrollment, Population, Role, Unit
from targets.models import Target, TargetDocument
from tests.conftest import NOW, make_user

TODAY = NOW.date()
OCT, NOV = dt.date(2026, 10, 1), dt.date(2026, 11, 1)


@pytest.fixture
def lai_chau(db):
    return Unit.objects.provinces().in_force(TODAY).get(code="12")


@pytest.fixture
def lai_chau_counts(lai_chau):
    """Each of the 38 communes: population 10.000 + 100·i, enrolled 400 + i below it in November
    (and 100 fewer in October). Σ population 450.300, Σ November enrolled 434.397."""
    communes = list(Unit.objects.communes().filter(parent=lai_chau).in_force(TODAY).order_by("code"))
    Population.objects.bulk_create(
        Population(unit=c, year=2026, population=10_000 + 100 * i) for i, c in enumerate(communes)
    )
    Enrollment.objects.bulk_create(
        Enrollment(unit=c, month=month, enrolled=10_000 + 100 * i - 400 - i - (100 if month == OCT else 0))
        for i, c in enumerate(communes)
        for month in (OCT, NOV)
    )
    return communes


@pytest.fixture
def lai_chau_plan(lai_chau):
    document = TargetDocument.objects.create(
        kind="plan",
        number="08/KH-UBND",
        issued_on=dt.date(2026, 1, 15),
        issuer="UBND tỉnh Lai Châu",
        title="Kế hoạch 2026",
        scope=lai_chau,
        first_year=2026,
        last_year=2026,
    )
    Target.objects.create(document=document, unit=lai_chau, year=2026, rate=Decimal("96.50"))
    return document


def test_the_province_page_of_this_year_ranks_its_38_communes_from_the_stored_counts(
    client, now_is, lai_chau, lai_chau_counts, lai_chau_plan
):
    client.force_login(make_user("leader_lc", Role.LEADER, lai_chau))
    response = client.get("/provinces/12/")
    assert response.status_code == 200
    assert response.context["year"] == 2026  # the year being reported, not the last year of the documents
    text = response.content.decode()
    headline = response.context["headline"]
    # 434.397 ÷ 450.300 = 96,4683…% ; ceil(96,50% × 450.300) − 434.397 = 434.540 − 434.397 = 143
    assert (headline.enrolled, headline.population, headline.month) == (434_397, 450_300, NOV)
    assert "96,47%" in text and "96,50%" in text and "08/KH-UBND" in text
    assert headline.gap_people == 143 and "143" in text
    assert headline.gap_points == Decimal("-0.03")
    assert headline.months_left == 1 and headline.per_month == 143
    assert len(response.context["table"].rows) == 38
    assert response.context["chart"].lines[-1].year == 2026
    assert f"{headline.reported}/{headline.expected}" == "38/38"


def test_the_province_ranking_downloads_as_excel_with_the_same_rows_and_total(
    client, now_is, lai_chau, lai_chau_counts, lai_chau_plan
):
    client.force_login(make_user("staff_lc", Role.STAFF, lai_chau))
    response = client.get("/provinces/12/?year=2026&format=xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    names = [sheet.cell(row=r, column=2).value for r in range(1, sheet.max_row + 1)]
    communes = [n for n in names if n and (n.startswith("Xã ") or n.startswith("Phường "))]
    assert len(communes) == 38
    total = names.index("Tổng cộng") + 1
    assert sheet.cell(row=total, column=3).value == 450_300 and sheet.cell(row=total, column=4).value == 434_397


def test_a_partly_reported_month_does_not_move_the_headline_but_is_said(
    client, now_is, lai_chau, lai_chau_counts, lai_chau_plan
):
    Enrollment.objects.filter(unit__in=lai_chau_counts[:12], month=NOV).delete()
    client.force_login(make_user("leader_lc", Role.LEADER, lai_chau))
    response = client.get("/provinces/12/?year=2026")
    headline = response.context["headline"]
    assert headline.month == OCT and headline.reported == 38
    assert headline.pending.month == NOV and headline.pending.reported == 26
    assert "mới 26 xã báo cáo" in response.content.decode()


def test_the_national_page_ranks_the_34_provinces(client, now_is, lai_chau_counts):
    client.force_login(make_user("leader_all", Role.LEADER, None))
    response = client.get("/country/")
    assert response.status_code == 200 and response.context["year"] == 2026
    rows = [row.record for row in response.context["table"].rows]
    assert len(rows) == 34
    first = rows[0]
    assert first.unit.code == "12" and (first.enrolled, first.population) == (434_397, 450_300)
    assert response.context["headline"].enrolled == 434_397
    # Each province's name opens its own page of the year.
    text = response.content.decode()
    assert text.count('<a href="/provinces/') >= 34 and '<a href="/provinces/12/">Tỉnh Lai Châu</a>' in text
    assert client.get("/provinces/01/?year=2026").status_code == 200


def test_a_province_officer_reads_the_national_ranking_and_opens_only_their_province(
    client, now_is, lai_chau, lai_chau_counts
):
    client.force_login(make_user("officer_lc", Role.OFFICER, lai_chau))
    response = client.get("/country/")
    assert response.status_code == 200 and len(response.context["table"].rows) == 34
    text = response.content.decode()
    ranking = text[text.index('<table class="ranking"') :]
    assert '<a href="/provinces/12/">Tỉnh Lai Châu</a>' in ranking
    assert '<a href="/provinces/01/' not in ranking and "Thành phố Hà Nội" in ranking
    assert client.get("/provinces/01/").status_code == 404


def test_a_user_without_an_assignment_does_not_see_the_national_page(client, now_is, lai_chau):
    client.force_login(make_user("nobody"))
    assert client.get("/country/").status_code == 403


def test_a_commune_page_works_for_any_commune_of_the_country_and_says_its_predecessors_are_unknown(client, db):
    client.force_login(make_user("leader_all", Role.LEADER, None))
    response = client.get("/communes/00004/")  # Phường Ba Đình, Hà Nội
    assert response.status_code == 200
    text = response.content.decode()
    assert "Phường Ba Đình" in text and "Chưa có thông tin về các đơn vị tiền thân" in text


def test_the_entry_page_opens_on_the_month_being_reported(client, now_is, lai_chau):
    client.force_login(make_user("officer_lc", Role.OFFICER, lai_chau))
    assert client.get("/provinces/12/entry/").url == "/provinces/12/entry/2026-11/"
    now_is(dt.datetime(2026, 12, 20, 9, 0, tzinfo=NOW.tzinfo))  # November closed on 11/12
    client.force_login(make_user("officer_lc2", Role.OFFICER, lai_chau))  # a session of that day
    assert client.get("/provinces/12/entry/").url == "/provinces/12/entry/2026-12/"


def test_the_month_being_reported_is_open_for_the_officers(client, now_is, lai_chau):
    client.force_login(make_user("officer_lc", Role.OFFICER, lai_chau))
    response = client.get("/provinces/12/entry/2026-11/")
    assert response.status_code == 200 and response.context["status"].open


def test_an_ended_district_says_so_and_links_to_the_units_in_force_today(client, now_is, db):
    client.force_login(make_user("leader_all", Role.LEADER, None))
    response = client.get("/districts/109/")
    assert response.context["year"] == 2025  # its last year
    text = response.content.decode()
    assert "tồn tại đến 30/06/2025" in text
    assert 'href="/provinces/12/"' in text


@pytest.mark.parametrize(
    ("role", "link", "heading"),
    [
        (Role.OFFICER, "Nhập số liệu tháng 11/2026", "Nhập số liệu tháng 11/2026"),
        (Role.LEADER, "Số liệu các xã tháng 11/2026", "Số liệu các xã tháng 11/2026"),
        (Role.STAFF, "Số liệu các xã tháng 11/2026", "Số liệu các xã tháng 11/2026"),
    ],
)
def test_the_month_s_grid_is_offered_for_entry_only_to_those_who_may_enter(
    client, now_is, lai_chau, role, link, heading
):
    client.force_login(make_user(f"user_{role}", role, lai_chau))
    page = client.get("/provinces/12/").content.decode()
    assert f'<a href="/provinces/12/entry/2026-11/">{link}</a>' in page
    grid = client.get("/provinces/12/entry/2026-11/").content.decode()
    assert f"<h1>{heading} " in grid
    # The other wording appears nowhere as the page's action or heading.
    other = "Số liệu các xã tháng" if role == Role.OFFICER else "Nhập số liệu tháng"
    assert other not in page and f"<h1>{other}" not in grid
