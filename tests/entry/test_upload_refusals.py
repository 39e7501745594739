"""A file that cannot be read is refused in the same Vietnamese words by both upload pages, the annex
import (.xlsx only) and the agency's workbook (.xlsx, .xls or .csv), and nothing changes. Each bad
file is sent to both pages, as an officer and a staff member would send it."""

import html
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from communes.models import ChangeRecord, Enrollment, Level, Population, Role, UnitAlias
from entry import limits
from entry.container import OLE_MAGIC
from targets.models import ReportedFigure, Target, TargetDocument
from tests.conftest import make_user, unit

from .agency_examples import agency_xlsx
from .entry_helpers import login

AGENCY = "/districts/109/entry/2022-01/workbook/"
LIMIT = 1024 * 1024  # the upload limit these tests run with


def _xlsx(book: Workbook) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _with_member(data: bytes, name: str, content: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for member in source.infolist():
            target.writestr(member, source.read(member.filename))
        target.writestr(name, content)
    return out.getvalue()


def _formula_only() -> bytes:
    """Saved by a program that does not compute: the counts are formulas without their values."""
    book = Workbook()
    book.active.title = "Phụ lục"
    book.active.append(["Tên xã", "Số người tham gia BHYT"])
    book.active.append(["Xã Khổng Lào", "=1663+0"])
    return _xlsx(book)


def _bomb() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"<a>" + b" " * 30_000_000 + b"</a>")
    return buffer.getvalue()


def _encrypted() -> bytes:
    return OLE_MAGIC + b"\0" * 504 + "EncryptedPackage".encode("utf-16-le") + b"\0" * 1024


BROKEN = "Tệp bị hỏng, không mở được. Hãy lưu lại bằng Excel rồi tải lên lại."
FORMULA = "Ô Phụ lục!B2 là công thức chưa có giá trị tính sẵn: mở tệp bằng Excel, lưu lại rồi tải lên."
# name: (file, its name, the refusal; for a file neither reads, the refusal names what each page reads)
BAD_FILES = {
    "not a spreadsheet": (lambda: b"%PDF-1.4 just some words", "bhxh.pdf", None),
    "a broken zip": (lambda: b"PK\x03\x04" + b"\0" * 200, "bhxh.xlsx", BROKEN),
    "a truncated workbook": (lambda: agency_xlsx()[:3000], "bhxh.xlsx", BROKEN),
    "a web page saved as .xls": (
        lambda: b"<html><body><table><tr><td>1</td></tr></table></body></html>",
        "bhxh.xls",
        "Tệp này là trang web (HTML) chứ không phải bảng tính: hãy mở bằng Excel và lưu lại dạng .xlsx.",
    ),
    "a password-protected workbook": (
        _encrypted,
        "bhxh.xlsx",
        "Tệp được bảo vệ bằng mật khẩu: hãy mở bằng Excel, bỏ mật khẩu rồi tải lên lại.",
    ),
    "a workbook with macros": (
        lambda: _with_member(agency_xlsx(), "xl/vbaProject.bin", OLE_MAGIC + b"\0" * 512),
        "bhxh.xlsm",
        "Tệp có macro (VBA): cổng không nhận tệp chứa macro.",
    ),
    "a formula without its value": (_formula_only, "bhxh.xlsx", FORMULA),
    "a zip bomb": (_bomb, "bhxh.xlsx", "Tệp nén bất thường (giải nén ra quá lớn)"),
    "a file over the limit": (lambda: agency_xlsx() + b"\0" * LIMIT, "bhxh.xlsx", "Tệp lớn hơn giới hạn 1 MB."),
}


@pytest.fixture
def people(db, settings):
    settings.ENTRY_CLOSE_DAYS = 100_000
    settings.IMPORT_MAX_BYTES = LIMIT
    return {
        "agency": make_user("officer_refusals", Role.OFFICER, unit(Level.DISTRICT, "109")),
        "annex": make_user("staff_refusals", Role.STAFF, unit(Level.DISTRICT, "109")),
    }


def snapshot() -> tuple:
    return tuple(
        sorted(model.objects.values_list(*fields))
        for model, fields in (
            (Enrollment, ("pk", "enrolled", "version")),
            (Population, ("pk", "population")),
            (Target, ("pk", "planned_population", "planned_enrolled", "rate")),
            (ReportedFigure, ("pk", "population", "enrolled", "rate")),
            (UnitAlias, ("pk", "key")),
            (ChangeRecord, ("pk",)),
        )
    )


def refusal(client, user, url: str, data: bytes, name: str) -> str:
    login(client, user)
    response = client.post(url, {"workbook": SimpleUploadedFile(name, data, "application/octet-stream")})
    assert response.status_code in (400, 413), response.status_code
    return html.unescape(response.content.decode())


@pytest.mark.parametrize("kind", BAD_FILES)
def test_both_uploads_refuse_a_bad_file_in_the_same_words_and_change_nothing(client, people, kind):
    make, name, words = BAD_FILES[kind]
    data = make()
    plan = TargetDocument.objects.get(number="231/KH-UBND")
    before = snapshot()
    annex = refusal(client, people["annex"], f"/documents/{plan.pk}/import/", data, name)
    agency = refusal(client, people["agency"], AGENCY, data, name)
    if words is None:  # a file neither reads: one refusal, naming what each page does read
        assert limits.not_a_spreadsheet(limits.XLSX_ONLY).message in annex
        assert limits.not_a_spreadsheet(limits.ANY_SPREADSHEET).message in agency
        assert "Tệp không phải bảng tính: hãy tải lên tệp .xlsx, .xls hoặc .csv." in agency
    else:
        assert words in annex and words in agency
    assert "Không đọc được tệp, chưa có gì thay đổi" in agency
    assert snapshot() == before
