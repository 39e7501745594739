from django import template
from django.utils.translation import gettext as _

from reports import formatting
from reports.links import unit_url

register = template.Library()


@register.filter
def count(value):
    """46106 -> '46.106' (Vietnamese) or '46,106' (English)."""
    return formatting.fmt_int(value)


@register.filter
def rate(value):
    """Decimal('85.63') -> '85,63%'."""
    return formatting.fmt_rate(value)


@register.filter
def points(value):
    """A signed gap in percentage points: '−10,42'."""
    return formatting.fmt_decimal(value, signed=True)


@register.filter
def month(value):
    return formatting.fmt_month(value)


@register.filter
def status_label(value):
    """'on_track' -> 'Đúng hướng' (in the active language)."""
    from reports.tables import STATUS_LABELS

    return STATUS_LABELS.get(value, "–")


@register.filter
def unit_page(unit, year=None) -> str:
    """The unit's page, of the year when one is given: {{ row.unit|unit_page:year }}."""
    return unit_url(unit, year=year)


@register.filter
def annex_cells(row, columns):
    """An annex row's cells in the table's column order (a gap where the row has none)."""
    return row.cells_in(columns)


@register.filter
def validity(unit) -> str:
    """A unit's validity period in words: a bare "– 30/06/2025" reads as a missing start."""
    start = unit.valid_from.strftime("%d/%m/%Y") if unit.valid_from else None
    end = unit.valid_to.strftime("%d/%m/%Y") if unit.valid_to else None
    if start and end:
        return _("từ %(start)s đến %(end)s") % {"start": start, "end": end}
    if end:
        return _("đến %(end)s") % {"end": end}
    if start:
        return _("từ %(start)s") % {"start": start}
    return _("đang hiệu lực")


@register.filter
def when(value):
    """dd/mm/yyyy HH:MM, local time: the one date-time format of the portal's pages."""
    return formatting.fmt_datetime(value)


@register.filter
def person(user):
    """The full name, else the username."""
    return formatting.person(user)


# The most ranking rows that print on one A4 sheet beside the headline (static/css/print.css; a
# 38-commune province is printed on one sheet in tests/browser/test_meeting_pack.py, a 99-commune
# one on three): a longer ranking continues on the next sheets, and the print button says so.
ONE_SHEET_ROWS = 38


@register.filter
def fits_one_sheet(rows) -> bool:
    return len(rows) <= ONE_SHEET_ROWS
