"""Pages kept until the data changes (reports/page_cache.py): served again without recomputing, never
a stale figure after a write, whoever writes, and never one user's page to another."""

import datetime as dt
import io

import openpyxl
import pytest
from django.conf import settings as django_settings
from django.contrib.messages import constants
from django.contrib.messages.storage.base import Message
from django.contrib.messages.storage.cookie import CookieStorage
from django.db import connection
from django.db.models import F
from django.test import RequestFactory
from django.test.utils import override_settings
from django.utils import timezone

from communes import data_version
from communes.models import Enrollment, Level, MonthReopening, Population, Unit
from reports.page_cache import STORE, _Store
from targets.models import Target, TargetDocument
from tests.conftest import make_counts, make_user, unit

from .entry_helpers import login, post_grid

DASHBOARD = "/districts/109/?year=2022"
GRID = "/districts/109/entry/2022-01/"
JAN = dt.date(2022, 1, 1)
KHONG_LAO = "03583"
# A kept page costs the session, the user and the data's token: nothing of the page itself.
KEPT_PAGE_QUERIES = 3


def kept(client, url: str):
    """GET the page until it is kept (the first GET of a client only receives its CSRF cookie)."""
    client.get(url)
    return client.get(url)


@pytest.fixture
def counted(db):
    """Khổng Lào the only commune of Phong Thổ with figures in 2022: 3.000 of 4.000 (75,00%)."""
    return make_counts(unit(Level.COMMUNE, KHONG_LAO), JAN, population=4_000, enrolled=3_000)


def test_a_page_read_again_is_served_as_kept(client, leader, counted, django_assert_max_num_queries):
    login(client, leader)
    first = kept(client, DASHBOARD)
    assert "75,00%" in first.content.decode()
    with django_assert_max_num_queries(KEPT_PAGE_QUERIES):
        again = client.get(DASHBOARD)
    assert again.status_code == 200 and again.content == first.content
    assert again["Content-Type"] == first["Content-Type"] and again["Content-Security-Policy"]


def test_a_save_in_the_grid_shows_at_once_on_the_kept_pages(client, officer_phong_tho, settings):
    settings.ENTRY_CLOSE_DAYS = 100_000
    login(client, officer_phong_tho)
    assert post_grid(client, GRID, {f"{KHONG_LAO}-enrolled": "1.700"}).status_code == 302
    client.get(DASHBOARD)  # shows (and so uses up) the "saved" message
    assert "43,44%" in kept(client, DASHBOARD).content.decode()  # 1.700 ÷ 3.913
    grid = kept(client, GRID).content.decode()
    assert 'value="1.700"' in grid

    assert post_grid(client, GRID, {f"{KHONG_LAO}-enrolled": "1.800"}, page=grid).status_code == 302
    page = client.get(DASHBOARD).content.decode()
    assert "46,00%" in page and "43,44%" not in page  # 1.800 ÷ 3.913
    assert 'value="1.800"' in client.get(GRID).content.decode()


def test_a_write_from_outside_the_portal_shows_at_once(client, leader, counted):
    """Raw SQL, as a restore or a database console would write: the triggers change the token."""
    login(client, leader)
    assert "75,00%" in kept(client, DASHBOARD).content.decode()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE communes_enrollment SET enrolled = 3400 WHERE id = %s", [counted.pk])
    page = client.get(DASHBOARD).content.decode()
    assert "85,00%" in page and "75,00%" not in page


def test_a_new_population_shows_at_once(client, leader, counted):
    login(client, leader)
    assert "75,00%" in kept(client, DASHBOARD).content.decode()
    Population.objects.filter(unit=counted.unit, year=2022).update(population=3_750)
    assert "80,00%" in client.get(DASHBOARD).content.decode()  # 3.000 ÷ 3.750


