"""An administrator's edit in /admin/ cannot bypass the entry grid's version, log and conflict
guard: counts, populations, targets and the change log are read-only there."""

import datetime as dt

import pytest

from communes.models import ChangeRecord, Enrollment, Level, Population
from targets.models import Cohort, Target, TargetDocument
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


# -- integers an administrator types --------------------------------------------------------------

COUNT_PAST_THE_COUNTRY = "Số quá lớn (hơn 200.000.000 người)"
NO_INLINES = {
    f"{prefix}-{key}": "0" for prefix in ("sub_targets", "communes") for key in ("TOTAL_FORMS", "INITIAL_FORMS")
}


def _cohort(size: str) -> dict:
    plan = TargetDocument.objects.get(number="231/KH-UBND")
    return {"document": plan.pk, "name": "Nhóm thử", "size": size, "since": "2021-07-01", **NO_INLINES}


@pytest.mark.parametrize(
    "size, message",
    [
        ("1000000000000", COUNT_PAST_THE_COUNTRY),
        ("3000000000", COUNT_PAST_THE_COUNTRY),
        ("200.000.001", COUNT_PAST_THE_COUNTRY),
        ("-5", "Số người không được âm."),
        ("²", "Không đọc được số “²”"),
    ],
)
def test_a_cohort_size_is_read_as_every_count_in_the_admin(client, admin_user, size, message):
    client.force_login(admin_user)
    before = Cohort.objects.count()
    response = client.post("/admin/targets/cohort/add/", _cohort(size))
    assert response.status_code == 200 and message in response.content.decode()
    assert Cohort.objects.count() == before


def test_a_cohort_added_in_the_admin_reads_its_size_as_written_and_keeps_it_read_only(client, admin_user):
    client.force_login(admin_user)
    response = client.post("/admin/targets/cohort/add/", _cohort("46.106"))
    assert response.status_code == 302
    cohort = Cohort.objects.get(name="Nhóm thử")
    assert cohort.size == 46106
    url = f"/admin/targets/cohort/{cohort.pk}/change/"
    assert 'name="size"' not in client.get(url).content.decode()  # shown, not an input
    client.post(url, {**_cohort("1"), "name": "Nhóm thử đổi tên"})
    cohort.refresh_from_db()
    assert (cohort.name, cohort.size) == ("Nhóm thử đổi tên", 46106)


@pytest.mark.parametrize(
    "first, last, message",
    [("1", "2021", "Năm từ 2020 trở đi."), ("2021", "32767", "Năm không quá 2100."), ("2021", "2040", "tối đa 11 năm")],
)
def test_a_documents_years_are_bounded_in_the_admin(client, admin_user, first, last, message):
    client.force_login(admin_user)
    plan = TargetDocument.objects.get(number="231/KH-UBND")
    url = f"/admin/targets/targetdocument/{plan.pk}/change/"
    data = {
        "kind": plan.kind,
        "number": plan.number,
        "issued_on": plan.issued_on.isoformat(),
        "issuer": plan.issuer,
        "title": plan.title,
        "scope": plan.scope_id,
        "first_year": first,
        "last_year": last,
        "targets-TOTAL_FORMS": "0",
        "targets-INITIAL_FORMS": "0",
    }
    response = client.post(url, data)
    assert response.status_code == 200 and message in response.content.decode()
    plan.refresh_from_db()
    assert (plan.first_year, plan.last_year) == (2022, 2025)
