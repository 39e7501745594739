"""Coverage tables read from the database: a row per unit, a totals row summed in the database.

Every figure a page or an export shows comes from here and from `reports.coverage`.
"""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from communes.models import Enrollment, Level, Population, Unit
from communes.models.units import complete_sums_of
from communes.periods import month_end, year_end, year_start
from targets.models import Comparison, Target, TargetDocument

from . import coverage


class _figure:  # noqa: N801 - used as a decorator, like property
    """A figure worked out from the fields once, until one of them is set again: a page reads each
    row's rate, gap and status a dozen times (the table's cells and row classes, the map, the
    communes behind). Kept in the instance under its own name, where every later read finds it as
    a plain attribute (this descriptor defines no __set__); `CoverageFigures.__setattr__` drops
    the kept figures when a field changes."""

    def __init__(self, method) -> None:
        self.method, self.name, self.__doc__ = method, method.__name__, method.__doc__

    def __get__(self, instance, owner=None):
        if instance is None:
            return self
        state = instance.__dict__
        value = state[self.name] = self.method(instance)
        state["_figured"] = True
        return value


class CoverageFigures:
    """What anything with `enrolled`, `population` and `target` knows: its rate, its gap to the
    target in points and in people, whether it is met, whether it exceeds its population.
    Shared by the ranking rows and the dashboard headline."""

    _read_only: frozenset = frozenset()
    _figure_names: tuple = ()

    def __init_subclass__(cls, **kwargs) -> None:
        super().__init_subclass__(**kwargs)
        members = [(name, value) for klass in cls.__mro__ for name, value in vars(klass).items()]
        cls._figure_names = tuple(name for name, value in members if isinstance(value, _figure))
        cls._read_only = frozenset(name for name, value in members if isinstance(value, (property, _figure)))

    def __setattr__(self, name: str, value) -> None:
        # Written into the instance's dict directly: a ranking builds and fills a few thousand
        # fields, and object.__setattr__'s descriptor lookup was most of each write. The figures
        # stay read-only, as properties are.
        if name in self._read_only:
            raise AttributeError(f"{type(self).__name__}.{name} is worked out from the counts")
        state = self.__dict__
        state[name] = value
        if state.get("_figured"):  # a field changed: the figures are worked out again when next read
            for figure in self._figure_names:
                state.pop(figure, None)
            state["_figured"] = False

    @_figure
    def rate(self) -> Decimal | None:
        return coverage.coverage_rate(enrolled=self.enrolled, population=self.population)

    @_figure
    def target_rate(self) -> Decimal | None:
        return self.target.rate if self.target else None

    @_figure
    def strictly_above(self) -> bool:
        return bool(self.target and self.target.comparison == Comparison.MORE_THAN)

    @_figure
    def gap_points(self) -> Decimal | None:
        return coverage.gap_points(rate=self.rate, target_rate=self.target_rate)

    @_figure
    def gap_people(self) -> int | None:
        return coverage.gap_people(
            target_rate=self.target_rate,
            population=self.population,
            enrolled=self.enrolled,
            strictly_above=self.strictly_above,
        )

    @_figure
    def met(self) -> bool | None:
        gap = self.gap_people
        return None if gap is None else gap == 0

    @_figure
    def anomaly(self) -> bool:
        return coverage.exceeds_population(enrolled=self.enrolled, population=self.population)

    @_figure
    def status(self) -> str | None:
        """On track / at risk / off track; None until months_left and the projection are known."""
        if self.months_left is None:
            return None
        return coverage.status(
            rate=self.rate,
            target_rate=self.target_rate,
            met=self.met,
            projected_rate=self.projected_rate,
            months_left=self.months_left,
            anomaly=self.anomaly,
        )


@dataclass
class CoverageRow(CoverageFigures):
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

    @_figure
    def change_month(self) -> Decimal | None:
        return coverage.rate_change(rate=self.rate, earlier=self.previous_month_rate)

    @_figure
    def change_year(self) -> Decimal | None:
        return coverage.rate_change(rate=self.rate, earlier=self.last_year_rate)

    @_figure
    def small(self) -> bool:
        return coverage.is_small(population=self.population)


@dataclass
class CoverageTable:
    unit: Unit
    year: int
    rows: list[CoverageRow]
    total: CoverageRow


def _fields(model, names: set[str]) -> tuple[str, ...]:
    """The named fields in the model's order, as Model.from_db takes them; the others stay deferred
    (read on access)."""
    return tuple(f.attname for f in model._meta.concrete_fields if f.attname in names)


