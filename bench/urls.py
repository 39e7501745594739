"""The portal's URLs plus the bare page `make bench` uses as the floor of serving N bytes."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.urls import path

from coverage_portal.urls import urlpatterns as portal_urlpatterns


@login_required
def bare(request, size: int):
    """No query beyond the session's, no template: the least Django can do for a page of `size` bytes."""
    return HttpResponse(b"x" * size, content_type="text/html; charset=utf-8")


urlpatterns = [path("__bench__/bare/<int:size>/", bare), *portal_urlpatterns]
