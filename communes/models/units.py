"""Administrative units over time.

A unit is identified by its own key, never by its official code alone: since 01/7/2025 merged
units reuse a predecessor's code (07537 was xã Phong Vân, then xã Biên Sơn), so a code resolves
to a unit only at a date.
"""

import datetime as dt

from django.db import models
from django.db.models import OuterRef, Q, Subquery
from django.utils.translation import gettext_lazy as _

from ..names import name_key


class Level(models.TextChoices):
    # The country is a unit of its own so that a national document can name it as its scope and
    # set the country's rate; provinces are not its children (the tree stays province → commune).
    COUNTRY = "country", _("Toàn quốc")
    PROVINCE = "province", _("Tỉnh")
    DISTRICT = "district", _("Huyện")
    COMMUNE = "commune", _("Xã")


_COMPLETE_SUMS = ("population", "enrolled", "reported", "expected", "as_of")


def _complete_sums(*, prefix: str = "", within: Q | None = None) -> dict:
    """The aggregates of `UnitQuerySet.complete_sums`, over the units `within` selects (all of them
    by default), named with a prefix."""
    complete = Q(population_value__isnull=False, enrolled_value__isnull=False)
    if within is not None:
        complete &= within
    return {
        f"{prefix}population": models.Sum("population_value", filter=complete),
        f"{prefix}enrolled": models.Sum("enrolled_value", filter=complete),
        f"{prefix}reported": models.Count("pk", filter=complete),
        f"{prefix}expected": models.Count("pk", filter=within),
        f"{prefix}as_of": models.Max("enrolled_month", filter=complete),
    }


