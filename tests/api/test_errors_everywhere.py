"""Every answer under /api/v1/ is JSON with a machine code and a Vietnamese message: the refusals
that come before any endpoint runs too (an address no endpoint has, a method it does not take, a
body over Django's limit, a wrong Host header)."""

import json

import pytest
from django.test import Client, override_settings

from tests.api.conftest import MONTH, snapshot

PUSH = f"/api/v1/units/12/months/{MONTH:%Y-%m}/figures"


def _refusal(response, status: int, code: str) -> str:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = json.loads(response.content)
    assert body["code"] == code
    return body["message"]


@pytest.mark.parametrize(
    "path", ["/api/v1/", "/api/v1/nothing-here", "/api/v1/units/12/nothing", "/api/v1/units/12/figures/extra/"]
)
def test_an_address_no_endpoint_has_is_a_json_404(as_role, path):
    for api in (as_role("province_officer"), as_role(None)):
        message = _refusal(api.get(path), 404, "not_found")
        assert message == "Không có địa chỉ API này: xem danh sách các địa chỉ tại /api/v1/docs."


def test_a_method_an_endpoint_does_not_take_is_a_json_405_naming_the_right_one(as_role, tokens):
    client = Client()
    headers = {"Authorization": f"Bearer {tokens['province_officer']}"}
    response = client.get(PUSH, headers=headers)
    assert _refusal(response, 405, "method_not_allowed") == "Địa chỉ này không nhận phương thức GET: dùng POST."
    assert response["Allow"] == "POST"
    response = client.delete("/api/v1/units/12/figures", headers=headers)
    assert _refusal(response, 405, "method_not_allowed") == "Địa chỉ này không nhận phương thức DELETE: dùng GET."


def test_a_body_over_djangos_limit_is_a_json_413_and_changes_nothing(as_role, figures):
    before = snapshot()
    communes = [{"code": "03583", "version": 1, "enrolled": 8200}] * 100
    with override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=2000):
        response = as_role("province_officer").post(PUSH, {"communes": communes})
    message = _refusal(response, 413, "request_too_large")
    assert message == "Nội dung yêu cầu lớn hơn giới hạn 2.000 byte: gửi ít xã hơn trong mỗi yêu cầu."
    assert snapshot() == before


def test_the_configured_limit_is_named_in_megabytes(as_role, figures):
    body = b'{"communes": []}'
    response = as_role("province_officer").client.post(
        PUSH,
        body,
        content_type="application/json",
        headers={"Authorization": f"Bearer {as_role('province_officer').token}"},
        CONTENT_LENGTH=str(7 * 1024 * 1024),  # what the client announces is what Django judges
    )
    assert "giới hạn 6 MB" in _refusal(response, 413, "request_too_large")


def test_a_wrong_host_is_a_json_400(as_role):
    response = as_role("province_officer").client.get("/api/v1/units/12", HTTP_HOST="evil.example")
    assert _refusal(response, 400, "bad_request") == "Yêu cầu không hợp lệ, không có gì được lưu."


def test_pages_outside_the_api_keep_their_html(client, db):
    response = client.get("/no-such-page/")
    assert response.status_code == 404 and response["Content-Type"].startswith("text/html")
    assert "Không tìm thấy trang" in response.content.decode()
