"""What a district (or province) dashboard shows, assembled in a fixed number of queries.

Selectors read sums from the database (`series`, `tables_data`); every figure goes through
`coverage`. Views only pick the unit and year and render.
"""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q, Sum

from communes.models import Level, Unit
from communes.periods import add_months
from targets.models import Cohort, CohortCommune, CohortProgress, Comparison, Target

from . import coverage, series
from .behind import Behind, communes_behind
from .chart import LineChart, line_chart
from .tables_data import CoverageFigures, CoverageRow, CoverageTable, latest_targets, rank_rows, year_table

CHART_YEARS = 4  # this year and the three before it


@dataclass
class Headline(CoverageFigures):
    month: dt.date | None
    enrolled: int | None
    population: int | None
    reported: int
    expected: int
    target: Target | None
    months_left: int
    projected_rate: Decimal | None
    synthetic: bool
    ends: dt.date | None = None  # the unit's last day, when it ended during the year
    last_month: int = 12  # the year's last month for the unit: where months left and projection stop
    pending: series.MonthSum | None = None  # a later month fewer communes have reported so far

    @property
    def per_month(self) -> int | None:
        return coverage.per_month_needed(gap=self.gap_people, months_left=self.months_left)


@dataclass
class CohortPart:
    label: str
    done: int | None
    affected: int | None
    target_rate: Decimal
    comparison: str
    wording: str

    @property
    def rate(self) -> Decimal | None:
        return coverage.coverage_rate(enrolled=self.done, population=self.affected)

    @property
    def met(self) -> bool | None:
        return coverage.target_met(
            enrolled=self.done,
            population=self.affected,
            target_rate=self.target_rate,
            strictly_above=self.comparison == Comparison.MORE_THAN,
        )

    @property
    def gap_people(self) -> int | None:
        return coverage.gap_people(
            target_rate=self.target_rate,
            population=self.affected,
            enrolled=self.done,
            strictly_above=self.comparison == Comparison.MORE_THAN,
        )


@dataclass
class CohortMember:
    """One commune's share of the cohort and how many of them re-enrolled by the month."""

    unit: Unit
    pupils_affected: int | None
    households_affected: int | None
    pupils: int | None
    households: int | None

    @property
    def pupils_rate(self) -> Decimal | None:
        return coverage.coverage_rate(enrolled=self.pupils, population=self.pupils_affected)

    @property
    def households_rate(self) -> Decimal | None:
        return coverage.coverage_rate(enrolled=self.households, population=self.households_affected)


@dataclass
class CohortView:
    cohort: Cohort
    month: dt.date | None
    parts: list[CohortPart] = field(default_factory=list)
    members: list[CohortMember] = field(default_factory=list)


@dataclass
class Dashboard:
    unit: Unit
    year: int
    table: CoverageTable
    headline: Headline
    chart: LineChart
    cohorts: list[CohortView]
    behind: Behind


def area_dashboard(unit: Unit, year: int, *, as_of: dt.date | None = None) -> Dashboard:
    """A district's page, and a province's since 7/2025: its communes ranked under a headline and a
    chart of every commune under it, month by month (a province's 2025 chart counts its districts'
    communes until June and its own from July).

    With `as_of` (a month of the year) the year as it stood at that month: sums, each commune's
    latest month, projections and cohorts stop there, and communes formed later are not counted
    (the monthly report); targets stay the year's latest."""
    if as_of is not None and as_of.year != year:
        raise ValueError("area_dashboard: as_of must be a month of the year")
    table = year_table(unit, year, level=Level.COMMUNE, until=as_of, year_before=True)
    start = dt.date(year - CHART_YEARS + 1, 1, 1)
    sums = series.area_sums([unit], start=start, end=as_of or dt.date(year, 12, 1)).get(unit.pk, {})
    headline = _headline(table, sums, year)
    # The rows' own ids (the communes of the year, already read): an IN list the index answers.
    children = [row.unit.pk for row in table.rows]
    _compare_rows(table.rows, children, year, parent_target=table.total.target, until=as_of)
    _compare_total(table.total, sums, headline)
    chart = _chart(sums, year, headline)
    return Dashboard(
        unit=unit,
        year=year,
        table=table,
        headline=headline,
        chart=chart,
        cohorts=cohort_progress(unit, year=year, until=as_of),
        behind=communes_behind(table.rows, unit_gap=headline.gap_people, year=year),
    )


def _chart(sums: dict[dt.date, series.MonthSum], year: int, headline: Headline) -> LineChart:
    pending = headline.pending.month if headline.pending else None
    return line_chart(sums=sums, year=year, years=CHART_YEARS, target_rate=headline.target_rate, pending=pending)