# What a page reads of a target and of the document that sets it (how a page names a document).
_TARGET_FIELDS = _fields(Target, {"id", "unit_id", "document_id", "year", "rate", "comparison"})
_DOCUMENT_FIELDS = _fields(TargetDocument, {"id", "kind", "number", "issued_on", "issuer", "title", "scope_id"})
_UNIT, _DOCUMENT = _TARGET_FIELDS.index("unit_id"), _TARGET_FIELDS.index("document_id")


def latest_targets(units, year: int) -> dict[int, Target]:
    """Each unit's target for the year from the most recent document that sets one (`units`: ids
    or a queryset of them). One query read as tuples, each document built once: not a Target and
    a copy of its whole document per unit (168 of each on a province's page, for one or two
    documents)."""
    chosen: dict[int, Target] = {}
    documents: dict[int, TargetDocument] = {}
    rows = (
        Target.objects.for_year(year)
        .filter(**({"unit__in": units} if isinstance(units, QuerySet) else {"unit__among": units}))
        .order_by("unit_id", "-document__issued_on", "-document_id")
        .values_list(*_TARGET_FIELDS, *(f"document__{name}" for name in _DOCUMENT_FIELDS))
    )
    db, split = Target.objects.db, len(_TARGET_FIELDS)
    for row in rows:
        if row[_UNIT] in chosen:
            continue
        target = chosen[row[_UNIT]] = Target.from_db(db, _TARGET_FIELDS, row[:split])
        if row[_DOCUMENT] not in documents:
            documents[row[_DOCUMENT]] = TargetDocument.from_db(db, _DOCUMENT_FIELDS, row[split:])
        target.document = documents[row[_DOCUMENT]]
    return chosen


def child_units(parent: Unit, year: int, level: str | None = None, *, until: dt.date | None = None):
    """The units under `parent` that existed at some time during the year (up to the end of the
    month `until`, when given)."""
    end = min(year_end(year), month_end(until)) if until else year_end(year)
    units = Unit.objects.filter(parent=parent).in_force_during(year_start(year), end)
    return units.filter(level=level) if level else units


def year_table(
    parent: Unit, year: int, *, level: str | None = None, until: dt.date | None = None, year_before: bool = False
) -> CoverageTable:
    """The units directly under `parent` (a district's communes, or a province's since 7/2025) for a
    year, ranked, with totals; with `until` (a month of the year), the year as it stood then. With
    `year_before`, each row's unit also carries its population of the year before
    (`UnitQuerySet.with_year_figures`)."""
    children = child_units(parent, year, level, until=until)
    units = list(children.with_year_figures(year, until=until, year_before=year_before).order_by("code"))
    # The ids already read: an IN list is one index probe per unit, where the OR of the parent and
    # a subquery of its children made PostgreSQL scan the year's targets.
    targets = latest_targets([parent.pk, *(unit.pk for unit in units)], year)
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
        rate=lambda r: coverage.rate_order(enrolled=r.enrolled, population=r.population),
        tie_break=lambda r: r.unit.code,
    )
    for entry in ranked:
        entry.item.rank = entry.rank
    return [entry.item for entry in ranked]


def _total_row(parent: Unit, units: list[Unit], targets: dict[int, Target]) -> CoverageRow:
    """Σ enrolled ÷ Σ population over the units that have both figures (the units as read, with
    their figures)."""
    sums = complete_sums_of(units)
    return CoverageRow(
        unit=parent,
        label=_("Tổng cộng"),
        population=sums["population"],
        enrolled=sums["enrolled"],
        target=targets.get(parent.pk),
        reported=sums["reported"],
        expected=sums["expected"],
    )


def ranking_table(
    level: str, year: int, *, units=None, label: str | None = None
) -> tuple[list[CoverageRow], CoverageRow]:
    """Every unit of a level (districts or provinces) with its communes' year figures summed, ranked,
    and the total row.

    Set-based for national scale: ONE aggregate query over all communes grouped by their district
    (or province), with the total summed from the groups in the same query; one query for the units,
    one for the targets: three queries for 10 or 10.000 communes. `units` narrows the ranking (for
    example to what a user may see)."""
    ranked = Unit.objects.filter(level=level).in_force_during(year_start(year), year_end(year))
    if units is not None:
        ranked = ranked.filter(pk__in=units)
    sums = _commune_sums(level=level, year=year, groups=ranked.order_by().values("pk"), narrowed=units is not None)
    ranked = list(ranked.select_related("parent").order_by("code"))
    targets = latest_targets([unit.pk for unit in ranked], year)
    rows = [_sum_row(unit, unit.full_name, sums.get(unit.pk), target=targets.get(unit.pk)) for unit in ranked]
    return rank_rows(rows), _sum_row(None, label or _("Tổng cộng"), sums.get(None))


