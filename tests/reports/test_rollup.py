"""The monthly roll-up per parent: the same sums as adding up the counts, and never a stale figure
after a write, whoever writes (the grid, an edit, a bulk load, a commune moved to another parent)."""

import datetime as dt

import pytest
from django.db import connection
from django.urls import reverse

from communes import rollup
from communes.models import Enrollment, Level, MonthlyRollup, Population, Role, RollupPending, Unit
from reports import series
from tests.conftest import make_counts, make_user, unit
from tests.entry.entry_helpers import login, post_grid

JAN, FEB = dt.date(2022, 1, 1), dt.date(2022, 2, 1)
YEARS = (dt.date(2020, 1, 1), dt.date(2026, 12, 1))
KHONG_LAO, MA_LY_PHO = "03583", "03574"


def from_rollup(parent: Unit) -> dict:
    return series.children_sums([parent.pk], start=YEARS[0], end=YEARS[1]).get(parent.pk, {})


def added_up(parent: Unit) -> dict:
    """The reference: every count of the parent's children added up on the spot."""
    return series.monthly_sums(Unit.objects.filter(parent=parent), start=YEARS[0], end=YEARS[1])


@pytest.fixture
def two_districts(phong_tho, luc_ngan):
    """Two months of 2022 for a few communes of each district; one commune without a 2022
    population (its count must stay out of both sums)."""
    for index, commune in enumerate(Unit.objects.filter(parent=phong_tho).order_by("code")[:4]):
        make_counts(commune, JAN, population=3_000 + index, enrolled=2_500 + index)
        make_counts(commune, FEB, population=3_000 + index, enrolled=2_600 + index)
    for index, commune in enumerate(Unit.objects.filter(parent=luc_ngan).order_by("code")[:3]):
        make_counts(commune, FEB, population=5_000, enrolled=4_000 + index)
    orphan = Unit.objects.filter(parent=luc_ngan).order_by("code")[5]
    Enrollment.objects.create(unit=orphan, month=FEB, enrolled=999)
    return phong_tho, luc_ngan


def test_the_rollup_equals_the_counts_added_up_for_every_parent(two_districts):
    parents = Unit.objects.filter(children__enrollments__isnull=False).distinct()
    assert parents.count() >= 2
    for parent in parents:
        assert from_rollup(parent) == added_up(parent), parent
    phong_tho, luc_ngan = two_districts
    february = from_rollup(luc_ngan)[FEB]
    assert (february.enrolled, february.population, february.reported) == (4_000 + 4_001 + 4_002, 15_000, 3)


def test_the_national_total_sums_the_parents_counts(two_districts):
    phong_tho, luc_ngan = two_districts
    total = series.children_total([phong_tho.pk, luc_ngan.pk], start=FEB, end=FEB)[FEB]
    assert (total.enrolled, total.population, total.reported) == (
        2_600 + 2_601 + 2_602 + 2_603 + 4_000 + 4_001 + 4_002,
        3_000 + 3_001 + 3_002 + 3_003 + 15_000,
        7,
    )
    assert str(total.rate) == str(series.MonthSum(FEB, total.enrolled, total.population, 7).rate)


def test_an_edit_a_delete_and_a_new_population_show_at_once(two_districts):
    phong_tho, _ = two_districts
    first = Unit.objects.filter(parent=phong_tho).order_by("code").first()
    assert from_rollup(phong_tho)[JAN].enrolled == 2_500 + 2_501 + 2_502 + 2_503

    Enrollment.objects.filter(unit=first, month=JAN).update(enrolled=2_900)  # a bulk UPDATE
    assert from_rollup(phong_tho)[JAN].enrolled == 2_900 + 2_501 + 2_502 + 2_503

    Population.objects.filter(unit=first, year=2022).update(population=3_500)
    assert from_rollup(phong_tho)[JAN].population == 3_500 + 3_001 + 3_002 + 3_003

    Enrollment.objects.filter(unit=first, month=JAN).delete()
    assert from_rollup(phong_tho)[JAN].reported == 3
    Population.objects.filter(unit=first, year=2022).delete()  # its February count drops out too
    assert from_rollup(phong_tho)[FEB].reported == 3
    assert from_rollup(phong_tho) == added_up(phong_tho)


