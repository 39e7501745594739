from decimal import Decimal

from reports import coverage
from reports.coverage import Status


def test_months_left_counts_the_months_after_the_latest_figure():
    assert coverage.months_left(latest_month=7) == 5
    assert coverage.months_left(latest_month=12) == 0


def test_change_is_in_points_and_unknown_without_an_earlier_rate():
    assert coverage.rate_change(rate=Decimal("90.72"), earlier=Decimal("87.37")) == Decimal("3.35")
    assert coverage.rate_change(rate=Decimal("90.72"), earlier=None) is None


def test_projection_follows_the_last_four_months_not_the_shock():
    # Jan–Jun flat at 990, July falls to 870, then +20 a month: the line through Jul–Oct
    # (870, 890, 910, 930) reaches 970 in December, i.e. 97,00% of 1.000.
    months = [(m, 990) for m in range(1, 7)] + [(7, 870), (8, 890), (9, 910), (10, 930)]
    assert coverage.year_end_projection(months=months, population=1000) == Decimal("97.00")


def test_a_december_figure_is_its_own_projection():
    assert coverage.year_end_projection(months=[(11, 950), (12, 960)], population=1000) == Decimal("96.00")


def test_no_projection_from_a_single_month_or_without_population():
    assert coverage.year_end_projection(months=[(3, 950)], population=1000) is None
    assert coverage.year_end_projection(months=[(3, 950), (4, 960)], population=None) is None


def test_the_projection_stays_within_the_population():
    assert coverage.year_end_projection(months=[(1, 900), (2, 990)], population=1000) == Decimal("100.00")


def _status(rate, projected, met=False, left=5, target="99.00"):
    return coverage.status(
        rate=Decimal(rate),
        target_rate=Decimal(target),
        met=met,
        projected_rate=Decimal(projected) if projected else None,
        months_left=left,
    )


def test_met_now_is_on_track():
    assert _status("99.10", "98.00", met=True) == Status.ON_TRACK


def test_a_projection_reaching_the_target_is_on_track():
    assert _status("95.00", "99.20") == Status.ON_TRACK


def test_a_projection_within_one_point_is_at_risk():
    assert _status("95.00", "98.10") == Status.AT_RISK


def test_a_projection_a_point_or_more_below_is_off_track():
    assert _status("95.00", "98.00") == Status.OFF_TRACK


def test_without_projection_the_latest_rate_decides():
    assert _status("98.50", None) == Status.AT_RISK
    assert _status("97.00", None) == Status.OFF_TRACK


def test_a_missed_target_with_no_month_left_is_off_track():
    assert _status("98.99", "98.99", left=0) == Status.OFF_TRACK


def test_no_status_without_a_target():
    assert coverage.status(rate=Decimal("90"), target_rate=None, met=None, projected_rate=None, months_left=3) is None


def test_units_under_1000_people_are_small():
    assert coverage.is_small(population=999) and not coverage.is_small(population=1000)
    assert not coverage.is_small(population=None)
