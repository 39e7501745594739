"""The leader's monthly report as Word: the dashboard's figures as of the month, in the Decree 30
layout, for those who may see the unit, and only for a month that has one."""

import datetime as dt
import io
import os
import re
import shutil
import subprocess

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from docx import Document
from docx.shared import Mm

from communes.models import Level, Role, Unit
from reports.dashboard import area_dashboard
from reports.formatting import fmt_decimal, fmt_int, fmt_month, fmt_rate
from reports.monthly_report import DOCX_CONTENT_TYPE, monthly_report
from reports.tables import STATUS_LABELS
from tests.conftest import NOW, make_user, unit

NOVEMBER = dt.date(2026, 11, 1)
TODAY = NOW.date()  # 02/12/2026: November is the last ended month, a quarter of the communes still to send it
URL = "/provinces/12/report/2026-11.docx"


def lai_chau() -> Unit:
    return Unit.objects.provinces().in_force(TODAY).get(code="12")


def lines(document) -> list[str]:
    """Every paragraph's text, the tables' cells included, in reading order."""
    out = [p.text for p in document.paragraphs]
    for table in document.tables:
        out += [p.text for row in table.rows for cell in row.cells for p in cell.paragraphs]
    return out


def words(document) -> str:
    return " ".join(" ".join(lines(document)).split())


def table_after(document, heading: str) -> list[list[str]]:
    """The rows of the first ruled table whose heading row starts with `heading`."""
    for table in document.tables:
        rows = [[cell.text for cell in row.cells] for row in table.rows]
        if rows[0][0] == heading and table.style.name == "Table Grid":
            return rows[1:]
    raise AssertionError(f"no table headed {heading!r}")


@pytest.fixture
def november(demo):
    province = lai_chau()
    document = Document(io.BytesIO(monthly_report(province, NOVEMBER, today=TODAY)))
    return document, area_dashboard(province, 2026, as_of=NOVEMBER)


def test_it_states_the_dashboards_result_target_gap_and_outlook(november):
    document, dashboard = november
    text, headline = words(document), dashboard.headline
    assert headline.month == dt.date(2026, 10, 1)  # November is still coming in: October stands
    assert f"Số liệu đến tháng {fmt_month(headline.month)}" in text
    assert f"Tháng 11/2026: mới {headline.pending.reported} xã báo cáo, chưa tính" in text
    assert f"{fmt_int(headline.enrolled)}/{fmt_int(headline.population)} người" in text
    assert f"tỷ lệ bao phủ đạt {fmt_rate(headline.rate)} ({headline.reported}/{headline.expected} xã báo cáo)" in text
    target = headline.target
    assert f"Chỉ tiêu năm 2026: {fmt_rate(headline.target_rate)}" in text
    assert f"số {target.document.number} ngày {target.document.issued_on:%d/%m/%Y} của {target.document.issuer}" in text
    assert f"{fmt_decimal(headline.gap_points, signed=True)} điểm phần trăm" in text
    assert f"Còn {headline.months_left} tháng đến hết năm" in text
    assert f"cuối năm theo nhịp các tháng gần nhất: {fmt_rate(headline.projected_rate)}" in text
    assert f"Tình trạng: {STATUS_LABELS[headline.status]}" in text
    assert "Số liệu mô phỏng" in text  # the demo's figures are synthetic


def test_it_states_the_change_over_the_month_and_the_year(november):
    document, dashboard = november
    total, text = dashboard.table.total, words(document)
    assert f"So với tháng trước (09/2026): {fmt_decimal(total.change_month, signed=True)} điểm phần trăm" in text
    assert f"cùng kỳ năm trước (10/2025): {fmt_decimal(total.change_year, signed=True)} điểm phần trăm" in text


