"""Synthetic figures and plans for today's communes of Lai Châu and Bắc Ninh, so that a development
database on any date shows a living present: monthly counts from 07/2025 to the last ended month,
and a 2026 plan of each province. Everything made here is marked synthetic.

A commune formed from units the portal holds continues their sums (population and enrolled of its
whole predecessors in June 2025); a commune whose predecessors are unknown or outside the data gets
a plausible population of its own. In the month being reported about a quarter of the communes
have not reported yet, so the officer's home page and the completeness page have work to show.
"""

import datetime as dt
import hashlib
import random
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.utils import timezone

from communes.calendar import reporting_month
from communes.models import Enrollment, Level, Population, Unit, UnitSuccession
from communes.periods import add_months

from .models import DocumentKind, Target, TargetDocument

REFORM = dt.date(2025, 7, 1)
SOURCE = "Dữ liệu mô phỏng (load_demo_figures)"
PROVINCES = ("12", "24")
# The provinces' 2026 plans: (province code, number, issued on, signer).
PLANS = (
    ("12", "08/KH-UBND", dt.date(2026, 1, 15), "Phó Chủ tịch UBND tỉnh (mô phỏng)"),
    ("24", "21/KH-UBND", dt.date(2026, 1, 20), "Phó Chủ tịch UBND tỉnh (mô phỏng)"),
)
# The Government's 2026 rates for the country and every province (Lai Châu's and Bắc Ninh's own
# plans, issued later, supersede theirs).
NATIONAL = ("2215/QĐ-TTg", dt.date(2025, 12, 20), Decimal("95.20"))
# Lai Châu revised five communes' targets in July: the later document supersedes the earlier one.
REVISION = ("12", "112/QĐ-UBND", dt.date(2026, 7, 10), 5)


def _rng(*parts) -> random.Random:
    seed = hashlib.sha256("|".join(map(str, parts)).encode()).hexdigest()
    return random.Random(int(seed[:16], 16))


def _rate(value: float) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def months_until(last: dt.date) -> list[dt.date]:
    out, month = [], REFORM
    while month <= last:
        out.append(month)
        month = add_months(month, 1)
    return out


def last_ended_month(today: dt.date) -> dt.date:
    return add_months(today.replace(day=1), -1)


def waits_for_report(commune: Unit, month: dt.date) -> bool:
    """A quarter of the communes, fixed by their code, have not reported the month being reported."""
    return _rng("late", commune.code, month).random() < 0.25


@transaction.atomic
def load_todays_figures(today: dt.date | None = None) -> int:
    """Counts from 07/2025 to the last ended month for today's communes of both provinces (only the
    (commune, month) pairs that have none), then the provinces' 2026 plans. Returns the counts made."""
    today = today or timezone.localdate()
    last = last_ended_month(today)
    reporting = reporting_month()
    created = 0
    for code in PROVINCES:
        province = Unit.objects.provinces().in_force(today).filter(code=code).first()
        if province is None:
            continue
        communes = list(Unit.objects.communes().filter(parent=province).in_force(today).order_by("code"))
        created += _fill(communes, months_until(last), reporting)
    load_todays_plans(today)
    return created


def _start(commune: Unit) -> tuple[int, float]:
    """Population and rate in June 2025: the whole predecessors' sums (plus a share for those
    outside the data), else a plausible commune of its own."""
    rng = _rng("today", commune.code)
    predecessors = UnitSuccession.objects.filter(successor=commune, whole=True).values("predecessor")
    june = Enrollment.objects.filter(unit__in=predecessors, month=dt.date(2025, 6, 1))
    enrolled = sum(june.values_list("enrolled", flat=True))
    population = sum(Population.objects.filter(unit__in=predecessors, year=2025).values_list("population", flat=True))
    if enrolled and population:
        if commune.predecessors_outside:
            share = 1 + rng.uniform(0.2, 0.6)
            return round(population * share), 100 * enrolled / population
        return population, 100 * enrolled / population
    return rng.randint(4_000, 22_000), rng.uniform(90.5, 97.5)


def _fill(communes: list[Unit], months: list[dt.date], reporting: dt.date) -> int:
    existing = set(Enrollment.objects.filter(unit__in=communes).values_list("unit_id", "month"))
    stored_population = {(p.unit_id, p.year): p.population for p in Population.objects.filter(unit__in=communes)}
    new_population, counts = [], []
    for commune in communes:
        rng = _rng("path", commune.code)
        population_2025, start_rate = _start(commune)
        populations = {2025: stored_population.get((commune.pk, 2025), population_2025)}
        goal = min(99.6, start_rate + rng.uniform(-0.8, 1.6))
        for month in months:
            year = month.year
            if year not in populations:
                populations[year] = stored_population.get((commune.pk, year)) or round(populations[year - 1] * 1.011)
            if (commune.pk, year) not in stored_population:
                stored_population[(commune.pk, year)] = populations[year]
                new_population.append(
                    Population(
                        unit=commune,
                        year=year,
                        population=populations[year],
                        source=SOURCE,
                        is_synthetic=True,
                        as_of=dt.date(year, 12, 31),
                    )
                )
            if (commune.pk, month) in existing or (month == reporting and waits_for_report(commune, month)):
                continue
            step = (month.year - 2025) * 12 + month.month - 6
            rate = start_rate + (goal - start_rate) * (1 - 0.85**step) + rng.uniform(-0.25, 0.25)
            enrolled = min(populations[year], max(0, round(populations[year] * rate / 100)))
            counts.append(Enrollment(unit=commune, month=month, enrolled=enrolled, source=SOURCE, is_synthetic=True))
    Population.objects.bulk_create(new_population)
    Enrollment.objects.bulk_create(counts)
    return len(counts)


