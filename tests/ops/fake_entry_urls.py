"""The portal's URLs plus a minimal stand-in for the entry grid, to drive the load tool's officer
over real HTTP on a branch that does not have the entry page yet."""

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpResponse, HttpResponseRedirect
from django.middleware.csrf import get_token
from django.urls import path
from django.utils.html import escape

from communes.models import Enrollment, Level, Unit
from communes.scope import visible_unit_or_404
from coverage_portal.urls import urlpatterns as portal


@login_required
def fake_entry(request, code: str, month: str):
    district = visible_unit_or_404(request.user, Level.DISTRICT, code, year=int(month[:4]), edit=True)
    first = dt.date.fromisoformat(month + "-01")
    communes = Unit.objects.filter(parent=district, level=Level.COMMUNE).order_by("code")
    if request.method == "POST":
        with transaction.atomic():
            for commune in communes:
                Enrollment.objects.update_or_create(
                    unit=commune, month=first, defaults={"enrolled": int(request.POST[f"c-{commune.pk}-enrolled"])})
        return HttpResponseRedirect(request.path)
    rows = "".join(
        f'<input type="hidden" name="c-{c.pk}-version" value="1"><input name="c-{c.pk}-enrolled" value="">'
        f'<input name="c-{c.pk}-group-x" value="">' for c in communes)
    return HttpResponse(f'<form method="post"><input type="hidden" name="csrfmiddlewaretoken" '
                        f'value="{escape(get_token(request))}">{rows}<button>Lưu</button></form>')


urlpatterns = [path("districts/<str:code>/entry/<str:month>/", fake_entry, name="fake_entry"), *portal]
