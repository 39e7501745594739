"""What the grid knows of each commune before anything is typed: its count of the month, its latest
earlier count (last month's, or further back when last month is missing) and the populations of
both months' years, however far back the latest population is."""

import datetime as dt

from communes.models import Enrollment, Level, Population
from entry.rows import MonthStatus, entry_rows
from tests.conftest import unit

KHONG_LAO = "03583"
OPEN = MonthStatus(open=True)


def _row(month: dt.date, user):
    rows = entry_rows(area=unit(Level.DISTRICT, "109"), month=month, user=user, status=OPEN)
    return next(row for row in rows if row.unit.code == KHONG_LAO)


def test_without_last_months_count_the_previous_is_the_latest_earlier_one(db, officer_phong_tho):
    # March 2022's grid: February has no count, the latest is the annex's December 2021 (1.663).
    row = _row(dt.date(2022, 3, 1), officer_phong_tho)

    assert row.enrollment is None
    assert (row.previous.month, row.previous.enrolled) == (dt.date(2021, 12, 1), 1663)
    assert row.previous_population.year == 2021  # December 2021 over 2021's people


def test_with_last_months_count_the_previous_is_last_months(db, officer_phong_tho):
    commune = unit(Level.COMMUNE, KHONG_LAO)
    december = Enrollment.objects.get(unit=commune, month=dt.date(2021, 12, 1))

    row = _row(dt.date(2022, 1, 1), officer_phong_tho)

    assert (row.previous.month, row.previous.enrolled) == (december.month, december.enrolled)


def test_a_population_years_older_than_the_month_is_still_the_communes(db, officer_phong_tho):
    # Khổng Lào's latest population is 2021's: a grid of 2024 still shows it.
    stored = Population.objects.get(unit=unit(Level.COMMUNE, KHONG_LAO), year=2021)

    row = _row(dt.date(2024, 1, 1), officer_phong_tho)

    assert (row.population.year, row.population.population) == (2021, stored.population)


def test_last_months_population_is_found_before_this_years_when_it_is_older(db, officer_phong_tho):
    # January 2024's grid: the previous count is January 2022's; the populations are 2021's and 2023's.
    # 2022's people are 2021's figure (the latest up to 2022), this month's are 2023's.
    commune = unit(Level.COMMUNE, KHONG_LAO)
    Enrollment.objects.create(unit=commune, month=dt.date(2022, 1, 1), enrolled=1700)
    Population.objects.create(unit=commune, year=2023, population=4100)
    stored_2021 = Population.objects.get(unit=commune, year=2021)

    row = _row(dt.date(2024, 1, 1), officer_phong_tho)

    assert (row.previous.month, row.previous.enrolled) == (dt.date(2022, 1, 1), 1700)
    assert (row.population.year, row.population.population) == (2023, 4100)
    assert (row.previous_population.year, row.previous_population.population) == (2021, stored_2021.population)
