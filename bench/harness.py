"""`make bench`: measure pages in-process (Django's test Client, a logged-in superuser) on PostgreSQL.

Each case is a small declarative entry (see reports/bench_cases.py): a name, the URL (or a callable
that finds it in the synthetic country), what the request does (GET, re-post the page's own form,
upload a workbook), and the raw SQL that computes the same figures. A case whose URL answers 404
on this branch is reported as "not available yet" instead of failing the run.
"""

import gc
import json
import resource
import statistics
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urlencode

from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

Resolver = Callable[[dict], str | None]


@dataclass(frozen=True)
class Case:
    name: str
    url: str | Resolver
    floor_sql: str | Callable[[dict], tuple[str, list]] = ""
    # get | resubmit (GET the page, POST its form back: must redirect, i.e. save) | upload (POST a
    # workbook: the preview) | apply (upload untimed, then POST the preview's apply form: must redirect)
    action: str = "get"
    goal_ms: float | None = None
    goal_mb: float | None = None
    small_url: str | Resolver | None = None  # the same page on a smaller unit: queries must not grow
    # the workbook to upload, or several used in turn
    upload: Callable[[Client, dict], tuple[str, bytes] | list[tuple[str, bytes]] | None] | None = None
    edit: Callable[[list[tuple[str, str]]], list[tuple[str, str]]] | None = None  # what a save changes
    note: str = ""
    # Work the case cannot skip that its floor leaves out (the audit records a save writes, reading
    # the workbook): what it is, and how to time it alone. Reported beside the floor, never in it.
    unskippable: tuple[str, Callable[["Runner", "Case"], float | None]] | None = None


def _median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


@dataclass
class Result:
    case: Case
    status: str
    times_ms: list[float] = field(default_factory=list)
    cpu_ms: list[float] = field(default_factory=list)  # this process's CPU time: not inflated by waiting
    # GET pages: each request right after a write (the page recomputed, not served as kept)
    cold_times_ms: list[float] = field(default_factory=list)
    cold_cpu_ms: list[float] = field(default_factory=list)
    queries: int | None = None  # a GET page's are counted right after a write: its real work
    page_sql_ms: float | None = None  # the page's own queries, as Django timed them
    small_queries: int | None = None
    peak_mb: float | None = None
    rss_delta_mb: float | None = None
    size: int = 0
    sql_floor_ms: float | None = None
    bare_floor_ms: float | None = None
    unskippable_ms: float | None = None
    failures: int = 0

    @property
    def median(self) -> float | None:
        return _median(self.times_ms)

    @property
    def cpu_median(self) -> float | None:
        return _median(self.cpu_ms)

    @property
    def p95(self) -> float | None:
        if not self.times_ms:
            return None
        ordered = sorted(self.times_ms)
        return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]

    @property
    def cold_median(self) -> float | None:
        return _median(self.cold_times_ms)

    @property
    def cold_cpu_median(self) -> float | None:
        return _median(self.cold_cpu_ms)

    @property
    def floor_ms(self) -> float | None:
        """The least a page can cost: computing its figures in SQL plus serving as many bytes."""
        if self.sql_floor_ms is None or self.bare_floor_ms is None:
            return None
        return self.sql_floor_ms + self.bare_floor_ms

    @property
    def ratio(self) -> float | None:
        return self._to_floor(self.median)

    @property
    def cold_ratio(self) -> float | None:
        return self._to_floor(self.cold_median)

    def _to_floor(self, ms: float | None) -> float | None:
        return ms / self.floor_ms if ms is not None and self.floor_ms else None


@dataclass
class PostForm:
    action: str | None
    data: list[tuple[str, str]] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    multipart: bool = False  # enctype="multipart/form-data"; otherwise sent urlencoded, as browsers do


_WRITES = ("resubmit", "apply")

# Forms every page carries (base.html): never the page's own form.
_CHROME_ACTIONS = ("/i18n/", "/accounts/logout/")


