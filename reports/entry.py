"""The monthly entry grid: read the posted cells, validate them, and save the whole grid at once.

POST field names (one set per commune row, keyed by the commune's official code, which is unique
among the communes in force in one month):
    <code>-population, <code>-population_source, <code>-enrolled, <code>-note,
    <code>-g-<payer group code>, <code>-affected, <code>-affected_pupils, <code>-pupils,
    <code>-households, <code>-version (Enrollment.version as opened, 0 = none),
    <code>-pversion (CohortProgress.version as opened); and for the page: opened (ISO time the
    form was rendered), confirm (the key of the warnings the officer confirmed).
"""

import datetime as dt
import hashlib
from dataclasses import dataclass, field

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from communes.models import ChangeRecord, Enrollment, EnrollmentByGroup, PayerGroup, Population
from communes.numbers import NumberError, parse_optional_count
from targets.models import CohortCommune, CohortProgress

from . import coverage, formatting
from .entry_rows import Row

COHORT_FIELDS = ("affected", "affected_pupils", "pupils", "households")
MAX_COUNT = 200_000_000  # more people than the country has: a typing slip, and beyond the database's column


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


class Conflict(Exception):
    def __init__(self, messages: list[str]):
        super().__init__("; ".join(messages))
        self.messages = messages


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
        keys = ["population", "population_source", "enrolled", "note", *(f"g-{g.code}" for g in groups)]
        keys += list(COHORT_FIELDS) if row.member else []
        raw = {key: str(data.get(field_name(row.unit.code, key), "")).strip() for key in keys}
        item = RowInput(row=row, raw=raw, version=_int(data.get(field_name(row.unit.code, "version"))),
                        progress_version=_int(data.get(field_name(row.unit.code, "pversion"))))
        _validate(item, groups, month)
        grid.rows.append(item)
    return grid


def _int(text) -> int:
    return int(text) if str(text or "").isdigit() else 0


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
            continue
        if values[key] is not None and values[key] > MAX_COUNT:
            errors[key] = _("Số quá lớn: kiểm tra lại.")
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
    changed = population is not None and (row.population is None or population != row.population.population)
    if changed and row.population is not None and not values["population_source"]:
        errors["population_source"] = _("Ghi nguồn của số dân mới (ví dụ: Chi cục Thống kê, 6/2024).")
    if enrolled is None:
        return
    if enrolled > population and not values["note"]:
        errors["enrolled"] = _("Số người tham gia (%(enrolled)s) lớn hơn dân số (%(population)s): sửa lại, "
                               "hoặc ghi chú lý do.") % {"enrolled": formatting.fmt_int(enrolled),
                                                        "population": formatting.fmt_int(population)}
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
    elif sum(given) != enrolled:
        item.warnings["groups"] = _("Tổng các nhóm (%(sum)s) khác tổng số người tham gia (%(total)s).") % {
            "sum": formatting.fmt_int(sum(given)), "total": formatting.fmt_int(enrolled)}


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
    if affected is not None and pupils_affected is not None and (values["households"] or 0) > affected - pupils_affected:
        errors["households"] = _("Lớn hơn số người bị ảnh hưởng không phải học sinh (%(n)s).") % {
            "n": formatting.fmt_int(affected - pupils_affected)}


# -- saving ------------------------------------------------------------------------------------
def apply_grid(*, grid: GridInput, month: dt.date, user, groups: list[PayerGroup]) -> int:
    """Save every changed figure of the grid in one transaction; returns how many figures changed.

    Rows are locked first and compared with what the form was opened on: a figure someone else
    changed since raises Conflict before anything is written.
    """
    try:
        return _apply(grid=grid, month=month, user=user, groups=groups)
    except IntegrityError as error:
        # Two first saves of the same commune-month at once: the later one finds the row taken.
        raise Conflict([_("Một người khác vừa lưu số liệu tháng này cùng lúc với bạn; chưa lưu gì. "
                          "Kiểm tra rồi lưu lại.")]) from error


