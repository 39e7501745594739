"""Dump and restore the whole database: pg_dump/pg_restore for PostgreSQL, SQLite's backup API.

A backup is one file. PostgreSQL's is pg_dump's custom format (compressed, restorable with
pg_restore alone); SQLite's is a consistent copy made while the portal may keep running.
"""

import datetime as dt
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

POSTGRES_MAGIC = b"PGDMP"
SQLITE_MAGIC = b"SQLite format 3\x00"


class BackupError(Exception):
    pass


def is_postgresql(database: dict) -> bool:
    return "postgresql" in database["ENGINE"]


def default_path(database: dict, *, folder: Path, now: dt.datetime | None = None) -> Path:
    stamp = (now or dt.datetime.now()).strftime("%Y%m%d-%H%M%S")
    name = Path(str(database["NAME"])).stem if not is_postgresql(database) else database["NAME"]
    return folder / f"{name}-{stamp}.{'dump' if is_postgresql(database) else 'sqlite3'}"


def _pg_env(database: dict) -> dict:
    env = dict(os.environ)
    for variable, key in (("PGHOST", "HOST"), ("PGPORT", "PORT"), ("PGUSER", "USER"), ("PGPASSWORD", "PASSWORD")):
        if database.get(key):
            env[variable] = str(database[key])
    return env


def _run(command: list[str], database: dict) -> None:
    if shutil.which(command[0]) is None:
        raise BackupError(f"{command[0]} is not installed (apt-get install postgresql-client).")
    result = subprocess.run(command, env=_pg_env(database), capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed: {result.stderr.strip()}")


def backup(*, database: dict, output: Path) -> Path:
    output.parent.mkdir(parents=True, exist_ok=True)
    if is_postgresql(database):
        _run(
            [
                "pg_dump",
                "--format=custom",
                "--no-owner",
                "--no-privileges",
                "--file",
                str(output),
                "--dbname",
                database["NAME"],
            ],
            database,
        )
    else:
        if not Path(database["NAME"]).is_file():  # connecting would create an empty database to back up
            raise BackupError(f"{database['NAME']}: no such database file.")
        source = sqlite3.connect(database["NAME"])
        target = sqlite3.connect(output)
        try:
            source.backup(target)
        finally:
            target.close()
            source.close()
    return output


def check_file(*, database: dict, source: Path) -> None:
    """A backup of the other kind, or not a backup at all, is refused before anything is touched."""
    if not source.is_file():
        raise BackupError(f"{source}: no such file.")
    with open(source, "rb") as handle:
        head = handle.read(16)
    expected = POSTGRES_MAGIC if is_postgresql(database) else SQLITE_MAGIC
    if not head.startswith(expected):
        kind = "PostgreSQL (pg_dump -Fc)" if is_postgresql(database) else "SQLite"
        raise BackupError(f"{source} is not a {kind} backup made by `make backup`.")


def restore(*, database: dict, source: Path) -> None:
    """Replace the database's whole content with the backup's, in one transaction."""
    check_file(database=database, source=source)
    if is_postgresql(database):
        _run(
            [
                "pg_restore",
                "--clean",
                "--if-exists",
                "--no-owner",
                "--no-privileges",
                "--single-transaction",
                "--dbname",
                database["NAME"],
                str(source),
            ],
            database,
        )
    else:
        backup_db = sqlite3.connect(source)
        target = sqlite3.connect(database["NAME"])
        try:
            backup_db.backup(target)
        finally:
            target.close()
            backup_db.close()
