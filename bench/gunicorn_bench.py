"""gunicorn settings of bench/pages.py, the same for the forum and the hello app.

Passed with -c so that ./gunicorn.conf.py (production: access log, worker recycling) is not
picked up; the command line adds -w 2 -k sync and the bind address."""
workers = 2
worker_class = "sync"
preload_app = False
accesslog = None
errorlog = "-"
loglevel = "warning"
max_requests = 0
timeout = 60
