"""Ranking tables on screen (django-tables2); the Excel exports reuse their columns."""

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .formatting import fmt_decimal, fmt_int, fmt_month, fmt_rate


def _num(value) -> str:
    return fmt_int(value)


class CoverageRankingTable(tables.Table):
    """Units ranked by coverage for a year: what a leader reads first."""

    rank = tables.Column(_("Hạng"), attrs={"td": {"class": "num"}})
    label = tables.Column(_("Đơn vị"), order_by=("label",), footer=lambda table: table.total.label)
    population = tables.Column(_("Dân số"), attrs={"td": {"class": "num"}, "tf": {"class": "num"}},
                               footer=lambda table: _num(table.total.population))
    enrolled = tables.Column(_("Số người tham gia BHYT"), attrs={"td": {"class": "num"}, "tf": {"class": "num"}},
                             footer=lambda table: _num(table.total.enrolled))
    as_of = tables.Column(_("Số liệu tháng"), attrs={"td": {"class": "num"}})
    rate = tables.Column(_("Tỷ lệ bao phủ"), attrs={"td": {"class": "num"}, "tf": {"class": "num"}},
                         footer=lambda table: fmt_rate(table.total.rate))
    target_rate = tables.Column(_("Chỉ tiêu"), attrs={"td": {"class": "num"}, "tf": {"class": "num"}},
                                footer=lambda table: fmt_rate(table.total.target_rate))
    gap_points = tables.Column(_("Chênh lệch (điểm %)"), attrs={"td": {"class": "num"}, "tf": {"class": "num"}},
                               footer=lambda table: fmt_decimal(table.total.gap_points, signed=True))
    gap_people = tables.Column(_("Còn thiếu (người)"), attrs={"td": {"class": "num"}, "tf": {"class": "num"}},
                               footer=lambda table: _num(table.total.gap_people))
    document = tables.Column(_("Theo văn bản"), accessor="target__document", orderable=False,
                             footer=lambda table: str(table.total.target.document) if table.total.target else "")

    class Meta:
        orderable = True
        attrs = {"class": "ranking"}
        row_attrs = {"class": lambda record: "met" if record.met else ("behind" if record.met is False else "")}

    # How each column is written to Excel (reports.table_export): numbers stay numbers.
    export_kinds = {"rank": "count", "population": "count", "enrolled": "count", "as_of": "month",
                    "rate": "rate", "target_rate": "rate", "gap_points": "points", "gap_people": "count"}

    def export_document(self, record):
        return str(record.target.document) if record.target else ""

    def export_label(self, record):
        return record.label

    def __init__(self, rows, *, total, **kwargs):
        self.total = total
        super().__init__(rows, **kwargs)

    def render_label(self, record):
        if record.unit.level == "commune":
            return record.label
        url = reverse("district", args=[record.unit.code]) + f"?year={self.year}" if hasattr(self, "year") else "#"
        return format_html('<a href="{}">{}</a>', url, record.label)

    def render_population(self, value):
        return _num(value)

    def render_enrolled(self, value):
        return _num(value)

    def render_as_of(self, value):
        return fmt_month(value)

    def render_rate(self, value):
        return fmt_rate(value)

    def render_target_rate(self, value, record):
        sign = "> " if record.strictly_above else ""
        return sign + fmt_rate(value)

    def render_gap_points(self, value):
        return fmt_decimal(value, signed=True)

    def render_gap_people(self, value):
        return _num(value)

    def render_document(self, value):
        return str(value)
