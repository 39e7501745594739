"""Who has which role over which unit."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .units import Unit


class Role(models.TextChoices):
    OFFICER = "officer", _("Cán bộ nhập liệu")
    LEADER = "leader", _("Lãnh đạo")
    STAFF = "staff", _("Chuyên viên")


class Assignment(models.Model):
    """A user's role and the unit it covers (none: the whole country)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, models.CASCADE, related_name="assignment")
    role = models.CharField(_("vai trò"), max_length=10, choices=Role.choices)
    unit = models.ForeignKey(Unit, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("địa bàn"))

    class Meta:
        verbose_name = _("phân quyền")
        verbose_name_plural = _("phân quyền")
        constraints = [
            models.CheckConstraint(condition=~Q(role="officer") | Q(unit__isnull=False), name="officer_has_a_unit"),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()} – {self.unit or _('toàn quốc')}"
