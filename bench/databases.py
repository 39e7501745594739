"""The bench's and the load test's PostgreSQL databases, on a server of this machine only.

    python -m bench.databases ensure postgres://postgres@127.0.0.1:5432/coverage_bench …

creates each database that does not exist yet (`make bench`); the load test creates and drops its
own throwaway one with `create` and `drop`.
"""

import sys
from urllib.parse import urlparse, urlunparse

LOOPBACK = ("127.0.0.1", "localhost", "::1")


class NotLoopback(ValueError):
    """The URL names a server off this machine: the tools never send their traffic there."""


def on_server(server_url: str, name: str) -> str:
    """The URL of database `name` on the server of `server_url`, refused unless it is on loopback."""
    parsed = urlparse(server_url)
    if parsed.scheme not in ("postgres", "postgresql") or parsed.hostname not in LOOPBACK:
        raise NotLoopback(
            f"{server_url!r}: a PostgreSQL server on this machine is needed "
            f"(host {', '.join(LOOPBACK)}), not {parsed.hostname!r}."
        )
    return urlunparse(parsed._replace(path="/" + name))


def _admin(server_url: str):
    import psycopg2

    connection = psycopg2.connect(on_server(server_url, "postgres"))
    connection.autocommit = True
    return connection


def _split(url: str) -> tuple[str, str]:
    parsed = urlparse(url)
    return urlunparse(parsed._replace(path="")), parsed.path.lstrip("/")


def exists(url: str) -> bool:
    server, name = _split(url)
    connection = _admin(server)
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            return cursor.fetchone() is not None
    finally:
        connection.close()


def create(url: str) -> None:
    server, name = _split(url)
    connection = _admin(server)
    try:
        connection.cursor().execute(f'CREATE DATABASE "{name}"')
    finally:
        connection.close()


def drop(url: str) -> None:
    server, name = _split(url)
    connection = _admin(server)
    try:
        connection.cursor().execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        connection.close()


def ensure(url: str) -> bool:
    """Create the database unless it exists; True when it was created."""
    on_server(*_split(url))
    if exists(url):
        return False
    create(url)
    return True


def main(argv: list[str]) -> int:
    if len(argv) < 2 or argv[0] != "ensure":
        print("usage: python -m bench.databases ensure URL…", file=sys.stderr)
        return 2
    for url in argv[1:]:
        try:
            print(f"{_split(url)[1]}: {'created' if ensure(url) else 'exists'}")
        except NotLoopback as error:
            print(error, file=sys.stderr)
            return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
