"""Target documents (directives, plans, decisions), the targets they set, and what they print.

Targets keep pointing at the units the document named, even after those units merged: nothing
of an old document is rewritten.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from communes.models import Unit

RATE_VALIDATORS = [MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))]


def rate_field(verbose_name, **kwargs) -> models.DecimalField:
    return models.DecimalField(verbose_name, max_digits=5, decimal_places=2, validators=RATE_VALIDATORS, **kwargs)


def rate_in_range(field: str, name: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(**{f"{field}__isnull": True}) | Q(**{f"{field}__gte": 0, f"{field}__lte": 100}), name=name
    )


class DocumentKind(models.TextChoices):
    DIRECTIVE = "directive", _("Chỉ thị")
    PLAN = "plan", _("Kế hoạch")
    DECISION = "decision", _("Quyết định")
    RESOLUTION = "resolution", _("Nghị quyết")


class Comparison(models.TextChoices):
    AT_LEAST = "gte", "≥"
    MORE_THAN = "gt", ">"


class DocumentQuerySet(models.QuerySet):
    def visible_to(self, user) -> "DocumentQuerySet":
        """The documents a user may read: those of units they see, and every national one."""
        from communes.scope import Scope

        scope = Scope.of(user)
        if scope.sees_everything:
            return self
        if scope.role is None:
            return self.none()
        visible = scope.filter_visible(Unit.objects.all()).values("pk")
        return self.filter(Q(scope__in=visible) | Q(scope__level="country"))

    def mark_changed(self) -> int:
        """Date these documents as changed now: what a write to their targets calls (a loader that
        saves the document along with its targets has it dated by that save).

        A sync client reads a document with its targets, so a changed, added or removed target is a
        change of the document. Dating the document, rather than having the listing also look at its
        targets' times, is what sees a removed target (it leaves no row to look at), and keeps the
        listing's order on one column of one table."""
        return self.update(updated_at=timezone.now())


