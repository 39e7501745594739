"""Instructions a page costs, counted rather than timed:

    python -m bench.instructions URL…       (BENCH=1, DATABASE_URL of a bench database)

Times on this kind of machine drift by half within minutes (the same loop took 0,9 and 1,5 s a
few minutes apart), so two versions of a page timed apart are compared with the machine as much as
with each other. The CPU instructions the page's process executes do not drift: for each URL this
runs the page in a fresh process under valgrind's cachegrind (Debian's `valgrind`; about fifty
times slower), once with one request and once with six, and prints the difference over five: the
instructions of one request (Python, Django and the database driver; the server's own work is in
another process and not counted), after the same warm-up in both runs.
"""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

_ROOT = Path(__file__).resolve().parents[1]
_COUNTED = re.compile(r"I\s+refs:\s+([\d,]+)")


def requests(url: str, count: int) -> None:
    """The page `count` times after two warm-up requests, as the bench's administrator."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coverage_portal.settings")
    django.setup()
    from django.contrib.auth import get_user_model
    from django.test import Client

    from bench.management.commands.run_bench import bench_settings
    from bench.safety import BENCH_USER_PREFIX

    with bench_settings():
        client = Client(raise_request_exception=False)
        client.force_login(get_user_model().objects.get(username=f"{BENCH_USER_PREFIX}_admin"))
        for _ in range(2 + count):
            if client.get(url).status_code != 200:
                raise SystemExit(f"{url}: not a page (run make bench first)")


def counted(url: str, count: int) -> int:
    """The instructions of a fresh process that makes `count` requests of the page."""
    run = subprocess.run(
        ["valgrind", "--tool=cachegrind", "--cache-sim=no", "--cachegrind-out-file=/dev/null"]
        + [sys.executable, "-m", "bench.instructions", "--requests", str(count), url],
        capture_output=True,
        text=True,
        cwd=_ROOT,
        env={**os.environ, "PYTHONHASHSEED": "0"},  # the same dictionaries' order in both runs
        check=False,
    )
    instructions = instructions_in(run.stderr)
    if run.returncode != 0 or instructions is None:
        raise SystemExit(f"{url}: {run.stderr.strip().splitlines()[-1] if run.stderr.strip() else 'no count'}")
    return instructions


def instructions_in(report: str) -> int | None:
    """The instructions cachegrind's summary counts ("I refs"), if it has one."""
    found = _COUNTED.search(report)
    return int(found.group(1).replace(",", "")) if found else None


def main(argv: list[str]) -> int:
    if argv[:1] == ["--requests"]:
        requests(argv[2], int(argv[1]))
        return 0
    if not argv:
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    if shutil.which("valgrind") is None:
        print("valgrind is needed (apt-get install valgrind)", file=sys.stderr)
        return 2
    for url in argv:
        per_request = (counted(url, 6) - counted(url, 1)) / 5
        print(f"{url}: {per_request / 1e6:.0f} M instructions per request")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
