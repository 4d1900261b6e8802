"""Fixtures for tests that start real servers: a throwaway database, Redis, a log folder."""
import os
import uuid

import pytest

from tests.conftest import (
    TEST_PASS,
    create_pg_database,
    drop_pg_database,
    flush_redis_keys,
    migrate_database,
)
from tests.infra.posting_limits import RAISED

# The PostgreSQL pass always runs in CI (.ci/run), so skipping in the SQLite pass loses nothing.
needs_postgresql_pass = pytest.mark.skipif(
    TEST_PASS != "postgresql",
    reason="starts gunicorn and PostgreSQL processes: runs in the PostgreSQL pass (SODAN_TEST_PASS=postgresql)")


@pytest.fixture
def shared_database():
    """A migrated database of this test's own on the TEST_DATABASE_URL server; dropped after."""
    server = os.environ["TEST_DATABASE_URL"]
    name = f"sodan_infra_{uuid.uuid4().hex[:10]}"
    url = create_pg_database(server, name)
    try:
        migrate_database(url)
        yield url
    finally:
        drop_pg_database(server, name)


@pytest.fixture
def redis_url():
    """TEST_REDIS_URL and a key prefix of this test's own; only those keys are flushed after."""
    url = os.environ.get("TEST_REDIS_URL")
    if not url:
        if os.environ.get("SODAN_REQUIRE_PG"):
            pytest.fail("TEST_REDIS_URL is not set; CI (.ci/run) must provide Redis")
        pytest.skip("TEST_REDIS_URL is not set (see DEVELOPERS.md)")
    prefix = f"sodan-infra-{uuid.uuid4().hex[:10]}"
    yield url, prefix
    flush_redis_keys(url, f"LIMITS:LIMITER/{prefix}/*")
    flush_redis_keys(url, f"{prefix}:page:*")  # guest pages (PAGE_CACHE_PREFIX)


@pytest.fixture
def limited_posts(make_app):
    """A client of an app with rate limits on: comment and 補足 limits high (RAISED) unless
    the test lowers them, e.g. limited_posts(RATELIMIT_COMMENT="3 per hour")."""
    def build(**lowered):
        return make_app(RATELIMIT_ENABLED=True, **{**RAISED, **lowered}).test_client()
    return build
