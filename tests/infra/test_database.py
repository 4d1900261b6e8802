"""The database layer: SQLite set up properly, and a Japanese 503 when the database fails."""
import threading
import time

import pytest
import sqlalchemy as sa

from forum import create_app
from forum.database.functions import joined_strings
from forum.extensions import db
from forum.models import Question
from tests.conftest import BASE_CONFIG, migrate_database
from tests.factories import make_user

QUESTION = {"category": "urgent", "asker_type": "lancer", "title": "納期に間に合いそうにありません",
            "body": "クライアントにどう伝えるべきでしょうか。", "tags": ""}


@pytest.fixture
def sqlite_app(tmp_path):
    """An app on a migrated SQLite file, in either pass (these facts are SQLite's own)."""
    url = f"sqlite:///{tmp_path / 'pragmas.db'}"
    migrate_database(url)
    app = create_app({**BASE_CONFIG, "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


def test_sqlite_runs_in_wal_with_busy_timeout_and_foreign_keys(sqlite_app):
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 5000
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        with pytest.raises(sa.exc.IntegrityError, match="FOREIGN KEY constraint failed"):
            conn.exec_driver_sql(
                "INSERT INTO answers (question_id, author_id, body, is_hidden, created_at, updated_at) "
                "VALUES (999, 999, 'orphan', 0, '2025-01-01 00:00:00', '2025-01-01 00:00:00')")


def test_sqlite_writer_waits_for_another_writer_instead_of_failing(sqlite_app):
    user = make_user("writer")
    holder = db.engine.connect()
    holder.exec_driver_sql("BEGIN IMMEDIATE")  # takes the write lock, like a slow request
    releaser = threading.Timer(0.5, lambda: holder.exec_driver_sql("COMMIT"))
    releaser.start()
    started = time.monotonic()
    try:
        db.session.add(Question(author=user, title="待ってから書き込めますか", body="ロック中の書き込み",
                                category="want_to_know", status="open"))
        db.session.commit()  # without busy_timeout: "database is locked" at once
    finally:
        releaser.join()
        holder.close()
    assert time.monotonic() - started >= 0.4
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Question)) == 1


def _break_next_insert(app, table: str) -> None:
    """Make the database fail in the middle of the next INSERT into table: on PostgreSQL by
    really killing this connection's backend, on SQLite by raising what a lost disk would."""
    engine = db.engine
    fired: list[str] = []

    def before_execute(conn, cursor, statement, parameters, context, executemany):
        if fired or not statement.lstrip().upper().startswith(f"INSERT INTO {table.upper()}"):
            return
        fired.append(statement)
        if engine.dialect.name == "postgresql":
            pid = conn.exec_driver_sql("SELECT pg_backend_pid()").scalar()
            killer = sa.create_engine(engine.url, isolation_level="AUTOCOMMIT")
            with killer.connect() as other:
                other.execute(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
            killer.dispose()
        else:
            raise sa.exc.OperationalError(statement, parameters, Exception("disk I/O error"))

    sa.event.listen(engine, "before_cursor_execute", before_execute)
    app.extensions["broken_insert"] = fired


def test_database_failure_mid_request_gives_japanese_503_and_keeps_nothing_half_done(app, client, auth):
    make_user("asker")
    auth.login("asker")
    _break_next_insert(app, "questions")
    response = client.post("/questions/new", data=QUESTION)
    page = response.get_data(as_text=True)
    assert app.extensions["broken_insert"], "the failure was not injected"
    assert response.status_code == 503
    assert "ただいま混み合っています" in page and "データベースに一時的に接続できません" in page
    assert response.headers["Retry-After"] == "5"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Question)) == 0
    # The same session and the same app go on working: the next try is saved.
    retry = client.post("/questions/new", data=QUESTION)
    assert retry.status_code == 302
    assert db.session.scalar(sa.select(Question.title)) == QUESTION["title"]


def test_unreachable_database_gives_japanese_503_even_when_signed_in(app, client, auth, make_app):
    make_user("reader")
    auth.login("reader")
    session_cookie = client.get_cookie("session")
    assert session_cookie is not None
    dead = make_app(SQLALCHEMY_DATABASE_URI="postgresql+psycopg://postgres@127.0.0.1:1/nowhere")
    other = dead.test_client()
    other.set_cookie("session", session_cookie.value)
    response = other.get("/")
    page = response.get_data(as_text=True)
    assert response.status_code == 503
    assert '<html lang="ja"' in page and "データベースに一時的に接続できません" in page
    assert client.get("/").status_code == 200  # the app on the live database is unaffected


def test_joined_strings_joins_a_groups_values_with_a_bound_separator(app):
    """forum.database.functions.joined_strings: string_agg or group_concat, the separator a
    parameter (the SQL text stays the same), on the pass's engine."""
    names = sa.union_all(*(sa.select(sa.literal(name, sa.Text).label("name")) for name in "あいう")).subquery()
    statement = sa.select(joined_strings(names.c.name, "\x1f"))
    joined = db.session.scalar(statement)
    assert sorted(joined.split("\x1f")) == ["あ", "い", "う"]
    sql = str(statement.compile(dialect=db.engine.dialect))
    assert "\x1f" not in sql and "POSTCOMPILE" not in sql
