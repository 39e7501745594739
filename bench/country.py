"""A synthetic country for measuring the portal at national scale, marked synthetic everywhere.

63 provinces, about 700 districts, about 10.600 communes, their yearly populations, a plan per
district and per province laid out like Plan 231's annex, and 60 months of enrollment (2021–2025)
with a policy drop in July 2021 like Lục Ngạn's. Everything comes from one seeded `random.Random`,
so the same seed gives the same country, row for row.

Codes start with "M" (mô phỏng) so they can never collide with the General Statistics Office's
numeric codes; names read "Tỉnh Mô phỏng 01", "Huyện Mô phỏng 01-02", "Xã Mô phỏng 01-02-03".
"""

import datetime as dt
import io
import math
import random
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db import connection, transaction
from django.utils import timezone

from communes.models import Enrollment, EnrollmentByGroup, Level, Population, Unit
from targets.models import Comparison, DocumentKind, FigureKind, ReportedFigure, Target, TargetDocument

MARK = "Mô phỏng"
SOURCE = "Dữ liệu mô phỏng (make_synthetic_country), không phải số liệu thật"
DOCUMENT_NOTE = "[DỮ LIỆU MÔ PHỎNG] Văn bản sinh tự động để đo hiệu năng; không phải văn bản thật."
YEARS = range(2021, 2026)
PLAN_YEARS = range(2022, 2026)
MONTHS = [dt.date(year, month, 1) for year in YEARS for month in range(1, 13)]
POLICY_DROP = dt.date(2021, 7, 1)


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
# The first province is large, like Thanh Hóa (27 districts, about 500 communes): the 500-row
# import case; its first district has exactly 30 communes: the 30-commune entry grid.
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


def _rate(value: float) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


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
        rate = base_rate + trend * index / 12 + rng.gauss(0, 0.002)
        if month < POLICY_DROP:
            rate += 0.015 if hit else 0.0
        else:
            since = (month.year - POLICY_DROP.year) * 12 + month.month - POLICY_DROP.month
            rate -= drop * max(0.0, 1 - since / 18)
        population = populations[month.year]
        enrolled.append(min(population, max(math.ceil(population * 0.80), round(population * rate))))
    return CommunePlan(code=code, populations=populations, enrolled=enrolled)


def _unit_targets(rng: random.Random) -> dict[int, Decimal]:
    start = rng.uniform(92.0, 97.0)
    return {year: _rate(min(99.5, start + 0.05 * (year - 2022) + rng.uniform(0, 0.05))) for year in PLAN_YEARS}


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


def refusal_reason() -> str | None:
    """Why this database must not receive a synthetic country: it holds real data."""
    if Unit.objects.filter(is_synthetic=False).exists():
        return "cơ sở dữ liệu có đơn vị hành chính thật (is_synthetic = False)"
    if Population.objects.filter(is_synthetic=False).exists() or Enrollment.objects.filter(is_synthetic=False).exists():
        return "cơ sở dữ liệu có số liệu dân số hoặc số người tham gia thật"
    if TargetDocument.objects.exclude(note__startswith=DOCUMENT_NOTE).exists():
        return "cơ sở dữ liệu có văn bản chỉ tiêu thật"
    return None


def has_synthetic_country() -> bool:
    return Unit.objects.filter(is_synthetic=True).exists()


@transaction.atomic
def delete_synthetic_country() -> None:
    documents = TargetDocument.objects.filter(note__startswith=DOCUMENT_NOTE)
    ReportedFigure.objects.filter(document__in=documents).delete()
    Target.objects.filter(document__in=documents).delete()
    documents.delete()
    # One DELETE, not the collector's batches of 100: the roll-up's triggers subtract the country
    # once (~2 s) instead of 6.000 times.
    EnrollmentByGroup.objects.filter(enrollment__is_synthetic=True).delete()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM communes_enrollment WHERE is_synthetic")
    Population.objects.filter(is_synthetic=True).delete()
    units = Unit.objects.filter(is_synthetic=True)
    for level in (Level.COMMUNE, Level.DISTRICT, Level.PROVINCE):  # children before parents (PROTECT)
        units.filter(level=level).delete()


