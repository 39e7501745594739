"""The old country's plans: one per district (its communes' annex, like Plan 231), one per province
(every commune under it) and one national plan of every commune (about 10.600 annex rows), all
marked synthetic."""

import datetime as dt
from collections.abc import Iterator
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction

from communes.models import Level, Unit
from targets.models import Comparison, DocumentKind, FigureKind, ReportedFigure, Target, TargetDocument

from .loading import insert

DOCUMENT_NOTE = "[DỮ LIỆU MÔ PHỎNG] Văn bản sinh tự động để đo hiệu năng; không phải văn bản thật."
NATIONAL_PLAN_NUMBER = "TQ/KH-MP"
ISSUED_ON = dt.date(2022, 7, 14)


def rate(value: float) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _plan(number: str, label: str, scope_id: int) -> TargetDocument:
    return TargetDocument(
        kind=DocumentKind.PLAN,
        number=number,
        issued_on=ISSUED_ON,
        issuer=f"UBND {label}",
        title=f"[MÔ PHỎNG] Kế hoạch thực hiện chỉ tiêu bao phủ BHYT giai đoạn 2022 – 2025 – {label}",
        scope_id=scope_id,
        annex_title=f"CHỈ TIÊU BAO PHỦ BHYT TRÊN ĐỊA BÀN {label.upper()} (MÔ PHỎNG)",
        note=DOCUMENT_NOTE,
        first_year=2022,
        last_year=2025,
        is_synthetic=True,
    )


def load_plans(country, ids: dict[str, int], batch_size: int) -> dict[str, int]:
    """A plan per district and per province; returns how many documents, targets and figures."""
    communes_of: dict[str, list[str]] = {}
    for code, _name, district in country.communes:
        communes_of.setdefault(district, []).append(code)
    province_communes: dict[str, list[str]] = {}
    for code, _name, province in country.districts:
        province_communes.setdefault(province, []).extend(communes_of.get(code, []))
    scopes = [(code, f"Huyện {name}", communes_of.get(code, [])) for code, name, _p in country.districts]
    scopes += [(code, f"Tỉnh {name}", province_communes.get(code, [])) for code, name in country.provinces]
    documents = TargetDocument.objects.bulk_create(
        [_plan(f"{index}/KH-UBND-MP", label, ids[code]) for index, (code, label, _c) in enumerate(scopes, start=1)],
        batch_size=1_000,
    )
    if any(document.pk is None for document in documents):  # pragma: no cover - SQLite before 3.35
        documents = list(TargetDocument.objects.filter(note=DOCUMENT_NOTE).order_by("pk"))

    def targets() -> Iterator[Target]:
        for document, (code, _label, communes) in zip(documents, scopes, strict=True):
            for year, value in country.targets[code].items():
                yield Target(
                    document_id=document.pk,
                    unit_id=ids[code],
                    year=year,
                    rate=value,
                    comparison=Comparison.AT_LEAST,
                    wording="UBND tỉnh giao (mô phỏng)",
                )
            for row, commune in enumerate(communes, start=1):
                populations = country.figures[commune].populations
                for year, value in country.targets[code].items():
                    yield Target(
                        document_id=document.pk,
                        unit_id=ids[commune],
                        year=year,
                        rate=value,
                        comparison=Comparison.AT_LEAST,
                        planned_population=populations[year],
                        planned_enrolled=int(populations[year] * value / 100),
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
                    rate=rate(enrolled * 100 / population),
                    row_number=row,
                    printed_name=f"Xã {commune}",
                    comparison="",
                )

    return {
        "documents": len(documents),
        "targets": insert(Target, targets(), batch_size),
        "reported_figures": insert(ReportedFigure, figures(), batch_size),
    }


@transaction.atomic
def ensure_national_plan() -> TargetDocument:
    """A national plan whose annex lists every commune of the old country, numbered in code order:
    what the national annex export is measured on. Its rows are the provinces' plans copied, and
    the country's rate per year is the average of the provinces' (a synthetic figure like the rest).
    Idempotent: an existing one is returned unchanged."""
    existing = TargetDocument.objects.filter(number=NATIONAL_PLAN_NUMBER, is_synthetic=True).first()
    if existing is not None:
        return existing
    country = Unit.objects.country()
    document = _plan(NATIONAL_PLAN_NUMBER, "toàn quốc (mọi xã)", country.pk)
    document.issuer = "[MÔ PHỎNG] Toàn quốc"
    document.annex_title = "CHỈ TIÊU BAO PHỦ BHYT TOÀN QUỐC THEO XÃ (MÔ PHỎNG)"
    document.save()
    province_plans = TargetDocument.objects.filter(
        is_synthetic=True, scope__level=Level.PROVINCE, scope__is_synthetic=True
    ).exclude(pk=document.pk)
    communes = Unit.objects.filter(level=Level.COMMUNE, is_synthetic=True).order_by("code")
    row_of = {pk: row for row, pk in enumerate(communes.values_list("pk", flat=True), start=1)}
    provinces = Target.objects.filter(document__in=province_plans, unit__level=Level.PROVINCE)
    by_year: dict[int, list] = {}
    for year, value in provinces.values_list("year", "rate"):
        by_year.setdefault(year, []).append(value)
    own = [
        Target(
            document=document,
            unit=country,
            year=year,
            rate=round(sum(values) / len(values), 2),
            wording="Toàn quốc (mô phỏng)",
        )
        for year, values in sorted(by_year.items())
    ]
    Target.objects.bulk_create(own)
    targets = (
        Target(
            document_id=document.pk,
            unit_id=t.unit_id,
            year=t.year,
            rate=t.rate,
            comparison=t.comparison,
            planned_population=t.planned_population,
            planned_enrolled=t.planned_enrolled,
            row_number=row_of[t.unit_id],
            printed_name=t.printed_name,
            wording=t.wording,
        )
        for t in Target.objects.filter(document__in=province_plans, unit__in=communes).iterator(chunk_size=5_000)
    )
    figures = (
        ReportedFigure(
            document_id=document.pk,
            unit_id=f.unit_id,
            kind=f.kind,
            year=f.year,
            as_of=f.as_of,
            population=f.population,
            enrolled=f.enrolled,
            rate=f.rate,
            row_number=row_of[f.unit_id],
            printed_name=f.printed_name,
            comparison=f.comparison,
        )
        for f in ReportedFigure.objects.filter(document__in=province_plans, unit__in=communes).iterator(
            chunk_size=5_000
        )
    )
    insert(Target, targets)
    insert(ReportedFigure, figures)
    return document
