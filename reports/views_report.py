"""The monthly report as a Word download: /provinces/<code>/report/<YYYY-MM>.docx and the district's."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_safe

from communes.calendar import last_ended_month
from communes.periods import month_end
from communes.scope import visible_unit_or_404

from .monthly_report import DOCX_CONTENT_TYPE, monthly_report, report_filename
from .report_months import MalformedMonth, month_refusal, parse_report_month


@login_required
@require_safe
def monthly_report_docx(request, code: str, month: str, level: str):
    try:
        parsed = parse_report_month(month)
    except MalformedMonth as error:
        visible_unit_or_404(request.user, level, code)  # a unit one may not see stays a 404
        return _refused(request, None, str(error), status=400)
    unit = _unit(request.user, level, code, parsed)
    refusal = month_refusal(unit, parsed, last_ended=last_ended_month())
    if refusal:
        return _refused(request, unit, refusal, status=404)
    response = HttpResponse(monthly_report(unit, parsed, today=timezone.localdate()), content_type=DOCX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, report_filename(unit, parsed))
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _unit(user, level: str, code: str, month):
    """The unit bearing the code during the month; else the code's unit of today (or its last), so
    that the page can say it had ended or not yet begun."""
    try:
        return visible_unit_or_404(user, level, code, on=month_end(month))
    except Http404:
        return visible_unit_or_404(user, level, code)


def _refused(request, unit, message: str, *, status: int):
    return render(request, "reports/report_refused.html", {"unit": unit, "message": message}, status=status)
