"""Uploads measured in a fresh process, as a just-started worker meets them:

    python -m bench.worker_memory USER_ID URL FILE…

logs in as the user, opens the upload form at URL, posts each file to it and prints, as JSON, each
answer's status and the process's peak resident set while it posted them. The bench's own process
has by then kept what its earlier cases allocated (Python seldom hands memory back), so its resident
set says more about the bench than about what an upload costs a worker.
"""

import gc
import json
import os
import sys
from pathlib import Path


def measure(user_id: int, url: str, paths: list[str]) -> dict:
    from django.contrib.auth import get_user_model
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client

    from bench.forms import page_form
    from bench.harness import as_post, peak_rss_mb, reset_peak_rss
    from bench.management.commands.run_bench import bench_settings

    with bench_settings():
        client = Client(raise_request_exception=False)
        client.force_login(get_user_model().objects.get(pk=user_id))
        page = client.get(url)
        if page.status_code != 200:
            return {"error": f"form answered {page.status_code}"}
        form = page_form(page.content.decode())
        data = as_post(form.data())
        gc.collect()
        reset = reset_peak_rss()
        statuses = []
        for path in paths:
            content = Path(path).read_bytes()
            files = {name: SimpleUploadedFile(Path(path).name, content) for name in form.files}
            statuses.append(client.post(form.action or url, {**data, **files}).status_code)
        return {"statuses": statuses, "peak_rss_mb": peak_rss_mb() if reset else None}


def main(argv: list[str]) -> int:
    if len(argv) < 3:
        print("usage: python -m bench.worker_memory USER_ID URL FILE…", file=sys.stderr)
        return 2
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coverage_portal.settings")
    import django

    django.setup()
    print(json.dumps(measure(int(argv[0]), argv[1], argv[2:])))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
