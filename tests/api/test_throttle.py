"""Each token's requests per minute, counted in the database (every worker process sees the same count)."""

from api.models import ApiToken
from tests.api.conftest import MONTH, after_now, snapshot

URL = f"/api/v1/units/12/months/{MONTH:%Y-%m}/figures"


def test_a_token_past_its_limit_waits_for_the_next_minute(as_role, figures, settings, now_is):
    settings.API_REQUESTS_PER_MINUTE = 3
    api, other = as_role("province_officer"), as_role("leader")
    assert [api.get("/api/v1/units/12").status_code for _ in range(3)] == [200, 200, 200]
    before = snapshot()
    refused = api.get("/api/v1/units/12")
    assert refused.status_code == 429 and refused.json()["code"] == "throttled"
    assert refused["Retry-After"] == "60"  # the clock stands at 10:00:00: the whole minute to wait
    assert "giây" in refused.json()["message"]
    assert api.post(URL, {"communes": [{"code": "03583", "version": 1, "enrolled": 8200}]}).status_code == 429
    assert snapshot() == before
    assert other.get("/api/v1/units/12").status_code == 200  # per token, not per address
    now_is(after_now(minutes=1))
    assert api.get("/api/v1/units/12").status_code == 200


def test_writes_have_a_lower_limit_of_their_own(as_role, figures, settings):
    settings.API_WRITES_PER_MINUTE = 1
    api = as_role("province_officer")
    assert api.post(URL, {"communes": [{"code": "03583", "version": 1, "enrolled": 8200}]}).status_code == 200
    before = snapshot()
    assert api.post(URL, {"communes": [{"code": "03583", "version": 2, "enrolled": 8300}]}).status_code == 429
    assert snapshot() == before
    assert api.get("/api/v1/units/12").status_code == 200  # reads go on


def test_each_request_marks_when_the_token_was_last_used(as_role, figures, users, now_is):
    now_is(after_now(seconds=42))
    as_role("staff").get("/api/v1/documents")
    token = ApiToken.objects.get(user=users["staff"])
    assert token.last_used_at == after_now(seconds=42) and token.window_start == after_now()
    assert token.window_requests == 1
