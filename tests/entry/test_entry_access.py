"""Every role against every entry page and form, including forged URLs and POSTs: refused, nothing changed."""

import pytest

from communes.models import ChangeRecord, Enrollment, MonthReopening, Population
from targets.models import CohortCommune

from .entry_helpers import login

URL = "/districts/109/entry/2022-01/"
CELLS = {
    "03583-enrolled": "1700",
    "03583-population": "3913",
    "03574-enrolled": "1400",
    "03574-population": "2881",
    "03583-version": "0",
    "03574-version": "0",
}
ROLES = [
    "officer_phong_tho",
    "officer_luc_ngan",
    "commune_officer",
    "leader",
    "leader_phong_tho",
    "staff",
    "admin_user",
    "no_role_user",
    None,
]


@pytest.fixture(autouse=True)
def months_stay_open(settings):
    settings.ENTRY_CLOSE_DAYS = 100_000


def snapshot():
    return (
        list(Enrollment.objects.values_list("unit", "month", "enrolled", "version").order_by("pk")),
        list(Population.objects.values_list("unit", "year", "population").order_by("pk")),
        ChangeRecord.objects.count(),
        MonthReopening.objects.count(),
        list(CohortCommune.objects.values_list("affected", flat=True).order_by("pk")),
    )


def as_role(client, request, role):
    if role is None:
        return None
    user = request.getfixturevalue(role)
    login(client, user)
    return user


# who sees the page, and whether it has inputs
GET_EXPECTED = {
    "officer_phong_tho": (200, 17),
    "officer_luc_ngan": (404, 0),
    "commune_officer": (200, 1),
    "leader": (200, 0),
    "leader_phong_tho": (200, 0),
    "staff": (200, 0),
    "admin_user": (200, 17),
    "no_role_user": (404, 0),
    None: (302, 0),
}


@pytest.mark.parametrize("role", ROLES)
def test_each_role_sees_the_entry_page_as_its_scope_allows(client, request, db, role):
    as_role(client, request, role)
    response = client.get(URL)
    status, inputs = GET_EXPECTED[role]
    assert response.status_code == status
    if status == 200:
        page = response.content.decode()
        assert page.count('data-key="enrolled"') == inputs
        if role == "commune_officer":
            assert "Khổng Lào" in page and "Ma Ly Pho" not in page


POST_EXPECTED = {
    "officer_luc_ngan": 404,
    "commune_officer": 403,
    "leader": 403,
    "leader_phong_tho": 403,
    "staff": 403,
    "no_role_user": 404,
    None: 302,
}


@pytest.mark.parametrize("role", list(POST_EXPECTED))
def test_a_post_from_a_role_that_may_not_enter_changes_nothing(client, request, db, role):
    as_role(client, request, role)
    before = snapshot()
    response = client.post(URL, CELLS)
    assert response.status_code == POST_EXPECTED[role]
    assert snapshot() == before


def test_a_commune_officer_may_save_their_own_commune(client, commune_officer):
    login(client, commune_officer)
    response = client.post(URL, {"03583-enrolled": "1700", "03583-population": "3913", "03583-version": "0"})
    assert response.status_code == 302
    assert Enrollment.objects.filter(unit__code="03583", month="2022-01-01").get().enrolled == 1700


def test_an_officer_cannot_post_into_another_district_through_their_own_url(client, officer_phong_tho):
    login(client, officer_phong_tho)
    before = snapshot()
    # Kim Sơn is in Lục Ngạn: its cells posted to Phong Thổ's page refuse the whole POST.
    response = client.post(URL, {**CELLS, "07564-enrolled": "5000", "07564-population": "9000"})
    assert response.status_code == 403
    assert snapshot() == before


@pytest.mark.parametrize(
    "url",
    [
        "/districts/219/entry/2022-01/",
        "/provinces/24/entry/2022-01/",
        "/districts/219/completeness/2022-01/",
        "/communes/07564/history/2022-01/",
    ],
)
def test_another_districts_pages_are_not_found_for_an_officer(client, officer_phong_tho, url):
    login(client, officer_phong_tho)
    assert client.get(url).status_code == 404
    assert client.post(url, {"07564-enrolled": "5000"}).status_code in (404, 405)


