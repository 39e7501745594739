"""The portal's JSON API, version 1, mounted at /api/v1/ (coverage_portal/urls.py).

Reading: units, documents and targets, monthly figures, coverage. Writing: a month's counts. Every
operation needs a personal token (api/auth.py) and counts against its limits (api/throttle.py)."""

from django.utils.translation import gettext_lazy as _
from ninja import NinjaAPI
from ninja.renderers import JSONRenderer

from . import errors
from .auth import TokenAuth
from .docs import PortalDocs
from .endpoints import coverage, documents, figures, push, units
from .throttle import TokenThrottle

DESCRIPTION = _(
    "API của Cổng theo dõi bao phủ BHYT cho các hệ thống của tỉnh (trích xuất hằng tháng của BHXH, "
    "bảng điều khiển, DHIS2). Mỗi yêu cầu gửi khoá cá nhân: `Authorization: Bearer <khoá>` (tạo tại "
    "/api/tokens/). Khoá mang vai trò và địa bàn của người tạo: đơn vị ngoài địa bàn trả 404, việc không "
    'được làm trả 403. Lỗi luôn là JSON `{"code", "message"}`. Hướng dẫn: docs/api.md.'
)


class _Json(JSONRenderer):
    # Vietnamese names and messages readable as they are in curl's output, not as \\u escapes.
    json_dumps_params = {"ensure_ascii": False}


class _PortalAPI(NinjaAPI):
    def get_openapi_operation_id(self, operation) -> str:
        # The function's name is unique across the endpoints and reads well in generated clients.
        return operation.view_func.__name__


api = _PortalAPI(
    title="Cổng theo dõi bao phủ BHYT – API",
    version="1",
    description=str(DESCRIPTION),
    urls_namespace="api",
    docs=PortalDocs(),
    docs_url="/docs",
    openapi_url="/openapi.json",
    auth=TokenAuth(),
    throttle=[TokenThrottle()],
    renderer=_Json(),
)
errors.install(api)
for module in (units, figures, coverage, documents, push):
    api.add_router("", module.router)
