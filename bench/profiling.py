"""Where a case that missed its goal spends its time: pyinstrument over a few of its requests.

Only the requests themselves are profiled, not what prepares them (the page GET before a save,
the upload before an apply). The report shows the top of the call tree and the functions that take
the most time themselves, which together say which query or which rendering to change.
"""

import re
from collections.abc import Callable

from pyinstrument import Profiler

TREE_LINES = 40
FLAT_LINES = 15
# The first frame of the portal's own code below the middleware: where the call tree is shown from.
_VIEW_FRAME = re.compile(r" (reports|entry|targets|communes)/[\w/]+\.py:\d+$| coverage_portal/(home|views)\.py:\d+$")
_TREE = " │├└─"
# Frames under 2% of the time are left out: the top of the profile is what the report needs.
_OPTIONS = {"filter_threshold": 0.02}


def profile_requests(prepare: Callable[[], Callable | None], *, after: Callable | None = None, runs: int = 10) -> str:
    """Profile `runs` requests; `prepare` makes each one ready (untimed), `after` follows it up."""
    profiler = Profiler(interval=0.001)
    profiled = 0
    for _ in range(runs):
        send = prepare()
        if send is None:
            break
        profiler.start()
        response = send()
        if getattr(response, "streaming", False):
            b"".join(response.streaming_content)
        profiler.stop()
        profiled += 1
        if after is not None:
            after(response)
    if not profiled:
        return ""
    tree = profiler.output_text(unicode=True, color=False, processor_options=_OPTIONS)
    flat = profiler.output_text(unicode=True, color=False, flat=True, processor_options=_OPTIONS)
    return "\n".join(
        [
            f"{profiled} requests profiled (pyinstrument, seconds in all); call tree from the view down:",
            *_body(_from_view(tree.splitlines()), TREE_LINES),
            "",
            "Most time in the function itself:",
            *_body(flat.splitlines(), FLAT_LINES),
        ]
    )


def _from_view(lines: list[str]) -> list[str]:
    """The subtree of the first frame in the portal's code, re-indented from the left margin (the
    middleware above it is the same on every page)."""
    start = next((i for i, line in enumerate(lines) if _VIEW_FRAME.search(line.rstrip())), None)
    if start is None:
        return lines
    depth = len(lines[start]) - len(lines[start].lstrip(_TREE))
    kept = [lines[start][depth:]]
    for line in lines[start + 1 :]:
        if not line.strip() or len(line) - len(line.lstrip(_TREE)) <= depth:
            break
        kept.append(line[depth:])
    return ["Profile at view", *kept]


def _body(lines: list[str], limit: int) -> list[str]:
    """The profile's lines without pyinstrument's banner, at most `limit` of them."""
    lines = [line.rstrip() for line in lines]
    start = next((i for i, line in enumerate(lines) if line.startswith("Profile at")), -1) + 1
    kept = [line for line in lines[start:] if line.strip() and not line.startswith("To view this report")]
    return kept[:limit] + (["…"] if len(kept) > limit else [])
