"""Gunicorn settings for `make serve`, read from the environment (gunicorn -c coverage_portal/gunicorn.conf.py).

Sync workers: the pages are short database reads and one-transaction saves, so a few processes
per CPU serve a district office; a slow client is the reverse proxy's business (nginx buffers).
"""

import multiprocessing
import os

bind = os.getenv("BIND", f"{os.getenv('HOST', '127.0.0.1')}:{os.getenv('PORT', '8000')}")
workers = int(os.getenv("WEB_CONCURRENCY", str(multiprocessing.cpu_count() * 2 + 1)))
threads = int(os.getenv("GUNICORN_THREADS", "1"))
worker_class = "gthread" if threads > 1 else "sync"
timeout = int(os.getenv("GUNICORN_TIMEOUT", "60"))  # an Excel export of a province stays well below it
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then so a slow leak cannot grow without bound.
max_requests = int(os.getenv("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = 200
# Refuse absurd request lines and headers early; bodies are bounded by Django (IMPORT_MAX_MB).
limit_request_line = 8190
limit_request_fields = 100
accesslog = os.getenv("GUNICORN_ACCESS_LOG", "-")
errorlog = "-"
loglevel = os.getenv("LOG_LEVEL", "info").lower()
access_log_format = '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s"'
# Only a reverse proxy on this host may tell us the client's scheme and address.
forwarded_allow_ips = os.getenv("FORWARDED_ALLOW_IPS", "127.0.0.1")
wsgi_app = "coverage_portal.wsgi:application"
