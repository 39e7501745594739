"""Production settings: `check --deploy` clean, secure cookies and headers, the serve preflight."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "x" * 64 + "-not-a-real-secret-but-long-enough",
    "ALLOWED_HOSTS": "bhyt.example.vn",
    "DJANGO_SETTINGS_MODULE": "coverage_portal.settings",
}


def run(args: list[str], **env: str) -> subprocess.CompletedProcess:
    base = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DEBUG", "TESTING", "HTTPS", "DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE")
    }
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env={**base, **env}, capture_output=True, text=True, timeout=120
    )


def test_check_deploy_is_clean_under_production_settings():
    result = run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"], COVERAGE_PORTAL_SERVING="1", **PRODUCTION
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_production_cookies_are_secure_and_sessions_end_with_the_working_day():
    script = (
        "import json, django; django.setup(); from django.conf import settings as s;"
        "print(json.dumps([s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY,"
        " s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.X_FRAME_OPTIONS,"
        " s.SECURE_REFERRER_POLICY, s.SECURE_CONTENT_TYPE_NOSNIFF, s.SESSION_COOKIE_AGE,"
        " s.SESSION_EXPIRE_AT_BROWSER_CLOSE, s.AXES_ENABLED, s.STORAGES['staticfiles']['BACKEND']]))"
    )
    result = run(["-c", script], COVERAGE_PORTAL_SERVING="1", **PRODUCTION)
    assert json.loads(result.stdout) == [
        True,
        True,
        True,
        True,
        31536000,
        True,
        "DENY",
        "same-origin",
        True,
        8 * 3600,
        True,
        True,
        "whitenoise.storage.CompressedManifestStaticFilesStorage",
    ]


def test_preflight_refuses_sqlite_and_missing_secrets_with_the_fix():
    result = run(["manage.py", "preflight"], DEBUG="0")
    assert result.returncode != 0
    for fix in ("SECRET_KEY is missing", "ALLOWED_HOSTS is missing", "DATABASE_URL does not name PostgreSQL"):
        assert fix in result.stderr


def test_preflight_accepts_postgresql_with_secrets():
    result = run(["manage.py", "preflight"], DATABASE_URL="postgres://portal@127.0.0.1:5432/portal", **PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert "OK" in result.stdout


def test_preflight_accepts_sqlite_only_when_asked():
    assert run(["manage.py", "preflight"], **PRODUCTION).returncode != 0
    assert run(["manage.py", "preflight"], ALLOW_SQLITE="1", **PRODUCTION).returncode == 0


def test_gunicorn_config_reads_workers_and_bind_from_the_environment():
    script = "import runpy; c = runpy.run_path('coverage_portal/gunicorn.conf.py'); print(c['bind'], c['workers'], c['worker_class'])"
    result = run(["-c", script], WEB_CONCURRENCY="3", PORT="8123", GUNICORN_THREADS="4")
    assert result.stdout.split() == ["127.0.0.1:8123", "3", "gthread"]
