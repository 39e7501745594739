"""A province's communes ranked for a year: as they stood that year, or as today's communes with
their predecessors' counts summed."""

import datetime as dt

from django.db.models import Q
from django.utils.translation import gettext as _

from communes.models import Unit
from communes.periods import year_end, year_start

from .lineage import lineages, year_figures
from .tables_data import CoverageRow, CoverageTable, latest_targets, rank_rows


def _communes_of(province: Unit):
    """Communes under the province directly (from 7/2025) or through a district (before)."""
    return Unit.objects.communes().filter(Q(parent=province) | Q(parent__parent=province)).select_related("parent")


def communes_then(province: Unit, year: int) -> CoverageTable:
    """The communes in force during the year, under their districts, each with its own records."""
    units = _communes_of(province).in_force_during(year_start(year), year_end(year)).with_year_figures(year)
    units = units.order_by("parent__code", "code", "valid_from")
    targets = latest_targets([province.pk, *units.values_list("pk", flat=True)], year)
    rows = [
        CoverageRow(
            unit=u,
            label=u.full_name,
            population=u.population_value,
            enrolled=u.enrolled_value,
            as_of=u.enrolled_month,
            target=targets.get(u.pk),
            extra={"district": _district(u)},
        )
        for u in units
    ]
    sums = units.complete_sums()
    total = CoverageRow(
        unit=province,
        label=_("Tổng cộng"),
        population=sums["population"],
        enrolled=sums["enrolled"],
        target=targets.get(province.pk),
        reported=sums["reported"],
        expected=sums["expected"],
    )
    return CoverageTable(unit=province, year=year, rows=rank_rows(rows), total=total)


def communes_today(province: Unit, year: int) -> CoverageTable:
    """Today's communes of the province, each with its predecessors' counts for the year summed."""
    units = list(_communes_of(province).in_force(dt.date.today()).order_by("code"))
    lineage_map = lineages(units)
    figures = year_figures(lineage_map, year)
    targets = latest_targets([province.pk, *[u.pk for u in units]], year)
    rows = []
    for unit in units:
        figure = figures[unit.pk]
        rows.append(
            CoverageRow(
                unit=unit,
                label=unit.full_name,
                population=figure.population,
                enrolled=figure.enrolled,
                as_of=figure.as_of,
                target=targets.get(unit.pk),
                reported=figure.reported,
                expected=figure.expected,
                extra={
                    "district": _district(unit),
                    "caveats": figure.caveats,
                    "members": lineage_map[unit.pk].members_on(year_end(year)),
                },
            )
        )
    whole = figures[None]
    total = CoverageRow(
        unit=province,
        label=_("Tổng cộng"),
        population=whole.population,
        enrolled=whole.enrolled,
        target=targets.get(province.pk),
        reported=whole.reported,
        expected=whole.expected,
        extra={"caveats": sorted({c for r in rows for c in r.extra["caveats"]})},
    )
    return CoverageTable(unit=province, year=year, rows=rank_rows(rows), total=total)


def _district(unit: Unit) -> str:
    return unit.parent.full_name if unit.parent and unit.parent.level == "district" else "–"
