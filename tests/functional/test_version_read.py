"""On PostgreSQL the content version is read over a connection of the process's own (one
round trip instead of the pool's three): it sees every commit, and a killed connection costs
no request anything."""
import os

import pytest
import sqlalchemy as sa

from forum import pagecache
from forum.extensions import db
from tests.conftest import TEST_PASS
from tests.factories import make_answer, make_user, resolved_thread

pytestmark = pytest.mark.skipif(TEST_PASS != "postgresql", reason="PostgreSQL's own read path")


def _direct(app):
    with app.app_context():
        return pagecache._version_connections.get((os.getpid(), str(db.engine.url)))


def test_a_hit_reads_the_version_directly_and_sees_the_next_commit(app, client):
    asker, answerer = make_user("asker"), make_user("answerer")
    question = resolved_thread(asker, answerer, "源泉徴収の計算方法", "本文です。", "回答です。")
    path = f"/questions/{question.id}"
    client.get(path)
    assert client.get(path).headers["X-Page-Cache"] == "hit"
    assert _direct(app) is not None
    make_answer(question, make_user("late"), "あとから来た回答です。")  # commits, bumps the version
    page = client.get(path)
    assert page.headers["X-Page-Cache"] == "miss"
    assert "あとから来た回答です。" in page.get_data(as_text=True)


def test_a_killed_connection_is_replaced_without_an_error(app, client):
    client.get("/")
    first = _direct(app)
    assert first is not None
    with app.app_context(), db.engine.connect() as conn:
        killed = conn.execute(sa.text(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()")).scalar()
    assert killed >= 1
    for _ in range(2):  # the first falls back to the pool (which reconnects), the next reads directly again
        response = client.get("/")
        assert response.status_code == 200
    second = _direct(app)
    assert second is not None and second is not first
