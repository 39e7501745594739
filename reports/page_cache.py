"""Reading pages and exports served again without recomputing them while no data has changed.

A response is kept under everything it was made from: the data's token (communes/data_version.py:
any write, by anyone, gives a new token, so the next read recomputes: no stale figure after an
entry), the user (their name, role and scope are data too), their CSRF secret (the forms the page
carries stay valid), the language, today's date, the host and the full URL. The same user
asking again for the same page on the same data gets the same bytes, so their permissions were
already checked for exactly this request.

Not kept: anything but a GET by a signed-in user; a request with a message waiting to be shown;
a response that is not 200, streams, sets a cookie or shows a message; pages that change with the
time of day say so: the entry grid's key holds the reopenings in force, which end at an hour.
"""

import datetime as dt
import hashlib
import threading
from collections import OrderedDict
from functools import wraps

from django.conf import settings
from django.contrib.messages import get_messages
from django.db import connection
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils import timezone

from communes import data_version

# Headers the view set on the response itself (the middleware adds the rest again on a hit).
_KEPT_HEADERS = ("Content-Type", "Content-Disposition", "Content-Language", "X-Content-Type-Options")


class _Store:
    """Least recently used responses, bounded in bytes (settings.PAGE_CACHE_MB per process) rather
    than in entries: a national annex weighs as much as forty dashboards."""

    def __init__(self):
        self._items: OrderedDict[str, tuple[bytes, list]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, key: str):
        with self._lock:
            item = self._items.get(key)
            if item is not None:
                self._items.move_to_end(key)
            return item

    def put(self, key: str, content: bytes, headers: list) -> None:
        limit = settings.PAGE_CACHE_MB * 1024 * 1024
        if len(content) > limit // 4:  # one response never takes most of the room
            return
        with self._lock:
            old = self._items.pop(key, None)
            if old is not None:
                self._bytes -= len(old[0])
            self._items[key] = (content, headers)
            self._bytes += len(content)
            while self._bytes > limit:
                _, (dropped, _) = self._items.popitem(last=False)
                self._bytes -= len(dropped)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._bytes = 0

    @property
    def size(self) -> int:
        return self._bytes


STORE = _Store()


def _key(request, token: str, varying: tuple) -> str:
    parts = (
        *varying,
        token,
        request.user.pk,
        request.META.get("CSRF_COOKIE", ""),
        getattr(request, "LANGUAGE_CODE", settings.LANGUAGE_CODE),
        timezone.localdate().isoformat(),
        dt.date.today().isoformat(),  # some pages use the server's date; both turn at midnight
        request.get_host(),
        request.is_secure(),
        request.get_full_path(),
    )
    return "page:" + hashlib.sha256(repr(parts).encode()).hexdigest()


def _messages_waiting(request) -> bool:
    return bool(len(get_messages(request)))


def _storable(request, response, csrf_before: str | None) -> bool:
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and request.META.get("CSRF_COOKIE") == csrf_before  # no new secret minted for this page
        and not _messages_waiting(request)  # the view added none
    )


def cached_page(view=None, *, vary=None):
    """Serve the view's last response for this user, URL and data while nothing has changed.
    `vary(request)` names anything else the page depends on (what ends at an hour of the day)."""
    if view is None:
        return lambda undecorated: cached_page(undecorated, vary=vary)

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        csrf_before = request.META.get("CSRF_COOKIE")
        if not settings.PAGE_CACHE_MB or request.method != "GET" or not csrf_before:
            return view(request, *args, **kwargs)
        # The token before anything reads the user (so this decorator goes above login_required):
        # a change to the user's rights committed after it gives the next request another token.
        token = data_version.current(connection)
        if token is None or not request.user.is_authenticated or _messages_waiting(request):
            return view(request, *args, **kwargs)
        key = _key(request, token, tuple(vary(request)) if vary else ())
        kept = STORE.get(key)
        if kept is not None:
            content, headers = kept
            response = HttpResponse(content)
            for name, value in headers:
                response[name] = value
            get_token(request)  # as rendering its form did: the CSRF cookie's expiry is renewed
            return response
        response = view(request, *args, **kwargs)
        # Kept only if nothing was written while it was made: its figures are then those of the
        # token, which a restored backup could bring back.
        if _storable(request, response, csrf_before) and data_version.current(connection) == token:
            headers = [(name, response[name]) for name in _KEPT_HEADERS if response.has_header(name)]
            STORE.put(key, response.content, headers)
        return response

    return wrapper
