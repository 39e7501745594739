"""A unit's coverage as the dashboards compute it, written out for the API.

A year's figures are the page's own: the headline of the unit's dashboard (a district, a province
since 7/2025) or of its ranking page (the country, a province before the reform), and for a commune
its row in its parent's dashboard, all from reports.dashboard. A month's are the same arithmetic
(reports.coverage through reports.tables_data.CoverageRow) over that month's sums, with the
projection through the months up to it: at the year's latest month they equal the year's."""

import datetime as dt

from django.utils.translation import gettext as _

from communes.models import Level, Unit
from communes.periods import add_months, year_end, year_start
from reports import coverage, series
from reports.dashboard import Headline, area_dashboard, area_ranking
from reports.tables import STATUS_LABELS
from reports.tables_data import CoverageRow, latest_targets

from .lookup import month_text, number, unit_ref


def year_coverage(unit: Unit, year: int) -> dict | None:
    """None when the unit has no place on any page that year (a commune not in force then)."""
    if unit.level == Level.COMMUNE:
        row = (
            next((r for r in _page(unit.parent, year).table.rows if r.unit.pk == unit.pk), None)
            if unit.parent
            else None
        )
        return None if row is None else row_out(row, year=year)
    page = _page(unit, year)
    return headline_out(unit, page.headline, page.table.total, year=year)


def ranking(unit: Unit, year: int) -> dict:
    """The rows the unit's page ranks (communes, or districts, or provinces) and its totals."""
    page = _page(unit, year)
    return {
        "unit": unit_ref(unit),
        "year": year,
        "total": headline_out(unit, page.headline, page.table.total, year=year),
        "rows": [row_out(row, year=year, area=row.unit.level != Level.COMMUNE) for row in page.table.rows],
    }


def _page(unit: Unit, year: int):
    """What /country/, /provinces/<code>/ or /districts/<code>/ shows for the year (reports/views.py
    picks the same way: a province ranks its districts until it has communes of its own)."""
    if unit.level == Level.COUNTRY:
        return area_ranking(root=unit, areas=Unit.objects.provinces(), year=year, label=_("Toàn quốc"))
    own_communes = Unit.objects.communes().filter(parent=unit).in_force_during(year_start(year), year_end(year))
    if unit.level == Level.PROVINCE and not own_communes.exists():
        return area_ranking(
            root=unit, areas=Unit.objects.filter(parent=unit).districts(), year=year, label=unit.full_name
        )
    return area_dashboard(unit, year)


def headline_out(unit: Unit, headline: Headline, total: CoverageRow, *, year: int) -> dict:
    pending = headline.pending
    return {
        **_figures(headline, period="year", year=year, as_of=headline.month),
        "unit": unit_ref(unit),
        "target": _target(headline.target, inherited=False),
        "per_month_needed": headline.per_month,
        "previous_month_rate": number(total.previous_month_rate),
        "last_year_rate": number(total.last_year_rate),
        "reported": headline.reported,
        "expected": headline.expected,
        "pending": {"month": month_text(pending.month), "reported": pending.reported} if pending else None,
        "ends": headline.ends,
        "synthetic": headline.synthetic,
    }


def row_out(row: CoverageRow, *, year: int, period: str = "year", area: bool = False) -> dict:
    """A ranked row: a commune (reported 1 or 0 of 1), or a district or province of a ranking page,
    whose count of reporting communes the page does not show (null)."""
    both = row.enrolled is not None and row.population is not None
    return {
        **_figures(row, period=period, year=year, as_of=row.as_of),
        "unit": unit_ref(row.unit),
        "target": _target(row.target, inherited=row.target_inherited),
        "per_month_needed": coverage.per_month_needed(gap=row.gap_people, months_left=row.months_left or 0),
        "previous_month_rate": number(row.previous_month_rate),
        "last_year_rate": number(row.last_year_rate),
        "reported": None if area else int(both),
        "expected": None if area else 1,
        "pending": None,
        "rank": row.rank,
        "ends": coverage.ends_in_year(year=year, valid_to=row.unit.valid_to),
        "synthetic": row.synthetic,
    }


