from django.contrib import admin

from .models import Cohort, CohortCommune, CohortSubTarget, ReportedFigure, Target, TargetDocument


class TargetInline(admin.TabularInline):
    model = Target
    extra = 0
    raw_id_fields = ["unit"]


@admin.register(TargetDocument)
class TargetDocumentAdmin(admin.ModelAdmin):
    list_display = ["number", "kind", "issued_on", "issuer", "scope"]
    raw_id_fields = ["scope"]
    inlines = [TargetInline]


@admin.register(ReportedFigure)
class ReportedFigureAdmin(admin.ModelAdmin):
    list_display = ["document", "unit", "kind", "year", "population", "enrolled", "rate", "garbled"]
    list_filter = ["kind", "document"]


class SubTargetInline(admin.TabularInline):
    model = CohortSubTarget
    extra = 0


class CohortCommuneInline(admin.TabularInline):
    model = CohortCommune
    extra = 0
    raw_id_fields = ["unit"]


@admin.register(Cohort)
class CohortAdmin(admin.ModelAdmin):
    list_display = ["name", "size", "since", "document"]
    inlines = [SubTargetInline, CohortCommuneInline]
