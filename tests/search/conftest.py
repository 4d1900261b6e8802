"""A small fixed corpus of resolved threads for ranking and snippet tests."""
from datetime import UTC, datetime, timedelta

import pytest

from forum.extensions import db
from forum.search import index, kept_fields, ranking
from tests.factories import make_user


def dated(question, days_ago: int):
    question.created_at = datetime(2024, 6, 1, tzinfo=UTC) - timedelta(days=days_ago)
    index.refresh(question)
    db.session.commit()
    return question


@pytest.fixture
def people(app):
    return make_user("asker"), make_user("answerer")


@pytest.fixture(autouse=True)
def fresh_document_count():
    """Each test counts its own documents (the count is cached per database URL, and the
    PostgreSQL pass reuses one database)."""
    ranking._doc_count.clear()
    kept_fields.forget()
