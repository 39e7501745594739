"""Reopening a closed month for a unit's officers: the one write of it, its own record of who and why."""

import datetime as dt

from django.utils import timezone

from communes.models import MonthReopening, Unit


def reopen_month(*, area: Unit, month: dt.date, days: int, reason: str, by) -> MonthReopening:
    return MonthReopening.objects.create(
        unit=area, month=month, until=timezone.now() + dt.timedelta(days=days), reason=reason, by=by
    )
