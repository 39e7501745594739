"""Any ranking table on screen, as .xlsx with the same columns in the same order and sort.

A table says how each column is written with `export_kinds` (count, rate, points, month, date;
text otherwise) and may give `export_<column>` methods for values that differ from the screen's
(a link on screen, its text in the workbook). Columns marked `exclude_from_export` stay out, as
in django-tables2's own export.
"""

import datetime as dt
from decimal import Decimal

from django.utils.translation import gettext_lazy as _
from django_tables2 import Table

from .xlsx import Column, single_table_workbook, xlsx_response

WIDTHS = {"text": 28, "count": 14, "rate": 12, "points": 12, "month": 11, "date": 12}


def _raw_value(table: Table, bound_column, record):
    """The value itself, not its rendering: numbers stay numbers, dates stay dates."""
    exporter = getattr(table, f"export_{bound_column.name}", None)
    if exporter is not None:
        return exporter(record)
    value = bound_column.accessor.resolve(record, quiet=True)
    if callable(value) and not isinstance(value, type):
        value = value()
    if value is None or isinstance(value, (bool, int, float, Decimal, dt.date)):
        return value
    return str(value)


def exported_columns(table: Table) -> list:
    return [c for c in table.columns if c.visible and not getattr(c.column, "exclude_from_export", False)]


def table_workbook(table: Table, *, title: str, notes=()) -> bytes:
    """The table's visible columns, its rows in their current order, and its totals row if any."""
    kinds = getattr(table, "export_kinds", {})
    bound = exported_columns(table)
    columns = [Column(str(c.header), kinds.get(c.name, "text"), WIDTHS[kinds.get(c.name, "text")]) for c in bound]
    rows = [[_raw_value(table, c, row.record) for c in bound] for row in table.rows]
    total = getattr(table, "total", None)
    footer = [_raw_value(table, c, total) for c in bound] if total is not None else None
    return single_table_workbook(title=title, columns=columns, rows=rows, footer=footer, notes=notes)


def table_download(table: Table, *, title: str, filename: str, notes=()):
    return xlsx_response(table_workbook(table, title=title, notes=notes), filename)


def wants_xlsx(request) -> bool:
    return request.GET.get("format") == "xlsx"


EXPORT_LABEL = _("Tải Excel")
