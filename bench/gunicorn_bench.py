"""gunicorn settings of bench/pages.py, the same for the forum and the hello app.

Passed with -c so that ./gunicorn.conf.py (production: access log, worker recycling) is not
picked up; the command line adds -w 2 -k sync and the bind address. The app is preloaded
and prepared before the fork as in production (gunicorn.conf.py); for hello there is
nothing to prepare."""
import sys

workers = 2
worker_class = "sync"
preload_app = True
accesslog = None
errorlog = "-"
loglevel = "warning"
max_requests = 0
timeout = 60


def when_ready(server):
    prefork = sys.modules.get("forum.prefork")
    if prefork is not None:
        prefork.prepare(server.app.wsgi())
