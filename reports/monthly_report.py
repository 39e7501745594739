"""The leader's monthly report to the standing committee, as a Word document (Decree 30 layout).

The directive asks the district (the province since 7/2025) to report the month's result upward
every month. Every figure is the dashboard's as of the month (`area_dashboard(..., as_of=month)`),
written with the dashboard's own formatters and words; the chart is the dashboard's series drawn
as a PNG. Views only wrap the bytes in a response.
"""

import datetime as dt
import io

from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm

from communes.models import Level, Unit
from communes.names import fold
from communes.periods import add_months
from targets.models import TargetDocument

from .chart_png import chart_png
from .dashboard import CohortView, Dashboard, area_dashboard
from .docx_layout import Frame, data_table, finish, new_document, paragraph, run
from .formatting import fmt_decimal, fmt_int, fmt_month, fmt_rate
from .tables import STATUS_LABELS
from .tables_data import CoverageRow

DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PARTY_COMMITTEE = {
    "Tỉnh": "Tỉnh ủy",
    "Thành phố": "Thành ủy",
    "Huyện": "Huyện ủy",
    "Thị xã": "Thị ủy",
    "Quận": "Quận ủy",
}
INDENT = Cm(1)
COMMUNE_COLUMNS = (  # heading, width (cm), numeric: 16,5 cm in all, the text width
    ("Hạng", 1.2, True),
    ("Xã", 3.5, False),
    ("Dân số", 1.8, True),
    ("Số người tham gia", 2.0, True),
    ("Tỷ lệ", 1.8, True),
    ("Chỉ tiêu", 1.8, True),
    ("Còn thiếu (người)", 1.8, True),
    ("Tình trạng", 2.6, False),
)
BEHIND_COLUMNS = (
    ("TT", 1.1, True),
    ("Xã", 5.2, False),
    ("Còn thiếu (người)", 2.4, True),
    ("Tỷ lệ", 2.2, True),
    ("Chỉ tiêu", 2.2, True),
    ("Tình trạng", 3.4, False),
)
COHORT_COLUMNS = (
    ("Mục tiêu", 5.3, False),
    ("Đã tham gia lại", 2.3, True),
    ("Bị ảnh hưởng", 2.3, True),
    ("Tỷ lệ", 2.0, True),
    ("Chỉ tiêu", 2.3, True),
    ("Còn thiếu", 2.3, True),
)


def report_filename(unit: Unit, month: dt.date) -> str:
    """bao-cao-thang-2026-11-lai-chau.docx"""
    slug = "-".join("".join(ch if ch.isalnum() else " " for ch in fold(unit.name)).split())
    return f"bao-cao-thang-{month:%Y-%m}-{slug}.docx"


def monthly_report(unit: Unit, month: dt.date, *, today: dt.date) -> bytes:
    """The report of `unit` (a district, or a province with communes of its own) for `month`,
    dated `today`."""
    dashboard = area_dashboard(unit, month.year, as_of=month)
    frame = _frame(unit, month, today)
    document = new_document(frame)
    Writer(document, dashboard, month).write()
    finish(document, frame)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _frame(unit: Unit, month: dt.date, today: dt.date) -> Frame:
    word = unit.kind.lower()
    return Frame(
        issuer=f"UBND {unit.full_name.upper()}",
        number="Số:        /BC-UBND",
        place=unit.name,
        day=today,
        kind="BÁO CÁO",
        subject=f"Kết quả thực hiện chỉ tiêu bao phủ bảo hiểm y tế tháng {fmt_month(month)}",
        recipients=[
            f"- Thường trực {PARTY_COMMITTEE.get(unit.kind, unit.kind + ' ủy')};",
            f"- Thường trực HĐND {word};",
            f"- BHXH {word};",
            "- Lưu: VT.",
        ],
        authority=["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"],
    )


