"""Saving the entry grid: the whole grid in one transaction, refused when someone changed a figure
since the form was opened (optimistic locking), every change written to the ChangeRecord log."""

import datetime as dt
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from communes.bulk import update_in_bulk
from communes.models import ChangeRecord, Enrollment, EnrollmentByGroup, PayerGroup, Population
from reports import formatting
from targets.models import CohortCommune, CohortProgress

from .grid import GridInput, RowInput
from .workbook_preview import WorkbookCounts


class Conflict(Exception):
    def __init__(self, messages: list[str]):
        super().__init__("; ".join(messages))
        self.messages = messages


def apply_grid(
    *,
    grid: GridInput,
    month: dt.date,
    user,
    groups: list[PayerGroup],
    channel: str = "entry",
    via: str = "",
    workbook: WorkbookCounts | None = None,
) -> int:
    """Save every changed figure of the grid in one transaction; returns how many figures changed.

    Rows are locked first and compared with what the form was opened on: a figure someone else
    changed since raises Conflict before anything is written. `channel` names the way in on every
    change record ("entry": the page; "api"), and `via`, when given, opens each record's note (the
    API token that wrote it), so the log says by what means a figure changed, not only who. A count
    saved as the agency's workbook gave it is logged as coming from the workbook.
    """
    try:
        return _apply(grid=grid, month=month, user=user, groups=groups, channel=channel, via=via, workbook=workbook)
    except IntegrityError as error:
        # Two first saves of the same commune-month at once: the later one finds the row taken.
        raise Conflict(
            [_("Một người khác vừa lưu số liệu tháng này cùng lúc với bạn; chưa lưu gì. Kiểm tra rồi lưu lại.")]
        ) from error


def find_conflicts(*, grid: GridInput, month: dt.date, groups: list[PayerGroup]) -> list[str]:
    """What someone else changed since the form was opened that this POST would overwrite.

    Checked before the typed values are judged too: a figure that went stale under the officer is a
    conflict to be named (who, when), not a validation error it happens to cause."""
    items = [item for item in grid.rows if item.row.editable]
    with transaction.atomic():
        fresh = _Fresh.lock(units=[item.row.unit for item in items], month=month)
        return [msg for item in items for msg in _conflicts(item, fresh, grid.opened, groups)]


def _apply(
    *,
    grid: GridInput,
    month: dt.date,
    user,
    groups: list[PayerGroup],
    channel: str,
    via: str,
    workbook: WorkbookCounts | None,
) -> int:
    items = [item for item in grid.rows if item.row.editable]
    units = [item.row.unit for item in items]
    with transaction.atomic():
        fresh = _Fresh.lock(units=units, month=month)
        conflicts = [msg for item in items for msg in _conflicts(item, fresh, grid.opened, groups)]
        if conflicts:
            raise Conflict(conflicts)
        writer = _Writer(user=user, month=month, channel=channel, via=via, workbook=workbook)
        for item in items:
            writer.population(item, fresh.populations.get(item.row.unit.pk))
            writer.enrollment(item, fresh.enrollments.get(item.row.unit.pk), fresh.groups, groups)
            if item.row.member:
                writer.cohort(item, fresh.members[item.row.member.pk], fresh.progress.get(item.row.member.pk))
        writer.flush()
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
        enrollments = {
            e.unit_id: e
            for e in Enrollment.objects.select_for_update(of=("self",))
            .filter(unit__among=units, month=month)
            .select_related("entered_by")
        }
        groups: dict[int, dict[str, EnrollmentByGroup]] = {}
        for item in (
            EnrollmentByGroup.objects.select_for_update(of=("self",))
            .filter(enrollment__among=enrollments.values())
            .select_related("group")
        ):
            groups.setdefault(item.enrollment_id, {})[item.group.code] = item
        members = {m.pk: m for m in CohortCommune.objects.select_for_update(of=("self",)).filter(unit__among=units)}
        return cls(
            enrollments=enrollments,
            populations={
                p.unit_id: p
                for p in Population.objects.select_for_update(of=("self",))
                .filter(unit__among=units, year=month.year)
                .select_related("entered_by")
            },
            groups=groups,
            members=members,
            progress={
                p.member_id: p
                for p in CohortProgress.objects.select_for_update(of=("self",))
                .filter(member__among=members.values(), month=month)
                .select_related("entered_by")
            },
        )


