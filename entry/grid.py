"""The monthly entry grid: read the posted cells, validate them, and save the whole grid at once.

POST field names (one set per commune row, keyed by the commune's official code, which is unique
among the communes in force in one month):
    <code>-population, <code>-population_source, <code>-enrolled, <code>-note,
    <code>-g-<payer group code>, <code>-affected, <code>-affected_pupils, <code>-pupils,
    <code>-households, <code>-version (Enrollment.version as opened, 0 = none),
    <code>-pversion (CohortProgress.version as opened); and for the page: opened (ISO time the
    form was rendered), confirm (the key of the warnings the officer confirmed).
A cell left out of the POST keeps its stored value; one posted empty is empty.
Saving is in entry/save.py.
"""

import datetime as dt
import hashlib
from dataclasses import dataclass, field

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from communes.models import PayerGroup
from communes.numbers import NumberError, parse_optional_count, whole_number
from reports import coverage, formatting

from .rows import Row

COHORT_FIELDS = ("affected", "affected_pupils", "pupils", "households")


def field_name(code: str, name: str) -> str:
    return f"{code}-{name}"


@dataclass
class RowInput:
    row: Row
    raw: dict[str, str]
    values: dict[str, object] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    warnings: dict[str, str] = field(default_factory=dict)
    version: int = 0
    progress_version: int = 0


@dataclass
class GridInput:
    rows: list[RowInput]
    opened: dt.datetime | None = None
    confirm: str = ""
    conflicts: list[str] = field(default_factory=list)

    @property
    def has_errors(self) -> bool:
        return any(r.errors for r in self.rows)

    @property
    def warning_key(self) -> str:
        """Fingerprint of the warnings shown, so a confirmation covers exactly those."""
        text = "|".join(f"{r.row.unit.code}:{k}:{v}" for r in self.rows for k, v in sorted(r.warnings.items()))
        return hashlib.sha256(text.encode()).hexdigest()[:16] if text else ""

    @property
    def needs_confirmation(self) -> bool:
        return bool(self.warning_key) and self.confirm != self.warning_key


# -- what the form shows ---------------------------------------------------------------------
def initial_grid(*, rows: list[Row], groups: list[PayerGroup]) -> GridInput:
    return GridInput(rows=[_initial_row(row, groups) for row in rows], opened=timezone.now())


def _initial_row(row: Row, groups: list[PayerGroup]) -> RowInput:
    def text(value) -> str:
        return formatting.fmt_int(value, empty="")  # 46.106, as officers write it; parse_count reads it back

    raw = {
        "population": text(row.population.population if row.population else None),
        "population_source": "",
        "enrolled": text(row.enrollment.enrolled if row.enrollment else None),
        "note": row.enrollment.note if row.enrollment else "",
    }
    raw.update({f"g-{g.code}": text(row.groups.get(g.code)) for g in groups})
    if row.member:
        raw.update(affected=text(row.member.affected), affected_pupils=text(row.member.affected_pupils))
        raw.update(pupils=text(row.progress.pupils if row.progress else None),
                   households=text(row.progress.households if row.progress else None))
    return RowInput(row=row, raw=raw, version=row.version, progress_version=row.progress_version)


# -- reading and validating a POST -------------------------------------------------------------
def read_grid(*, data, rows: list[Row], groups: list[PayerGroup], month: dt.date) -> GridInput:
    """Every editable row as typed, validated; rows the user may not change keep their stored values."""
    grid = GridInput(rows=[], opened=_parse_time(data.get("opened")), confirm=data.get("confirm", ""))
    for row in rows:
        if not row.editable:
            grid.rows.append(_initial_row(row, groups))
            continue
        # A cell left out of the POST keeps its stored value (a script may post only what it
        # changes); a cell posted empty is empty.
        stored = _initial_row(row, groups).raw
        raw = {key: str(data[field_name(row.unit.code, key)]).strip() if field_name(row.unit.code, key) in data
               else stored[key] for key in stored}
        item = RowInput(row=row, raw=raw, version=_int(data.get(field_name(row.unit.code, "version"))),
                        progress_version=_int(data.get(field_name(row.unit.code, "pversion"))))
        _validate(item, groups, month)
        grid.rows.append(item)
    return grid


def kept_grid(*, data, rows: list[Row], groups: list[PayerGroup]) -> GridInput:
    """What was typed, as posted and unjudged: shown back when the month closed while the officer
    typed, so nothing typed is lost though nothing can be saved."""
    grid = GridInput(rows=[], opened=_parse_time(data.get("opened")))
    for row in rows:
        stored = _initial_row(row, groups)
        stored.raw = {key: str(data.get(field_name(row.unit.code, key), value)).strip()
                      for key, value in stored.raw.items()}
        grid.rows.append(stored)
    return grid


def _int(text) -> int:
    return whole_number(text) or 0


