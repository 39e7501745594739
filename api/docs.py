"""The interactive documentation page: Swagger UI from the portal's own static files.

django-ninja's own page would load Swagger UI from a CDN unless "ninja" is an installed app, and
configures it from an inline script either way. The portal's Content-Security-Policy allows
neither, so the page here is a template whose settings travel in data- attributes, read by a
script file (static/js/api-docs.js)."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from ninja.openapi.docs import DocsBase


class PortalDocs(DocsBase):
    def render_page(self, request: HttpRequest, api, **kwargs) -> HttpResponse:
        return render(request, "api/docs.html", {"api": api, "openapi_url": self.get_openapi_url(api, kwargs)})