class TargetDocument(models.Model):
    kind = models.CharField(_("loại văn bản"), max_length=12, choices=DocumentKind.choices)
    number = models.CharField(_("số hiệu"), max_length=40, help_text=_("ví dụ 05-CT/HU"))
    issued_on = models.DateField(_("ngày ban hành"))
    issuer = models.CharField(_("cơ quan ban hành"), max_length=200)
    signer = models.CharField(_("người ký"), max_length=120, blank=True)
    title = models.CharField(_("trích yếu"), max_length=400)
    scope = models.ForeignKey(Unit, models.PROTECT, related_name="documents", verbose_name=_("địa bàn"))
    annex_title = models.CharField(_("tiêu đề phụ lục"), max_length=300, blank=True)
    note = models.TextField(_("ghi chú"), blank=True)
    first_year = models.PositiveSmallIntegerField(_("từ năm"), null=True, blank=True)
    last_year = models.PositiveSmallIntegerField(_("đến năm"), null=True, blank=True)
    is_synthetic = models.BooleanField(_("dữ liệu mô phỏng"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("người nhập")
    )
    created_at = models.DateTimeField(_("nhập lúc"), null=True, blank=True, auto_now_add=True)
    # The last change to the document or to any of its targets (`DocumentQuerySet.mark_changed`):
    # what the API's incremental sync reads.
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True, db_index=True)

    objects = DocumentQuerySet.as_manager()

    class Meta:
        verbose_name = _("văn bản chỉ tiêu")
        verbose_name_plural = _("văn bản chỉ tiêu")
        ordering = ["-issued_on"]
        constraints = [
            models.UniqueConstraint(fields=["number", "issued_on"], name="document_number_once"),
            models.CheckConstraint(
                condition=Q(first_year__isnull=True)
                | Q(last_year__isnull=True)
                | Q(last_year__gte=models.F("first_year")),
                name="document_years_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind_label} {self.number} ({self.issued_on:%d/%m/%Y})"

    @property
    def kind_label(self) -> str:
        """get_kind_display's answer, without its dict of every choice built anew on each call: a
        national ranking names a document on each of its 34 rows."""
        try:
            return str(DocumentKind(self.kind).label)
        except ValueError:
            return str(self.kind)

    @property
    def years(self) -> list[int]:
        """The years the document sets targets for, as entered (or as its targets say)."""
        if self.first_year and self.last_year:
            return list(range(self.first_year, self.last_year + 1))
        return sorted(set(self.targets.values_list("year", flat=True)))


class TargetQuerySet(models.QuerySet):
    def for_year(self, year: int) -> "TargetQuerySet":
        return self.filter(year=year)

    def for_units(self, units) -> "TargetQuerySet":
        return self.filter(unit__in=units)


class Target(models.Model):
    """A coverage rate a document sets for a unit and year; for annex rows, the plan as printed."""

    document = models.ForeignKey(TargetDocument, models.CASCADE, related_name="targets")
    unit = models.ForeignKey(Unit, models.PROTECT, related_name="targets")
    year = models.PositiveSmallIntegerField(_("năm"))
    rate = rate_field(_("tỷ lệ bao phủ (%)"))
    comparison = models.CharField(max_length=3, choices=Comparison.choices, default=Comparison.AT_LEAST)
    planned_population = models.PositiveIntegerField(_("dân số kế hoạch"), null=True, blank=True)
    planned_enrolled = models.PositiveIntegerField(_("số người tham gia kế hoạch"), null=True, blank=True)
    row_number = models.PositiveSmallIntegerField(_("TT"), null=True, blank=True)
    printed_name = models.CharField(_("tên như in"), max_length=100, blank=True)
    wording = models.CharField(_("nguyên văn"), max_length=300, blank=True)
    # Bulk writes (`bulk_update`, `update_in_bulk`) set it themselves: only `save()` fires auto_now.
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True, db_index=True)

    objects = TargetQuerySet.as_manager()

    class Meta:
        verbose_name = _("chỉ tiêu")
        verbose_name_plural = _("chỉ tiêu")
        ordering = ["document", "year", "row_number"]
        constraints = [
            models.UniqueConstraint(fields=["document", "unit", "year"], name="target_once_per_document"),
            rate_in_range("rate", "target_rate_0_100"),
            models.CheckConstraint(
                condition=Q(planned_population__isnull=True) | Q(planned_population__gte=0),
                name="target_population_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(planned_enrolled__isnull=True) | Q(planned_enrolled__gte=0),
                name="target_enrolled_not_negative",
            ),
        ]
        indexes = [models.Index(fields=["unit", "year"], name="target_unit_year_idx")]

    def __str__(self) -> str:
        return f"{self.unit} {self.year}: {self.get_comparison_display()} {self.rate}%"


class FigureKind(models.TextChoices):
    YEAR_RESULT = "year_result", _("Kết quả thực hiện năm")
    TOTAL_ROW = "total_row", _("Dòng tổng cộng")
    SNAPSHOT = "snapshot", _("Số liệu tại một ngày")


class ReportedFigure(models.Model):
    """A figure a document prints, kept exactly as printed so it can be checked against the counts.

    The annex's 2021 results, its total rows (partly garbled), and district figures reported
    without a commune breakdown (Lục Ngạn: above 99% in 6/2021, 87,21% on 24/7/2021).
    """

    document = models.ForeignKey(TargetDocument, models.CASCADE, related_name="figures")
    unit = models.ForeignKey(Unit, models.PROTECT, related_name="reported_figures")
    kind = models.CharField(max_length=12, choices=FigureKind.choices)
    year = models.PositiveSmallIntegerField(_("năm"))
    is_plan = models.BooleanField(default=False, help_text=_("dòng tổng của phần kế hoạch"))
    as_of = models.DateField(_("tại ngày"), help_text=_("ngày cuối năm cho số liệu cả năm"))
    population = models.PositiveIntegerField(_("dân số"), null=True, blank=True)
    enrolled = models.PositiveIntegerField(_("số người tham gia"), null=True, blank=True)
    rate = rate_field(_("tỷ lệ in (%)"), null=True, blank=True)
    comparison = models.CharField(max_length=3, choices=Comparison.choices, blank=True)
    printed_name = models.CharField(_("tên như in"), max_length=100, blank=True)
    row_number = models.PositiveSmallIntegerField(null=True, blank=True)
    wording = models.CharField(_("nguyên văn"), max_length=300, blank=True)
    garbled = models.BooleanField(_("bản in bị hỏng"), default=False)

    class Meta:
        verbose_name = _("số liệu văn bản nêu")
        verbose_name_plural = _("số liệu văn bản nêu")
        ordering = ["document", "kind", "year", "row_number"]
        constraints = [
            models.UniqueConstraint(fields=["document", "unit", "kind", "is_plan", "as_of"], name="figure_once"),
            rate_in_range("rate", "figure_rate_0_100"),
        ]

    def __str__(self) -> str:
        return f"{self.document.number} {self.printed_name or self.unit} {self.year}"


class Cohort(models.Model):
    """People a policy shock hit, whom a directive tracks (46.106 who lost free cards in 7/2021)."""

    document = models.ForeignKey(TargetDocument, models.CASCADE, related_name="cohorts")
    name = models.CharField(_("tên"), max_length=300)
    size = models.PositiveIntegerField(_("số người"), help_text=_("như văn bản nêu"))
    since = models.DateField(_("từ ngày"))

    class Meta:
        verbose_name = _("nhóm bị ảnh hưởng")
        verbose_name_plural = _("nhóm bị ảnh hưởng")

    def __str__(self) -> str:
        return self.name


class CohortPart(models.TextChoices):
    PUPILS = "pupils", _("Học sinh chuyển sang BHYT học sinh")
    HOUSEHOLDS = "households", _("Người dân khác chuyển sang BHYT hộ gia đình")


class CohortSubTarget(models.Model):
    cohort = models.ForeignKey(Cohort, models.CASCADE, related_name="sub_targets")
    part = models.CharField(max_length=12, choices=CohortPart.choices)
    rate = rate_field(_("tỷ lệ (%)"))
    comparison = models.CharField(max_length=3, choices=Comparison.choices)
    by = models.DateField(_("hạn"), null=True, blank=True)
    wording = models.CharField(_("nguyên văn"), max_length=300, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["cohort", "part"], name="cohort_part_once"),
            rate_in_range("rate", "cohort_rate_0_100"),
        ]

    def __str__(self) -> str:
        return f"{self.get_part_display()} {self.get_comparison_display()} {self.rate}%"