@transaction.atomic
def load_country(country: Country, *, batch_size: int = 5_000) -> dict[str, int]:
    """Write the country; PostgreSQL gets COPY for the large tables, other databases bulk inserts."""
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
        "populations": _insert(Population, populations, batch_size),
        "enrollments": _insert(Enrollment, enrollments, batch_size),
    }
    targets, figures, documents = _load_documents(country, ids, batch_size)
    counts.update(documents=documents, targets=targets, reported_figures=figures)
    return counts


def vacuum() -> None:
    """After a bulk load: planner statistics, and the visibility map that index-only scans need."""
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")


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
            )
            for code, name, parent in rows
        ]
        for unit in Unit.objects.bulk_create(units, batch_size=2_000):
            ids[unit.code] = unit.pk

    create(Level.PROVINCE, "Tỉnh", ((code, name, None) for code, name in country.provinces))
    create(Level.DISTRICT, "Huyện", country.districts)
    create(Level.COMMUNE, "Xã", country.communes)
    if connection.vendor != "postgresql" and None in ids.values():  # pragma: no cover - old SQLite
        ids = dict(Unit.objects.filter(is_synthetic=True).values_list("code", "pk"))
    return ids


def _load_documents(country: Country, ids: dict[str, int], batch_size: int) -> tuple[int, int, int]:
    """A plan per district (its communes' annex, like Plan 231) and one per province (all its communes)."""
    communes_of: dict[str, list[str]] = {}
    for code, _name, district in country.communes:
        communes_of.setdefault(district, []).append(code)
    province_communes: dict[str, list[str]] = {}
    district_names = {}
    for code, name, province in country.districts:
        district_names[code] = name
        province_communes.setdefault(province, []).extend(communes_of.get(code, []))
    scopes = [(code, f"Huyện {name}", communes_of.get(code, [])) for code, name, _p in country.districts]
    scopes += [(code, f"Tỉnh {name}", province_communes.get(code, [])) for code, name in country.provinces]
    documents = TargetDocument.objects.bulk_create(
        [
            TargetDocument(
                kind=DocumentKind.PLAN,
                number=f"{index}/KH-UBND-MP",
                issued_on=dt.date(2022, 7, 14),
                issuer=f"UBND {label}",
                title=f"[MÔ PHỎNG] Kế hoạch thực hiện chỉ tiêu bao phủ BHYT giai đoạn 2022 – 2025 – {label}",
                scope_id=ids[code],
                annex_title=f"CHỈ TIÊU BAO PHỦ BHYT TRÊN ĐỊA BÀN {label.upper()} (MÔ PHỎNG)",
                note=DOCUMENT_NOTE,
            )
            for index, (code, label, _communes) in enumerate(scopes, start=1)
        ],
        batch_size=1_000,
    )
    if any(document.pk is None for document in documents):  # pragma: no cover - old SQLite
        documents = list(TargetDocument.objects.filter(note=DOCUMENT_NOTE).order_by("pk"))

    def targets() -> Iterator[Target]:
        for document, (code, _label, communes) in zip(documents, scopes, strict=True):
            for year, rate in country.targets[code].items():
                yield Target(
                    document_id=document.pk,
                    unit_id=ids[code],
                    year=year,
                    rate=rate,
                    comparison=Comparison.AT_LEAST,
                    wording="UBND tỉnh giao (mô phỏng)",
                )
            for row, commune in enumerate(communes, start=1):
                plan = country.figures[commune]
                for year in PLAN_YEARS:
                    rate = country.targets[code][year]
                    population = plan.populations[year]
                    yield Target(
                        document_id=document.pk,
                        unit_id=ids[commune],
                        year=year,
                        rate=rate,
                        comparison=Comparison.AT_LEAST,
                        planned_population=population,
                        planned_enrolled=int(population * rate / 100),
                        row_number=row,
                        printed_name=f"Xã {commune}",
                    )

    def figures() -> Iterator[ReportedFigure]:
        for document, (_code, _label, communes) in zip(documents, scopes, strict=True):
            for row, commune in enumerate(communes, start=1):
                plan = country.figures[commune]
                population, enrolled = plan.populations[2021], plan.enrolled[11]
                yield ReportedFigure(
                    document_id=document.pk,
                    unit_id=ids[commune],
                    kind=FigureKind.YEAR_RESULT,
                    year=2021,
                    as_of=dt.date(2021, 12, 31),
                    population=population,
                    enrolled=enrolled,
                    rate=_rate(enrolled * 100 / population),
                    row_number=row,
                    printed_name=f"Xã {commune}",
                    comparison="",
                )

    return _insert(Target, targets(), batch_size), _insert(ReportedFigure, figures(), batch_size), len(documents)


