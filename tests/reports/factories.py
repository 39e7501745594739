"""Small make_* helpers for dashboards: a province, a district and its communes with figures."""

import datetime as dt
from decimal import Decimal

from communes.models import Enrollment, Level, Population, Unit
from targets.models import Target, TargetDocument


def make_district(code: str, communes: int, *, months: int = 12, year: int = 2023, province_code: str = "") -> Unit:
    """A district of `communes` communes under a new province, each with a population for the
    year and the year before and `months` monthly counts in both (bulk, so 300 communes is quick)."""
    province, _ = Unit.objects.get_or_create(
        level=Level.PROVINCE, code=province_code or f"P{code}", defaults=dict(kind="Tỉnh", name=f"Thử {code}")
    )
    district = Unit.objects.create(level=Level.DISTRICT, code=code, kind="Huyện", name=f"Thử {code}", parent=province)
    units = Unit.objects.bulk_create(
        Unit(level=Level.COMMUNE, code=f"{code}{n:04d}", kind="Xã", name=f"Xã thử {n}", parent=district)
        for n in range(communes)
    )
    Population.objects.bulk_create(
        Population(unit=u, year=y, population=900 + 10 * i) for i, u in enumerate(units) for y in (year - 1, year)
    )
    Enrollment.objects.bulk_create(
        Enrollment(unit=u, month=dt.date(y, m, 1), enrolled=800 + i + m)
        for i, u in enumerate(units)
        for y in (year - 1, year)
        for m in range(1, months + 1)
    )
    return district


def make_document(
    scope: Unit, *, year: int = 2023, rate: str = "95.00", annex: bool = True, units=None
) -> TargetDocument:
    """A plan for the district with a target for it and, with annex=True, a row per commune (or per
    unit of `units`: a national plan that lists communes)."""
    document = TargetDocument.objects.create(
        kind="plan",
        number=f"{scope.code}/KH",
        issued_on=dt.date(year, 1, 5),
        issuer="UBND thử",
        title="Kế hoạch thử",
        scope=scope,
    )
    Target.objects.create(document=document, unit=scope, year=year, rate=Decimal(rate))
    if annex:
        Target.objects.bulk_create(
            Target(
                document=document,
                unit=u,
                year=year,
                rate=Decimal("90.00"),
                planned_population=1000,
                planned_enrolled=900,
                row_number=n,
                printed_name=u.name,
            )
            for n, u in enumerate((scope.children if units is None else units).order_by("code"), start=1)
        )
    return document
