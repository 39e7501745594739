"""Writers at the same moment, and a bulk load: the roll-up stays exact.

PostgreSQL only for the concurrent writers (SQLite has one writer at a time): each case opens two
connections; the first writes and keeps its transaction open, the second writes in a thread and
must wait for it (the lock the triggers take), then both commit."""

import datetime as dt
import threading
import time

import pytest
from django.db import connection
from django.utils import timezone

from communes import rollup
from communes.models import Enrollment, Level, MonthlyRollup, Population, Unit
from tests.conftest import make_counts

from .rollup_helpers import JAN, from_rollup

postgresql_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="two writers at once: PostgreSQL")

COUNT = (
    "INSERT INTO communes_enrollment (unit_id, month, enrolled, note, source, is_synthetic, entered_at, version) "
    "VALUES (%s, '2022-01-01', %s, '', '', false, now(), 1)"
)
POPULATION = (
    "INSERT INTO communes_population (unit_id, year, population, source, is_synthetic, entered_at) "
    "VALUES (%s, 2022, %s, '', false, now())"
)


def connect():
    import psycopg2

    settings = connection.settings_dict
    return psycopg2.connect(
        dbname=settings["NAME"], user=settings["USER"], host=settings["HOST"], port=settings["PORT"] or 5432
    )


class Writer(threading.Thread):
    """One statement and its commit on a connection of its own, in the background."""

    def __init__(self, statement: tuple[str, list]):
        super().__init__(daemon=True)
        self.statement, self.error = statement, None

    def run(self) -> None:
        writer = connect()
        try:
            writer.cursor().execute(*self.statement)
            writer.commit()
        except Exception as error:  # reported by the test, in the main thread
            self.error = error
        finally:
            writer.close()


def at_once(first: tuple[str, list], second: tuple[str, list]) -> None:
    """`first` written and left uncommitted; `second` started meanwhile, and seen waiting for it."""
    holder = connect()
    try:
        holder.cursor().execute(*first)
        writer = Writer(second)
        writer.start()
        time.sleep(0.5)
        assert writer.is_alive(), "the second writer did not wait for the first"
        holder.commit()
        writer.join(timeout=20)
    finally:
        holder.close()
    assert not writer.is_alive() and writer.error is None, writer.error


@pytest.fixture
def district():
    """District A with communes C0 and C1, and district B, none with counts yet (committed: each
    connection sees them)."""
    a = Unit.objects.create(level=Level.DISTRICT, kind="Huyện", code="XA", name="A")
    Unit.objects.create(level=Level.DISTRICT, kind="Huyện", code="XB", name="B")
    for index in range(2):
        Unit.objects.create(level=Level.COMMUNE, kind="Xã", code=f"XC{index}", name=f"C{index}", parent=a)
    return a


def units() -> tuple[Unit, Unit, Unit, Unit]:
    return (
        Unit.objects.get(code="XA"),
        Unit.objects.get(code="XB"),
        Unit.objects.get(code="XC0"),
        Unit.objects.get(code="XC1"),
    )


def figures(parent: Unit) -> tuple | None:
    month = from_rollup(parent).get(JAN)
    return month and (month.enrolled, month.population, month.reported)


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_two_communes_of_one_district_saved_at_once_both_land(district):
    a, _, c0, c1 = units()
    Population.objects.create(unit=c0, year=2022, population=1_000)
    Population.objects.create(unit=c1, year=2022, population=2_000)
    at_once((COUNT, [c0.pk, 100]), (COUNT, [c1.pk, 200]))
    assert figures(a) == (300, 3_000, 2) and rollup.check() == []


@postgresql_only
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("count_first", [True, False])
def test_a_commune_moved_while_its_count_is_written_takes_the_count_along(district, count_first):
    a, b, c0, _ = units()
    make_counts(c0, JAN, population=1_000, enrolled=100)
    count = ("UPDATE communes_enrollment SET enrolled = 200 WHERE unit_id = %s", [c0.pk])
    move = ("UPDATE communes_unit SET parent_id = %s WHERE id = %s", [b.pk, c0.pk])
    at_once(*((count, move) if count_first else (move, count)))
    assert figures(b) == (200, 1_000, 1) and figures(a) is None and rollup.check() == []


@postgresql_only
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("count_first", [True, False])
def test_a_count_written_while_its_population_is_entered_is_counted(district, count_first):
    a, _, c0, _ = units()
    count, population = (COUNT, [c0.pk, 700]), (POPULATION, [c0.pk, 900])
    at_once(*((count, population) if count_first else (population, count)))
    assert figures(a) == (700, 900, 1) and rollup.check() == []


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_a_count_and_its_population_deleted_at_once_are_taken_out_once(district):
    a, _, c0, c1 = units()
    make_counts(c0, JAN, population=1_000, enrolled=100)
    make_counts(c1, JAN, population=2_000, enrolled=200)
    at_once(
        ("DELETE FROM communes_population WHERE unit_id = %s", [c0.pk]),
        ("DELETE FROM communes_enrollment WHERE unit_id = %s", [c0.pk]),
    )
    assert figures(a) == (200, 2_000, 1) and rollup.check() == []


def test_a_bulk_insert_of_20_000_counts_is_summed_quickly(db):
    """One statement on PostgreSQL, summed per district and month before one upsert: well under the
    time the insert itself takes (~0,5 s for 20.000 counts without the triggers)."""
    districts = Unit.objects.bulk_create(
        Unit(level=Level.DISTRICT, kind="Huyện", code=f"Y{index}", name=f"Y{index}") for index in range(4)
    )
    communes = Unit.objects.bulk_create(
        Unit(level=Level.COMMUNE, kind="Xã", code=f"Y{index:04}", name=f"Y{index:04}", parent=districts[index % 4])
        for index in range(200)
    )
    months = [dt.date(2017 + index // 12, index % 12 + 1, 1) for index in range(100)]
    Population.objects.bulk_create(
        Population(unit=commune, year=year, population=5_000) for commune in communes for year in range(2017, 2026)
    )
    now = timezone.now()
    counts = [
        Enrollment(unit=commune, month=month, enrolled=4_000 + index % 100, entered_at=now)
        for index, commune in enumerate(communes)
        for month in months
    ]
    assert len(counts) == 20_000
    started = time.perf_counter()
    Enrollment.objects.bulk_create(counts)
    elapsed = time.perf_counter() - started
    if connection.vendor == "postgresql":  # SQLite: ~180 statements of 111 rows, a trigger per row
        assert elapsed < 3, f"{elapsed:.1f} s"
    first = MonthlyRollup.objects.get(parent=districts[0], month=months[0])  # a month with no other count
    assert (first.enrolled, first.population, first.reported) == (
        sum(4_000 + index % 100 for index in range(0, 200, 4)),
        50 * 5_000,
        50,
    )
    assert rollup.check([district.pk for district in districts]) == []