def _insert(model, objects: Iterable, batch_size: int) -> int:
    if connection.vendor == "postgresql":
        return _copy(model, objects)
    total = 0
    batch = []
    for obj in objects:
        batch.append(obj)
        if len(batch) >= batch_size:
            model.objects.bulk_create(batch)
            total += len(batch)
            batch = []
    model.objects.bulk_create(batch)
    return total + len(batch)


def _copy(model, objects: Iterable) -> int:
    """COPY … FROM STDIN in text format: an order of magnitude faster than INSERTs for 640k rows."""
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    buffer = io.StringIO()
    total = 0
    for obj in objects:
        buffer.write("\t".join(_copy_text(f.get_db_prep_save(getattr(obj, f.attname), connection)) for f in fields))
        buffer.write("\n")
        total += 1
    buffer.seek(0)
    with connection.cursor() as cursor:
        cursor.copy_expert(f"COPY {connection.ops.quote_name(model._meta.db_table)} ({columns}) FROM STDIN", buffer)
    return total


def _copy_text(value) -> str:
    if value is None:
        return r"\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    text = str(value)
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")


COUNTRY_DOCUMENT_NUMBER = "TQ/KH-MP"


@transaction.atomic
def ensure_country_document() -> TargetDocument:
    """A synthetic national plan whose annex lists every commune (about 10.600 rows): what the
    national annex export is measured on. The provinces' synthetic plans are copied row for row,
    numbered in commune-code order. The model has no country-level unit, so the document hangs on
    the first province (its scope only decides who may open it; the bench's superuser may).
    Idempotent: an existing one is returned unchanged."""
    existing = TargetDocument.objects.filter(number=COUNTRY_DOCUMENT_NUMBER, note=DOCUMENT_NOTE).first()
    if existing is not None:
        return existing
    provinces = Unit.objects.filter(level=Level.PROVINCE, is_synthetic=True).order_by("code")
    document = TargetDocument.objects.create(
        kind=DocumentKind.PLAN,
        number=COUNTRY_DOCUMENT_NUMBER,
        issued_on=dt.date(2022, 7, 14),
        issuer="[MÔ PHỎNG] Toàn quốc",
        title="[MÔ PHỎNG] Kế hoạch thực hiện chỉ tiêu bao phủ BHYT giai đoạn 2022 – 2025 – toàn quốc (mọi xã)",
        scope=provinces.first(),
        annex_title="CHỈ TIÊU BAO PHỦ BHYT TOÀN QUỐC THEO XÃ (MÔ PHỎNG)",
        note=DOCUMENT_NOTE,
    )
    province_plans = TargetDocument.objects.filter(note=DOCUMENT_NOTE, scope__level=Level.PROVINCE).exclude(
        pk=document.pk
    )
    communes = Unit.objects.filter(level=Level.COMMUNE, is_synthetic=True).order_by("code")
    row_of = {pk: row for row, pk in enumerate(communes.values_list("pk", flat=True), start=1)}
    targets = (
        Target(
            document_id=document.pk, unit_id=t.unit_id, year=t.year, rate=t.rate, comparison=t.comparison,
            planned_population=t.planned_population, planned_enrolled=t.planned_enrolled,
            row_number=row_of[t.unit_id], printed_name=t.printed_name, wording=t.wording,
        )
        for t in Target.objects.filter(document__in=province_plans, unit__in=communes).iterator(chunk_size=5_000)
    )
    figures = (
        ReportedFigure(
            document_id=document.pk, unit_id=f.unit_id, kind=f.kind, year=f.year, as_of=f.as_of,
            population=f.population, enrolled=f.enrolled, rate=f.rate, row_number=row_of[f.unit_id],
            printed_name=f.printed_name, comparison=f.comparison,
        )
        for f in ReportedFigure.objects.filter(document__in=province_plans, unit__in=communes).iterator(chunk_size=5_000)
    )
    _insert(Target, targets, 5_000)
    _insert(ReportedFigure, figures, 5_000)
    return document
