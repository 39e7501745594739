"""Request bodies and uploaded workbooks are bounded."""

import io
import re

from django.conf import settings
from django.test import override_settings

from targets.models import ReportedFigure, Target

from .conftest import log_in
from .routes import app_routes, html_of, url_for


def test_the_limits_are_configured_consistently():
    assert settings.IMPORT_MAX_BYTES == 5 * 1024 * 1024
    # The form must see an oversized workbook to say so in Vietnamese; Django refuses far larger bodies.
    assert settings.IMPORT_MAX_BYTES < settings.DATA_UPLOAD_MAX_MEMORY_SIZE <= 10 * 1024 * 1024
    assert settings.FILE_UPLOAD_MAX_MEMORY_SIZE <= 10 * 1024 * 1024
    assert settings.DATA_UPLOAD_MAX_NUMBER_FIELDS <= 20000


def _says_in_vietnamese_that_it_was_refused(response) -> None:
    assert response.status_code == 400
    page = response.content.decode()
    assert "Yêu cầu không hợp lệ (400)" in page
    assert "biểu mẫu gửi lên quá lớn (quá nhiều ô hoặc tệp lớn hơn giới hạn). Không có gì được lưu." in page
    assert "Bad Request" not in page


def test_an_oversized_form_body_is_refused_before_any_view_runs(client, db):
    with override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=2000):
        response = client.post("/accounts/login/", {"username": "x", "password": "y" * 4000})
    _says_in_vietnamese_that_it_was_refused(response)


def test_too_many_fields_are_refused(client, db):
    with override_settings(DATA_UPLOAD_MAX_NUMBER_FIELDS=50):
        response = client.post("/accounts/login/", {f"f{i}": "1" for i in range(60)})
    _says_in_vietnamese_that_it_was_refused(response)


def test_an_oversized_workbook_is_refused_and_nothing_is_imported(client, admin_user, phong_tho_targets):
    log_in(client, admin_user)
    pages = []
    for route in app_routes():
        url = url_for(route, phong_tho_targets)
        response = client.get(url)
        if response.status_code == 200:
            html = html_of(response)
            pages += [(url, n) for n in re.findall(r'<input[^>]*type="file"[^>]*name="([^"]+)"', html)]
            pages += [(url, n) for n in re.findall(r'<input[^>]*name="([^"]+)"[^>]*type="file"', html)]
    assert pages, "every upload page is found by its file input"
    before = (Target.objects.count(), ReportedFigure.objects.count())
    with override_settings(IMPORT_MAX_BYTES=4096):
        for url, field in pages:
            upload = io.BytesIO(b"PK\x03\x04" + b"\0" * 8192)
            upload.name = "lon-qua.xlsx"
            response = client.post(url, {field: upload})
            assert response.status_code in (200, 400, 413), f"{url}: {response.status_code}"
            if response.status_code == 200:
                assert "MB" in response.content.decode() or "quá" in response.content.decode(), url
    assert (Target.objects.count(), ReportedFigure.objects.count()) == before
