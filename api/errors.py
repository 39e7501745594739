"""Every refusal of the API as JSON: a machine `code` a client can branch on, and the Vietnamese
`message` a person reads (in the portal's language), with the problems listed when there are several.

The handlers replace django-ninja's defaults, whose bodies ({"detail": …}) are English and differ
by error."""

import logging

from django.conf import settings
from django.core.exceptions import PermissionDenied, RequestDataTooBig, SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import formats
from django.utils.translation import gettext as _
from ninja.errors import AuthenticationError, HttpError, Throttled, ValidationError

logger = logging.getLogger(__name__)


class ApiError(Exception):
    """A refusal with its HTTP status, machine code and message; `extra` joins the body."""

    def __init__(self, status: int, code: str, message: str, **extra):
        super().__init__(message)
        self.status, self.code, self.message, self.extra = status, code, message, extra

    def body(self) -> dict:
        return {"code": self.code, "message": self.message, **self.extra}


def not_found(message: str | None = None) -> ApiError:
    return ApiError(404, "not_found", message or _("Không tìm thấy hoặc bạn không có quyền xem."))


def bad_parameter(name: str, message: str) -> ApiError:
    return ApiError(400, "invalid_parameter", message, parameter=name)


def too_large() -> ApiError:
    """A body over Django's DATA_UPLOAD_MAX_MEMORY_SIZE: refused before it is read."""
    return ApiError(
        413,
        "request_too_large",
        _("Nội dung yêu cầu lớn hơn giới hạn %(size)s: gửi ít xã hơn trong mỗi yêu cầu.")
        % {"size": _size(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)},
    )


def _size(size: int) -> str:
    """6 MB, 2.000 byte: in the portal's number format, with a plain space a terminal shows as one."""
    if size >= 1024 * 1024:
        megabytes = size / (1024 * 1024)
        return "%s MB" % formats.number_format(int(megabytes) if megabytes.is_integer() else round(megabytes, 1))
    return "%s byte" % formats.number_format(size, force_grouping=True)


def install(api) -> None:
    """Route every exception the API can meet to one JSON shape."""

    def respond(request: HttpRequest, error: ApiError) -> HttpResponse:
        response = api.create_response(request, error.body(), status=error.status)
        if error.status == 401:
            response["WWW-Authenticate"] = 'Bearer realm="api"'
        return response

    def on_api_error(request, exc: ApiError):
        return respond(request, exc)

    def on_unauthenticated(request, exc):
        return respond(
            request,
            ApiError(
                401,
                "not_authenticated",
                _("Thiếu khoá API: gửi tiêu đề “Authorization: Bearer <khoá>”. Tạo khoá tại trang Khoá API của cổng."),
            ),
        )

    def on_throttled(request, exc: Throttled):
        return respond(
            request,
            ApiError(
                429,
                "throttled",
                _("Quá nhiều yêu cầu với khoá này: chờ %(seconds)s giây rồi gửi lại.")
                % {"seconds": max(1, round(exc.wait or 1))},
            ),
        )

    def on_invalid(request, exc: ValidationError):
        problems = [
            {
                "field": ".".join(str(part) for part in error.get("loc", ())),
                "type": error.get("type", ""),
                "message": _problem_text(error),
            }
            for error in exc.errors
        ]
        places = {str(error.get("loc", ("",))[0]) for error in exc.errors}
        if places == {"path"}:  # /documents/² names no document
            return respond(request, not_found())
        if places <= {"path", "query"}:  # ?year=², ?on=1e3: a parameter, as those refused out of range
            names = [p["field"].split(".", 1)[-1] for p in problems]
            return respond(
                request,
                ApiError(
                    400,
                    "invalid_parameter",
                    _("Tham số %(names)s không hợp lệ: %(problem)s")
                    % {"names": ", ".join(names), "problem": problems[0]["message"]},
                    parameter=names[0],
                    problems=problems,
                ),
            )
        return respond(
            request,
            ApiError(
                422,
                "invalid_request",
                _("Yêu cầu không đúng mẫu: %(fields)s.") % {"fields": ", ".join(p["field"] for p in problems)},
                problems=problems,
            ),
        )

    def on_http_error(request, exc: HttpError):
        if exc.status_code == 400:  # django-ninja's only one of its own: a body that is not JSON
            return respond(request, ApiError(400, "bad_request", _("Nội dung yêu cầu không phải JSON hợp lệ.")))
        return respond(request, ApiError(exc.status_code, "error", str(exc)))

    def on_not_found(request, exc: Http404):
        text = str(exc) if exc.args else ""
        return respond(request, not_found(text or None))

    def on_denied(request, exc: PermissionDenied):
        return respond(request, ApiError(403, "forbidden", str(exc) or _("Bạn không có quyền làm việc này.")))

    def on_too_large(request, exc: RequestDataTooBig):
        return respond(request, too_large())

    def on_suspicious(request, exc: SuspiciousOperation):
        # Too many fields, a malformed multipart body: Django refuses it with 400 before any reading.
        return respond(request, ApiError(400, "bad_request", _("Yêu cầu không hợp lệ, không có gì được lưu.")))

    def on_crash(request, exc: Exception):
        logger.exception("API request failed: %s %s", request.method, request.path)
        return respond(request, ApiError(500, "server_error", _("Lỗi máy chủ: chưa xử lý được yêu cầu. Thử lại sau.")))

    api.add_exception_handler(ApiError, on_api_error)
    api.add_exception_handler(AuthenticationError, on_unauthenticated)
    api.add_exception_handler(Throttled, on_throttled)
    api.add_exception_handler(ValidationError, on_invalid)
    api.add_exception_handler(HttpError, on_http_error)
    api.add_exception_handler(Http404, on_not_found)
    api.add_exception_handler(PermissionDenied, on_denied)
    api.add_exception_handler(RequestDataTooBig, on_too_large)
    api.add_exception_handler(SuspiciousOperation, on_suspicious)
    api.add_exception_handler(Exception, on_crash)


def _problem_text(error: dict) -> str:
    kind = error.get("type", "")
    if kind == "missing":
        return _("Thiếu trường bắt buộc.")
    if kind.startswith("int") or kind == "is_instance_of":
        return _("Phải là một số nguyên.")
    if kind.startswith("datetime"):
        return _("Ngày giờ không hợp lệ (viết theo ISO 8601, ví dụ 2026-11-25T08:00:00+07:00).")
    if kind.startswith("date"):
        return _("Ngày không hợp lệ (viết YYYY-MM-DD, ví dụ 2026-11-25).")
    if kind.startswith("string"):
        return _("Phải là một chuỗi ký tự có độ dài hợp lệ.")
    if kind.startswith("bool"):
        return _("Phải là true hoặc false.")
    if kind in ("extra_forbidden",):
        return _("Trường không được biết đến.")
    return _("Giá trị không hợp lệ.")
