"""Links to a document's annex workbooks, for any page that shows documents (district, province, document)."""

from django import template
from django.db.models import Exists, OuterRef

from communes.scope import Scope
from targets.models import Target, TargetDocument

register = template.Library()


@register.inclusion_tag("reports/_unit_annexes.html", takes_context=True)
def unit_annexes(context, unit):
    """The documents scoped to this district or province, each with its downloads (and import, for staff)."""
    user = context["request"].user
    scope = Scope.of(user)
    documents = (
        list(_with_annex_flag(TargetDocument.objects.filter(scope=unit)).order_by("-issued_on"))
        if scope.can_view(unit)
        else []
    )
    return {"documents": documents, "can_import": scope.can_import(unit)}


def _with_annex_flag(documents):
    """has_annex: the document prints per-commune plan rows (a directive has none: its workbook
    is a blank form to fill in, and must not be offered as the signed layout)."""
    rows = Target.objects.filter(document=OuterRef("pk"), planned_population__isnull=False)
    return documents.annotate(has_annex=Exists(rows))


@register.inclusion_tag("reports/_annex_links.html", takes_context=True)
def annex_links(context, document):
    """For the document page's placeholder (div id="annex-downloads")."""
    has_annex = Target.objects.filter(document=document, planned_population__isnull=False).exists()
    document.has_annex = has_annex
    return {"document": document, "can_import": Scope.of(context["request"].user).can_import(document.scope)}
