"""A document named in a URL, if the user may see it (or change it, or import into it): 404 otherwise,
like a missing one, so a forged URL learns nothing; 403 when they may see it but not change it."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from communes.scope import Scope

from .models import TargetDocument

REFUSALS = {
    "manage": gettext_noop("Chỉ chuyên viên của địa bàn và quản trị viên sửa văn bản này."),
    "import": gettext_noop("Chỉ cán bộ nghiệp vụ phụ trách địa bàn hoặc quản trị viên được nhập phụ lục."),
}


def document_or_404(user, pk: int, *, to: str = "view") -> TargetDocument:
    document = get_object_or_404(TargetDocument.objects.select_related("scope__parent__parent"), pk=pk)
    scope = Scope.of(user)
    if not scope.can_view_document(document):
        raise Http404(_("Không tìm thấy văn bản hoặc bạn không có quyền xem."))
    allowed = {
        "view": True,
        "manage": scope.can_manage_documents(document.scope),
        "import": scope.can_import(document.scope),
    }[to]
    if not allowed:
        raise PermissionDenied(_(REFUSALS[to]))
    return document
