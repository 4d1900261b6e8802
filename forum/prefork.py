"""A server that builds the app once and then forks its workers (gunicorn's preload_app).

Before the fork, `prepare` loads what every worker would load on its first requests (the
Sudachi dictionary's pages, the templates) and freezes the objects made so far out of the
garbage collector's reach: the workers then share those pages instead of each copying them
(the collector writing to every object it visits is what copies them).

After the fork, every worker must open database connections of its own: `in_worker` drops
the pools' inherited connections without closing them (they are still the parent's).
app.py registers it to run in every forked child.
"""
import gc

from flask import Flask
from flask_babel import force_locale

from .extensions import db
from .search.variants import load_dictionary

# The templates nearly every page renders: compiled once, before the fork.
_TEMPLATES = ("base.html", "questions/show.html", "questions/home.html", "questions/index.html",
              "search/results.html")


def prepare(app: Flask) -> None:
    load_dictionary()
    # Each language's templates are compiled in that language's environment (forum.templating).
    with app.app_context():
        for language in app.config["LANGUAGES"]:
            with force_locale(language):
                for name in _TEMPLATES:
                    app.jinja_env.get_template(name)
    gc.collect()
    gc.freeze()


def in_worker(app: Flask) -> None:
    with app.app_context():
        for engine in db.engines.values():
            engine.dispose(close=False)
