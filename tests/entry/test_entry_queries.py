"""The entry page runs a fixed number of queries whatever the number of communes in the grid."""

import pytest
from django.db import connection

from communes.models import ChangeRecord, Enrollment, Role
from tests.conftest import make_user
from tests.reports.factories import make_district

from .entry_helpers import form_fields, login

# Measured once (login, session and the save's audit record included); the same with 30 or 300 communes.
# The page reads the communes' known aliases once, so that a block pasted by name matches them.
GET, POST = 11, 18


@pytest.fixture(autouse=True)
def months_stay_open(settings):
    settings.ENTRY_CLOSE_DAYS = 100_000


def grid(client, communes: int):
    district = make_district(f"6{communes}", communes)
    login(client, make_user(f"officer_q{communes}", Role.OFFICER, district))
    return district, f"/districts/{district.code}/entry/2023-06/"


@pytest.mark.parametrize("communes", [30, 300])
def test_the_entry_page_query_count_does_not_grow(client, db, django_assert_max_num_queries, communes):
    _, url = grid(client, communes)
    with django_assert_max_num_queries(GET):
        response = client.get(url)
    assert response.status_code == 200
    assert response.content.decode().count('data-key="enrolled"') == communes


@pytest.mark.parametrize("communes", [30, 300])
def test_saving_the_entry_grid_query_count_does_not_grow(client, db, django_assert_max_num_queries, communes):
    district, url = grid(client, communes)
    data = form_fields(client.get(url).content.decode())
    first = f"{district.code}0000"
    data[f"{first}-enrolled"] = "850"  # one commune changes; every other row is posted as it was
    with django_assert_max_num_queries(POST):
        response = client.post(url, data)
    assert response.status_code == 302
    assert Enrollment.objects.get(unit__code=first, month="2023-06-01").enrolled == 850


@pytest.mark.parametrize("communes", [30, 300])
def test_a_save_changing_every_commune_costs_the_same_queries(client, db, django_assert_max_num_queries, communes):
    """Changed rows and their audit records are written in bulk statements, not one per commune."""
    district, url = grid(client, communes)
    data = form_fields(client.get(url).content.decode())
    before = {name: int(value.replace(".", "")) for name, value in data.items() if name.endswith("-enrolled")}
    data.update({name: str(value + 1) for name, value in before.items()})  # one more person everywhere
    # SQLite cuts a bulk statement into batches under its 999-parameter limit: a few more for 300.
    with django_assert_max_num_queries(POST if connection.vendor == "postgresql" else POST + 4):
        response = client.post(url, data)
    assert response.status_code == 302
    saved = dict(
        Enrollment.objects.filter(unit__parent=district, month="2023-06-01").values_list("unit__code", "enrolled")
    )
    assert saved == {name.removesuffix("-enrolled"): value + 1 for name, value in before.items()}
    assert ChangeRecord.objects.filter(unit__parent=district, field="enrolled", period="2023-06-01").count() == communes


@pytest.mark.parametrize("communes", [30, 300])
def test_the_grid_reads_its_counts_as_values_not_model_instances(client, db, communes):
    """A province's grid reads ~1.000 populations and ~340 months: as model instances (with each
    month's user and each commune's district and province) they were a third of the page's time."""
    from collections import Counter

    from django.db.models.signals import post_init

    _, url = grid(client, communes)
    made = Counter()

    def count(sender, **kwargs):
        made[sender.__name__] += 1

    post_init.connect(count)
    try:
        response = client.get(url)
    finally:
        post_init.disconnect(count)
    assert response.status_code == 200
    assert (made["Population"], made["Enrollment"], made["EnrollmentByGroup"]) == (0, 0, 0)
    assert made["Unit"] <= 2 * communes + 5  # each commune and its parent; the grandparent is not read
