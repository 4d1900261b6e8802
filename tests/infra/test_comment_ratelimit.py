"""Comments are rate-limited like questions and answers: per account, stricter for accounts
younger than a day, only what was posted counts, and a refused comment comes back as its form
with the text, a Japanese reason and the wait (429, Retry-After). In the PostgreSQL pass with
TEST_REDIS_URL set, the counters live in Redis."""
from datetime import timedelta

import pytest
import sqlalchemy as sa

from forum.extensions import db
from forum.models import Comment
from forum.models.base import utcnow
from tests.factories import PASSWORD, make_answer, make_question, make_user

MESSAGE = "短い時間にコメントを投稿しすぎています"


@pytest.fixture
def limited(make_app):
    def build(**lowered):
        limits = {"RATELIMIT_COMMENT": "1000 per hour", "RATELIMIT_COMMENT_NEW_ACCOUNT": "1000 per hour"}
        app = make_app(RATELIMIT_ENABLED=True, **{**limits, **lowered})
        return app.test_client()
    return build


def _login(client, name):
    assert client.post("/auth/login", data={"username": name, "password": PASSWORD}).status_code == 302


def _age(user, days):
    user.created_at = utcnow() - timedelta(days=days)
    db.session.commit()


def _bodies() -> set[str]:
    db.session.expire_all()
    return set(db.session.scalars(sa.select(Comment.body)))


def assert_form_back_429(response, kept: str, action: str):
    page = response.get_data(as_text=True)
    assert response.status_code == 429
    assert MESSAGE in page and "もう一度投稿できます" in page
    assert kept in page and f'action="{action}"' in page  # the comment form, text kept
    assert int(response.headers["Retry-After"]) > 0


def test_comments_are_limited_per_account_and_keep_the_text(app, limited):
    question = make_question(make_user("asker"))
    answer = make_answer(question, make_user("answerer"))
    make_user("newcomer")
    _age(make_user("oldtimer"), 2)
    client = limited(RATELIMIT_COMMENT="3 per hour", RATELIMIT_COMMENT_NEW_ACCOUNT="1 per hour")
    on_question, on_answer = f"/questions/{question.id}/comments", f"/answers/{answer.id}/comments"

    _login(client, "newcomer")
    assert client.post(on_question, data={"body": ""}).status_code == 422  # refused: not counted
    assert client.post(on_question, data={"body": "締め切りはいつですか？"}).status_code == 303
    # Comments under answers share the count with those under questions.
    assert_form_back_429(client.post(on_answer, data={"body": "詳しく教えてください。"}),
                         "詳しく教えてください。", on_answer)
    assert_form_back_429(client.post(on_question, data={"body": "もう一つ質問です。"}),
                         "もう一つ質問です。", on_question)
    assert client.get(f"/questions/{question.id}").status_code == 200  # reading is not limited
    client.post("/auth/logout")

    _login(client, "oldtimer")  # another account has its own count, and a higher one
    for n in range(3):
        assert client.post(on_answer, data={"body": f"先輩のコメントその{n + 1}"}).status_code == 303
    assert client.post(on_question, data={"body": "四つ目のコメント"}).status_code == 429
    assert _bodies() == {"締め切りはいつですか？", "先輩のコメントその1", "先輩のコメントその2", "先輩のコメントその3"}


def test_a_limited_comment_on_a_missing_thread_is_still_a_404(app, limited):
    make_question(make_user("asker"))
    make_user("bob")
    client = limited(RATELIMIT_COMMENT_NEW_ACCOUNT="1 per hour")
    _login(client, "bob")
    assert client.post("/questions/999999/comments", data={"body": "ありますか？"}).status_code == 404
    assert client.post("/answers/999999/comments", data={"body": "ありますか？"}).status_code == 404
