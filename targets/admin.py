from django import forms
from django.contrib import admin
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from communes.admin import ReadOnlyAdmin
from communes.numbers import NumberError, parse_count
from communes.periods import FIRST_YEAR, LAST_YEAR

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


class TargetDocumentForm(forms.ModelForm):
    """The years within the portal's, as on the document's own page: a document over years 1 to 32.767
    would ask its targets grid for tens of thousands of columns."""

    first_year = forms.IntegerField(
        label=gettext_lazy("từ năm"), required=False, min_value=FIRST_YEAR, max_value=LAST_YEAR
    )
    last_year = forms.IntegerField(
        label=gettext_lazy("đến năm"), required=False, min_value=FIRST_YEAR, max_value=LAST_YEAR
    )

    class Meta:
        model = TargetDocument
        fields = [
            "kind",
            "number",
            "issued_on",
            "issuer",
            "signer",
            "title",
            "scope",
            "annex_title",
            "note",
            "first_year",
            "last_year",
            "is_synthetic",
            "created_by",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("first_year", "last_year"):
            self.fields[name].error_messages.update(
                min_value=_("Năm từ %(limit_value)s trở đi."),
                max_value=_("Năm không quá %(limit_value)s."),
                invalid=_("Viết năm bằng 4 chữ số."),
            )

    def clean(self):
        cleaned = super().clean()
        first, last = cleaned.get("first_year"), cleaned.get("last_year")
        if first and last and last - first > 10:
            self.add_error("last_year", _("Một văn bản giao chỉ tiêu tối đa 11 năm."))
        return cleaned


@admin.register(TargetDocument)
class TargetDocumentAdmin(admin.ModelAdmin):
    form = TargetDocumentForm
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


class CohortForm(forms.ModelForm):
    """The size as the document states it, read as every count of the portal: 46.106, within its bound."""

    size = forms.CharField(label=gettext_lazy("số người"), max_length=20, help_text=gettext_lazy("như văn bản nêu"))

    class Meta:
        model = Cohort
        fields = ["document", "name", "size", "since"]

    def clean_size(self) -> int:
        try:
            return parse_count(self.cleaned_data["size"])
        except NumberError as error:
            raise forms.ValidationError(str(error)) from None


@admin.register(Cohort)
class CohortAdmin(admin.ModelAdmin):
    """A cohort is added here with its size; the size is a figure, so once saved it is read-only: the
    change log keeps no record of an edit here (its communes and progress change on the entry grid)."""

    form = CohortForm
    list_display = ["name", "size", "since", "document"]
    inlines = [SubTargetInline, CohortCommuneInline]

    def get_readonly_fields(self, request, obj=None):
        return ["size"] if obj is not None else []
