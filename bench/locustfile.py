"""The load test's simulated users, run by locust (`python -m bench.load` starts it headless).

    40% leaders read the home, national, province, district and document pages;
    40% officers each save the entry grid of their own province-month, typing new enrolled counts
        into a few communes' cells as the page's form names them (bench/officer.py);
    20% staff download the rankings and annexes as Excel.

Each waits 0.5–1.5 × LOAD_THINK_MS between requests, as a person reading a page does. What the
users need (accounts, pages) comes from LOAD_PLAN (JSON, written by bench/load.py); at the end the
figures and what every officer saved last go to LOAD_SUMMARY (JSON), for the check and the report.
Logins are timed under their own name and left out of the goal: a login costs a deliberately slow
password hash, once a working day.
"""

import json
import os
import random
import re
import time
from pathlib import Path

from locust import HttpUser, between, events, task
from locust.stats import StatsEntry

from bench.forms import page_form
from bench.officer import OfficerSaves

PLAN = json.loads(Path(os.environ["LOAD_PLAN"]).read_text(encoding="utf-8"))
THINK = int(os.getenv("LOAD_THINK_MS", "3000")) / 1000
ACCOUNTS = {role: [a for a in PLAN["accounts"] if a["role"] == role] for role in ("leader", "officer", "staff")}
USERS = len(PLAN["accounts"])
LOGIN = "login"
SAVED: dict[str, dict[str, int]] = {}  # "province|YYYY-MM" → commune code → count saved last
SAVES: dict[str, int] = {}
PAGES: dict[str, list[float]] = {}  # each page's response times, to name the slowest in the report
NOT_AVAILABLE: set[str] = set()
_ERROR_TEXT = re.compile(r'class="[^"]*(?:error|warning)[^"]*"[^>]*>([^<]{1,200})')
_STARTED = [time.monotonic()]


class Person(HttpUser):
    abstract = True
    role = ""
    wait_time = between(0.5 * THINK, 1.5 * THINK)

    def on_start(self):
        self.account = ACCOUNTS[self.role].pop(0)
        page = self.client.get("/accounts/login/", name=LOGIN)
        form = page_form(page.text)
        data = form.data({"username": self.account["username"], "password": PLAN["password"]})
        with self.client.post(
            form.action or "/accounts/login/", data=data, name=LOGIN, allow_redirects=False, catch_response=True
        ) as done:
            if done.status_code != 302:
                done.failure(f"login of {self.account['username']} answered {done.status_code}")


class Leader(Person):
    role = "leader"
    fixed_count = len(ACCOUNTS["leader"])

    @task
    def read(self):
        self.client.get(random.choice(PLAN["reading"]), name="leader: dashboards")


class Staff(Person):
    role = "staff"
    fixed_count = len(ACCOUNTS["staff"])

    @task
    def download(self):
        with self.client.get(random.choice(PLAN["exports"]), name="staff: Excel export", catch_response=True) as got:
            if got.ok and not (got.content[:2] == b"PK" and "spreadsheetml" in got.headers.get("content-type", "")):
                got.failure(f"{got.url}: not a workbook ({got.headers.get('content-type')})")


class Officer(Person):
    role = "officer"
    fixed_count = len(ACCOUNTS["officer"])

    def on_start(self):
        super().on_start()
        self.saves = OfficerSaves(province=self.account["province"], month=self.account["month"])

    @task
    def save_grid(self):
        saves = self.saves
        with self.client.get(saves.path, name="officer: open grid", catch_response=True) as page:
            if page.status_code == 404:
                NOT_AVAILABLE.add(f"officer: entry grid ({saves.path} answers 404)")
                page.success()
                return
        if not page.ok:
            return
        form = page_form(page.text)
        changes, expected = saves.edit(form)
        if not changes:
            events.request.fire(
                request_type="POST",
                name="officer: save grid",
                response_time=0,
                response_length=0,
                response=None,
                context={},
                exception=RuntimeError(f"{saves.path}: no enrolled cell in the page's form"),
            )
            return
        response = self._post(form.action or saves.path, form.data(changes))
        if response.status_code == 200 and page_form(response.text).asks_confirmation:
            # A warning box: confirmed and posted again, as the officer does.
            response = self._post(form.action or saves.path, page_form(response.text).data(changes, confirm=True))
        if response.status_code in (302, 303):
            key = f"{saves.province}|{saves.month}"
            SAVED[key] = expected
            SAVES[key] = SAVES.get(key, 0) + 1
            saves.saves += 1

    def _post(self, path: str, data: list[tuple[str, str]]):
        with self.client.post(
            path, data=data, name="officer: save grid", allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code not in (302, 303) and not (
                response.status_code == 200 and page_form(response.text).asks_confirmation
            ):
                response.failure(f"{path} → {response.status_code} {_ERROR_TEXT.findall(response.text)[:3]}")
        return response


def _figures(entry: StatsEntry, seconds: float) -> dict:
    return {
        "requests": entry.num_requests,
        "failures": entry.num_failures,
        "throughput": entry.num_requests / seconds if seconds else 0.0,
        "median_ms": entry.median_response_time,
        "p95_ms": entry.get_response_time_percentile(0.95),
        "max_ms": entry.max_response_time,
    }


@events.request.add_listener
def _by_page(request_type, name, response_time, url=None, **kwargs):
    if url and name != LOGIN:
        path = url.split("://", 1)[-1].split("/", 1)[-1]
        PAGES.setdefault(f"{request_type} /{path}", []).append(response_time)


def _slowest_pages(count: int = 8) -> list[dict]:
    medians = [(sorted(times)[len(times) // 2], page, len(times)) for page, times in PAGES.items()]
    return [{"page": page, "median_ms": median, "requests": n} for median, page, n in sorted(medians)[::-1][:count]]


@events.test_start.add_listener
def _started(environment, **kwargs):
    _STARTED[0] = time.monotonic()


@events.test_stop.add_listener
def _summary(environment, **kwargs):
    stats, seconds = environment.stats, time.monotonic() - _STARTED[0]
    scenarios, every = {}, StatsEntry(stats, "all", "", use_response_times_cache=False)
    for (name, _method), entry in sorted(stats.entries.items()):
        figures = scenarios.setdefault(name, StatsEntry(stats, name, "", use_response_times_cache=False))
        figures.extend(entry)
        if name != LOGIN:
            every.extend(entry)
    errors = [f"{e.name}: {e.error} (×{e.occurrences})" for e in stats.errors.values()]
    summary = {
        "seconds": seconds,
        "users": USERS,
        "scenarios": {name: _figures(entry, seconds) for name, entry in scenarios.items()},
        "all": _figures(every, seconds),
        "errors": errors,
        "saved": SAVED,
        "saves": SAVES,
        "not_available": sorted(NOT_AVAILABLE),
        "slowest_pages": _slowest_pages(),
    }
    with open(os.environ["LOAD_SUMMARY"], "w", encoding="utf-8") as handle:
        json.dump(summary, handle, ensure_ascii=False)
