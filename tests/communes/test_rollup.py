"""The monthly roll-up per parent: after every kind of write, whoever writes, it holds the same sums
as adding up the counts on the spot; and reading it never writes."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from communes.models import Enrollment, Level, MonthlyRollup, Population, Role, Unit
from reports import series
from tests.conftest import make_counts, make_user, unit
from tests.entry.entry_helpers import login, post_grid

from .rollup_helpers import FEB, JAN, MAR, added_up, assert_exact, communes_of, from_rollup

KHONG_LAO, MA_LY_PHO = "03583", "03574"
WRITES = ("INSERT", "UPDATE", "DELETE")


def test_the_rollup_equals_the_counts_added_up_for_every_parent(two_districts):
    phong_tho, luc_ngan = two_districts
    assert Unit.objects.filter(children__enrollments__isnull=False).distinct().count() >= 2
    assert_exact()
    february = from_rollup(luc_ngan)[FEB]
    assert (february.enrolled, february.population, february.reported) == (4_000 + 4_001 + 4_002, 15_000, 3)
    assert from_rollup(phong_tho)[JAN].enrolled == 2_500 + 2_501 + 2_502 + 2_503


def test_the_national_total_sums_the_parents_counts(two_districts):
    phong_tho, luc_ngan = two_districts
    total = series.children_total([phong_tho.pk, luc_ngan.pk], start=FEB, end=FEB)[FEB]
    assert (total.enrolled, total.population, total.reported) == (
        2_600 + 2_601 + 2_602 + 2_603 + 4_000 + 4_001 + 4_002,
        3_000 + 3_001 + 3_002 + 3_003 + 15_000,
        7,
    )
    assert str(total.rate) == str(series.MonthSum(FEB, total.enrolled, total.population, 7).rate)


def test_an_orm_save_a_queryset_update_and_a_delete_show_at_once(two_districts):
    phong_tho, _ = two_districts
    first = communes_of(phong_tho)[0]
    count = Enrollment.objects.get(unit=first, month=JAN)
    count.enrolled = 2_700
    count.save()
    assert from_rollup(phong_tho)[JAN].enrolled == 2_700 + 2_501 + 2_502 + 2_503

    Enrollment.objects.filter(unit=first, month=JAN).update(enrolled=2_900)
    assert from_rollup(phong_tho)[JAN].enrolled == 2_900 + 2_501 + 2_502 + 2_503

    Population.objects.filter(unit=first, year=2022).update(population=3_500)
    assert from_rollup(phong_tho)[JAN].population == 3_500 + 3_001 + 3_002 + 3_003
    assert from_rollup(phong_tho)[FEB].population == 3_500 + 3_001 + 3_002 + 3_003

    Enrollment.objects.filter(unit=first, month=JAN).delete()
    assert from_rollup(phong_tho)[JAN].reported == 3
    Population.objects.filter(unit=first, year=2022).delete()  # its February count drops out too
    february = from_rollup(phong_tho)[FEB]
    assert (february.enrolled, february.population, february.reported) == (2_601 + 2_602 + 2_603, 9_006, 3)
    assert_exact()


def test_an_edit_that_changes_no_figure_touches_no_rollup_row(two_districts):
    phong_tho, _ = two_districts
    row = MonthlyRollup.objects.get(parent=phong_tho, month=JAN)
    Enrollment.objects.filter(unit__parent=phong_tho, month=JAN).update(note="kiểm tra lại")
    Population.objects.filter(unit__parent=phong_tho, year=2022).update(source="Niên giám")
    assert MonthlyRollup.objects.get(pk=row.pk).enrolled == row.enrolled
    assert_exact()


def test_raw_sql_writes_show_at_once(two_districts):
    phong_tho, luc_ngan = two_districts
    first, second = communes_of(phong_tho)[:2]
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE communes_enrollment SET enrolled = enrolled + 100 WHERE unit_id IN (%s, %s)", [first.pk, second.pk]
        )
        cursor.execute("DELETE FROM communes_enrollment WHERE unit_id = %s AND month = %s", [first.pk, FEB])
        cursor.execute("UPDATE communes_population SET population = 4000 WHERE unit_id = %s", [second.pk])
    assert from_rollup(phong_tho)[JAN].enrolled == 2_600 + 2_601 + 2_502 + 2_503
    february = from_rollup(phong_tho)[FEB]
    assert (february.enrolled, february.population, february.reported) == (2_701 + 2_602 + 2_603, 4_000 + 6_005, 3)
    assert_exact()


def test_a_bulk_load_shows_at_once(two_districts):
    _, luc_ngan = two_districts
    communes = communes_of(luc_ngan)[:3]
    Enrollment.objects.bulk_create([Enrollment(unit=commune, month=MAR, enrolled=4_500) for commune in communes])
    assert from_rollup(luc_ngan)[MAR].enrolled == 3 * 4_500
    Population.objects.bulk_create([Population(unit=commune, year=2023, population=6_000) for commune in communes])
    Enrollment.objects.bulk_create(
        [
            Enrollment(unit=commune, month=dt.date(2023, month, 1), enrolled=5_000 + month)
            for commune in communes
            for month in range(1, 13)
        ]
    )
    december = from_rollup(luc_ngan)[dt.date(2023, 12, 1)]
    assert (december.enrolled, december.population, december.reported) == (3 * 5_012, 18_000, 3)
    assert_exact()


def test_a_count_of_a_commune_without_population_counts_once_it_has_one(two_districts):
    _, luc_ngan = two_districts
    orphan = communes_of(luc_ngan)[5]
    assert from_rollup(luc_ngan)[FEB].reported == 3  # its 999 is left out of both sums
    Population.objects.create(unit=orphan, year=2022, population=1_500)
    february = from_rollup(luc_ngan)[FEB]
    assert (february.enrolled, february.population, february.reported) == (12_003 + 999, 15_000 + 1_500, 4)
    Population.objects.filter(unit=orphan).update(year=2021)  # the figure was for another year
    assert from_rollup(luc_ngan)[FEB].reported == 3
    assert_exact()


def test_synthetic_counts_are_counted_apart(two_districts):
    phong_tho, _ = two_districts
    Enrollment.objects.filter(unit__parent=phong_tho, month=JAN).update(is_synthetic=True)
    assert (from_rollup(phong_tho)[JAN].synthetic, from_rollup(phong_tho)[FEB].synthetic) == (4, 0)
    assert_exact()


def test_a_commune_moved_to_another_parent_leaves_one_sum_for_the_other(two_districts):
    phong_tho, luc_ngan = two_districts
    moved = communes_of(phong_tho)[0]
    before_pt, before_ln = from_rollup(phong_tho)[FEB].enrolled, from_rollup(luc_ngan)[FEB].enrolled
    Unit.objects.filter(pk=moved.pk).update(parent=luc_ngan)
    assert from_rollup(phong_tho)[FEB].enrolled == before_pt - 2_600
    assert from_rollup(luc_ngan)[FEB].enrolled == before_ln + 2_600
    assert from_rollup(luc_ngan)[JAN].enrolled == 2_500  # a month the other district had no row for
    moved.refresh_from_db()
    moved.parent = phong_tho  # the admin's save: every column written, the parent changed back
    moved.save()
    assert JAN not in from_rollup(luc_ngan)
    assert_exact()


def test_a_count_written_then_its_commune_moved_lands_in_the_new_district(two_districts):
    phong_tho, luc_ngan = two_districts
    moved = communes_of(phong_tho)[0]
    Enrollment.objects.filter(unit=moved, month=FEB).update(enrolled=2_999)
    Unit.objects.filter(pk=moved.pk).update(parent=luc_ngan)
    assert from_rollup(luc_ngan)[FEB].enrolled == 4_000 + 4_001 + 4_002 + 2_999
    assert_exact()


def test_a_deleted_commune_leaves_its_district_at_once(phong_tho):
    """Its counts go first (PROTECT), then the unit."""
    commune = Unit.objects.create(level=Level.COMMUNE, kind="Xã", code="99999", name="Tạm", parent=phong_tho)
    make_counts(commune, JAN, population=1_000, enrolled=777)
    assert from_rollup(phong_tho)[JAN].enrolled == 777
    Enrollment.objects.filter(unit=commune).delete()
    Population.objects.filter(unit=commune).delete()
    commune.delete()
    assert JAN not in from_rollup(phong_tho) and from_rollup(phong_tho) == added_up(phong_tho)


def test_a_commune_deleted_before_its_counts_takes_them_out(phong_tho):
    """Raw SQL may delete in any order inside a transaction (the foreign keys are checked at commit)."""
    commune = Unit.objects.create(level=Level.COMMUNE, kind="Xã", code="99998", name="Tạm", parent=phong_tho)
    make_counts(commune, JAN, population=1_000, enrolled=777)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        cursor.execute("DELETE FROM communes_unit WHERE id = %s", [commune.pk])
        assert JAN not in from_rollup(phong_tho)
        cursor.execute("DELETE FROM communes_enrollment WHERE unit_id = %s", [commune.pk])
        cursor.execute("DELETE FROM communes_population WHERE unit_id = %s", [commune.pk])
    assert not MonthlyRollup.objects.filter(parent=phong_tho, month=JAN).exists()
    assert from_rollup(phong_tho) == added_up(phong_tho)


def test_no_row_is_left_once_every_count_is_deleted(two_districts):
    phong_tho, luc_ngan = two_districts
    Enrollment.objects.filter(unit__parent=phong_tho, month=JAN).delete()
    assert JAN not in from_rollup(phong_tho) and FEB in from_rollup(phong_tho)
    Enrollment.objects.filter(unit__parent__in=[phong_tho, luc_ngan]).delete()
    assert not MonthlyRollup.objects.filter(parent__in=[phong_tho, luc_ngan]).exists()
    assert_exact()


def test_tables_emptied_in_any_order_leave_an_empty_rollup(two_districts):
    """SQLite's flush empties the tables with DELETE in no fixed order: the roll-up first here, then
    the populations while their counts are still there."""
    with connection.cursor() as cursor:
        for table in (
            "communes_monthlyrollup",
            "communes_population",
            "communes_enrollmentbygroup",
            "communes_enrollment",
        ):
            cursor.execute(f"DELETE FROM {table}")
    assert not MonthlyRollup.objects.exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="TRUNCATE: PostgreSQL")
def test_a_truncate_empties_the_rollup(two_districts):
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the fixture's foreign keys, checked before
        cursor.execute("TRUNCATE communes_enrollment CASCADE")
    assert not MonthlyRollup.objects.exists()


def test_a_population_for_an_impossible_year_changes_nothing(two_districts):
    """Validators keep such a year out of forms and the admin; a bulk load could still write one."""
    phong_tho, _ = two_districts
    Population.objects.create(unit=communes_of(phong_tho)[0], year=20_210, population=5)
    assert_exact()


def test_a_grid_save_shows_on_the_dashboard_at_once(client, officer_phong_tho, settings):
    settings.ENTRY_CLOSE_DAYS = 100_000
    phong_tho = unit(Level.DISTRICT, "109")
    login(client, officer_phong_tho)
    dashboard = reverse("district", args=["109"]) + "?year=2022"
    grid = "/districts/109/entry/2022-01/"

    assert post_grid(client, grid, {f"{KHONG_LAO}-enrolled": "1.700"}).status_code == 302
    page = client.get(dashboard).content.decode()
    assert "43,44%" in page  # 1.700 ÷ 3.913: the only commune reported in 2022
    assert from_rollup(phong_tho)[JAN].enrolled == 1_700

    assert post_grid(client, grid, {f"{KHONG_LAO}-enrolled": "1.800"}).status_code == 302
    page = client.get(dashboard).content.decode()
    assert "46,00%" in page and "43,44%" not in page  # 1.800 ÷ 3.913
    assert MonthlyRollup.objects.get(parent=phong_tho, month=JAN).enrolled == 1_800
    assert_exact()


def test_the_national_ranking_follows_a_save_at_once(client, officer_phong_tho, settings):
    settings.ENTRY_CLOSE_DAYS = 100_000
    leader = make_user("leader_country", Role.LEADER, None)
    login(client, officer_phong_tho)
    post_grid(client, "/districts/109/entry/2022-01/", {f"{KHONG_LAO}-enrolled": "1.700"})
    client.logout()
    login(client, leader)
    assert "43,44%" in client.get("/country/?year=2022").content.decode()
    client.logout()
    login(client, officer_phong_tho)
    post_grid(client, "/districts/109/entry/2022-01/", {f"{MA_LY_PHO}-enrolled": "1.400"})
    client.logout()
    login(client, leader)
    # (1.700 + 1.400) ÷ (3.913 + 2.881) = 45,63%
    assert "45,63%" in client.get("/country/?year=2022").content.decode()


@pytest.mark.parametrize("page", ["/districts/109/?year=2022", "/country/?year=2022", "/country/"])
def test_reading_a_page_right_after_a_save_writes_nothing(client, officer_phong_tho, leader, settings, page):
    settings.ENTRY_CLOSE_DAYS = 100_000
    login(client, officer_phong_tho)
    assert post_grid(client, "/districts/109/entry/2022-01/", {f"{KHONG_LAO}-enrolled": "1.700"}).status_code == 302
    client.logout()
    login(client, leader)
    client.get(page)  # the session's first page may store what the session middleware keeps
    with CaptureQueriesContext(connection) as queries:
        assert client.get(page).status_code == 200
    writes = [query["sql"] for query in queries if query["sql"].lstrip().upper().startswith(WRITES)]
    assert writes == []
    assert len(queries) > 3  # the page did read
