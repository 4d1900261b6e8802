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
