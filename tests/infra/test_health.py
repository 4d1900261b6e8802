"""/healthz tells the truth about the database and Redis."""
import os

import pytest

DEAD_DATABASES = {
    "postgresql": "postgresql+psycopg://postgres@127.0.0.1:1/nowhere",
    "sqlite": "sqlite:////nonexistent-folder/sodan.db",
}


def test_healthy(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}
    assert response.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize("engine", sorted(DEAD_DATABASES))
def test_database_down_is_503(make_app, engine):
    app = make_app(SQLALCHEMY_DATABASE_URI=DEAD_DATABASES[engine])
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json() == {"status": "unavailable", "database": "down"}


def test_configured_redis_down_is_503(make_app):
    app = make_app(REDIS_URL="redis://127.0.0.1:1/0")
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json() == {"status": "unavailable", "database": "ok", "redis": "down"}


@pytest.mark.skipif(not os.environ.get("TEST_REDIS_URL"), reason="TEST_REDIS_URL not set (.ci/run sets it)")
def test_configured_redis_up(make_app):
    app = make_app(REDIS_URL=os.environ["TEST_REDIS_URL"])
    response = app.test_client().get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok", "redis": "ok"}
