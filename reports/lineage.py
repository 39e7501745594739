"""A unit's history across the 2025 reform: its predecessors, and its counts summed over them.

A unit's *lineage* is the unit and every unit merged whole into it, transitively (xã Lục Ngạn of
7/2025 ← Phì Điền of 1/2025 ← Phì Điền of 2021, Giáp Sơn, …). Their counts can be summed: the
population and the enrolled of the units in force at a month, never their rates averaged.

Two things cannot be summed and are said instead of guessed:
- a predecessor that was split (whole=False): only part of its people moved, and the counts do not
  tell which part, so none of it is added;
- predecessors outside the portal's data (`Unit.predecessors_outside`): their counts are missing.
Each becomes a `Caveat` on the periods before the change took effect.

Pure reads: a fixed number of queries per call (one per succession step walked, one per sum),
whatever the number of units.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, F, IntegerField, OuterRef, Q, Subquery, Sum
from django.db.models.functions import ExtractYear
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from communes.models import Enrollment, Population, Unit, UnitSuccession
from communes.periods import year_end

from . import coverage


@dataclass(frozen=True)
class Caveat:
    """Figures of periods starting before `before` lack some people; `text` says whose."""

    before: dt.date
    text: str

    def applies_to(self, period_start: dt.date) -> bool:
        return period_start < self.before


@dataclass
class Lineage:
    unit: Unit
    members: list[Unit] = field(default_factory=list)
    splits: list[UnitSuccession] = field(default_factory=list)
    into: list[UnitSuccession] = field(default_factory=list)  # the successions into the unit itself

    @property
    def predecessors(self) -> list[Unit]:
        return [member for member in self.members if member.pk != self.unit.pk]

    def members_on(self, day: dt.date) -> list[Unit]:
        return [member for member in self.members if member.in_force_on(day)]

    @property
    def caveats(self) -> list[Caveat]:
        caveats = [
            Caveat(
                before=link.effective_on,
                text=_(
                    "Chỉ một phần của %(unit)s (chia tách từ %(date)s) nhập vào %(into)s: số liệu không tách "
                    "được nên chưa cộng vào."
                )
                % {
                    "unit": link.predecessor.full_name,
                    "date": date_format(link.effective_on, "SHORT_DATE_FORMAT"),
                    "into": link.successor.full_name,
                },
            )
            for link in self.splits
        ]
        caveats += [
            Caveat(
                before=member.valid_from,
                text=_("Thiếu số liệu của %(units)s (nhập vào %(into)s từ %(date)s, không có trong cổng).")
                % {
                    "units": member.predecessors_outside,
                    "into": member.full_name,
                    "date": date_format(member.valid_from, "SHORT_DATE_FORMAT"),
                },
            )
            for member in self.members
            if member.predecessors_outside and member.valid_from
        ]
        return sorted(caveats, key=lambda c: c.before)

    def caveats_for(self, period_start: dt.date) -> list[str]:
        return [caveat.text for caveat in self.caveats if caveat.applies_to(period_start)]


def lineages(units: Iterable[Unit]) -> dict[int, Lineage]:
    """Each unit's lineage, walking the successions backwards one step per query."""
    result = {unit.pk: Lineage(unit=unit, members=[unit]) for unit in units}
    frontier: dict[int, list[int]] = {pk: [pk] for pk in result}
    seen: dict[int, set[int]] = {pk: {pk} for pk in result}
    first = True
    while frontier:
        links = (
            UnitSuccession.objects.filter(successor_id__in=list(frontier))
            .select_related("predecessor__parent", "successor")
            .order_by("effective_on", "predecessor__code")
        )
        next_frontier: dict[int, list[int]] = defaultdict(list)
        for link in links:
            if first:  # the first step reads the successions into the units themselves
                result[link.successor_id].into.append(link)
            for root in frontier[link.successor_id]:
                lineage = result[root]
                if not link.whole:
                    lineage.splits.append(link)
                elif link.predecessor_id not in seen[root]:
                    seen[root].add(link.predecessor_id)
                    lineage.members.append(link.predecessor)
                    next_frontier[link.predecessor_id].append(root)
        frontier, first = next_frontier, False
    return result


def lineage_of(unit: Unit) -> Lineage:
    return lineages([unit])[unit.pk]


def own_lineage(unit: Unit) -> Lineage:
    """The unit alone: the structure in force then (its own records only)."""
    return Lineage(unit=unit, members=[unit])


