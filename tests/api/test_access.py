"""Every endpoint × every kind of caller × inside and outside their scope: what they may read or
write, and that a refused request changes nothing (every table compared before and after)."""

import pytest
from django.contrib.auth import get_user_model

from api.tokens import issue_token, revoke
from communes.models import Enrollment
from tests.api.conftest import MONTH, ROLES, Api, snapshot

READS = [
    "unit",
    "units",
    "months",
    "figures",
    "populations",
    "coverage",
    "coverage_month",
    "ranking",
    "documents",
    "document",
]


def read_url(name: str, code: str, document_id: int) -> str:
    return {
        "unit": f"/api/v1/units/{code}",
        "units": f"/api/v1/units?parent={code}",
        "months": f"/api/v1/units/{code}/months",
        "figures": f"/api/v1/units/{code}/figures",
        "populations": f"/api/v1/units/{code}/populations",
        "coverage": f"/api/v1/units/{code}/coverage?year=2026",
        "coverage_month": f"/api/v1/units/{code}/coverage?month={MONTH:%Y-%m}",
        "ranking": f"/api/v1/units/{code}/coverage/children?year=2026",
        "documents": f"/api/v1/documents?unit={code}",
        "document": f"/api/v1/documents/{document_id}",
    }[name]


def push(api: Api, area: str, commune) -> object:
    stored = Enrollment.objects.get(unit=commune, month=MONTH)
    return api.post(
        f"/api/v1/units/{area}/months/{MONTH:%Y-%m}/figures",
        {"communes": [{"code": commune.code, "version": stored.version, "enrolled": stored.enrolled + 1}]},
    )


# What each caller gets inside its scope (reads, push) and outside it; a commune officer's scope is
# its commune (it pushes through its province's grid, as on the entry page).
INSIDE = {
    "province_officer": (200, 200),
    "commune_officer": (200, 200),
    "leader": (200, 403),
    "province_leader": (200, 403),
    "staff": (200, 403),
    "admin": (200, 200),
    "no_role": (403, 403),
}
OUTSIDE = {"province_officer": 404, "commune_officer": 404, "province_leader": 404, "no_role": 403}


def refused(response, status: int, before, code: str | None = None) -> None:
    assert response.status_code == status, response.content
    body = response.json()
    assert body["code"] and body["message"], body
    if code:
        assert body["code"] == code, body
    assert snapshot() == before


@pytest.mark.parametrize("role", ROLES)
def test_each_caller_reads_and_writes_inside_its_scope_only(role, as_role, figures, documents, now_is):
    api = as_role(role)
    commune_only = role == "commune_officer"
    own = figures["khong_lao"].code if commune_only else "12"
    read_status, push_status = INSIDE[role]
    for name in READS:
        if commune_only and name in ("ranking", "document"):
            continue  # a commune ranks nothing; its province's plan is the province's (as on the pages)
        before = snapshot()
        response = api.get(read_url(name, own, documents["lai_chau"].pk))
        if read_status == 200:
            assert response.status_code == 200, (name, response.content)
        else:
            refused(response, read_status, before, "no_role")
    before = snapshot()
    response = push(api, "12", figures["khong_lao"])
    if push_status == 200:
        assert response.status_code == 200, response.content
        assert snapshot() != before
    else:
        refused(response, push_status, before)
    if role in OUTSIDE:
        status = OUTSIDE[role]
        for name in READS:
            before = snapshot()
            refused(api.get(read_url(name, "24", documents["bac_ninh"].pk)), status, before)
        before = snapshot()
        refused(push(api, "24", figures["bac_ninh"]), status, before)
        # Through its own province's grid, a commune outside the caller's scope is not found either.
        before = snapshot()
        refused(push(api, "12", figures["neighbour"] if commune_only else figures["bac_ninh"]), status, before)


def test_a_commune_officer_sees_only_its_commune(as_role, figures, documents):
    api = as_role("commune_officer")
    for url in (
        "/api/v1/units/12",
        "/api/v1/units/12/coverage",
        f"/api/v1/units/{figures['neighbour'].code}",
        "/api/v1/units/12/figures",
        f"/api/v1/documents/{documents['lai_chau'].pk}",
    ):
        assert api.get(url).status_code == 404, url
    listed = api.get("/api/v1/units").json()["items"]
    assert [u["code"] for u in listed] == [figures["khong_lao"].code]


@pytest.mark.parametrize("caller", ["no_token", "revoked", "wrong", "inactive_user", "basic_auth"])
def test_a_request_without_a_valid_token_is_refused_everywhere(caller, users, tokens, figures, documents, client):
    if caller == "revoked":
        user = users["admin"]
        token, text = issue_token(user, "sẽ thu hồi")
        revoke(token)
        api, code = Api(text), "token_revoked"
    elif caller == "inactive_user":
        get_user_model().objects.filter(pk=users["admin"].pk).update(is_active=False)
        api, code = Api(tokens["admin"]), "token_invalid"
    elif caller == "wrong":
        api, code = Api(tokens["admin"][:-2] + "xx"), "token_invalid"
    elif caller == "basic_auth":
        api, code = Api(), "not_authenticated"
        api._headers = lambda extra=None: {"Authorization": "Basic YWRtaW46eA==", **(extra or {})}
    else:
        api, code = Api(), "not_authenticated"
    for name in READS:
        before = snapshot()
        response = api.get(read_url(name, "12", documents["lai_chau"].pk))
        refused(response, 401, before, code)
        assert response["WWW-Authenticate"].startswith("Bearer")
    before = snapshot()
    refused(push(api, "12", figures["khong_lao"]), 401, before, code)


def test_the_session_cookie_is_not_a_credential(users, figures, client):
    """A signed-in browser (a page of another site posting to the API) carries no token: refused,
    though the session is an administrator's and no CSRF token is asked for."""
    client.force_login(users["admin"])
    api = Api(client=client)
    before = snapshot()
    refused(api.get("/api/v1/units/12"), 401, before, "not_authenticated")
    refused(push(api, "12", figures["khong_lao"]), 401, before, "not_authenticated")


def test_a_token_acts_with_its_users_role_as_it_is_now(users, tokens, figures):
    """Taking the role away takes it from the token at once: no role is copied into the token."""
    from communes.models import Assignment

    api = Api(tokens["province_officer"])
    assert api.get("/api/v1/units/12").status_code == 200
    Assignment.objects.filter(user=users["province_officer"]).delete()
    before = snapshot()
    refused(api.get("/api/v1/units/12"), 403, before, "no_role")
    refused(push(api, "12", figures["khong_lao"]), 403, before, "no_role")
