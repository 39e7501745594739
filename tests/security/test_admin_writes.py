"""An administrator's edit in /admin/ cannot bypass the entry grid's version, log and conflict
guard: counts, populations, targets and the change log are read-only there."""

import datetime as dt

import pytest

from communes.models import ChangeRecord, Enrollment, Level, Population
from targets.models import Target, TargetDocument
from tests.conftest import make_counts, unit

MONTH = dt.date(2022, 1, 1)


@pytest.fixture
def counted(db):
    return make_counts(unit(Level.COMMUNE, "03583"), MONTH, population=8000, enrolled=7650)


def test_an_administrator_cannot_change_an_enrolled_count_in_the_admin(client, admin_user, counted):
    client.force_login(admin_user)
    url = f"/admin/communes/enrollment/{counted.pk}/change/"
    page = client.get(url)
    assert page.status_code == 200 and "7650" in page.content.decode()  # readable
    response = client.post(
        url, {"unit": counted.unit_id, "month": "2022-01-01", "enrolled": "7700", "version": counted.version}
    )
    assert response.status_code == 403
    counted.refresh_from_db()
    assert (counted.enrolled, counted.version) == (7650, 1)
    assert not ChangeRecord.objects.exists()


@pytest.mark.parametrize(
    "path",
    [
        "communes/enrollment/add/",
        "communes/population/add/",
        "communes/changerecord/add/",
        "communes/monthreopening/add/",
    ],
)
def test_no_figure_is_added_in_the_admin(client, admin_user, counted, path):
    client.force_login(admin_user)
    assert client.post(f"/admin/{path}", {}).status_code == 403


def test_no_figure_is_deleted_in_the_admin(client, admin_user, counted):
    client.force_login(admin_user)
    population = Population.objects.get(unit=counted.unit, year=2022)
    for url in (
        f"/admin/communes/enrollment/{counted.pk}/delete/",
        f"/admin/communes/population/{population.pk}/delete/",
    ):
        assert client.post(url, {"post": "yes"}).status_code == 403
    assert Enrollment.objects.filter(pk=counted.pk).exists() and Population.objects.filter(pk=population.pk).exists()


def test_a_documents_targets_are_read_only_in_the_admin(client, admin_user):
    client.force_login(admin_user)
    plan = TargetDocument.objects.get(number="231/KH-UBND")
    before = list(Target.objects.filter(document=plan).values_list("pk", "rate"))
    page = client.get(f"/admin/targets/targetdocument/{plan.pk}/change/").content.decode()
    assert 'name="targets-0-rate"' not in page  # shown, not an input
    assert client.post(f"/admin/targets/targetdocument/{plan.pk}/delete/", {"post": "yes"}).status_code == 403
    assert list(Target.objects.filter(document=plan).values_list("pk", "rate")) == before
