"""Does a document's annex agree with itself? Printed figures against the counts they print.

The annex was rounded by hand and its totals were typed: the portal shows every difference
instead of hiding it. Sums run in the database.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Sum
from django.utils.translation import gettext as _

from targets.models import FigureKind, Target, TargetDocument

from . import coverage
from .formatting import fmt_decimal
from .formatting import fmt_int as n
from .formatting import fmt_rate as pct

TOLERANCE = Decimal("0.005")  # printed rates carry two decimals
ROUNDING_POINTS = Decimal("0.05")  # a row's printed rate this close to its counts was rounded by hand


@dataclass(frozen=True)
class Finding:
    check: str  # printed_rate | total_population | total_enrolled | total_rate | plan_below_target | missing_plan
    year: int
    label: str
    printed: object
    computed: object
    message: str

    @property
    def rounding(self) -> bool:
        """A row's printed rate off its own counts by no more than ROUNDING_POINTS: rounding, read
        after what matters (totals that do not add up, plans below the target, rates further off)."""
        if self.check != "printed_rate" or self.printed is None or self.computed is None:
            return False
        return abs(Decimal(self.printed) - Decimal(self.computed)) <= ROUNDING_POINTS


def material_first(findings: list[Finding]) -> tuple[list[Finding], list[Finding]]:
    """The findings that matter, then the rounding ones (each list in the checks' order)."""
    return [f for f in findings if not f.rounding], [f for f in findings if f.rounding]


def check_document(document: TargetDocument) -> list[Finding]:
    findings: list[Finding] = []
    findings += _printed_rates(document)
    findings += _totals(document)
    findings += _plan_against_district_target(document)
    return findings


def _rate_differs(printed: Decimal | None, enrolled: int | None, population: int | None) -> Decimal | None:
    computed = coverage.coverage_rate(enrolled=enrolled, population=population)
    if printed is None or computed is None or abs(printed - computed) < TOLERANCE:
        return None
    return computed


def _printed_rates(document: TargetDocument) -> list[Finding]:
    findings = []
    figures = document.figures.filter(kind=FigureKind.YEAR_RESULT).select_related("unit").order_by("row_number")
    for figure in figures:
        computed = _rate_differs(figure.rate, figure.enrolled, figure.population)
        if computed is not None:
            findings.append(
                Finding(
                    "printed_rate",
                    figure.year,
                    figure.printed_name or figure.unit.name,
                    figure.rate,
                    computed,
                    _("Tỷ lệ in %(printed)s nhưng %(enrolled)s ÷ %(population)s = %(computed)s")
                    % dict(
                        printed=pct(figure.rate),
                        enrolled=n(figure.enrolled),
                        population=n(figure.population),
                        computed=pct(computed),
                    ),
                )
            )
    plans = (
        document.targets.filter(planned_population__isnull=False).select_related("unit").order_by("year", "row_number")
    )
    for target in plans:
        computed = _rate_differs(target.rate, target.planned_enrolled, target.planned_population)
        if computed is not None:
            findings.append(
                Finding(
                    "printed_rate",
                    target.year,
                    target.printed_name or target.unit.name,
                    target.rate,
                    computed,
                    _("Tỷ lệ kế hoạch in %(printed)s nhưng %(enrolled)s ÷ %(population)s = %(computed)s")
                    % dict(
                        printed=pct(target.rate),
                        enrolled=n(target.planned_enrolled),
                        population=n(target.planned_population),
                        computed=pct(computed),
                    ),
                )
            )
    return findings


def row_sums(document: TargetDocument) -> dict[tuple[int, bool], dict]:
    """Column sums of the annex rows per (year, is_plan), computed by the database."""
    sums: dict[tuple[int, bool], dict] = {}
    results = (
        document.figures.filter(kind=FigureKind.YEAR_RESULT)
        .values("year")
        .annotate(population=Sum("population"), enrolled=Sum("enrolled"), rows=Count("pk"))
    )
    for row in results:
        sums[(row["year"], False)] = row
    plans = (
        document.targets.filter(planned_population__isnull=False)
        .values("year")
        .annotate(population=Sum("planned_population"), enrolled=Sum("planned_enrolled"), rows=Count("pk"))
    )
    for row in plans:
        sums[(row["year"], True)] = row
    return sums


def _totals(document: TargetDocument) -> list[Finding]:
    findings = []
    sums = row_sums(document)
    totals = document.figures.filter(kind=FigureKind.TOTAL_ROW).order_by("year")
    for total in totals:
        summed = sums.get((total.year, total.is_plan))
        if not summed:
            continue
        label = _("Tổng cộng %(year)s") % {"year": total.year}
        for column, name in (("population", _("dân số")), ("enrolled", _("số người tham gia"))):
            printed = getattr(total, column)
            if printed is not None and printed != summed[column]:
                findings.append(
                    Finding(
                        f"total_{column}",
                        total.year,
                        label,
                        printed,
                        summed[column],
                        _("Dòng tổng in %(name)s %(printed)s nhưng cộng các dòng được %(computed)s")
                        % dict(name=name, printed=n(printed), computed=n(summed[column])),
                    )
                )
        computed = coverage.coverage_rate(enrolled=summed["enrolled"], population=summed["population"])
        if total.rate is not None and computed is not None and abs(total.rate - computed) >= TOLERANCE:
            findings.append(
                Finding(
                    "total_rate",
                    total.year,
                    label,
                    total.rate,
                    computed,
                    _("Dòng tổng in tỷ lệ %(printed)s nhưng %(enrolled)s ÷ %(population)s = %(computed)s")
                    % dict(
                        printed=pct(total.rate),
                        enrolled=n(summed["enrolled"]),
                        population=n(summed["population"]),
                        computed=pct(computed),
                    ),
                )
            )
    return findings


def _plan_against_district_target(document: TargetDocument) -> list[Finding]:
    """The communes' planned enrolled, summed, against the rate assigned to the district."""
    findings = []
    sums = row_sums(document)
    district_targets = Target.objects.filter(document=document, unit=document.scope).order_by("year")
    for target in district_targets:
        summed = sums.get((target.year, True))
        label = _("Kế hoạch các xã %(year)s") % {"year": target.year}
        if not summed:
            if sums:
                findings.append(
                    Finding(
                        "missing_plan",
                        target.year,
                        label,
                        target.rate,
                        None,
                        _("Văn bản giao %(rate)s cho năm %(year)s nhưng phụ lục không có số của các xã")
                        % dict(rate=pct(target.rate), year=target.year),
                    )
                )
            continue
        gap = coverage.gap_people(target_rate=target.rate, population=summed["population"], enrolled=summed["enrolled"])
        if gap:
            # Three decimals: at two, 96,046% would print as the 96,05% it falls short of.
            computed = coverage.coverage_rate(enrolled=summed["enrolled"], population=summed["population"], places=3)
            findings.append(
                Finding(
                    "plan_below_target",
                    target.year,
                    label,
                    target.rate,
                    computed,
                    _("Kế hoạch các xã cộng lại đạt %(computed)s, thấp hơn mức giao %(rate)s (thiếu %(gap)s người)")
                    % dict(computed=fmt_decimal(computed, 3) + "%", rate=pct(target.rate), gap=n(gap)),
                )
            )
    return findings
