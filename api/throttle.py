"""Requests per token and minute, counted in the database so that every worker process of gunicorn
counts against the same limit (a per-process cache would let N workers allow N times as many).

A fixed window of one minute: each request adds one to the token's counter for the current minute
(a write also to its write counter) in one UPDATE; past the limit the request is answered 429 with
Retry-After, the seconds until the minute ends. Limits: `API_REQUESTS_PER_MINUTE` (300) and
`API_WRITES_PER_MINUTE` (30), per token."""

from django.conf import settings
from django.db.models import Case, F, Value, When
from django.utils import timezone
from ninja.throttling import BaseThrottle

from .models import ApiToken

WRITE_METHODS = ("POST", "PUT", "PATCH", "DELETE")


def limits() -> tuple[int, int]:
    return (getattr(settings, "API_REQUESTS_PER_MINUTE", 300), getattr(settings, "API_WRITES_PER_MINUTE", 30))


class TokenThrottle(BaseThrottle):
    def allow_request(self, request) -> bool:
        token = getattr(request, "auth", None)
        if not isinstance(token, ApiToken):
            return True  # unauthenticated requests were refused before
        now = timezone.now()
        window = now.replace(second=0, microsecond=0)
        write = request.method in WRITE_METHODS
        same = When(window_start=window, then=F("window_requests") + 1)
        ApiToken.objects.filter(pk=token.pk).update(
            window_requests=Case(same, default=Value(1)),
            window_writes=Case(
                When(window_start=window, then=F("window_writes") + int(write)), default=Value(int(write))
            ),
            window_start=window,
            last_used_at=now,
        )
        requests, writes = ApiToken.objects.filter(pk=token.pk).values_list("window_requests", "window_writes").get()
        most, most_writes = limits()
        return requests <= most and (not write or writes <= most_writes)

    def wait(self) -> float | None:
        # No state on the instance: one throttle object serves every request (and thread).
        return float(60 - timezone.now().second)
