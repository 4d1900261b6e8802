"""A server that builds the app once and then forks its workers (gunicorn's preload_app).

Before the fork, `prepare` loads what every worker would load on its first requests (the
Sudachi dictionary's pages, the templates, and what serving a guest's first pages builds
lazily: SQLAlchemy's compiled statements and memoised attributes, Babel's and Jinja's
lookups, ...) and freezes the objects made so far out of the garbage collector's reach: the
workers then share those pages instead of each copying them (the collector writing to every
object it visits is what copies them). Measured: a worker's private memory after its first 20
pages 26 -> 17 MB; its PSS after bench/pages.py's page runs 56 -> 52 MB.

After the fork, every worker must open database connections of its own: `in_worker` drops
the pools' inherited connections without closing them (they are still the parent's).
app.py registers it to run in every forked child.
"""
import gc
import logging
from urllib.parse import urlencode

import sqlalchemy as sa
from flask import Flask
from flask_babel import force_locale

from . import pagecache
from .extensions import db
from .models import Question
from .search import kept_fields
from .search.variants import load_dictionary

log = logging.getLogger(__name__)

# The templates nearly every page renders: compiled once, before the fork.
_TEMPLATES = ("base.html", "questions/show.html", "questions/home.html", "questions/index.html",
              "search/results.html")
# The guest pages served once before the fork: the home page, a list, the newest thread and a
# search of a natural phrasing (both search tiers, the dictionary, snippets). `page=1`: only a
# search's first page counts toward the operators' no-result searches (forum.usage), and
# this one is not a reader's.
_WARM_UP_PATHS = ("/", "/questions?status=resolved", "/search?" + urlencode({"q": "請求書の書き方", "page": 1}))


def prepare(app: Flask) -> None:
    load_dictionary()
    # Each language's templates are compiled in that language's environment (forum.templating).
    with app.app_context():
        for language in app.config["LANGUAGES"]:
            with force_locale(language):
                for name in _TEMPLATES:
                    app.jinja_env.get_template(name)
    warm_up(app)
    gc.collect()
    gc.freeze()


def warm_up(app: Flask) -> None:
    """Serve _WARM_UP_PATHS and the newest thread's page once, as a guest, then forget what
    that kept (pages, scores, connections: nothing read here may outlive the fork). A page
    that fails (no database yet) ends the warm-up: the workers start all the same."""
    with app.app_context():
        try:
            newest = db.session.scalar(sa.select(Question.id).where(Question.is_hidden.is_(False))
                                       .order_by(Question.id.desc()).limit(1))
            paths = [*_WARM_UP_PATHS, f"/questions/{newest}"] if newest else list(_WARM_UP_PATHS)
        except sa.exc.SQLAlchemyError as error:
            log.warning("warm-up skipped: %s", error)
            paths = []
        finally:
            db.session.remove()
    client = app.test_client()
    try:
        for path in paths:
            try:
                status = client.get(path).status_code
            except Exception:  # noqa: BLE001 - a page's failure must not stop the server
                log.warning("warm-up stopped at %s", path, exc_info=True)
                break
            if status >= 500:
                log.warning("warm-up stopped: %s answered %s", path, status)
                break
    finally:
        pagecache.forget_kept(app)
        kept_fields.forget()
        _drop_pools(app, close=True)


def in_worker(app: Flask) -> None:
    _drop_pools(app, close=False)


def _drop_pools(app: Flask, close: bool) -> None:
    """Empty the app's connection pools; close=False leaves the connections open (a forked
    child's are still its parent's)."""
    with app.app_context():
        for engine in db.engines.values():
            engine.dispose(close=close)