def _who(user, at) -> dict:
    return {"who": formatting.person(user, empty=_("(không rõ)")), "when": formatting.fmt_datetime(at, empty="?")}


def _conflicts(item: RowInput, fresh: _Fresh, opened, groups) -> list[str]:
    unit, values, out = item.row.unit, item.values, []
    enrollment = fresh.enrollments.get(unit.pk)
    stored_version = enrollment.version if enrollment else 0
    if stored_version != item.version and _enrollment_changes(values, enrollment, fresh, groups):
        out.append(
            _("%(unit)s: số người tham gia đã được %(who)s sửa lúc %(when)s, sau khi bạn mở trang.")
            % {
                "unit": unit.full_name,
                **_who(enrollment.entered_by if enrollment else None, enrollment.entered_at if enrollment else None),
            }
        )
    population = fresh.populations.get(unit.pk)
    if (
        population
        and opened
        and population.entered_at > opened
        and values.get("population") is not None
        and values["population"] != population.population
    ):
        out.append(
            _("%(unit)s: dân số đã được %(who)s sửa lúc %(when)s, sau khi bạn mở trang.")
            % {"unit": unit.full_name, **_who(population.entered_by, population.entered_at)}
        )
    if item.row.member:
        out += _cohort_conflicts(item, fresh, opened)
    return out


def _cohort_conflicts(item: RowInput, fresh: _Fresh, opened) -> list[str]:
    unit, values, out = item.row.unit, item.values, []
    member = fresh.members[item.row.member.pk]
    if opened and any(k in values and values[k] != getattr(member, k) for k in ("affected", "affected_pupils")):
        latest = (
            ChangeRecord.objects.filter(unit=unit, field__startswith="cohort_affected", at__gt=opened)
            .select_related("user")
            .first()
        )
        if latest:
            out.append(
                _("%(unit)s: số người bị ảnh hưởng đã được %(who)s sửa lúc %(when)s, sau khi bạn mở trang.")
                % {"unit": unit.full_name, **_who(latest.user, latest.at)}
            )
    progress = fresh.progress.get(member.pk)
    stored = progress.version if progress else 0
    if stored != item.progress_version and any(
        k in values and values[k] != (getattr(progress, k) if progress else None) for k in ("pupils", "households")
    ):
        out.append(
            _("%(unit)s: số đã tham gia lại đã được %(who)s sửa lúc %(when)s, sau khi bạn mở trang.")
            % {
                "unit": unit.full_name,
                **_who(progress.entered_by if progress else None, progress.entered_at if progress else None),
            }
        )
    return out


def _enrollment_changes(values, enrollment, fresh: _Fresh, groups) -> bool:
    # A cell that did not parse (values lacks it) is not compared: its own error says what is wrong.
    if enrollment is None:
        return values.get("enrolled") is not None
    stored = {"enrolled": enrollment.enrolled, "note": enrollment.note}
    stored.update({f"g-{code}": g.enrolled for code, g in fresh.groups.get(enrollment.pk, {}).items()})
    keys = ["enrolled", "note", *(f"g-{g.code}" for g in groups)]
    return any(key in values and values[key] != stored.get(key) for key in keys)


