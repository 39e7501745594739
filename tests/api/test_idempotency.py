"""Idempotency-Key: a retried push is answered as the first one was, and writes nothing again."""

import datetime as dt
import threading

import pytest
from django.db import connection
from django.utils import timezone

from api.models import IdempotentRequest
from api.tokens import issue_token
from communes.models import ChangeRecord, Enrollment
from tests.api.conftest import MONTH, Api, after_now, snapshot

URL = f"/api/v1/units/12/months/{MONTH:%Y-%m}/figures"
PUSH = {"communes": [{"code": "03583", "version": 1, "enrolled": 8200}]}


def key(value: str) -> dict:
    return {"Idempotency-Key": value}


def test_a_retried_push_with_the_same_key_changes_nothing_and_gets_the_same_answer(as_role, figures):
    api = as_role("province_officer")
    first = api.post(URL, PUSH, headers=key("lan-1"))
    assert first.status_code == 200 and first.json()["changes"] == 1
    after_first = snapshot()
    retried = api.post(URL, PUSH, headers=key("lan-1"))
    assert (retried.status_code, retried.content) == (first.status_code, first.content)
    assert retried["Idempotent-Replayed"] == "true" and "Idempotent-Replayed" not in first
    assert snapshot() == after_first
    # Without the key the same push is harmless too (the counts are stocks, the version moved on),
    # but it is judged again: the version sent is stale now, and the value unchanged.
    assert api.post(URL, PUSH).json()["changes"] == 0


def test_the_same_key_for_another_request_is_refused(as_role, figures):
    api = as_role("province_officer")
    assert api.post(URL, PUSH, headers=key("k")).status_code == 200
    before = snapshot()
    other = api.post(URL, {"communes": [{"code": "03583", "version": 2, "enrolled": 8300}]}, headers=key("k"))
    assert other.status_code == 422 and other.json()["code"] == "idempotency_key_reused"
    assert snapshot() == before
    # The same request written with other spacing or key order is the same request.
    spaced = api.client.post(
        URL,
        '{ "communes" : [ {"enrolled": 8200, "version": 1, "code": "03583"} ] }',
        content_type="application/json",
        headers=api._headers(key("k")),
    )
    assert spaced.status_code == 200 and spaced["Idempotent-Replayed"] == "true"


def test_a_refused_push_does_not_use_up_its_key(as_role, figures):
    api = as_role("province_officer")
    refused = api.post(URL, {"communes": [{"code": "03583", "version": 1, "enrolled": 7000}]}, headers=key("k2"))
    assert refused.json()["code"] == "confirmation_required" and not IdempotentRequest.objects.exists()
    confirmed = api.post(
        URL, {"communes": [{"code": "03583", "version": 1, "enrolled": 7000}], "confirm": True}, headers=key("k2")
    )
    assert confirmed.status_code == 200 and "Idempotent-Replayed" not in confirmed


def test_keys_belong_to_one_token_and_last_a_day(as_role, figures, users, now_is):
    api = as_role("province_officer")
    assert api.post(URL, PUSH, headers=key("chung")).status_code == 200
    other = Api(issue_token(users["province_officer"], "khoá thứ hai")[1])
    second = other.post(URL, {"communes": [{"code": "03583", "version": 2, "enrolled": 8250}]}, headers=key("chung"))
    assert second.status_code == 200 and "Idempotent-Replayed" not in second
    now_is(after_now(hours=24, minutes=1))
    later = api.post(URL, {"communes": [{"code": "03583", "version": 3, "enrolled": 8260}]}, headers=key("chung"))
    assert later.status_code == 200 and "Idempotent-Replayed" not in later
    assert IdempotentRequest.objects.count() == 2  # the expired answer was dropped


@pytest.mark.parametrize("bad", ["có dấu", "a" * 101, "with space", ""])
def test_a_malformed_key_is_refused(as_role, figures, bad):
    before = snapshot()
    response = as_role("province_officer").post(URL, PUSH, headers=key(bad))
    assert response.status_code == 400 and response.json()["code"] == "idempotency_key_invalid"
    assert snapshot() == before


@pytest.mark.skipif(connection.vendor != "postgresql", reason="two writers at once need PostgreSQL's row locks")
def test_the_same_key_sent_twice_at_once_writes_once(transactional_db, settings):
    """Both requests run at the same time: one writes, the other waits for it and answers the same."""
    from communes.seed import load_payer_groups, load_units
    from tests.api.conftest import today_unit
    from tests.conftest import make_counts, make_user

    load_units()
    load_payer_groups()
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    commune = today_unit("commune", "03583")
    make_counts(commune, MONTH, population=9000, enrolled=8100)
    user = make_user("api_officer_pg", "officer", today_unit("province", "12"))
    text = issue_token(user, "song song")[1]
    answers, start = [], threading.Barrier(2)

    def send():
        from django.db import connections

        start.wait()
        answers.append(Api(text).post(URL, PUSH, headers=key("cung-luc")))
        connections.close_all()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(a.status_code for a in answers) == [200, 200]
    assert answers[0].content == answers[1].content
    assert sum(1 for a in answers if a.get("Idempotent-Replayed") == "true") == 1
    assert Enrollment.objects.get(unit=commune, month=MONTH).version == 2
    assert ChangeRecord.objects.filter(channel="api").count() == 1


def test_expiry_is_measured_from_the_first_answer(as_role, figures, now_is):
    api = as_role("province_officer")
    api.post(URL, PUSH, headers=key("k3"))
    now_is(after_now(hours=23, minutes=59))
    assert api.post(URL, PUSH, headers=key("k3"))["Idempotent-Replayed"] == "true"
    assert IdempotentRequest.objects.get().created_at < timezone.now() - dt.timedelta(hours=23)