def _apply(*, grid: GridInput, month: dt.date, user, groups: list[PayerGroup]) -> int:
    items = [item for item in grid.rows if item.row.editable]
    units = [item.row.unit for item in items]
    with transaction.atomic():
        fresh = _Fresh.lock(units=units, month=month)
        conflicts = [msg for item in items for msg in _conflicts(item, fresh, grid.opened, groups)]
        if conflicts:
            raise Conflict(conflicts)
        writer = _Writer(user=user, month=month)
        for item in items:
            writer.population(item, fresh.populations.get(item.row.unit.pk))
            writer.enrollment(item, fresh.enrollments.get(item.row.unit.pk), fresh.groups, groups)
            if item.row.member:
                writer.cohort(item, fresh.members[item.row.member.pk], fresh.progress.get(item.row.member.pk))
        return writer.changes


@dataclass
class _Fresh:
    """The rows as stored now, locked until the transaction ends."""

    enrollments: dict[int, Enrollment]
    populations: dict[int, Population]
    groups: dict[int, dict[str, EnrollmentByGroup]]
    members: dict[int, CohortCommune]
    progress: dict[int, CohortProgress]

    @classmethod
    def lock(cls, *, units, month: dt.date) -> "_Fresh":
        enrollments = {e.unit_id: e for e in Enrollment.objects.select_for_update(of=("self",))
                       .filter(unit__in=units, month=month).select_related("entered_by")}
        groups: dict[int, dict[str, EnrollmentByGroup]] = {}
        for item in EnrollmentByGroup.objects.select_for_update(of=("self",)).filter(enrollment__in=list(enrollments.values())) \
                .select_related("group"):
            groups.setdefault(item.enrollment_id, {})[item.group.code] = item
        members = {m.pk: m for m in CohortCommune.objects.select_for_update(of=("self",)).filter(unit__in=units)}
        return cls(
            enrollments=enrollments,
            populations={p.unit_id: p for p in Population.objects.select_for_update(of=("self",))
                         .filter(unit__in=units, year=month.year).select_related("entered_by")},
            groups=groups,
            members=members,
            progress={p.member_id: p for p in CohortProgress.objects.select_for_update(of=("self",))
                      .filter(member__in=list(members.values()), month=month).select_related("entered_by")},
        )


def _who(user, at) -> dict:
    name = (user.get_full_name() or user.username) if user else _("(không rõ)")
    return {"who": name, "when": timezone.localtime(at).strftime("%H:%M %d/%m/%Y") if at else "?"}


def _conflicts(item: RowInput, fresh: _Fresh, opened, groups) -> list[str]:
    unit, values, out = item.row.unit, item.values, []
    enrollment = fresh.enrollments.get(unit.pk)
    stored_version = enrollment.version if enrollment else 0
    if stored_version != item.version and _enrollment_changes(values, enrollment, fresh, groups):
        out.append(_("%(unit)s: số người tham gia đã được %(who)s sửa lúc %(when)s, sau khi bạn mở trang.")
                   % {"unit": unit.full_name, **_who(enrollment.entered_by if enrollment else None,
                                                     enrollment.entered_at if enrollment else None)})
    population = fresh.populations.get(unit.pk)
    if (population and opened and population.entered_at > opened and values.get("population") is not None
            and values["population"] != population.population):
        out.append(_("%(unit)s: dân số đã được %(who)s sửa lúc %(when)s, sau khi bạn mở trang.")
                   % {"unit": unit.full_name, **_who(population.entered_by, population.entered_at)})
    if item.row.member:
        out += _cohort_conflicts(item, fresh, opened)
    return out


def _cohort_conflicts(item: RowInput, fresh: _Fresh, opened) -> list[str]:
    unit, values, out = item.row.unit, item.values, []
    member = fresh.members[item.row.member.pk]
    if opened and any(values[k] != getattr(member, k) for k in ("affected", "affected_pupils")):
        latest = ChangeRecord.objects.filter(unit=unit, field__startswith="cohort_affected", at__gt=opened) \
            .select_related("user").first()
        if latest:
            out.append(_("%(unit)s: số người bị ảnh hưởng đã được %(who)s sửa lúc %(when)s, sau khi bạn mở trang.")
                       % {"unit": unit.full_name, **_who(latest.user, latest.at)})
    progress = fresh.progress.get(member.pk)
    stored = progress.version if progress else 0
    if stored != item.progress_version and any(
        values[k] != (getattr(progress, k) if progress else None) for k in ("pupils", "households")
    ):
        out.append(_("%(unit)s: số đã tham gia lại đã được %(who)s sửa lúc %(when)s, sau khi bạn mở trang.")
                   % {"unit": unit.full_name, **_who(progress.entered_by if progress else None,
                                                     progress.entered_at if progress else None)})
    return out


