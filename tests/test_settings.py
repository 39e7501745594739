import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from coverage_portal.settings import database_from_url

ROOT = Path(__file__).resolve().parent.parent


def test_database_url_selects_postgresql():
    db = database_from_url("postgres://postgres:p%40ss@127.0.0.1:5432/coverage")
    assert (db["ENGINE"], db["NAME"], db["USER"], db["PASSWORD"], db["HOST"], db["PORT"]) == (
        "django.db.backends.postgresql",
        "coverage",
        "postgres",
        "p@ss",
        "127.0.0.1",
        "5432",
    )


def test_an_unknown_database_scheme_is_refused():
    with pytest.raises(ImproperlyConfigured):
        database_from_url("mysql://x@y/z")


def test_serving_without_a_secret_key_stops_with_a_clear_message():
    env = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "SECRET_KEY", "ALLOWED_HOSTS")}
    env["DJANGO_SETTINGS_MODULE"] = "coverage_portal.settings"
    result = subprocess.run(
        [sys.executable, "-c", "import coverage_portal.wsgi"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode != 0
    assert "SECRET_KEY and ALLOWED_HOSTS" in result.stderr


@pytest.mark.parametrize(
    "value, expected",
    [
        ("1", True),
        ("true", True),
        (" Yes ", True),
        ("on", True),
        ("0", False),
        ("false", False),
        ("no", False),
        ("off", False),
    ],
)
def test_a_yes_no_setting_reads_the_usual_words(monkeypatch, value, expected):
    from coverage_portal.settings import envbool

    monkeypatch.setenv("SOME_SWITCH", value)
    assert envbool("SOME_SWITCH") is expected


def test_a_typo_in_a_yes_no_setting_stops_the_portal_instead_of_turning_it_off():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "coverage_portal.settings", "HTTPS": "ture"}
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode != 0 and "HTTPS='ture'" in result.stderr
