"""Engine set-up per database: SQLite pragmas for the embedded default, PostgreSQL timeouts."""
import sqlalchemy as sa
from flask import Flask

from ..extensions import db
from . import postgres


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    # WAL lets readers work while one writer commits; busy_timeout waits for the
    # writer instead of failing at once; SQLite leaves foreign keys off by default.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def prepare_engine_options(app: Flask) -> None:
    """Before the engine exists: PostgreSQL connections name themselves (visible in
    pg_stat_activity) and give up connecting after a few seconds, so an unreachable
    server costs a request a 503 instead of a worker timeout."""
    url = sa.engine.make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    if url.get_backend_name() != "postgresql":
        return
    options = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
    connect_args = {"connect_timeout": 5, "application_name": "sodan", **options.get("connect_args", {})}
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {**options, "connect_args": connect_args}


def end_session(_exc=None) -> None:
    """Close the request's session; when its connection died mid-request (the database
    restarted), drop the connection instead of rolling back on it, which would raise after
    the response was built and turn a Japanese 503 into the server's bare 500."""
    try:
        db.session.remove()
    except Exception:  # noqa: BLE001 - the connection is gone; nothing left to roll back
        db.session().invalidate()
        db.session.remove()


def configure_engine(app: Flask) -> None:
    with app.app_context():
        engine = db.engine
        if engine.dialect.name == "sqlite":
            sa.event.listen(engine, "connect", _sqlite_pragmas)
        elif engine.dialect.name == "postgresql":
            postgres.install(engine, check_liveness=app.config["DATABASE_LIVENESS_CHECK"])
    # Registered after db.init_app, so it runs before Flask-SQLAlchemy's own teardown
    # (teardowns run in reverse), which then finds nothing left to close.
    app.teardown_appcontext(end_session)