def test_a_bulk_load_shows_at_once(two_districts):
    _, luc_ngan = two_districts
    communes = list(Unit.objects.filter(parent=luc_ngan).order_by("code")[:3])
    Enrollment.objects.bulk_create(
        [Enrollment(unit=commune, month=dt.date(2022, 3, 1), enrolled=4_500) for commune in communes]
    )
    assert from_rollup(luc_ngan)[dt.date(2022, 3, 1)].enrolled == 3 * 4_500


def test_a_commune_moved_to_another_parent_leaves_one_sum_for_the_other(two_districts):
    phong_tho, luc_ngan = two_districts
    moved = Unit.objects.filter(parent=phong_tho).order_by("code").first()
    before_pt, before_ln = from_rollup(phong_tho)[FEB].enrolled, from_rollup(luc_ngan)[FEB].enrolled
    Unit.objects.filter(pk=moved.pk).update(parent=luc_ngan)
    assert from_rollup(phong_tho)[FEB].enrolled == before_pt - 2_600
    assert from_rollup(luc_ngan)[FEB].enrolled == before_ln + 2_600
    assert from_rollup(phong_tho) == added_up(phong_tho) and from_rollup(luc_ngan) == added_up(luc_ngan)


def test_a_write_during_a_refresh_stays_pending_for_the_next_read(two_districts, monkeypatch):
    """The refresh removes only the pending rows it read: one added meanwhile (here, by a write
    inside the refresh, standing for a transaction that committed during it) is kept."""
    phong_tho, _ = two_districts
    late = Unit.objects.filter(parent=phong_tho).order_by("code")[6]
    recompute = rollup._recomputed

    def write_meanwhile(scope):
        make_counts(late, FEB, population=1_000, enrolled=900)
        return recompute(scope)

    monkeypatch.setattr(rollup, "_recomputed", write_meanwhile)
    rollup.refresh()
    monkeypatch.setattr(rollup, "_recomputed", recompute)
    assert RollupPending.objects.exists()
    assert from_rollup(phong_tho)[FEB].reported == 5
    assert not RollupPending.objects.exists()


def test_a_refresh_with_nothing_pending_costs_one_query(two_districts, django_assert_num_queries):
    rollup.refresh()
    with django_assert_num_queries(1):
        assert rollup.refresh() == 0


def test_a_grid_save_shows_on_the_dashboard_at_once(client, officer_phong_tho, settings):
    """No cache to expire: the entry's transaction marks the district, the next read recomputes it."""
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


def test_a_count_is_rolled_up_under_the_parent_its_unit_has_when_the_rollup_is_refreshed(two_districts):
    """A count written, then its commune moved before any read: the count lands in the new district
    (the trigger notes the unit; its parent is read at refresh)."""
    phong_tho, luc_ngan = two_districts
    moved = Unit.objects.filter(parent=phong_tho).order_by("code").first()
    rollup.refresh()
    Enrollment.objects.filter(unit=moved, month=FEB).update(enrolled=2_999)
    Unit.objects.filter(pk=moved.pk).update(parent=luc_ngan)
    assert from_rollup(luc_ngan) == added_up(luc_ngan) and from_rollup(phong_tho) == added_up(phong_tho)
    assert from_rollup(luc_ngan)[FEB].enrolled == 4_000 + 4_001 + 4_002 + 2_999


