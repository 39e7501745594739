import datetime as dt
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from communes.models import EnrollmentByGroup, Level, PayerGroup, Role, Unit, UnitSuccession
from reports.commune_data import commune_page
from tests.conftest import PASSWORD, make_counts, make_user


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)


def commune(code: str, on: dt.date) -> Unit:
    return Unit.objects.resolve(Level.COMMUNE, code, on)


def province(code: str, on: dt.date) -> Unit:
    return Unit.objects.resolve(Level.PROVINCE, code, on)


@pytest.fixture
def bac_ninh_leader(db):
    return make_user("leader_bn", Role.LEADER, province("24", dt.date(2026, 1, 1)))


@pytest.fixture
def lai_chau_leader(db):
    return make_user("leader_lc", Role.LEADER, province("12", dt.date(2026, 1, 1)))


# -- the commune page ----------------------------------------------------------------------------
def test_code_07537_shows_bien_son_today_and_phong_van_in_2024(client, leader):
    login(client, leader)
    today = client.get(reverse("commune", args=["07537"])).content.decode()
    assert "Đang xem đơn vị: <strong>Xã Biên Sơn</strong>" in today and "hiệu lực từ 01/07/2025" in today
    assert "Xã Phong Vân" in today  # the other unit that bore the code, linked
    old = client.get(reverse("commune", args=["07537"]) + "?on=2024-06-01").content.decode()
    assert "Đang xem đơn vị: <strong>Xã Phong Vân</strong>" in old and "đến 30/06/2025" in old
    assert "Xã Biên Sơn" in old
    assert "Đang xem đơn vị: <strong>Xã Phong Vân</strong>" in client.get("/communes/07537/?year=2024").content.decode()


def test_the_commune_page_shows_the_structure_then_by_default_and_sums_predecessors_on_request(client, leader):
    for code, population, enrolled in [
        ("07582", 11000, 10500),
        ("07570", 9000, 8800),
        ("07591", 7000, 6900),
        ("07567", 8000, 7700),
        ("07588", 6000, 5900),
    ]:
        make_counts(commune(code, dt.date(2024, 1, 1)), dt.date(2024, 12, 1), population=population, enrolled=enrolled)
    login(client, leader)
    then = client.get("/communes/07582/").content.decode()
    assert "Xã Lục Ngạn" in then and "41.000" not in then
    assert "Xã Phì Điền" in then and "Xã Giáp Sơn" in then  # predecessors with their dates
    today = client.get("/communes/07582/?units=today").content.decode()
    assert "41.000" in today and "39.800" in today and "97,07%" in today
    assert "<td>2024</td>" in today  # a year is not a quantity: never "2.024"


def test_a_split_predecessor_is_named_not_guessed(client, leader):
    make_counts(commune("07549", dt.date(2024, 1, 1)), dt.date(2024, 12, 1), population=12000, enrolled=11000)
    make_counts(commune("07555", dt.date(2024, 1, 1)), dt.date(2024, 12, 1), population=6000, enrolled=5800)
    login(client, leader)
    page = client.get("/communes/07537/?units=today").content.decode()
    assert "Chỉ một phần của Xã Thanh Hải" in page
    assert "6.000" in page and "18.000" not in page


def test_a_new_commune_lists_its_predecessors_targets_and_their_results(client, leader):
    make_counts(commune("03577", dt.date(2022, 1, 1)), dt.date(2022, 12, 1), population=8442, enrolled=8300)
    login(client, leader)
    page = client.get("/communes/03583/").content.decode()  # xã Khổng Lào from 7/2025
    assert "Chỉ tiêu của các đơn vị tiền thân" in page
    section = page[page.index("Chỉ tiêu của các đơn vị tiền thân") :]
    assert "Xã Bản Lang" in section and "Xã Hoang Thèn" in section and "231/KH-UBND" in section
    assert "99,60%" in section  # Bản Lang's plan for 2022 as printed
    assert "8.442" in section and "98,32%" in section  # its 2022 result: 8.300 / 8.442
    assert ">109<" in section  # ceil(99,60% × 8.442) − 8.300 people short


