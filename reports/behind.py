"""Who is behind and by how many people: the first question of the monthly meeting.

A commune is behind while it is short of its own target at its latest month (people short > 0);
the list is read most people short first, so the meeting starts where the most work is.
"""

from dataclasses import dataclass
from html import escape

from django.utils.safestring import SafeString

from .coverage import Status
from .formatting import fmt_int, fmt_rate, separators_fixed
from .links import UnitLinks
from .tables import STATUS_LABELS
from .tables_data import CoverageRow

PRINTED_LINES = 5


@dataclass
class Behind:
    rows: list[CoverageRow]
    unit_gap: int | None  # the unit's own people short, against its own target
    year: int | None = None  # the page's year: each commune's link opens it

    @property
    def people(self) -> int:
        return sum(row.gap_people for row in self.rows)

    @property
    def bars(self) -> list[tuple[CoverageRow, int]]:
        """Each row with its bar's length in percent of the longest (most people short)."""
        longest = max((row.gap_people for row in self.rows), default=0)
        return [(row, max(1, round(100 * row.gap_people / longest))) for row in self.rows]

    @property
    def lines(self) -> list[dict]:
        """Each row as the page lists it: its link, bar and figures as shown. Dicts, which a
        template reads fastest: the list may name every commune of a 168-commune province."""
        links = UnitLinks(year=self.year)
        return [
            {
                # Printed, the first PRINTED_LINES: the ranking beside them has the others.
                "row_class": f"status-{row.status or 'none'}{' print-cut' if index >= PRINTED_LINES else ''}",
                "code": row.unit.code,
                "url": links(row.unit),
                "label": row.label,
                "bar": bar,
                "gap": fmt_int(row.gap_people),
                "rate": fmt_rate(row.rate),
                "target": ("> " if row.strictly_above else "") + fmt_rate(row.target_rate),
                "status": row.status,
                "status_label": STATUS_LABELS.get(row.status, "–"),
            }
            for index, (row, bar) in enumerate(self.bars)
        ]

    @property
    def rows_html(self) -> SafeString:
        """The list's table rows. Written here rather than by a template loop: a 168-commune
        province lists up to 168 lines of ten values, and the template's per-value lookups cost
        more than the rest of the list. Every value is escaped, as format_html would."""
        with separators_fixed():
            return SafeString(
                "".join(
                    f'\n      <tr class="{escape(line["row_class"])}" data-behind="{escape(line["code"])}">'
                    f'<td><a href="{escape(line["url"])}">{escape(line["label"])}</a>'
                    # A phone shows the status under the name, where its own column has no room.
                    f'<span class="status {escape(str(line["status"]))} under-name">'
                    f"{escape(str(line['status_label']))}</span></td>"
                    '<td class="num gap-bar"><span class="bar-track" aria-hidden="true">'
                    f'<span class="bar" style="width:{line["bar"]:d}%"></span></span> '
                    f'<strong>{escape(line["gap"])}</strong></td><td class="num">{escape(line["rate"])}</td>'
                    f'<td class="num">{escape(line["target"])}</td><td class="screen-only status-column">'
                    f'<span class="status {escape(str(line["status"]))}">{escape(str(line["status_label"]))}</span>'
                    "</td></tr>"
                    for line in self.lines
                )
            )

    @property
    def not_printed(self) -> int:
        """How many lines a printed page leaves to the ranking."""
        return max(0, len(self.rows) - PRINTED_LINES)

    @property
    def off_track(self) -> int:
        return sum(1 for row in self.rows if row.status == Status.OFF_TRACK)

    @property
    def at_risk(self) -> int:
        return sum(1 for row in self.rows if row.status == Status.AT_RISK)

    @property
    def differs_from_unit(self) -> bool:
        """The communes' shortfalls do not add up to the unit's: communes above their target make
        up, in the unit's sums, for some of those below, and each commune has its own target."""
        return self.unit_gap is not None and bool(self.rows) and self.people != self.unit_gap


def communes_behind(rows: list[CoverageRow], *, unit_gap: int | None, year: int | None = None) -> Behind:
    """Rows short of their target, most people short first (code breaks ties). A row whose count
    exceeds its population is left out: its gap means nothing until the data is checked."""
    short = [row for row in rows if row.gap_people and row.status != Status.CHECK_DATA]
    short.sort(key=lambda row: (-row.gap_people, row.unit.code))
    return Behind(rows=short, unit_gap=unit_gap, year=year)
