"""Numbers as the active language writes them: 46.106 and 86,06% in Vietnamese."""

from contextlib import contextmanager
from contextvars import ContextVar
from decimal import Decimal
from functools import lru_cache, wraps

from django.utils import formats, translation

# Set while a long table is written (`separators_fixed`): asking the translation machinery for the
# active language costs more than formatting a number, and a ranking formats ~1.500 of them.
_FIXED: ContextVar[tuple[str, str] | None] = ContextVar("fixed_separators", default=None)


def _separators() -> tuple[str, str]:
    return _FIXED.get() or _separators_of(translation.get_language())


@contextmanager
def separators_fixed():
    """The active language's separators looked up once for the numbers formatted inside; a
    context variable, so another thread or request keeps its own language."""
    token = _FIXED.set(_separators_of(translation.get_language()))
    try:
        yield
    finally:
        _FIXED.reset(token)


def separators_fixed_in(view):
    """A page view whose numbers all take the request's separators, looked up once (`separators_fixed`
    around the whole view, its template included): a dashboard or a grid formats one or two
    thousand numbers. Only for views that keep the request's language throughout (the annex
    workbooks switch to Vietnamese inside and are not wrapped)."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        with separators_fixed():
            return view(request, *args, **kwargs)

    return wrapped


@lru_cache(maxsize=16)  # the project's own format modules (coverage_portal/formats/), fixed per language
def _separators_of(language: str | None) -> tuple[str, str]:
    return formats.get_format("DECIMAL_SEPARATOR", language), formats.get_format("THOUSAND_SEPARATOR", language)


def _blank(value) -> bool:
    # Compared as text only when it is text: a Decimal compared with "" goes through the numbers
    # ABCs (isinstance against numbers.Rational) on every cell.
    return value is None or (isinstance(value, str) and value == "")


def _grouped(digits: str, thousands: str) -> str:
    """Groups of three from the right (NUMBER_GROUPING is 3 in both languages)."""
    return f"{int(digits):,}".replace(",", thousands)


@lru_cache(maxsize=8)
def _shown_from(places: int) -> Decimal:
    return Decimal("0." + "1".rjust(places, "0"))


def fmt_int(value: int | None, empty: str = "–") -> str:
    # Written out rather than through Django's number_format: a district dashboard formats ~2.000
    # numbers, and the generic path cost a tenth of its time (tests/reports/test_formatting.py
    # checks both give the same text).
    if _blank(value):
        return empty
    return f"{int(value):,}".replace(",", _separators()[1])


def fmt_decimal(value, places: int = 2, empty: str = "–", signed: bool = False) -> str:
    if _blank(value):
        return empty
    number = value if isinstance(value, Decimal) else Decimal(value)
    if not number.is_finite():
        return _decimal_text.__wrapped__(number, places, signed, *_separators())
    return _decimal_text(number, places, signed, *_separators())


# A page writes the same few hundred rates and point differences over and over (a target of 95,00%
# on every row, rates between 80 and 100 with two places): the text of each is worked out once per
# process. The text depends on the number's value only, never on how many places it was stored with.
@lru_cache(maxsize=8192)
def _decimal_text(number: Decimal, places: int, signed: bool, decimal_separator: str, thousands: str) -> str:
    # As Django's numberformat: too small to show is 0, further places are cut, not rounded.
    shown = Decimal(0) if abs(number) < _shown_from(places) else number
    text = f"{shown:f}"
    sign = "-" if text.startswith("-") else ""
    whole, _, fraction = text.lstrip("-").partition(".")
    text = sign + _grouped(whole, thousands)
    if places:
        text += decimal_separator + fraction[:places].ljust(places, "0")
    if signed and number > 0:
        text = "+" + text
    return text.replace("-", "−")


def fmt_rate(value, empty: str = "–") -> str:
    return empty if _blank(value) else fmt_decimal(value) + "%"


def fmt_month(value, empty: str = "–") -> str:
    return empty if value is None else f"{value.month:02d}/{value.year}"


def fmt_datetime(value, empty: str = "–") -> str:
    """One date-time format on every page and message: 05/02/2022 14:30, local time."""
    if value is None:
        return empty
    from django.utils import timezone

    return (
        timezone.localtime(value).strftime("%d/%m/%Y %H:%M")
        if timezone.is_aware(value)
        else value.strftime("%d/%m/%Y %H:%M")
    )


def person(user, empty: str = "–") -> str:
    """How a person is named on pages and in messages: the full name, else the username."""
    if user is None:
        return empty
    return user.get_full_name() or user.username
