"""The province's communes ranked: the district ranking's columns, plus the district the
commune stood under and what the summed history lacks."""

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from communes.periods import day_in_year

from .tables import CoverageRankingTable, TotalColumn


class ProvinceCommunesTable(CoverageRankingTable):
    district = tables.Column(_("Huyện (khi đó)"), accessor="extra__district", orderable=True)
    note = TotalColumn(
        _("Ghi chú"),
        accessor="extra__caveats",
        orderable=False,
        default="",
        attrs={"td": {"class": "note"}, "tf": {"class": "note"}},
        footer=lambda table: " ".join(table.total.extra.get("caveats", [])),
    )

    class Meta(CoverageRankingTable.Meta):
        sequence = ("rank", "label", "district", "...")

    def __init__(self, rows, *, total, year: int, todays_units: bool, **kwargs):
        super().__init__(rows, total=total, **kwargs)
        self.year = year
        self.todays_units = todays_units
        if todays_units:
            self.columns.hide("district")
        else:
            self.columns.hide("note")

    def hide_empty_columns(self) -> None:
        """The columns no row fills: the changes and the status, which this ranking does not compute
        (the province's own page does), and the district once the province has none. A column of
        dashes reads as figures missing."""
        records = list(self.data)
        filled = {
            "change_month": any(r.change_month is not None for r in records),
            "change_year": any(r.change_year is not None for r in records),
            "status": any(r.status for r in records),
            "district": any(r.extra.get("district", "–") != "–" for r in records),
        }
        for name, shown in filled.items():
            if not shown:
                self.columns.hide(name)

    def render_label(self, record):
        unit = record.unit
        if self.todays_units:
            url = reverse("commune", args=[unit.code]) + "?units=today"
        else:
            day = day_in_year(valid_from=unit.valid_from, valid_to=unit.valid_to, year=self.year)
            url = reverse("commune", args=[unit.code]) + f"?on={day.isoformat()}"
        return format_html('<a href="{}">{}</a>', url, record.label)

    def _note(self, record) -> str:
        parts = list(record.extra.get("caveats", []))
        if record.expected and record.reported < record.expected:
            parts.insert(
                0,
                str(
                    _("Mới có số liệu của %(n)s/%(m)s đơn vị tiền thân.") % {"n": record.reported, "m": record.expected}
                ),
            )
        return " ".join(parts)

    def render_note(self, record):
        return self._note(record)

    def export_note(self, record):
        return self._note(record)

    def export_district(self, record):
        return record.extra.get("district", "")
