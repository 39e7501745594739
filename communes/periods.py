"""Months and years as the portal stores them: a month is the date of its first day."""

import calendar
import datetime as dt
import re

_MONTH = re.compile(r"^([0-9]{4})-([0-9]{2})$")
# The months the portal's data can hold: its documents begin in 2021 (results of 2020 as a base).
FIRST_YEAR, LAST_YEAR = 2020, 2100


def month_start(year: int, month: int) -> dt.date:
    return dt.date(year, month, 1)


def parse_month(text: str) -> dt.date | None:
    """'2021-07' -> 1 July 2021; None for anything else (a forged URL)."""
    match = _MONTH.match(text or "")
    if not match:
        return None
    year, month = int(match[1]), int(match[2])
    if not (FIRST_YEAR <= year <= LAST_YEAR and 1 <= month <= 12):
        return None
    return dt.date(year, month, 1)


def month_end(month: dt.date) -> dt.date:
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])


def add_months(month: dt.date, count: int) -> dt.date:
    index = month.year * 12 + month.month - 1 + count
    return dt.date(index // 12, index % 12 + 1, 1)


def months_of_year(year: int) -> list[dt.date]:
    return [dt.date(year, m, 1) for m in range(1, 13)]


def year_start(year: int) -> dt.date:
    return dt.date(year, 1, 1)


def year_end(year: int) -> dt.date:
    return dt.date(year, 12, 31)


def day_in_year(*, valid_from: dt.date | None, valid_to: dt.date | None, year: int) -> dt.date:
    """The last day of `year` on which a unit with this validity was in force: a link with
    ?on=<day> opens that very unit, not the later unit that reuses its code."""
    day = min(valid_to or year_end(year), year_end(year))
    return max(day, valid_from or day)


def last_open_month(*, year: int, valid_to: dt.date | None, reporting: dt.date) -> dt.date:
    """The month a year's page links its entry and completeness pages to: December of the year,
    or earlier when the unit ended before (its last month) or the year is not over (the month
    being reported), so the link never lands on a month the unit did not exist in (410) or that
    has not begun."""
    month = min(dt.date(year, 12, 1), reporting)
    if valid_to is not None:
        month = min(month, valid_to.replace(day=1))
    return month
