"""Creating, finding and revoking personal API tokens."""

import hashlib
import secrets

from django.utils import timezone

from .models import ApiToken

# "bhyt_" makes a leaked token recognisable to secret scanners and to the person who finds it.
PREFIX = "bhyt_"
MAX_ACTIVE_PER_USER = 10


def digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def issue_token(user, name: str) -> tuple[ApiToken, str]:
    """A new token for the user; its text is returned here and never stored, so it is shown once."""
    text = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user=user, name=name, digest=digest(text), prefix=text[: len(PREFIX) + 6])
    return token, text


def find_token(text: str) -> ApiToken | None:
    """The token this text is, revoked or not (the caller says which it was)."""
    if not text.startswith(PREFIX) or len(text) > 200:
        return None
    return ApiToken.objects.select_related("user").filter(digest=digest(text)).first()


def active_tokens(user):
    return ApiToken.objects.filter(user=user, revoked_at__isnull=True)


def revoke(token: ApiToken) -> None:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
