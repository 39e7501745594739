"""Load the two source documents' data from `fixtures/` (idempotent: running twice changes nothing)."""

import datetime as dt
import json
from decimal import Decimal

from django.db import transaction

from communes.models import Enrollment, Level, Population, Unit
from communes.numbers import parse_count, parse_rate
from communes.seed import FIXTURES, directive_05_communes, read_csv

from .models import (
    Cohort,
    CohortCommune,
    CohortSubTarget,
    FigureKind,
    ReportedFigure,
    Target,
    TargetDocument,
)


def _unit(ref: dict, on: dt.date) -> Unit:
    unit = Unit.objects.resolve(ref["level"], ref["code"], on)
    if unit is None:
        raise ValueError(f"no {ref['level']} {ref['code']} on {on}")
    return unit


@transaction.atomic
def load_documents() -> list[TargetDocument]:
    with open(FIXTURES / "documents.json", encoding="utf-8") as handle:
        data = json.load(handle)
    return [_load_document(spec) for spec in data["documents"]]


def _load_document(spec: dict) -> TargetDocument:
    issued_on = dt.date.fromisoformat(spec["issued_on"])
    document, _ = TargetDocument.objects.update_or_create(
        number=spec["number"],
        issued_on=issued_on,
        defaults=dict(
            kind=spec["kind"],
            issuer=spec["issuer"],
            signer=spec.get("signer", ""),
            title=spec["title"],
            annex_title=spec.get("annex_title", ""),
            note=spec.get("note", ""),
            scope=_unit(spec["scope"], issued_on),
        ),
    )
    for target in spec.get("targets", []):
        Target.objects.update_or_create(
            document=document,
            unit=_unit(target["unit"], issued_on),
            year=target["year"],
            defaults=dict(rate=Decimal(target["rate"]), comparison=target["comparison"], wording=target["wording"]),
        )
    for figure in spec.get("figures", []):
        ReportedFigure.objects.update_or_create(
            document=document,
            unit=_unit(figure["unit"], issued_on),
            kind=figure["kind"],
            is_plan=False,
            as_of=dt.date.fromisoformat(figure["as_of"]),
            defaults=dict(
                year=figure["year"],
                rate=Decimal(figure["rate"]),
                comparison=figure["comparison"],
                wording=figure["wording"],
            ),
        )
    if "cohort" in spec:
        _load_cohort(document, spec["cohort"], issued_on)
    if "annex" in spec:
        _load_annex(document, spec["annex"], issued_on)
    years = sorted(set(document.targets.values_list("year", flat=True)))
    if years and (document.first_year, document.last_year) != (years[0], years[-1]):
        document.first_year, document.last_year = years[0], years[-1]
        document.save(update_fields=["first_year", "last_year", "updated_at"])
    return document


def _load_cohort(document: TargetDocument, spec: dict, on: dt.date) -> None:
    cohort, _ = Cohort.objects.update_or_create(
        document=document,
        name=spec["name"],
        defaults=dict(size=spec["size"], since=dt.date.fromisoformat(spec["since"])),
    )
    for sub in spec["sub_targets"]:
        CohortSubTarget.objects.update_or_create(
            cohort=cohort,
            part=sub["part"],
            defaults=dict(
                rate=Decimal(sub["rate"]),
                comparison=sub["comparison"],
                by=dt.date.fromisoformat(sub["by"]),
                wording=sub["wording"],
            ),
        )
    for code in directive_05_communes():
        CohortCommune.objects.get_or_create(cohort=cohort, unit=Unit.objects.resolve(Level.COMMUNE, code, on))


def _load_annex(document: TargetDocument, spec: dict, on: dt.date) -> None:
    """The annex as printed: each commune's result year and plan years, and the total rows."""
    result_year = spec["result_year"]
    year_end = dt.date(result_year, 12, 31)
    for row in read_csv(spec["file"]):
        unit = Unit.objects.resolve(Level.COMMUNE, row["commune_code"], on)
        number, printed = int(row["tt"]), row["printed_name"]
        population = parse_count(row[f"population_{result_year}"])
        enrolled = parse_count(row[f"enrolled_{result_year}"])
        ReportedFigure.objects.update_or_create(
            document=document,
            unit=unit,
            kind=FigureKind.YEAR_RESULT,
            is_plan=False,
            as_of=year_end,
            defaults=dict(
                year=result_year,
                population=population,
                enrolled=enrolled,
                rate=parse_rate(row[f"rate_{result_year}"]),
                printed_name=printed,
                row_number=number,
            ),
        )
        # The year's result is also the stored count: population of the year, enrolled at year end.
        Population.objects.get_or_create(
            unit=unit, year=result_year, defaults=dict(population=population, source=spec["source"], as_of=year_end)
        )
        Enrollment.objects.get_or_create(
            unit=unit,
            month=dt.date(result_year, 12, 1),
            defaults=dict(enrolled=enrolled, source=spec["source"]),
        )
        for year in spec["plan_years"]:
            Target.objects.update_or_create(
                document=document,
                unit=unit,
                year=year,
                defaults=dict(
                    rate=parse_rate(row[f"rate_{year}"]),
                    comparison="gte",
                    planned_population=parse_count(row[f"population_{year}"]),
                    planned_enrolled=parse_count(row[f"enrolled_{year}"]),
                    row_number=number,
                    printed_name=printed,
                ),
            )
    for total in spec["total_rows"]:
        ReportedFigure.objects.update_or_create(
            document=document,
            unit=document.scope,
            kind=FigureKind.TOTAL_ROW,
            is_plan=total["is_plan"],
            as_of=dt.date(total["year"], 12, 31),
            defaults=dict(
                year=total["year"],
                population=total["population"],
                enrolled=total["enrolled"],
                rate=Decimal(total["rate"]),
                wording=total["wording"],
                garbled=total.get("garbled", False),
                printed_name="Tổng cộng",
            ),
        )
