"""Who may see or change what: the one place that decides it.

Every view and form asks a user's Scope; nothing checks roles by hand.
A scope is a subtree of units: an officer's district (or province, or commune), a leader's or
staff member's unit, or the whole country when their assignment names no unit.
"""

from dataclasses import dataclass

from django.db import models
from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext as _

from .models import Assignment, Role, Unit


@dataclass(frozen=True)
class Scope:
    role: str | None
    root: Unit | None
    is_admin: bool
    is_authenticated: bool

    @classmethod
    def of(cls, user) -> "Scope":
        cached = getattr(user, "_coverage_scope", None)
        if cached is not None:
            return cached
        if not getattr(user, "is_authenticated", False):
            scope = cls(role=None, root=None, is_admin=False, is_authenticated=False)
        else:
            assignment = Assignment.objects.select_related("unit__parent").filter(user=user).first()
            scope = cls(
                role=assignment.role if assignment else None,
                root=assignment.unit if assignment else None,
                is_admin=user.is_superuser,
                is_authenticated=True,
            )
        try:
            user._coverage_scope = scope
        except AttributeError:
            pass
        return scope

    # -- reading -----------------------------------------------------------------------------
    @property
    def sees_everything(self) -> bool:
        return self.is_admin or (self.role in (Role.LEADER, Role.STAFF) and self.root is None)

    def _subtree(self) -> Q:
        return Q(pk=self.root.pk) | Q(parent=self.root.pk) | Q(parent__parent=self.root.pk)

    def filter_visible(self, units):
        if self.sees_everything:
            return units
        if self.role is None or self.root is None:
            return units.none()
        return units.filter(self._subtree())

    @property
    def reads_country_ranking(self) -> bool:
        """The provinces ranked against each other: sums per province, read by anyone with a role."""
        return self.is_admin or self.role is not None

    def can_view(self, unit: Unit) -> bool:
        if self.sees_everything:
            return True
        if self.role is None or self.root is None:
            return False
        return self._in_subtree(unit)

    def _in_subtree(self, unit: Unit) -> bool:
        root = self.root.pk
        if unit.pk == root or unit.parent_id == root:
            return True
        return unit.parent_id is not None and unit.parent.parent_id == root

    # -- changing ----------------------------------------------------------------------------
    def filter_editable(self, units):
        if self.is_admin:
            return units
        if self.role != Role.OFFICER or self.root is None:
            return units.none()
        return units.filter(self._subtree())

    def can_edit(self, unit: Unit) -> bool:
        """Enter monthly figures for this unit (or, for a district, for its communes)."""
        if self.is_admin:
            return True
        return self.role == Role.OFFICER and self.root is not None and self._in_subtree(unit)

    def can_reopen(self, unit: Unit) -> bool:
        """Reopen a closed month: leaders over the unit, and administrators."""
        return self.is_admin or (self.role == Role.LEADER and self.can_view(unit))

    def can_import(self, unit: Unit) -> bool:
        """Bring a workbook into a document's targets: staff over the unit, and administrators."""
        return self.is_admin or (self.role == Role.STAFF and self.can_view(unit))

    def reaches_into(self, unit: Unit) -> bool:
        """Sees the unit or part of it: a commune officer reaches into the commune's district and
        province, so the district's (or province's) entry page shows them their one commune."""
        if self.can_view(unit):
            return True
        if self.role is None or self.root is None:
            return False
        root = self.root
        return root.parent_id == unit.pk or (root.parent_id is not None and root.parent.parent_id == unit.pk)

    def can_view_document(self, document) -> bool:
        """A document is read by those who see its unit; a national one by everyone with a role
        (it sets every province's target)."""
        if document.scope.level == "country":
            return self.is_admin or self.role is not None
        return self.can_view(document.scope)

    def can_manage_documents(self, unit: Unit) -> bool:
        """Create a target document for the unit and set its targets: staff over it, and administrators."""
        return self.is_admin or (self.role == Role.STAFF and self.can_view(unit))

    def can_reopen_any(self) -> bool:
        return self.is_admin or self.role == Role.LEADER


class UnitEnded(Exception):
    """The code named, on the date asked for, a unit that had ended by then (and that the user sees
    or reaches into): the page says what carries it on instead of answering 404."""

    def __init__(self, unit: Unit):
        self.unit = unit
        super().__init__(unit.code)


def visible_unit_or_404(
    user, level: str, code: str, *, on=None, year=None, reach: bool = False, or_ended: bool = False
) -> Unit:
    """The unit a URL names, if this user may see it (with reach=True: if they see part of it, as
    a commune officer sees their commune's province on its entry page).

    With `on`, the unit in force that day; with or_ended=True, a code whose unit had ended by then
    raises UnitEnded (the entry pages of a month after a reform). An invisible unit answers 404,
    like a missing one, so a forged URL learns nothing.
    """
    unit = Unit.objects.for_url(level, code, on=on, year=year)
    scope = Scope.of(user)
    allowed = scope.reaches_into if reach else scope.can_view
    if unit is not None and on is None and year is None and not allowed(unit):
        # A reused code: today's unit is outside the user's scope, but an earlier unit with the
        # code may be theirs (a commune officer of 2021 opening /communes/03583/).
        unit = (
            scope.filter_visible(Unit.objects.filter(level=level, code=code))
            .order_by(models.F("valid_to").desc(nulls_first=True))
            .select_related("parent__parent")
            .first()
        )
    if unit is None and on is not None and or_ended:
        ended = (
            Unit.objects.filter(level=level, code=code, valid_to__lt=on)
            .order_by("-valid_to")
            .select_related("parent__parent")
            .first()
        )
        if ended is not None and allowed(ended):
            raise UnitEnded(ended)
    if unit is None or not allowed(unit):
        raise Http404(_("Không tìm thấy đơn vị hoặc bạn không có quyền xem."))
    return unit
