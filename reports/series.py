"""Monthly series read from the database: sums per month, a fixed number of queries whatever the
number of units or months.

A month's district figure is Σ enrolled over the communes that reported that month ÷ Σ their
population of that year: a commune without a population for the year is left out of both sums,
so the rate never mixes a count with a missing denominator. Arithmetic stays in `coverage`.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db import models
from django.db.models import Case, Count, F, IntegerField, Max, OuterRef, Q, Subquery, Sum, When
from django.db.models.functions import Cast, ExtractYear

from communes.models import Enrollment, Level, MonthlyRollup, Population, Unit

from . import coverage


@dataclass(frozen=True)
class MonthSum:
    month: dt.date
    enrolled: int
    population: int
    reported: int
    synthetic: int = 0

    @property
    def rate(self) -> Decimal | None:
        return coverage.coverage_rate(enrolled=self.enrolled, population=self.population)


def _with_population(enrollments):
    """Each enrolled count beside its unit's population of the count's year (one subquery)."""
    population = Population.objects.filter(unit=OuterRef("unit"), year=ExtractYear(OuterRef("month")))
    return enrollments.annotate(
        population_value=Subquery(population.values("population")[:1], output_field=IntegerField())
    )


def _counted(units, *, start: dt.date, end: dt.date):
    """Enrolled counts joined to their unit's population of the count's year; a count without one
    drops out. A join, not a subquery per count: at national scale (10.600 communes × 48 months) the
    correlated subquery ran half a million index lookups (2,3 s) where the hash join takes 0,5 s."""
    return Enrollment.objects.filter(
        unit__in=units, month__gte=start, month__lte=end, unit__populations__year=ExtractYear("month")
    )


def monthly_sums(units, *, start: dt.date, end: dt.date) -> dict[dt.date, MonthSum]:
    """Σ enrolled and Σ population per month between start and end over `units` (one query)."""
    rows = (
        _counted(units, start=start, end=end)
        .values("month")
        .annotate(
            enrolled_sum=Sum("enrolled"),
            population_sum=Sum("unit__populations__population"),
            reported=Count("pk"),
            synthetic=Count("pk", filter=Q(is_synthetic=True)),
        )
        .order_by("month")
    )
    return {
        row["month"]: MonthSum(
            row["month"], row["enrolled_sum"], row["population_sum"], row["reported"], row["synthetic"]
        )
        for row in rows
    }


def latest_month(units, *, year: int | None = None) -> dt.date | None:
    """The latest month with any enrolled count among `units` (in `year` if given)."""
    counts = Enrollment.objects.filter(unit__in=units)
    if year is not None:
        counts = counts.filter(month__year=year)
    return counts.aggregate(latest=Max("month"))["latest"]


def unit_months(units, *, year: int, until: dt.date | None = None) -> dict[int, list[tuple[int, int]]]:
    """Each unit's (month number, enrolled) pairs of the year (up to the month `until`, when given),
    for its projection (one query)."""
    pairs: dict[int, list[tuple[int, int]]] = defaultdict(list)
    counts = Enrollment.objects.filter(unit__in=units, month__year=year)
    if until is not None:
        counts = counts.filter(month__lte=until)
    counts = counts.order_by("unit_id", "month")
    for unit_id, month, enrolled in counts.values_list("unit_id", "month", "enrolled"):
        pairs[unit_id].append((month.month, enrolled))
    return pairs


@dataclass
class UnitYear:
    """One read of a year's counts for many units: each unit's (month number, enrolled) pairs of
    the year, and the enrolled count, population and synthetic flag of the other months asked for."""

    pairs: dict[int, list[tuple[int, int]]]
    figures: dict[tuple[int, dt.date], tuple[int, int | None, bool]]


def unit_year(
    units,
    *,
    year: int,
    populations: dict[int, int | None],
    populations_before: dict[int, int | None],
    until: dt.date | None = None,
    months=(),
) -> UnitYear:
    """`unit_months` and `unit_month_figures` in one read of the counts: the year's months (up to
    `until`) and the other `months` of the year before (the same month a year before, the December
    before a January), with the populations already read (unit id → population of the year, and
    of the year before): one query, no population subquery per count. The counts are read as one
    range of months, from the earliest asked for (a year and a few months: the index of a unit's
    months answers it alone), and the months between kept out here."""
    end = until or dt.date(year, 12, 1)
    others = {month for month in months if month.year != year}
    if any(month.year != year - 1 for month in others):
        raise ValueError("unit_year: the other months are of the year before")
    start = min(others, default=dt.date(year, 1, 1))
    counts = Enrollment.objects.filter(unit__among=units, month__gte=start, month__lte=end)
    pairs: dict[int, list[tuple[int, int]]] = defaultdict(list)
    figures: dict[tuple[int, dt.date], tuple[int, int | None, bool]] = {}
    # In the index's own order (latest month first): no sort; each unit's pairs are turned round below.
    rows = counts.order_by("unit_id", "-month").values_list("unit_id", "month", "enrolled", "is_synthetic")
    for unit_id, month, enrolled, synthetic in rows:
        if month.year == year:
            pairs[unit_id].append((month.month, enrolled))
            figures[unit_id, month] = (enrolled, populations.get(unit_id), synthetic)
        elif month in others:
            figures[unit_id, month] = (enrolled, populations_before.get(unit_id), synthetic)
    for months_of_unit in pairs.values():
        months_of_unit.reverse()
    return UnitYear(pairs=pairs, figures=figures)


def unit_month_figures(units, *, months: list[dt.date]) -> dict[tuple[int, dt.date], tuple[int, int | None, bool]]:
    """(unit id, month) → (enrolled, population of that year, is synthetic) for the months (one query)."""
    counts = _with_population(Enrollment.objects.filter(unit__in=units, month__in=months))
    return {
        (unit_id, month): (enrolled, population, synthetic)
        for unit_id, month, enrolled, population, synthetic in counts.values_list(
            "unit_id", "month", "enrolled", "population_value", "is_synthetic"
        )
    }


def children_sums(parent_ids, *, start: dt.date, end: dt.date) -> dict[int, dict[dt.date, MonthSum]]:
    """Per parent and month: Σ over all its children, the same figures as `monthly_sums` over
    `Unit.objects.filter(parent=…)`, read from the roll-up (one query; the writes keep it exact, so
    a save shows at once)."""
    rows = _rolled_up(parent_ids, start=start, end=end).order_by("parent", "month")
    out: dict[int, dict[dt.date, MonthSum]] = defaultdict(dict)
    for parent, month, enrolled, population, reported, synthetic in rows.values_list(
        "parent", "month", "enrolled", "population", "reported", "synthetic"
    ):
        out[parent][month] = MonthSum(month, enrolled, population, reported, synthetic)
    return out


# The roll-up's columns summed, in MonthSum's order. PostgreSQL sums bigints as numeric: cast back
# to bigint in the query, so that rows arrive as whole numbers rather than as Decimals to convert.
_SUMS = {
    f"{name}_sum": Cast(Sum(name), output_field=models.BigIntegerField())
    for name in ("enrolled", "population", "reported", "synthetic")
}


def children_total(parent_ids, *, start: dt.date, end: dt.date) -> dict[dt.date, MonthSum]:
    """Per month: Σ over all children of all these parents (the roll-up summed by the database)."""
    rows = _rolled_up(parent_ids, start=start, end=end).values("month").annotate(**_SUMS).order_by("month")
    return {row[0]: MonthSum(*row) for row in rows.values_list("month", *_SUMS)}


def area_sums(areas: list[Unit], *, start: dt.date, end: dt.date) -> dict[int, dict[dt.date, MonthSum]]:
    """Per area (all of one level) and month: Σ over every commune under it at that month. A
    district's communes are its children; a province's are its own communes (since 7/2025) and
    its districts' (before); the country's are all of them. One query: the roll-up's rows, each
    added to the area its parent lies in."""
    levels = {area.level for area in areas}
    if len(levels) > 1:
        raise ValueError("area_sums: areas of one level at a time")
    level, ids = (levels.pop() if levels else None), [area.pk for area in areas]
    rows = _rolled_up(None, start=start, end=end)
    if level == Level.PROVINCE:
        # The districts as a subquery, not an OR through the parent's join: that read every unit of
        # the country to keep a province's (6,5 ms → 0,7 ms for the largest province).
        districts = Unit.objects.filter(parent__in=ids, level=Level.DISTRICT).values("pk")
        rows = rows.filter(Q(parent__in=ids) | Q(parent__in=districts)).annotate(
            area=Case(When(parent__level=Level.DISTRICT, then=F("parent__parent")), default=F("parent"))
        )
    elif level == Level.COUNTRY:
        rows = rows.annotate(area=models.Value(ids[0], output_field=IntegerField()))
    else:
        rows = rows.filter(parent__in=ids).annotate(area=F("parent"))
    rows = rows.values("area", "month").annotate(**_SUMS).order_by("area", "month")
    out: dict[int, dict[dt.date, MonthSum]] = defaultdict(dict)
    for area, *figures in rows.values_list("area", "month", *_SUMS):
        out[area][figures[0]] = MonthSum(*figures)
    return out


def _rolled_up(parent_ids, *, start: dt.date, end: dt.date):
    """The roll-up's rows for these parents and months (kept exact by the writes: communes/rollup.py)."""
    rows = MonthlyRollup.objects.filter(month__gte=start, month__lte=end)
    return rows if parent_ids is None else rows.filter(parent__in=parent_ids)
