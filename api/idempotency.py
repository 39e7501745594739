"""Idempotency-Key: a write retried with the same key (after a timeout, a lost connection) is
answered with the first answer, and nothing is written twice.

The key is claimed in the same transaction as the write: a second request with the key waits for
the first to commit, then finds its answer (on PostgreSQL the unique index holds it back; SQLite
runs write transactions one at a time). Only a request that was carried out is kept: a refusal
(4xx) wrote nothing, so the same key may be sent again with corrected figures. Answers are kept
RETENTION_HOURS per token; after that the key is free again."""

import datetime as dt
import hashlib
import json
import re
from collections.abc import Callable

from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .errors import ApiError
from .models import ApiToken, IdempotentRequest

HEADER = "Idempotency-Key"
RETENTION_HOURS = 24
_KEY = re.compile(r"^[\x21-\x7e]{1,100}$")  # printable ASCII, no spaces: UUIDs, ULIDs, "2026-11-push-3"


def fingerprint(*, method: str, path: str, payload: dict) -> str:
    """What the request asks, independent of the JSON's spacing and key order."""
    text = json.dumps([method, path, payload], sort_keys=True, cls=DjangoJSONEncoder, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def run_once(
    *, token: ApiToken, key: str | None, fingerprint: str, work: Callable[[], tuple[int, dict]]
) -> tuple[int, dict, bool]:
    """(status, body, replayed): `work`'s answer, or the one kept for this key."""
    if key is None:
        return (*work(), False)
    if not _KEY.match(key):
        raise ApiError(
            400,
            "idempotency_key_invalid",
            _("Idempotency-Key phải là 1–100 ký tự ASCII in được, không có khoảng trắng (ví dụ một UUID)."),
        )
    cutoff = timezone.now() - dt.timedelta(hours=RETENTION_HOURS)
    IdempotentRequest.objects.filter(token=token, created_at__lt=cutoff).delete()
    kept = _kept(token, key, fingerprint)
    if kept is not None:
        return kept
    try:
        with transaction.atomic():
            claim = IdempotentRequest.objects.create(token=token, key=key, fingerprint=fingerprint, status=0, body="")
            status, body = work()
            claim.status, claim.body = status, json.dumps(body, cls=DjangoJSONEncoder, ensure_ascii=False)
            claim.save(update_fields=["status", "body"])
    except IntegrityError:
        # The same key, sent twice at once: the other request committed first; answer as it did.
        kept = _kept(token, key, fingerprint)
        if kept is None:
            raise
        return kept
    return status, body, False


def _kept(token: ApiToken, key: str, fingerprint: str) -> tuple[int, dict, bool] | None:
    kept = IdempotentRequest.objects.filter(token=token, key=key).first()
    if kept is None:
        return None
    if kept.fingerprint != fingerprint:
        raise ApiError(
            422,
            "idempotency_key_reused",
            _(
                "Idempotency-Key này đã được dùng cho một yêu cầu khác trong %(hours)s giờ qua: dùng khoá mới cho "
                "yêu cầu mới."
            )
            % {"hours": RETENTION_HOURS},
        )
    return kept.status, json.loads(kept.body), True