def test_an_old_commune_shows_its_own_targets_and_successor(client, leader):
    login(client, leader)
    page = client.get("/communes/03577/?year=2022").content.decode()  # Bản Lang
    assert "Chỉ tiêu theo năm" in page and "99,60%" in page
    assert "Xã Khổng Lào" in page and "01/07/2025" in page


def test_the_payer_group_breakdown_of_the_latest_month(client, leader):
    unit = commune("03583", dt.date(2021, 1, 1))
    enrollment = make_counts(unit, dt.date(2021, 12, 1), population=3913, enrolled=1663)
    groups = list(PayerGroup.objects.order_by("order")[:2])
    EnrollmentByGroup.objects.create(enrollment=enrollment, group=groups[0], enrolled=1000)
    EnrollmentByGroup.objects.create(enrollment=enrollment, group=groups[1], enrolled=663)
    login(client, leader)
    page = client.get("/communes/03583/?year=2021").content.decode()
    assert groups[0].name in page and "60,13%" in page  # 1.000 of 1.663


def test_the_page_links_to_the_entry_history(client, leader):
    login(client, leader)
    assert "/communes/07537/history/" in client.get("/communes/07537/").content.decode()


@pytest.mark.parametrize("url", ["/communes/07537/", "/provinces/24/communes/?year=2021"])
def test_anonymous_users_are_sent_to_login(client, db, url):
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_an_officer_of_another_district_gets_404(client, officer_phong_tho):
    login(client, officer_phong_tho)
    assert client.get("/communes/07537/?year=2021").status_code == 404
    assert client.get("/communes/03583/?year=2021").status_code == 200


def test_a_commune_officer_sees_only_that_commune(client, commune_officer):
    login(client, commune_officer)
    assert client.get("/communes/03583/?year=2021").status_code == 200
    assert client.get("/communes/03577/?year=2021").status_code == 404


def test_a_leader_of_the_old_district_still_reads_the_old_units(client, luc_ngan):
    login(client, make_user("leader_ln", Role.LEADER, luc_ngan))
    assert client.get("/communes/07537/?year=2024").status_code == 200


def test_the_province_leader_sees_communes_directly_under_the_province(client, bac_ninh_leader):
    login(client, bac_ninh_leader)
    assert client.get("/communes/07537/").status_code == 200
    assert client.get("/communes/03583/").status_code == 404


def test_a_user_without_role_gets_404_and_staff_and_admin_see(client, no_role_user, staff, admin_user):
    login(client, no_role_user)
    assert client.get("/communes/07537/").status_code == 404
    for user in (staff, admin_user):
        login(client, user)
        assert client.get("/communes/07537/").status_code == 200


def test_unknown_codes_and_forged_dates(client, leader):
    login(client, leader)
    assert client.get("/communes/99999/").status_code == 404
    assert client.get("/communes/07537/?on=2024-13-45&year=x").status_code == 200


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context.captured_queries)


def test_the_commune_page_takes_a_fixed_number_of_queries(client, leader):
    login(client, leader)
    client.get("/communes/07582/?units=today")  # warm the session
    before = _queries(client, "/communes/07582/?units=today")
    for code in ["07582", "07570", "07591", "07567", "07588"]:
        for month in (1, 6, 12):
            make_counts(commune(code, dt.date(2024, 1, 1)), dt.date(2024, month, 1), population=5000, enrolled=4000)
    assert _queries(client, "/communes/07582/?units=today") == before


# -- the province's communes ---------------------------------------------------------------------
def test_province_communes_in_2021_ranks_the_communes_under_their_districts(client, lai_chau_leader):
    login(client, lai_chau_leader)
    page = client.get("/provinces/12/communes/?year=2021").content.decode()
    assert "Huyện Phong Thổ" in page and "82.818" in page and "70.913" in page and "85,63%" in page
    assert '<option value="2021" selected>' in page and "2.021" not in page
    assert page.index("Sin Suối Hồ") < page.index("Lả Nhì Thàng") < page.index("Khổng Lào")


