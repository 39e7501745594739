"""What the upload and import pages read from a POST goes through a form, with Vietnamese messages:
no view picks fields out of request.POST or request.FILES by hand."""

import ast
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from entry.forms import AgencyUploadForm, AnnexUploadForm, ImportApplyForm, WorkbookColumnsForm
from entry.table import Table
from entry.workbook_preview import sign_table

VIEWS = ["entry/views_import.py", "entry/views_workbook.py"]


@pytest.mark.parametrize("path", VIEWS)
def test_the_views_read_no_field_by_hand(path):
    tree = ast.parse((Path(settings.BASE_DIR) / path).read_text(encoding="utf-8"))
    by_hand = [
        f"line {node.lineno}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "get"
        and isinstance(node.func.value, ast.Attribute)
        and node.func.value.attr in ("POST", "FILES", "GET")
    ]
    assert by_hand == []


def test_a_missing_file_is_named_in_vietnamese():
    assert AnnexUploadForm({}, {}).errors == {"workbook": ["Hãy chọn một tệp Excel (.xlsx)."]}
    assert AgencyUploadForm({}, {}).errors == {"workbook": ["Hãy chọn tệp bảng tính của BHXH (.xlsx, .xls hoặc .csv)."]}
    empty = AgencyUploadForm({}, {"workbook": SimpleUploadedFile("bhxh.xlsx", b"")})
    assert empty.is_valid()  # an empty file is the reader's to refuse, in the words it uses for any


def test_the_import_preview_post_is_read_by_its_form():
    form = ImportApplyForm({"token": "abc", "fingerprint": "f" * 64, "apply": "1"})
    assert form.is_valid() and form.cleaned_data == {"token": "abc", "fingerprint": "f" * 64, "apply": True}
    confirm = ImportApplyForm({"token": "abc", "confirm": "1"})
    assert confirm.is_valid() and confirm.cleaned_data["apply"] is False  # only the names chosen
    assert not ImportApplyForm({"token": "x" * 65}).is_valid()  # longer than any the portal writes
    assert not ImportApplyForm({}).is_valid()


def test_the_chosen_columns_are_judged_against_the_signed_table():
    table = Table(sheet="T11", rows=[["TT", "Tên xã", "Số"], [1, "Xã A", 10]], merged=[])
    signed = sign_table(table, filename="t11.csv")
    form = WorkbookColumnsForm({"table": signed, "header_row": "1", "name": "2", "count": "4"})
    assert not form.is_valid() and form.errors["count"] == ["Bảng chỉ có 3 cột."]
    assert form.kept[1] == "t11.csv"
    forged = WorkbookColumnsForm({"table": signed[:-3] + "abc", "header_row": "1", "name": "2", "count": "3"})
    assert not forged.is_valid() and forged.kept is None
    assert forged.errors["table"] == ["Phiên chọn cột không hợp lệ; hãy tải tệp lên lại."]
