"""A small fixed corpus of resolved threads for ranking and snippet tests."""
from datetime import UTC, datetime, timedelta

import pytest

from forum.extensions import db
from forum.search import index
from tests.factories import make_user


def dated(question, days_ago: int):
    question.created_at = datetime(2024, 6, 1, tzinfo=UTC) - timedelta(days=days_ago)
    index.refresh(question)
    db.session.commit()
    return question


@pytest.fixture
def people(app):
    return make_user("asker"), make_user("answerer")