def complete_sums_of(units) -> dict:
    """`UnitQuerySet.complete_sums` of units already read with their figures annotated, added up
    here: a page that lists the units has every figure in hand, and asking the database for the
    same sums again cost as much as reading them (tests/communes/test_complete_sums.py compares)."""
    complete = [u for u in units if u.population_value is not None and u.enrolled_value is not None]
    return {
        "population": sum(u.population_value for u in complete) if complete else None,
        "enrolled": sum(u.enrolled_value for u in complete) if complete else None,
        "reported": len(complete),
        "expected": len(units),
        "as_of": max((u.enrolled_month for u in complete), default=None),
    }


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

    def commune_ids_under(self, unit: "Unit") -> "UnitQuerySet":
        """The ids of the communes under a district or province (its own, and its districts'), for
        `…__in=`: a UNION of two index reads, which PostgreSQL joins commune by commune (0,6 ms for
        the largest province's month), where `communes().within(unit)`'s OR made it read the whole
        country's month (15 ms). Other levels: as `communes().within(unit)`."""
        communes = self.communes().order_by()
        if unit.level == Level.DISTRICT:
            return communes.filter(parent_id=unit.pk).values("pk")
        if unit.level != Level.PROVINCE:
            return communes.within(unit).values("pk")
        districts = Unit.objects.districts().filter(parent_id=unit.pk).values("pk")
        own = communes.filter(parent_id=unit.pk).values("pk")
        return own.union(communes.filter(parent_id__in=districts).values("pk"), all=True)

    def visible_to(self, user) -> "UnitQuerySet":
        from ..scope import Scope

        return Scope.of(user).filter_visible(self)

    def editable_by(self, user) -> "UnitQuerySet":
        from ..scope import Scope

        return Scope.of(user).filter_editable(self)

    def with_year_figures(
        self, year: int, *, until: dt.date | None = None, year_before: bool = False
    ) -> "UnitQuerySet":
        """Annotate each unit with its population for the year and its enrolled count at the last
        month of the year that has one (enrolled is a stock: the year's value is its last month's),
        or the last one up to `until` (a month of the year: the year as it stood then). With
        `year_before`, also its population of the year before (`population_before`), which a
        dashboard's comparison with the same month a year before divides by."""
        from .counts import Enrollment, Population

        population = Population.objects.filter(unit=OuterRef("pk"), year=year)
        last = Enrollment.objects.filter(
            unit=OuterRef("pk"), month__gte=dt.date(year, 1, 1), month__lte=until or dt.date(year, 12, 1)
        ).order_by("-month")
        annotated = self.annotate(
            population_value=Subquery(population.values("population")[:1]),
            enrolled_value=Subquery(last.values("enrolled")[:1]),
            enrolled_month=Subquery(last.values("month")[:1]),
        )
        if year_before:
            before = Population.objects.filter(unit=OuterRef("pk"), year=year - 1)
            annotated = annotated.annotate(population_before=Subquery(before.values("population")[:1]))
        return annotated

    def with_month_figures(self, month: dt.date) -> "UnitQuerySet":
        """Annotate each unit with the population of the month's year and the month's enrolled count."""
        from .counts import Enrollment, Population

        population = Population.objects.filter(unit=OuterRef("pk"), year=month.year)
        enrolled = Enrollment.objects.filter(unit=OuterRef("pk"), month=month)
        return self.annotate(
            population_value=Subquery(population.values("population")[:1]),
            enrolled_value=Subquery(enrolled.values("enrolled")[:1]),
            enrolled_month=Subquery(enrolled.values("month")[:1]),
        )

    def _for_sums(self) -> "UnitQuerySet":
        # DISTINCT (the units are distinct already) keeps PostgreSQL from merging the annotated
        # units into the aggregate, where each unit's figure subqueries would run once per mention
        # in the sums, eight times, instead of once: 2,9 ms → 1,6 ms for 168 communes.
        return self.order_by().distinct()

    def complete_sums(self) -> dict:
        """Over units annotated by `with_year_figures` or `with_month_figures`: Σ population and
        Σ enrolled of the units that have both (a count without its population, or the reverse,
        would mix a figure with a missing one), how many have both, how many there are, and the
        latest month among those that have both (`as_of`)."""
        return self._for_sums().aggregate(**_complete_sums())

    def complete_sums_by(self, groups: dict) -> dict:
        """`complete_sums` of each group of these units (key → unit ids) and of all of them (key
        None), in one query."""
        aggregates = _complete_sums()
        for number, ids in enumerate(groups.values()):
            if ids:  # an empty IN would void the whole query
                aggregates.update(_complete_sums(prefix=f"g{number}_", within=Q(pk__in=ids)))
        sums = self._for_sums().aggregate(**aggregates)
        out = {None: {name: sums[name] for name in _COMPLETE_SUMS}}
        for number, (key, ids) in enumerate(groups.items()):
            empty = {"population": None, "enrolled": None, "reported": 0, "expected": 0, "as_of": None}
            out[key] = {name: sums[f"g{number}_{name}"] for name in _COMPLETE_SUMS} if ids else empty
        return out

    def for_url(self, level: str, code: str, *, on: dt.date | None = None, year: int | None = None) -> "Unit | None":
        """The unit a URL's code means: in force on `on`, else the one of `year` (its last version),
        else the one in force today, else the most recent that bore the code."""
        units = self.filter(level=level, code=code).select_related("parent__parent")
        if on is not None:
            return units.in_force(on).first()
        if year is not None:
            return (
                units.in_force_during(dt.date(year, 1, 1), dt.date(year, 12, 31))
                .order_by(models.F("valid_to").desc(nulls_first=True))
                .first()
            )
        return (
            units.in_force(dt.date.today()).first()
            or units.order_by(models.F("valid_to").desc(nulls_first=True)).first()
        )

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
    # What the API's incremental sync reads. `save()` sets it; a bulk write (`update`,
    # `bulk_update`) must set it itself, or a client syncing would never see that change.
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True, db_index=True)

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
                condition=Q(valid_to__isnull=True)
                | Q(valid_from__isnull=True)
                | Q(valid_to__gte=models.F("valid_from")),
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
