"""The health check a load balancer or monitor polls: no login, no session, no redirect."""

from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


@never_cache
@require_GET
def healthz(request):
    """200 with the database's state when it answers a query, 503 when it does not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as error:  # any failure to reach the database makes the portal unhealthy
        return JsonResponse(
            {"status": "error", "database": {"vendor": connection.vendor, "ok": False, "error": type(error).__name__}},
            status=503,
        )
    return JsonResponse({"status": "ok", "database": {"vendor": connection.vendor, "ok": True}})
