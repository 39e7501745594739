"""`make bench`: measure pages in-process (Django's test Client, a logged-in superuser) on PostgreSQL.

Each case (bench/results.py) is timed over `requests` requests after one warm-up, its queries are
counted on the case's unit and on a smaller one, its peak Python memory is taken from one request,
and its floor is measured in the same run: the raw SQL's EXPLAIN ANALYZE time plus a bare page of
the same size. A case whose URL answers 404 is reported as "not available" instead of failing the
run; a case that misses a goal is profiled (bench/profiling.py).
"""

import gc
import json
import re
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
import uuid
from collections.abc import Callable
from html import unescape
from pathlib import Path
from urllib.parse import urlencode

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from .forms import Form, page_form
from .profiling import profile_requests
from .results import Case, Resolver, Result

_WRITES = ("resubmit", "apply")
SQL_SHOWN = 2000  # characters of a slow query kept for the report (which shortens it)
BENCH_TOKEN = "bench"  # the name of the token the API cases send


def submit(client: Client, target: str, fields: list[tuple[str, str]], *, multipart: bool):
    """POST a form as a browser does: urlencoded unless it says multipart (the test client's default
    is multipart, whose parsing costs a large grid several milliseconds no real save pays)."""
    if multipart:
        return client.post(target, as_post(fields))
    return client.post(target, urlencode(fields), content_type="application/x-www-form-urlencoded")


def as_post(fields: list[tuple[str, str]]) -> dict[str, list[str]]:
    data: dict[str, list[str]] = {}
    for name, value in fields:
        data.setdefault(name, []).append(value)
    return data


_UNRESOLVED_ROW = re.compile(r'<td class="num">(\d+)</td><td>([^<]*)</td>')


def name_choices(html: str, form: Form) -> dict[str, str]:
    """For each row of the import preview whose commune is asked for (`unit_<line>`), the option
    whose text names exactly the row's name, as the officer reading both would choose."""
    names = {f"unit_{line}": unescape(name).strip() for line, name in _UNRESOLVED_ROW.findall(html)}
    choices = {}
    for select in form.unchosen():
        name = names.get(select.name, "")
        exact = [
            value
            for value, text in select.options
            if value and (text.split(" (")[0] == name or text.split(" (")[0].endswith(f" {name}"))
        ]
        if exact:
            choices[select.name] = exact[0]
    return choices


def reset_peak_rss() -> bool:
    try:
        with open("/proc/self/clear_refs", "w") as handle:
            handle.write("5")  # resets VmHWM, the resident set's high-water mark
        return True
    except OSError:
        return False


def peak_rss_mb() -> float | None:
    with open("/proc/self/status") as handle:
        for line in handle:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return None


def response_body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


