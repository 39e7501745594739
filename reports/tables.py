"""Ranking tables on screen (django-tables2); the Excel exports reuse their columns."""

import datetime as dt
from decimal import Decimal
from functools import cached_property

import django_tables2 as tables
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _
from django_tables2.data import TableListData
from django_tables2.utils import Accessor, OrderBy

from .coverage import Status
from .formatting import fmt_decimal, fmt_int, fmt_month, fmt_rate
from .links import UnitLinks
from .markup import escaped

STATUS_LABELS = {
    Status.ON_TRACK: _("Đúng hướng"),
    Status.AT_RISK: _("Có nguy cơ"),
    Status.OFF_TRACK: _("Chệch hướng"),
    Status.CHECK_DATA: _("Kiểm tra số liệu"),
}
ANOMALY_NOTE = _("Số người tham gia nhiều hơn dân số: kiểm tra lại số liệu.")


def _num(value) -> str:
    return fmt_int(value)


def _sortable(value):
    """Numbers, text and dates compare as themselves; anything else (a document) by its text."""
    if isinstance(value, (int, float, Decimal, str, dt.date)):
        return value
    return str(value)


class NoneLastListData(TableListData):
    """Sorts rows by the requested columns with missing values always last, in either direction
    (tables2's own comparison puts them first in one direction and may mix types)."""

    def order_by(self, aliases):
        keys = []
        for alias in aliases:
            bound = self.table.columns[OrderBy(alias).bare]
            keys += bound.order_by.opposite if alias[0] != bound.order_by_alias[0] else bound.order_by
        rows = list(self.data)
        for key in reversed(keys):  # least significant first; Python's sort is stable
            accessor = Accessor(key.bare)

            def value(row, accessor=accessor):
                return accessor.resolve(row, quiet=True)

            present = [row for row in rows if value(row) is not None]
            missing = [row for row in rows if value(row) is None]
            present.sort(key=lambda row: _sortable(value(row)), reverse=key.is_descending)
            rows = present + missing
        self.data[:] = rows


class TotalColumn(tables.Column):
    """A column whose footer is a function of the table (the ranking's total row), called with it
    directly: django-tables2 looks up a footer function's signature on every call, which costs more
    than writing the footer."""

    def footer(self, bound_column, table):
        return self._footer(table) if callable(self._footer) else super().footer(bound_column, table)


def _num_attrs(extra: str = ""):
    classes = f"num {extra}".strip()
    return {"td": {"class": classes}, "tf": {"class": classes}, "th": {"class": classes}}


def _row_class(record) -> str:
    """Met or behind its target, its status, small: what the page's styles and scripts pick rows by."""
    met, status = record.met, record.status
    classes = ["met"] if met else (["behind"] if met is False else [])
    if status:
        classes.append(f"status-{status}")
    if record.small:
        classes.append("small")
    return " ".join(classes)


# Columns a printed page leaves out (static/css/print.css): the headline and Excel carry them.
SCREEN_ONLY = "screen-only"


