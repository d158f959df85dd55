"""gunicorn settings for Samen (`gunicorn -c deploy/gunicorn.conf.py samen.wsgi`).

Every value comes from the environment so one file serves a laptop, one machine and a fleet
of app servers (docs/deploy.md). Threads let a worker overlap database and Redis waits; the
default of two workers per core and four threads each was the best of the layouts measured
by `make bench-web` on two cores (docs/performance.md).
"""

from __future__ import annotations

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", f"127.0.0.1:{os.environ.get('PORT', '8000')}")
workers = int(os.environ.get("GUNICORN_WORKERS", str(2 * multiprocessing.cpu_count())))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
worker_class = "gthread"
# Slow clients are the reverse proxy's business; a request that takes this long is stuck.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 20
keepalive = 5
# Recycle workers now and then so a slow leak never becomes an outage.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "5000"))
max_requests_jitter = max_requests // 10
# Load the application before forking: workers share its memory and start faster.
preload_app = True
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
# Behind a reverse proxy on the same machine or network (docs/deploy.md).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
