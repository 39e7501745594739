"""Incremental sync, alike on every listing that offers it: `updated_since` keeps the rows entered
or changed at or after a moment, and the pages then follow that time, then the id, so that a row
changed while a client pages moves to the end and is read again (api/pagination.py)."""

import datetime as dt

from django.utils import timezone
from ninja import Query

SINCE = Query(None, description="chỉ các dòng nhập hoặc sửa từ lúc này (ISO 8601; không ghi múi giờ: giờ Việt Nam)")


def changed_since(rows, moment: dt.datetime | None, *, field: str):
    """The rows whose `field` is at or after `moment` (every row without one). At or after, not
    after: a row written in the very microsecond a client starts from is read, not lost."""
    if moment is None:
        return rows
    return rows.filter(**{f"{field}__gte": aware(moment)})


def aware(moment: dt.datetime) -> dt.datetime:
    """A time without an offset is the portal's, Vietnam's (TIME_ZONE)."""
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment)
