"""Administrative units over time, their populations and enrolled counts, and who may see them.

A unit is identified by its own key, never by its official code alone: since 01/7/2025 merged
units reuse a predecessor's code (07537 was xã Phong Vân, then xã Biên Sơn), so a code resolves
to a unit only at a date.
"""

import datetime as dt

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import OuterRef, Q, Subquery
from django.utils.translation import gettext_lazy as _

from .names import name_key


class Level(models.TextChoices):
    # The country is a unit of its own so that a national document can name it as its scope and
    # set the country's rate; provinces are not its children (the tree stays province → commune).
    COUNTRY = "country", _("Toàn quốc")
    PROVINCE = "province", _("Tỉnh")
    DISTRICT = "district", _("Huyện")
    COMMUNE = "commune", _("Xã")


class UnitQuerySet(models.QuerySet):
    def in_force(self, on: dt.date) -> "UnitQuerySet":
        return self.filter(
            Q(valid_from__isnull=True) | Q(valid_from__lte=on),
            Q(valid_to__isnull=True) | Q(valid_to__gte=on),
        )

    def in_force_during(self, start: dt.date, end: dt.date) -> "UnitQuerySet":
        """Units that existed on at least one day between start and end."""
        return self.filter(
            Q(valid_from__isnull=True) | Q(valid_from__lte=end),
            Q(valid_to__isnull=True) | Q(valid_to__gte=start),
        )

    def country(self) -> "Unit | None":
        """The unit national documents name as their scope (one per database)."""
        return self.filter(level=Level.COUNTRY).first()

    def provinces(self) -> "UnitQuerySet":
        return self.filter(level=Level.PROVINCE)

    def districts(self) -> "UnitQuerySet":
        return self.filter(level=Level.DISTRICT)

    def communes(self) -> "UnitQuerySet":
        return self.filter(level=Level.COMMUNE)

    def within(self, unit: "Unit") -> "UnitQuerySet":
        """The unit and everything below it (the tree is at most three levels deep: a district has
        communes, a province districts and, since 2025, communes of its own).

        Written per level: an OR through the parent's join made PostgreSQL read every unit of the
        country (2,7 ms for a 30-commune district); a district's is now two index reads (0,07 ms)."""
        if unit.level == Level.COUNTRY:
            return self
        if unit.level == Level.COMMUNE:
            return self.filter(pk=unit.pk)
        itself_or_child = Q(pk=unit.pk) | Q(parent_id=unit.pk)
        if unit.level == Level.DISTRICT:
            return self.filter(itself_or_child)
        children = Unit.objects.filter(parent_id=unit.pk).values("pk")
        return self.filter(itself_or_child | Q(parent_id__in=children))

    def visible_to(self, user) -> "UnitQuerySet":
        from .scope import Scope

        return Scope.of(user).filter_visible(self)

    def editable_by(self, user) -> "UnitQuerySet":
        from .scope import Scope

        return Scope.of(user).filter_editable(self)

    def with_year_figures(self, year: int) -> "UnitQuerySet":
        """Annotate each unit with its population for the year and its enrolled count at the last
        month of the year that has one (enrolled is a stock: the year's value is its last month's)."""
        population = Population.objects.filter(unit=OuterRef("pk"), year=year)
        last = Enrollment.objects.filter(
            unit=OuterRef("pk"), month__gte=dt.date(year, 1, 1), month__lte=dt.date(year, 12, 1)
        ).order_by("-month")
        return self.annotate(
            population_value=Subquery(population.values("population")[:1]),
            population_source=Subquery(population.values("source")[:1]),
            enrolled_value=Subquery(last.values("enrolled")[:1]),
            enrolled_month=Subquery(last.values("month")[:1]),
        )

    def with_month_figures(self, month: dt.date) -> "UnitQuerySet":
        """Annotate each unit with the population of the month's year and the month's enrolled count."""
        population = Population.objects.filter(unit=OuterRef("pk"), year=month.year)
        enrolled = Enrollment.objects.filter(unit=OuterRef("pk"), month=month)
        return self.annotate(
            population_value=Subquery(population.values("population")[:1]),
            population_source=Subquery(population.values("source")[:1]),
            enrolled_value=Subquery(enrolled.values("enrolled")[:1]),
            enrolled_month=Subquery(enrolled.values("month")[:1]),
        )

    def for_url(self, level: str, code: str, *, on: dt.date | None = None, year: int | None = None) -> "Unit | None":
        """The unit a URL's code means: in force on `on`, else the one of `year` (its last version),
        else the one in force today, else the most recent that bore the code."""
        units = self.filter(level=level, code=code).select_related("parent__parent")
        if on is not None:
            return units.in_force(on).first()
        if year is not None:
            return units.in_force_during(dt.date(year, 1, 1), dt.date(year, 12, 31)).order_by(
                models.F("valid_to").desc(nulls_first=True)
            ).first()
        return units.in_force(dt.date.today()).first() or units.order_by(
            models.F("valid_to").desc(nulls_first=True)
        ).first()

    def resolve(self, level: str, code: str, on: dt.date | None = None) -> "Unit | None":
        """The unit that bore `code` at `on` (today by default)."""
        on = on or dt.date.today()
        return self.filter(level=level, code=code).in_force(on).select_related("parent").first()


