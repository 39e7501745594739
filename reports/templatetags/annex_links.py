"""Links to a document's annex workbooks, for any page that shows documents (district, document)."""

from django import template

from communes.scope import Scope
from targets.models import TargetDocument

register = template.Library()


@register.inclusion_tag("reports/_district_annexes.html", takes_context=True)
def district_annexes(context, unit):
    """The documents scoped to this district, each with its downloads (and import, for staff)."""
    user = context["request"].user
    scope = Scope.of(user)
    documents = list(TargetDocument.objects.filter(scope=unit).order_by("-issued_on")) if scope.can_view(unit) else []
    return {"documents": documents, "can_import": scope.can_import(unit)}


@register.inclusion_tag("reports/_annex_links.html", takes_context=True)
def annex_links(context, document):
    """For the document page's placeholder (div id="annex-downloads")."""
    return {"document": document, "can_import": Scope.of(context["request"].user).can_import(document.scope)}
