"""Fixtures: an app on a real database (a migrated SQLite file, or PostgreSQL in the
PostgreSQL pass), its client and CLI runner, and a login helper."""
import contextlib
import os
import shutil
import uuid

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient
from hypothesis import settings

from forum import create_app
from forum.extensions import db
from forum.models import Synonym, utcnow
from forum.search.synonyms import read_pairs
from tests import factories

TEST_PASS = os.environ.get("SODAN_TEST_PASS", "sqlite")
# CI (.ci/run sets SODAN_REQUIRE_PG) draws the property tests' examples from a fixed seed, so a
# submission's result never depends on luck; a developer's run explores new examples each time
# (HYPOTHESIS_PROFILE=ci repeats CI's).
settings.register_profile("ci", derandomize=True, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("SODAN_REQUIRE_PG") else "default"))
# In the PostgreSQL pass with TEST_REDIS_URL set, rate-limit tests count in Redis, under a
# key prefix of this run's own so concurrent runs never see (or flush) each other's keys.
REDIS_URL = os.environ.get("TEST_REDIS_URL") if TEST_PASS == "postgresql" else None
REDIS_KEY_PREFIX = f"sodan-test-{uuid.uuid4().hex[:10]}"
BASE_CONFIG = {
    "TESTING": True,
    "SECRET_KEY": "test-secret",
    # Cheap hashing keeps the suite fast; production uses scrypt (tests/unit/test_passwords.py).
    "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
    "WTF_CSRF_ENABLED": False,
    "RATELIMIT_ENABLED": False,
    "RATELIMIT_STORAGE_URI": REDIS_URL or "memory://",
    "RATELIMIT_STORAGE_OPTIONS": {"key_prefix": REDIS_KEY_PREFIX} if REDIS_URL else {},
    "REDIS_URL": None,
}


def pytest_configure(config):
    if TEST_PASS not in ("sqlite", "postgresql"):
        raise pytest.UsageError(f"SODAN_TEST_PASS must be sqlite or postgresql, not {TEST_PASS!r}")
    if TEST_PASS == "postgresql" and not os.environ.get("TEST_DATABASE_URL"):
        raise pytest.UsageError(
            "SODAN_TEST_PASS=postgresql needs TEST_DATABASE_URL, e.g. "
            "postgresql+psycopg://postgres@127.0.0.1:5432/postgres (see DEVELOPERS.md)")


def flush_redis_keys(url: str, pattern: str) -> None:
    """Delete only the keys matching pattern: the Redis may be shared with other runs."""
    import redis

    client = redis.Redis.from_url(url)
    try:
        keys = list(client.scan_iter(match=pattern, count=1000))
        if keys:
            client.delete(*keys)
    finally:
        client.close()


