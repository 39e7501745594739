"""Backup and restore round trip: every figure comes back exactly as it was.

Each test works on its own throwaway database through `manage.py` in a subprocess, as an operator
would; the test database of the suite is not touched.
"""

import os
import sqlite3
import subprocess
import sys
import uuid
from pathlib import Path
from urllib.parse import urlparse, urlunparse

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]
FIGURE_TABLES = [
    "communes_population",
    "communes_enrollment",
    "communes_enrollmentbygroup",
    "communes_changerecord",
    "targets_target",
    "targets_reportedfigure",
    "targets_cohortcommune",
    "communes_unit",
]

# Figures an officer would have entered, and their change records.
ADD_FIGURES = """
import datetime as dt
from django.contrib.auth import get_user_model
from communes.models import ChangeRecord, Enrollment, EnrollmentByGroup, PayerGroup, Population, Unit
group = PayerGroup.objects.order_by("order").first()
user = get_user_model().objects.create_user("canbo", password="a-Long-test-passw0rd")
for i, commune in enumerate(Unit.objects.filter(parent__code="109", level="commune").order_by("code")):
    Population.objects.update_or_create(unit=commune, year=2026, defaults={"population": 5000 + i})
    for month in (1, 2, 3):
        e = Enrollment.objects.create(unit=commune, month=dt.date(2026, month, 1), enrolled=4000 + 10 * i + month,
                                      note=f"tháng {month}", entered_by=user)
        EnrollmentByGroup.objects.create(enrollment=e, group=group, enrolled=1000 + i)
        ChangeRecord.objects.create(unit=commune, period=dt.date(2026, month, 1), field="enrolled",
                                    old_value=None, new_value=4000 + 10 * i + month, note="nhập", user=user)
"""
# What goes wrong after the backup: a figure changed, a record added, a row lost.
DAMAGE = """
from communes.models import ChangeRecord, Enrollment, Unit
from targets.models import ReportedFigure
e = Enrollment.objects.order_by("pk").first()
e.enrolled += 1; e.save()
ChangeRecord.objects.create(unit=e.unit, period=e.month, field="enrolled", old_value=1, new_value=2)
ReportedFigure.objects.filter(pk=ReportedFigure.objects.order_by("pk").first().pk).delete()
"""


def manage(env: dict, *args: str) -> str:
    base = {
        k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "SQLITE_PATH", "DJANGO_ALLOW_ASYNC_UNSAFE")
    }
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**base, "DEBUG": "1", **env},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, f"manage.py {' '.join(args)}: {result.stderr[-2000:]}"
    return result.stdout


def tables_of(connection, *, list_sql: str) -> dict[str, list]:
    cursor = connection.cursor()
    cursor.execute(list_sql)
    names = sorted(row[0] for row in cursor.fetchall() if not row[0].startswith(("django_session", "sqlite_")))
    content = {}
    for name in names:
        cursor.execute(f'SELECT * FROM "{name}"')
        content[name] = sorted(map(repr, cursor.fetchall()))
    return content


def round_trip(env: dict, snapshot, backup_file: Path) -> None:
    manage(env, "migrate", "--noinput")
    manage(env, "load_documents")
    manage(env, "shell", "-c", ADD_FIGURES)
    before = snapshot()
    assert [table for table in FIGURE_TABLES if not before[table]] == [], "every kind of figure must be backed up"
    # the annex's 17 results for 2021, and three months of 2026 entered above
    assert len(before["communes_enrollment"]) == 17 + 17 * 3 and len(before["communes_changerecord"]) == 17 * 3

    assert "Đã sao lưu" in manage(env, "backup", "--output", str(backup_file))
    manage(env, "shell", "-c", DAMAGE)
    damaged = snapshot()
    assert damaged != before
    assert "Đã khôi phục" in manage(env, "restore", str(backup_file), "--yes")
    after = snapshot()
    for table in FIGURE_TABLES:
        assert after[table] == before[table], table
    assert after == before


def test_sqlite_round_trip_restores_every_figure(tmp_path):
    database = tmp_path / "portal.sqlite3"
    env = {"SQLITE_PATH": str(database)}

    def snapshot():
        with sqlite3.connect(database) as connection:
            return tables_of(connection, list_sql="SELECT name FROM sqlite_master WHERE type='table'")

    round_trip(env, snapshot, tmp_path / "backup.sqlite3")


def test_restore_refuses_a_file_that_is_not_a_backup(tmp_path):
    bogus = tmp_path / "notes.txt"
    bogus.write_text("hello")
    base = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE")}
    result = subprocess.run(
        [sys.executable, "manage.py", "restore", str(bogus), "--yes"],
        cwd=ROOT,
        env={**base, "DEBUG": "1", "SQLITE_PATH": str(tmp_path / "x.sqlite3")},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0 and "is not a SQLite backup" in result.stderr
    assert not (tmp_path / "x.sqlite3").exists() or (tmp_path / "x.sqlite3").stat().st_size == 0


@pytest.mark.skipif(
    "postgresql" not in settings.DATABASES["default"]["ENGINE"],
    reason="pg_dump/pg_restore round trip runs in the PostgreSQL suite (make test-pg, CI)",
)
def test_postgresql_round_trip_restores_every_figure(tmp_path):
    import psycopg2

    server = urlparse(os.environ["DATABASE_URL"])
    name = f"coverage_backup_{uuid.uuid4().hex[:10]}"
    url = urlunparse(server._replace(path="/" + name))
    admin = psycopg2.connect(urlunparse(server._replace(path="/postgres")))
    admin.autocommit = True
    admin.cursor().execute(f'CREATE DATABASE "{name}"')
    try:

        def snapshot():
            with psycopg2.connect(url) as connection:
                return tables_of(connection, list_sql="SELECT tablename FROM pg_tables WHERE schemaname = 'public'")

        round_trip({"DATABASE_URL": url}, snapshot, tmp_path / "backup.dump")
    finally:
        admin.cursor().execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def test_backup_files_are_named_after_the_database_and_the_time():
    import datetime as dt

    from ops.backup import default_path

    when = dt.datetime(2026, 1, 2, 3, 4, 5)
    postgres = {"ENGINE": "django.db.backends.postgresql", "NAME": "portal"}
    sqlite = {"ENGINE": "django.db.backends.sqlite3", "NAME": "/srv/portal/db.sqlite3"}
    assert default_path(postgres, folder=Path("backups"), now=when) == Path("backups/portal-20260102-030405.dump")
    assert default_path(sqlite, folder=Path("b"), now=when) == Path("b/db-20260102-030405.sqlite3")


def test_a_sqlite_backup_is_refused_by_a_postgresql_restore(tmp_path):
    from ops.backup import BackupError, check_file

    copy = tmp_path / "db.sqlite3"
    sqlite3.connect(copy).execute("CREATE TABLE t (x)")
    with pytest.raises(BackupError, match="not a PostgreSQL"):
        check_file(database={"ENGINE": "django.db.backends.postgresql", "NAME": "portal"}, source=copy)
    check_file(database={"ENGINE": "django.db.backends.sqlite3", "NAME": "x"}, source=copy)


def test_backing_up_a_missing_sqlite_file_is_an_error_not_an_empty_backup(tmp_path):
    from ops.backup import BackupError, backup

    with pytest.raises(BackupError, match="no such database file"):
        backup(
            database={"ENGINE": "django.db.backends.sqlite3", "NAME": str(tmp_path / "none.sqlite3")},
            output=tmp_path / "out.sqlite3",
        )
    assert not (tmp_path / "none.sqlite3").exists()
