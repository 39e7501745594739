"""The page where users create and revoke their personal tokens."""

import hashlib

from api.models import ApiToken
from tests.api.conftest import Api
from tests.conftest import PASSWORD


def log_in(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


def test_a_new_token_is_shown_once_and_stored_only_as_its_hash(client, users):
    log_in(client, users["province_officer"])
    response = client.post("/api/tokens/", {"action": "create", "name": "Đồng bộ BHXH tỉnh"})
    assert response.status_code == 200
    text = response.context["text"]
    assert text.startswith("bhyt_") and len(text) > 40 and text in response.content.decode()
    token = ApiToken.objects.get(name="Đồng bộ BHXH tỉnh")
    assert token.digest == hashlib.sha256(text.encode()).hexdigest() and token.prefix == text[:11]
    assert text not in str(ApiToken.objects.values_list().get(pk=token.pk))
    assert response["Cache-Control"].startswith("max-age=0") and "no-store" in response["Cache-Control"]
    page = client.get("/api/tokens/").content.decode()
    assert text not in page and token.prefix in page and "Đồng bộ BHXH tỉnh" in page
    assert Api(text).get("/api/v1/units/12").status_code == 200


def test_a_revoked_token_stops_working_at_once(client, users):
    log_in(client, users["province_officer"])
    text = client.post("/api/tokens/", {"action": "create", "name": "tạm"}).context["text"]
    token = ApiToken.objects.get(name="tạm")
    response = client.post("/api/tokens/", {"action": "revoke", "token": token.pk})
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    refused = Api(text).get("/api/v1/units/12")
    assert refused.status_code == 401 and refused.json()["code"] == "token_revoked"
    page = client.get("/api/tokens/").content.decode()
    assert "Đã thu hồi khoá “tạm”" in page and "Khoá đã thu hồi" in page


def test_nobody_revokes_another_users_token(client, users, tokens):
    victim = ApiToken.objects.get(user=users["staff"])
    log_in(client, users["province_officer"])
    for forged in (victim.pk, "abc", "", "99999999"):
        assert client.post("/api/tokens/", {"action": "revoke", "token": forged}).status_code == 404
    victim.refresh_from_db()
    assert victim.revoked_at is None


def test_names_are_required_distinct_and_tokens_few(client, users):
    log_in(client, users["leader"])
    assert "Đặt tên cho khoá." in client.post("/api/tokens/", {"action": "create", "name": " "}).content.decode()
    client.post("/api/tokens/", {"action": "create", "name": "DHIS2"})
    again = client.post("/api/tokens/", {"action": "create", "name": "DHIS2"}).content.decode()
    assert "Bạn đã có một khoá đang dùng tên này" in again
    for n in range(9):
        client.post("/api/tokens/", {"action": "create", "name": f"hệ thống {n}"})
    assert ApiToken.objects.filter(user=users["leader"]).count() == 10
    eleventh = client.post("/api/tokens/", {"action": "create", "name": "thêm"}).content.decode()
    assert "tối đa 10 khoá" in eleventh and ApiToken.objects.filter(user=users["leader"]).count() == 10


def test_the_page_says_what_the_token_may_do(client, users):
    log_in(client, users["province_officer"])
    page = client.get("/api/tokens/").content.decode()
    assert "Cán bộ nhập liệu – Tỉnh Lai Châu" in page and "300 yêu cầu mỗi phút" in page
    assert "/api/v1/docs" in page


def test_a_user_without_a_role_gets_no_token_and_anonymous_users_log_in(client, users):
    assert client.get("/api/tokens/")["Location"].startswith("/accounts/login/")
    log_in(client, users["no_role"])
    assert client.get("/api/tokens/").status_code == 403
    assert client.post("/api/tokens/", {"action": "create", "name": "x"}).status_code == 403
    assert not ApiToken.objects.filter(user=users["no_role"]).exists()


def test_an_administrator_revokes_a_leaked_token_in_the_admin(client, users, tokens):
    leaked = ApiToken.objects.get(user=users["staff"])
    client.force_login(users["admin"])
    listing = client.get("/admin/api/apitoken/")
    assert listing.status_code == 200 and leaked.prefix in listing.content.decode()
    assert leaked.digest not in listing.content.decode()
    client.post("/admin/api/apitoken/", {"action": "revoke_tokens", "_selected_action": [leaked.pk]})
    leaked.refresh_from_db()
    assert leaked.revoked_at is not None
    assert client.post("/admin/api/apitoken/add/", {}).status_code == 403
    assert Api(tokens["staff"]).get("/api/v1/units/12").json()["code"] == "token_revoked"