def test_the_communes_behind_come_most_people_short_first_with_why_their_sum_differs(november, client):
    document, dashboard = november
    behind = dashboard.behind
    assert behind.rows and behind.differs_from_unit  # the demo's communes fall short where the province does not
    rows = table_after(document, "TT")
    assert [(row[1], row[2]) for row in rows] == [(r.label, fmt_int(r.gap_people)) for r in behind.rows]
    assert f"thiếu {fmt_int(behind.people)} người" in words(document)
    # The dashboard's own sentence, word for word.
    client.force_login(make_user("leader_lc", Role.LEADER, lai_chau()))
    page = client.get("/provinces/12/").content.decode()
    why = re.search(r'<p class="note behind-why">(.*?)</p>', page, re.S)[1]
    assert " ".join(why.split()) in words(document)


def test_every_commune_has_its_row_as_the_dashboard_ranks_it(november):
    document, dashboard = november
    rows = table_after(document, "Hạng")
    communes, total = rows[:-1], rows[-1]
    assert len(communes) == len(dashboard.table.rows) == 38
    for cells, row in zip(communes, dashboard.table.rows, strict=True):
        assert cells[0] == str(row.rank) and cells[1].startswith(row.label)
        assert cells[2:7] == [
            fmt_int(row.population),
            fmt_int(row.enrolled),
            fmt_rate(row.rate),
            fmt_rate(row.target_rate),
            fmt_int(row.gap_people),
        ]
        assert cells[7] == STATUS_LABELS[row.status]
        # A commune that has not sent November yet shows its latest month beside its name.
        assert cells[1].endswith(f"({fmt_month(row.as_of)})") == (row.as_of < NOVEMBER)
    figures = dashboard.table.total
    assert total[1:5] == ["Tổng cộng", fmt_int(figures.population), fmt_int(figures.enrolled), fmt_rate(figures.rate)]


def test_the_report_of_an_earlier_month_is_the_dashboard_as_of_that_month(demo):
    august = dt.date(2026, 8, 1)
    document = Document(io.BytesIO(monthly_report(lai_chau(), august, today=TODAY)))
    headline, text = area_dashboard(lai_chau(), 2026, as_of=august).headline, words(document)
    assert headline.month == august and headline.pending is None
    assert "Số liệu đến tháng 08/2026" in text and "mới" not in text
    assert f"tỷ lệ bao phủ đạt {fmt_rate(headline.rate)}" in text
    assert f"Còn {headline.months_left} tháng đến hết năm" in text and headline.months_left == 4


