"""Target documents (directives, plans, decisions) and the targets they set."""

import datetime as dt

from django.db.models import Q
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router

from targets.access import document_or_404
from targets.models import TargetDocument

from ..auth import scope_of
from ..errors import not_found
from ..lookup import number, unit_brief, unit_or_404, unit_ref, year_or_400
from ..pagination import next_link, paginate
from ..schemas import DocumentOut, DocumentPage
from ..sync import SINCE, changed_since
from .units import REFUSALS

router = Router(tags=["Văn bản chỉ tiêu"])


@router.get("/documents", response={200: DocumentPage, **REFUSALS}, summary="Các văn bản chỉ tiêu")
def list_documents(
    request: HttpRequest,
    unit: str | None = Query(None, description="mã đơn vị phạm vi văn bản"),
    year: int | None = Query(None, description="văn bản đặt chỉ tiêu cho năm này"),
    updated_since: dt.datetime | None = SINCE,
    cursor: str | None = None,
    limit: int | None = None,
):
    """The documents the token may read: those of the units it sees, and every national one. With
    `updated_since`, those changed since, their targets' changes included (a write to targets dates
    its document: TargetDocument.objects.mark_changed), in the order of their change."""
    now = timezone.now()
    scope_of(request)
    documents = TargetDocument.objects.visible_to(request.auth.user).select_related("scope")
    if unit is not None:
        documents = documents.filter(scope=unit_or_404(request, unit))
    if year_or_400(year) is not None:
        documents = documents.filter(Q(first_year__lte=year, last_year__gte=year) | Q(targets__year=year)).distinct()
    if updated_since is None:
        order = ("pk",)
    else:
        documents, order = changed_since(documents, updated_since, field="updated_at"), ("updated_at", "pk")
    page = paginate(documents, order=order, cursor=cursor, limit=limit)
    return {"server_time": now, "items": [_document(d) for d in page.items], "next": next_link(request, page)}


@router.get(
    "/documents/{document_id}", response={200: DocumentOut, **REFUSALS}, summary="Một văn bản và các chỉ tiêu của nó"
)
def get_document(request: HttpRequest, document_id: int):
    scope_of(request)
    try:
        document = document_or_404(request.auth.user, document_id)
    except Http404:  # a missing one says so in English (get_object_or_404): both say the same here
        raise not_found(_("Không tìm thấy văn bản hoặc bạn không có quyền xem.")) from None
    targets = document.targets.select_related("unit").order_by("year", "row_number", "unit__code")
    return {
        **_document(document),
        "annex_title": document.annex_title,
        "note": document.note,
        "targets": [
            {
                "unit": unit_brief(t.unit),
                "year": t.year,
                "rate": number(t.rate),
                "comparison": t.comparison,
                "planned_population": t.planned_population,
                "planned_enrolled": t.planned_enrolled,
                "row_number": t.row_number,
                "printed_name": t.printed_name,
                "wording": t.wording,
            }
            for t in targets
        ],
    }


def _document(document: TargetDocument) -> dict:
    return {
        "id": document.pk,
        "kind": document.kind,
        "kind_label": document.get_kind_display(),
        "number": document.number,
        "issued_on": document.issued_on,
        "title": document.title,
        "issuer": document.issuer,
        "signer": document.signer,
        "scope": unit_ref(document.scope),
        "first_year": document.first_year,
        "last_year": document.last_year,
        "is_synthetic": document.is_synthetic,
        "updated_at": timezone.localtime(document.updated_at),
    }
