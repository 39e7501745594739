"""`make load`: simulated leaders, officers and staff (bench/locustfile.py, run by locust) against
gunicorn and a throwaway PostgreSQL database, both on this machine.

    python -m bench.load   # LOAD_USERS (30), LOAD_SECONDS (120), LOAD_THINK_MS (3000), LOAD_P95_MS (500)

It makes everything it needs and removes it afterwards: a database on the server of LOAD_PG_URL
(default postgres://postgres@127.0.0.1:5432, loopback only), migrated, loaded with the units and
documents, synthetic figures for two provinces and the load-test accounts; gunicorn
(coverage_portal/gunicorn.conf.py) on 127.0.0.1 at a free port with debug off. Locust runs headless
for a bounded time with a bounded number of users. Afterwards it checks that every province-month
an officer saved holds exactly one figure per commune, equal to the value saved last, prints the
figures per scenario, writes them into LOAD_REPORT (docs/load.md; empty: nowhere), and exits 1 on
errors, a 95th percentile above LOAD_P95_MS or a failed check.
"""

import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from . import databases
from .load_report import print_summary, verdict, write_report

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Config:
    users: int
    seconds: int
    think_ms: int
    p95_goal_ms: int
    server_url: str
    workers: str
    report: str

    @classmethod
    def from_env(cls) -> "Config":
        return cls(
            users=int(os.getenv("LOAD_USERS", "30")),
            seconds=int(os.getenv("LOAD_SECONDS", "120")),
            think_ms=int(os.getenv("LOAD_THINK_MS", "3000")),
            p95_goal_ms=int(os.getenv("LOAD_P95_MS", "500")),
            server_url=os.getenv("LOAD_PG_URL", "postgres://postgres@127.0.0.1:5432"),
            workers=os.getenv("WEB_CONCURRENCY", ""),
            report=os.getenv("LOAD_REPORT", "docs/load.md"),
        )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_env(url: str, workdir: Path) -> dict[str, str]:
    """The portal's environment as production runs it, on loopback and plain HTTP."""
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_ALLOW_ASYNC_UNSAFE", "TESTING", "BENCH")}
    env.update(
        DATABASE_URL=url,
        DEBUG="0",
        HTTPS="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1",
        STATIC_ROOT=str(workdir / "static"),
        ENTRY_CLOSE_DAYS="36500",
        AXES_FAILURE_LIMIT="1000",
        GUNICORN_ACCESS_LOG=str(workdir / "access.log"),
        LOG_LEVEL="ERROR",
    )
    return env


def manage(env: dict[str, str], *command: str) -> None:
    subprocess.run([sys.executable, "manage.py", *command], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)


def prepare(env: dict[str, str], users: int, workdir: Path) -> dict:
    """Migrate, load, and make the accounts, in this process's own Django on the new database."""
    print("migrating, loading the units, documents and two provinces' figures…", flush=True)
    manage(env, "migrate", "--noinput", "-v", "0")
    manage(env, "load_documents")
    manage(env, "collectstatic", "--noinput", "-v", "0")
    for name in ("DATABASE_URL", "DEBUG", "HTTPS", "SECRET_KEY", "ALLOWED_HOSTS", "ENTRY_CLOSE_DAYS"):
        os.environ[name] = env[name]
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coverage_portal.settings")
    import django

    django.setup()
    from .load_data import load_figures, plan

    load_figures()
    made = plan(users, "Tai-khoan-tai-thu-" + secrets.token_hex(6))
    (workdir / "plan.json").write_text(json.dumps(made, ensure_ascii=False), encoding="utf-8")
    return made


def start_gunicorn(env: dict[str, str], workdir: Path, workers: str) -> tuple[subprocess.Popen, int]:
    port = free_port()
    env = {**env, "BIND": f"127.0.0.1:{port}", **({"WEB_CONCURRENCY": workers} if workers else {})}
    log = open(workdir / "gunicorn.log", "wb")  # noqa: SIM115 - lives as long as the server
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "coverage_portal/gunicorn.conf.py"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            break
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as answer:
                if answer.status == 200:
                    return process, port
        except OSError:
            time.sleep(0.3)
    print((workdir / "gunicorn.log").read_text(errors="replace")[-3000:])
    stop(process)
    raise SystemExit("gunicorn did not answer /healthz within a minute.")


