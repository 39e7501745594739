"""Every page of the resolver: POSTs need a CSRF token, pages need a login (public ones excepted)."""

import pytest
from django.test import Client

from communes.models import ChangeRecord, Enrollment, Population

from .conftest import log_in
from .routes import OPEN_TO_EVERY_USER, all_routes, app_routes, url_for


def figures() -> tuple:
    return (
        list(Enrollment.objects.values_list("pk", "enrolled", "version").order_by("pk")),
        list(Population.objects.values_list("pk", "population").order_by("pk")),
        ChangeRecord.objects.count(),
    )


def test_the_walk_finds_the_portals_pages():
    names = {route.name for route in all_routes()}
    assert {"home", "district", "login", "logout", "healthz"} <= names


def test_no_view_is_exempt_from_csrf():
    exempt = [route.route for route in all_routes() if getattr(route.callback, "csrf_exempt", False)]
    assert exempt == []


def test_every_post_without_a_csrf_token_is_refused(admin_user, phong_tho_targets):
    client = log_in(Client(enforce_csrf_checks=True), admin_user)
    before = figures()
    for route in all_routes():
        url = url_for(route, phong_tho_targets)
        response = client.post(url, {"enrolled": "1", "note": "x"})
        assert response.status_code == 403, f"POST {url} without a CSRF token answered {response.status_code}"
        assert b"CSRF" in response.content, url
    assert figures() == before


def test_a_post_with_a_token_from_another_session_is_refused(admin_user, staff, phong_tho_targets):
    other = log_in(Client(enforce_csrf_checks=True), staff)
    other.get("/")
    stolen = other.cookies["csrftoken"].value
    client = log_in(Client(enforce_csrf_checks=True), admin_user)
    for route in app_routes():
        url = url_for(route, phong_tho_targets)
        response = client.post(url, {"csrfmiddlewaretoken": stolen})
        assert response.status_code == 403, url


@pytest.mark.parametrize("method", ["get", "post"])
def test_every_page_sends_anonymous_users_to_login(client, db, phong_tho_targets, method):
    client.get("/accounts/login/")
    for route in app_routes():
        url = url_for(route, phong_tho_targets)
        response = getattr(client, method)(url, {"enrolled": "1"})
        assert response.status_code in (302, 405), f"{method.upper()} {url}: {response.status_code}"
        if response.status_code == 302:
            assert response["Location"].startswith("/accounts/login/?next="), url


def test_every_page_refuses_a_user_without_a_role(client, no_role_user, phong_tho_targets):
    log_in(client, no_role_user)
    before = figures()
    for route in app_routes():
        url = url_for(route, phong_tho_targets)
        if route.name in OPEN_TO_EVERY_USER:
            assert client.get(url).status_code == 200  # the home page says they have no unit yet
            continue
        for method in ("get", "post"):
            response = getattr(client, method)(url, {"enrolled": "1"})
            assert response.status_code in (403, 404, 405), f"{method.upper()} {url}: {response.status_code}"
    assert figures() == before
