"""Error pages speak Vietnamese with DEBUG off (as in production), and say what to do next."""

import pytest
from django.test import Client

from tests.conftest import PASSWORD


@pytest.fixture(autouse=True)
def production_like(settings):
    settings.DEBUG = False


def _login(client, user):
    assert client.login(username=user.username, password=PASSWORD)


def test_a_missing_page_says_so_in_vietnamese(client, leader):
    _login(client, leader)
    response = client.get("/districts/99999/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "Không tìm thấy trang" in page and 'href="/"' in page
    assert "Not Found" not in page


def test_a_refused_action_shows_its_reason(client, leader):
    _login(client, leader)
    response = client.get("/documents/1/import/")
    assert response.status_code == 403
    page = response.content.decode()
    assert "Bạn không có quyền thực hiện thao tác này" in page
    assert "Chỉ cán bộ nghiệp vụ phụ trách địa bàn hoặc quản trị viên được nhập phụ lục." in page


def test_a_stale_form_asks_to_reload_and_enter_again(leader):
    client = Client(enforce_csrf_checks=True)
    _login(client, leader)
    response = client.post("/accounts/logout/")
    assert response.status_code == 403
    page = response.content.decode()
    assert "Phiên làm việc đã hết hạn hoặc biểu mẫu đã cũ; tải lại trang và nhập lại." in page
    assert "CSRF verification failed" not in page  # Django's English technical page


def test_a_server_error_shows_a_standalone_vietnamese_page(settings, db):
    settings.ROOT_URLCONF = "tests.error_urls"
    client = Client(raise_request_exception=False)
    response = client.get("/boom/")
    assert response.status_code == 500
    page = response.content.decode()
    assert "Đã có lỗi ở máy chủ" in page and "Số liệu đã lưu trước đó không bị ảnh hưởng" in page
    assert "RuntimeError" not in page
