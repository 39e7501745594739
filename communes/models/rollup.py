"""Monthly sums per parent unit, kept beside the counts they add up."""


from django.db import models
from django.utils.translation import gettext_lazy as _

from .units import Unit


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
