"""Entry point for `flask --app app` and gunicorn (`app:app`)."""
import os
from functools import partial

from forum import create_app
from forum.prefork import in_worker

app = create_app()
# gunicorn with preload_app forks its workers after this module ran: each opens its own connections.
os.register_at_fork(after_in_child=partial(in_worker, app))
