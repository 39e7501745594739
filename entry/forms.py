"""The forms every write of the entry pages goes through: the monthly grid, reopening a month, the
files uploaded, an import's preview and the communes chosen for its unknown names, the columns of
an agency workbook. Cells are judged by the grid's rules (entry/grid.py), files by their readers;
these forms own what a forged or stale POST could carry: hidden versions, lengths, choices."""

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from communes.numbers import whole_number

from .grid import GridInput, field_name, read_grid
from .rules import NOTE_LENGTH, SOURCE_LENGTH
from .table import Table
from .workbook_preview import WorkbookCounts, read_signed, read_table


class WholeNumberField(forms.CharField):
    """A whole number written with ASCII digits (a hidden version, a number of days): "²", "٣",
    "1e3", "-1" and numbers past the bounds are refused with a message, never a server error."""

    def __init__(self, *, low: int = 0, high: int = 2_000_000_000, **kwargs):
        self.low, self.high = low, high
        super().__init__(**kwargs)

    def to_python(self, value):
        text = super().to_python(value)
        if text in self.empty_values:
            return None
        number = whole_number(text, low=self.low, high=self.high)
        if number is None:
            raise forms.ValidationError(
                _("Viết một số nguyên từ %(low)s đến %(high)s.") % {"low": self.low, "high": self.high}, code="invalid"
            )
        return number


class GridForm(forms.Form):
    """The month's grid as posted. Each editable row's cells are fields of their own, so a note or
    a source too long is refused beside its cell (the inputs say maxlength too); the cells' figures
    are judged together by `read_grid` in `clean`, which leaves `self.grid` for the page."""

    opened = forms.CharField(required=False)
    workbook = forms.CharField(required=False)

    def __init__(self, data, *, rows, groups, month: dt.date, area):
        super().__init__(data)
        self.rows, self.groups, self.month, self.area = rows, groups, month, area
        self.grid: GridInput | None = None
        for row in rows:
            if not row.editable:
                continue
            code = row.unit.code
            self.fields[field_name(code, "note")] = forms.CharField(
                required=False,
                max_length=NOTE_LENGTH,
                error_messages={"max_length": gettext_lazy("Ghi chú dài quá %(limit_value)s ký tự: hãy rút gọn.")},
            )
            self.fields[field_name(code, "population_source")] = forms.CharField(
                required=False,
                max_length=SOURCE_LENGTH,
                error_messages={"max_length": gettext_lazy("Nguồn dài quá %(limit_value)s ký tự: hãy rút gọn.")},
            )
            for hidden in ("version", "pversion"):
                self.fields[field_name(code, hidden)] = WholeNumberField(required=False)

    def clean_opened(self):
        try:
            value = dt.datetime.fromisoformat(self.cleaned_data["opened"])
        except ValueError:
            return None
        return value if timezone.is_aware(value) else None

    def clean_workbook(self) -> WorkbookCounts | None:
        """The agency workbook the grid was filled from, as signed when it was read; a signature
        that does not verify, or names another grid, is a forged form."""
        text = self.cleaned_data["workbook"]
        if not text:
            return None
        counts = read_signed(text, area=self.area, month=self.month)
        if counts is None:
            raise forms.ValidationError(_("Dữ liệu bảng tính kèm theo không hợp lệ."), code="forged")
        return counts

    def clean(self):
        super().clean()
        self.grid = read_grid(data=self.data, rows=self.rows, groups=self.groups, month=self.month)
        # A bad hidden version is a forged or broken page: the grid refuses it as a whole.
        for item in self.grid.rows:
            for key, message in self._cell_errors(item.row.unit.code).items():
                item.errors.setdefault(key, message)
        return self.cleaned_data

    def _cell_errors(self, code: str) -> dict[str, str]:
        return {
            key: " ".join(self.errors[field_name(code, key)])
            for key in ("note", "population_source")
            if field_name(code, key) in self.errors
        }

    @property
    def forged(self) -> bool:
        """A hidden field no page of the portal writes: refused whole, with a message."""
        return any(name.endswith(("-version", "-pversion")) or name in ("opened", "workbook") for name in self.errors)


class ReopenForm(forms.Form):
    days = WholeNumberField(low=1, high=31, error_messages={"required": gettext_lazy("Ghi số ngày mở (1–31).")})
    reason = forms.CharField(
        max_length=300,
        error_messages={
            "required": gettext_lazy("Ghi lý do mở lại."),
            "max_length": gettext_lazy("Lý do dài quá %(limit_value)s ký tự."),
        },
    )

    def clean_days(self):
        days = self.cleaned_data["days"]
        if days is None:
            raise forms.ValidationError(_("Ghi số ngày mở (1–31)."))
        return days


