"""Every answer under /api/v1/ is JSON, the refusals Django gives before any endpoint runs included.

An address no endpoint has gets the portal's HTML 404 page from Django, a method an endpoint does
not take django-ninja's English "Method not allowed" in plain text, a wrong Host header or a
malformed request Django's 400 page. A client parsing JSON would fail on each: here they become the
API's own shape (api/errors.py), a machine `code` and a Vietnamese `message`."""

import json

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from .errors import too_large

PREFIX = "/api/v1/"


def _refusal(status: int, request: HttpRequest, response: HttpResponse) -> tuple[str, str]:
    if status == 404:
        return "not_found", _("Không có địa chỉ API này: xem danh sách các địa chỉ tại /api/v1/docs.")
    if status == 405:
        allowed = response.get("Allow", "")
        return "method_not_allowed", _("Địa chỉ này không nhận phương thức %(method)s: dùng %(allowed)s.") % {
            "method": request.method,
            "allowed": allowed or "–",
        }
    if status == 413:
        refusal = too_large()
        return refusal.code, refusal.message
    if status == 403:
        return "forbidden", _("Bạn không có quyền làm việc này.")
    if status >= 500:
        return "server_error", _("Lỗi máy chủ: chưa xử lý được yêu cầu. Thử lại sau.")
    return "bad_request", _("Yêu cầu không hợp lệ, không có gì được lưu.")


def _is_json(response: HttpResponse) -> bool:
    return response.get("Content-Type", "").split(";")[0].strip() == "application/json"


class JsonErrorsMiddleware:
    """Placed before CommonMiddleware, so that the 400 of a disallowed Host is turned too."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not request.path.startswith(PREFIX) or response.status_code < 400 or _is_json(response):
            return response
        code, message = _refusal(response.status_code, request, response)
        body = json.dumps({"code": code, "message": message}, ensure_ascii=False)
        turned = HttpResponse(body, status=response.status_code, content_type="application/json; charset=utf-8")
        for header in ("Allow", "Retry-After", "WWW-Authenticate"):
            if header in response:
                turned[header] = response[header]
        return turned
