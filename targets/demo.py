"""Deterministic synthetic monthly figures for a development database, so dashboards have a story
(the two districts until 06/2025 here; today's communes in `demo_today`).

Lục Ngạn: above 99% until June 2021, the July 2021 drop in the 14 communes of directive 05-CT/HU
(46.106 people lost their free card; the district fell to about 87%), then recovery. Phong Thổ:
months leading to the annex's real December 2021 figures, then towards the plan's rates.
Every generated Population and Enrollment is marked is_synthetic; real rows are never touched.
"""

import datetime as dt
import hashlib
import random

from django.db import transaction

from communes.models import Enrollment, Level, Population, Unit
from communes.periods import add_months

from .demo_today import load_todays_figures
from .models import Cohort, CohortCommune, CohortProgress, Target

FIRST, LAST = dt.date(2021, 1, 1), dt.date(2025, 6, 1)
SOURCE = "Dữ liệu mô phỏng (load_demo_figures)"
SHOCK = dt.date(2021, 7, 1)


def _rng(*parts) -> random.Random:
    """A random stream fixed by its name: the same figures on every machine."""
    seed = hashlib.sha256("|".join(map(str, parts)).encode()).hexdigest()
    return random.Random(int(seed[:16], 16))


def months() -> list[dt.date]:
    out, month = [], FIRST
    while month <= LAST:
        out.append(month)
        month = add_months(month, 1)
    return out


def has_only_demo_figures() -> bool:
    """A development database nobody has entered figures in: every enrolled count is synthetic or
    came with a document's annex. Only then are demo figures added (or extended to a later month)."""
    return not Enrollment.objects.filter(is_synthetic=False).exclude(source__startswith="Phụ lục").exists()


@transaction.atomic
def load_demo_figures() -> int:
    created = 0
    for code, shape in (("219", _luc_ngan_rate), ("109", _phong_tho_rate)):
        district = Unit.objects.for_url(Level.DISTRICT, code, year=2021)
        communes = list(Unit.objects.filter(parent=district, level=Level.COMMUNE).order_by("code"))
        created += _fill(district, communes, shape)
    _cohort_progress()
    return created + load_todays_figures()


def _population_plan(communes) -> dict[tuple[int, int], int]:
    """What is already known: stored populations (real ones win), then the plan's populations."""
    known = {(p.unit_id, p.year): p.population for p in Population.objects.filter(unit__in=communes)}
    for target in Target.objects.filter(unit__in=communes, planned_population__isnull=False).order_by("document_id"):
        known.setdefault((target.unit_id, target.year), target.planned_population)
    return known


def _fill(district: Unit, communes: list[Unit], shape) -> int:
    known = _population_plan(communes)
    existing_pop = set(Population.objects.filter(unit__in=communes).values_list("unit_id", "year"))
    existing_counts = set(Enrollment.objects.filter(unit__in=communes).values_list("unit_id", "month"))
    directive = _directive_unit_ids()
    population: dict[tuple[int, int], int] = {}
    for commune in communes:
        rng = _rng("population", commune.code)
        base = known.get((commune.pk, 2021)) or rng.randint(6000, 16000)
        for year in range(2021, 2026):
            if not _exists_in(commune, year):
                continue
            value = known.get((commune.pk, year)) or round(base * (1.012 ** (year - 2021)))
            population[(commune.pk, year)] = value
    share = _shock_depth(communes, population, directive)
    new_pop = [
        Population(
            unit_id=unit_id, year=year, population=value, source=SOURCE, is_synthetic=True, as_of=dt.date(year, 12, 31)
        )
        for (unit_id, year), value in population.items()
        if (unit_id, year) not in existing_pop
    ]
    Population.objects.bulk_create(new_pop)
    real_december = {
        e.unit_id: e.enrolled for e in Enrollment.objects.filter(unit__in=communes, month=dt.date(2021, 12, 1))
    }
    counts = []
    for commune in communes:
        rng = _rng("enrolled", commune.code)
        for month in months():
            if (commune.pk, month) in existing_counts or not commune.in_force_on(month):
                continue
            pop = population[(commune.pk, month.year)]
            rate = shape(
                commune=commune,
                month=month,
                rng=rng,
                hit=commune.pk in directive,
                depth=share,
                real_december=real_december.get(commune.pk),
                population=population,
            )
            enrolled = min(pop, max(0, round(pop * rate / 100)))
            counts.append(Enrollment(unit=commune, month=month, enrolled=enrolled, source=SOURCE, is_synthetic=True))
    Enrollment.objects.bulk_create(counts)
    return len(counts)


