"""A target document's annex as printed, row by row, beside what its own counts compute to.

A fixed number of queries whatever the number of rows; rates come from `coverage`.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Exists, OuterRef

from communes.models import Unit
from targets.models import FigureKind, Target, TargetDocument

from . import coverage, series
from .consistency import TOLERANCE, row_sums


@dataclass
class AnnexCell:
    year: int
    is_plan: bool
    population: int | None
    enrolled: int | None
    printed_rate: Decimal | None
    garbled: bool = False

    @property
    def computed_rate(self) -> Decimal | None:
        return coverage.coverage_rate(enrolled=self.enrolled, population=self.population)

    @property
    def differs(self) -> bool:
        computed = self.computed_rate
        return self.printed_rate is not None and computed is not None and abs(self.printed_rate - computed) >= TOLERANCE


@dataclass
class AnnexRow:
    number: int | None
    printed_name: str
    unit: object
    cells: dict[tuple[int, bool], AnnexCell] = field(default_factory=dict)

    def cells_in(self, columns) -> list[AnnexCell | None]:
        return [self.cells.get(column) for column in columns]


@dataclass
class Annex:
    columns: list[tuple[int, bool]]
    rows: list[AnnexRow]
    printed_totals: list[AnnexCell | None]
    summed_totals: list[AnnexCell | None]
    targets: list[Target]
    prints_plan: bool = False  # per-commune plan rows: its workbook is the signed layout, not a form

    @property
    def empty(self) -> bool:
        return not self.rows


def document_annex(document: TargetDocument) -> Annex:
    rows: dict[int, AnnexRow] = {}
    columns: set[tuple[int, bool]] = set()
    figures = document.figures.filter(kind=FigureKind.YEAR_RESULT).select_related("unit").order_by("row_number")
    for figure in figures:
        row = rows.setdefault(figure.unit_id, AnnexRow(figure.row_number, figure.printed_name, figure.unit))
        row.cells[(figure.year, False)] = AnnexCell(figure.year, False, figure.population, figure.enrolled, figure.rate)
        columns.add((figure.year, False))
    targets = list(document.targets.select_related("unit").order_by("year", "row_number", "unit__code"))
    for target in targets:
        if target.planned_population is None:
            continue
        row = rows.setdefault(target.unit_id, AnnexRow(target.row_number, target.printed_name, target.unit))
        row.cells[(target.year, True)] = AnnexCell(
            target.year, True, target.planned_population, target.planned_enrolled, target.rate
        )
        columns.add((target.year, True))
    ordered = sorted(columns)
    printed = {
        (total.year, total.is_plan): AnnexCell(
            total.year, total.is_plan, total.population, total.enrolled, total.rate, total.garbled
        )
        for total in document.figures.filter(kind=FigureKind.TOTAL_ROW)
    }
    sums = row_sums(document)
    summed = {
        key: AnnexCell(key[0], key[1], value["population"], value["enrolled"], None) for key, value in sums.items()
    }
    return Annex(
        columns=ordered,
        rows=sorted(rows.values(), key=lambda r: (r.number is None, r.number or 0, r.printed_name)),
        printed_totals=[printed.get(c) for c in ordered],
        summed_totals=[summed.get(c) for c in ordered],
        targets=[t for t in targets if t.planned_population is None],
        prints_plan=any(t.planned_population is not None for t in targets),
    )


def with_annex_flag(documents):
    """has_annex: the document prints per-commune plan rows (a directive has none: its workbook
    is a blank form to fill in, and must not be offered as the signed layout)."""
    rows = Target.objects.filter(document=OuterRef("pk"), planned_population__isnull=False)
    return documents.annotate(has_annex=Exists(rows))


def unit_documents(unit: Unit) -> list[TargetDocument]:
    """The documents scoped to a district or province, latest first, each with `has_annex` (one
    query): a dashboard lists them with their workbooks."""
    return list(with_annex_flag(TargetDocument.objects.filter(scope=unit)).order_by("-issued_on"))


def superseded_by(document: TargetDocument, unit_ids=None) -> dict[tuple[int, int], TargetDocument]:
    """(unit id, year) → the later document whose target for that unit and year replaces this one's
    (the latest issued applies; both stay visible). Two queries."""
    from .tables_data import latest_targets

    mine = document.targets.all() if unit_ids is None else document.targets.filter(unit__in=unit_ids)
    pairs = list(mine.values_list("unit_id", "year"))
    out = {}
    for year in {year for _unit, year in pairs}:
        latest = latest_targets([unit for unit, y in pairs if y == year], year)
        for unit_id, target in latest.items():
            if target.document_id != document.pk:
                out[(unit_id, year)] = target.document
    return out


@dataclass
class Snapshot:
    """A figure the document states (a rate at a date) beside the stored counts' rate that month."""

    figure: object
    computed: "series.MonthSum | None"

    @property
    def computed_rate(self) -> Decimal | None:
        return self.computed.rate if self.computed else None

    @property
    def differs(self) -> bool:
        printed, computed = self.figure.rate, self.computed_rate
        if printed is None or computed is None:
            return False
        if self.figure.comparison == "gt":
            return computed <= printed
        return abs(printed - computed) >= TOLERANCE


def reported_snapshots(document: TargetDocument) -> list[Snapshot]:
    """The document's dated figures (above 99% in 6/2021, 87,21% on 24/7/2021) beside the month's
    Σ enrolled ÷ Σ population over the unit's communes (two queries)."""
    figures = list(document.figures.filter(kind=FigureKind.SNAPSHOT).select_related("unit").order_by("as_of"))
    if not figures:
        return []
    months = [f.as_of.replace(day=1) for f in figures]
    sums = series.monthly_sums(Unit.objects.filter(parent=document.scope), start=min(months), end=max(months))
    return [Snapshot(figure=f, computed=sums.get(f.as_of.replace(day=1))) for f in figures]