@pytest.mark.skipif(connection.vendor != "postgresql", reason="two connections at once: PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_a_commune_moved_while_its_count_is_being_written_is_not_lost():
    """Under READ COMMITTED the count's transaction sees the old parent; a refresh between the move
    and the count's commit must not leave the new district without the count."""
    import psycopg2

    district_a = Unit.objects.create(level=Level.DISTRICT, kind="Huyện", code="XA", name="A")
    district_b = Unit.objects.create(level=Level.DISTRICT, kind="Huyện", code="XB", name="B")
    commune = Unit.objects.create(level=Level.COMMUNE, kind="Xã", code="XC", name="C", parent=district_a)
    make_counts(commune, JAN, population=1_000, enrolled=100)
    rollup.refresh()
    settings = connection.settings_dict
    writer, mover = (psycopg2.connect(dbname=settings["NAME"], user=settings["USER"], host=settings["HOST"],
                                      port=settings["PORT"] or 5432) for _ in range(2))
    try:
        writer.cursor().execute("UPDATE communes_enrollment SET enrolled = 200 WHERE unit_id = %s", [commune.pk])
        mover.cursor().execute("UPDATE communes_unit SET parent_id = %s WHERE id = %s", [district_b.pk, commune.pk])
        mover.commit()
        from_rollup(district_b)  # a page read between the move and the count's commit
        writer.commit()
    finally:
        writer.close()
        mover.close()
    assert from_rollup(district_b)[JAN].enrolled == 200
    assert from_rollup(district_b) == added_up(district_b) and from_rollup(district_a) == {}


def test_many_pending_rows_are_cleared_in_chunks(two_districts, monkeypatch):
    phong_tho, luc_ngan = two_districts
    monkeypatch.setattr(rollup, "_CHUNK", 7)  # SQLite refuses statements over its parameter limit
    communes = list(Unit.objects.filter(parent__in=[phong_tho, luc_ngan]).values_list("pk", flat=True))
    RollupPending.objects.bulk_create(RollupPending(unit_id=pk, year=2022) for pk in communes * 3)
    assert RollupPending.objects.count() > 7 * 5
    rollup.refresh()
    assert not RollupPending.objects.exists()
    assert from_rollup(phong_tho) == added_up(phong_tho) and from_rollup(luc_ngan) == added_up(luc_ngan)


def test_a_population_for_an_impossible_year_does_not_stop_the_rollup(two_districts):
    """Validators keep such a year out of forms and the admin; a bulk load could still write one."""
    phong_tho, _ = two_districts
    Population.objects.create(unit=Unit.objects.filter(parent=phong_tho).first(), year=20_210, population=5)
    assert rollup.refresh() > 0
    assert not RollupPending.objects.exists() and from_rollup(phong_tho) == added_up(phong_tho)


def test_every_trigger_is_installed_and_comes_back_after_a_table_rebuild(db):
    """On SQLite, altering a table rebuilds it and drops its triggers; every migrate puts them back."""
    from communes.apps import _ensure_triggers

    expected = rollup.expected_triggers(connection.vendor)
    assert expected <= rollup.installed_triggers()
    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER communes_enrollment_rollup_insert"
                       + (" ON communes_enrollment" if connection.vendor == "postgresql" else ""))
    assert "communes_enrollment_rollup_insert" not in rollup.installed_triggers()
    _ensure_triggers(using="default", plan=[])  # what every migrate runs (post_migrate)
    assert expected <= rollup.installed_triggers()


def test_reinstalling_the_triggers_drops_rows_whose_counts_are_gone(two_districts):
    phong_tho, _ = two_districts
    rollup.refresh()
    stale = MonthlyRollup.objects.create(parent=unit(Level.PROVINCE, "12", 2021), month=JAN, enrolled=5,
                                         population=9, reported=1)
    rollup.remove_triggers(connection)
    rollup.install_triggers(connection)
    rollup.refresh()
    assert not MonthlyRollup.objects.filter(pk=stale.pk).exists()
    assert from_rollup(phong_tho) == added_up(phong_tho)


def test_a_deleted_commune_leaves_its_district_at_once(phong_tho):
    """Its counts go first (PROTECT), then the unit: no read in between can name the district."""
    commune = Unit.objects.create(level=Level.COMMUNE, kind="Xã", code="99999", name="Tạm", parent=phong_tho)
    make_counts(commune, JAN, population=1_000, enrolled=777)
    assert from_rollup(phong_tho)[JAN].enrolled == 777
    Enrollment.objects.filter(unit=commune).delete()
    Population.objects.filter(unit=commune).delete()
    commune.delete()
    assert JAN not in from_rollup(phong_tho) and from_rollup(phong_tho) == added_up(phong_tho)


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's parameter limit")
def test_a_refresh_stays_under_sqlites_oldest_parameter_limit(two_districts):
    """SQLite before 3.32, which Django 5.2 supports, takes 999 parameters per statement."""
    import sqlite3

    RollupPending.objects.bulk_create(RollupPending(unit_id=pk, year=2022) for pk in range(1, 1_200))
    raw = connection.connection
    previous = raw.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, 999)
    try:
        rollup.refresh()
    finally:
        raw.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, previous)
    assert not RollupPending.objects.exists()


def test_a_flush_leaves_nothing_pending(db):
    """SQLite's flush deletes tables in no fixed order: the counts' triggers may refill the list."""
    from communes.apps import _ensure_triggers

    RollupPending.objects.create(unit_id=1, year=2022)
    _ensure_triggers(using="default")  # flush sends post_migrate without a plan
    assert not RollupPending.objects.exists()