def _exists_in(unit: Unit, year: int) -> bool:
    """The unit existed on some day of the year (merged communes end or start on 1 January)."""
    return (unit.valid_from is None or unit.valid_from.year <= year) and (
        unit.valid_to is None or unit.valid_to.year >= year
    )


def _directive_unit_ids() -> set[int]:
    return set(CohortCommune.objects.values_list("unit_id", flat=True))


def _shock_depth(communes, population, directive) -> float:
    """How far the 14 communes must fall in July 2021 for the district to land near 87,2%."""
    total = sum(population.get((c.pk, 2021), 0) for c in communes)
    hit = sum(population.get((c.pk, 2021), 0) for c in communes if c.pk in directive)
    if not hit:
        return 0.0
    return min(60.0, (99.4 - 87.2) * total / hit)


def _luc_ngan_rate(*, commune, month, rng, hit, depth, real_december, population) -> float:
    noise = rng.uniform(-0.2, 0.2)
    if month < SHOCK or not hit:
        stable = {2021: 99.4, 2022: 99.2, 2023: 99.15, 2024: 99.25, 2025: 99.0}[month.year]
        return min(100.0, stable + 0.3 + noise if not hit else 99.4 + noise)
    # Months since the shock: a steep fall, then a recovery that slows down.
    since = (month.year - SHOCK.year) * 12 + month.month - SHOCK.month
    low = 99.4 - depth
    recovered = low + (98.9 - low) * (1 - 0.72**since) if since < 18 else 98.9
    late = {2023: 0.1, 2024: 0.2, 2025: -0.3}.get(month.year, 0.0)
    return min(100.0, recovered + late + noise)


def _phong_tho_rate(*, commune, month, rng, hit, depth, real_december, population) -> float:
    noise = rng.uniform(-0.25, 0.25)
    december_2021 = 100 * real_december / population[(commune.pk, 2021)] if real_december else 80.0 + rng.uniform(0, 15)
    if month.year == 2021:
        return december_2021 - (12 - month.month) * 0.35 + noise
    # Each year moves from last December towards the commune's plan; some fall short.
    plan = {2022: 96.05, 2023: 96.1, 2024: 96.15, 2025: 96.2}[month.year]
    reach = 0.85 + rng.uniform(0, 0.2)
    start = december_2021 + (plan - december_2021) * min(1.0, (month.year - 2022) * reach)
    end = december_2021 + (plan - december_2021) * min(1.0, (month.year - 2021) * reach)
    return start + (end - start) * month.month / 12 + noise


def _cohort_progress() -> None:
    """The directive's cohort: shares per commune (only where unknown) and monthly re-enrolment."""
    for cohort in Cohort.objects.all():
        members = list(cohort.communes.select_related("unit").order_by("unit__code"))
        if not members or CohortProgress.objects.filter(member__cohort=cohort).exists():
            continue
        weights = {
            m.pk: Population.objects.filter(unit=m.unit, year=2021).values_list("population", flat=True).first() or 1
            for m in members
        }
        total = sum(weights.values())
        left = cohort.size
        for index, member in enumerate(members):
            share = left if index == len(members) - 1 else round(cohort.size * weights[member.pk] / total)
            left -= share
            if member.affected is None:
                member.affected = share
                member.affected_pupils = round(share * 0.22)
                member.save(update_fields=["affected", "affected_pupils"])
        progress = []
        for member in members:
            rng = _rng("cohort", member.unit.code)
            month = dt.date(2021, 8, 1)
            for step in range(1, 18):
                pupils = min(1.0, 0.35 + 0.17 * step + rng.uniform(-0.03, 0.01))
                households = min(0.985, 0.2 + 0.16 * step - 0.004 * step * step + rng.uniform(-0.03, 0.02))
                progress.append(
                    CohortProgress(
                        member=member,
                        month=month,
                        pupils=round(member.affected_pupils * pupils),
                        households=round((member.affected - member.affected_pupils) * households),
                    )
                )
                month = add_months(month, 1)
        CohortProgress.objects.bulk_create(progress)
