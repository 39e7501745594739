"""Coverage tables read from the database: a row per unit, a totals row summed in the database.

Every figure a page or an export shows comes from here and from `reports.coverage`.
"""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.utils.translation import gettext as _

from communes.models import Unit
from communes.periods import year_end, year_start
from targets.models import Comparison, Target

from . import coverage


@dataclass
class CoverageRow:
    unit: Unit | None
    label: str
    population: int | None
    enrolled: int | None
    as_of: dt.date | None = None
    target: Target | None = None
    rank: int | None = None
    reported: int = 0
    expected: int = 0
    extra: dict = field(default_factory=dict)
    # Filled by the dashboard (reports.dashboard): comparisons, projection and status.
    previous_month_rate: Decimal | None = None
    last_year_rate: Decimal | None = None
    projected_rate: Decimal | None = None
    months_left: int | None = None
    target_inherited: bool = False
    synthetic: bool = False

    @property
    def rate(self) -> Decimal | None:
        return coverage.coverage_rate(enrolled=self.enrolled, population=self.population)

    @property
    def target_rate(self) -> Decimal | None:
        return self.target.rate if self.target else None

    @property
    def strictly_above(self) -> bool:
        return bool(self.target and self.target.comparison == Comparison.MORE_THAN)

    @property
    def gap_points(self) -> Decimal | None:
        return coverage.gap_points(rate=self.rate, target_rate=self.target_rate)

    @property
    def gap_people(self) -> int | None:
        return coverage.gap_people(
            target_rate=self.target_rate,
            population=self.population,
            enrolled=self.enrolled,
            strictly_above=self.strictly_above,
        )

    @property
    def met(self) -> bool | None:
        gap = self.gap_people
        return None if gap is None else gap == 0

    @property
    def change_month(self) -> Decimal | None:
        return coverage.rate_change(rate=self.rate, earlier=self.previous_month_rate)

    @property
    def change_year(self) -> Decimal | None:
        return coverage.rate_change(rate=self.rate, earlier=self.last_year_rate)

    @property
    def status(self) -> str | None:
        if self.months_left is None:
            return None
        return coverage.status(rate=self.rate, target_rate=self.target_rate, met=self.met,
                               projected_rate=self.projected_rate, months_left=self.months_left)

    @property
    def small(self) -> bool:
        return coverage.is_small(population=self.population)


@dataclass
class CoverageTable:
    unit: Unit
    year: int
    rows: list[CoverageRow]
    total: CoverageRow


def latest_targets(units, year: int) -> dict[int, Target]:
    """Each unit's target for the year from the most recent document that sets one."""
    chosen: dict[int, Target] = {}
    targets = (
        Target.objects.for_year(year)
        .filter(unit__in=units)
        .select_related("document")
        .order_by("unit_id", "-document__issued_on", "-document_id")
    )
    for target in targets:
        chosen.setdefault(target.unit_id, target)
    return chosen


def child_units(parent: Unit, year: int, level: str | None = None):
    """The units under `parent` that existed at some time during the year."""
    units = Unit.objects.filter(parent=parent).in_force_during(year_start(year), year_end(year))
    return units.filter(level=level) if level else units


def year_table(parent: Unit, year: int) -> CoverageTable:
    """The units directly under `parent` (a district's communes) for a year, ranked, with totals."""
    units = child_units(parent, year).with_year_figures(year).order_by("code")
    targets = latest_targets([parent.pk, *units.values_list("pk", flat=True)], year)
    rows = [
        CoverageRow(
            unit=unit,
            label=unit.full_name,
            population=unit.population_value,
            enrolled=unit.enrolled_value,
            as_of=unit.enrolled_month,
            target=targets.get(unit.pk),
        )
        for unit in units
    ]
    return CoverageTable(unit=parent, year=year, rows=rank_rows(rows), total=_total_row(parent, units, targets))


def rank_rows(rows: list[CoverageRow]) -> list[CoverageRow]:
    """Rows in rank order, each given its rank (None without figures), by exact rate then code."""
    ranked = coverage.rank_by_rate(
        rows,
        rate=lambda r: coverage.exact_rate(enrolled=r.enrolled, population=r.population),
        tie_break=lambda r: r.unit.code,
    )
    for entry in ranked:
        entry.item.rank = entry.rank
    return [entry.item for entry in ranked]


def _total_row(parent: Unit, units, targets: dict[int, Target]) -> CoverageRow:
    """Σ enrolled ÷ Σ population over the units that have both figures, summed by the database."""
    complete = Q(population_value__isnull=False, enrolled_value__isnull=False)
    sums = units.order_by().aggregate(
        population=Sum("population_value", filter=complete),
        enrolled=Sum("enrolled_value", filter=complete),
        reported=Count("pk", filter=complete),
        expected=Count("pk"),
    )
    return CoverageRow(
        unit=parent,
        label=_("Tổng cộng"),
        population=sums["population"],
        enrolled=sums["enrolled"],
        target=targets.get(parent.pk),
        reported=sums["reported"],
        expected=sums["expected"],
    )
