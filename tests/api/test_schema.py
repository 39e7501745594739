"""The OpenAPI schema is valid and complete, and the interactive docs are the portal's own files."""

import re

from django.contrib.staticfiles import finders
from openapi_spec_validator import validate

from tests.api.conftest import Api

ENDPOINTS = {
    ("get", "/api/v1/units"),
    ("get", "/api/v1/units/{code}"),
    ("get", "/api/v1/units/{code}/months"),
    ("get", "/api/v1/units/{code}/figures"),
    ("get", "/api/v1/units/{code}/populations"),
    ("get", "/api/v1/units/{code}/coverage"),
    ("get", "/api/v1/units/{code}/coverage/children"),
    ("get", "/api/v1/documents"),
    ("get", "/api/v1/documents/{document_id}"),
    ("post", "/api/v1/units/{code}/months/{month}/figures"),
}
# The listings a client syncs incrementally: each takes updated_since and gives the time to sync from.
SYNCED = {
    "/api/v1/units": "UnitPage",
    "/api/v1/documents": "DocumentPage",
    "/api/v1/units/{code}/figures": "FigurePage",
    "/api/v1/units/{code}/populations": "PopulationPage",
}


def test_the_schema_is_valid_openapi_and_lists_every_endpoint(client, db):
    response = client.get("/api/v1/openapi.json")  # no token needed: clients generate code from it
    assert response.status_code == 200
    schema = response.json()
    validate(schema)
    assert schema["openapi"].startswith("3.")
    found = {(method, path) for path, operations in schema["paths"].items() for method in operations}
    assert found == ENDPOINTS
    assert schema["components"]["securitySchemes"] == {"TokenAuth": {"type": "http", "scheme": "bearer"}}
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            assert operation["security"] == [{"TokenAuth": []}], (method, path)
            assert {"200", "401", "403", "404", "429"} <= set(operation["responses"]), (method, path)
    ids = [op["operationId"] for ops in schema["paths"].values() for op in ops.values()]
    assert len(ids) == len(set(ids)) and "push_figures" in ids
    push = schema["paths"]["/api/v1/units/{code}/months/{month}/figures"]["post"]
    assert "Idempotency-Key" in [p["name"] for p in push["parameters"]]


def test_every_synced_listing_takes_updated_since_alike_and_pages(client, db):
    schema = client.get("/api/v1/openapi.json").json()
    since = {}
    for path, page in SYNCED.items():
        parameters = {p["name"]: p for p in schema["paths"][path]["get"]["parameters"]}
        assert {"updated_since", "cursor", "limit"} <= set(parameters), path
        since[path] = (parameters["updated_since"]["description"], parameters["updated_since"]["schema"]["anyOf"][0])
        assert "server_time" in schema["components"]["schemas"][page]["required"], page
    description, kind = since["/api/v1/units"]
    assert kind == {"format": "date-time", "type": "string"} and "ISO 8601" in description
    assert all(taken == (description, kind) for taken in since.values())  # alike wherever it is taken


def test_the_docs_page_loads_vendored_swagger_ui_without_inline_script(client, db):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", html, flags=re.S)
    assert [attributes.strip() for attributes, _body in scripts] == [
        'src="/static/vendor/swagger-ui/swagger-ui-bundle.js"',
        'src="/static/js/api-docs.js"',
    ]
    assert all(not body.strip() for _attributes, body in scripts)
    assert 'data-openapi-url="/api/v1/openapi.json"' in html and "cdn" not in html.lower()
    assert "script-src 'self'" in response["Content-Security-Policy"]
    for path in ("vendor/swagger-ui/swagger-ui-bundle.js", "vendor/swagger-ui/swagger-ui.css", "js/api-docs.js"):
        assert finders.find(path), path


def test_api_answers_carry_the_portals_security_headers(users, tokens, figures):
    response = Api(tokens["admin"]).get("/api/v1/units/12")
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["X-Content-Type-Options"] == "nosniff" and response["X-Frame-Options"] == "DENY"
    assert "default-src 'self'" in response["Content-Security-Policy"]
