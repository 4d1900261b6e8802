"""`flask db upgrade` on an empty database builds exactly the models' schema; downgrade removes it."""
import uuid

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from forum import create_app
from forum.extensions import db
from tests.conftest import (
    BASE_CONFIG,
    TEST_PASS,
    create_pg_database,
    drop_pg_database,
    postgres_server_url,
)


def _engine_tables(engine) -> set[str]:
    return set(sa.inspect(engine).get_table_names())


def _search_engine_table(name: str | None) -> bool:
    """The search engine's own structures (SQLite FTS5 and its shadow tables) are not models."""
    return bool(name) and name.startswith("search_fts")


def _include(obj, name, type_, reflected, compare_to):
    return not (type_ == "table" and _search_engine_table(name))


@pytest.fixture
def empty_database_url(tmp_path):
    if TEST_PASS == "postgresql":
        server = postgres_server_url()
        name = f"sodan_migrate_{uuid.uuid4().hex[:10]}"
        yield create_pg_database(server, name)
        drop_pg_database(server, name)
    else:
        yield f"sqlite:///{tmp_path / 'empty.db'}"


def test_upgrade_matches_models_and_downgrade_removes_everything(empty_database_url):
    app = create_app({**BASE_CONFIG, "SQLALCHEMY_DATABASE_URI": empty_database_url})
    with app.app_context():
        engine = db.engine
        assert _engine_tables(engine) == set()

        upgrade()
        tables = _engine_tables(engine)
        assert set(db.metadata.tables) <= tables
        assert "alembic_version" in tables
        with engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={
                "compare_type": True, "include_object": _include, "render_as_batch": True,
            })
            differences = compare_metadata(context, db.metadata)
        assert differences == []
        if engine.dialect.name == "sqlite":
            assert "search_fts" in tables  # the FTS5 index exists from the start

        downgrade(revision="base")
        left = {t for t in _engine_tables(engine) if not _search_engine_table(t)}
        assert left == {"alembic_version"}
        assert not {t for t in _engine_tables(engine) if _search_engine_table(t)}
        with engine.connect() as conn:
            assert conn.execute(sa.text("SELECT count(*) FROM alembic_version")).scalar() == 0

        # And up again: the migration can be replayed on the emptied database.
        upgrade()
        assert set(db.metadata.tables) <= _engine_tables(engine)
        db.session.remove()
        engine.dispose()


def test_upgrading_a_forum_with_threads_keeps_every_row(empty_database_url):
    """Later migrations run on a forum that already has threads: batch mode on SQLite rebuilds
    tables, and a rebuild with foreign keys enforced would delete every answer (ON DELETE
    CASCADE) or lock up; nothing may be lost, and the new columns get their defaults."""
    app = create_app({**BASE_CONFIG, "SQLALCHEMY_DATABASE_URI": empty_database_url})
    with app.app_context():
        engine = db.engine
        upgrade(revision="0001")
        with engine.begin() as conn:
            conn.execute(sa.text("INSERT INTO users (id, username, role, is_veteran, bio, created_at) "
                                 "VALUES (1, 'asker', 'member', false, '', CURRENT_TIMESTAMP)"))
            for qid in (1, 2):
                conn.execute(sa.text(
                    "INSERT INTO questions (id, author_id, category, asker_type, title, body, status, is_hidden,"
                    " created_at, updated_at) VALUES (:id, 1, 'want_to_know', 'lancer', '題名です', '本文です',"
                    " 'open', false, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"), {"id": qid})
                for n in range(3):
                    conn.execute(sa.text(
                        "INSERT INTO answers (question_id, author_id, body, is_hidden, created_at, updated_at)"
                        " VALUES (:q, 1, :body, false, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"),
                        {"q": qid, "body": f"回答{n}"})
        upgrade()
        with engine.connect() as conn:
            assert conn.execute(sa.text("SELECT count(*) FROM questions")).scalar() == 2
            assert conn.execute(sa.text("SELECT count(*) FROM answers")).scalar() == 6
            counts = conn.execute(sa.text("SELECT answer_count FROM questions ORDER BY id")).scalars().all()
            assert counts == [3, 3]
        db.session.remove()
        engine.dispose()