def ranking_rows(level: str, year: int, *, units=None) -> list[CoverageRow]:
    return ranking_table(level, year, units=units)[0]


def ranking_total(level: str, year: int, *, units=None, label: str | None = None) -> CoverageRow:
    return ranking_table(level, year, units=units, label=label)[1]


def _sum_row(unit: Unit | None, label: str, sums: tuple | None, *, target: Target | None = None) -> CoverageRow:
    population, enrolled, as_of, reported, expected = sums or (None, None, None, 0, 0)
    return CoverageRow(
        unit=unit,
        label=label,
        # PostgreSQL sums bigints as numeric (Decimal); the rates' Fraction arithmetic needs ints.
        population=None if population is None else int(population),
        enrolled=None if enrolled is None else int(enrolled),
        as_of=dt.date.fromisoformat(as_of) if isinstance(as_of, str) else as_of,
        target=target,
        reported=int(reported or 0),
        expected=int(expected or 0),
    )


# Joins, not correlated subqueries: each commune's last month of the year is found once (MAX per
# unit over the year's rows: an index-only range scan of enrollment_month_unit_idx), then both
# figures are joined in. Plain SQL that SQLite and PostgreSQL both run; the ORM would repeat each
# correlated subquery inside every aggregate. For a narrowed ranking (a province's districts) the
# year's rows are first restricted to its communes: 60 ms → 5 ms; for the whole country scanning
# the year once is cheaper than the semi-join. The total row (grp NULL) sums the groups' sums.
_COMMUNE_SUMS = """
WITH communes AS (
    SELECT c.id, {group} AS grp FROM {unit} c {join}
    WHERE c.level = %s
      AND (c.valid_from IS NULL OR c.valid_from <= %s) AND (c.valid_to IS NULL OR c.valid_to >= %s)
      AND {group} IN ({groups})
),
last AS (
    SELECT unit_id, MAX(month) AS month FROM {enrollment}
    WHERE month >= %s AND month <= %s {restrict} GROUP BY unit_id
),
grouped AS (
    SELECT communes.grp AS grp,
           SUM(CASE WHEN e.enrolled IS NOT NULL THEN p.population END) AS population,
           SUM(CASE WHEN p.population IS NOT NULL THEN e.enrolled END) AS enrolled,
           MAX(e.month) AS month,
           SUM(CASE WHEN p.population IS NOT NULL AND e.enrolled IS NOT NULL THEN 1 ELSE 0 END) AS reported,
           COUNT(*) AS expected
    FROM communes
    LEFT JOIN {population} p ON p.unit_id = communes.id AND p.year = %s
    LEFT JOIN last ON last.unit_id = communes.id
    LEFT JOIN {enrollment} e ON e.unit_id = last.unit_id AND e.month = last.month
    GROUP BY communes.grp
)
SELECT grp, population, enrolled, month, reported, expected FROM grouped
UNION ALL
SELECT NULL, SUM(population), SUM(enrolled), MAX(month), SUM(reported), SUM(expected) FROM grouped
"""


def _commune_sums(*, level: str, year: int, groups, narrowed: bool = False) -> dict[int | None, tuple]:
    """Σ population and Σ enrolled (communes with both figures), last month, reported and expected
    communes, per district or province in `groups` (a queryset of pks), and for all of them (None)."""
    group, join = {
        Level.DISTRICT: ("c.parent_id", ""),
        Level.PROVINCE: ("d.parent_id", f"JOIN {Unit._meta.db_table} d ON d.id = c.parent_id"),
    }[level]
    groups_sql, groups_params = groups.query.sql_with_params()
    sql = _COMMUNE_SUMS.format(
        group=group,
        join=join,
        groups=groups_sql,
        unit=Unit._meta.db_table,
        enrollment=Enrollment._meta.db_table,
        population=Population._meta.db_table,
        restrict="AND unit_id IN (SELECT id FROM communes)" if narrowed else "",
    )
    start, end = year_start(year), year_end(year)
    params = [Level.COMMUNE.value, end, start, *groups_params, start, dt.date(year, 12, 1), year]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {row[0]: tuple(row[1:]) for row in cursor.fetchall()}