class CohortCommune(models.Model):
    """A commune the cohort lives in, with its share of the cohort (entered once)."""

    cohort = models.ForeignKey(Cohort, models.CASCADE, related_name="communes")
    unit = models.ForeignKey(Unit, models.PROTECT, related_name="cohort_memberships")
    affected = models.PositiveIntegerField(_("số người bị ảnh hưởng"), null=True, blank=True)
    affected_pupils = models.PositiveIntegerField(_("trong đó học sinh"), null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["cohort", "unit"], name="cohort_commune_once"),
            models.CheckConstraint(
                condition=Q(affected_pupils__isnull=True)
                | Q(affected__isnull=True)
                | Q(affected_pupils__lte=models.F("affected")),
                name="cohort_pupils_within_affected",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cohort} – {self.unit}"


class CohortProgress(models.Model):
    """How many of a commune's affected people had re-enrolled by the end of a month."""

    member = models.ForeignKey(CohortCommune, models.CASCADE, related_name="progress")
    month = models.DateField()
    pupils = models.PositiveIntegerField(_("học sinh đã tham gia lại"), null=True, blank=True)
    households = models.PositiveIntegerField(_("người dân đã tham gia lại theo hộ"), null=True, blank=True)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+")
    entered_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["member", "month"], name="cohort_progress_once")]

    def __str__(self) -> str:
        return f"{self.member} {self.month:%m/%Y}"
