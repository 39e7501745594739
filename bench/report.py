"""The figures of `make bench` in docs/benchmarks.md, between its two markers; the text around them
is written by hand and never touched here.

    python -m bench.report docs/benchmarks.md today.json history.json

Each JSON file is one database's run (`manage.py run_bench --output`). Standard library only: the
report is assembled after the runs, without Django.
"""

import json
import re
import sys
from pathlib import Path

from .results import FLOOR_FACTOR, Result

START, END = "<!-- results: start -->", "<!-- results: end -->"


def write_between_markers(path: Path, text: str) -> None:
    """Replace what lies between the markers (appended at the end when the file has none)."""
    document = path.read_text(encoding="utf-8") if path.exists() else ""
    if START in document and END in document:
        before, rest = document.split(START, 1)
        after = rest.split(END, 1)[1]
    else:
        before, after = document.rstrip() + ("\n\n" if document.strip() else ""), "\n"
    path.write_text(f"{before}{START}\n{text.strip()}\n{END}{after}", encoding="utf-8")


def number(value: float | None) -> str:
    """1 234,5 as the report writes times and sizes (Vietnamese decimal comma)."""
    return "–" if value is None else f"{value:,.1f}".replace(",", " ").replace(".", ",")


def ratio(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f}×".replace(".", ",")


def _queries(r: Result) -> str:
    if r.queries is None:
        return "–"
    return str(r.queries) if r.small_queries is None else f"{r.small_queries} → {r.queries}"


def _goals(r: Result) -> str:
    return "; ".join(f"{'✅' if met else '❌'} {what}" for what, met in r.verdicts()) or "–"


HEADER = [
    "| case | status | median ms | p95 ms | Python CPU ms | queries | page SQL ms | peak MB | size kB "
    "| SQL floor ms | bare page ms | floor ms | ratio | goals |",
    "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
]


def _rss(result: Result) -> str:
    return f" (RSS {number(result.peak_rss_mb)})" if result.peak_rss_mb is not None else ""


def table(results: list[Result]) -> list[str]:
    return HEADER + [
        f"| {r.name} | {r.status} | {number(r.median)} | {number(r.p95)} | {number(r.cpu_median)} | {_queries(r)} "
        f"| {number(r.page_sql_ms)} | {number(r.peak_mb)}{_rss(r)} | {r.size / 1024:.0f} | {number(r.sql_floor_ms)} "
        f"| {number(r.bare_floor_ms)} | {number(r.floor_ms)} | {ratio(r.ratio)} | {_goals(r)} |"
        for r in results
    ]


def goal_lines(results: list[Result]) -> list[str]:
    """The goals one by one: met, missed, or not measured."""
    lines = []
    for r in results:
        wanted = " and ".join(
            text
            for text in (
                f"median ≤ {r.goal_ms:g} ms" if r.goal_ms is not None else "",
                f"peak ≤ {r.goal_mb:g} MB" if r.goal_mb is not None else "",
                f"a fresh worker's peak RSS ≤ {r.goal_rss_mb:g} MB" if r.goal_rss_mb is not None else "",
            )
            if text
        )
        if not wanted:
            continue
        if not r.ok:
            lines.append(f"- {r.name}: {wanted}: **not measured** ({r.status}).")
            continue
        met = all(met for what, met in r.verdicts() if "ms" in what or "MB" in what)
        got = (
            f"median {number(r.median)} ms"
            + (f", peak {number(r.peak_mb)} MB" if r.goal_mb is not None else "")
            + (
                f", RSS {number(r.peak_rss_mb)}" + (" MB" if r.peak_rss_mb is not None else "")
                if r.goal_rss_mb is not None
                else ""
            )
        )
        lines.append(f"- {r.name}: {wanted}: {'met' if met else '**missed**'} ({got}).")
    reading = [r for r in results if r.ok and r.action == "get" and r.ratio is not None]
    over = [f"{r.name} ({ratio(r.ratio)}{_counted_in(r)})" for r in reading if r.ratio > FLOOR_FACTOR]
    lines.append(
        f"- Every reading page within {FLOOR_FACTOR}× its floor: {len(reading) - len(over)} of "
        f"{len(reading)}" + (f"; over: {', '.join(over)}." if over else ".")
    )
    checked = [r for r in results if r.ok and r.small_queries is not None]
    grown = [r.name for r in checked if r.small_queries != r.queries]
    lines.append(
        f"- Queries constant as the data grows (small unit → large unit): {len(checked) - len(grown)} of "
        f"{len(checked)} checked" + (f"; grew: {', '.join(grown)}." if grown else ".")
    )
    return lines