def _enrollment_changes(values, enrollment, fresh: _Fresh, groups) -> bool:
    if enrollment is None:
        return values["enrolled"] is not None
    stored_groups = {code: g.enrolled for code, g in fresh.groups.get(enrollment.pk, {}).items()}
    return (values["enrolled"] != enrollment.enrolled or values["note"] != enrollment.note
            or any(values[f"g-{g.code}"] != stored_groups.get(g.code) for g in groups))


class _Writer:
    """Writes changed figures and one ChangeRecord per changed figure."""

    def __init__(self, *, user, month: dt.date):
        self.user, self.month, self.changes = user, month, 0

    def record(self, unit, field_: str, old, new, *, note: str = "", period: dt.date | None = None) -> None:
        ChangeRecord.objects.create(unit=unit, period=period or self.month, field=field_, old_value=old,
                                    new_value=new, note=note, channel="entry", user=self.user)
        self.changes += 1

    def population(self, item: RowInput, stored: Population | None) -> None:
        value, source = item.values["population"], item.values["population_source"]
        if value is None or (item.values["enrolled"] is None and item.row.population
                             and value == item.row.population.population):
            return  # nothing typed for the month: do not carry the population into a new year
        year_start = dt.date(self.month.year, 1, 1)
        if stored is None:
            carried = item.row.population
            source = source or (f"{carried.source} (số năm {carried.year})" if carried else "")
            Population.objects.create(unit=item.row.unit, year=self.month.year, population=value,
                                      source=source[:300], entered_by=self.user)
            self.record(item.row.unit, "population", None, value, note=source, period=year_start)
        elif value != stored.population:
            old = stored.population
            stored.population, stored.entered_by = value, self.user
            stored.source = source or stored.source
            stored.save()
            self.record(item.row.unit, "population", old, value, note=source, period=year_start)

    def enrollment(self, item: RowInput, stored: Enrollment | None, fresh_groups, groups) -> None:
        values, unit = item.values, item.row.unit
        if values["enrolled"] is None:
            return
        if stored is None:
            stored = Enrollment.objects.create(unit=unit, month=self.month, enrolled=values["enrolled"],
                                               note=values["note"], entered_by=self.user)
            self.record(unit, "enrolled", None, values["enrolled"], note=values["note"])
        else:
            changed = False
            if values["enrolled"] != stored.enrolled or values["note"] != stored.note:
                self.record(unit, "enrolled", stored.enrolled, values["enrolled"], note=values["note"])
                stored.enrolled, stored.note, changed = values["enrolled"], values["note"], True
            changed |= self._groups(item, stored, fresh_groups.get(stored.pk, {}), groups)
            if changed:
                stored.version += 1
                stored.entered_by = self.user
                stored.save()
            return
        self._groups(item, stored, {}, groups)

    def _groups(self, item: RowInput, enrollment: Enrollment, stored: dict, groups) -> bool:
        changed = False
        for group in groups:
            new, old = item.values[f"g-{group.code}"], stored.get(group.code)
            if new == (old.enrolled if old else None):
                continue
            if new is None:
                old.delete()
            elif old is None:
                EnrollmentByGroup.objects.create(enrollment=enrollment, group=group, enrolled=new)
            else:
                old.enrolled = new
                old.save(update_fields=["enrolled"])
            self.record(item.row.unit, f"group:{group.code}", old.enrolled if old else None, new)
            changed = True
        return changed

    def cohort(self, item: RowInput, member: CohortCommune, progress: CohortProgress | None) -> None:
        values, unit = item.values, item.row.unit
        changed = [k for k in ("affected", "affected_pupils") if values[k] != getattr(member, k)]
        for key in changed:
            self.record(unit, f"cohort_{key}", getattr(member, key), values[key])
            setattr(member, key, values[key])
        if changed:
            member.save(update_fields=changed)
        if progress is None and values["pupils"] is None and values["households"] is None:
            return
        progress = progress or CohortProgress(member=member, month=self.month, version=0)
        moved = [k for k in ("pupils", "households") if values[k] != getattr(progress, k)]
        for key in moved:
            self.record(unit, f"cohort_{key}", getattr(progress, key), values[key])
            setattr(progress, key, values[key])
        if moved:
            progress.version += 1
            progress.entered_by = self.user
            progress.save()
