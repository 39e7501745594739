"""Refuse to serve production with a configuration that would be unsafe or lose data."""

import os

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


def problems() -> list[str]:
    """What stops `make serve`, each as a sentence saying how to fix it."""
    found = []
    if settings.DEBUG:
        found.append("DEBUG is on: unset it (production never runs with DEBUG=1).")
    if not os.getenv("SECRET_KEY"):
        found.append("SECRET_KEY is missing: set a long random value and keep it secret.")
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