class _FormReader(HTMLParser):
    """Every POST form's fields, as a browser would submit them unchanged."""

    def __init__(self):
        super().__init__()
        self.forms: list[PostForm] = []
        self._form: PostForm | None = None
        self._textarea = False
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            is_post = (a.get("method") or "").lower() == "post"
            multipart = (a.get("enctype") or "").lower() == "multipart/form-data"
            self._form = PostForm(action=a.get("action"), multipart=multipart) if is_post else None
            if self._form:
                self.forms.append(self._form)
        elif self._form is None:
            return
        elif tag == "input" and a.get("name") and "disabled" not in a:
            kind = (a.get("type") or "text").lower()
            if kind == "file":
                self._form.files.append(a["name"])
            elif kind in ("checkbox", "radio"):
                if "checked" in a:
                    self._form.data.append((a["name"], a.get("value") or "on"))
            elif kind not in ("submit", "button", "reset", "image"):
                self._form.data.append((a["name"], a.get("value") or ""))
        elif tag == "textarea" and a.get("name"):
            self._textarea = True
            self._form.data.append((a["name"], ""))
        elif tag == "select" and a.get("name"):
            self._select = a["name"]
        elif tag == "option" and self._select and "selected" in a:
            self._form.data.append((self._select, a.get("value") or ""))

    def handle_data(self, data):
        if self._textarea and self._form is not None:
            name, text = self._form.data[-1]
            self._form.data[-1] = (name, text + data)

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = False
        elif tag == "select":
            self._select = None
        elif tag == "form":
            self._form = None


def read_form(html: str) -> PostForm:
    """The page's own POST form: the one with the most fields, leaving out the language switch and
    the logout button every page carries. None found: an empty form posting to the page itself."""
    reader = _FormReader()
    reader.feed(html)
    own = [f for f in reader.forms if not any(chrome in (f.action or "") for chrome in _CHROME_ACTIONS)]
    return max(own, key=lambda f: len(f.data) + len(f.files), default=PostForm(action=None))


def _submit(client: Client, target: str, fields: list[tuple[str, str]], *, multipart: bool):
    """POST a form as a browser does: urlencoded unless it says multipart (the test client's default
    is multipart, whose parsing costs a 30-commune grid several milliseconds no real save pays)."""
    if multipart:
        return client.post(target, _as_post(fields))
    return client.post(target, urlencode(fields), content_type="application/x-www-form-urlencoded")


def _as_post(fields: list[tuple[str, str]]) -> dict[str, list[str]]:
    data: dict[str, list[str]] = {}
    for name, value in fields:
        data.setdefault(name, []).append(value)
    return data


def _nothing(context: dict) -> None:
    pass


