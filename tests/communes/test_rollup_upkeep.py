"""Keeping the roll-up's machinery in place: the triggers after every migrate, `rebuild()` and the
`rebuild_rollup` command for a roll-up the writes could not keep, the migration that installed it."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from communes import rollup
from communes.apps import TRIGGERS_MIGRATION, _ensure_triggers, _remove_triggers_on_sqlite
from communes.models import Enrollment, Level, MonthlyRollup, Unit
from tests.conftest import make_counts, unit

from .rollup_helpers import FEB, JAN, added_up, communes_of, from_rollup


def stranger() -> Unit:
    """A parent whose children have no counts: the province of Lai Châu, whose communes sat under districts."""
    return unit(Level.PROVINCE, "12")


def damage(phong_tho, luc_ngan) -> None:
    """A figure changed by hand, a row lost, a row for a parent with no counts."""
    MonthlyRollup.objects.filter(parent=phong_tho, month=JAN).update(enrolled=1)
    MonthlyRollup.objects.filter(parent=luc_ngan, month=FEB).delete()
    MonthlyRollup.objects.create(parent=stranger(), month=JAN, enrolled=5, population=9, reported=1)


def test_rebuild_repairs_a_damaged_rollup(two_districts):
    phong_tho, luc_ngan = two_districts
    exact = {parent: from_rollup(parent) for parent in two_districts}
    damage(phong_tho, luc_ngan)
    differences = rollup.check()
    assert [(d.parent_id, d.month) for d in differences] == sorted(
        [(phong_tho.pk, JAN), (luc_ngan.pk, FEB), (stranger().pk, JAN)]
    )
    wrong = next(d for d in differences if d.parent_id == phong_tho.pk)
    assert wrong.stored == (1, 12_006, 4, 0) and wrong.counted == (2_500 + 2_501 + 2_502 + 2_503, 12_006, 4, 0)
    assert next(d for d in differences if d.parent_id == luc_ngan.pk).stored is None

    assert rollup.rebuild() == MonthlyRollup.objects.count()
    assert rollup.check() == []
    assert {parent: from_rollup(parent) for parent in two_districts} == exact


def test_rebuild_of_some_parents_leaves_the_others_alone(two_districts):
    phong_tho, luc_ngan = two_districts
    damage(phong_tho, luc_ngan)
    assert rollup.rebuild([phong_tho.pk]) == len(added_up(phong_tho))
    assert from_rollup(phong_tho) == added_up(phong_tho)
    assert {d.parent_id for d in rollup.check()} == {luc_ngan.pk, stranger().pk}
    assert rollup.check([phong_tho.pk]) == []


def test_the_rebuild_rollup_command_checks_and_repairs(two_districts):
    phong_tho, luc_ngan = two_districts
    out = StringIO()
    call_command("rebuild_rollup", "--check", stdout=out)
    assert "khớp" in out.getvalue()
    damage(phong_tho, luc_ngan)
    with pytest.raises(CommandError, match="3 tháng lệch"):
        call_command("rebuild_rollup", "--check", stdout=StringIO())
    call_command("rebuild_rollup", "--parent", str(phong_tho.pk), stdout=StringIO())
    assert len(rollup.check()) == 2
    out = StringIO()
    call_command("rebuild_rollup", stdout=out)
    assert "Đã tính lại" in out.getvalue() and rollup.check() == []


def test_every_trigger_is_installed_and_comes_back_after_a_migrate(two_districts):
    """A write made while a trigger was missing is added up when it comes back."""
    phong_tho, _ = two_districts
    expected = rollup.expected_triggers(connection.vendor)
    assert len(expected) == (11 if connection.vendor == "postgresql" else 9)
    assert expected <= rollup.installed_triggers()
    with connection.cursor() as cursor:
        cursor.execute(
            "DROP TRIGGER communes_enrollment_rollup_delta_insert"
            + (" ON communes_enrollment" if connection.vendor == "postgresql" else "")
        )
    assert "communes_enrollment_rollup_delta_insert" not in rollup.installed_triggers()
    make_counts(communes_of(phong_tho)[6], JAN, population=1_000, enrolled=900)
    assert from_rollup(phong_tho)[JAN].reported == 4

    _ensure_triggers(using="default", plan=[])  # what every migrate runs (post_migrate)
    assert expected <= rollup.installed_triggers()
    assert from_rollup(phong_tho)[JAN].reported == 5 and rollup.check() == []


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite rebuilds a table to alter it")
@pytest.mark.django_db(transaction=True)
def test_a_migration_that_rebuilds_a_counted_table_runs_on_sqlite():
    """SQLite refuses to rename a rebuilt table back while another table's trigger names it: a
    migrate runs without the roll-up's triggers, then they come back and the roll-up is added up."""
    district = Unit.objects.create(level=Level.DISTRICT, kind="Huyện", code="XA", name="A")
    commune = Unit.objects.create(level=Level.COMMUNE, kind="Xã", code="XC", name="C", parent=district)
    make_counts(commune, JAN, population=1_000, enrolled=100)

    _remove_triggers_on_sqlite(using="default", plan=[("a migration", False)])  # pre_migrate
    assert not rollup.expected_triggers("sqlite") & rollup.installed_triggers()
    with connection.schema_editor() as editor:
        for model in (Enrollment, MonthlyRollup, Unit):
            editor._remake_table(model)  # what an AlterField does on SQLite
    Enrollment.objects.filter(unit=commune).update(enrolled=200)  # a data migration's write
    _ensure_triggers(using="default", plan=[])  # post_migrate

    assert rollup.expected_triggers("sqlite") <= rollup.installed_triggers()
    assert from_rollup(district)[JAN].enrolled == 200
    make_counts(commune, FEB, population=1_000, enrolled=300)
    assert from_rollup(district)[FEB].enrolled == 300 and rollup.check() == []


@pytest.mark.django_db(transaction=True)
def test_the_migration_replaces_the_pending_list_and_adds_up_the_rollup():
    """Back to the roll-up refreshed on read, with parents pending and a stale row, then forward."""
    from django.db.migrations.executor import MigrationExecutor

    before = ("communes", "0008_without_the_page_cache_token")
    district = Unit.objects.create(level=Level.DISTRICT, kind="Huyện", code="XA", name="A")
    communes = [
        Unit.objects.create(level=Level.COMMUNE, kind="Xã", code=f"XC{i}", name=f"C{i}", parent=district)
        for i in range(3)
    ]
    make_counts(communes[0], JAN, population=1_000, enrolled=100)

    MigrationExecutor(connection).migrate([before])
    for index, commune in enumerate(communes):
        make_counts(commune, FEB, population=2_000, enrolled=500 + index)  # the old triggers note them
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM communes_rolluppending")
        assert cursor.fetchone()[0] > 0
    MonthlyRollup.objects.create(parent=district, month=dt.date(2020, 5, 1), enrolled=1, population=2, reported=1)

    executor = MigrationExecutor(connection)
    executor.migrate([TRIGGERS_MIGRATION])
    assert "communes_rolluppending" not in connection.introspection.table_names()
    assert rollup.expected_triggers(connection.vendor) <= rollup.installed_triggers()
    assert {"communes_enrollment_rollup_insert", "communes_unit_rollup_parent"}.isdisjoint(rollup.installed_triggers())
    assert rollup.check() == []
    assert from_rollup(district)[FEB].enrolled == 500 + 501 + 502 and dt.date(2020, 5, 1) not in from_rollup(district)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())  # whatever came after it, as the suite had it
