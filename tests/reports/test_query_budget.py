"""Every dashboard page runs a fixed number of queries whatever the number of communes or months."""

import pytest

from communes.models import Role
from tests.conftest import make_user
from tests.reports.factories import make_district, make_document

from .test_pages import login

# Measured once (login and session included); the same with 30 or 300 communes.
# The unit's documents with their Excel links (reports.documents.unit_documents) add one query to the district page;
# the line saying where the month's figures come from (reports/provenance.py) one to each dashboard,
# and the document's cohorts one to the document page.
# Each page here is the first read after the district's counts were written: the writes kept the
# roll-up up to date, so the read costs what any other does (the same on PostgreSQL and SQLite).
DISTRICT, PROVINCE, HOME, DOCUMENT = 12, 10, 10, 22


@pytest.fixture
def leader_client(client, db):
    login(client, make_user("leader_budget", Role.LEADER, None))
    return client


@pytest.mark.parametrize("communes", [30, 300])
def test_the_district_dashboard_query_count_does_not_grow(leader_client, django_assert_max_num_queries, communes):
    district = make_district(f"9{communes}", communes)
    make_document(district)
    with django_assert_max_num_queries(DISTRICT):
        response = leader_client.get(f"/districts/{district.code}/")
    assert response.status_code == 200
    assert response.content.decode().count('<tr class="') >= communes


@pytest.mark.parametrize("communes", [30, 300])
def test_the_province_ranking_query_count_does_not_grow(leader_client, django_assert_max_num_queries, communes):
    district = make_district(f"8{communes}", communes)
    make_district(f"7{communes}", communes, province_code=district.parent.code)  # a second district, same province
    with django_assert_max_num_queries(PROVINCE):
        response = leader_client.get(f"/provinces/{district.parent.code}/")
    assert response.status_code == 200
    assert "Huyện Thử 7" in response.content.decode()


@pytest.mark.parametrize("communes", [30, 300])
def test_the_national_page_query_count_does_not_grow(leader_client, django_assert_max_num_queries, communes):
    make_district(f"6{communes}", communes)
    with django_assert_max_num_queries(HOME):
        assert leader_client.get("/country/?year=2023").status_code == 200


@pytest.mark.parametrize("communes", [30, 300])
def test_the_document_page_query_count_does_not_grow(leader_client, django_assert_max_num_queries, communes):
    document = make_document(make_district(f"5{communes}", communes, months=1))
    with django_assert_max_num_queries(DOCUMENT):
        response = leader_client.get(f"/documents/{document.pk}/")
    assert response.status_code == 200
    assert response.content.decode().count("Xã thử") >= communes
