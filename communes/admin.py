from django.contrib import admin

from .models import (
    Assignment,
    ChangeRecord,
    Enrollment,
    MonthReopening,
    PayerGroup,
    Population,
    Unit,
    UnitAlias,
    UnitSuccession,
)


class AliasInline(admin.TabularInline):
    model = UnitAlias
    extra = 0
    fields = ["name", "source"]


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["code", "kind", "name", "level", "parent", "valid_from", "valid_to", "is_synthetic"]
    list_filter = ["level", "is_synthetic"]
    search_fields = ["code", "name", "aliases__name"]
    raw_id_fields = ["parent"]
    inlines = [AliasInline]


@admin.register(UnitSuccession)
class UnitSuccessionAdmin(admin.ModelAdmin):
    list_display = ["predecessor", "successor", "effective_on", "whole"]
    raw_id_fields = ["predecessor", "successor"]


class ReadOnlyAdmin(admin.ModelAdmin):
    """Figures are read here, never written: every change of a count goes through the entry grid or
    an import, which bump its version, log it and refuse a stale form (an edit here would do none of
    that, and a grid opened before it would silently write the old value back)."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Population)
class PopulationAdmin(ReadOnlyAdmin):
    list_display = ["unit", "year", "population", "source"]
    list_filter = ["year"]


@admin.register(Enrollment)
class EnrollmentAdmin(ReadOnlyAdmin):
    list_display = ["unit", "month", "enrolled", "entered_by", "entered_at", "version"]
    list_filter = ["month"]


@admin.register(ChangeRecord)
class ChangeRecordAdmin(ReadOnlyAdmin):
    """The audit trail: readable, never editable, even by administrators."""

    list_display = ["at", "user", "unit", "period", "field", "old_value", "new_value", "channel"]
    list_filter = ["channel", "field"]


@admin.register(MonthReopening)
class MonthReopeningAdmin(ReadOnlyAdmin):
    """Months are reopened on the entry page, where the reason is asked and the officers see it."""

    list_display = ["unit", "month", "until", "reason", "by", "at"]


admin.site.register(PayerGroup)


@admin.register(Assignment)
class AssignmentAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "unit"]
    list_filter = ["role"]
    raw_id_fields = ["unit"]
