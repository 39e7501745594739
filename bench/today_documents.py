"""The year's synthetic documents on today's country: the national decision (a rate for every
province), a national plan listing every commune (the 3.321-row annex the exports are measured on)
and each province's plan for its communes, each with the previous year's results as its annex
prints them. All marked `is_synthetic`; made once per year and kept."""

import datetime as dt
from decimal import Decimal

from django.db import transaction

from communes.models import Enrollment, Level, Population, Unit
from targets.models import Comparison, DocumentKind, FigureKind, ReportedFigure, Target, TargetDocument

from .history_documents import rate
from .loading import insert
from .today import HIGHEST, LOWEST, rng, todays

NOTE = (
    "[DỮ LIỆU MÔ PHỎNG] Văn bản sinh tự động để đo hiệu năng trên danh mục đơn vị hiện hành; không phải văn bản thật."
)


def national_decision_number(year: int) -> str:
    return f"{year}/QĐ-TTg-MP"


def national_plan_number(year: int) -> str:
    return f"{year}/KH-MP-TQ"


def province_plan_number(code: str, year: int) -> str:
    return f"{code}-{year}/KH-MP"


class _Plan:
    """Each commune's rate for the year, a little above (or below) its last year's result."""

    def __init__(self, *, seed: int, year: int, provinces: list[str] | None):
        communes = todays(Level.COMMUNE, dt.date(year, 1, 1)).select_related("parent").order_by("code")
        if provinces:
            communes = communes.filter(parent__code__in=provinces)
        self.communes = list(communes)
        ids = [c.pk for c in self.communes]
        december = dt.date(year - 1, 12, 1)
        self.result = dict(
            Enrollment.objects.filter(unit_id__in=ids, month=december).values_list("unit_id", "enrolled")
        )
        self.last_population = dict(
            Population.objects.filter(unit_id__in=ids, year=year - 1).values_list("unit_id", "population")
        )
        self.population = dict(
            Population.objects.filter(unit_id__in=ids, year=year).values_list("unit_id", "population")
        )
        self.rates: dict[int, Decimal] = {}
        for commune in self.communes:
            if commune.pk in self.result and commune.pk in self.population and commune.pk in self.last_population:
                reached = 100 * self.result[commune.pk] / self.last_population[commune.pk]
                wanted = reached + rng(seed, "target", commune.code, year).uniform(-0.3, 1.6)
                self.rates[commune.pk] = rate(min(HIGHEST, max(LOWEST, wanted)))

    def planned(self, commune: Unit) -> tuple[int, int]:
        people = self.population[commune.pk]
        return people, round(self.rates[commune.pk] * people / 100)

    def planned_sum(self, communes: list[Unit]) -> Decimal | None:
        planned = [self.planned(c) for c in communes if c.pk in self.rates]
        people = sum(p for p, _ in planned)
        return rate(100 * sum(e for _, e in planned) / people) if people else None

    def by_province(self) -> dict[Unit, list[Unit]]:
        grouped: dict[Unit, list[Unit]] = {}
        for commune in self.communes:
            grouped.setdefault(commune.parent, []).append(commune)
        return grouped


def _document(
    number: str, issued_on: dt.date, scope: Unit, *, kind: str, title: str, annex_title: str, year: int
) -> tuple[TargetDocument, bool]:
    return TargetDocument.objects.get_or_create(
        number=number,
        issued_on=issued_on,
        defaults=dict(
            kind=kind,
            scope=scope,
            issuer="[MÔ PHỎNG] "
            + ("Thủ tướng Chính phủ" if scope.level == Level.COUNTRY else f"UBND {scope.full_name}"),
            signer="(mô phỏng)",
            title=title,
            annex_title=annex_title,
            note=NOTE,
            first_year=year,
            last_year=year,
            is_synthetic=True,
        ),
    )


