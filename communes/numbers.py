"""Reading numbers the way Vietnamese offices write them: 46106, 46.106 or 46 106; 86,06%."""

import re
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

# Thousands grouped by one separator, used consistently: "46.106", "46 106", "1.234.567".
_GROUPED = re.compile(r"^[0-9]{1,3}(?P<sep>[.\s\u00a0\u202f,])[0-9]{3}(?:(?P=sep)[0-9]{3})*$")
_PLAIN = re.compile(r"^[0-9]+$")
_RATE = re.compile(r"^(?P<number>[0-9]{1,3}(?:[.,][0-9]+)?)\s*%?$")


# More people than the country has (Vietnam: ~101 million): a typing slip, and far below what the
# database's integer columns hold, so no way in can reach a database error with a count.
MAX_COUNT = 200_000_000


class NumberError(ValueError):
    """A figure that is not a count: the message is shown beside the field."""


def parse_count(text: str | int | None) -> int:
    if isinstance(text, bool):
        raise NumberError(_("Không phải là số."))
    if isinstance(text, int):
        if text < 0:
            raise NumberError(_("Số người không được âm."))
        return _bounded(text)
    raw = (text or "").strip()
    if not raw:
        raise NumberError(_("Chưa nhập số."))
    if raw.startswith(("-", "−")):
        raise NumberError(_("Số người không được âm."))
    if _PLAIN.match(raw):
        return _bounded(int(raw))
    if _GROUPED.match(raw):
        return _bounded(int(re.sub(r"[^0-9]", "", raw)))
    if re.match(r"^[0-9]+[.,][0-9]+$", raw):
        raise NumberError(_("Số người phải là số nguyên (viết 46106, 46.106 hoặc 46 106)."))
    raise NumberError(_("Không đọc được số “%(text)s” (viết 46106, 46.106 hoặc 46 106).") % {"text": raw[:30]})


_ASCII_DIGITS = re.compile(r"^[0-9]+$")


def whole_number(text, *, low: int = 0, high: int = 2_000_000_000) -> int | None:
    """A whole number from a URL or a hidden form field: ASCII digits only, within bounds; None for
    anything else ("²", "٣", "1e3", "-1", a 20-digit number), which the caller refuses. Python's
    int() and str.isdigit() accept other scripts' digits, and int("²") raises."""
    raw = str(text if text is not None else "").strip()
    if not _ASCII_DIGITS.match(raw) or len(raw) > 12:
        return None
    value = int(raw)
    return value if low <= value <= high else None


def _bounded(count: int) -> int:
    if count > MAX_COUNT:
        raise NumberError(_("Số quá lớn (hơn %(max)s người): kiểm tra lại.") % {"max": "200.000.000"})
    return count


def parse_optional_count(text: str | None) -> int | None:
    return None if text is None or str(text).strip() == "" else parse_count(text)


def parse_rate(text: str | float | Decimal) -> Decimal:
    """'42,50%' or '42.50' -> Decimal('42.50'), a percentage between 0 and 100."""
    if isinstance(text, (int, float, Decimal)) and not isinstance(text, bool):
        value = Decimal(str(text))
    else:
        match = _RATE.match((text or "").strip())
        if not match:
            raise NumberError(_("Không đọc được tỷ lệ “%(text)s” (viết 86,06%%).") % {"text": str(text)[:30]})
        try:
            value = Decimal(match["number"].replace(",", "."))
        except InvalidOperation as error:
            raise NumberError(_("Không đọc được tỷ lệ.")) from error
    if not (Decimal(0) <= value <= Decimal(100)):
        raise NumberError(_("Tỷ lệ phải từ 0 đến 100%."))
    return value.quantize(Decimal("0.01"))
