"""A worker forked from a preloaded app (gunicorn's preload_app) uses connections of its own,
and leaves the parent's working."""
import gc
import os

import sqlalchemy as sa

from forum import prefork
from forum.extensions import db
from forum.search import variants


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
