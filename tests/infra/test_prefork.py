"""A worker forked from a preloaded app (gunicorn's preload_app) uses connections of its own,
and leaves the parent's working."""
import gc
import os

import sqlalchemy as sa
from flask import request

from forum import pagecache, prefork
from forum.extensions import db
from forum.models.operators import DailyCounter
from forum.search import kept_fields, variants
from tests import factories


def _pid_of_connection() -> int:
    """The server process behind the pool's connection on PostgreSQL; the Python process's own
    id on SQLite (the file is opened by the process itself)."""
    if db.engine.dialect.name == "postgresql":
        return db.session.execute(sa.text("SELECT pg_backend_pid()")).scalar_one()
    return os.getpid()


def test_a_forked_worker_opens_its_own_connection_and_the_parents_keeps_working(app):
    with app.app_context():
        parent_conn = _pid_of_connection()  # the pool now holds a connection the child inherits
        db.session.remove()
        read, write = os.pipe()
        child = os.fork()
        if child == 0:  # the worker
            code = 1
            try:
                prefork.in_worker(app)
                with app.app_context():
                    assert db.engine.pool.checkedin() == 0  # type: ignore[attr-defined] # QueuePool: nothing inherited is reused
                    mine = _pid_of_connection()
                    db.session.remove()
                os.write(write, str(mine).encode())
                code = 0
            finally:
                os._exit(code)
        os.close(write)
        _, status = os.waitpid(child, 0)
        child_conn = int(os.read(read, 64) or 0)
        os.close(read)
        assert os.waitstatus_to_exitcode(status) == 0
        assert child_conn != parent_conn
        # The child did not close the parent's connection on its way out (dispose(close=False)).
        assert _pid_of_connection() == parent_conn
        db.session.remove()


def test_preparing_loads_the_dictionary_and_each_languages_templates_before_the_fork(app):
    prefork.prepare(app)
    try:
        assert variants._dictionary is not None
        assert variants.variants("申込")  # the loaded dictionary answers as before
        # The templates a request renders are the ones compiled before the fork, in its language.
        for language in app.config["LANGUAGES"]:
            with app.test_request_context("/", headers={"Cookie": f"lang={language}"}):
                env = app.jinja_env.for_language()
                assert env is not app.jinja_env and env.catalogue is not None
                assert any(key[1] == "questions/show.html" for key in env.cache), language
    finally:
        gc.unfreeze()


def test_the_warm_up_serves_a_guests_first_pages_and_keeps_nothing_they_left(app):
    asker = factories.make_user("warm_asker")
    thread = factories.make_question(asker, title="請求書の書き方を教えてください")
    served: list[tuple[str, int]] = []

    @app.after_request
    def note(response):
        served.append((request.path, response.status_code))
        return response

    counters = db.session.scalar(sa.select(sa.func.count()).select_from(DailyCounter))
    version = pagecache.current_version()
    prefork.warm_up(app)

    assert served == [("/", 200), ("/questions", 200), ("/search", 200), (f"/questions/{thread.id}", 200)]
    # Nothing it read outlives it: no page kept in this process, no connection of its own or
    # in the pool (a forked worker must not share them), no score kept.
    for store in (pagecache.door_store(app), app.extensions["sodan_page_store"]):
        assert isinstance(store, pagecache.LocalStore) and len(store._pages) == 0
    assert not [key for key in pagecache._version_connections if key[0] == os.getpid()]
    assert db.engine.pool.checkedin() == 0  # type: ignore[attr-defined]
    assert kept_fields._kept == {}
    # A warm-up is not a reader: no counter moved, nothing written.
    assert db.session.scalar(sa.select(sa.func.count()).select_from(DailyCounter)) == counters
    assert pagecache.current_version() == version
    # The pages it served come back the same to the first real guest.
    assert app.test_client().get(f"/questions/{thread.id}").status_code == 200


def test_a_warm_up_without_a_database_leaves_the_server_starting(make_app, tmp_path, caplog):
    app = make_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'empty.db'}")
    prefork.warm_up(app)  # no tables: logged, not raised
    assert "warm-up" in caplog.text