class Unit(models.Model):
    level = models.CharField(_("cấp"), max_length=10, choices=Level.choices)
    kind = models.CharField(_("loại"), max_length=20, help_text=_("Tỉnh, Huyện, Thị xã, Xã, Thị trấn, Phường…"))
    code = models.CharField(_("mã"), max_length=10, help_text=_("mã của Tổng cục Thống kê"))
    name = models.CharField(_("tên"), max_length=100, help_text=_("không kèm loại, Unicode NFC"))
    parent = models.ForeignKey(
        "self", models.PROTECT, null=True, blank=True, related_name="children", verbose_name=_("trực thuộc")
    )
    valid_from = models.DateField(_("hiệu lực từ"), null=True, blank=True)
    valid_to = models.DateField(_("hiệu lực đến"), null=True, blank=True, help_text=_("ngày cuối cùng"))
    is_synthetic = models.BooleanField(_("dữ liệu mô phỏng"), default=False)
    source = models.CharField(_("nguồn"), max_length=300, blank=True)
    predecessors_outside = models.CharField(
        _("tiền thân ngoài dữ liệu"),
        max_length=300,
        blank=True,
        help_text=_("đơn vị tiền thân không có trong cổng: lịch sử cộng dồn sẽ thiếu phần của họ"),
    )

    objects = UnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("đơn vị hành chính")
        verbose_name_plural = _("đơn vị hành chính")
        ordering = ["level", "code", "valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["level", "code", "valid_from"], name="unit_code_once_per_start"),
            models.UniqueConstraint(
                fields=["level", "code"], condition=Q(valid_to__isnull=True), name="unit_code_once_in_force"
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_from__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="unit_valid_period_ordered",
            ),
        ]
        indexes = [
            models.Index(fields=["level", "code"], name="unit_level_code_idx"),
            models.Index(fields=["parent", "level"], name="unit_parent_level_idx"),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return self.name if self.level == Level.COUNTRY else f"{self.kind} {self.name}"

    def in_force_on(self, on: dt.date) -> bool:
        return (self.valid_from is None or self.valid_from <= on) and (self.valid_to is None or on <= self.valid_to)

    @property
    def is_current(self) -> bool:
        return self.in_force_on(dt.date.today())


class UnitAlias(models.Model):
    """Another spelling of a unit met in a document ("Niệm Xe" for Nậm Xe)."""

    unit = models.ForeignKey(Unit, models.CASCADE, related_name="aliases")
    name = models.CharField(_("cách viết"), max_length=100)
    key = models.CharField(max_length=100, editable=False)
    source = models.CharField(_("gặp trong"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("tên gọi khác")
        verbose_name_plural = _("tên gọi khác")
        constraints = [models.UniqueConstraint(fields=["unit", "key"], name="alias_once_per_unit")]
        indexes = [models.Index(fields=["key"], name="alias_key_idx")]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.key = name_key(self.name)
        super().save(*args, **kwargs)


class UnitSuccession(models.Model):
    """What became of a unit: merged whole into a successor, or split with a part going there."""

    predecessor = models.ForeignKey(Unit, models.CASCADE, related_name="successions")
    successor = models.ForeignKey(Unit, models.CASCADE, related_name="predecessions")
    effective_on = models.DateField(_("từ ngày"))
    whole = models.BooleanField(
        _("nhập toàn bộ"), default=True, help_text=_("Sai khi chỉ một phần đơn vị chuyển sang (chia tách).")
    )
    note = models.CharField(_("ghi chú"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("kế thừa đơn vị")
        verbose_name_plural = _("kế thừa đơn vị")
        constraints = [
            models.UniqueConstraint(fields=["predecessor", "successor"], name="succession_once"),
            models.CheckConstraint(condition=~Q(predecessor=models.F("successor")), name="succession_not_self"),
        ]

    def __str__(self) -> str:
        return f"{self.predecessor} → {self.successor} ({self.effective_on:%d/%m/%Y})"


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
            models.Index(fields=["unit", "-month"], name="enrollment_unit_month_idx"),
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


class AppendOnlyQuerySet(models.QuerySet):
    """Bulk edits of the audit trail are refused too, not only a row's save() and delete()."""

    def update(self, **kwargs):
        raise ValueError("The change log is append-only.")

    def delete(self):
        raise ValueError("The change log is append-only.")

    def bulk_update(self, objs, fields, batch_size=None):
        raise ValueError("The change log is append-only.")


class ChangeRecord(models.Model):
    """One changed figure: who, when, old → new, why. Written once, never edited."""

    unit = models.ForeignKey(Unit, models.PROTECT, related_name="changes")
    period = models.DateField(_("kỳ"), help_text=_("tháng (ngày đầu) hoặc năm (1/1)"))
    field = models.CharField(_("chỉ tiêu"), max_length=60)
    old_value = models.BigIntegerField(_("giá trị cũ"), null=True, blank=True)
    new_value = models.BigIntegerField(_("giá trị mới"), null=True, blank=True)
    note = models.CharField(_("ghi chú"), max_length=500, blank=True)
    channel = models.CharField(_("kênh"), max_length=20, default="entry")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, related_name="+")
    at = models.DateTimeField(_("lúc"), auto_now_add=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("lịch sử thay đổi")
        verbose_name_plural = _("lịch sử thay đổi")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["unit", "period"], name="change_unit_period_idx")]

    def __str__(self) -> str:
        return f"{self.unit} {self.period:%m/%Y} {self.field}: {self.old_value} → {self.new_value}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("The change log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("The change log is append-only.")


class MonthReopening(models.Model):
    """A leader or administrator reopened a closed month for a unit's officers."""

    unit = models.ForeignKey(Unit, models.CASCADE, related_name="reopenings")
    month = models.DateField()
    until = models.DateTimeField(_("mở đến"))
    reason = models.CharField(_("lý do"), max_length=300, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["unit", "month"], name="reopening_unit_month_idx")]

    def __str__(self) -> str:
        return f"{self.unit} {self.month:%m/%Y} → {self.until:%d/%m/%Y %H:%M}"


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
            models.CheckConstraint(
                condition=~Q(role="officer") | Q(unit__isnull=False), name="officer_has_a_unit"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()} – {self.unit or _('toàn quốc')}"



class MonthlyRollup(models.Model):
    """Σ over a unit's children, per month: what `reports.series.monthly_sums` computes for
    `Unit.objects.filter(parent=…)`, kept so that national rankings read ~700 × 48 sums instead of
    aggregating half a million enrolled counts on every request.

    Derived data, never edited by hand: database triggers (migration 0003) append every changed
    (parent, year) to `RollupPending` in the writing transaction, whatever wrote it (the entry grid,
    an import, the admin, a bulk load, a restore), and `communes.rollup.refresh` recomputes those
    before any read. A save therefore shows on the next page, with no cache to expire.
    """

    parent = models.ForeignKey(Unit, models.CASCADE, related_name="+")
    month = models.DateField()
    enrolled = models.BigIntegerField()
    population = models.BigIntegerField()
    reported = models.PositiveIntegerField(help_text=_("số đơn vị có cả số tham gia và dân số của năm"))
    synthetic = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["parent", "month"], name="rollup_once_per_parent_month")]
        indexes = [models.Index(fields=["month", "parent"], name="rollup_month_parent_idx")]

    def __str__(self) -> str:
        return f"{self.parent_id} {self.month:%m/%Y}: {self.enrolled}/{self.population}"


class RollupPending(models.Model):
    """A roll-up out of date; written only by the triggers. A changed count or population names
    its unit, whose parent is looked up when the roll-up is refreshed (the parent may change before
    the count's transaction commits); a unit moved to another parent names both parents, year 0 for
    every year. Append-only on purpose: a writer never skips its row because another is pending,
    since a concurrent refresh may be removing that one."""

    unit_id = models.BigIntegerField(null=True)
    parent_id = models.BigIntegerField(null=True)
    year = models.PositiveIntegerField()

    def __str__(self) -> str:
        return f"{self.unit_id or ''}→{self.parent_id or ''} {self.year or '*'}"
