"""Bringing a workbook laid out like the annex into a document's targets: upload → preview → apply."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from targets.access import document_or_404
from targets.models import TargetDocument

from . import annex_file, annex_import, annex_rows
from .forms import AnnexUploadForm, ImportApplyForm


@login_required
@require_http_methods(["GET", "POST"])
def document_import(request, document_id: int):
    """GET: the upload form. POST: read the workbook and show every change it would make."""
    document = document_or_404(request.user, document_id, to="import")
    context = {"document": document, "max_mb": annex_file.max_megabytes()}
    if request.method == "GET":
        return render(request, "entry/import.html", context)
    if annex_file.body_too_large(request.META.get("CONTENT_LENGTH")):
        # Refused before Django spools the upload to disk.
        context["error"] = _("Tệp lớn hơn giới hạn %(mb)s MB.") % {"mb": context["max_mb"]}
        return render(request, "entry/import.html", context, status=413)
    form = AnnexUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        context["error"] = " ".join(form.errors["workbook"])
        return render(request, "entry/import.html", context, status=400)
    upload = form.cleaned_data["workbook"]
    try:
        parsed = annex_rows.read_upload(upload, document=document)
    except annex_file.ImportRefused as error:
        context["error"], context["error_lines"] = str(error), error.errors
        return render(request, "entry/import.html", context, status=400)
    token = annex_import.keep_pending(request.session, document=document, parsed=parsed, filename=upload.name)
    return _preview(request, document, token)


def _preview(request, document: TargetDocument, token: str, *, error: str = "", status: int = 200):
    pending = annex_import.pending(request.session, token=token, document=document)
    if pending is None:
        messages.error(request, _("Phiên nhập đã hết hạn hoặc không hợp lệ; hãy tải tệp lên lại."))
        return redirect("document_import", document_id=document.pk)
    preview = annex_import.preview(document=document, parsed=pending.parsed, confirmed=pending.confirmed)
    return render(
        request,
        "entry/import_preview.html",
        {"document": document, "token": token, "preview": preview, "filename": pending.filename, "error": error},
        status=status,
    )


@login_required
@require_POST
def document_import_apply(request, document_id: int):
    """Confirm proposed names, or apply the previewed changes in one transaction."""
    document = document_or_404(request.user, document_id, to="import")
    form = ImportApplyForm(request.POST)
    token = form.cleaned_data["token"] if form.is_valid() else ""
    pending = annex_import.pending(request.session, token=token, document=document) if token else None
    if pending is None:
        messages.error(request, _("Phiên nhập đã hết hạn hoặc không hợp lệ; hãy tải tệp lên lại."))
        return redirect("document_import", document_id=document.pk)
    try:
        confirmed = annex_import.read_confirmations(request.POST, parsed=pending.parsed, document=document)
    except annex_file.ImportRefused as error:
        return _preview(request, document, token, error=str(error), status=400)
    annex_import.store_confirmations(request.session, token=token, confirmed=confirmed)
    if not form.cleaned_data["apply"]:
        return _preview(request, document, token)
    try:
        changed = annex_import.apply(
            document=document,
            parsed=pending.parsed,
            confirmed=confirmed,
            expected=form.cleaned_data["fingerprint"],
            user=request.user,
            filename=pending.filename,
        )
    except annex_file.ImportRefused as error:
        return _preview(request, document, token, error=str(error), status=409)
    annex_import.forget_pending(request.session, token=token)
    if changed:
        messages.success(
            request, _("Đã nhập %(count)s thay đổi từ tệp %(name)s.") % {"count": changed, "name": pending.filename}
        )
    else:
        messages.info(request, _("Tệp không có thay đổi nào so với số liệu đang lưu."))
    return redirect(reverse("document_import", args=[document.pk]))