@dataclass
class Figure:
    """Summed counts of a period (a month, or a year = its last month with data)."""

    period: dt.date
    population: int | None
    enrolled: int | None
    reported: int
    expected: int
    as_of: dt.date | None = None
    caveats: list[str] = field(default_factory=list)

    @property
    def rate(self) -> Decimal | None:
        return coverage.coverage_rate(enrolled=self.enrolled, population=self.population)

    @property
    def incomplete(self) -> bool:
        return self.reported < self.expected


def _in_force_at_month() -> Q:
    return (Q(unit__valid_from__isnull=True) | Q(unit__valid_from__lte=F("month"))) & (
        Q(unit__valid_to__isnull=True) | Q(unit__valid_to__gte=F("month"))
    )


def monthly_series(lineage: Lineage) -> list[Figure]:
    """Month by month: Σ enrolled and Σ population of the members in force that month that have
    both figures (summed in the database, one query)."""
    population = Population.objects.filter(unit=OuterRef("unit"), year=ExtractYear(OuterRef("month")))
    has_population = Q(year_population__isnull=False)
    rows = (
        Enrollment.objects.filter(unit__in=[m.pk for m in lineage.members])
        .filter(_in_force_at_month())
        .annotate(year_population=Subquery(population.values("population")[:1], output_field=IntegerField()))
        .values("month")
        .annotate(
            enrolled_sum=Sum("enrolled", filter=has_population),
            population_sum=Sum("year_population"),
            reported=Count("pk", filter=has_population),
        )
        .order_by("month")
    )
    return [
        Figure(
            period=row["month"],
            population=row["population_sum"],
            enrolled=row["enrolled_sum"],
            reported=row["reported"],
            expected=len(lineage.members_on(row["month"])),
            as_of=row["month"],
            caveats=lineage.caveats_for(row["month"]),
        )
        for row in rows
    ]


def yearly_series(months: list[Figure]) -> list[Figure]:
    """A year's figure is its last month's: enrolled is a stock, not a flow."""
    last: dict[int, Figure] = {}
    for figure in months:
        last[figure.period.year] = figure
    return [
        Figure(
            period=dt.date(year, 1, 1),
            population=figure.population,
            enrolled=figure.enrolled,
            reported=figure.reported,
            expected=figure.expected,
            as_of=figure.as_of,
            caveats=figure.caveats,
        )
        for year, figure in sorted(last.items())
    ]


def year_figures(lineages_: dict[int, Lineage], year: int) -> dict[int | None, Figure]:
    """Each lineage's figure for a year on today's units: its members in force at the year's end,
    each with its last month of the year, summed by the database in one query; key None: all of them."""
    day = year_end(year)
    members = {root: [m.pk for m in lineage.members_on(day)] for root, lineage in lineages_.items()}
    all_ids = {pk for ids in members.values() for pk in ids}
    sums = Unit.objects.filter(pk__in=all_ids).with_year_figures(year).complete_sums_by(members) if all_ids else {}
    none = {"population": None, "enrolled": None, "reported": 0, "as_of": None}

    def figure(sums: dict, expected: int, caveats: list[str]) -> Figure:
        return Figure(
            period=dt.date(year, 1, 1),
            population=sums["population"],
            enrolled=sums["enrolled"],
            reported=sums["reported"] or 0,
            expected=expected,
            as_of=sums["as_of"],
            caveats=caveats,
        )

    figures = {
        root: figure(sums.get(root, none), len(members[root]), lineage.caveats_for(dt.date(year, 1, 1)))
        for root, lineage in lineages_.items()
    }
    figures[None] = figure(sums.get(None, none), len(all_ids), [])  # the total of all the lineages, same query
    return figures


def unit_year_results(unit_ids: Iterable[int], years: Iterable[int]) -> dict[tuple[int, int], Figure]:
    """Each unit's own figure for each year (its last month with data), read in one query."""
    unit_ids, years = list(unit_ids), sorted(set(years))
    if not unit_ids or not years:
        return {}
    population = Population.objects.filter(unit=OuterRef("unit"), year=ExtractYear(OuterRef("month")))
    rows = (
        Enrollment.objects.filter(unit__in=unit_ids, month__year__in=years)
        .annotate(year_population=Subquery(population.values("population")[:1], output_field=IntegerField()))
        .values("unit_id", "month", "enrolled", "year_population")
        .order_by("unit_id", "month")
    )
    results: dict[tuple[int, int], Figure] = {}
    for row in rows:
        results[(row["unit_id"], row["month"].year)] = Figure(
            period=dt.date(row["month"].year, 1, 1),
            population=row["year_population"],
            enrolled=row["enrolled"],
            reported=1,
            expected=1,
            as_of=row["month"],
        )
    return results