@pytest.mark.parametrize(
    "url",
    [
        "/districts/109/entry/2022-13/",
        "/districts/109/entry/abc/",
        "/districts/999/entry/2022-01/",
        "/provinces/12/entry/2022-1/",
    ],
)
def test_forged_urls_are_not_found(client, admin_user, url):
    login(client, admin_user)
    assert client.get(url).status_code == 404


@pytest.mark.parametrize(
    "role, status",
    [
        ("officer_phong_tho", 200),
        ("commune_officer", 200),
        ("officer_luc_ngan", 404),
        ("leader", 200),
        ("leader_phong_tho", 200),
        ("staff", 200),
        ("admin_user", 200),
        ("no_role_user", 404),
        (None, 302),
    ],
)
def test_history_and_completeness_follow_the_scope(client, request, db, role, status):
    as_role(client, request, role)
    assert client.get("/communes/03583/history/2022-01/").status_code == status
    completeness = client.get("/districts/109/completeness/2022-01/")
    assert completeness.status_code == status
    if role == "commune_officer":
        assert "Ma Ly Pho" not in completeness.content.decode()


def test_a_commune_officer_cannot_read_another_communes_history(client, commune_officer):
    login(client, commune_officer)
    assert client.get("/communes/03574/history/2022-01/").status_code == 404


REOPEN = "/districts/109/entry/2022-01/reopen/"


@pytest.mark.parametrize(
    "role, status",
    [
        ("officer_phong_tho", 403),
        ("commune_officer", 403),
        ("officer_luc_ngan", 404),
        ("staff", 403),
        ("no_role_user", 404),
        (None, 302),
    ],
)
def test_only_leaders_and_administrators_reopen_a_month(client, request, settings, db, role, status):
    settings.ENTRY_CLOSE_DAYS = 10
    as_role(client, request, role)
    before = snapshot()
    assert client.post(REOPEN, {"days": "7", "reason": "Bổ sung số liệu"}).status_code == status
    assert snapshot() == before


def test_reopening_only_answers_posts(client, leader_phong_tho):
    login(client, leader_phong_tho)
    assert client.get(REOPEN).status_code == 405


PROVINCE_URL = "/provinces/12/entry/2025-08/"


@pytest.fixture
def province_officer(db):
    from communes.models import Level, Role, Unit
    from tests.conftest import make_user

    return make_user("officer_lc", Role.OFFICER, Unit.objects.resolve(Level.PROVINCE, "12"))


@pytest.mark.parametrize(
    "role, status, inputs",
    [
        ("province_officer", 200, 38),
        ("officer_phong_tho", 200, 0),
        ("officer_luc_ngan", 404, 0),
        ("commune_officer", 200, 0),
        ("leader", 200, 0),
        ("staff", 200, 0),
        ("admin_user", 200, 38),
        ("no_role_user", 404, 0),
        (None, 302, 0),
    ],
)
def test_each_role_on_the_province_entry_page(client, request, db, role, status, inputs):
    as_role(client, request, role)
    before = snapshot()
    response = client.get(PROVINCE_URL)
    assert response.status_code == status
    if status == 200:
        assert response.content.decode().count('data-key="enrolled"') == inputs
    posted = client.post(PROVINCE_URL, {"03583-enrolled": "5900", "03583-population": "6100", "03583-version": "0"})
    if inputs:
        assert posted.status_code == 302  # the two who may enter there
    else:
        assert posted.status_code in (302 if role is None else 403, 404)
        assert snapshot() == before


def test_a_province_officer_cannot_post_another_provinces_commune(client, province_officer):
    login(client, province_officer)
    before = snapshot()
    response = client.post(PROVINCE_URL, {"07537-enrolled": "5000", "07537-population": "9000"})
    assert response.status_code == 403
    assert snapshot() == before
