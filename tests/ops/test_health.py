import json
import os
import subprocess
import sys
from pathlib import Path
from unittest import mock

from django.db import OperationalError
from django.test import override_settings

ROOT = Path(__file__).resolve().parents[2]


def test_healthz_answers_200_with_the_databases_state_without_login(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"]["ok"] is True
    assert body["database"]["vendor"] in ("sqlite", "postgresql")
    assert "no-cache" in response["Cache-Control"]


def test_healthz_answers_503_when_the_database_fails(client, db):
    broken = mock.MagicMock(vendor="postgresql")
    broken.cursor.side_effect = OperationalError("connection refused")
    with mock.patch("ops.views.connection", broken):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {
        "status": "error",
        "database": {"vendor": "postgresql", "ok": False, "error": "OperationalError"},
    }


def test_healthz_answers_503_when_the_database_server_is_unreachable():
    """A real connection attempt to a port where no server listens, in a fresh process."""
    env = {
        **os.environ,
        "TESTING": "1",
        "DATABASE_URL": "postgres://nobody@127.0.0.1:9/none",
        "DJANGO_SETTINGS_MODULE": "coverage_portal.settings",
        "PGCONNECT_TIMEOUT": "3",
    }
    script = (
        "import django; django.setup();"
        "from django.test import Client; r = Client().get('/healthz');"
        "print(r.status_code, r.content.decode())"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    status, body = result.stdout.strip().split(" ", 1)
    assert status == "503", result.stderr
    assert json.loads(body)["database"]["ok"] is False


def test_healthz_is_exempt_from_the_https_redirect(client, db):
    with override_settings(SECURE_SSL_REDIRECT=True):
        assert client.get("/healthz").status_code == 200
        assert client.get("/").status_code == 301


def test_healthz_refuses_other_methods(client, db):
    assert client.post("/healthz").status_code == 405
