"""Who has reported a month, on time or late, and who has not yet: each commune with the officers
who enter its figures (the commune's own, else those of the unit above it) and a ready e-mail."""

import datetime as dt
from urllib.parse import quote

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db.models import Min
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from communes.calendar import closing_time, reporting_month
from communes.models import Assignment, ChangeRecord, Enrollment, Level, Role, Unit
from communes.periods import add_months
from communes.scope import Scope, UnitEnded, visible_unit_or_404
from reports import formatting

from .areas import URL_NAMES, ended_page, month_or_404


@login_required
def district_completeness(request, code: str, month: str):
    return _completeness(request, Level.DISTRICT, code, month)


@login_required
def province_completeness(request, code: str, month: str):
    return _completeness(request, Level.PROVINCE, code, month)


def _completeness(request, level: str, code: str, month_text: str):
    month = month_or_404(month_text)
    try:
        area = visible_unit_or_404(request.user, level, code, on=month, reach=True, or_ended=True)
    except UnitEnded as ended:
        return ended_page(request, ended.unit, month, "completeness")
    communes = Scope.of(request.user).filter_visible(Unit.objects.communes().within(area).in_force(month))
    communes = list(communes.select_related("parent__parent").order_by("code"))
    deadline = closing_time(month)
    last_day = timezone.localtime(deadline - dt.timedelta(seconds=1))
    enrollments = {e.unit_id: e for e in Enrollment.objects.filter(unit__in=communes, month=month)}
    first = dict(
        ChangeRecord.objects.filter(unit__in=communes, period=month, field="enrolled")
        .values("unit")
        .annotate(first=Min("at"))
        .values_list("unit", "first")
    )
    officers = officers_of(communes)
    entry_url = request.build_absolute_uri(reverse(URL_NAMES[level], args=[area.code, f"{month:%Y-%m}"]))
    rows = []
    for unit in communes:
        enrollment = enrollments.get(unit.pk)
        reported_at = first.get(unit.pk) or (enrollment.entered_at if enrollment else None)
        state = "missing" if enrollment is None else ("on_time" if reported_at < deadline else "late")
        people, source = officers.get(unit.pk, ([], None))
        rows.append(
            {
                "unit": unit,
                "enrollment": enrollment,
                "reported_at": reported_at,
                "state": state,
                "officers": people,
                "officers_of": source if source != unit else None,
                "mailto": _mailto([p.email for p in people], unit=unit, month=month, last_day=last_day, url=entry_url)
                if state == "missing"
                else "",
            }
        )
    missing = [r for r in rows if r["state"] == "missing"]
    summary = {s: sum(1 for r in rows if r["state"] == s) for s in ("on_time", "late", "missing")}
    everyone = sorted({p.email for r in missing for p in r["officers"] if p.email})
    return render(
        request,
        "entry/entry_completeness.html",
        {
            "area": area,
            "month": month,
            "rows": rows,
            "missing": missing,
            "summary": summary,
            "last_day": last_day,
            "closes_at": deadline,
            "close_days": settings.ENTRY_CLOSE_DAYS,
            "days_left": (last_day.date() - timezone.localdate()).days,
            "is_reporting_month": month == reporting_month(),
            "mailto_all": _mailto(everyone, unit=None, month=month, last_day=last_day, url=entry_url)
            if everyone
            else "",
            "url_name": "completeness" if level == Level.DISTRICT else "province_completeness",
            "entry_url_name": URL_NAMES[level],
            "previous_month": add_months(month, -1),
            "next_month": add_months(month, 1),
        },
    )


def officers_of(communes: list[Unit]) -> dict[int, tuple[list, Unit]]:
    """Commune → (the active officers who enter its figures, the unit they are assigned to).

    A commune without an officer of its own is reported by the officers of the unit above it (the
    province since 7/2025, the district before), then of the province above that."""
    chains = {
        c.pk: [u for u in (c, c.parent, c.parent.parent if c.parent else None) if u is not None] for c in communes
    }
    units = {u.pk for chain in chains.values() for u in chain}
    by_unit: dict[int, list] = {}
    assignments = Assignment.objects.filter(role=Role.OFFICER, unit__in=units, user__is_active=True)
    for assignment in assignments.select_related("user").order_by("user__last_name", "user__username"):
        by_unit.setdefault(assignment.unit_id, []).append(assignment.user)
    out = {}
    for pk, chain in chains.items():
        for unit in chain:
            if by_unit.get(unit.pk):
                out[pk] = (by_unit[unit.pk], unit)
                break
    return out


def _mailto(addresses: list[str], *, unit: Unit | None, month: dt.date, last_day: dt.datetime, url: str) -> str:
    addresses = [a for a in addresses if a]
    if not addresses:
        return ""
    values = {
        "month": formatting.fmt_month(month),
        "deadline": last_day.strftime("%d/%m/%Y"),
        "url": url,
        "unit": unit.full_name if unit else "",
    }
    if unit is not None:
        subject = _("Báo cáo số người tham gia BHYT tháng %(month)s – %(unit)s") % values
        body = (
            _(
                "Đề nghị gửi số người tham gia BHYT tháng %(month)s của %(unit)s trước hết ngày %(deadline)s, "
                "nhập tại: %(url)s"
            )
            % values
        )
    else:
        subject = _("Báo cáo số người tham gia BHYT tháng %(month)s") % values
        body = (
            _(
                "Đề nghị các xã chưa báo cáo gửi số người tham gia BHYT tháng %(month)s trước hết ngày "
                "%(deadline)s, nhập tại: %(url)s"
            )
            % values
        )
    recipients = ",".join(quote(a, safe="@.+-_") for a in addresses)
    return f"mailto:{recipients}?subject={quote(subject)}&body={quote(body)}"