def _parse_time(text) -> dt.datetime | None:
    try:
        value = dt.datetime.fromisoformat(str(text))
    except ValueError:
        return None
    return value if timezone.is_aware(value) else None


def _validate(item: RowInput, groups: list[PayerGroup], month: dt.date) -> None:
    row, raw, values, errors = item.row, item.raw, item.values, item.errors
    counts = ["population", "enrolled", *(f"g-{g.code}" for g in groups)]
    counts += list(COHORT_FIELDS) if row.member else []
    for key in counts:
        try:
            values[key] = parse_optional_count(raw[key])
        except NumberError as error:
            errors[key] = str(error)
    values["note"] = raw["note"][:500]
    values["population_source"] = raw["population_source"][:300]
    if errors:
        return
    _validate_counts(item, month)
    _validate_groups(item, groups)
    if row.member:
        _validate_cohort(item)


def _validate_counts(item: RowInput, month: dt.date) -> None:
    row, values, errors = item.row, item.values, item.errors
    population, enrolled = values["population"], values["enrolled"]
    if enrolled is None and row.enrollment:
        errors["enrolled"] = _("Không được để trống số đã nhập; hãy nhập lại số.")
        return
    if population is None and (enrolled is not None or row.population):
        errors["population"] = _("Cần dân số để tính tỷ lệ bao phủ.")
        return
    if population == 0 and enrolled:
        errors["population"] = _("Dân số bằng 0 mà có người tham gia: sửa lại dân số.")
        return
    changed = population is not None and (row.population is None or population != row.population.population)
    if changed and row.population is not None and not values["population_source"]:
        errors["population_source"] = _("Ghi nguồn của số dân mới (ví dụ: Chi cục Thống kê, 6/2024).")
    if enrolled is None:
        return
    if enrolled > population and not values["note"]:
        errors["enrolled"] = _("Số người tham gia (%(enrolled)s) lớn hơn dân số (%(population)s): sửa lại, "
                               "hoặc ghi chú lý do.") % {"enrolled": formatting.fmt_int(enrolled),
                                                        "population": formatting.fmt_int(population)}
    if row.enrollment and enrolled == row.enrollment.enrolled:
        return  # the stored figure was confirmed when it was saved: warn about what changes now
    previous = row.previous.enrolled if row.previous else None
    if coverage.drop_exceeds(previous=previous, current=enrolled, threshold=settings.ENTRY_DROP_WARNING):
        item.warnings["enrolled"] = _("Giảm %(drop)s người so với tháng %(month)s (%(before)s): kiểm tra lại "
                                      "hoặc xác nhận.") % {"drop": formatting.fmt_int(previous - enrolled),
                                                           "month": f"{row.previous.month:%m/%Y}",
                                                           "before": formatting.fmt_int(previous)}


def _validate_groups(item: RowInput, groups: list[PayerGroup]) -> None:
    given = [item.values[f"g-{g.code}"] for g in groups if item.values[f"g-{g.code}"] is not None]
    if not given:
        return
    enrolled = item.values["enrolled"]
    if enrolled is None:
        item.errors["enrolled"] = _("Đã nhập theo nhóm: cần nhập cả tổng số người tham gia.")
    elif sum(given) != enrolled and _groups_changed(item, groups):
        item.warnings["groups"] = _("Tổng các nhóm (%(sum)s) khác tổng số người tham gia (%(total)s).") % {
            "sum": formatting.fmt_int(sum(given)), "total": formatting.fmt_int(enrolled)}


def _groups_changed(item: RowInput, groups: list[PayerGroup]) -> bool:
    """Stored groups that did not add up were confirmed when saved; only a change asks again."""
    row = item.row
    if row.enrollment is None or item.values["enrolled"] != row.enrollment.enrolled:
        return True
    return any(item.values[f"g-{g.code}"] != row.groups.get(g.code) for g in groups)


def _validate_cohort(item: RowInput) -> None:
    values, errors, member = item.values, item.errors, item.row.member
    for key, stored in (("affected", member.affected), ("affected_pupils", member.affected_pupils)):
        if values[key] is None and stored is not None:
            errors[key] = _("Không được để trống số đã nhập.")
    affected, pupils_affected = values["affected"], values["affected_pupils"]
    if affected is not None and pupils_affected is not None and pupils_affected > affected:
        errors["affected_pupils"] = _("Số học sinh bị ảnh hưởng không thể lớn hơn tổng số người bị ảnh hưởng.")
    if pupils_affected is not None and (values["pupils"] or 0) > pupils_affected:
        errors["pupils"] = _("Lớn hơn số học sinh bị ảnh hưởng (%(n)s).") % {"n": formatting.fmt_int(pupils_affected)}
    if (affected is not None and pupils_affected is not None and pupils_affected <= affected
            and (values["households"] or 0) > affected - pupils_affected):
        errors["households"] = _("Lớn hơn số người bị ảnh hưởng không phải học sinh (%(n)s).") % {
            "n": formatting.fmt_int(affected - pupils_affected)}
