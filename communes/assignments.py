"""Assignments to units that ended: which they are, where the user's unit went, and moving one on."""

from django.contrib.admin.models import CHANGE, LogEntry
from django.db import transaction
from django.utils import timezone

from .models import Assignment, Unit
from .successors import successors_today


class NotASuccessor(ValueError):
    pass


@transaction.atomic
def move_assignment(*, assignment: Assignment, to: Unit, by) -> Assignment:
    """Point the assignment at one of its unit's successors in force today, and log who did it in
    the admin's own history (the change shows on the assignment's history page)."""
    assignment = Assignment.objects.select_for_update().get(pk=assignment.pk)
    if to.pk not in {unit.pk for unit in successors_today(assignment.unit)}:
        raise NotASuccessor(to)
    old = assignment.unit
    assignment.unit = to
    assignment.save(update_fields=["unit"])
    LogEntry.objects.log_actions(
        user_id=by.pk,
        queryset=[assignment],
        action_flag=CHANGE,
        change_message=f"Chuyển phân quyền từ {old} (đã kết thúc) sang {to}.",
        single_object=True,
    )
    return assignment


def ended_assignments() -> list[dict]:
    """Assignments to units that ended, each with the units that carry them on today."""
    today = timezone.localdate()
    assignments = Assignment.objects.filter(unit__valid_to__lt=today).select_related("user", "unit__parent")
    return [
        {"assignment": a, "successors": successors_today(a.unit, today=today)}
        for a in assignments.order_by("user__username")
    ]


def ended_root(root: Unit | None, on) -> dict | None:
    """A user's own unit when it no longer exists on that day, with today's units that carry it on."""
    if root is None or root.valid_to is None or root.valid_to >= on:
        return None
    return {"unit": root, "successors": successors_today(root)}