@pytest.mark.skipif(connection.vendor != "postgresql", reason="two connections at once: PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_a_write_committed_by_another_connection_shows_at_once(client):
    """Committed data, so its own units (a transactional test may run after another one emptied
    the database)."""
    import psycopg2

    province = Unit.objects.create(level=Level.PROVINCE, kind="Tỉnh", code="XP", name="Tỉnh Thử")
    district = Unit.objects.create(level=Level.DISTRICT, kind="Huyện", code="XD", name="Huyện Thử", parent=province)
    commune = Unit.objects.create(level=Level.COMMUNE, kind="Xã", code="XC", name="Xã Thử", parent=district)
    count = make_counts(commune, JAN, population=4_000, enrolled=3_000)
    dashboard = "/districts/XD/?year=2022"
    login(client, make_user("admin_cache", superuser=True))
    assert "75,00%" in kept(client, dashboard).content.decode()
    db = connection.settings_dict
    other = psycopg2.connect(dbname=db["NAME"], user=db["USER"], host=db["HOST"], port=db["PORT"] or 5432)
    try:
        other.cursor().execute("UPDATE communes_enrollment SET enrolled = 3600 WHERE id = %s", [count.pk])
        assert "75,00%" in client.get(dashboard).content.decode()  # not committed yet
        other.commit()
    finally:
        other.close()
    page = client.get(dashboard).content.decode()
    assert "90,00%" in page and "75,00%" not in page


def test_rights_changed_while_a_page_is_made_are_not_kept_in_it(client, leader, counted, monkeypatch):
    """The token is read before the user: a demotion committed just after it (here: at once) is
    seen by this request, and the next one gets another token anyway."""
    admin = make_user("admin_demoted", superuser=True)
    login(client, admin)
    assert kept(client, DASHBOARD).status_code == 200
    read = data_version.current

    def demoted_then_read(conn):
        type(admin).objects.filter(pk=admin.pk).update(is_superuser=False)
        monkeypatch.setattr(data_version, "current", read)
        return read(conn)

    monkeypatch.setattr(data_version, "current", demoted_then_read)
    assert client.get(DASHBOARD).status_code == 404
    assert client.get(DASHBOARD).status_code == 404


@pytest.mark.skipif(connection.vendor != "sqlite", reason="a restored SQLite file brings its token back")
def test_a_page_made_while_the_data_changed_is_not_kept(client, leader, counted, monkeypatch):
    """A write committed while the page is made is in it, under the token read before: kept, the
    page would answer for that token if a restored backup brought it back with the old figures."""
    from reports import views

    login(client, leader)
    client.get(DASHBOARD)
    before = data_version.current(connection)
    made = views.area_dashboard

    def written_meanwhile(*args, **kwargs):
        Enrollment.objects.filter(pk=counted.pk).update(enrolled=3_200)
        return made(*args, **kwargs)

    monkeypatch.setattr(views, "area_dashboard", written_meanwhile)
    assert "80,00%" in client.get(DASHBOARD).content.decode()  # 3.200 ÷ 4.000
    monkeypatch.setattr(views, "area_dashboard", made)
    # The backup restored: its figures and its token.
    Enrollment.objects.filter(pk=counted.pk).update(enrolled=3_000)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE portal_data_version SET token = %s", [int(before)])
    assert "75,00%" in client.get(DASHBOARD).content.decode()


def test_a_login_does_not_change_the_token_but_a_new_name_does(client, leader, officer_phong_tho):
    before = data_version.current(connection)
    login(client, officer_phong_tho)  # its session and last_login: no figure of any page
    assert data_version.current(connection) == before
    type(leader).objects.filter(pk=leader.pk).update(first_name="Lan")
    assert data_version.current(connection) != before


@pytest.mark.skipif(connection.vendor != "sqlite", reason="PostgreSQL's token follows the commit of the migration")
def test_a_migrate_changes_the_token(db):
    """A migration may rebuild a table (dropping its triggers) and then change its rows."""
    before = data_version.current(connection)
    data_version.ensure_triggers(connection)
    assert data_version.current(connection) != before


def test_a_kept_page_is_never_served_to_another_user(client, leader, officer_luc_ngan, counted):
    login(client, leader)
    assert "Tỉnh Lai Châu" in kept(client, "/country/?year=2021").content.decode()
    assert kept(client, DASHBOARD).status_code == 200
    csrf = client.cookies[django_settings.CSRF_COOKIE_NAME].value
    login(client, officer_luc_ngan)
    client.cookies[django_settings.CSRF_COOKIE_NAME] = csrf  # only the user differs
    assert client.get("/country/?year=2021").status_code == 403
    assert client.get(DASHBOARD).status_code == 404


def test_the_english_switch_is_not_answered_by_the_kept_vietnamese_page(client, leader, counted):
    login(client, leader)
    assert '<html lang="vi">' in kept(client, DASHBOARD).content.decode()
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(DASHBOARD).content.decode()
    assert '<html lang="en">' in page and "75.00%" in page


def test_a_waiting_message_is_shown_rather_than_the_kept_page(client, leader, counted):
    login(client, leader)
    kept(client, DASHBOARD)
    storage = CookieStorage(RequestFactory().get("/"))
    client.cookies[storage.cookie_name] = storage._encode([Message(constants.SUCCESS, "Đã nhập 12 dòng.")])
    assert "Đã nhập 12 dòng." in client.get(DASHBOARD).content.decode()
    assert "Đã nhập 12 dòng." not in client.get(DASHBOARD).content.decode()


def test_the_grid_closes_when_its_reopening_ends_though_no_data_changed(
    client, officer_phong_tho, leader_phong_tho, monkeypatch
):
    """A reopening ends at an hour, with no write: the grid's key holds the reopenings in force."""
    now = timezone.now()
    MonthReopening.objects.create(unit=unit(Level.DISTRICT, "109"), month=JAN, until=now + dt.timedelta(hours=1),
                                  reason="Xã Khổng Lào nộp muộn", by=leader_phong_tho)
    login(client, officer_phong_tho)
    page = kept(client, GRID).content.decode()
    assert "Xã Khổng Lào nộp muộn" in page and 'data-key="enrolled"' in page
    monkeypatch.setattr(timezone, "now", lambda: now + dt.timedelta(hours=2))
    page = client.get(GRID).content.decode()
    assert "đã khoá sổ" in page and 'data-key="enrolled"' not in page


def test_a_kept_annex_follows_a_changed_target(client, leader):
    document = TargetDocument.objects.get(number="231/KH-UBND")
    url = f"/documents/{document.pk}/annex.xlsx"
    login(client, leader)
    client.get("/")  # a page first, as in a browser: the CSRF cookie a kept page is keyed on
    before = kept(client, url).content
    target = Target.objects.filter(document=document, unit__level=Level.COMMUNE).order_by("pk").first()
    changed = target.planned_enrolled + 1
    Target.objects.filter(pk=target.pk).update(planned_enrolled=F("planned_enrolled") + 1)
    after = client.get(url).content
    values = {cell for row in openpyxl.load_workbook(io.BytesIO(after)).active.iter_rows(values_only=True)
              for cell in row}
    assert after != before and changed in values


def test_the_token_changes_with_a_write_and_only_then(counted):
    before = data_version.current(connection)
    list(Enrollment.objects.all())
    assert data_version.current(connection) == before
    Enrollment.objects.filter(pk=counted.pk).update(enrolled=3_001)
    assert data_version.current(connection) != before


def test_every_table_of_the_data_has_the_trigger_and_derived_ones_do_not(db):
    tracked = set(data_version.tracked_tables(connection))
    assert {"communes_enrollment", "communes_population", "communes_unit", "communes_assignment",
            "communes_monthreopening", "targets_target", "targets_targetdocument", "auth_user"} <= tracked
    assert not tracked & {"communes_monthlyrollup", "communes_rolluppending", "django_session"}
    assert data_version.tables_with_trigger(connection) == tracked


def test_pages_are_not_kept_when_the_cache_is_off(client, leader, counted, django_assert_max_num_queries, settings):
    settings.PAGE_CACHE_MB = 0
    login(client, leader)
    kept(client, DASHBOARD)
    with pytest.raises(pytest.fail.Exception):
        with django_assert_max_num_queries(KEPT_PAGE_QUERIES):
            client.get(DASHBOARD)
    assert STORE.size == 0


@override_settings(PAGE_CACHE_MB=1)
def test_the_store_forgets_the_least_recently_read_pages_beyond_its_size():
    store, page = _Store(), b"x" * 200_000
    for name in "abcde":
        store.put(name, page, [])
    assert store.get("a") is not None  # read: now the most recent
    store.put("f", page, [])
    assert store.size <= 1024 * 1024
    assert store.get("b") is None and store.get("a") is not None and store.get("f") is not None
    store.put("huge", b"x" * 300_000, [])  # over a quarter of the room: never kept
    assert store.get("huge") is None
