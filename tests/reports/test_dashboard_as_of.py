"""A dashboard as of a month is the dashboard the portal showed when that month was the latest:
the same figures as the year's dashboard once every later count is gone."""

import datetime as dt

import pytest

from communes.models import Enrollment, Level, Unit
from reports.dashboard import area_dashboard
from targets.models import CohortProgress
from tests.conftest import NOW, unit


def lai_chau() -> Unit:
    return Unit.objects.provinces().in_force(NOW.date()).get(code="12")


def figures(dashboard) -> dict:
    """What a page or a report reads from a dashboard, as plain values."""
    headline, total = dashboard.headline, dashboard.table.total

    def row(r):
        return (r.unit.code, r.rank, r.as_of, r.enrolled, r.population, r.rate, r.target_rate, r.gap_people)

    def compared(r):
        return (*row(r), r.change_month, r.change_year, r.projected_rate, r.months_left, r.status)

    return {
        "headline": (
            headline.month,
            headline.enrolled,
            headline.population,
            headline.reported,
            headline.expected,
            headline.rate,
            headline.target_rate,
            headline.gap_points,
            headline.gap_people,
            headline.months_left,
            headline.per_month,
            headline.projected_rate,
            headline.status,
            headline.pending,
        ),
        "total": (total.change_month, total.change_year),
        "rows": [compared(r) for r in dashboard.table.rows],
        "behind": [(r.unit.code, r.gap_people) for r in dashboard.behind.rows],
        "chart": [(line.year, line.path) for line in dashboard.chart.lines],
        "cohorts": [
            (view.month, [(p.done, p.affected, p.rate, p.gap_people) for p in view.parts]) for view in dashboard.cohorts
        ],
    }


@pytest.mark.parametrize("month", [dt.date(2026, 3, 1), dt.date(2026, 8, 1), dt.date(2026, 10, 1)])
def test_a_provinces_dashboard_as_of_a_month_is_the_one_before_later_counts_came(demo, month):
    province = lai_chau()
    as_of = figures(area_dashboard(province, 2026, as_of=month))
    Enrollment.objects.filter(month__gt=month).delete()
    assert as_of == figures(area_dashboard(province, 2026))
    assert as_of["headline"][0] == month


def test_as_of_the_month_being_reported_keeps_its_few_communes_pending(demo):
    province = lai_chau()
    november = area_dashboard(province, 2026, as_of=dt.date(2026, 11, 1))
    assert figures(november) == figures(area_dashboard(province, 2026))
    assert november.headline.month == dt.date(2026, 10, 1)
    assert november.headline.pending.month == dt.date(2026, 11, 1)


def test_a_districts_cohorts_as_of_a_month_stop_at_that_month(demo):
    luc_ngan = unit(Level.DISTRICT, "219")
    september = dt.date(2021, 9, 1)
    as_of = figures(area_dashboard(luc_ngan, 2021, as_of=september))
    assert as_of["cohorts"] and as_of["cohorts"][0][0] <= september
    Enrollment.objects.filter(month__gt=september).delete()
    CohortProgress.objects.filter(month__gt=september).delete()
    assert as_of == figures(area_dashboard(luc_ngan, 2021))


def test_communes_formed_after_the_month_are_not_counted(demo):
    """Lai Châu's communes of 01/07/2025 are in its 2025 table, but not in the table as of June."""
    province = Unit.objects.provinces().in_force(dt.date(2025, 7, 1)).get(code="12")
    assert len(area_dashboard(province, 2025).table.rows) == 38
    june = area_dashboard(province, 2025, as_of=dt.date(2025, 6, 1))
    assert june.table.rows == [] and june.table.total.expected == 0
    july = area_dashboard(province, 2025, as_of=dt.date(2025, 7, 1))
    assert len(july.table.rows) == 38 and july.headline.month == dt.date(2025, 7, 1)


def test_a_month_of_another_year_is_refused(demo):
    with pytest.raises(ValueError):
        area_dashboard(lai_chau(), 2026, as_of=dt.date(2025, 12, 1))
