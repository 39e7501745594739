"""Forms for target documents entered in the portal: the document itself, and its targets grid."""

import hashlib
from dataclasses import dataclass
from decimal import Decimal

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from communes.models import Unit
from communes.numbers import NumberError, parse_optional_count, parse_rate
from targets.models import TargetDocument
from targets.units import document_units

FIRST_YEAR, LAST_YEAR = 2020, 2100
DATE_INPUTS = ["%d/%m/%Y", "%d/%m/%y", "%Y-%m-%d"]


class DocumentForm(forms.ModelForm):
    """Kind, number, date, issuer, signer, title, scope (a province or the country) and years."""

    issued_on = forms.DateField(
        label=gettext_lazy("Ngày ban hành"),
        input_formats=DATE_INPUTS,
        widget=forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy"}),
        error_messages={"invalid": gettext_lazy("Viết ngày dạng dd/mm/yyyy, ví dụ 15/01/2026.")},
    )
    first_year = forms.IntegerField(label=gettext_lazy("Từ năm"), min_value=FIRST_YEAR, max_value=LAST_YEAR)
    last_year = forms.IntegerField(label=gettext_lazy("Đến năm"), min_value=FIRST_YEAR, max_value=LAST_YEAR)

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
            "first_year",
            "last_year",
            "note",
        ]
        widgets = {"title": forms.Textarea(attrs={"rows": 2}), "note": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, scopes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scope"].queryset = scopes
        self.fields["scope"].label_from_instance = lambda unit: unit.full_name
        self.fields["scope"].empty_label = None
        for field in self.fields.values():
            field.error_messages.setdefault("required", _("Trường này bắt buộc."))
            field.error_messages["required"] = _("Trường này bắt buộc.")
        self.fields["first_year"].error_messages.update(
            min_value=_("Năm từ %(limit_value)s trở đi."),
            max_value=_("Năm không quá %(limit_value)s."),
            invalid=_("Viết năm bằng 4 chữ số."),
        )
        self.fields["last_year"].error_messages.update(self.fields["first_year"].error_messages)

    def clean(self):
        cleaned = super().clean()
        number, issued_on = cleaned.get("number"), cleaned.get("issued_on")
        if (
            number
            and issued_on
            and TargetDocument.objects.filter(number=number, issued_on=issued_on).exclude(pk=self.instance.pk).exists()
        ):
            self.add_error("number", _("Đã có văn bản cùng số hiệu và ngày ban hành này."))
        first, last = cleaned.get("first_year"), cleaned.get("last_year")
        if first and last and last < first:
            self.add_error("last_year", _("Năm cuối phải từ năm đầu trở đi."))
        if first and last and last - first > 10:
            self.add_error("last_year", _("Một văn bản giao chỉ tiêu tối đa 11 năm."))
        return cleaned


def grid_units(document: TargetDocument) -> list[Unit]:
    return list(document_units(document).order_by("code"))


CELLS = ("rate", "population", "enrolled")


def cell_name(unit: Unit, year: int, cell: str) -> str:
    return f"{unit.code}-{year}-{cell}"


@dataclass(frozen=True)
class TargetValues:
    rate: Decimal | None
    population: int | None
    enrolled: int | None

    @property
    def empty(self) -> bool:
        return self.rate is None and self.population is None and self.enrolled is None


def stored_values(document: TargetDocument) -> dict[tuple[int, int], TargetValues]:
    """(unit id, year) → the target as stored."""
    return {
        (unit_id, year): TargetValues(rate, population, enrolled)
        for unit_id, year, rate, population, enrolled in document.targets.values_list(
            "unit_id", "year", "rate", "planned_population", "planned_enrolled"
        )
    }


def fingerprint(values: dict[tuple[int, int], TargetValues]) -> str:
    """What the grid was opened on: a save is refused when the stored targets differ since."""
    text = "|".join(f"{key}:{value}" for key, value in sorted(values.items()))
    return hashlib.sha256(text.encode()).hexdigest()[:32]


class TargetsForm(forms.Form):
    """One rate for the scope per year; per unit and year a rate and, optionally, the planned
    population and enrolled. A unit's year left empty sets no target (and removes a stored one)."""

    # The stored targets' fingerprint when the grid was opened (a stale form is refused).
    opened = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, document: TargetDocument, units: list[Unit], **kwargs):
        super().__init__(*args, **kwargs)
        self.document, self.units, self.years = document, units, document.years
        for unit in [document.scope, *units]:
            for year in self.years:
                cells = ("rate",) if unit.pk == document.scope_id else CELLS
                for cell in cells:
                    self.fields[cell_name(unit, year, cell)] = forms.CharField(required=False, max_length=20)

    def _read(self, name: str, cell: str):
        text = self.cleaned_data.get(name, "")
        try:
            return parse_rate(text) if cell == "rate" and text.strip() else parse_optional_count(text)
        except NumberError as error:
            self.add_error(name, str(error))
            return None

    def clean(self):
        super().clean()
        values: dict[tuple[int, int], TargetValues] = {}
        for unit in [self.document.scope, *self.units]:
            for year in self.years:
                names = {
                    cell: cell_name(unit, year, cell) for cell in CELLS if cell_name(unit, year, cell) in self.fields
                }
                read = {cell: self._read(name, cell) for cell, name in names.items()}
                value = TargetValues(read.get("rate"), read.get("population"), read.get("enrolled"))
                if any(name in self.errors for name in names.values()):
                    continue
                if value.rate is None and not value.empty:
                    self.add_error(
                        names["rate"], _("Nhập tỷ lệ chỉ tiêu (dân số và số tham gia kế hoạch chỉ đi kèm tỷ lệ).")
                    )
                    continue
                if value.population is not None and value.enrolled is not None and value.enrolled > value.population:
                    self.add_error(names["enrolled"], _("Số tham gia kế hoạch lớn hơn dân số kế hoạch."))
                    continue
                if not value.empty:
                    values[(unit.pk, year)] = value
        self.cleaned_data["values"] = values
        return self.cleaned_data
