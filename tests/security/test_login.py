"""Login: throttled after repeated failures, no account enumeration, strong passwords, sessions end."""

import datetime as dt
import re

import pytest
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.utils import timezone

from tests.conftest import PASSWORD

LOGIN = "/accounts/login/"
LOCKED = "Đăng nhập sai quá nhiều lần"
WRONG = "Tên đăng nhập hoặc mật khẩu không đúng."


@pytest.fixture
def axes_on(db):
    with override_settings(AXES_ENABLED=True, AXES_FAILURE_LIMIT=5):
        yield


def attempt(client, username: str, password: str):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR="10.0.0.7")


def test_five_failures_lock_the_account_with_a_vietnamese_message(client, officer_phong_tho, axes_on):
    for _ in range(4):
        response = attempt(client, officer_phong_tho.username, "wrong-password-1")
        assert response.status_code == 200 and WRONG in response.content.decode()
    locked = attempt(client, officer_phong_tho.username, "wrong-password-1")
    assert locked.status_code == 429 and LOCKED in locked.content.decode()
    # Even the right password is refused while the lock lasts: guessing stops paying.
    again = attempt(client, officer_phong_tho.username, PASSWORD)
    assert again.status_code == 429 and LOCKED in again.content.decode()
    assert "_auth_user_id" not in client.session


def test_four_failures_then_the_right_password_logs_in(client, officer_phong_tho, axes_on):
    for _ in range(4):
        attempt(client, officer_phong_tho.username, "wrong-password-1")
    response = attempt(client, officer_phong_tho.username, PASSWORD)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(officer_phong_tho.pk)


def test_the_lock_holds_for_one_username_and_address_only(client, officer_phong_tho, officer_luc_ngan, axes_on):
    for _ in range(5):
        attempt(client, officer_phong_tho.username, "wrong-password-1")
    assert attempt(client, officer_luc_ngan.username, PASSWORD).status_code == 302


def _page_without_token(response) -> str:
    return (
        re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())
        .replace("someone-unknown", "USER")
        .replace("officer_pt", "USER")
    )


def test_the_login_form_does_not_reveal_whether_an_account_exists(client, officer_phong_tho):
    unknown = attempt(client, "someone-unknown", "wrong-password-1")
    wrong_password = attempt(client, officer_phong_tho.username, "wrong-password-1")
    assert unknown.status_code == wrong_password.status_code == 200
    assert WRONG in unknown.content.decode()
    assert _page_without_token(unknown) == _page_without_token(wrong_password)


def test_an_unknown_account_is_locked_like_a_real_one(client, db, axes_on):
    for _ in range(5):
        response = attempt(client, "someone-unknown", "wrong-password-1")
    assert response.status_code == 429 and LOCKED in response.content.decode()


@pytest.mark.parametrize(
    "password",
    ["short1A!", "1234567890123", "password123", "officer_pt2021"],
    ids=["short", "numeric", "common", "like-username"],
)
def test_weak_passwords_are_refused(officer_phong_tho, password):
    with pytest.raises(ValidationError):
        validate_password(password, user=officer_phong_tho)


def test_a_long_uncommon_password_is_accepted(officer_phong_tho):
    validate_password("Bao-phu-BHYT-99%-nam-2025", user=officer_phong_tho)


def test_a_session_lasts_one_working_day_and_ends_with_the_browser(client, officer_phong_tho):
    response = attempt(client, officer_phong_tho.username, PASSWORD)
    cookie = response.cookies["sessionid"]
    assert cookie["max-age"] == "" and cookie["expires"] == ""  # a browser-session cookie
    assert cookie["httponly"]
    assert client.session.get_expiry_age() == 8 * 3600
    stored = Session.objects.get(session_key=client.session.session_key)
    assert dt.timedelta(hours=7, minutes=59) < stored.expire_date - timezone.now() <= dt.timedelta(hours=8)


def test_an_expired_session_must_log_in_again(client, officer_phong_tho):
    attempt(client, officer_phong_tho.username, PASSWORD)
    assert client.get("/").status_code == 200
    Session.objects.filter(session_key=client.session.session_key).update(
        expire_date=timezone.now() - dt.timedelta(seconds=1)
    )
    response = client.get("/")
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)


def test_logging_out_needs_a_post_and_ends_the_session(client, officer_phong_tho):
    attempt(client, officer_phong_tho.username, PASSWORD)
    assert client.get("/accounts/logout/").status_code == 405
    client.post("/accounts/logout/")
    assert client.get("/").status_code == 302


def test_behind_the_proxy_the_lock_counts_the_real_client_address(client, officer_phong_tho, axes_on):
    with override_settings(BEHIND_PROXY=True):
        for _ in range(5):
            client.post(
                LOGIN,
                {"username": officer_phong_tho.username, "password": "wrong-password-1"},
                REMOTE_ADDR="127.0.0.1",
                HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.9",
            )
        locked = client.post(
            LOGIN,
            {"username": officer_phong_tho.username, "password": PASSWORD},
            REMOTE_ADDR="127.0.0.1",
            HTTP_X_FORWARDED_FOR="9.9.9.9, 203.0.113.9",
        )
        assert locked.status_code == 429  # a forged first entry does not escape the lock
        other_office = client.post(
            LOGIN,
            {"username": officer_phong_tho.username, "password": PASSWORD},
            REMOTE_ADDR="127.0.0.1",
            HTTP_X_FORWARDED_FOR="198.51.100.20",
        )
        assert other_office.status_code == 302  # the same proxy, another client: not locked out
