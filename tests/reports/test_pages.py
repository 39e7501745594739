import pytest
from django.urls import reverse

from tests.conftest import PASSWORD


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)


@pytest.mark.parametrize("url", ["/", "/districts/109/"])
def test_anonymous_users_are_sent_to_login(client, db, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_the_login_page_is_vietnamese(client, db):
    response = client.get("/accounts/login/")
    assert "Đăng nhập" in response.content.decode()


def test_home_lists_only_the_districts_a_user_may_see(client, officer_phong_tho):
    login(client, officer_phong_tho)
    page = client.get("/").content.decode()
    assert "Phong Thổ" in page
    assert "Lục Ngạn" not in page


def test_a_country_wide_leader_sees_both_provinces_of_2021(client, leader):
    login(client, leader)
    page = client.get("/country/?year=2021").content.decode()
    assert "Tỉnh Lai Châu" in page and "Tỉnh Bắc Giang" in page


def test_district_page_ranks_communes_with_vietnamese_numbers(client, officer_phong_tho):
    login(client, officer_phong_tho)
    response = client.get(reverse("district", args=["109"]) + "?year=2021")
    page = response.content.decode()
    assert response.status_code == 200
    assert "82.818" in page and "70.913" in page and "85,63%" in page
    assert page.index("Sin Suối Hồ") < page.index("Lả Nhì Thàng") < page.index("Khổng Lào")


def test_district_page_shows_the_target_and_its_document(client, officer_phong_tho):
    login(client, officer_phong_tho)
    page = client.get("/districts/109/?year=2022").content.decode()
    assert "96,05%" in page and "231/KH-UBND" in page


def test_another_districts_page_is_not_found_for_an_officer(client, officer_phong_tho):
    login(client, officer_phong_tho)
    assert client.get("/districts/219/?year=2021").status_code == 404


def test_a_forged_year_falls_back_to_a_real_one(client, officer_phong_tho):
    login(client, officer_phong_tho)
    assert client.get("/districts/109/?year=abc';--").status_code == 200


def test_an_unknown_district_is_not_found(client, leader):
    login(client, leader)
    assert client.get("/districts/99999/").status_code == 404


def test_the_english_switch_changes_labels_and_number_format(client, leader):
    login(client, leader)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = client.get("/districts/109/?year=2021").content.decode()
    assert "82,818" in page and "85.63%" in page


def test_the_ranking_downloads_as_excel_with_the_same_columns(client, officer_phong_tho):
    import io

    from openpyxl import load_workbook

    login(client, officer_phong_tho)
    response = client.get("/districts/109/?year=2021&format=xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    header = [c.value for c in sheet[3]]
    assert header[:3] == ["Hạng", "Đơn vị", "Dân số"]
    first = [c.value for c in sheet[4]]
    assert first[1] == "Xã Sin Suối Hồ" and first[2] == 4972
    assert sheet.cell(row=4, column=6).number_format == "0.00%"
    total = [c.value for c in sheet[sheet.max_row]]
    assert total[2] == 82818 and total[3] == 70913
    assert abs(total[5] - 0.8563) < 1e-9