def test_province_communes_on_todays_units_sums_predecessors(client, lai_chau_leader):
    login(client, lai_chau_leader)
    page = client.get("/provinces/12/communes/?year=2021&units=today").content.decode()
    assert "16.404" in page and "13.577" in page  # xã Khổng Lào = Bản Lang + Hoang Thèn + Khổng Lào
    assert "Thèn Sin" in page  # Sin Suối Hồ also absorbed a commune outside the portal
    assert "Xã Nậm Xe" not in page  # today's communes only


def test_province_communes_downloads_as_excel(client, lai_chau_leader):
    from openpyxl import load_workbook

    login(client, lai_chau_leader)
    response = client.get("/provinces/12/communes/?year=2021&units=today&format=xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [cell for row in sheet.iter_rows(values_only=True) for cell in row]
    assert "Xã Khổng Lào" in values and 16404 in values


def test_province_communes_is_404_for_a_district_officer_and_another_province(
    client, officer_phong_tho, bac_ninh_leader
):
    login(client, officer_phong_tho)
    assert client.get("/provinces/12/communes/?year=2021").status_code == 404
    login(client, bac_ninh_leader)
    assert client.get("/provinces/12/communes/?year=2021").status_code == 404
    assert client.get("/provinces/24/communes/?year=2024&units=today").status_code == 200


def test_province_communes_takes_a_fixed_number_of_queries(client, lai_chau_leader):
    login(client, lai_chau_leader)
    lai_chau = province("12", dt.date(2026, 1, 1))
    for mode in ("", "&units=today"):
        url = f"/provinces/12/communes/?year=2021{mode}"
        client.get(url)
        before = _queries(client, url)
        for n in range(3):
            Unit.objects.create(
                level=Level.COMMUNE,
                kind="Xã",
                code=f"9{mode and 1 or 0}{n:03d}",
                name=f"Thử {n}",
                parent=lai_chau,
                valid_from=dt.date(2020, 1, 1),
            )
        assert _queries(client, url) == before


def test_a_province_that_ended_mid_year_is_reached_by_date(client, leader):
    login(client, leader)
    page = client.get("/provinces/24/communes/?on=2025-03-01").content.decode()
    assert "Đang xem đơn vị: <strong>Tỉnh Bắc Giang</strong>" in page and "Tỉnh Bắc Ninh" in page
    assert "Thị xã Chũ" in page and "Phường Thanh Hải" in page  # the interim town of 01/01–30/6/2025
    today = client.get("/provinces/24/communes/?year=2025").content.decode()
    assert "Đang xem đơn vị: <strong>Tỉnh Bắc Ninh</strong>" in today and "Xã Lục Ngạn" in today


def test_commune_pages_with_lineages_of_different_sizes_take_the_same_queries(client, leader):
    login(client, leader)
    client.get("/communes/03571/?units=today")
    # Dào San (3 units merged) and Sì Lở Lầu (4 units merged), each with the annex's targets.
    assert _queries(client, "/communes/03571/?units=today") == _queries(client, "/communes/03562/?units=today")


def test_an_invalid_date_is_said_not_silently_ignored(client, leader):
    login(client, leader)
    page = client.get("/communes/07537/?on=2024-13-45").content.decode()
    assert "không hợp lệ" in page and "Biên Sơn" in page


@pytest.mark.parametrize(("code", "on"), [("07582", dt.date(2025, 7, 1)), ("07537", dt.date(2026, 1, 1))])
def test_the_page_names_every_succession_into_the_commune_in_order(client, leader, code, on):
    # Read with the lineage's first step: whole mergers and a split alike.
    unit = commune(code, on)
    expected = UnitSuccession.objects.filter(successor=unit).order_by("effective_on", "predecessor__code")
    assert expected
    assert [link.pk for link in commune_page(unit, todays_units=False).predecessors] == [link.pk for link in expected]
    login(client, leader)
    page = client.get(f"/communes/{code}/?on={on}").content.decode()
    for link in expected:
        assert link.predecessor.full_name in page