def _commune_rows(document: TargetDocument, plan: _Plan, communes: list[Unit], year: int):
    """The document's commune rows: the plan and the previous year's result, numbered in code order."""
    targets, results = [], []
    for number, commune in enumerate((c for c in communes if c.pk in plan.rates), start=1):
        people, enrolled = plan.planned(commune)
        targets.append(
            Target(
                document_id=document.pk,
                unit_id=commune.pk,
                year=year,
                rate=plan.rates[commune.pk],
                comparison=Comparison.AT_LEAST,
                planned_population=people,
                planned_enrolled=enrolled,
                row_number=number,
                printed_name=commune.full_name,
            )
        )
        result_population, result = plan.last_population[commune.pk], plan.result[commune.pk]
        results.append(
            ReportedFigure(
                document_id=document.pk,
                unit_id=commune.pk,
                kind=FigureKind.YEAR_RESULT,
                year=year - 1,
                as_of=dt.date(year - 1, 12, 31),
                population=result_population,
                enrolled=result,
                rate=rate(100 * result / result_population),
                row_number=number,
                printed_name=commune.full_name,
                comparison="",
            )
        )
    return targets, results


@transaction.atomic
def ensure_documents(*, seed: int, year: int, provinces: list[str] | None = None) -> dict[str, int]:
    """The year's national decision, national plan of every commune and province plans, each made
    only if absent. Returns how many documents and targets were made."""
    plan = _Plan(seed=seed, year=year, provinces=provinces)
    country = Unit.objects.country()
    made = {"documents": 0, "targets": 0}
    grouped = plan.by_province()

    def write(document: TargetDocument, targets: list[Target], results: list[ReportedFigure]) -> None:
        made["documents"] += 1
        made["targets"] += insert(Target, targets)
        insert(ReportedFigure, results)

    decision, created = _document(
        national_decision_number(year),
        dt.date(year - 1, 12, 20),
        country,
        kind=DocumentKind.DECISION,
        year=year,
        title=f"[MÔ PHỎNG] Giao chỉ tiêu bao phủ bảo hiểm y tế năm {year} cho các tỉnh, thành phố",
        annex_title=f"CHỈ TIÊU TỶ LỆ BAO PHỦ BHYT NĂM {year} GIAO CÁC TỈNH, THÀNH PHỐ (MÔ PHỎNG)",
    )
    if created:
        targets = [
            Target(
                document_id=decision.pk,
                unit_id=country.pk,
                year=year,
                rate=plan.planned_sum(plan.communes),
                wording="Toàn quốc (mô phỏng)",
            )
        ]
        for number, (province, communes) in enumerate(sorted(grouped.items(), key=lambda i: i[0].code), start=1):
            shaved = plan.planned_sum(communes) - rate(rng(seed, "decision", province.code, year).uniform(0, 0.3))
            targets.append(
                Target(
                    document_id=decision.pk,
                    unit_id=province.pk,
                    year=year,
                    row_number=number,
                    rate=max(Decimal(LOWEST), shaved),
                    printed_name=province.full_name,
                )
            )
        write(decision, targets, [])
    national, created = _document(
        national_plan_number(year),
        dt.date(year, 1, 5),
        country,
        kind=DocumentKind.PLAN,
        year=year,
        title=f"[MÔ PHỎNG] Kế hoạch bao phủ bảo hiểm y tế năm {year} của cả nước, chi tiết đến từng xã",
        annex_title=f"CHỈ TIÊU BAO PHỦ BHYT NĂM {year} CỦA TỪNG XÃ, PHƯỜNG, ĐẶC KHU (MÔ PHỎNG)",
    )
    if created:
        targets, results = _commune_rows(national, plan, plan.communes, year)
        targets.append(
            Target(
                document_id=national.pk,
                unit_id=country.pk,
                year=year,
                rate=plan.planned_sum(plan.communes),
                wording="Toàn quốc (mô phỏng)",
            )
        )
        write(national, targets, results)
    for province, communes in sorted(grouped.items(), key=lambda item: item[0].code):
        document, created = _document(
            province_plan_number(province.code, year),
            dt.date(year, 1, 15),
            province,
            kind=DocumentKind.PLAN,
            year=year,
            title=f"[MÔ PHỎNG] Kế hoạch bao phủ bảo hiểm y tế năm {year} – {province.full_name}",
            annex_title=f"CHỈ TIÊU BAO PHỦ BHYT NĂM {year} GIAO CÁC XÃ, PHƯỜNG (MÔ PHỎNG)",
        )
        if created:
            targets, results = _commune_rows(document, plan, communes, year)
            targets.append(
                Target(
                    document_id=document.pk,
                    unit_id=province.pk,
                    year=year,
                    rate=plan.planned_sum(communes),
                    wording="UBND tỉnh giao (mô phỏng)",
                )
            )
            write(document, targets, results)
    return made
