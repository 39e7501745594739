"""Personal API tokens, and the responses kept for an Idempotency-Key.

A token is stored as the SHA-256 of its text: a stolen database does not hand out working tokens.
The text is shown once, when it is created (api/tokens.py).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ApiToken(models.Model):
    """A personal token: it acts as its user, with the user's role and scope at each request."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("tên"), max_length=100, help_text=_("hệ thống dùng khoá, ví dụ: đồng bộ BHXH tỉnh"))
    digest = models.CharField(max_length=64, unique=True, editable=False)
    prefix = models.CharField(
        _("đầu khoá"), max_length=16, editable=False, help_text=_("vài ký tự đầu để nhận ra khoá; không đủ để dùng")
    )
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("dùng lần cuối"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("thu hồi lúc"), null=True, blank=True)
    # The request limiter's fixed window (api/throttle.py): kept on the token's own row, so a
    # request costs one UPDATE and every worker process counts against the same limit.
    window_start = models.DateTimeField(null=True, blank=True, editable=False)
    window_requests = models.PositiveIntegerField(default=0, editable=False)
    window_writes = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = _("khoá API")
        verbose_name_plural = _("khoá API")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "name"], condition=Q(revoked_at__isnull=True), name="api_token_name_once_per_user"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class IdempotentRequest(models.Model):
    """A write answered under an Idempotency-Key: the same key from the same token within the
    retention period gets this very response again, and nothing is written twice."""

    token = models.ForeignKey(ApiToken, models.CASCADE, related_name="+")
    key = models.CharField(max_length=100)
    fingerprint = models.CharField(max_length=64, help_text=_("SHA-256 của phương thức, đường dẫn và nội dung"))
    status = models.PositiveSmallIntegerField()
    body = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["token", "key"], name="idempotency_key_once_per_token")]
        indexes = [models.Index(fields=["created_at"], name="idempotency_created_idx")]

    def __str__(self) -> str:
        return f"{self.token_id}:{self.key}"
