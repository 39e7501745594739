"""Keyset pagination: a page is the rows after the last one of the previous page, in a fixed order.

Unlike page numbers, a row changed while a client pages through does not shift the rows after it
(none is skipped): ordered by (entered_at, id), the changed row moves to the end and is met again.
The cursor is opaque to clients: base64 of the last row's ordering values."""

import base64
import binascii
import datetime as dt
import json
from dataclasses import dataclass
from urllib.parse import urlencode

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext as _

from .errors import ApiError

DEFAULT_LIMIT, MAX_LIMIT = 500, 1000


@dataclass
class Page:
    items: list
    cursor: str | None  # of the next page; None on the last


def paginate(queryset, *, order: tuple[str, ...], cursor: str | None, limit: int | None) -> Page:
    limit = _limit(limit)
    rows = queryset.order_by(*order)
    if cursor:
        rows = rows.filter(_after(queryset.model, order, _decode(cursor, len(order))))
    items = list(rows[: limit + 1])
    if len(items) <= limit:
        return Page(items=items, cursor=None)
    items = items[:limit]
    return Page(items=items, cursor=_encode([_value(items[-1], name) for name in order]))


def next_link(request, page: Page) -> str | None:
    """The URL of the next page: this request's own, with the cursor of the next."""
    if page.cursor is None:
        return None
    query = {key: value for key, value in request.GET.items() if key != "cursor"}
    query["cursor"] = page.cursor
    return f"{request.path}?{urlencode(query)}"


def _limit(limit: int | None) -> int:
    if limit is None:
        return DEFAULT_LIMIT
    if not 1 <= limit <= MAX_LIMIT:
        raise ApiError(
            400, "invalid_parameter", _("limit phải từ 1 đến %(max)s.") % {"max": MAX_LIMIT}, parameter="limit"
        )
    return limit


def _value(item, name: str):
    value = getattr(item, "pk" if name == "pk" else name)
    return value.isoformat() if isinstance(value, (dt.date, dt.datetime)) else value


def _encode(values: list) -> str:
    return base64.urlsafe_b64encode(json.dumps(values, separators=(",", ":")).encode()).decode().rstrip("=")


def _decode(cursor: str, size: int) -> list:
    try:
        values = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (ValueError, binascii.Error, UnicodeDecodeError):
        values = None
    if not isinstance(values, list) or len(values) != size:
        raise ApiError(
            400,
            "invalid_cursor",
            _("Con trỏ trang (cursor) không hợp lệ: dùng đường dẫn “next” của trang trước."),
            parameter="cursor",
        )
    return values


def _after(model, order: tuple[str, ...], values: list) -> Q:
    """Rows strictly after `values` in the order: (a > x) or (a = x and b > y) or …"""
    parsed = [_parse(model, name, value) for name, value in zip(order, values, strict=True)]
    condition = Q()
    for index, name in enumerate(order):
        step = Q(**{f"{name}__gt": parsed[index]})
        for earlier, value in zip(order[:index], parsed[:index], strict=True):
            step &= Q(**{earlier: value})
        condition |= step
    return condition


def _parse(model, name: str, value):
    field = model._meta.pk if name == "pk" else model._meta.get_field(name)
    try:
        if isinstance(field, models.DateTimeField):
            return dt.datetime.fromisoformat(value)
        if isinstance(field, models.DateField):
            return dt.date.fromisoformat(value)
        if isinstance(field, (models.AutoField, models.BigAutoField, models.IntegerField)):
            if isinstance(value, bool) or not isinstance(value, int):
                raise ValueError(value)
            return value
        return str(value)
    except (TypeError, ValueError):
        raise ApiError(
            400,
            "invalid_cursor",
            _("Con trỏ trang (cursor) không hợp lệ: dùng đường dẫn “next” của trang trước."),
            parameter="cursor",
        ) from None
