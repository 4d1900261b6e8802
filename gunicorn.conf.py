"""gunicorn settings for `make serve` and production; every value can come from the environment."""
import multiprocessing
import os
import sys

# Behind a reverse proxy on the same machine keep 127.0.0.1; GUNICORN_BIND=0.0.0.0:8000 when the
# proxy is on another machine. PORT is honoured for platforms that set it.
bind = os.environ.get("GUNICORN_BIND") or f"127.0.0.1:{os.environ.get('PORT', '8000')}"

# Sync workers: each handles one request at a time, so a slow request never stalls another.
# (2 x cores) + 1 is gunicorn's own rule of thumb; WEB_CONCURRENCY overrides it.
workers = int(os.environ.get("WEB_CONCURRENCY") or multiprocessing.cpu_count() * 2 + 1)
worker_class = "sync"

# The app is built once in the master and the workers are forked from it, so they share its
# memory (the Sudachi dictionary's pages, compiled templates, imported code): forum/prefork.py
# loads them before the fork, and app.py makes each worker open its own database connections.
# (A HUP then restarts workers on the same code: deploy new code with a restart.)
preload_app = True


def when_ready(server):
    """In the master, once the app is loaded and before any worker is forked."""
    prefork = sys.modules.get("forum.prefork")
    if prefork is not None:
        prefork.prepare(server.app.wsgi())

# A request taking 30 s is stuck (the database gives up connecting after 5 s); kill the worker.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
keepalive = 5

# Recycle workers now and then so a slow leak never grows; jitter so they do not all restart at once.
max_requests = 2000
max_requests_jitter = 200

# Heartbeat files on tmpfs: a slow disk must not make the arbiter think workers hung.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None

# The proxy in front sets X-Forwarded-*; the app trusts them via PROXY_FIX_X_FOR.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")

accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
proc_name = "sodan"