class CoverageRankingTable(tables.Table):
    """Units ranked by coverage for a year: what a leader reads first."""

    # The rank and the name carry classes of their own: on a phone they stay in view while the
    # figures scroll sideways under them (static/css/portal.css).
    rank = TotalColumn(_("Hạng"), attrs={"th": {"class": "rank"}, "td": {"class": "num rank"}, "tf": {"class": "rank"}})
    label = TotalColumn(
        _("Đơn vị"),
        order_by=("label",),
        attrs={"th": {"class": "unit-name"}, "td": {"class": "unit-name"}, "tf": {"class": "unit-name"}},
        footer=lambda table: table.total.label,
    )
    population = TotalColumn(_("Dân số"), attrs=_num_attrs(), footer=lambda table: _num(table.total.population))
    enrolled = TotalColumn(
        _("Số người tham gia BHYT"), attrs=_num_attrs(), footer=lambda table: _num(table.total.enrolled)
    )
    as_of = TotalColumn(
        _("Số liệu tháng"),
        attrs={"td": {"class": f"num {SCREEN_ONLY}"}, "th": {"class": SCREEN_ONLY}, "tf": {"class": SCREEN_ONLY}},
        footer=lambda table: fmt_month(table.total.as_of),
    )
    rate = TotalColumn(_("Tỷ lệ bao phủ"), attrs=_num_attrs(), footer=lambda table: fmt_rate(table.total.rate))
    target_rate = TotalColumn(_("Chỉ tiêu"), attrs=_num_attrs(), footer=lambda table: fmt_rate(table.total.target_rate))
    gap_points = TotalColumn(
        _("Chênh lệch (điểm %)"),
        attrs=_num_attrs(),
        footer=lambda table: fmt_decimal(table.total.gap_points, signed=True),
    )
    # Most people short first on the first click: the question is who is furthest behind.
    gap_people = TotalColumn(
        _("Còn thiếu (người)"),
        attrs=_num_attrs("descending-first"),
        order_by=("-gap_people",),
        footer=lambda table: _num(table.total.gap_people),
    )
    change_month = TotalColumn(
        _("So tháng trước (điểm %)"),
        attrs=_num_attrs(),
        footer=lambda table: fmt_decimal(table.total.change_month, signed=True),
    )
    change_year = TotalColumn(
        _("So cùng kỳ năm trước (điểm %)"),
        attrs=_num_attrs(SCREEN_ONLY),
        footer=lambda table: fmt_decimal(table.total.change_year, signed=True),
    )
    status = TotalColumn(_("Tình trạng"), footer=lambda table: STATUS_LABELS.get(table.total.status, ""))
    document = TotalColumn(
        _("Theo văn bản"),
        accessor="target__document",
        attrs={"td": {"class": SCREEN_ONLY}, "th": {"class": SCREEN_ONLY}, "tf": {"class": SCREEN_ONLY}},
        footer=lambda table: table.total.target.document.number if table.total.target else "",
    )

    class Meta:
        orderable = True
        attrs = {"class": "ranking"}
        # The stock template with its body rows written in Python (reports/templatetags/table_rows.py).
        template_name = "reports/partials/ranking_table.html"
        row_attrs = {
            "class": _row_class,
            "data-code": lambda record: record.unit.code if record.unit else "",
        }

    # How each column is written to Excel (reports.table_export): numbers stay numbers.
    export_kinds = {
        "rank": "count",
        "population": "count",
        "enrolled": "count",
        "as_of": "month",
        "rate": "rate",
        "target_rate": "rate",
        "gap_points": "points",
        "gap_people": "count",
        "change_month": "points",
        "change_year": "points",
    }

    def export_document(self, record):
        return self._document_text(record.target.document) if record.target else ""

    def export_label(self, record):
        return record.label

    def export_status(self, record):
        label = str(STATUS_LABELS.get(record.status, ""))
        # The rate keeps its number in the workbook; the flag says it cannot be true.
        return f"{label} – {ANOMALY_NOTE}" if getattr(record, "anomaly", False) else label

    def __init__(self, rows, *, total, **kwargs):
        self.total = total
        super().__init__(rows, **kwargs)
        if isinstance(self.data, TableListData):
            self.data.__class__ = NoneLastListData
            if self.order_by:
                self.data.order_by(self.order_by)

    def render_label(self, record):
        small = (
            format_html(
                ' <span class="small-unit" title="{}">&lt;1.000</span>',
                _("Dưới 1.000 dân: một vài người thay đổi tỷ lệ nhiều điểm"),
            )
            if record.small
            else ""
        )
        label = escaped(record.label)
        if getattr(self, "can_link", None) is not None and not self.can_link(record.unit):
            return SafeString(f"{label}{small}")  # a page this user may not open
        # format_html's output, written out: this runs once per row of a 168-commune ranking.
        return SafeString(f'<a href="{escaped(self._links(record.unit))}">{label}</a>{small}')

    @cached_property
    def _links(self) -> UnitLinks:
        return UnitLinks(year=getattr(self, "year", None))

    @cached_property
    def _texts(self) -> dict:
        """What many rows repeat, worked out once per table: a page names one or two documents."""
        return {}

    def _document_text(self, document) -> str:
        key = ("document", document.pk)
        if key not in self._texts:
            self._texts[key] = str(document)
        return self._texts[key]

    def render_population(self, value):
        return _num(value)

    def render_enrolled(self, value):
        return _num(value)

    def render_as_of(self, value):
        return fmt_month(value)

    def render_rate(self, value, record):
        if getattr(record, "anomaly", False):
            return format_html(
                '{} <span class="badge anomaly" title="{}">{}</span>',
                fmt_rate(value),
                ANOMALY_NOTE,
                _("kiểm tra số liệu"),
            )
        return fmt_rate(value)

    def render_target_rate(self, value, record):
        sign = "> " if record.strictly_above else ""
        if record.target_inherited:
            if "inherited" not in self._texts:
                word = _("huyện") if self.total.unit and self.total.unit.level == "district" else _("tỉnh")
                self._texts["inherited"] = _("chỉ tiêu chung của %(unit)s") % {"unit": word}
            return format_html('{}{}<sup title="{}">*</sup>', sign, fmt_rate(value), self._texts["inherited"])
        return sign + fmt_rate(value)

    def render_gap_points(self, value):
        return fmt_decimal(value, signed=True)

    def render_gap_people(self, value):
        return _num(value)

    def render_change_month(self, value):
        return fmt_decimal(value, signed=True)

    def render_change_year(self, value):
        return fmt_decimal(value, signed=True)

    def render_status(self, value):
        key = ("status", value)
        if key not in self._texts:
            self._texts[key] = format_html('<span class="status {}">{}</span>', value, STATUS_LABELS.get(value, ""))
        return self._texts[key]

    def render_document(self, value):
        # The number alone keeps the column narrow enough for one printed page; the full
        # reference is in the tooltip, the headline and the Excel file.
        key = ("document cell", value.pk)
        if key not in self._texts:
            self._texts[key] = format_html('<span title="{}">{}</span>', self._document_text(value), value.number)
        return self._texts[key]
