"""The unit or document a request names, if its token may see it; and how they are written out.

Scope comes from communes.scope, as on the pages: a unit the token may not see answers 404 exactly
like a missing one, so a forged code learns nothing."""

import datetime as dt
from decimal import Decimal

from django.utils.translation import gettext as _

from communes.models import Level, Unit
from communes.periods import FIRST_YEAR, LAST_YEAR, parse_month
from communes.scope import visible_unit_or_404

from .auth import scope_of
from .errors import ApiError, bad_parameter, not_found

LEVELS = [choice.value for choice in Level]


def unit_or_404(
    request,
    code: str,
    *,
    level: str | None = None,
    on: dt.date | None = None,
    year: int | None = None,
    reach: bool = False,
) -> Unit:
    """The unit that bears `code` (at `on`, or in `year`, else today's), if the token sees it (with
    reach=True: if it sees part of it, as a commune officer reaches into the commune's province)."""
    scope_of(request)  # a user without a role is refused before anything is looked up
    level = level_or_400(level)
    if level is None:
        levels = sorted(set(Unit.objects.filter(code=code).values_list("level", flat=True)))
        if not levels:
            raise not_found(_("Không tìm thấy đơn vị hoặc bạn không có quyền xem."))
        if len(levels) > 1:
            raise ApiError(
                400,
                "ambiguous_code",
                _("Mã %(code)s thuộc nhiều cấp (%(levels)s): thêm ?level=.")
                % {"code": code, "levels": ", ".join(levels)},
                parameter="level",
            )
        level = levels[0]
    return visible_unit_or_404(request.auth.user, level, code, on=on, year=year, reach=reach)


def level_or_400(level: str | None) -> str | None:
    if level is not None and level not in LEVELS:
        raise bad_parameter("level", _("level phải là một trong: %(levels)s.") % {"levels": ", ".join(LEVELS)})
    return level


def year_or_400(year: int | None) -> int | None:
    if year is not None and not FIRST_YEAR <= year <= LAST_YEAR:
        raise bad_parameter("year", _("Năm phải từ %(first)s đến %(last)s.") % {"first": FIRST_YEAR, "last": LAST_YEAR})
    return year


def month_or_400(text: str | None, name: str = "month") -> dt.date | None:
    if text is None:
        return None
    month = parse_month(text)
    if month is None:
        raise bad_parameter(
            name,
            _("Tháng “%(text)s” không hợp lệ: viết YYYY-MM, từ %(first)s đến %(last)s.")
            % {"text": text[:20], "first": FIRST_YEAR, "last": LAST_YEAR},
        )
    return month


def unit_ref(unit: Unit) -> dict:
    return {
        "id": unit.pk,
        "level": unit.level,
        "code": unit.code,
        "kind": unit.kind,
        "name": unit.name,
        "full_name": unit.full_name,
        "valid_from": unit.valid_from,
        "valid_to": unit.valid_to,
    }


def unit_brief(unit: Unit) -> dict:
    return {"id": unit.pk, "code": unit.code, "full_name": unit.full_name}


def month_text(month: dt.date | None) -> str | None:
    return f"{month:%Y-%m}" if month else None


def number(value: Decimal | None) -> float | None:
    """A rate or gap as a JSON number: 86.06 prints as 86.06 (two decimals, no binary noise shown)."""
    return None if value is None else float(value)
