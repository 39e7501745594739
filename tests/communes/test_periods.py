import datetime as dt

from communes.periods import day_in_year, last_open_month


def test_the_open_month_stops_at_the_units_last_month():
    # Huyện Phong Thổ ended on 30/06/2025: its 2025 pages link to 6/2025, not 12/2025 (410).
    assert last_open_month(year=2025, valid_to=dt.date(2025, 6, 30), reporting=dt.date(2026, 11, 1)) == dt.date(
        2025, 6, 1
    )


def test_the_open_month_is_december_of_a_past_year_and_the_month_being_reported_of_the_current_one():
    assert last_open_month(year=2022, valid_to=None, reporting=dt.date(2026, 11, 1)) == dt.date(2022, 12, 1)
    assert last_open_month(year=2026, valid_to=None, reporting=dt.date(2026, 11, 1)) == dt.date(2026, 11, 1)


def test_the_day_in_a_year_is_within_the_units_validity():
    assert day_in_year(valid_from=None, valid_to=dt.date(2024, 12, 31), year=2021) == dt.date(2021, 12, 31)
    assert day_in_year(valid_from=dt.date(2025, 1, 1), valid_to=dt.date(2025, 6, 30), year=2025) == dt.date(2025, 6, 30)
