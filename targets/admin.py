from django.contrib import admin

from communes.admin import ReadOnlyAdmin

from .models import Cohort, CohortCommune, CohortSubTarget, ReportedFigure, Target, TargetDocument


class ReadOnlyInline(admin.TabularInline):
    """Targets and cohort figures change on the document's pages, where each change is logged."""

    extra = 0

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class TargetInline(ReadOnlyInline):
    model = Target


@admin.register(TargetDocument)
class TargetDocumentAdmin(admin.ModelAdmin):
    list_display = ["number", "kind", "issued_on", "issuer", "scope", "is_synthetic"]
    raw_id_fields = ["scope"]
    inlines = [TargetInline]

    def has_delete_permission(self, request, obj=None):
        return False  # its targets and figures would go with it, unlogged


@admin.register(ReportedFigure)
class ReportedFigureAdmin(ReadOnlyAdmin):
    list_display = ["document", "unit", "kind", "year", "population", "enrolled", "rate", "garbled"]
    list_filter = ["kind", "document"]


class SubTargetInline(ReadOnlyInline):
    model = CohortSubTarget


class CohortCommuneInline(ReadOnlyInline):
    model = CohortCommune


@admin.register(Cohort)
class CohortAdmin(admin.ModelAdmin):
    list_display = ["name", "size", "since", "document"]
    inlines = [SubTargetInline, CohortCommuneInline]
