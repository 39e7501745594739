"""The change log (append-only) and months reopened after they closed."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .units import Unit


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
