"""The JSON API attacked as the pages are (test_numbers_in_urls.py): "²", "٣", "1e3", "-1" and a
20-digit number in every path parameter of every API route the walker finds, and in every query
parameter its OpenAPI schema declares. The answer is the endpoint's default or a refusal — 400
naming the parameter, or 404 — in JSON with a code and a Vietnamese message; never a server error,
and nothing changes."""

import json
import re

import pytest

from api.tokens import issue_token
from targets.models import TargetDocument

from .routes import api_routes
from .test_forged_urls import snapshot
from .test_numbers_in_urls import ODD_NUMBERS

VIETNAMESE = re.compile(r"[àáảãạăắằẳẵặâấầẩẫậđèéẻẽẹêếềểễệìíỉĩịòóỏõọôốồổỗộơớờởỡợùúủũụưứừửữựỳýỷỹỵ]", re.IGNORECASE)


@pytest.fixture
def api(client, admin_user, settings):
    settings.API_REQUESTS_PER_MINUTE = 100_000
    settings.API_WRITES_PER_MINUTE = 100_000
    token = issue_token(admin_user, "Khoá thử số lạ")[1]

    def send(url: str, params: dict | None = None, *, method: str = "get"):
        headers = {"Authorization": f"Bearer {token}"}
        if method == "post":
            query = "&".join(f"{k}={v}" for k, v in (params or {}).items())
            return client.post(
                url + (f"?{query}" if query else ""),
                {"communes": [{"code": "99999", "enrolled": 1}]},  # a commune no unit has: nothing to write
                content_type="application/json",
                headers=headers,
            )
        return client.get(url, params or {}, headers=headers)

    return send


def _usual(db) -> dict[str, str]:
    """A value for each path parameter that names something the admin's token reads."""
    return {
        "code": "12",
        "document_id": str(TargetDocument.objects.get(number="231/KH-UBND").pk),
        "month": "2026-11",
    }


def _url(route, values: dict[str, str]) -> str:
    url = "/" + route.route
    for _converter, name in route.params:
        url = url.replace(f"<{name}>", values[name], 1)
    return url


def _method(route) -> str:
    return "post" if route.name == "push_figures" else "get"


def _query_parameters(api) -> dict[str, list[str]]:
    """Each schema path ("/api/v1/units/{code}") with the query parameters its operations take."""
    schema = json.loads(api("/api/v1/openapi.json").content)
    return {
        path: [p["name"] for operation in item.values() for p in operation.get("parameters", []) if p["in"] == "query"]
        for path, item in schema["paths"].items()
    }


def assert_default_or_refused(response, usual: int, what: str) -> None:
    assert response.status_code < 500, f"{what}: {response.status_code} {response.content[:300]}"
    if response.status_code == usual:
        return
    assert response.status_code in (400, 404), f"{what}: {response.status_code} {response.content[:300]}"
    assert response["Content-Type"].startswith("application/json"), what
    body = json.loads(response.content)
    assert body["code"] in ("invalid_parameter", "invalid_cursor", "not_found"), f"{what}: {body}"
    assert VIETNAMESE.search(body["message"]), f"{what}: {body['message']}"


def test_the_walker_finds_every_api_route_with_a_parameter(api, db):
    routes = {route.name: route for route in api_routes()}
    assert {"get_unit", "unit_figures", "get_document", "push_figures"} <= set(routes)
    declared = _query_parameters(api)
    for route in routes.values():
        if route.params:
            assert re.sub(r"<(\w+)>", r"{\1}", "/" + route.route) in declared, route.route
    assert {"year", "month", "limit", "on", "start", "end", "updated_since"} <= {
        name for names in declared.values() for name in names
    }


@pytest.mark.parametrize("value", ODD_NUMBERS)
def test_every_api_route_reads_an_odd_number_in_its_query_as_its_default_or_refuses_it(api, db, value):
    declared, values = _query_parameters(api), _usual(db)
    before, tried = snapshot(), 0
    for route in api_routes():
        url = _url(route, values)
        names = declared.get(re.sub(r"<(\w+)>", r"{\1}", "/" + route.route), [])
        usual = api(url, method=_method(route)).status_code
        for name in names:
            response = api(url, {name: value}, method=_method(route))
            assert_default_or_refused(response, usual, f"{url}?{name}={value!r}")
            tried += 1
    assert tried > 30 and snapshot() == before


@pytest.mark.parametrize("value", ODD_NUMBERS)
def test_an_odd_number_in_any_api_path_parameter_is_refused_in_json(api, db, value):
    values = _usual(db)
    before, tried = snapshot(), 0
    for route in api_routes():
        for _converter, name in route.params:
            for odd in [value, *([f"{value}-06", f"2021-{value}"] if name == "month" else [])]:
                url = _url(route, {**values, name: odd})
                response = api(url, method=_method(route))
                assert_default_or_refused(response, -1, url)
                assert "99999" not in response.json()["message"], url  # refused for the path, not the commune
                tried += 1
    assert tried >= 10 and snapshot() == before