class _Writer:
    """Collects changed figures and one ChangeRecord per changed figure, then writes them in a few
    bulk statements (`flush`): a save costs the same number of queries for 3 communes or 500. The
    rows were locked and compared first (`_Fresh.lock`), so nobody can change them in between."""

    def __init__(
        self, *, user, month: dt.date, channel: str = "entry", via: str = "", workbook: WorkbookCounts | None = None
    ):
        self.user, self.month, self.changes, self.workbook = user, month, 0, workbook
        self.channel, self.via = channel, via
        self.now = timezone.now()
        self.records: list[ChangeRecord] = []
        self.populations: dict[str, list[Population]] = {"new": [], "changed": []}
        self.enrollments: dict[str, list[Enrollment]] = {"new": [], "changed": []}
        self.groups: dict[str, list[EnrollmentByGroup]] = {"new": [], "changed": [], "gone": []}

    def record(self, unit, field_: str, old, new, *, note: str = "", period: dt.date | None = None) -> None:
        if self.via:
            note = f"{self.via} · {note}" if note else self.via
        from_workbook = field_ == "enrolled" and self.workbook is not None and self.workbook.gave(unit.code, new)
        self.records.append(
            ChangeRecord(
                unit=unit,
                period=period or self.month,
                field=field_,
                old_value=old,
                new_value=new,
                note=note[:500],
                channel="workbook" if from_workbook else self.channel,
                user=self.user,
            )
        )
        self.changes += 1

    def flush(self) -> None:
        Population.objects.bulk_create(self.populations["new"])
        update_in_bulk(self.populations["changed"], ["population", "source", "entered_by", "entered_at"])
        Enrollment.objects.bulk_create(self.enrollments["new"])  # before their groups: they need the keys
        update_in_bulk(self.enrollments["changed"], ["enrolled", "note", "version", "entered_by", "entered_at"])
        EnrollmentByGroup.objects.filter(pk__in=[g.pk for g in self.groups["gone"]]).delete()
        EnrollmentByGroup.objects.bulk_create(self.groups["new"])
        update_in_bulk(self.groups["changed"], ["enrolled"])
        ChangeRecord.objects.bulk_create(self.records)

    def population(self, item: RowInput, stored: Population | None) -> None:
        value, source = item.values["population"], item.values["population_source"]
        if value is None or (
            item.values["enrolled"] is None and item.row.population and value == item.row.population.population
        ):
            return  # nothing typed for the month: do not carry the population into a new year
        year_start = dt.date(self.month.year, 1, 1)
        if stored is None:
            carried = item.row.population
            source = source or (f"{carried.source} (số năm {carried.year})" if carried else "")
            self.populations["new"].append(
                Population(
                    unit=item.row.unit,
                    year=self.month.year,
                    population=value,
                    source=source[:300],
                    entered_by=self.user,
                )
            )
            self.record(item.row.unit, "population", None, value, note=source, period=year_start)
        elif value != stored.population:
            old = stored.population
            stored.population, stored.entered_by, stored.entered_at = value, self.user, self.now
            stored.source = source or stored.source
            self.populations["changed"].append(stored)
            self.record(item.row.unit, "population", old, value, note=source, period=year_start)

    def enrollment(self, item: RowInput, stored: Enrollment | None, fresh_groups, groups) -> None:
        values, unit = item.values, item.row.unit
        if values["enrolled"] is None:
            return
        if stored is None:
            stored = Enrollment(
                unit=unit, month=self.month, enrolled=values["enrolled"], note=values["note"], entered_by=self.user
            )
            self.enrollments["new"].append(stored)
            self.record(unit, "enrolled", None, values["enrolled"], note=values["note"])
            self._groups(item, stored, {}, groups)
            return
        changed = False
        if values["enrolled"] != stored.enrolled or values["note"] != stored.note:
            self.record(unit, "enrolled", stored.enrolled, values["enrolled"], note=values["note"])
            stored.enrolled, stored.note, changed = values["enrolled"], values["note"], True
        changed |= self._groups(item, stored, fresh_groups.get(stored.pk, {}), groups)
        if changed:
            stored.version += 1
            stored.entered_by, stored.entered_at = self.user, self.now
            self.enrollments["changed"].append(stored)

    def _groups(self, item: RowInput, enrollment: Enrollment, stored: dict, groups) -> bool:
        changed = False
        for group in groups:
            new, old = item.values[f"g-{group.code}"], stored.get(group.code)
            if new == (old.enrolled if old else None):
                continue
            if new is None:
                self.groups["gone"].append(old)
            elif old is None:
                self.groups["new"].append(EnrollmentByGroup(enrollment=enrollment, group=group, enrolled=new))
            else:
                self.groups["changed"].append(old)
            self.record(item.row.unit, f"group:{group.code}", old.enrolled if old else None, new)
            if old is not None and new is not None:
                old.enrolled = new
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