class ImportChoicesForm(forms.Form):
    """For each line whose name matched no commune, the commune the user chose (or none yet)."""

    def __init__(self, data, *, lines: list[int], allowed: set[int]):
        super().__init__(data)
        self.lines, self.allowed = lines, allowed
        for line in lines:
            self.fields[f"unit_{line}"] = WholeNumberField(required=False)

    def clean(self):
        super().clean()
        for line in self.lines:
            name = f"unit_{line}"
            value = self.cleaned_data.get(name)
            if name in self.errors or (value is not None and value not in self.allowed):
                self.errors.pop(name, None)
                self.add_error(name, _("Lựa chọn xã cho dòng %(line)s không hợp lệ.") % {"line": line})
        return self.cleaned_data

    @property
    def confirmed(self) -> dict[str, int]:
        return {
            str(line): self.cleaned_data[f"unit_{line}"]
            for line in self.lines
            if self.cleaned_data.get(f"unit_{line}") is not None
        }


def _file_field(missing) -> forms.FileField:
    # An empty file is the reader's to refuse, in the words it uses for any unreadable file.
    return forms.FileField(
        allow_empty_file=True, error_messages={"required": missing, "missing": missing, "invalid": missing}
    )


class AnnexUploadForm(forms.Form):
    """The workbook laid out like the annex, for a document's targets."""

    workbook = _file_field(gettext_lazy("Hãy chọn một tệp Excel (.xlsx)."))


class AgencyUploadForm(forms.Form):
    """The social-insurance office's monthly workbook, for the grid."""

    workbook = _file_field(gettext_lazy("Hãy chọn tệp bảng tính của BHXH (.xlsx, .xls hoặc .csv)."))


class ImportApplyForm(forms.Form):
    """The import preview's POST: the upload it names (a token kept in the session), the fingerprint
    of the changes it showed, and whether to write them now or only confirm the names chosen. A
    token or fingerprint longer than the portal writes is a forged form: the session is not found."""

    token = forms.CharField(max_length=64, error_messages={"required": gettext_lazy("Thiếu phiên nhập.")})
    fingerprint = forms.CharField(required=False, max_length=64)
    apply = forms.BooleanField(required=False)


class WorkbookColumnsForm(forms.Form):
    """The columns of the agency's workbook the officer chose, when its headers did not say: numbers
    as the sheet shows them (1 = A), within the sheet that was read and kept signed in the page."""

    table = forms.CharField(error_messages={"required": gettext_lazy("Thiếu bảng đã đọc.")})
    header_row = WholeNumberField(low=1, high=5_000, error_messages={"required": gettext_lazy("Chọn dòng tiêu đề.")})
    name = WholeNumberField(low=1, high=200, error_messages={"required": gettext_lazy("Chọn cột tên xã.")})
    count = WholeNumberField(
        low=1, high=200, error_messages={"required": gettext_lazy("Chọn cột số người có thẻ BHYT.")}
    )

    def clean_table(self) -> tuple[Table, str]:
        """The table and its file's name, as signed when the file was read: anything else is refused."""
        kept = read_table(self.cleaned_data["table"])
        if kept is None:
            raise forms.ValidationError(_("Phiên chọn cột không hợp lệ; hãy tải tệp lên lại."), code="forged")
        return kept

    @property
    def kept(self) -> tuple[Table, str] | None:
        """The signed table, once it verified (the other fields may still be wrong)."""
        return self.cleaned_data.get("table") if hasattr(self, "cleaned_data") else None

    def clean(self):
        super().clean()
        if self.kept is None:
            return self.cleaned_data
        table = self.kept[0]
        height, width = len(table.rows), max((len(r) for r in table.rows), default=0)
        row, name, count = (self.cleaned_data.get(k) for k in ("header_row", "name", "count"))
        if row is not None and row > height:
            self.add_error("header_row", _("Bảng chỉ có %(n)s dòng.") % {"n": height})
        for key, column in (("name", name), ("count", count)):
            if column is not None and column > width:
                self.add_error(key, _("Bảng chỉ có %(n)s cột.") % {"n": width})
        if name is not None and name == count:
            self.add_error("count", _("Cột số người phải khác cột tên xã."))
        return self.cleaned_data
