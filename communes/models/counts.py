"""Populations and enrolled counts, with the payer-group breakdown of a count."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .units import Unit


class CountQuerySet(models.QuerySet):
    def for_units(self, units) -> "CountQuerySet":
        return self.filter(unit__in=units)


class Population(models.Model):
    """A unit's population for a year, with where the figure comes from."""

    unit = models.ForeignKey(Unit, models.PROTECT, related_name="populations")
    year = models.PositiveSmallIntegerField(_("năm"), validators=[MinValueValidator(1900), MaxValueValidator(2100)])
    population = models.PositiveIntegerField(_("dân số"))
    source = models.CharField(_("nguồn"), max_length=300, blank=True)
    as_of = models.DateField(_("số liệu tại ngày"), null=True, blank=True)
    is_synthetic = models.BooleanField(default=False)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+")
    entered_at = models.DateTimeField(_("nhập lúc"), auto_now=True)

    objects = CountQuerySet.as_manager()

    class Meta:
        verbose_name = _("dân số")
        verbose_name_plural = _("dân số")
        constraints = [
            models.UniqueConstraint(fields=["unit", "year"], name="population_once_per_year"),
            models.CheckConstraint(condition=Q(population__gte=0), name="population_not_negative"),
        ]
        indexes = [models.Index(fields=["year", "unit"], name="population_year_unit_idx")]

    def __str__(self) -> str:
        return f"{self.unit} {self.year}: {self.population}"


class Enrollment(models.Model):
    """People holding a valid BHYT card in a unit at the end of a month: a stock, not a flow."""

    unit = models.ForeignKey(Unit, models.PROTECT, related_name="enrollments")
    month = models.DateField(_("tháng"), help_text=_("ngày đầu tháng"))
    enrolled = models.PositiveIntegerField(_("số người tham gia BHYT"))
    note = models.CharField(_("ghi chú"), max_length=500, blank=True)
    source = models.CharField(_("nguồn"), max_length=300, blank=True)
    is_synthetic = models.BooleanField(default=False)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+")
    entered_at = models.DateTimeField(_("nhập lúc"), auto_now=True)
    version = models.PositiveIntegerField(default=1, help_text=_("tăng mỗi lần sửa; chống ghi đè lẫn nhau"))

    objects = CountQuerySet.as_manager()

    class Meta:
        verbose_name = _("số người tham gia")
        verbose_name_plural = _("số người tham gia")
        constraints = [
            models.UniqueConstraint(fields=["unit", "month"], name="enrollment_once_per_month"),
            models.CheckConstraint(condition=Q(enrolled__gte=0), name="enrollment_not_negative"),
        ]
        indexes = [
            # A unit's months of a year, with their counts and synthetic flags (a dashboard's
            # comparisons and projections): an index-only scan per commune on PostgreSQL, not a
            # scan of the whole year's rows nor a visit to each row.
            models.Index(
                fields=["unit", "-month"], include=["enrolled", "is_synthetic"], name="enrollment_unit_month_idx"
            ),
            models.Index(fields=["month"], name="enrollment_month_idx"),
            # A year's last month per unit for every commune at once (national rankings): an
            # index-only range scan on PostgreSQL (INCLUDE is ignored elsewhere).
            models.Index(fields=["month", "unit"], include=["enrolled"], name="enrollment_month_unit_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.month:%m/%Y}: {self.enrolled}"


class PayerGroup(models.Model):
    """A group of participants by who pays (Law on Health Insurance art. 12); data, since laws change it."""

    code = models.CharField(_("mã"), max_length=20, unique=True)
    name = models.CharField(_("tên"), max_length=200)
    order = models.PositiveSmallIntegerField(default=0)
    legal_basis = models.CharField(_("căn cứ"), max_length=200, blank=True)
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True)

    class Meta:
        verbose_name = _("nhóm đối tượng")
        verbose_name_plural = _("nhóm đối tượng")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name


class EnrollmentByGroup(models.Model):
    enrollment = models.ForeignKey(Enrollment, models.CASCADE, related_name="by_group")
    group = models.ForeignKey(PayerGroup, models.PROTECT, related_name="+")
    enrolled = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["enrollment", "group"], name="group_count_once"),
            models.CheckConstraint(condition=Q(enrolled__gte=0), name="group_count_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.group}: {self.enrolled}"
