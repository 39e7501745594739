"""Refuse to serve production with a configuration that would be unsafe or lose data."""

import os

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

KNOWN_WEAK = {"changeme", "secret", "password", "development-only-not-secret", "django-insecure"}


def weak_secret(key: str) -> bool:
    """As Django's deploy check judges a key: at least 50 characters, 5 of them distinct, not a
    placeholder anyone could guess."""
    lowered = key.lower()
    return len(key) < 50 or len(set(key)) < 5 or any(lowered.startswith(word) for word in KNOWN_WEAK)


def problems() -> list[str]:
    """What stops `make serve`, each as a sentence saying how to fix it."""
    found = []
    if settings.DEBUG:
        found.append("DEBUG is on: unset it (production never runs with DEBUG=1).")
    key = os.getenv("SECRET_KEY", "")
    if not key:
        found.append("SECRET_KEY is missing: set a long random value and keep it secret.")
    elif weak_secret(key):
        found.append(
            "SECRET_KEY is too weak (shorter than 50 characters, few distinct characters, or a "
            "well-known value): generate one with python3 -c 'import secrets; "
            "print(secrets.token_urlsafe(50))'."
        )
    if not os.getenv("ALLOWED_HOSTS"):
        found.append("ALLOWED_HOSTS is missing: set the server's host name(s), comma-separated.")
    engine = settings.DATABASES["default"]["ENGINE"]
    if "postgresql" not in engine and os.getenv("ALLOW_SQLITE") != "1":
        # Several gunicorn workers writing one SQLite file lock each other out under load.
        found.append(
            "DATABASE_URL does not name PostgreSQL: set DATABASE_URL=postgres://user:password@host:5432/name "
            "(ALLOW_SQLITE=1 accepts SQLite for a single-user trial)."
        )
    return found


class Command(BaseCommand):
    help = "Check the environment before serving in production (make serve)."

    def handle(self, *args, **options):
        found = problems()
        if found:
            raise CommandError("Cannot serve in production:\n  - " + "\n  - ".join(found))
        self.stdout.write("Production settings: OK.")
