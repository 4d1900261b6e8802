"""The content version is read over a connection of the process's own (on PostgreSQL one
round trip instead of the pool's three; on SQLite without the pool's ping and rollback): it
sees every commit, and a killed or broken connection costs no request anything."""
import os
import shutil
import sqlite3
import threading

import pytest
import sqlalchemy as sa

from forum import create_app, pagecache
from forum.extensions import db
from tests.conftest import BASE_CONFIG, TEST_PASS
from tests.factories import make_answer, make_user, resolved_thread


def _direct(app):
    with app.app_context():
        key: tuple = (os.getpid(), str(db.engine.url))
        if db.engine.dialect.name == "sqlite":
            key += (threading.get_ident(),)
        return pagecache._version_connections.get(key)


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


@pytest.mark.skipif(TEST_PASS != "postgresql", reason="PostgreSQL's server ends the connection")
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


@pytest.mark.skipif(TEST_PASS != "sqlite", reason="SQLite's connection closed under the reader")
def test_a_broken_connection_is_replaced_without_an_error(app, client):
    client.get("/")
    first = _direct(app)
    assert first is not None
    first.close()  # the next read through it raises
    for _ in range(2):  # the first falls back to the pool, the next reads directly again
        assert client.get("/").status_code == 200
    second = _direct(app)
    assert second is not None and second is not first


@pytest.mark.skipif(TEST_PASS != "sqlite", reason="many databases: SQLite files")
def test_at_most_a_few_direct_connections_are_kept(database_url, tmp_path):
    """Each database read opens one; past the bound, the oldest are closed and dropped."""
    opened = []
    for n in range(pagecache._MAX_VERSION_CONNECTIONS + 3):
        copy = tmp_path / f"copy{n}.db"
        shutil.copy(database_url.removeprefix("sqlite:///"), copy)
        other = create_app({**BASE_CONFIG, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{copy}"})
        with other.app_context():
            assert pagecache.current_version() != "none"
        opened.append(_direct(other))
    assert all(opened) and len(pagecache._version_connections) <= pagecache._MAX_VERSION_CONNECTIONS
    assert opened[-1] in pagecache._version_connections.values()
    assert opened[0] not in pagecache._version_connections.values()
    with pytest.raises(sqlite3.ProgrammingError):  # closed when it was dropped
        opened[0].connection.execute("SELECT 1")


def test_threads_of_a_process_read_the_version_together(app):
    """The direct connection is one per process on PostgreSQL (per thread on SQLite): threads
    reading at once each get the whole row, none an error or another thread's reply."""
    expected = pagecache.current_version()
    results: list[str] = []
    failures: list[BaseException] = []

    def read_many():
        try:
            with app.app_context():
                results.extend(pagecache.current_version() for _ in range(300))
        except BaseException as error:  # noqa: BLE001 - reported below
            failures.append(error)

    threads = [threading.Thread(target=read_many, daemon=True) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads), "a reader hung on the shared connection"
    assert failures == [] and results == [expected] * 1200
    assert _direct(app) is not None  # read directly, not through the pool
