"""The units a target document names: the country's provinces, or the communes under a province or
district, as they stood when it was issued."""

from communes.models import Level, Unit

from .models import TargetDocument


def document_units(document: TargetDocument):
    """A national document targets provinces; any other, the communes under its scope (a province's
    own since 7/2025, or through its districts before; a district's)."""
    if document.scope.level == Level.COUNTRY:
        return Unit.objects.provinces().in_force(document.issued_on)
    return Unit.objects.communes().within(document.scope).in_force(document.issued_on)