def _figures(figures, *, period: str, year: int, as_of: dt.date | None) -> dict:
    status = figures.status
    return {
        "period": period,
        "year": year,
        "as_of": month_text(as_of),
        "enrolled": figures.enrolled,
        "population": figures.population,
        "rate": number(figures.rate),
        "gap_points": number(figures.gap_points),
        "gap_people": figures.gap_people,
        "met": figures.met,
        "projected_rate": number(figures.projected_rate),
        "months_left": figures.months_left,
        "status": status,
        "status_label": str(STATUS_LABELS[status]) if status else None,
        "anomaly": figures.anomaly,
    }


def _target(target, *, inherited: bool) -> dict | None:
    if target is None:
        return None
    document = target.document
    return {
        "rate": number(target.rate),
        "comparison": target.comparison,
        "year": target.year,
        "inherited": inherited,
        "document": {
            "id": document.pk,
            "kind": document.kind,
            "number": document.number,
            "issued_on": document.issued_on,
            "title": document.title,
        },
    }


def month_coverage(unit: Unit, month: dt.date) -> dict:
    """The unit at one month: that month's sums against the year's target, projected from the
    months of the year up to it; reported and expected say how complete the month is."""
    year, last_month = month.year, coverage.final_month(year=month.year, valid_to=unit.valid_to)
    if unit.level == Level.COMMUNE:
        row, pairs, reported, expected = _commune_month(unit, month)
    else:
        row, pairs, reported, expected = _area_month(unit, month)
    if row.as_of is not None:
        row.months_left = coverage.months_left(latest_month=month.month, last_month=last_month)
        row.projected_rate = coverage.year_end_projection(
            months=pairs, population=row.population, last_month=last_month
        )
    out = row_out(row, year=year, period="month")
    out.update(reported=reported, expected=expected, rank=None, as_of=month_text(row.as_of))
    if unit.level != Level.COMMUNE:
        out["per_month_needed"] = coverage.per_month_needed(gap=row.gap_people, months_left=row.months_left or 0)
    return out


def _commune_month(unit: Unit, month: dt.date):
    before, year_before = add_months(month, -1), add_months(month, -12)
    figures = series.unit_month_figures([unit], months=[month, before, year_before])
    enrolled, population, synthetic = figures.get((unit.pk, month), (None, None, False))
    targets = latest_targets([unit.pk] + ([unit.parent_id] if unit.parent_id else []), month.year)
    target, inherited = targets.get(unit.pk), False
    if target is None and unit.parent_id in targets:  # as the dashboard: the parent's rate applies
        target, inherited = targets[unit.parent_id], True
    row = CoverageRow(
        unit=unit,
        label=unit.full_name,
        population=population,
        enrolled=enrolled,
        as_of=month if enrolled is not None else None,
        target=target,
        target_inherited=inherited,
        synthetic=bool(synthetic),
    )
    row.previous_month_rate = _rate(figures.get((unit.pk, before)))
    row.last_year_rate = _rate(figures.get((unit.pk, year_before)))
    pairs = [p for p in series.unit_months([unit], year=month.year).get(unit.pk, []) if p[0] <= month.month]
    both = enrolled is not None and population is not None
    return row, pairs, int(both), 1


def _area_month(unit: Unit, month: dt.date):
    sums = series.area_sums([unit], start=add_months(month, -12), end=month).get(unit.pk, {})
    current = sums.get(month)
    target = latest_targets([unit.pk], month.year).get(unit.pk)
    row = CoverageRow(
        unit=unit,
        label=unit.full_name,
        population=current.population if current else None,
        enrolled=current.enrolled if current else None,
        as_of=month if current else None,
        target=target,
        synthetic=bool(current and current.synthetic),
    )
    for attribute, shift in (("previous_month_rate", -1), ("last_year_rate", -12)):
        earlier = sums.get(add_months(month, shift))
        setattr(row, attribute, earlier.rate if earlier else None)
    # As the headline: the projection follows months reported by as many communes as this one.
    pairs = [
        (m.month, s.enrolled)
        for m, s in sorted(sums.items())
        if m.year == month.year and current and s.reported == current.reported
    ]
    expected = Unit.objects.communes().within(unit).in_force(month).count()
    return row, pairs, current.reported if current else 0, expected


def _rate(figure):
    return None if figure is None else coverage.coverage_rate(enrolled=figure[0], population=figure[1])
