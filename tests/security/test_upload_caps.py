"""Every upload page reads its file with bounded work, whatever the format: the agency's workbook
(.xlsx, .xls, .csv) and the annex import (.xlsx only). A file too long, too wide or too large is
refused in Vietnamese in well under the 2-second budget of one upload, and nothing changes.

Each file is built here, in memory: the .xlsx by hand (tests/security/test_hostile_workbooks.py),
the .xls byte by byte (tests/security/xls_files.py), the CSV as text."""

import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from communes.models import Level, Role
from entry.workbooks import read_rows
from targets.models import TargetDocument
from tests.conftest import make_user, unit

from .test_forged_urls import snapshot
from .test_hostile_workbooks import bare_xlsx, sheet_xml
from .xls_files import xls

AGENCY_PAGE = "/districts/109/entry/2022-01/workbook/"
BUDGET = 2.0  # seconds: the workbook scan's own deadline (entry/limits.py)
LONG = "có hơn 5.000 dòng: tối đa 5.000 dòng"
WIDE = "cột: tối đa 200 cột"
TOO_MANY_CELLS = "Tệp có hơn 100.000 ô dữ liệu: tối đa 100.000 ô."


def _long_csv() -> bytes:
    return "\n".join(f"Xã số {n};{n}" for n in range(6_000)).encode()


def _wide_csv() -> bytes:
    return (";".join(str(n) for n in range(300)) + "\n").encode()


OVERSIZED = {
    "xlsx, 100.000 rows": ("bhxh.xlsx", lambda: bare_xlsx(sheet_xml(100_000)), LONG),
    "xlsx, 300 columns": ("bhxh.xlsx", lambda: bare_xlsx(sheet_xml(2, columns=300)), WIDE),
    "xls, 6.000 rows": ("bhxh.xls", lambda: xls([(r, 0, "1") for r in range(6_000)], dimensions=(1, 1)), LONG),
    "xls, 300 columns": ("bhxh.xls", lambda: xls([(0, c, "1") for c in range(300)], dimensions=(1, 1)), WIDE),
    "xls, declared 70.000 rows": ("bhxh.xls", lambda: xls([(0, 0, "1")], dimensions=(70_000, 1)), "có 70.000 dòng"),
    "xls, 1.200.000 shared strings": ("bhxh.xls", lambda: xls([(0, 0, "1")], strings=1_200_000), TOO_MANY_CELLS),
    "csv, 6.000 rows": ("bhxh.csv", _long_csv, LONG),
    "csv, 300 columns": ("bhxh.csv", _wide_csv, "có 300 cột: tối đa 200 cột"),
}


@pytest.fixture
def officer(db, settings):
    settings.ENTRY_CLOSE_DAYS = 100_000
    return make_user("officer_caps", Role.OFFICER, unit(Level.DISTRICT, "109"))


def _upload(client, url: str, name: str, data: bytes):
    started = time.perf_counter()
    response = client.post(url, {"workbook": SimpleUploadedFile(name, data, content_type="application/octet-stream")})
    return response, time.perf_counter() - started


def test_the_xls_builder_makes_files_xlrd_reads():
    table = read_rows(xls([(0, 0, "Xa Binh Lu"), (0, 1, "4179"), (1, 0, "Xa Ta Leng"), (1, 1, "3000")]), "a.xls")
    assert (table.sheet, table.rows) == ("Sheet", [["Xa Binh Lu", "4179"], ["Xa Ta Leng", "3000"]])


@pytest.mark.parametrize("attack", OVERSIZED)
def test_the_agency_page_refuses_an_oversized_file_of_each_format_quickly(client, officer, attack):
    name, build, expected = OVERSIZED[attack]
    client.force_login(officer)
    before = snapshot()
    response, elapsed = _upload(client, AGENCY_PAGE, name, build())
    assert response.status_code == 400 and expected in response.content.decode()
    assert elapsed < BUDGET and snapshot() == before


@pytest.mark.parametrize("name", ["bhxh.xlsx", "bhxh.xls", "bhxh.csv"])
def test_a_file_over_the_byte_limit_is_refused_by_both_pages_before_it_is_read(client, officer, staff, settings, name):
    settings.IMPORT_MAX_BYTES = 16 * 1024  # the form's 64 KB of slack lets the file reach the page
    data = {"bhxh.xlsx": bare_xlsx(sheet_xml(2)), "bhxh.xls": xls([(0, 0, "1")]), "bhxh.csv": b"a;1\n"}[name]
    data += b"\0" * (20 * 1024)
    plan = TargetDocument.objects.get(number="231/KH-UBND")
    before = snapshot()
    for user, url in ((officer, AGENCY_PAGE), (staff, f"/documents/{plan.pk}/import/")):
        client.force_login(user)
        response, _elapsed = _upload(client, url, name, data)
        assert response.status_code == 400 and "Tệp lớn hơn giới hạn" in response.content.decode(), url
    assert snapshot() == before


@pytest.mark.parametrize(
    "name, build, expected",
    [
        ("phu-luc.xls", lambda: xls([(0, 0, "1")]), "Tệp Excel 97–2003 (.xls) chưa đọc được"),
        ("phu-luc.csv", _long_csv, "Tệp không phải bảng tính: hãy tải lên tệp .xlsx."),
        ("phu-luc.xlsx", lambda: bare_xlsx(sheet_xml(100_000)), LONG),
    ],
)
def test_the_annex_import_takes_only_an_xlsx_and_scans_it_before_loading(client, staff, name, build, expected):
    plan = TargetDocument.objects.get(number="231/KH-UBND")
    client.force_login(staff)
    before = snapshot()
    response, elapsed = _upload(client, f"/documents/{plan.pk}/import/", name, build())
    assert response.status_code == 400 and expected in response.content.decode()
    assert elapsed < BUDGET and snapshot() == before


def test_a_csv_in_a_windows_code_page_is_judged_on_a_sample_not_scored_whole(client, officer):
    # Windows-1258 text of 4,8 MB: guessing its code page letter by letter took 6 s of CPU.
    data = ("Xã Bình Lư;4179\n" * 300_000).encode("cp1258", errors="replace")
    client.force_login(officer)
    response, elapsed = _upload(client, AGENCY_PAGE, "bhxh.csv", data)
    assert response.status_code == 400 and LONG in response.content.decode()
    assert elapsed < BUDGET


def test_a_csv_field_longer_than_the_csv_reader_takes_is_refused_as_damaged(client, officer):
    client.force_login(officer)
    response, _elapsed = _upload(client, AGENCY_PAGE, "bhxh.csv", b"x" * 200_000)
    assert response.status_code == 400
    assert "Tệp CSV bị hỏng, không đọc được." in response.content.decode()
