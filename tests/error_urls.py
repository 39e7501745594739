"""The portal's URLs plus one view that fails, to see the 500 page (tests only)."""

from django.urls import path

from coverage_portal.urls import urlpatterns as portal


def boom(request):
    raise RuntimeError("a bug")


urlpatterns = [path("boom/", boom), *portal]