def test_a_districts_report_shows_the_directives_cohort_sub_targets(demo):
    luc_ngan, september = unit(Level.DISTRICT, "219"), dt.date(2021, 9, 1)
    document = Document(io.BytesIO(monthly_report(luc_ngan, september, today=dt.date(2021, 10, 5))))
    [view] = area_dashboard(luc_ngan, 2021, as_of=september).cohorts
    assert "Nhóm bị ảnh hưởng theo Chỉ thị 05-CT/HU" in words(document)
    rows = table_after(document, "Mục tiêu")
    assert rows == [
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
    assert [row[4] for row in rows] == ["100,00%", "> 95,00%"]
    text = words(document)
    assert "UBND HUYỆN LỤC NGẠN" in text and "Lục Ngạn, ngày 05 tháng 10 năm 2021" in text
    assert "- Thường trực Huyện ủy;" in text


def test_it_has_the_parts_of_a_decree_30_document(november):
    document, _dashboard = november
    header, foot = document.tables[0], document.tables[-1]
    issuer, nation = (cell.text.strip() for cell in header.rows[0].cells)
    number, when = (cell.text.strip() for cell in header.rows[1].cells)
    assert issuer == "UBND TỈNH LAI CHÂU"
    assert nation.split("\n") == ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"]
    motto = header.rows[0].cells[1].paragraphs[1].runs[0]
    assert motto.bold and motto.underline
    assert number.startswith("Số:") and number.endswith("/BC-UBND") and not re.search(r"\d", number)
    assert when == "Lai Châu, ngày 02 tháng 12 năm 2026" and header.rows[1].cells[1].paragraphs[0].runs[0].italic
    assert "w:tblBorders" in header._tbl.xml and 'w:val="nil"' in header._tbl.xml
    body = [p.text for p in document.paragraphs]
    assert body[0] == "BÁO CÁO" and body[1] == "Kết quả thực hiện chỉ tiêu bao phủ bảo hiểm y tế tháng 11/2026"
    assert body[-1].endswith("của Ủy ban nhân dân tỉnh Lai Châu./.")
    recipients, signature = (cell.text.split("\n") for cell in foot.rows[0].cells)
    assert recipients[0] == "Nơi nhận:" and "- Thường trực Tỉnh ủy;" in recipients and recipients[-1] == "- Lưu: VT."
    assert signature[:2] == ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"] and not "".join(signature[2:])  # left to sign


def test_it_is_a4_portrait_in_times_new_roman_at_the_decrees_sizes(november):
    document, _dashboard = november
    section = document.sections[0]
    assert (abs(section.page_width - Mm(210)), abs(section.page_height - Mm(297))) < (Mm(0.5), Mm(0.5))
    assert Mm(20) <= section.top_margin <= Mm(25) and Mm(20) <= section.bottom_margin <= Mm(25)
    assert Mm(30) <= section.left_margin <= Mm(35) and Mm(15) <= section.right_margin <= Mm(20)
    recipients = document.tables[-1].rows[0].cells[0]
    sizes = {"body": set(), "tables": set(), "recipients": set()}
    for part, paragraphs in (
        ("body", document.paragraphs),
        ("body", [p for t in (document.tables[0], document.tables[-1]) for c in t.rows[0].cells for p in c.paragraphs]),
        ("body", [p for c in document.tables[0].rows[1].cells for p in c.paragraphs]),
        ("tables", [p for t in document.tables[1:-1] for r in t.rows for c in r.cells for p in c.paragraphs]),
    ):
        for p in paragraphs:
            for run in p.runs:
                assert run.font.name == "Times New Roman", run.text
                if p._p in [q._p for q in recipients.paragraphs]:
                    sizes["recipients"].add(run.font.size.pt)
                elif run.text:
                    sizes[part].add(run.font.size.pt)
    assert sizes["body"] <= {13, 14} and 13 in sizes["body"]
    assert sizes["tables"] <= {12, 13} and sizes["tables"]
    assert sizes["recipients"] <= {11, 12} and sizes["recipients"]


def test_the_dashboards_chart_is_embedded_as_a_png(november):
    document, _dashboard = november
    [chart] = document.inline_shapes
    assert Mm(150) <= chart.width <= Mm(165)  # within the text width
    blip = chart._inline.graphic.graphicData.pic.blipFill.blip
    assert document.part.related_parts[blip.embed].blob.startswith(b"\x89PNG")


# -- the download ------------------------------------------------------------------------------


def test_the_provinces_leader_downloads_it_and_the_get_writes_nothing(demo, client):
    client.force_login(make_user("leader_lc", Role.LEADER, lai_chau()))
    with CaptureQueriesContext(connection) as queries:
        response = client.get(URL)
    assert response.status_code == 200 and response["Content-Type"] == DOCX_CONTENT_TYPE
    assert 'filename="bao-cao-thang-2026-11-lai-chau.docx"' in response["Content-Disposition"]
    assert "UBND TỈNH LAI CHÂU" in words(Document(io.BytesIO(response.content)))
    writes = [
        q["sql"] for q in queries.captured_queries if q["sql"].lstrip().split()[0] in ("INSERT", "UPDATE", "DELETE")
    ]
    assert writes == []


def test_the_area_dashboard_links_the_last_ended_months_report(demo, client):
    client.force_login(make_user("leader_lc", Role.LEADER, lai_chau()))
    page = client.get("/provinces/12/").content.decode()
    assert f'<a href="{URL}">Báo cáo tháng (Word) 11/2026</a>' in page


def test_another_provinces_officer_gets_404_and_a_visitor_the_login_page(demo, client):
    assert client.get(URL)["Location"].startswith("/accounts/login/?next=")
    bac_ninh = Unit.objects.provinces().in_force(TODAY).get(code="24")
    client.force_login(make_user("officer_bn", Role.OFFICER, bac_ninh))
    assert client.get(URL).status_code == 404
    assert client.get("/provinces/24/report/2026-11.docx").status_code == 200


@pytest.mark.parametrize(
    ("url", "status", "says"),
    [
        ("/provinces/12/report/2026-13.docx", 400, "Tháng không hợp lệ"),
        ("/provinces/12/report/1900-01.docx", 404, "Cổng chỉ có số liệu từ năm 2020"),
        ("/provinces/12/report/2026-12.docx", 404, "Tháng 12/2026 chưa kết thúc"),
        ("/provinces/12/report/2031-01.docx", 404, "chưa kết thúc"),
        ("/provinces/12/report/2025-06.docx", 404, "chưa trực tiếp quản lý các xã"),
        ("/districts/109/report/2025-07.docx", 404, "Huyện Phong Thổ đã kết thúc ngày 30/06/2025"),
    ],
)
def test_a_month_without_a_report_is_refused_with_the_reason(demo, client, url, status, says):
    client.force_login(make_user("admin_r", superuser=True))
    response = client.get(url)
    assert response.status_code == status and says in response.content.decode()


def test_the_security_walk_fills_the_report_routes():
    from tests.security.routes import Targets, all_routes, url_for

    targets = Targets(province="12", district="109", commune="03583", document=1)
    routes = {route.name: route for route in all_routes()}
    assert url_for(routes["province_report"], targets) == "/provinces/12/report/2021-06.docx"
    assert url_for(routes["district_report"], targets) == "/districts/109/report/2021-06.docx"


# -- as LibreOffice prints it --------------------------------------------------------------------


def pdf_text(soffice: str, content: bytes, directory) -> str:
    """The report converted to PDF by LibreOffice Writer, and the PDF's text by pdftotext."""
    source = directory / "report.docx"
    source.write_bytes(content)
    profile = (directory / "profile").as_uri()  # a private profile, as in test_libreoffice.py
    subprocess.run(
        [soffice, f"-env:UserInstallation={profile}", "--headless", "--norestore", "--convert-to", "pdf"]
        + ["--outdir", str(directory / "out"), str(source)],
        check=True,
        capture_output=True,
        timeout=180,
    )
    pdfs, pdftotext = list((directory / "out").glob("*.pdf")), shutil.which("pdftotext")
    if not pdfs or pdftotext is None:
        missing = "libreoffice-writer-nogui" if not pdfs else "poppler-utils"
        if os.environ.get("CI"):
            pytest.fail(f"The report's PDF check needs {missing} in CI: apt-get install {missing}")
        pytest.skip(f"{missing} is not installed")
    # -layout keeps a table's row on one line: a commune's figures read in their order.
    converted = subprocess.run([pdftotext, "-layout", str(pdfs[0]), "-"], check=True, capture_output=True, timeout=60)
    return " ".join(converted.stdout.decode().split())


@pytest.mark.libreoffice
def test_libreoffice_prints_the_report_with_its_headings_and_figures(november, soffice, tmp_path):
    _document, dashboard = november
    text = pdf_text(soffice, monthly_report(lai_chau(), NOVEMBER, today=TODAY), tmp_path)
    for part in (
        "UBND TỈNH LAI CHÂU",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Lai Châu, ngày 02 tháng 12 năm 2026",
        "BÁO CÁO",
        "Kết quả thực hiện chỉ tiêu bao phủ bảo hiểm y tế tháng 11/2026",
        "1. Kết quả thực hiện đến tháng 10/2026",
        "2. Biến động tỷ lệ bao phủ",
        "3. Các xã chưa đạt chỉ tiêu",
        "4. Kết quả của từng xã",
        "5. Biểu đồ tỷ lệ bao phủ theo tháng",
        "Nơi nhận:",
        "TM. ỦY BAN NHÂN DÂN",
    ):
        assert part in text, part
    headline, behind = dashboard.headline, dashboard.behind
    assert f"tỷ lệ bao phủ đạt {fmt_rate(headline.rate)}" in text
    assert f"Chỉ tiêu năm 2026: {fmt_rate(headline.target_rate)}" in text
    assert f"thiếu {fmt_int(behind.people)} người" in text
    for row in dashboard.table.rows:
        assert f"{fmt_int(row.population)} {fmt_int(row.enrolled)} {fmt_rate(row.rate)}" in text, row.label
