"""The load test's figures: printed per scenario, judged against the goal, and written into
docs/load.md between its markers (the text around them is written by hand)."""

import datetime as dt
import json
import os
from pathlib import Path

from .report import write_between_markers

LOGIN = "login"


def _rows(summary: dict) -> list[tuple[str, dict]]:
    """The scenarios, the logins, then every request but the logins (what the goal is judged on)."""
    scenarios = summary["scenarios"]
    named = sorted((name, figures) for name, figures in scenarios.items() if name != LOGIN)
    return named + ([(LOGIN, scenarios[LOGIN])] if LOGIN in scenarios else []) + [("all but logins", summary["all"])]


def errors(summary: dict) -> int:
    return sum(figures["failures"] for figures in summary["scenarios"].values())


def verdict(summary: dict, config, problems: list[str]) -> bool:
    return not errors(summary) and not problems and summary["all"]["p95_ms"] <= config.p95_goal_ms


def _saves_line(summary: dict, problems: list[str]) -> str:
    saves = sum(summary["saves"].values())
    check = "every saved figure stored exactly once, as saved last" if not problems else "FAILED"
    return f"saved grids: {saves} saves of {len(summary['saved'])} province-months; check: {check}"


def print_summary(summary: dict, config, problems: list[str]) -> None:
    print(f"\n{summary['users']} users, {summary['seconds']:.0f} s, think time ~{config.think_ms} ms")
    print(f"{'scenario':<26}{'requests':>9}{'req/s':>8}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}{'errors':>8}")
    for name, f in _rows(summary):
        print(
            f"{name:<26}{f['requests']:>9}{f['throughput']:>8.1f}{f['median_ms']:>9.0f}{f['p95_ms']:>9.0f}"
            f"{f['max_ms']:>9.0f}{f['failures']:>8}"
        )
    for line in summary["not_available"]:
        print(f"not available: {line}")
    for line in summary["errors"][:10]:
        print(f"error: {line}")
    for page in summary.get("slowest_pages", []):
        print(f"slow page: {page['page']} median {page['median_ms']:.0f} ms ({page['requests']} requests)")
    print(_saves_line(summary, problems))
    for problem in problems:
        print(f"check: {problem}")
    passed = verdict(summary, config, problems)
    print(
        json.dumps(
            {
                "users": summary["users"],
                "seconds": round(summary["seconds"]),
                "requests": summary["all"]["requests"],
                "throughput_rps": round(summary["all"]["throughput"], 1),
                "p95_ms": summary["all"]["p95_ms"],
                "errors": errors(summary),
                "saved_figures_check": not problems,
                "goal_met": passed,
            }
        )
    )
    print(f"GOAL MET: 0 errors, p95 ≤ {config.p95_goal_ms} ms, every saved figure once" if passed else "GOAL MISSED")


def _count(value: float) -> str:
    return f"{value:,.0f}".replace(",", ".")


def _decimal(value: float) -> str:
    return f"{value:.1f}".replace(".", ",")


def write_report(path: Path, summary: dict, config, problems: list[str]) -> None:
    """The run's figures in docs/load.md, between the markers."""
    load = os.getloadavg()
    lines = [
        f"Run {dt.datetime.now(dt.UTC):%d/%m/%Y %H:%M} UTC: {summary['users']} users for {summary['seconds']:.0f} s, "
        f"think time ~{config.think_ms} ms, gunicorn workers "
        f"{config.workers or f'2 × {os.cpu_count()} cores + 1'}; load average after the run "
        f"{load[0]:.2f}/{load[1]:.2f}/{load[2]:.2f} on {os.cpu_count()} cores.",
        "",
        "| scenario | requests | req/s | median ms | p95 ms | max ms | errors |",
        "|---|---:|---:|---:|---:|---:|---:|",
        *(
            f"| {name} | {_count(f['requests'])} | {_decimal(f['throughput'])} | {_count(f['median_ms'])} "
            f"| {_count(f['p95_ms'])} | {_count(f['max_ms'])} | {f['failures']} |"
            for name, f in _rows(summary)
        ),
        "",
        _saves_line(summary, problems) + ".",
        *(f"- check: {problem}" for problem in problems),
        *(f"- not available: {line}" for line in summary["not_available"]),
        *(f"- error: {line}" for line in summary["errors"][:10]),
        "",
        "The slowest pages (median of each page's requests):",
        "",
        *(
            f"- `{page['page']}`: {_count(page['median_ms'])} ms ({page['requests']} requests)"
            for page in summary.get("slowest_pages", [])
        ),
        "",
        ("**Goal met**" if verdict(summary, config, problems) else "**Goal missed**")
        + f": {errors(summary)} errors, p95 {_count(summary['all']['p95_ms'])} ms (goal ≤ {config.p95_goal_ms} ms), "
        f"saved-figures check {'passed' if not problems else 'failed'}.",
    ]
    write_between_markers(path, "\n".join(lines))
