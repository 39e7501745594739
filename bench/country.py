"""The old three-level country, synthetic, for the history pages (`coverage_bench_history`).

63 provinces, about 700 districts, about 10.600 communes as they stood until 30/06/2025, their
yearly populations, a plan per district and per province laid out like Plan 231's annex, a national
plan of every commune, and 54 months of enrollment (01/2021–06/2025) with a policy drop in July
2021 like Lục Ngạn's. Everything comes from one seeded `random.Random`, so the same seed gives the
same country, row for row.

Codes start with "M" (mô phỏng) so they can never collide with the General Statistics Office's
numeric codes; names read "Tỉnh Mô phỏng 01", "Huyện Mô phỏng 01-02", "Xã Mô phỏng 01-02-03".
The units end on 30/06/2025, as the real three levels did: the pages open on their last year.
"""

import datetime as dt
import math
import random
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from communes.models import Enrollment, Level, Population, Unit
from communes.seed import country as country_unit
from targets.models import ReportedFigure, Target, TargetDocument

from . import history_documents
from .history_documents import rate
from .loading import insert

MARK = "Mô phỏng"
SOURCE = "Dữ liệu mô phỏng (make_synthetic_country), không phải số liệu thật"
YEARS = range(2021, 2026)
PLAN_YEARS = range(2022, 2026)
LAST_MONTH = dt.date(2025, 6, 1)
MONTHS = [dt.date(year, month, 1) for year in YEARS for month in range(1, 13) if dt.date(year, month, 1) <= LAST_MONTH]
POLICY_DROP = dt.date(2021, 7, 1)
ENDED_ON = dt.date(2025, 6, 30)


@dataclass(frozen=True)
class Shape:
    """How big the country is. None: drawn at random around the real country's averages."""

    provinces: int = 63
    districts_per_province: int | None = None  # about 11 on average: about 700 districts
    communes_per_district: int | None = None  # about 15 on average: about 10.600 communes

    @property
    def is_full(self) -> bool:
        return self.districts_per_province is None


FULL = Shape()
# The first province is large, like Thanh Hóa (27 districts, about 500 communes); its first
# district has exactly 30 communes: the largest district dashboard.
BIG_PROVINCE_DISTRICTS = 27
GRID_COMMUNES = 30


@dataclass
class CommunePlan:
    code: str
    populations: dict[int, int]
    enrolled: list[int]  # one per month of MONTHS


@dataclass
class Country:
    provinces: list[tuple[str, str]]  # code, name
    districts: list[tuple[str, str, str]]  # code, name, province code
    communes: list[tuple[str, str, str]]  # code, name, district code
    figures: dict[str, CommunePlan]
    targets: dict[str, dict[int, Decimal]]  # district or province code → year → rate


def _district_count(rng: random.Random, shape: Shape, province: int) -> int:
    if not shape.is_full:
        return shape.districts_per_province
    return BIG_PROVINCE_DISTRICTS if province == 1 else rng.randint(8, 14)


def _commune_count(rng: random.Random, shape: Shape, province: int, district: int) -> int:
    if not shape.is_full:
        return shape.communes_per_district
    if province == 1:
        return GRID_COMMUNES if district == 1 else rng.randint(15, 22)
    return rng.randint(9, 21)


def _commune_figures(rng: random.Random, code: str) -> CommunePlan:
    """Populations growing about 1% a year and a coverage rate between 80% and 100%.

    One commune in five lost free cards in July 2021 (a drop of 6–14 points) and wins them back
    over about 18 months."""
    base_population = rng.randint(2_500, 16_000)
    growth = rng.uniform(0.003, 0.015)
    populations = {year: round(base_population * (1 + growth) ** (year - 2021)) for year in YEARS}
    base_rate = rng.uniform(0.86, 0.975)
    trend = rng.uniform(0.0, 0.006)  # points gained a year
    hit = rng.random() < 0.2
    drop = rng.uniform(0.06, 0.14) if hit else 0.0
    enrolled = []
    for index, month in enumerate(MONTHS):
        value = base_rate + trend * index / 12 + rng.gauss(0, 0.002)
        if month < POLICY_DROP:
            value += 0.015 if hit else 0.0
        else:
            since = (month.year - POLICY_DROP.year) * 12 + month.month - POLICY_DROP.month
            value -= drop * max(0.0, 1 - since / 18)
        population = populations[month.year]
        enrolled.append(min(population, max(math.ceil(population * 0.80), round(population * value))))
    return CommunePlan(code=code, populations=populations, enrolled=enrolled)