def _headline(table: CoverageTable, sums: dict[dt.date, series.MonthSum], year: int) -> Headline:
    this_year = [s for month, s in sorted(sums.items()) if month.year == year]
    latest, pending = settled(this_year)
    valid_to = table.unit.valid_to if table.unit else None
    last_month = coverage.final_month(year=year, valid_to=valid_to)
    ends = coverage.ends_in_year(year=year, valid_to=valid_to)
    if latest is None:
        return Headline(
            None,
            None,
            None,
            0,
            table.total.expected,
            table.total.target,
            last_month,
            None,
            False,
            ends=ends,
            last_month=last_month,
        )
    # The projection follows months reported by as many communes as the latest one, so a month
    # with missing communes does not pull the line down.
    comparable = [(s.month.month, s.enrolled) for s in this_year if s.reported == latest.reported]
    return Headline(
        month=latest.month,
        enrolled=latest.enrolled,
        population=latest.population,
        reported=latest.reported,
        expected=table.total.expected,
        target=table.total.target,
        months_left=coverage.months_left(latest_month=latest.month.month, last_month=last_month),
        projected_rate=coverage.year_end_projection(
            months=comparable, population=latest.population, last_month=last_month
        ),
        synthetic=bool(latest.synthetic),
        ends=ends,
        last_month=last_month,
        pending=pending,
    )


def settled(months: list[series.MonthSum]) -> tuple[series.MonthSum | None, series.MonthSum | None]:
    """The month the headline stands on, and the later one still coming in. While the month being
    reported has fewer communes than the month before (26 of 38 have sent November), the headline
    keeps October's complete figure and says how far November has come: a rate over the first
    communes to report is not the province's."""
    if len(months) >= 2 and months[-1].reported < months[-2].reported:
        return months[-2], months[-1]
    return (months[-1] if months else None), None


def _compare_total(total: CoverageRow, sums, headline: Headline) -> None:
    if headline.month is None:
        return
    previous = sums.get(add_months(headline.month, -1))
    last_year = sums.get(add_months(headline.month, -12))
    # The totals row compares the same sums as the headline: the latest month's.
    total.population, total.enrolled, total.as_of = headline.population, headline.enrolled, headline.month
    total.previous_month_rate = previous.rate if previous else None
    total.last_year_rate = last_year.rate if last_year else None
    total.projected_rate = headline.projected_rate
    total.months_left = headline.months_left
    total.synthetic = headline.synthetic


def _compare_rows(
    rows: list[CoverageRow], units, year: int, *, parent_target: Target | None, until: dt.date | None = None
) -> None:
    """Each row against its previous month and the same month a year before, its projection and
    status; a unit without a target of its own is measured against its parent's (the directive's
    district-wide rate applies to every commune)."""
    months = {add_months(r.as_of, shift) for r in rows if r.as_of for shift in (-1, -12)}
    populations = {row.unit.pk: row.population for row in rows}
    before = {row.unit.pk: row.unit.population_before for row in rows}
    read = series.unit_year(
        units, year=year, populations=populations, populations_before=before, until=until, months=months
    )
    figures, pairs = read.figures, read.pairs
    for row in rows:
        if row.target is None and parent_target is not None:
            row.target, row.target_inherited = parent_target, True
        if row.as_of is None:
            continue
        row.previous_month_rate = _rate(figures.get((row.unit.pk, add_months(row.as_of, -1))))
        row.last_year_rate = _rate(figures.get((row.unit.pk, add_months(row.as_of, -12))))
        last_month = coverage.final_month(year=year, valid_to=row.unit.valid_to)
        row.months_left = coverage.months_left(latest_month=row.as_of.month, last_month=last_month)
        row.projected_rate = coverage.year_end_projection(
            months=pairs.get(row.unit.pk, []), population=row.population, last_month=last_month
        )
        current = figures.get((row.unit.pk, row.as_of))
        row.synthetic = bool(current and current[2])


def _rate(figure) -> Decimal | None:
    if figure is None:
        return None
    return coverage.coverage_rate(enrolled=figure[0], population=figure[1])


def cohort_progress(unit: Unit, *, year: int, until: dt.date | None = None) -> list[CohortView]:
    """Cohorts tracked by documents of this unit: re-enrolled people at the latest month of the
    year (or before; or up to `until`) against the sub-targets (100% of pupils, more than 95% of
    households)."""
    return cohorts_at(Cohort.objects.filter(document__scope=unit), year=year, until=until)