class Runner:
    def __init__(
        self,
        *,
        client: Client,
        context: dict,
        requests: int = 20,
        bare_url: str = "/__bench__/bare/",
        profile: bool = True,
    ):
        self.client, self.context, self.requests, self.bare_url = client, context, requests, bare_url
        self.profile = profile
        self._workbooks: dict[str, list[tuple[str, bytes]] | None] = {}
        self._turns: dict[str, int] = {}

    def workbook(self, case: Case) -> tuple[str, bytes] | None:
        """The case's workbook (exported once, not before every request); several are used in turn."""
        if case.name not in self._workbooks:
            made = case.upload(self.client, self.context) if case.upload else None
            self._workbooks[case.name] = [made] if isinstance(made, tuple) else made
        books = self._workbooks[case.name]
        if not books:
            return None
        turn = self._turns.get(case.name, 0)
        self._turns[case.name] = turn + 1
        return books[turn % len(books)]

    def resolve(self, url: str | Resolver | None) -> str | None:
        return url(self.context) if callable(url) else url

    def api_headers(self) -> dict[str, str]:
        """A token of the bench's user, issued once per run; an earlier run's is revoked first (a
        user's active tokens have distinct names, and only its hash was kept)."""
        if "api_token" not in self.context:
            from api.tokens import active_tokens, issue_token, revoke

            for earlier in active_tokens(self.context["user"]).filter(name=BENCH_TOKEN):
                revoke(earlier)
            self.context["api_token"] = issue_token(self.context["user"], BENCH_TOKEN)[1]
        return {"Authorization": f"Bearer {self.context['api_token']}"}

    def request(self, case: Case, url: str) -> Callable | None:
        """One request of the case, ready to send; what is prepared (the form to re-post, the upload
        and its preview before an apply, an API push's body) is not timed."""
        if case.action == "get":
            return lambda: self.client.get(url)
        if case.action == "api_get":
            headers = self.api_headers()
            return lambda: self.client.get(url, headers=headers)
        if case.action == "api_push":
            body = json.dumps(case.payload(self.context))
            headers = {**self.api_headers(), "Idempotency-Key": str(uuid.uuid4())}
            return lambda: self.client.post(url, body, content_type="application/json", headers=headers)
        page = self.client.get(url)
        if page.status_code != 200:
            return lambda: page
        form = page_form(page.content.decode())
        target = form.action or url
        if case.action == "resubmit":
            fields = case.edit(form.data()) if case.edit else form.data()
            return lambda: submit(self.client, target, fields, multipart=form.multipart)
        if case.action not in ("upload", "apply"):
            raise ValueError(case.action)
        workbook = self.workbook(case)
        if workbook is None or not form.files:
            return None
        filename, content = workbook
        data = as_post(form.data())

        def post():
            files = {name: SimpleUploadedFile(filename, content) for name in form.files}
            return self.client.post(target, {**data, **files})

        if case.action == "upload":
            return post
        preview = post()
        if preview.status_code != 200:
            return lambda: preview
        confirm = page_form(preview.content.decode())
        if confirm.unchosen():
            # Names the import could not tell apart: a person picks each row's commune and confirms.
            choices = name_choices(preview.content.decode(), confirm)
            named = submit(
                self.client, confirm.action or url, confirm.data(choices, submit="confirm"), multipart=confirm.multipart
            )
            confirm = page_form(named.content.decode()) if named.status_code == 200 else confirm
        fields = confirm.data(submit="apply")
        return lambda: submit(self.client, confirm.action or url, fields, multipart=confirm.multipart)

    def run(self, case: Case) -> Result:
        url = self.resolve(case.url)
        if url is None:
            return Result.of(case, "not available (no such data)")
        probe = (
            self.client.get(url, headers=self.api_headers())
            if case.action == "api_get"
            else (None if case.action == "api_push" else self.client.get(url))
        )
        if probe is None:
            pass  # a write-only endpoint: its first request below is the probe
        elif probe.status_code == 404:
            return Result.of(case, "not available (404)")
        elif probe.status_code != 200:
            return Result.of(case, f"error {probe.status_code}")
        send = self.request(case, url)
        if send is None:
            return Result.of(case, "not available (no upload form or workbook)")
        first = send()  # warm-up: template loading, connection
        self._follow(first)
        if case.expect is not None:
            if first.status_code != case.expect:
                return Result.of(case, f"error {first.status_code}, not {case.expect}")
        elif first.status_code >= 400 or (case.reading and first.status_code != 200):
            return Result.of(case, f"error {first.status_code}")
        if case.action in _WRITES and first.status_code != 302:
            # A re-rendered form (errors, unconfirmed warnings, a closed month) saved nothing.
            return Result.of(case, f"error: answered {first.status_code}, not a redirect (nothing saved)")
        result = Result.of(case, "ok")
        result.size = len(response_body(first))
        self._time(case, url, result)
        if result.failures:
            result.status = f"error: {result.failures} of {self.requests} requests failed"
        result.queries, result.page_sql_ms, result.slowest_queries = self._queries(case, url)
        small = self.resolve(case.small_url)
        if small:
            result.small_queries = self._queries(case, small)[0]
        result.peak_mb, result.peak_rss_mb = self._peak(case, url)
        result.sql_floor_ms = self.sql_floor(case)
        result.bare_floor_ms = self.bare_floor(result.size)
        result.unskippable_ms = case.unskippable[1](self, case) if case.unskippable else None
        if self.profile and result.missed:
            result.profile = profile_requests(lambda: self.request(case, url), after=self._follow)
        return result

    def _time(self, case: Case, url: str, result: Result) -> None:
        expected = case.expect or (302 if case.action in _WRITES else 200)
        for _ in range(self.requests):
            send = self.request(case, url)
            gc.collect()
            started, cpu = time.perf_counter(), time.process_time()
            response = send()
            if response.streaming:
                b"".join(response.streaming_content)
            result.times_ms.append((time.perf_counter() - started) * 1000)
            result.cpu_ms.append((time.process_time() - cpu) * 1000)
            if response.status_code != expected:
                result.failures += 1
            self._follow(response)

    def _follow(self, response) -> None:
        """After a save, untimed, as a browser does: the page redirected to shows (and so uses up)
        its message; left waiting, messages would pile up in the session."""
        if response.status_code == 302:
            self.client.get(response["Location"])

    def _queries(self, case: Case, url: str) -> tuple[int, float, list[tuple[float, str]]]:
        """How many queries one request makes, their time, and the slowest three (ms, SQL)."""
        send = self.request(case, url)
        with CaptureQueriesContext(connection) as captured:
            response = send()
        # Read before the next request: a request's start empties the connection's query log.
        timed = sorted(((float(q["time"]) * 1000, q["sql"]) for q in captured.captured_queries), reverse=True)
        self._follow(response)
        return len(timed), sum(ms for ms, _sql in timed), [(ms, sql[:SQL_SHOWN]) for ms, sql in timed[:3]]

    def _peak(self, case: Case, url: str) -> tuple[float, float | None]:
        """Python's peak allocation during one request, and the process's resident set at its peak
        (Linux: the high-water mark is reset first, so it is this request's, worker included)."""
        send = self.request(case, url)
        gc.collect()
        reset = reset_peak_rss()
        tracemalloc.start()
        try:
            response = send()
            if response.streaming:
                b"".join(response.streaming_content)
            peak = tracemalloc.get_traced_memory()[1] / 2**20
        finally:
            tracemalloc.stop()
        rss = peak_rss_mb() if reset else None
        self._follow(response)
        if case.goal_rss_mb is not None and case.action == "upload":
            rss = self.fresh_worker_rss(case, url)
        return peak, rss

    def fresh_worker_rss(self, case: Case, url: str) -> float | None:
        """The peak resident set of a fresh process that posts each of the case's workbooks, as a
        worker just started would; None when it could not tell (no /proc, an answer not expected)."""
        books = self._workbooks.get(case.name) or []
        with tempfile.TemporaryDirectory() as folder:
            paths = []
            for filename, content in books:
                path = Path(folder) / filename
                path.write_bytes(content)
                paths.append(str(path))
            done = subprocess.run(
                [sys.executable, "-m", "bench.worker_memory", str(self.context["user"].pk), url, *paths],
                capture_output=True,
                text=True,
                check=False,
                cwd=Path(__file__).resolve().parents[1],
            )
        try:
            answer = json.loads(done.stdout.strip().splitlines()[-1])
        except (IndexError, ValueError):
            return None
        expected = case.expect or 200
        if any(status != expected for status in answer.get("statuses", [None])):
            return None
        return answer["peak_rss_mb"]

    def sql_floor(self, case: Case, runs: int = 5) -> float | None:
        """EXPLAIN (ANALYZE) of the raw SQL: planning + execution, median of a few runs, rolled back."""
        if not case.floor_sql or connection.vendor != "postgresql":
            return None
        statements = case.floor_sql(self.context) if callable(case.floor_sql) else [(case.floor_sql, [])]
        return self.explain_ms(statements, runs=runs)

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

    @staticmethod
    def median_ms(work: Callable[[], object], runs: int = 5) -> float:
        """The median time of `work` alone, each run after a garbage collection, as before every
        timed request: the work a case cannot skip, timed apart from its request."""
        timings = []
        for _ in range(runs):
            gc.collect()
            started = time.perf_counter()
            work()
            timings.append((time.perf_counter() - started) * 1000)
        return statistics.median(timings)

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
