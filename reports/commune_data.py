"""What the commune page shows, read in a fixed number of queries whatever the unit's history."""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.safestring import SafeString

from communes.models import Enrollment, EnrollmentByGroup, Unit, UnitSuccession
from targets.models import Comparison, Target

from . import coverage
from .commune_rows import month_rows
from .lineage import Figure, Lineage, lineage_of, monthly_series, own_lineage, unit_year_results, yearly_series


@dataclass
class TargetResult:
    """A target as its document set it, against the counts of the unit it names."""

    target: Target
    figure: Figure | None
    split: bool = False

    @property
    def strictly_above(self) -> bool:
        return self.target.comparison == Comparison.MORE_THAN

    @property
    def rate(self) -> Decimal | None:
        return self.figure.rate if self.figure else None

    @property
    def gap_points(self) -> Decimal | None:
        return coverage.gap_points(rate=self.rate, target_rate=self.target.rate)

    @property
    def gap_people(self) -> int | None:
        if self.figure is None:
            return None
        return coverage.gap_people(
            target_rate=self.target.rate,
            population=self.figure.population,
            enrolled=self.figure.enrolled,
            strictly_above=self.strictly_above,
        )

    @property
    def met(self) -> bool | None:
        gap = self.gap_people
        return None if gap is None else gap == 0


@dataclass
class GroupShare:
    name: str
    enrolled: int
    share: Decimal | None


@dataclass
class CommunePage:
    unit: Unit
    lineage: Lineage
    todays_units: bool
    months: list[Figure]
    years: list[Figure]
    targets: list[TargetResult]
    predecessor_targets: list[TargetResult]
    predecessors: list[UnitSuccession]
    successors: list[UnitSuccession]
    namesakes: list[Unit]
    latest: Enrollment | None = None
    groups: list[GroupShare] = field(default_factory=list)
    groups_total: int | None = None
    last_counted: dt.date | None = None  # the unit's own latest month with a count

    @property
    def month_rows(self) -> SafeString:
        return month_rows(self.months, todays_units=self.todays_units)

    @property
    def caveats(self) -> list[str]:
        return [caveat.text for caveat in self.lineage.caveats] if self.todays_units else []


def commune_page(unit: Unit, *, todays_units: bool) -> CommunePage:
    lineage = lineage_of(unit)
    own_months = monthly_series(own_lineage(unit))
    own_years = yearly_series(own_months)
    months = monthly_series(lineage) if todays_units else own_months
    years = yearly_series(months) if todays_units else own_years
    latest, groups, groups_total = _latest_groups(unit)
    return CommunePage(
        unit=unit,
        lineage=lineage,
        todays_units=todays_units,
        months=list(reversed(months)),
        years=list(reversed(years)),
        targets=_own_targets(unit, own_years),
        predecessor_targets=_predecessor_targets(lineage),
        predecessors=lineage.into,
        successors=list(
            UnitSuccession.objects.filter(predecessor=unit)
            .select_related("successor")
            .order_by("effective_on", "successor__code")
        ),
        namesakes=list(
            Unit.objects.filter(level=unit.level, code=unit.code).exclude(pk=unit.pk).order_by("valid_from")
        ),
        latest=latest,
        groups=groups,
        groups_total=groups_total,
        last_counted=own_months[-1].period if own_months else None,
    )


def _own_targets(unit: Unit, years: list[Figure]) -> list[TargetResult]:
    by_year = {figure.period.year: figure for figure in years}
    targets = Target.objects.filter(unit=unit).select_related("document").order_by("year", "-document__issued_on")
    return [TargetResult(target=t, figure=by_year.get(t.year)) for t in targets]


def _predecessor_targets(lineage: Lineage) -> list[TargetResult]:
    """Targets old documents set for the units this one absorbed (split ones too: their targets were
    theirs), each against that unit's own counts; nothing is re-assigned to the new unit."""
    whole = {member.pk for member in lineage.predecessors}
    split = {link.predecessor_id for link in lineage.splits}
    if not whole | split:  # most communes: no query to build
        return []
    targets = list(
        Target.objects.filter(unit__in=whole | split)
        .select_related("document", "unit")
        .order_by("year", "unit__code", "-document__issued_on")
    )
    results = unit_year_results(whole | split, {t.year for t in targets})
    return [
        TargetResult(
            target=t, figure=results.get((t.unit_id, t.year)), split=t.unit_id in split and t.unit_id not in whole
        )
        for t in targets
    ]


def _latest_groups(unit: Unit) -> tuple[Enrollment | None, list[GroupShare], int | None]:
    """The payer-group breakdown of the unit's latest month that has one."""
    latest = Enrollment.objects.filter(unit=unit, by_group__isnull=False).order_by("-month").distinct().first()
    if latest is None:
        return None, [], None
    rows = list(
        EnrollmentByGroup.objects.filter(enrollment=latest)
        .select_related("group")
        .order_by("group__order", "group__code")
    )
    total = sum(row.enrolled for row in rows) if rows else None  # Σ of the rows read, as SUM() gives
    shares = [
        GroupShare(
            name=row.group.name,
            enrolled=row.enrolled,
            share=coverage.coverage_rate(enrolled=row.enrolled, population=latest.enrolled),
        )
        for row in rows
    ]
    return latest, shares, total


def date_param(text: str | None) -> dt.date | None:
    """?on=YYYY-MM-DD, or None for anything else (a forged URL)."""
    try:
        return dt.date.fromisoformat(text or "")
    except ValueError:
        return None
