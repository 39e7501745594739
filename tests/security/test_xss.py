"""Names, notes and uploaded text are escaped on every page that can show them; no inline script."""

import datetime as dt
import io
import re
from pathlib import Path

import pytest
from django.test import override_settings

from communes.models import ChangeRecord, Enrollment, Level, Population, Unit, UnitAlias
from targets.models import TargetDocument
from tests.conftest import unit

from .conftest import log_in
from .routes import Targets, all_routes, app_routes, html_of, url_for

PAYLOAD = "<script>alert(1)</script>"
ATTRIBUTE = '"><img src=x onerror=alert(2)>'
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def hostile(db, admin_user) -> Targets:
    """A commune of Phong Thổ whose name, alias, notes and sources carry script."""
    district = unit(Level.DISTRICT, "109")
    commune = Unit.objects.create(
        level=Level.COMMUNE, kind="Xã", code="99901", name=PAYLOAD, parent=district, source=ATTRIBUTE
    )
    UnitAlias.objects.create(unit=commune, name=PAYLOAD + " khác", source=ATTRIBUTE)
    Population.objects.create(unit=commune, year=2021, population=1000, source=PAYLOAD)
    for month in (5, 6, 12):
        Enrollment.objects.create(
            unit=commune,
            month=dt.date(2021, month, 1),
            enrolled=900,
            note=PAYLOAD,
            source=ATTRIBUTE,
            entered_by=admin_user,
        )
    ChangeRecord.objects.create(
        unit=commune,
        period=dt.date(2021, 6, 1),
        field="enrolled",
        old_value=800,
        new_value=900,
        note=PAYLOAD,
        user=admin_user,
    )
    document = TargetDocument.objects.get(scope=district)
    TargetDocument.objects.filter(pk=document.pk).update(note=PAYLOAD, annex_title=PAYLOAD)
    admin_user.first_name = PAYLOAD
    admin_user.save()
    return Targets(province=district.parent.code, district=district.code, commune=commune.code, document=document.pk)


def assert_escaped(url: str, response) -> None:
    if not response.get("Content-Type", "").startswith("text/html"):
        return
    page = response.content.decode()
    assert PAYLOAD not in page, f"raw script in {url}"
    assert ATTRIBUTE not in page, f"raw attribute in {url}"


def test_hostile_text_is_escaped_on_every_page(client, admin_user, hostile):
    log_in(client, admin_user)
    shown = 0
    for route in app_routes():
        url = url_for(route, hostile)
        for query in ("", "?year=2021", "?year=2021&month=2021-06"):
            response = client.get(url + query, follow=True)
            assert_escaped(url + query, response)
            shown += "&lt;script&gt;alert(1)&lt;/script&gt;" in html_of(response)
    # The test proves something only if the hostile name really reached a page.
    assert shown > 0


def test_hostile_text_is_escaped_for_the_districts_officer(client, officer_phong_tho, hostile):
    log_in(client, officer_phong_tho)
    page = client.get("/districts/109/?year=2021").content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert PAYLOAD not in page


def test_hostile_text_is_escaped_in_the_admin(client, admin_user, hostile):
    log_in(client, admin_user)
    for url in (
        "/admin/communes/unit/?q=99901",
        "/admin/communes/changerecord/",
        "/admin/communes/enrollment/",
        f"/admin/targets/targetdocument/{hostile.document}/change/",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert PAYLOAD not in response.content.decode(), url


def test_uploaded_text_is_escaped_on_every_import_page(client, admin_user, hostile):
    """Every page with a file input gets a workbook whose sheet and cells carry script."""
    openpyxl = pytest.importorskip("openpyxl")
    log_in(client, admin_user)
    pages = []
    for route in app_routes():
        url = url_for(route, hostile)
        response = client.get(url)
        if response.status_code == 200:
            pages += [
                (url, name) for name in re.findall(r'<input[^>]*type="file"[^>]*name="([^"]+)"', html_of(response))
            ]
            pages += [
                (url, name) for name in re.findall(r'<input[^>]*name="([^"]+)"[^>]*type="file"', html_of(response))
            ]
    assert pages, "every upload page is found by its file input"
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "<script>x<script>"  # "/" is not allowed in a sheet title
    sheet.append(["TT", "Tên xã", "Dân số", "Số người tham gia", "Tỷ lệ"])
    sheet.append([1, PAYLOAD, 1000, 900, "90%"])
    sheet.append([2, ATTRIBUTE, "abc<script>", PAYLOAD, PAYLOAD])
    data = io.BytesIO()
    book.save(data)
    for url, field in pages:
        upload = io.BytesIO(data.getvalue())
        upload.name = "<script>alert(1)</script>.xlsx"
        response = client.post(url, {field: upload}, follow=True)
        assert_escaped(url, response)


def test_no_template_has_inline_script_or_event_handlers():
    """The CSP would block them anyway; a template that needs one is a bug to fix, not to allow."""
    found = []
    for template in sorted(ROOT.glob("**/templates/**/*.html")):
        if ".venv" in template.parts:
            continue
        text = template.read_text(encoding="utf-8")
        for tag in re.findall(r"<script\b[^>]*>", text, flags=re.I):
            if "src=" not in tag and 'type="application/json"' not in tag:
                found.append(f"{template.relative_to(ROOT)}: {tag}")
        found += [f"{template.relative_to(ROOT)}: {m}" for m in re.findall(r"<[^>]+\son[a-z]+\s*=", text, flags=re.I)]
        found += [
            f"{template.relative_to(ROOT)}: javascript: URL" for _ in re.findall(r"javascript:", text, flags=re.I)
        ]
    assert found == []


def test_every_page_carries_the_security_headers(client, admin_user, hostile):
    log_in(client, admin_user)
    for route in all_routes():
        response = client.get(url_for(route, hostile))
        policy = response["Content-Security-Policy"]
        script_src = re.search(r"script-src ([^;]*)", policy).group(1)
        assert "'unsafe-inline'" not in script_src and "'unsafe-eval'" not in script_src
        assert "frame-ancestors 'none'" in policy and "object-src 'none'" in policy
        assert response["X-Frame-Options"] == "DENY"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Referrer-Policy"] == "same-origin"


def test_https_headers_when_served_over_tls(client, db):
    with override_settings(
        SECURE_HSTS_SECONDS=31536000,
        SECURE_HSTS_INCLUDE_SUBDOMAINS=True,
        SECURE_HSTS_PRELOAD=True,
        SECURE_SSL_REDIRECT=True,
    ):
        assert client.get("/accounts/login/").status_code == 301
        response = client.get("/accounts/login/", secure=True)
        assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
