"""The address a login attempt came from, for the lockout (django-axes)."""

from django.conf import settings


def client_ip(request) -> str:
    """Behind our own nginx every request comes from 127.0.0.1; the client is the address nginx
    appended last to X-Forwarded-For (earlier entries are whatever the client claimed)."""
    if getattr(settings, "BEHIND_PROXY", False):
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if forwarded:
            return forwarded[-1]
    return request.META.get("REMOTE_ADDR", "")