def cohorts_at(cohorts, *, year: int, until: dt.date | None = None) -> list[CohortView]:
    """The given cohorts (a queryset) with their progress at the latest month of the year (or of
    `until`) or before."""
    cohorts = list(cohorts.select_related("document").prefetch_related("sub_targets"))
    if not cohorts:
        return []
    affected = {
        row["cohort"]: row
        for row in CohortCommune.objects.filter(cohort__in=cohorts)
        .values("cohort")
        .annotate(people=Sum("affected"), pupils=Sum("affected_pupils"))
        .order_by()
    }
    latest: dict[int, dict] = {}
    progress = (
        CohortProgress.objects.filter(member__cohort__in=cohorts, month__lte=until or dt.date(year, 12, 1))
        .values("member__cohort", "month")
        .annotate(pupils=Sum("pupils"), households=Sum("households"))
        .order_by("member__cohort", "month")
    )
    for row in progress:
        latest[row["member__cohort"]] = row
    views = []
    for cohort in cohorts:
        sizes, done = affected.get(cohort.pk, {}), latest.get(cohort.pk, {})
        people, pupils = sizes.get("people"), sizes.get("pupils")
        households = people - pupils if people is not None and pupils is not None else None
        view = CohortView(cohort=cohort, month=done.get("month"))
        for sub in cohort.sub_targets.all():
            is_pupils = sub.part == "pupils"
            view.parts.append(
                CohortPart(
                    label=sub.get_part_display(),
                    done=done.get("pupils" if is_pupils else "households"),
                    affected=pupils if is_pupils else households,
                    target_rate=sub.rate,
                    comparison=sub.comparison,
                    wording=sub.wording,
                )
            )
        views.append(view)
    _cohort_members(views)
    return views


def _cohort_members(views: list[CohortView]) -> None:
    """Each cohort's communes at the cohort's latest month (two queries for all cohorts)."""
    months = {view.month for view in views if view.month}
    members = CohortCommune.objects.filter(cohort__in=[v.cohort for v in views]).select_related("unit")
    progress = {
        (row.member_id, row.month): row for row in CohortProgress.objects.filter(member__in=members, month__in=months)
    }
    by_cohort = {view.cohort.pk: view for view in views}
    for member in members.order_by("unit__name"):
        view = by_cohort[member.cohort_id]
        done = progress.get((member.pk, view.month))
        households = (
            member.affected - member.affected_pupils
            if member.affected is not None and member.affected_pupils is not None
            else None
        )
        view.members.append(
            CohortMember(
                unit=member.unit,
                pupils_affected=member.affected_pupils,
                households_affected=households,
                pupils=done.pupils if done else None,
                households=done.households if done else None,
            )
        )


@dataclass
class Ranking:
    year: int
    table: CoverageTable
    headline: Headline
    chart: LineChart


def area_ranking(*, root: Unit, areas, year: int, label: str) -> Ranking:
    """Districts (or provinces) ranked like communes: each one's Σ over its communes at its latest
    month of the year, compared with the month before and the same month a year before; the
    totals row is Σ over every commune of the root (summed by the database, never averaged)."""
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    areas = list(areas.in_force_during(first, last).select_related("parent").order_by("code"))
    start = dt.date(year - CHART_YEARS + 1, 1, 1)
    per_area = series.area_sums(areas, start=dt.date(year - 1, 1, 1), end=dt.date(year, 12, 1))
    totals = series.area_sums([root], start=start, end=dt.date(year, 12, 1)).get(root.pk, {})
    targets = latest_targets([a.pk for a in areas] + [root.pk], year)
    rows = rank_rows([_area_row(a, per_area.get(a.pk, {}), year, targets.get(a.pk)) for a in areas])
    communes = Unit.objects.communes().in_force_during(first, last)
    if root.level != Level.COUNTRY:
        communes = communes.filter(Q(parent=root) | Q(parent__parent=root))
    total = CoverageRow(
        unit=root, label=label, population=None, enrolled=None, target=targets.get(root.pk), expected=communes.count()
    )
    table = CoverageTable(unit=root, year=year, rows=rows, total=total)
    headline = _headline(table, totals, year)
    _compare_total(total, totals, headline)
    chart = _chart(totals, year, headline)
    return Ranking(year=year, table=table, headline=headline, chart=chart)


def _area_row(area: Unit, sums: dict[dt.date, series.MonthSum], year: int, target) -> CoverageRow:
    this_year = [s for month, s in sorted(sums.items()) if month.year == year]
    row = CoverageRow(unit=area, label=area.full_name, population=None, enrolled=None, target=target)
    if not this_year:
        return row
    latest, _pending = settled(this_year)
    row.population, row.enrolled, row.as_of = latest.population, latest.enrolled, latest.month
    previous, last_year = sums.get(add_months(latest.month, -1)), sums.get(add_months(latest.month, -12))
    row.previous_month_rate = previous.rate if previous else None
    row.last_year_rate = last_year.rate if last_year else None
    last_month = coverage.final_month(year=year, valid_to=area.valid_to)
    row.months_left = coverage.months_left(latest_month=latest.month.month, last_month=last_month)
    comparable = [(s.month.month, s.enrolled) for s in this_year if s.reported == latest.reported]
    row.projected_rate = coverage.year_end_projection(
        months=comparable, population=latest.population, last_month=last_month
    )
    row.synthetic = bool(latest.synthetic)
    return row