def load_todays_plans(today: dt.date) -> list[TargetDocument]:
    """The national 2026 decision, each province's 2026 plan (and Lai Châu's July revision), marked
    synthetic; once made, kept."""
    documents = [_national(today)] if NATIONAL[1] <= today else []
    for code, number, issued_on, signer in PLANS:
        province = Unit.objects.provinces().in_force(issued_on).filter(code=code).first()
        if province is None or issued_on > today:
            continue
        document, created = TargetDocument.objects.get_or_create(
            number=number,
            issued_on=issued_on,
            defaults=dict(
                kind=DocumentKind.PLAN,
                issuer=f"UBND {province.full_name.replace('Tỉnh', 'tỉnh')}",
                signer=signer,
                scope=province,
                first_year=2026,
                last_year=2026,
                is_synthetic=True,
                title=f"Kế hoạch thực hiện chỉ tiêu bao phủ bảo hiểm y tế năm 2026 trên địa bàn "
                f"{province.kind.lower()} {province.name} (dữ liệu mô phỏng)",
                annex_title="Chỉ tiêu bao phủ BHYT năm 2026 giao các xã, phường",
            ),
        )
        if created:
            _plan_targets(document, province)
        documents.append(document)
    revision = _revision(today)
    return documents + ([revision] if revision else [])


def _national(today: dt.date) -> TargetDocument:
    number, issued_on, rate = NATIONAL
    country = Unit.objects.country()
    document, created = TargetDocument.objects.get_or_create(
        number=number,
        issued_on=issued_on,
        defaults=dict(
            kind=DocumentKind.DECISION,
            issuer="Thủ tướng Chính phủ",
            signer="Phó Thủ tướng (mô phỏng)",
            scope=country,
            first_year=2026,
            last_year=2026,
            is_synthetic=True,
            title="Giao chỉ tiêu thực hiện bao phủ bảo hiểm y tế năm 2026 cho các tỉnh, thành phố (dữ liệu mô phỏng)",
            annex_title="Chỉ tiêu tỷ lệ bao phủ BHYT năm 2026 giao các tỉnh, thành phố",
        ),
    )
    if created:
        provinces = Unit.objects.provinces().in_force(issued_on).order_by("code")
        Target.objects.bulk_create(
            [Target(document=document, unit=country, year=2026, rate=rate, wording="Toàn quốc")]
            + [
                Target(
                    document=document,
                    unit=p,
                    year=2026,
                    row_number=n,
                    printed_name=p.full_name,
                    rate=_rate(_rng("national", p.code).uniform(93.0, 97.5)),
                )
                for n, p in enumerate(provinces, start=1)
            ]
        )
    return document


def _plan_targets(document: TargetDocument, province: Unit) -> None:
    """Each commune's rate, a little above its 2025 result and never above 99,5%, with its planned
    population and enrolled; the province's rate is what the communes' plans add up to."""
    communes = Unit.objects.communes().filter(parent=province).in_force(document.issued_on).order_by("code")
    december = dict(
        Enrollment.objects.filter(unit__in=communes, month=dt.date(2025, 12, 1)).values_list("unit_id", "enrolled")
    )
    population = dict(Population.objects.filter(unit__in=communes, year=2026).values_list("unit_id", "population"))
    targets = []
    for number, commune in enumerate(communes, start=1):
        if commune.pk not in december or commune.pk not in population:
            continue
        result = 100 * december[commune.pk] / population[commune.pk]
        planned = _rate(min(99.5, result + _rng("plan", commune.code).uniform(0.2, 1.2)))
        people = population[commune.pk]
        targets.append(
            Target(
                document=document,
                unit=commune,
                year=2026,
                rate=planned,
                row_number=number,
                printed_name=commune.full_name,
                planned_population=people,
                planned_enrolled=round(planned * people / 100),
            )
        )
    planned = sum(t.planned_enrolled for t in targets), sum(t.planned_population for t in targets)
    if planned[1]:
        targets.append(
            Target(
                document=document,
                unit=province,
                year=2026,
                rate=_rate(100 * planned[0] / planned[1]),
                wording="UBND tỉnh giao",
            )
        )
    Target.objects.bulk_create(targets)


def _revision(today: dt.date) -> TargetDocument | None:
    code, number, issued_on, how_many = REVISION
    plan = TargetDocument.objects.filter(
        scope__code=code, scope__level=Level.PROVINCE, first_year=2026, is_synthetic=True, kind=DocumentKind.PLAN
    ).first()
    if plan is None or issued_on > today:
        return None
    document, created = TargetDocument.objects.get_or_create(
        number=number,
        issued_on=issued_on,
        defaults=dict(
            kind=DocumentKind.DECISION,
            issuer=plan.issuer,
            signer=plan.signer,
            scope=plan.scope,
            first_year=2026,
            last_year=2026,
            is_synthetic=True,
            title=f"Điều chỉnh chỉ tiêu bao phủ BHYT năm 2026 của một số xã, thay thế {plan} (dữ liệu mô phỏng)",
        ),
    )
    if created:
        lowered = plan.targets.exclude(unit=plan.scope).order_by("-rate", "unit__code")[:how_many]
        Target.objects.bulk_create(
            [
                Target(
                    document=document,
                    unit_id=t.unit_id,
                    year=2026,
                    rate=t.rate - Decimal("0.50"),
                    planned_population=t.planned_population,
                    planned_enrolled=round((t.rate - Decimal("0.50")) * t.planned_population / 100)
                    if t.planned_population
                    else None,
                    row_number=n,
                    printed_name=t.printed_name,
                )
                for n, t in enumerate(lowered, start=1)
            ]
        )
    return document
