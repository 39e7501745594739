"""Every URL pattern of the portal, and a concrete URL for each, built from the resolver.

The security tests walk these, so a page added by any issue is covered without editing them.
A parameter name the builder does not know fails loudly (see `url_for`): extend PARAMS then.
"""

import re
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver, resolve

PARAM = re.compile(r"<(?:(?P<converter>\w+):)?(?P<name>\w+)>")
# Django's own and the admin's pages are tested separately (admin has its own login), and so is
# the JSON API (tests/api/): it authenticates by a token header, not by the session, so it has no
# login page to send to and no CSRF token to ask for.
SKIPPED_NAMESPACES = {"admin", "api"}
# Pages anyone may request, logged in or not.
PUBLIC = {"login", "logout", "healthz", "set_language", "javascript-catalog"}
# Pages a logged-in user without any role may open (they explain that no unit is assigned yet).
OPEN_TO_EVERY_USER = {"home"}


@dataclass(frozen=True)
class Route:
    route: str
    name: str
    callback: object

    @property
    def params(self) -> list[tuple[str, str]]:
        return [(m["converter"] or "str", m["name"]) for m in PARAM.finditer(self.route)]

    @property
    def is_public(self) -> bool:
        return self.name in PUBLIC


def _walk(patterns, prefix: str = "", namespace: str | None = None, *, only: str | None = None):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = entry.namespace or namespace
            if inner in SKIPPED_NAMESPACES and inner != only:
                continue
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern), inner, only=only)
        elif isinstance(entry, URLPattern) and (only is None or namespace == only):
            route = prefix + str(entry.pattern)
            yield Route(route=route.lstrip("^").rstrip("$"), name=entry.name or "", callback=entry.callback)


def all_routes() -> list[Route]:
    return list(_walk(get_resolver().url_patterns))


def api_routes() -> list[Route]:
    """The JSON API's routes (namespace "api"), for the tests that attack it with a token."""
    return list(_walk(get_resolver().url_patterns, only="api"))


@dataclass(frozen=True)
class Targets:
    """The objects a URL may name: a province, district, commune, document and month."""

    province: str
    district: str
    commune: str
    document: int
    month: str = "2021-06"
    year: str = "2021"
    assignment: int = 987_654  # none such: moving one is for administrators, who get 404


def _value(route: str, converter: str, name: str, targets: Targets) -> str | None:
    before = route[: route.index(f"{name}>")]
    # The nearest collection before the parameter says what a bare <code> or <pk> names.
    level = max(("communes/", "provinces/", "districts/", "documents/", "assignments/"), key=before.rfind)
    level = level if level in before else ""
    if converter == "int" and name == "month":  # <int:year>/<int:month>
        return str(int(targets.month[5:]))
    if "month" in name or name in ("ym", "period"):
        return targets.month
    if name == "year":
        return targets.month[:4] if converter == "int" else targets.year
    if name.endswith("code") or name in ("code", "district", "commune", "province", "unit"):
        if "commune" in name or level == "communes/":
            return targets.commune
        if "province" in name or level == "provinces/":
            return targets.province
        return targets.district
    if name in ("pk", "id") and level == "assignments/":
        return str(targets.assignment)
    if "document" in name or "doc" in name or (name in ("pk", "id") and level == "documents/"):
        return str(targets.document)
    return None


def url_for(route: Route, targets: Targets) -> str:
    """A concrete URL for the route; fails when a parameter cannot be filled."""
    url = route.route
    for converter, name in route.params:
        value = _value(route.route, converter, name, targets)
        assert value is not None, (
            f"tests/security/routes.py cannot fill <{converter}:{name}> in {route.route!r}; teach _value() about it"
        )
        url = url.replace(f"<{converter}:{name}>" if f"<{converter}:{name}>" in url else f"<{name}>", value, 1)
    url = "/" + url
    assert resolve(url).url_name == route.name or not route.name, f"{url} does not resolve to {route.name}"
    return url


def app_routes() -> list[Route]:
    """Routes that need a login (everything but the public ones)."""
    return [r for r in all_routes() if not r.is_public]


def html_of(response) -> str:
    """The page's text when it is an HTML page; "" for workbooks and other downloads."""
    if not response.get("Content-Type", "").startswith("text/html"):
        return ""
    return response.content.decode()
