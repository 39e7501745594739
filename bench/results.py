"""What a bench case is and what measuring it gives, kept apart from how it is measured.

A `Case` is declared in bench/cases_*.py: a name, the URL (or a callable that finds it in the
country), what the request does (GET, re-post the page's own form, upload a workbook), the raw SQL
that computes the same figures, and its goals. A `Result` holds plain values only, so that a run
on one database can be written as JSON and the report assembled from several (bench/report.py).
"""

import statistics
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, fields

# A reading page may cost at most this many times its floor.
FLOOR_FACTOR = 5

Resolver = Callable[[dict], str | None]


@dataclass(frozen=True)
class Case:
    name: str
    url: str | Resolver
    floor_sql: str | Callable[[dict], list[tuple[str, list]]] = ""
    # get | resubmit (GET the page, POST its form back: must redirect, i.e. save) | upload (POST a
    # workbook: the preview) | apply (upload untimed, then POST the preview's apply form: must redirect)
    # | api_get, api_push (the JSON API with a token; a push's body is built untimed before each request)
    action: str = "get"
    goal_ms: float | None = None
    goal_mb: float | None = None
    goal_rss_mb: float | None = None  # the process's peak resident set, for the cases about a worker's memory
    small_url: str | Resolver | None = None  # the same page on a smaller unit: queries must not grow
    upload: Callable | None = None  # (client, context) → (name, bytes), several in turn, or None
    edit: Callable[[list[tuple[str, str]]], list[tuple[str, str]]] | None = None  # what a save changes
    note: str = ""
    # Work the case cannot skip that its floor leaves out (the audit records a save writes, reading
    # the workbook): what it is, and how to time it alone. Reported beside the floor, never in it.
    unskippable: tuple[str, Callable] | None = None
    payload: Callable[[dict], dict] | None = None  # an api_push's JSON body, from the context
    expect: int | None = None  # the status every timed request must answer, when not the action's usual

    @property
    def reading(self) -> bool:
        return self.action == "get"


def _median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


@dataclass
class Result:
    name: str
    status: str
    action: str = "get"
    goal_ms: float | None = None
    goal_mb: float | None = None
    goal_rss_mb: float | None = None
    note: str = ""
    times_ms: list[float] = field(default_factory=list)
    cpu_ms: list[float] = field(default_factory=list)  # this process's CPU time: not inflated by waiting
    queries: int | None = None
    page_sql_ms: float | None = None  # the page's own queries, as Django timed them
    slowest_queries: list[tuple[float, str]] = field(default_factory=list)  # (ms, SQL) of the counted request
    small_queries: int | None = None
    peak_mb: float | None = None
    peak_rss_mb: float | None = (
        None  # resident set at its peak during the request (an upload with a memory goal: in a fresh process)
    )
    size: int = 0
    sql_floor_ms: float | None = None
    bare_floor_ms: float | None = None
    unskippable: str = ""
    unskippable_ms: float | None = None
    failures: int = 0
    profile: str = ""  # the top of a profile, for a case that missed a goal
    python_loop_ms: float | None = None  # the machine's speed just before the case (bench/calibration.py)

    @classmethod
    def of(cls, case: Case, status: str) -> "Result":
        return cls(
            name=case.name,
            status=status,
            action=case.action,
            goal_ms=case.goal_ms,
            goal_mb=case.goal_mb,
            goal_rss_mb=case.goal_rss_mb,
            note=case.note,
            unskippable=case.unskippable[0] if case.unskippable else "",
        )

    @classmethod
    def from_dict(cls, data: dict) -> "Result":
        known = {f.name for f in fields(cls)}
        values = {key: value for key, value in data.items() if key in known}
        values["slowest_queries"] = [tuple(q) for q in values.get("slowest_queries", [])]
        return cls(**values)

    def to_dict(self) -> dict:
        return asdict(self)

    @property
    def ok(self) -> bool:
        return self.status == "ok"

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
    def floor_ms(self) -> float | None:
        """The least a page can cost: computing its figures in SQL plus serving as many bytes."""
        if self.sql_floor_ms is None or self.bare_floor_ms is None:
            return None
        return self.sql_floor_ms + self.bare_floor_ms

    @property
    def ratio(self) -> float | None:
        median, floor = self.median, self.floor_ms
        return median / floor if median is not None and floor else None

    def verdicts(self) -> list[tuple[str, bool]]:
        """Each goal the case has, as (what, met): time, memory, floor (reading pages), queries."""
        if not self.ok:
            return []
        out = []
        if self.goal_ms is not None:
            out.append((f"≤ {self.goal_ms:g} ms", self.median <= self.goal_ms))
        if self.goal_mb is not None and self.peak_mb is not None:
            out.append((f"≤ {self.goal_mb:g} MB", self.peak_mb <= self.goal_mb))
        if self.goal_rss_mb is not None:
            # Unmeasured (no /proc, the fresh worker's answers not the expected ones) is not met.
            rss = self.peak_rss_mb
            out.append((f"RSS ≤ {self.goal_rss_mb:g} MB", rss is not None and rss <= self.goal_rss_mb))
        if self.action == "get" and self.ratio is not None:
            out.append((f"≤ {FLOOR_FACTOR}× floor", self.ratio <= FLOOR_FACTOR))
        if self.small_queries is not None:
            out.append(("queries constant", self.small_queries == self.queries))
        return out

    @property
    def missed(self) -> bool:
        return any(not met for _goal, met in self.verdicts())
