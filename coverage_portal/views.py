"""Project-wide views that are not part of an app: the CSRF failure page."""

from django.shortcuts import render


def csrf_failure(request, reason: str = ""):
    """A stale form (expired session, a tab left open overnight) says so in Vietnamese instead of
    Django's English technical page; the reason stays in the server log, not on screen."""
    return render(request, "403_csrf.html", status=403)