def stop(process: subprocess.Popen | None) -> None:
    if process is None:
        return
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()


def warm_up(port: int, made: dict, rounds: int = 3) -> None:
    """Every page a few times before the clock starts, so that each worker has loaded its
    templates and opened its database connection: the figures then describe steady service."""
    import requests

    from .forms import page_form

    base = f"http://127.0.0.1:{port}"
    reader = next(a for a in made["accounts"] if a["role"] != "officer") if len(made["accounts"]) > 1 else None
    if reader is None:
        return
    session = requests.Session()
    form = page_form(session.get(f"{base}/accounts/login/", timeout=60).text)
    session.post(
        f"{base}{form.action or '/accounts/login/'}",
        timeout=60,
        data=form.data({"username": reader["username"], "password": made["password"]}),
    )
    for _ in range(rounds):
        for page in made["reading"] + made["exports"]:
            session.get(base + page, timeout=120)


def run_locust(config: Config, port: int, made: dict, workdir: Path) -> dict:
    """Locust, headless, for the configured users and time; returns the locustfile's summary."""
    roles = {account["role"] for account in made["accounts"]}
    classes = [
        name for role, name in (("leader", "Leader"), ("officer", "Officer"), ("staff", "Staff")) if role in roles
    ]
    ramp = max(1.0, min(10.0, config.seconds / 4))
    env = {
        **os.environ,
        "LOAD_PLAN": str(workdir / "plan.json"),
        "LOAD_SUMMARY": str(workdir / "summary.json"),
        "LOAD_THINK_MS": str(config.think_ms),
        "PYTHONPATH": str(ROOT),
    }
    print(f"gunicorn on 127.0.0.1:{port}; locust: {len(made['accounts'])} users for {config.seconds} s…", flush=True)
    with open(workdir / "locust.log", "wb") as log:
        _locust(config, port, made, classes, ramp, env, log)
    summary_file = workdir / "summary.json"
    if not summary_file.exists():
        print((workdir / "locust.log").read_text(errors="replace")[-3000:])
        raise SystemExit("locust ended without writing its summary (its log is above).")
    return json.loads(summary_file.read_text(encoding="utf-8"))


def _locust(config: Config, port: int, made: dict, classes: list[str], ramp: float, env: dict, log) -> None:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "locust",
            "-f",
            str(ROOT / "bench" / "locustfile.py"),
            "--headless",
            "-u",
            str(len(made["accounts"])),
            "-r",
            f"{len(made['accounts']) / ramp:.2f}",
            "-t",
            f"{config.seconds}s",
            "--host",
            f"http://127.0.0.1:{port}",
            "--only-summary",
            "--loglevel",
            "WARNING",
            "--stop-timeout",
            "30",
            *classes,
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        timeout=config.seconds + 300,
    )


def run(config: Config) -> bool:
    try:
        url = databases.on_server(config.server_url, f"coverage_load_{secrets.token_hex(4)}")
    except databases.NotLoopback as error:
        raise SystemExit(f"LOAD_PG_URL: {error}")
    databases.create(url)
    workdir = Path(tempfile.mkdtemp(prefix="coverage-load-"))
    gunicorn = None
    try:
        env = server_env(url, workdir)
        made = prepare(env, config.users, workdir)
        gunicorn, port = start_gunicorn(env, workdir, config.workers)
        warm_up(port, made)
        summary = run_locust(config, port, made, workdir)
        stop(gunicorn)
        gunicorn = None
        from .load_data import check_saved

        problems = check_saved(summary["saved"])
        if any(a["role"] == "officer" for a in made["accounts"]) and not summary["saved"]:
            problems.append("no officer's save went through")
        print_summary(summary, config, problems)
        if config.report:
            write_report(ROOT / config.report, summary, config, problems)
        return verdict(summary, config, problems)
    finally:
        stop(gunicorn)
        try:
            from django.db import connections

            connections.close_all()
        except Exception:  # Django was never set up: nothing to close
            pass
        databases.drop(url)
        shutil.rmtree(workdir, ignore_errors=True)
        print(f"database {url.rsplit('/', 1)[1]} dropped, gunicorn stopped.")


def main() -> None:
    sys.exit(0 if run(Config.from_env()) else 1)


if __name__ == "__main__":
    main()