class Runner:
    def __init__(self, *, client: Client, context: dict, requests: int = 20, bare_url: str = "/__bench__/bare/",
                 expire: Callable[[dict], None] = _nothing):
        """`expire` runs untimed before a GET that must be recomputed: a write (run_bench changes one
        commune's count, as a save would), or by default the kept pages forgotten."""
        self.client, self.context, self.requests, self.bare_url = client, context, requests, bare_url
        self.expire = expire
        self._workbooks: dict[str, list[tuple[str, bytes]] | None] = {}
        self._turn = 0

    def workbook(self, case: Case) -> tuple[str, bytes] | None:
        """The case's workbook (exported once, not before every request); several are used in turn."""
        if case.name not in self._workbooks:
            made = case.upload(self.client, self.context) if case.upload else None
            self._workbooks[case.name] = [made] if isinstance(made, tuple) else made
        books = self._workbooks[case.name]
        if not books:
            return None
        self._turn += 1
        return books[self._turn % len(books)]

    def resolve(self, url: str | Resolver | None) -> str | None:
        return url(self.context) if callable(url) else url

    def request(self, case: Case, url: str):
        """One request of the case; what is prepared (the form to re-post) is not timed."""
        if case.action == "get":
            return lambda: self.client.get(url)
        if case.action == "resubmit":
            page = self.client.get(url)
            if page.status_code != 200:
                return lambda: page
            form = read_form(page.content.decode())
            target = form.action or url
            fields = case.edit(form.data) if case.edit else form.data
            return lambda: _submit(self.client, target, fields, multipart=form.multipart)
        if case.action in ("upload", "apply"):
            page = self.client.get(url)
            if page.status_code != 200:
                return lambda: page
            form = read_form(page.content.decode())
            workbook = self.workbook(case)
            if workbook is None or not form.files:
                return None
            filename, content = workbook
            data = _as_post(form.data)
            target = form.action or url

            def post():
                from django.core.files.uploadedfile import SimpleUploadedFile

                files = {name: SimpleUploadedFile(filename, content) for name in form.files}
                return self.client.post(target, {**data, **files})

            if case.action == "upload":
                return post
            preview = post()  # untimed: the upload and its preview
            if preview.status_code != 200:
                return lambda: preview
            confirm = read_form(preview.content.decode())
            fields = [*confirm.data, ("apply", "1")]
            return lambda: _submit(self.client, confirm.action or url, fields, multipart=confirm.multipart)
        raise ValueError(case.action)

    def run(self, case: Case) -> Result:
        if case.action == "call":
            return self.run_call(case)
        url = self.resolve(case.url)
        if url is None:
            return Result(case, "not available yet (no such data)")
        probe = self.client.get(url)
        if probe.status_code == 404:
            return Result(case, "not available yet (404 on this branch)")
        if probe.status_code != 200:
            return Result(case, f"error {probe.status_code}")
        result = Result(case, "ok")
        send = self.request(case, url)
        if send is None:
            return Result(case, "not available yet (no upload form or workbook)")
        first = send()  # warm-up: template loading, connection
        self._follow(first)
        if first.status_code >= 400 or (case.action == "get" and first.status_code != 200):
            return Result(case, f"error {first.status_code}")
        if case.action in _WRITES and first.status_code != 302:
            # A re-rendered form (errors, unconfirmed warnings, a closed month) saved nothing.
            return Result(case, f"error: answered {first.status_code}, not a redirect (nothing saved)")
        result.size = len(b"".join(first.streaming_content) if first.streaming else first.content)
        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        for _ in range(self.requests):
            send = self.request(case, url)
            gc.collect()
            started, cpu = time.perf_counter(), time.process_time()
            response = send()
            if response.streaming:
                b"".join(response.streaming_content)
            result.times_ms.append((time.perf_counter() - started) * 1000)
            result.cpu_ms.append((time.process_time() - cpu) * 1000)
            expected = 302 if case.action in _WRITES else response.status_code if case.action == "upload" else 200
            if response.status_code != expected or response.status_code >= 400:
                result.failures += 1
            self._follow(response)
        if case.action == "get":
            result.cold_times_ms, result.cold_cpu_ms = self._cold_times(url)
        if result.failures:
            result.status = f"error: {result.failures} of {self.requests} requests failed"
        result.rss_delta_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_before) / 1024
        result.queries, result.page_sql_ms = self._queries(case, url)
        small = self.resolve(case.small_url)
        if small:
            result.small_queries = self._queries(case, small)[0]
        result.peak_mb = self._peak(case, url)
        result.sql_floor_ms = self.sql_floor(case)
        result.bare_floor_ms = self.bare_floor(result.size)
        result.unskippable_ms = case.unskippable[1](self, case) if case.unskippable else None
        return result

    def run_call(self, case: Case) -> Result:
        """A case that is a Python callable (a selector), timed without HTTP around it."""
        result = Result(case, "ok")
        case.url(self.context)
        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        for _ in range(self.requests):
            gc.collect()
            started, cpu = time.perf_counter(), time.process_time()
            case.url(self.context)
            result.times_ms.append((time.perf_counter() - started) * 1000)
            result.cpu_ms.append((time.process_time() - cpu) * 1000)
        result.rss_delta_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_before) / 1024
        with CaptureQueriesContext(connection) as captured:
            case.url(self.context)
        result.queries = len(captured)
        result.page_sql_ms = sum(float(q["time"]) for q in captured.captured_queries) * 1000
        gc.collect()
        tracemalloc.start()
        try:
            case.url(self.context)
            result.peak_mb = tracemalloc.get_traced_memory()[1] / 2**20
        finally:
            tracemalloc.stop()
        result.sql_floor_ms = self.sql_floor(case)
        result.bare_floor_ms = 0.0
        return result

    def _follow(self, response) -> None:
        """After a save, untimed, as a browser does: the page redirected to shows (and so uses up)
        its message. Left waiting, messages would pile up and every later page would be recomputed."""
        if response.status_code == 302:
            self.client.get(response["Location"])

    def _cold_times(self, url: str) -> tuple[list[float], list[float]]:
        """The same page right after a write, which no kept page survives (reports/page_cache.py):
        server times and this process's CPU times."""
        times, cpu_times = [], []
        for _ in range(max(5, self.requests // 2)):
            self.expire(self.context)
            gc.collect()
            started, cpu = time.perf_counter(), time.process_time()
            response = self.client.get(url)
            if response.streaming:
                b"".join(response.streaming_content)
            times.append((time.perf_counter() - started) * 1000)
            cpu_times.append((time.process_time() - cpu) * 1000)
        return times, cpu_times

    def _queries(self, case: Case, url: str) -> tuple[int, float]:
        send = self.request(case, url)
        if case.action == "get":
            self.expire(self.context)
        with CaptureQueriesContext(connection) as captured:
            response = send()
        # Read before the next request: a request's start empties the connection's query log.
        counted = len(captured), sum(float(q["time"]) for q in captured.captured_queries) * 1000
        self._follow(response)
        return counted

    def _peak(self, case: Case, url: str) -> float:
        send = self.request(case, url)
        if case.action == "get":
            self.expire(self.context)
        gc.collect()
        tracemalloc.start()
        try:
            response = send()
            if response.streaming:
                b"".join(response.streaming_content)
            peak = tracemalloc.get_traced_memory()[1] / 2**20
        finally:
            tracemalloc.stop()
        self._follow(response)
        return peak

    def sql_floor(self, case: Case, runs: int = 5) -> float | None:
        """EXPLAIN (ANALYZE) of the raw SQL: planning + execution, median of a few runs, rolled back."""
        if not case.floor_sql or connection.vendor != "postgresql":
            return None
        return self.explain_ms([case.floor_sql(self.context) if callable(case.floor_sql) else (case.floor_sql, [])],
                               runs=runs)

    @staticmethod
    def explain_ms(statements: list[tuple[str, list]], runs: int = 5) -> float:
        """EXPLAIN (ANALYZE) planning + execution of the statements run in turn in one transaction
        (rolled back: a floor that writes must not change the data), summed; median of a few runs."""
        timings = []
        for _ in range(runs + 1):
            total = 0.0
            with transaction.atomic(), connection.cursor() as cursor:
                for sql, params in statements:
                    cursor.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {sql}", params)
                    plan = cursor.fetchone()[0]
                    plan = json.loads(plan) if isinstance(plan, str) else plan
                    total += plan[0]["Planning Time"] + plan[0]["Execution Time"]
                transaction.set_rollback(True)
            timings.append(total)
        return statistics.median(timings[1:])

    def bare_floor(self, size: int) -> float:
        """A bare Django view returning as many bytes, through the same middleware and client."""
        url = f"{self.bare_url}{size}/"
        self.client.get(url)
        timings = []
        for _ in range(self.requests):
            started = time.perf_counter()
            self.client.get(url)
            timings.append((time.perf_counter() - started) * 1000)
        return statistics.median(timings)