def _migrate(url: str) -> None:
    """Build the schema the way production does: `flask db upgrade`."""
    from flask_migrate import upgrade

    app = create_app({**BASE_CONFIG, "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade()
        db.engine.dispose()


migrate_database = _migrate


def postgres_server_url() -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        pytest.fail("the PostgreSQL pass needs TEST_DATABASE_URL (see DEVELOPERS.md)")
    return url


def create_pg_database(server_url: str, name: str) -> str:
    """A fresh UTF-8 database with the production collation (C.UTF-8); returns its URL."""
    engine = sa.create_engine(server_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(sa.text(
            f'CREATE DATABASE "{name}" TEMPLATE template0 ENCODING \'UTF8\' '
            "LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'"
        ))
    engine.dispose()
    return sa.engine.make_url(server_url).set(database=name).render_as_string(hide_password=False)


def drop_pg_database(server_url: str, name: str) -> None:
    engine = sa.create_engine(server_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    engine.dispose()


@pytest.fixture(scope="session")
def database_template(tmp_path_factory):
    """Migrate once per session: a SQLite file to copy, or a PostgreSQL database to reuse."""
    if TEST_PASS == "postgresql":
        server = postgres_server_url()
        name = f"sodan_test_{uuid.uuid4().hex[:10]}"
        url = create_pg_database(server, name)
        _migrate(url)
        yield url
        drop_pg_database(server, name)
    else:
        path = tmp_path_factory.mktemp("template") / "sodan.db"
        _migrate(f"sqlite:///{path}")
        yield path


def _truncate_all(url: str) -> None:
    """Empty every table the migrations made (search tables included), keep the schema, and
    restart the sequences, so each test starts as it would on a fresh SQLite file."""
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        # A connection a failed test left in a transaction must not hang the whole run.
        conn.execute(sa.text("SET LOCAL lock_timeout = '10s'"))
        tables = conn.scalars(sa.text(
            "SELECT quote_ident(tablename) FROM pg_tables "
            "WHERE schemaname = current_schema() AND tablename <> 'alembic_version'"
        )).all()
        sequences = conn.scalars(sa.text(
            "SELECT quote_ident(sequence_name) FROM information_schema.sequences "
            "WHERE sequence_schema = current_schema()"
        )).all()
        # TRUNCATE only the tables a test wrote to: TRUNCATE swaps each table's files (slow, and
        # it adds minutes over the suite), but it leaves the planner's statistics as a fresh
        # database has them, which DELETE would not.
        used = [table for table in tables
                if conn.execute(sa.text(f"SELECT EXISTS (SELECT 1 FROM {table})")).scalar()]
        if used:
            conn.execute(sa.text(f"TRUNCATE {', '.join(used)} CASCADE"))
        for sequence in sequences:
            conn.execute(sa.text(f"ALTER SEQUENCE {sequence} RESTART"))
        if '"synonyms"' in used or "synonyms" in used:  # the migration's seed, as a fresh database has it
            now = utcnow()
            conn.execute(sa.insert(Synonym.__table__),
                         [{"word": a, "other": b, "created_at": now, "updated_at": now} for a, b in dict.fromkeys(read_pairs())])
    engine.dispose()


@pytest.fixture
def database_url(database_template, tmp_path):
    if TEST_PASS == "postgresql":
        return database_template
    path = tmp_path / "sodan.db"
    shutil.copy(database_template, path)
    return f"sqlite:///{path}"


class IsolatedClient(FlaskClient):
    """Runs each request in its own app context, as a real server does: a fresh `g`
    (signed-in user, locale) and its own database session. Afterwards the test's
    session forgets what it loaded, so the test reads what the request committed."""

    def open(self, *args, **kwargs):
        with self.application.app_context():
            response = super().open(*args, **kwargs)
        with contextlib.suppress(RuntimeError):  # no app context in this test
            db.session.expire_all()
        return response


@pytest.fixture
def make_app(database_url):
    """Build apps on this test's database with extra settings (e.g. CSRF on)."""
    apps = []

    def build(**overrides):
        app = create_app({**BASE_CONFIG, "SQLALCHEMY_DATABASE_URI": database_url, **overrides})
        app.test_client_class = IsolatedClient
        apps.append(app)
        return app

    yield build
    for app in apps:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
    if TEST_PASS == "postgresql" and apps:
        _truncate_all(database_url)
    if REDIS_URL and any(app.config["RATELIMIT_ENABLED"] for app in apps):
        flush_redis_keys(REDIS_URL, f"{REDIS_KEY_PREFIX}:*")


@pytest.fixture
def app(make_app):
    app = make_app()
    with app.app_context():
        yield app


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


class AuthActions:
    def __init__(self, client):
        self._client = client

    def login(self, username: str, password: str = factories.PASSWORD, follow: bool = False):
        return self._client.post("/auth/login", data={"username": username, "password": password},
                                 follow_redirects=follow)

    def logout(self):
        return self._client.post("/auth/logout")


@pytest.fixture
def auth(client):
    return AuthActions(client)
