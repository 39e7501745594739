"""The reporting calendar: when a month closes, and which month officers are reporting now.

Officers report a month once it has ended (the social-insurance office cuts its counts at the
25th and sends them by the 28th) and may still change it for ENTRY_CLOSE_DAYS days after its end.
"""

import datetime as dt

from django.conf import settings
from django.utils import timezone

from .periods import add_months, month_end


def closing_time(month: dt.date) -> dt.datetime:
    """Officers may change a month until the end of the ENTRY_CLOSE_DAYS-th day after it ends."""
    last_day = month_end(month) + dt.timedelta(days=settings.ENTRY_CLOSE_DAYS + 1)
    return timezone.make_aware(dt.datetime.combine(last_day, dt.time.min))


def reporting_month(now: dt.datetime | None = None) -> dt.date:
    """The month being reported: the last ended month while it is still open, else this month
    (on 02/12/2026 it is November 2026; on 20/12/2026, once November has closed, December)."""
    now = now or timezone.now()
    this_month = timezone.localdate(now).replace(day=1)
    last_ended = add_months(this_month, -1)
    return last_ended if now < closing_time(last_ended) else this_month


def reporting_year(now: dt.datetime | None = None) -> int:
    """The year pages open on: the year of the month being reported (December's figures are still
    the year's news in early January)."""
    return reporting_month(now).year


def last_ended_month(now: dt.datetime | None = None) -> dt.date:
    """The latest month that is over (November on any day of December): what a monthly report is
    written about, whether or not every commune has sent it yet."""
    now = now or timezone.now()
    return add_months(timezone.localdate(now).replace(day=1), -1)
