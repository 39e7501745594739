"""Measure the portal on one bench database and write the run as JSON (`make bench` runs it on
both, then bench/report.py puts the figures into docs/benchmarks.md)."""

import datetime as dt
import json
import logging
import os
import platform
from contextlib import contextmanager
from pathlib import Path

import django
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test import Client
from django.test.utils import override_settings

from bench import cases_history, cases_today
from bench.calibration import python_loop_ms
from bench.country import has_synthetic_country
from bench.harness import Runner
from bench.safety import BENCH_USER_PREFIX, history_refusal, today_refusal
from bench.today import has_todays_figures
from communes.models import Enrollment, Level, Unit

COUNTRIES = {
    "today": ("Today's country", cases_today, today_refusal, has_todays_figures),
    "history": ("The old three-level country", cases_history, history_refusal, has_synthetic_country),
}


@contextmanager
def refusals_unlogged(case):
    """A case whose expected answer is a refusal (the hostile workbook) would log Django's "Bad
    Request" warning for each of its requests; the results already say whether it was refused."""
    request_log = logging.getLogger("django.request")
    level = request_log.level
    if (case.expect or 200) >= 400:
        request_log.setLevel(logging.ERROR)
    try:
        yield
    finally:
        request_log.setLevel(level)


def bench_settings():
    """Production settings, but plain static storage (no collectstatic manifest needed), no HTTPS
    redirect (the test client speaks plain HTTP), the bare floor page's URLs, and every month kept
    open so that the grid of the month being reported really saves (an override leaves no
    reopening rows behind)."""
    storages = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    return override_settings(
        ROOT_URLCONF="bench.urls",
        DEBUG=False,
        SECURE_SSL_REDIRECT=False,
        STORAGES=storages,
        ALLOWED_HOSTS=["testserver"],
        ENTRY_CLOSE_DAYS=36500,
        # The API's cases send hundreds of requests a minute with one token.
        API_REQUESTS_PER_MINUTE=10**6,
        API_WRITES_PER_MINUTE=10**6,
    )


class Command(BaseCommand):
    help = "Đo thời gian phản hồi các trang trên một cơ sở dữ liệu đo hiệu năng và ghi kết quả ra tệp JSON."

    def add_arguments(self, parser):
        parser.add_argument("--country", choices=sorted(COUNTRIES), default="today")
        parser.add_argument("--requests", type=int, default=20)
        parser.add_argument("--output", required=True, help="tệp JSON kết quả (bench/report.py ghi vào tài liệu)")
        parser.add_argument("--only", help="chỉ chạy các trường hợp có tên chứa chuỗi này")
        parser.add_argument(
            "--no-profile", action="store_true", help="không chạy profiler cho trường hợp trượt mục tiêu"
        )

    def handle(self, *args, country, requests, output, only, no_profile, **options):
        title, cases, refusal, has_data = COUNTRIES[country]
        if connection.vendor != "postgresql":
            raise CommandError("make bench đo trên PostgreSQL (DATABASE_URL=postgres://…).")
        reason = refusal() or (None if has_data() else "chưa có dữ liệu mô phỏng (make_synthetic_country)")
        if reason:
            raise CommandError(f"Cần cơ sở dữ liệu chỉ có dữ liệu mô phỏng: {reason}.")
        user, _ = get_user_model().objects.get_or_create(
            username=f"{BENCH_USER_PREFIX}_admin", defaults={"is_superuser": True, "is_staff": True}
        )
        client = Client(raise_request_exception=False)
        client.force_login(user)
        load_before, speed_before = os.getloadavg(), python_loop_ms()
        results = []
        with bench_settings():
            context = {**cases.context(), "user": user}
            runner = Runner(client=client, context=context, requests=requests, profile=not no_profile)
            for case in cases.CASES:
                if only and only.lower() not in case.name.lower():
                    continue
                self.stdout.write(f"… {case.name}")
                speed = python_loop_ms()
                with refusals_unlogged(case):
                    result = runner.run(case)
                result.python_loop_ms = speed
                self.stdout.write(f"  {result.status} {result.median or 0:.1f} ms, {result.queries} truy vấn")
                results.append(result.to_dict())
        run = {
            "country": country,
            "title": title,
            "database": connection.settings_dict["NAME"],
            "measured_at": dt.datetime.now(dt.UTC).strftime("%d/%m/%Y %H:%M UTC"),
            "requests": requests,
            "data": _data_line(),
            "context": _context_line(context),
            "machine": _machine(),
            "load": [load_before, os.getloadavg()],
            "python_loop_ms": [speed_before, python_loop_ms()],
            "results": results,
        }
        Path(output).parent.mkdir(parents=True, exist_ok=True)
        Path(output).write_text(json.dumps(run, ensure_ascii=False, indent=1), encoding="utf-8")
        self.stdout.write(self.style.SUCCESS(f"Đã ghi {output}"))


def _data_line() -> str:
    """The units in force at the last month with counts, and the counts."""
    first, last = (
        Enrollment.objects.order_by(order).values_list("month", flat=True).first() for order in ("month", "-month")
    )
    units = Unit.objects.in_force(last) if last else Unit.objects.all()
    counts = {
        f"{level}s": units.filter(level=level).count() for level in (Level.PROVINCE, Level.DISTRICT, Level.COMMUNE)
    }
    counts["enrollment rows"] = Enrollment.objects.count()
    text = ", ".join(f"{count:,} {name}".replace(",", ".") for name, count in counts.items())
    return f"{text} ({first:%m/%Y}–{last:%m/%Y}; units in force at the last month)" if first else text


def _context_line(context: dict) -> str:
    """Which units and documents the cases use, in words."""
    parts = []
    for key, value in context.items():
        if isinstance(value, Unit):
            parts.append(f"{key.replace('_', ' ')}: {value.full_name} ({value.code})")
        elif hasattr(value, "number"):
            parts.append(f"{key.replace('_', ' ')}: {value.number} (#{value.pk})")
        elif isinstance(value, dt.date):
            parts.append(f"{key}: {value:%m/%Y}")
    return "; ".join(parts)


def _machine() -> list[str]:
    cpu, ram = "unknown", "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        memory = next(
            line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal")
        )
        ram = f"{int(memory) / 2**20:.1f} GiB"
    except (OSError, StopIteration):
        pass
    database = f"{connection.display_name} {'.'.join(map(str, connection.get_database_version()))}"
    return [
        f"CPU: {cpu}, {os.cpu_count()} cores (os.cpu_count)",
        f"RAM: {ram}",
        f"{database} on {connection.settings_dict['HOST'] or 'local socket'}, default configuration",
        f"Python {platform.python_version()}, Django {django.get_version()}, {platform.system()} {platform.release()}",
    ]
