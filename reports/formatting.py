"""Numbers as the active language writes them: 46.106 and 86,06% in Vietnamese."""

from decimal import Decimal

from django.utils import formats


def fmt_int(value: int | None, empty: str = "–") -> str:
    if value is None or value == "":
        return empty
    return formats.number_format(int(value), decimal_pos=0, use_l10n=True, force_grouping=True)


def fmt_decimal(value, places: int = 2, empty: str = "–", signed: bool = False) -> str:
    if value is None or value == "":
        return empty
    text = formats.number_format(Decimal(value), decimal_pos=places, use_l10n=True, force_grouping=True)
    if signed and Decimal(value) > 0:
        text = "+" + text
    return text.replace("-", "−")


def fmt_rate(value, empty: str = "–") -> str:
    return empty if value is None or value == "" else fmt_decimal(value) + "%"


def fmt_month(value, empty: str = "–") -> str:
    return empty if value is None else f"{value.month:02d}/{value.year}"


def fmt_datetime(value, empty: str = "–") -> str:
    """One date-time format on every page and message: 05/02/2022 14:30, local time."""
    if value is None:
        return empty
    from django.utils import timezone

    return timezone.localtime(value).strftime("%d/%m/%Y %H:%M") if timezone.is_aware(value) else value.strftime("%d/%m/%Y %H:%M")


def person(user, empty: str = "–") -> str:
    """How a person is named on pages and in messages: the full name, else the username."""
    if user is None:
        return empty
    return user.get_full_name() or user.username
