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


@admin.register(Population)
class PopulationAdmin(admin.ModelAdmin):
    list_display = ["unit", "year", "population", "source"]
    list_filter = ["year"]
    raw_id_fields = ["unit"]


@admin.register(Enrollment)
class EnrollmentAdmin(admin.ModelAdmin):
    list_display = ["unit", "month", "enrolled", "entered_by", "entered_at"]
    list_filter = ["month"]
    raw_id_fields = ["unit"]


@admin.register(ChangeRecord)
class ChangeRecordAdmin(admin.ModelAdmin):
    """The audit trail: readable, never editable, even by administrators."""

    list_display = ["at", "user", "unit", "period", "field", "old_value", "new_value", "channel"]
    list_filter = ["channel", "field"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


admin.site.register(PayerGroup)
admin.site.register(MonthReopening)


@admin.register(Assignment)
class AssignmentAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "unit"]
    list_filter = ["role"]
    raw_id_fields = ["unit"]
