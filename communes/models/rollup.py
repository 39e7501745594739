"""Monthly sums per parent unit, kept beside the counts they add up."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from .units import Unit


class MonthlyRollup(models.Model):
    """Σ over a unit's children, per month: what `reports.series.monthly_sums` computes for
    `Unit.objects.filter(parent=…)`, kept so that national rankings read ~700 × 48 sums instead of
    aggregating half a million enrolled counts on every request.

    Derived data, never edited by hand: database triggers apply every change of the counts, the
    populations and the units' parents to these rows inside the writing transaction, whatever wrote
    it (communes/rollup.py). A save therefore shows on the next page, and a read never writes.
    """

    parent = models.ForeignKey(Unit, models.CASCADE, related_name="+")
    month = models.DateField()
    enrolled = models.BigIntegerField()
    population = models.BigIntegerField()
    # Plain integers, no CHECK (>= 0): the triggers upsert signed deltas, and both databases check
    # the proposed row (-1 for a count deleted) before they find it conflicts with the stored one.
    reported = models.IntegerField(help_text=_("số đơn vị có cả số tham gia và dân số của năm"))
    synthetic = models.IntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["parent", "month"], name="rollup_once_per_parent_month")]
        indexes = [models.Index(fields=["month", "parent"], name="rollup_month_parent_idx")]

    def __str__(self) -> str:
        return f"{self.parent_id} {self.month:%m/%Y}: {self.enrolled}/{self.population}"