def missed_lines(results: list[Result]) -> list[str]:
    """Each case that missed a goal: where its time went, and the top of its profile."""
    lines = []
    for r in results:
        if not (r.ok and r.missed):
            continue
        lines += [
            "",
            f"#### {r.name}",
            "",
            f"{_goals(r)}. Median {number(r.median)} ms; its {r.queries} queries took {number(r.page_sql_ms)} ms "
            f"(one request, as Django timed them); this process's CPU time per request {number(r.cpu_median)} ms "
            f"(Python: views, templates, workbook, the driver's side of the queries). Floor: SQL "
            f"{number(r.sql_floor_ms)} ms + bare page {number(r.bare_floor_ms)} ms." + _unskippable(r) + _case_speed(r),
        ]
        if r.slowest_queries:
            lines += ["", "Its slowest queries (ms, as Django timed them):", ""]
            lines += [f"- {number(ms)}: `{_shortened(sql)}`" for ms, sql in r.slowest_queries]
        if r.profile:
            lines += ["", "```", *r.profile.splitlines(), "```"]
    return lines


def _shortened(sql: str, limit: int = 260) -> str:
    """The query on one line without its column list: what it reads and how is what tells which
    query of the page it is."""
    text = _COLUMNS.sub(r"\1 … FROM ", " ".join(sql.split()), count=1)
    return text if len(text) <= limit else text[:limit] + " …"


_COLUMNS = re.compile(r"^(SELECT(?: DISTINCT)?) .*? FROM ")


def _unskippable(r: Result) -> str:
    """The work the case cannot skip that its floor leaves out, timed alone in the same run."""
    if r.unskippable_ms is None or not r.floor_ms:
        return ""
    with_it = r.floor_ms + r.unskippable_ms
    return (
        f" Left out of that floor, timed alone: {r.unskippable}, {number(r.unskippable_ms)} ms; counted in, the "
        f"floor would be {number(with_it)} ms and this case {ratio(r.median / with_it)} of it."
    )


def _counted_in(r: Result) -> str:
    """A page over its floor: its ratio with the work timed alone counted in, where it has some."""
    if r.unskippable_ms is None or not r.floor_ms:
        return ""
    return f"; {ratio(r.median / (r.floor_ms + r.unskippable_ms))} with {r.unskippable.split(' (')[0]} counted in"


def _case_speed(r: Result) -> str:
    if r.python_loop_ms is None:
        return ""
    return f" The machine's speed just before this case: the fixed Python work took {number(r.python_loop_ms)} ms."


def _speed(run: dict) -> str:
    """The machine's speed at the run, for comparing runs across machines (bench/calibration.py)."""
    if "python_loop_ms" not in run:
        return ""
    before, after = run["python_loop_ms"]
    return (
        f" The machine's speed: a fixed piece of page-like Python work (`bench/calibration.py`) took "
        f"{number(before)} ms before the cases and {number(after)} ms after."
    )


def render_run(run: dict) -> list[str]:
    results = [Result.from_dict(data) for data in run["results"]]
    (b1, b5, b15), (a1, a5, a15) = run["load"]
    lines = [
        f"### {run['title']} (`{run['database']}`)",
        "",
        f"Measured {run['measured_at']}, {run['requests']} timed requests per case after one warm-up. "
        f"Data: {run['data']}. Cases on: {run['context']}. Load average (1/5/15 min) before "
        f"{b1:.2f}/{b5:.2f}/{b15:.2f}, after {a1:.2f}/{a5:.2f}/{a15:.2f}.{_speed(run)}",
        "",
        *table(results),
        "",
        "Goals:",
        "",
        *goal_lines(results),
    ]
    missed = missed_lines(results)
    if missed:
        lines += ["", f"Missed goals on `{run['database']}`, with the top of each profile:", *missed]
    notes = [f"- {r.name}: {r.note}" for r in results if r.note]
    return lines + (["", "Notes on cases:", "", *notes] if notes else [])


def render(runs: list[dict]) -> str:
    lines = []
    for run in runs:
        lines += [*render_run(run), ""]
    if runs:
        lines += ["### Machine", "", *(f"- {line}" for line in runs[0]["machine"])]
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    if len(argv) < 2:
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    runs = [json.loads(Path(name).read_text(encoding="utf-8")) for name in argv[1:]]
    write_between_markers(Path(argv[0]), render(runs))
    print(f"{argv[0]}: {sum(len(run['results']) for run in runs)} cases from {len(runs)} database(s)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
