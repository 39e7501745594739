"""Today's country with synthetic figures, for the bench database `coverage_bench`.

The units are the project's real national list (34 provinces, 3.321 communes, `communes.seed`),
with the two source documents and the payer groups. The figures are synthetic: a population per
year and an enrolled count per month for every commune of today, from 01/2021 to the last ended
month, marked `is_synthetic`, deterministic for a seed (each commune draws from its own stream,
so a later month added on a later run leaves the earlier ones as they were). Rates stay between
85% and 99,5%, each commune on its own trend, so that statuses vary.

Today's units begin on 01/7/2025. The bench's copies start on 01/01/2021 instead, so that today's
pages carry five years of history as they will in production (`backdate_units`); a unit whose code
an older unit of the data bore, or that has recorded predecessors (the two districts' communes and
Bắc Ninh, which took Bắc Giang's code), keeps its real start, since two units in force under one
code would make the code ambiguous; its counts start in 07/2025.
"""

import datetime as dt
import hashlib
import random

from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from communes.models import Enrollment, Level, Population, Unit, UnitSuccession
from communes.periods import add_months
from communes.seed import NATIONAL_LIST_EFFECTIVE, load_payer_groups, load_units
from targets.models import TargetDocument
from targets.seed import load_documents

from .loading import insert

SOURCE = "Dữ liệu mô phỏng (make_synthetic_country --today), không phải số liệu thật"
FIRST_MONTH = dt.date(2021, 1, 1)
BACKDATED_NOTE = " · hiệu lực lùi về 01/01/2021 trong cơ sở dữ liệu đo hiệu năng (make bench)"
LOWEST, HIGHEST = 85.0, 99.5


def rng(seed: int, *parts) -> random.Random:
    """A random stream named by its parts: the same figures on every machine and every run."""
    digest = hashlib.sha256("|".join(map(str, (seed, *parts))).encode()).hexdigest()
    return random.Random(int(digest[:16], 16))


def last_ended_month(today: dt.date | None = None) -> dt.date:
    return add_months((today or timezone.localdate()).replace(day=1), -1)


def months_between(first: dt.date, last: dt.date) -> list[dt.date]:
    months, month = [], first
    while month <= last:
        months.append(month)
        month = add_months(month, 1)
    return months


def load_real_units() -> None:
    """The national unit list, the payer groups and the two documents (idempotent)."""
    load_units()
    load_payer_groups()
    load_documents()


def todays(level: str, today: dt.date | None = None):
    return Unit.objects.filter(level=level).in_force(today or timezone.localdate())


@transaction.atomic
def backdate_units(start: dt.date = FIRST_MONTH) -> int:
    """Today's provinces and communes valid from `start` instead of 01/7/2025, unless another unit
    bore their code before or they have recorded predecessors. Returns how many were moved."""
    older = Unit.objects.filter(
        Q(valid_from__isnull=True) | Q(valid_from__lt=NATIONAL_LIST_EFFECTIVE),
        level=OuterRef("level"),
        code=OuterRef("code"),
    )
    predecessors = UnitSuccession.objects.filter(successor=OuterRef("pk"))
    movable = (
        Unit.objects.filter(level__in=(Level.PROVINCE, Level.COMMUNE), valid_from=NATIONAL_LIST_EFFECTIVE)
        .exclude(Exists(older))
        .exclude(Exists(predecessors))
    )
    moved, now = list(movable), timezone.now()
    for unit in moved:
        unit.valid_from = start
        unit.source = (unit.source + BACKDATED_NOTE)[:300]
        unit.updated_at = now  # bulk_update does not fire auto_now
    Unit.objects.bulk_update(moved, ["valid_from", "source", "updated_at"], batch_size=1_000)
    return len(moved)


class CommuneFigures:
    """One commune's synthetic path: a population growing each year, a rate on its own trend."""

    def __init__(self, seed: int, code: str):
        draw = rng(seed, "commune", code)
        self.base_population = draw.randint(8_000, 60_000)
        self.growth = draw.uniform(0.002, 0.015)
        self.base_rate = draw.uniform(LOWEST + 0.5, 97.0)
        self.trend = draw.uniform(-0.6, 1.4)  # points a year
        self.monthly = rng(seed, "months", code)
        self._months_drawn: list[float] = []

    def population(self, year: int) -> int:
        return round(self.base_population * (1 + self.growth) ** (year - FIRST_MONTH.year))

    def rate(self, month: dt.date) -> float:
        """The rate of a month; each month's noise is drawn in order from 01/2021 so that a month
        has the same value whichever month the load stops at."""
        index = (month.year - FIRST_MONTH.year) * 12 + month.month - 1
        while len(self._months_drawn) <= index:
            self._months_drawn.append(self.monthly.gauss(0, 0.15))
        value = self.base_rate + self.trend * index / 12 + self._months_drawn[index]
        return min(HIGHEST, max(LOWEST, value))

    def enrolled(self, month: dt.date) -> int:
        return round(self.population(month.year) * self.rate(month) / 100)


@transaction.atomic
def load_figures(
    *, seed: int, provinces: list[str] | None = None, last: dt.date | None = None, batch_size: int = 5_000
) -> dict[str, int]:
    """Populations and counts for today's communes (of the given provinces), from their first
    month in force (not before 01/2021) to `last`: only the (commune, year) and (commune, month)
    pairs that have none yet, so running again later adds the months since."""
    last = last or last_ended_month()
    communes = todays(Level.COMMUNE).order_by("code")
    if provinces:
        communes = communes.filter(parent__code__in=provinces)
    communes = list(communes.values_list("pk", "code", "valid_from"))
    ids = [pk for pk, _code, _start in communes]
    have_population = set(Population.objects.filter(unit_id__in=ids).values_list("unit_id", "year"))
    have_count = set(Enrollment.objects.filter(unit_id__in=ids, month__gte=FIRST_MONTH).values_list("unit_id", "month"))
    now = timezone.now()
    populations, counts = [], []
    for pk, code, valid_from in communes:
        figures = CommuneFigures(seed, code)
        first = max(FIRST_MONTH, (valid_from or FIRST_MONTH).replace(day=1))
        for year in range(first.year, last.year + 1):
            if (pk, year) not in have_population:
                populations.append(
                    Population(
                        unit_id=pk,
                        year=year,
                        population=figures.population(year),
                        source=SOURCE,
                        as_of=dt.date(year, 1, 1),
                        is_synthetic=True,
                        entered_at=now,
                    )
                )
        for month in months_between(first, last):
            if (pk, month) not in have_count:
                counts.append(
                    Enrollment(
                        unit_id=pk,
                        month=month,
                        enrolled=figures.enrolled(month),
                        source=SOURCE,
                        is_synthetic=True,
                        entered_at=now,
                        version=1,
                    )
                )
    return {
        "communes": len(communes),
        "populations": insert(Population, populations, batch_size),
        "enrollments": insert(Enrollment, counts, batch_size),
    }


def has_todays_figures() -> bool:
    return Enrollment.objects.filter(is_synthetic=True, source=SOURCE).exists()


@transaction.atomic
def delete_figures() -> None:
    """The synthetic counts, populations and documents (the real units and documents stay)."""
    TargetDocument.objects.filter(is_synthetic=True).delete()
    Enrollment.objects.filter(is_synthetic=True, source=SOURCE).delete()
    Population.objects.filter(is_synthetic=True, source=SOURCE).delete()