def _unit_targets(rng: random.Random) -> dict[int, Decimal]:
    start = rng.uniform(92.0, 97.0)
    return {year: rate(min(99.5, start + 0.05 * (year - 2022) + rng.uniform(0, 0.05))) for year in PLAN_YEARS}


def build_country(*, seed: int, shape: Shape = FULL) -> Country:
    """The whole country in memory: deterministic for a seed and a shape."""
    rng = random.Random(seed)
    country = Country(provinces=[], districts=[], communes=[], figures={}, targets={})
    for p in range(1, shape.provinces + 1):
        province_code = f"M{p:02d}"
        country.provinces.append((province_code, f"{MARK} {p:02d}"))
        country.targets[province_code] = _unit_targets(rng)
        for d in range(1, _district_count(rng, shape, p) + 1):
            district_code = f"M{p:02d}{d:02d}"
            country.districts.append((district_code, f"{MARK} {p:02d}-{d:02d}", province_code))
            country.targets[district_code] = _unit_targets(rng)
            for c in range(1, _commune_count(rng, shape, p, d) + 1):
                code = f"M{p:02d}{d:02d}{c:02d}"
                country.communes.append((code, f"{MARK} {p:02d}-{d:02d}-{c:02d}", district_code))
                country.figures[code] = _commune_figures(rng, code)
    return country


def has_synthetic_country() -> bool:
    return Unit.objects.filter(is_synthetic=True).exists()


@transaction.atomic
def delete_synthetic_country() -> None:
    """Everything the load wrote; a ProtectedError (change records point at the units) undoes it all."""
    documents = TargetDocument.objects.filter(is_synthetic=True)
    ReportedFigure.objects.filter(document__in=documents).delete()
    Target.objects.filter(document__in=documents).delete()
    documents.delete()
    Enrollment.objects.filter(is_synthetic=True).delete()
    Population.objects.filter(is_synthetic=True).delete()
    units = Unit.objects.filter(is_synthetic=True)
    for level in (Level.COMMUNE, Level.DISTRICT, Level.PROVINCE):  # children before parents (PROTECT)
        units.filter(level=level).delete()


@transaction.atomic
def load_country(country: Country, *, batch_size: int = 5_000) -> dict[str, int]:
    """Write the country (PostgreSQL: COPY for the large tables), its plans and its national plan."""
    country_unit()  # national documents name it as their scope
    ids = _load_units(country)
    now = timezone.now()
    populations = (
        Population(
            unit_id=ids[code],
            year=year,
            population=value,
            source=SOURCE,
            as_of=dt.date(year, 1, 1),
            is_synthetic=True,
            entered_at=now,
        )
        for code, plan in country.figures.items()
        for year, value in plan.populations.items()
    )
    enrollments = (
        Enrollment(
            unit_id=ids[code], month=month, enrolled=value, source=SOURCE, is_synthetic=True, entered_at=now, version=1
        )
        for code, plan in country.figures.items()
        for month, value in zip(MONTHS, plan.enrolled, strict=True)
    )
    counts = {
        "units": len(ids),
        "populations": insert(Population, populations, batch_size),
        "enrollments": insert(Enrollment, enrollments, batch_size),
    }
    counts.update(history_documents.load_plans(country, ids, batch_size))
    history_documents.ensure_national_plan()
    counts["documents"] += 1
    return counts


def _load_units(country: Country) -> dict[str, int]:
    ids: dict[str, int] = {}

    def create(level: str, kind: str, rows: Iterable[tuple[str, str, str | None]]) -> None:
        units = [
            Unit(
                level=level,
                kind=kind,
                code=code,
                name=name,
                parent_id=ids[parent] if parent else None,
                is_synthetic=True,
                source=SOURCE,
                valid_to=ENDED_ON,
            )
            for code, name, parent in rows
        ]
        Unit.objects.bulk_create(units, batch_size=2_000)
        # Keys read back by code: SQLite before 3.35 does not return them from a bulk insert.
        ids.update(Unit.objects.filter(level=level, is_synthetic=True).values_list("code", "pk"))

    create(Level.PROVINCE, "Tỉnh", ((code, name, None) for code, name in country.provinces))
    create(Level.DISTRICT, "Huyện", country.districts)
    create(Level.COMMUNE, "Xã", country.communes)
    return ids
