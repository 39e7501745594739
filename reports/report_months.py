"""Which months a unit's monthly report can be written for, and why not the others.

A report is about a month that is over, in which the unit existed and ranked communes of its own:
a district until 30/06/2025, a province from 01/07/2025. The report's figures are the unit's
dashboard as of that month (`area_dashboard(unit, month.year, as_of=month)`).
"""

import datetime as dt
import re

from django.utils.translation import gettext as _

from communes.models import Level, Unit
from communes.periods import FIRST_YEAR, month_end, parse_month

from .formatting import fmt_month

_SHAPE = re.compile(r"^[0-9]{4}-(0[1-9]|1[0-2])$")


class MalformedMonth(ValueError):
    """Not a month at all (2026-13, 11-2026): the request is wrong, not the month."""


def parse_report_month(text: str) -> dt.date:
    """'2026-11' → 01/11/2026. A well-formed month outside the portal's years (1900-01) parses, for
    `month_refusal` to say why there is no report; anything else raises MalformedMonth."""
    month = parse_month(text)
    if month is not None:
        return month
    if not _SHAPE.match(text or ""):
        raise MalformedMonth(_("Tháng không hợp lệ: cần dạng năm-tháng, ví dụ 2026-11."))
    return dt.date(int(text[:4]), int(text[5:]), 1)


def month_refusal(unit: Unit, month: dt.date, *, last_ended: dt.date, communes: list[Unit] | None = None) -> str | None:
    """Why the unit has no report for the month (a sentence for the page), or None when it has one.
    `communes`: the province's own communes of the month's year, when the page has read them."""
    shown = fmt_month(month)
    if month > last_ended:
        return _("Tháng %(month)s chưa kết thúc: báo cáo tháng lập sau khi hết tháng (tháng gần nhất là %(last)s).") % {
            "month": shown,
            "last": fmt_month(last_ended),
        }
    if month.year < FIRST_YEAR:
        return _("Cổng chỉ có số liệu từ năm %(year)s: không có báo cáo tháng %(month)s.") % {
            "year": FIRST_YEAR,
            "month": shown,
        }
    if unit.valid_from is not None and month_end(month) < unit.valid_from:
        return _("%(unit)s bắt đầu từ %(day)s: không có báo cáo tháng %(month)s.") % {
            "unit": unit.full_name,
            "day": f"{unit.valid_from:%d/%m/%Y}",
            "month": shown,
        }
    if unit.valid_to is not None and month > unit.valid_to:
        return _("%(unit)s đã kết thúc ngày %(day)s: không có báo cáo tháng %(month)s.") % {
            "unit": unit.full_name,
            "day": f"{unit.valid_to:%d/%m/%Y}",
            "month": shown,
        }
    if unit.level == Level.PROVINCE and not _has_communes_in(unit, month, communes):
        return _(
            "Tháng %(month)s %(unit)s chưa trực tiếp quản lý các xã (cấp huyện còn đến 30/06/2025): "
            "báo cáo tháng lập theo từng huyện."
        ) % {"month": shown, "unit": unit.full_name}
    return None


def default_report_month(unit: Unit, year: int, *, last_ended: dt.date) -> dt.date:
    """The month a year's dashboard offers the report of: the last ended month, December for an
    earlier year, the unit's last month if it ended during the year."""
    month = min(dt.date(year, 12, 1), last_ended)
    if unit.valid_to is not None:
        month = min(month, unit.valid_to.replace(day=1))
    return month


def _has_communes_in(unit: Unit, month: dt.date, communes: list[Unit] | None = None) -> bool:
    end = month_end(month)
    if communes is not None:
        return any(
            (c.valid_from is None or c.valid_from <= end) and (c.valid_to is None or c.valid_to >= month)
            for c in communes
        )
    return Unit.objects.communes().filter(parent=unit).in_force_during(month, end).exists()