def document_reference(document: TargetDocument) -> str:
    """A document as a sentence names it: Kế hoạch số 08/KH-UBND ngày 15/01/2026 của UBND tỉnh Lai Châu."""
    return (
        f"{document.get_kind_display()} số {document.number} ngày {document.issued_on:%d/%m/%Y} của {document.issuer}"
    )


def area_word(unit: Unit) -> str:
    """As the dashboard names its unit in its notes (reports/views.py)."""
    return _("huyện") if unit.level == Level.DISTRICT else _("tỉnh")


class Writer:
    """Writes the body of one report: numbered sections in the dashboard's order."""

    def __init__(self, document, dashboard: Dashboard, month: dt.date):
        self.document, self.dashboard, self.month = document, dashboard, month
        self.unit, self.headline = dashboard.unit, dashboard.headline
        self.sections = 0

    def write(self) -> None:
        self._as_of()
        self._intro()
        self._result()
        self._changes()
        self._behind()
        for view in self.dashboard.cohorts:
            self._cohort(view)
        self._communes()
        self._chart()
        self.text(
            f"Trên đây là báo cáo kết quả thực hiện chỉ tiêu bao phủ bảo hiểm y tế tháng {fmt_month(self.month)} "
            f"của Ủy ban nhân dân {self._unit_words()}./."
        )

    # -- pieces ------------------------------------------------------------------------------------

    def heading(self, title: str) -> None:
        self.sections += 1
        heading = paragraph(self.document, before=6, after=6, indent=INDENT, keep=True)
        run(heading, f"{self.sections}. {title}", bold=True)

    def text(self, content: str, *, italic: bool = False, keep: bool = False) -> None:
        p = paragraph(self.document, align=WD_ALIGN_PARAGRAPH.JUSTIFY, indent=INDENT, keep=keep)
        run(p, content, italic=italic)

    def centred(self, content: str, *, italic: bool = True, bold: bool = False) -> None:
        run(paragraph(self.document, align=WD_ALIGN_PARAGRAPH.CENTER, after=0), content, italic=italic, bold=bold)

    def table(self, columns, rows: list[list[str]], *, total: list[str] | None = None) -> None:
        data_table(self.document, columns, rows, total=total)
        paragraph(self.document, after=0)

    # -- sections ----------------------------------------------------------------------------------

    def _as_of(self) -> None:
        headline = self.headline
        if headline.month is not None:
            self.centred(f"(Số liệu đến tháng {fmt_month(headline.month)})")
        if headline.synthetic:
            self.centred("Số liệu mô phỏng – không dùng cho báo cáo chính thức", bold=True)
        paragraph(self.document, after=0)

    def _intro(self) -> None:
        target = self.headline.target
        basis = f"Thực hiện {document_reference(target.document)}, " if target else ""
        self.text(
            f"{basis}Ủy ban nhân dân {self._unit_words()} báo cáo kết quả thực hiện chỉ tiêu bao phủ bảo hiểm y tế "
            f"tháng {fmt_month(self.month)} như sau:"
        )

    def _unit_words(self) -> str:
        """The unit inside a sentence, its kind in lower case: tỉnh Lai Châu."""
        return f"{self.unit.kind.lower()} {self.unit.name}"

    def _result(self) -> None:
        headline, year = self.headline, self.dashboard.year
        self.heading(f"Kết quả thực hiện đến tháng {fmt_month(headline.month or self.month)}")
        if headline.month is None:
            self.text(f"Chưa có xã nào báo cáo số liệu năm {year} đến tháng {fmt_month(self.month)}.")
        else:
            self.text(
                f"Đến tháng {fmt_month(headline.month)}, toàn {self.unit.kind.lower()} có "
                f"{fmt_int(headline.enrolled)}/{fmt_int(headline.population)} người tham gia bảo hiểm y tế, "
                f"tỷ lệ bao phủ đạt {fmt_rate(headline.rate)} ({headline.reported}/{headline.expected} xã báo cáo)."
            )
        self._pending()
        if headline.target is None:
            self.text(f"Năm {year} chưa có văn bản giao chỉ tiêu bao phủ.")
            return
        above = "trên " if headline.strictly_above else ""
        self.text(
            f"Chỉ tiêu năm {year}: {above}{fmt_rate(headline.target_rate)} "
            f"({document_reference(headline.target.document)})."
        )
        if headline.gap_people is not None:
            self.text(self._gap_sentence())
        if headline.month is not None:
            self.text(self._outlook_sentence())

    def _pending(self) -> None:
        headline = self.headline
        if headline.pending is not None:
            # The headline's own words (templates/reports/partials/headline.html).
            self.text(
                _("Tháng %(m)s: mới %(n)s xã báo cáo, chưa tính")
                % {"m": fmt_month(headline.pending.month), "n": headline.pending.reported}
                + "."
            )
        elif headline.month is not None and headline.month < self.month:
            self.text(f"Tháng {fmt_month(self.month)}: chưa có xã nào báo cáo.")

    def _gap_sentence(self) -> str:
        headline = self.headline
        points = fmt_decimal(headline.gap_points, signed=True)
        if headline.gap_people == 0:
            return f"Đã đạt chỉ tiêu năm; chênh lệch so với chỉ tiêu: {points} điểm phần trăm."
        return (
            f"Chênh lệch so với chỉ tiêu: {points} điểm phần trăm; "
            f"còn thiếu {fmt_int(headline.gap_people)} người để đạt chỉ tiêu."
        )

    def _outlook_sentence(self) -> str:
        headline = self.headline
        if headline.months_left:
            months = f"Còn {headline.months_left} tháng đến hết năm"
            if headline.ends:
                months = f"Còn {headline.months_left} tháng đến khi đơn vị kết thúc ({headline.ends:%d/%m/%Y})"
            if headline.gap_people:
                months += f", cần thêm bình quân {fmt_int(headline.per_month)} người mỗi tháng"
        elif headline.ends:
            months = f"Đơn vị kết thúc ngày {headline.ends:%d/%m/%Y}"
        else:
            months = "Đã hết tháng của năm"
        until = f"đến tháng {headline.last_month}" if headline.ends else "cuối năm"
        return (
            f"{months}. Dự báo {until} theo nhịp các tháng gần nhất: {fmt_rate(headline.projected_rate)}. "
            f"Tình trạng: {STATUS_LABELS.get(headline.status, '–')}."
        )

    def _changes(self) -> None:
        total, headline = self.dashboard.table.total, self.headline
        self.heading("Biến động tỷ lệ bao phủ")
        if headline.month is None:
            self.text("Chưa có số liệu để so sánh.")
            return
        before, year_before = add_months(headline.month, -1), add_months(headline.month, -12)
        self.text(
            f"So với tháng trước ({fmt_month(before)}): {_points(total.change_month)}; "
            f"so với cùng kỳ năm trước ({fmt_month(year_before)}): {_points(total.change_year)}."
        )

    def _behind(self) -> None:
        behind = self.dashboard.behind
        self.heading("Các xã chưa đạt chỉ tiêu")
        if not behind.rows:
            self.text(_("Không có xã nào thiếu người so với chỉ tiêu ở tháng có số liệu gần nhất."))
            return
        kinds = [
            f"{n} xã {label}" for n, label in ((behind.off_track, "chệch hướng"), (behind.at_risk, "có nguy cơ")) if n
        ]
        detail = f" ({', '.join(kinds)})" if kinds else ""
        self.text(
            f"Có {len(behind.rows)} xã chưa đạt chỉ tiêu{detail}, "
            f"thiếu {fmt_int(behind.people)} người (xếp theo số người còn thiếu, nhiều nhất trước):",
            keep=True,
        )
        rows = [
            [str(n), row.label, fmt_int(row.gap_people), fmt_rate(row.rate), _target(row), _status(row)]
            for n, row in enumerate(behind.rows, start=1)
        ]
        self.table(BEHIND_COLUMNS, rows)
        if any(row.target_inherited for row in behind.rows):
            self.text(self._inherited_note(), italic=True)
        if behind.differs_from_unit:
            why = render_to_string(
                "reports/partials/behind_why.html", {"behind": behind, "area_word": area_word(self.unit)}
            )
            self.text(" ".join(why.split()), italic=True)

    def _cohort(self, view: CohortView) -> None:
        cohort = view.cohort
        self.heading(f"Nhóm bị ảnh hưởng theo {cohort.document}")
        month = f", số liệu tháng {fmt_month(view.month)}" if view.month else ""
        self.text(f"{cohort.name}: {fmt_int(cohort.size)} người{month}.", keep=True)
        if not view.month:
            self.text(_("Chưa có số liệu theo dõi nhóm này."))
            return
        rows = [
            [
                part.label,
                fmt_int(part.done),
                fmt_int(part.affected),
                fmt_rate(part.rate),
                ("> " if part.comparison == "gt" else "") + fmt_rate(part.target_rate),
                fmt_int(part.gap_people),
            ]
            for part in view.parts
        ]
        self.table(COHORT_COLUMNS, rows)

    def _communes(self) -> None:
        table = self.dashboard.table
        self.heading("Kết quả của từng xã")
        rows = [
            [
                str(row.rank) if row.rank else "–",
                self._label(row),
                fmt_int(row.population),
                fmt_int(row.enrolled),
                fmt_rate(row.rate),
                _target(row),
                fmt_int(row.gap_people),
                _status(row),
            ]
            for row in table.rows
        ]
        total = table.total
        totals = ["", _("Tổng cộng"), fmt_int(total.population), fmt_int(total.enrolled), fmt_rate(total.rate)]
        totals += [_target(total), fmt_int(total.gap_people), _status(total)]
        self.table(COMMUNE_COLUMNS, rows, total=totals)
        notes = []
        if any(row.as_of and row.as_of < self.month for row in table.rows):
            notes.append(
                f"Tháng trong ngoặc: xã chưa báo cáo tháng {fmt_month(self.month)}, dùng số liệu tháng gần nhất."
            )
        if any(row.target_inherited for row in table.rows):
            notes.append(self._inherited_note())
        for note in notes:
            self.text(note, italic=True)

    def _inherited_note(self) -> str:
        return f"(*) Xã không có chỉ tiêu riêng dùng chỉ tiêu chung của {area_word(self.unit)}."

    def _label(self, row: CoverageRow) -> str:
        if row.as_of and row.as_of < self.month:
            return f"{row.label} ({fmt_month(row.as_of)})"
        return row.label

    def _chart(self) -> None:
        chart = self.dashboard.chart
        self.heading("Biểu đồ tỷ lệ bao phủ theo tháng")
        picture = paragraph(self.document, align=WD_ALIGN_PARAGRAPH.CENTER, after=0, keep=True)
        run(picture, "").add_picture(io.BytesIO(chart_png(chart)), width=Cm(16))
        caption = (
            "Tỷ lệ bao phủ cuối mỗi tháng (tổng số người tham gia ÷ tổng dân số các xã đã báo cáo); "
            f"nét đậm là năm {self.dashboard.year}, nét nhạt là các năm trước; đường gạch là chỉ tiêu năm."
        )
        if chart.synthetic:
            caption += " Số liệu mô phỏng."
        self.text(caption, italic=True)


def _points(value) -> str:
    return "chưa có số liệu để so sánh" if value is None else f"{fmt_decimal(value, signed=True)} điểm phần trăm"


def _target(row: CoverageRow) -> str:
    if row.target_rate is None:
        return "–"
    shown = ("> " if row.strictly_above else "") + fmt_rate(row.target_rate)
    return shown + ("*" if row.target_inherited else "")


def _status(row: CoverageRow) -> str:
    return str(STATUS_LABELS.get(row.status, "–"))
