"""Moving a user's assignment from a unit that ended to one that carries it on."""

from django.contrib.admin.models import CHANGE, LogEntry
from django.db import transaction

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
        user_id=by.pk, queryset=[assignment], action_flag=CHANGE,
        change_message=f"Chuyển phân quyền từ {old} (đã kết thúc) sang {to}.", single_object=True,
    )
    return assignment

