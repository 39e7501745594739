"""Where each role lands: the home page and the menu's entries, which gather every app's part
(the month to report, the dashboards, the documents, the assignments to move on)."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from communes.assignments import NotASuccessor, ended_assignments, ended_root, move_assignment
from communes.calendar import reporting_month
from communes.models import Assignment, Role, Unit
from communes.scope import Scope
from entry.tasks import entry_tasks
from reports.links import unit_url
from targets.models import TargetDocument


@login_required
def home(request):
    """Officers: the month to report. Leaders: their unit's dashboard. Staff: the documents and
    tables to download. Administrators: all of it, and the assignments to units that ended."""
    scope = Scope.of(request.user)
    month = reporting_month()
    ended = ended_root(scope.root, month)
    if scope.role == Role.LEADER and not scope.is_admin and ended is None:
        return redirect(unit_url(scope.root))
    documents = None
    if scope.role == Role.STAFF or scope.is_admin:
        documents = (
            TargetDocument.objects.visible_to(request.user)
            .select_related("scope__parent")
            .annotate(target_count=Count("targets"))
            .order_by("-issued_on", "-pk")[:20]
        )
    return render(
        request,
        "home.html",
        {
            "scope": scope,
            "month": month,
            "tasks": entry_tasks(request.user, month),
            "ended": ended,
            "documents": documents,
            "dashboard_url": unit_url(scope.root) if scope.role or scope.is_admin else None,
            "ended_assignments": ended_assignments() if scope.is_admin else [],
        },
    )


@login_required
def entry_home(request):
    """The menu's "Nhập số liệu": the grid of the month being reported (the home page when there
    are several, or none)."""
    scope = Scope.of(request.user)
    if scope.role != Role.OFFICER and not scope.is_admin:
        raise PermissionDenied(_("Chỉ cán bộ nhập liệu và quản trị viên nhập số liệu."))
    tasks = entry_tasks(request.user, reporting_month())
    if len(tasks) == 1:
        task = tasks[0]
        return redirect(task.url_name, code=task.area.code, month=f"{task.month:%Y-%m}")
    return redirect("home")


@login_required
def reports_home(request):
    """The menu's "Báo cáo": the dashboard of the user's own unit (the country's for national users)."""
    scope = Scope.of(request.user)
    if scope.role is None and not scope.is_admin:
        raise PermissionDenied(_("Tài khoản chưa được phân quyền địa bàn nào."))
    return redirect(unit_url(scope.root))


class MoveAssignmentForm(forms.Form):
    to = forms.ModelChoiceField(
        queryset=Unit.objects.all(),
        error_messages={
            "invalid_choice": gettext_lazy("Đơn vị không hợp lệ."),
            "required": gettext_lazy("Chọn đơn vị kế thừa."),
        },
    )


@login_required
@require_POST
def move_ended_assignment(request, pk: int):
    if not Scope.of(request.user).is_admin:
        raise PermissionDenied(_("Chỉ quản trị viên chuyển phân quyền."))
    assignment = get_object_or_404(Assignment.objects.select_related("user", "unit"), pk=pk)
    form = MoveAssignmentForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect("home")
    try:
        move_assignment(assignment=assignment, to=form.cleaned_data["to"], by=request.user)
    except NotASuccessor:
        messages.error(
            request,
            _("%(unit)s không phải đơn vị kế thừa của %(old)s: không chuyển.")
            % {"unit": form.cleaned_data["to"], "old": assignment.unit},
        )
        return redirect("home")
    messages.success(
        request,
        _("Đã chuyển phân quyền của %(user)s sang %(unit)s.")
        % {"user": assignment.user.get_full_name() or assignment.user.username, "unit": form.cleaned_data["to"]},
    )
    return redirect("home")
