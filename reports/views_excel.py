"""Excel in and out of a document: the annex as signed, the annex beside the actuals, and the
import of an annex workbook (upload → preview → apply)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from communes.scope import Scope
from targets.models import TargetDocument

from . import excel_import
from .excel_annex import annex_actuals_workbook, annex_filename, annex_workbook
from .page_cache import cached_page
from .xlsx import xlsx_response


def _document_or_404(request, document_id: int) -> TargetDocument:
    """A document the user may see; any other answers 404, like a missing one."""
    document = get_object_or_404(TargetDocument.objects.select_related("scope__parent"), pk=document_id)
    if not Scope.of(request.user).can_view(document.scope):
        raise Http404(_("Không tìm thấy văn bản hoặc bạn không có quyền xem."))
    return document


def _importable_document(request, document_id: int) -> TargetDocument:
    document = _document_or_404(request, document_id)
    if not Scope.of(request.user).can_import(document.scope):
        raise PermissionDenied(_("Chỉ cán bộ nghiệp vụ phụ trách địa bàn hoặc quản trị viên được nhập phụ lục."))
    return document


@cached_page
@login_required
def document_annex_xlsx(request, document_id: int):
    document = _document_or_404(request, document_id)
    return xlsx_response(annex_workbook(document), annex_filename(document))


@cached_page
@login_required
def document_annex_actuals_xlsx(request, document_id: int):
    document = _document_or_404(request, document_id)
    return xlsx_response(annex_actuals_workbook(document), annex_filename(document, "-thuc-hien"))


@login_required
@require_http_methods(["GET", "POST"])
def document_import(request, document_id: int):
    """GET: the upload form. POST: read the workbook and show every change it would make."""
    document = _importable_document(request, document_id)
    context = {"document": document, "max_mb": excel_import.max_megabytes()}
    if request.method == "GET":
        return render(request, "reports/import.html", context)
    if excel_import.body_too_large(request.META.get("CONTENT_LENGTH")):
        # Refused before Django spools the upload to disk.
        context["error"] = _("Tệp lớn hơn giới hạn %(mb)s MB.") % {"mb": context["max_mb"]}
        return render(request, "reports/import.html", context, status=413)
    upload = request.FILES.get("workbook")
    if upload is None:
        context["error"] = _("Hãy chọn một tệp Excel (.xlsx).")
        return render(request, "reports/import.html", context, status=400)
    try:
        parsed = excel_import.read_upload(upload, document=document)
    except excel_import.ImportRefused as error:
        context["error"], context["error_lines"] = str(error), error.errors
        return render(request, "reports/import.html", context, status=400)
    token = excel_import.keep_pending(request.session, document=document, parsed=parsed, filename=upload.name)
    return _preview(request, document, token)


def _preview(request, document: TargetDocument, token: str, *, error: str = "", status: int = 200):
    pending = excel_import.pending(request.session, token=token, document=document)
    if pending is None:
        messages.error(request, _("Phiên nhập đã hết hạn hoặc không hợp lệ; hãy tải tệp lên lại."))
        return redirect("document_import", document_id=document.pk)
    preview = excel_import.preview(document=document, parsed=pending.parsed, confirmed=pending.confirmed)
    return render(
        request,
        "reports/import_preview.html",
        {"document": document, "token": token, "preview": preview, "filename": pending.filename, "error": error},
        status=status,
    )


@login_required
@require_POST
def document_import_apply(request, document_id: int):
    """Confirm proposed names, or apply the previewed changes in one transaction."""
    document = _importable_document(request, document_id)
    token = request.POST.get("token", "")
    pending = excel_import.pending(request.session, token=token, document=document)
    if pending is None:
        messages.error(request, _("Phiên nhập đã hết hạn hoặc không hợp lệ; hãy tải tệp lên lại."))
        return redirect("document_import", document_id=document.pk)
    try:
        confirmed = excel_import.read_confirmations(request.POST, parsed=pending.parsed, document=document)
    except excel_import.ImportRefused as error:
        return _preview(request, document, token, error=str(error), status=400)
    excel_import.store_confirmations(request.session, token=token, confirmed=confirmed)
    if "apply" not in request.POST:
        return _preview(request, document, token)
    try:
        changed = excel_import.apply(
            document=document,
            parsed=pending.parsed,
            confirmed=confirmed,
            expected=request.POST.get("fingerprint", ""),
            user=request.user,
            filename=pending.filename,
        )
    except excel_import.ImportRefused as error:
        return _preview(request, document, token, error=str(error), status=409)
    excel_import.forget_pending(request.session, token=token)
    if changed:
        messages.success(request, _("Đã nhập %(count)s thay đổi từ tệp %(name)s.") % {"count": changed,
                                                                                       "name": pending.filename})
    else:
        messages.info(request, _("Tệp không có thay đổi nào so với số liệu đang lưu."))
    return redirect(reverse("document_import", args=[document.pk]))
