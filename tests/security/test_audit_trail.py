"""The change log is append-only: no save, update or delete, and the admin is closed to officers."""

import datetime as dt

import pytest
from django.contrib.auth.models import Permission
from django.db import InternalError, connection, transaction

from communes.models import ChangeRecord
from tests.conftest import unit

from .conftest import log_in


@pytest.fixture
def record(officer_phong_tho):
    return ChangeRecord.objects.create(
        unit=unit("commune", "03583"),
        period=dt.date(2021, 6, 1),
        field="enrolled",
        old_value=4000,
        new_value=4100,
        note="điều chỉnh",
        user=officer_phong_tho,
    )


def test_a_record_cannot_be_edited(record):
    record.new_value = 1
    with pytest.raises(ValueError, match="append-only"):
        record.save()
    record.refresh_from_db()
    assert record.new_value == 4100


def test_a_record_cannot_be_deleted(record):
    with pytest.raises(ValueError, match="append-only"):
        record.delete()
    assert ChangeRecord.objects.filter(pk=record.pk).exists()


def test_bulk_update_and_delete_are_refused(record):
    with pytest.raises(ValueError, match="append-only"):
        ChangeRecord.objects.filter(pk=record.pk).update(new_value=1)
    with pytest.raises(ValueError, match="append-only"):
        ChangeRecord.objects.all().delete()
    with pytest.raises(ValueError, match="append-only"):
        ChangeRecord.objects.bulk_update([record], ["new_value"])
    assert ChangeRecord.objects.get(pk=record.pk).new_value == 4100


def test_officers_are_not_staff_and_the_admin_is_closed_to_them(client, officer_phong_tho, record):
    assert not officer_phong_tho.is_staff
    log_in(client, officer_phong_tho)
    for url in (
        "/admin/",
        "/admin/communes/changerecord/",
        f"/admin/communes/changerecord/{record.pk}/change/",
        f"/admin/communes/changerecord/{record.pk}/delete/",
    ):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/admin/login/"), url
    response = client.post(f"/admin/communes/changerecord/{record.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302 and ChangeRecord.objects.filter(pk=record.pk).exists()


def test_even_a_staff_officer_with_every_permission_cannot_change_the_log(client, officer_phong_tho, record):
    officer_phong_tho.is_staff = True
    officer_phong_tho.save()
    officer_phong_tho.user_permissions.set(Permission.objects.filter(codename__endswith="changerecord"))
    log_in(client, officer_phong_tho)
    assert client.get("/admin/communes/changerecord/").status_code == 200  # readable
    assert client.get("/admin/communes/changerecord/add/").status_code == 403
    assert client.post(f"/admin/communes/changerecord/{record.pk}/change/", {"new_value": "1"}).status_code == 403
    assert client.post(f"/admin/communes/changerecord/{record.pk}/delete/", {"post": "yes"}).status_code == 403
    changelist = client.post(
        "/admin/communes/changerecord/", {"action": "delete_selected", "_selected_action": [record.pk]}
    )
    assert changelist.status_code in (200, 302, 403)
    assert ChangeRecord.objects.get(pk=record.pk).new_value == 4100


def test_administrators_may_read_but_not_change_the_log(client, admin_user, record):
    log_in(client, admin_user)
    page = client.get(f"/admin/communes/changerecord/{record.pk}/change/")
    assert page.status_code == 200 and "điều chỉnh" in page.content.decode()
    assert client.post(f"/admin/communes/changerecord/{record.pk}/change/", {"new_value": "1"}).status_code == 403
    assert client.post(f"/admin/communes/changerecord/{record.pk}/delete/", {"post": "yes"}).status_code == 403
    assert ChangeRecord.objects.get(pk=record.pk).new_value == 4100


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the database trigger is PostgreSQL's (production)")
@pytest.mark.parametrize(
    "statement",
    ["UPDATE communes_changerecord SET new_value = 1 WHERE id = %s", "DELETE FROM communes_changerecord WHERE id = %s"],
)
def test_raw_sql_cannot_rewrite_the_log_either(record, statement):
    """Below Django (psql, another program): the database refuses, and the record is unchanged."""
    with pytest.raises(InternalError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement, [record.pk])
    assert ChangeRecord.objects.get(pk=record.pk).new_value == 4100
