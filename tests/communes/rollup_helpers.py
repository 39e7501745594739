"""What the roll-up's tests share: the sums read from it and the same sums added up on the spot."""

import datetime as dt

from communes import rollup
from communes.models import MonthlyRollup, Unit
from reports import series

JAN, FEB, MAR = dt.date(2022, 1, 1), dt.date(2022, 2, 1), dt.date(2022, 3, 1)
YEARS = (dt.date(2020, 1, 1), dt.date(2026, 12, 1))


def from_rollup(parent: Unit) -> dict:
    return series.children_sums([parent.pk], start=YEARS[0], end=YEARS[1]).get(parent.pk, {})


def added_up(parent: Unit) -> dict:
    """The reference: every count of the parent's children added up on the spot."""
    return series.monthly_sums(Unit.objects.filter(parent=parent), start=YEARS[0], end=YEARS[1])


def assert_exact() -> None:
    """Every parent's roll-up equals its counts added up (and no row is left for a parent without)."""
    parents = Unit.objects.filter(children__enrollments__isnull=False).distinct()
    for parent in parents:
        assert from_rollup(parent) == added_up(parent), parent
    assert set(MonthlyRollup.objects.values_list("parent", flat=True)) <= set(parents.values_list("pk", flat=True))
    assert rollup.check() == []


def communes_of(district: Unit) -> list[Unit]:
    return list(Unit.objects.filter(parent=district).order_by("code"))
