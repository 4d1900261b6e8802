"""Rate limits: what each one counts, whom it keys on, and the Japanese 429 page.
In the PostgreSQL pass with TEST_REDIS_URL set, the counters live in Redis."""
from datetime import timedelta

import pytest
import sqlalchemy as sa

from forum.extensions import db
from forum.models import Question, User
from forum.models.base import utcnow
from tests.factories import PASSWORD, make_question, make_user

HIGH = "1000 per hour"
LIMITS = {
    "RATELIMIT_LOGIN_PER_ACCOUNT": HIGH, "RATELIMIT_LOGIN_PER_ADDRESS": HIGH,
    "RATELIMIT_SIGNUP_PER_ADDRESS": HIGH, "RATELIMIT_QUESTION": HIGH,
    "RATELIMIT_QUESTION_NEW_ACCOUNT": HIGH, "RATELIMIT_ANSWER": HIGH,
    "RATELIMIT_ANSWER_NEW_ACCOUNT": HIGH,
}


@pytest.fixture
def limited(make_app):
    """A client on an app with rate limits on; the named limits lowered."""
    def build(**lowered):
        app = make_app(RATELIMIT_ENABLED=True, **{**LIMITS, **lowered})
        return app, app.test_client()
    return build


def login(client, name, password="wrong-password", address="127.0.0.1"):
    return client.post("/auth/login", data={"username": name, "password": password},
                       environ_base={"REMOTE_ADDR": address})


def assert_friendly_429(response, message):
    page = response.get_data(as_text=True)
    assert response.status_code == 429
    assert "操作が多すぎます" in page and message in page
    assert int(response.headers["Retry-After"]) > 0


def assert_form_back_429(response, message, kept):
    """A refused post comes back as its form, with the text, the reason and the wait."""
    page = response.get_data(as_text=True)
    assert response.status_code == 429
    assert message in page and kept in page and "もう一度投稿できます" in page
    assert int(response.headers["Retry-After"]) > 0


def age(user, days):
    user.created_at = utcnow() - timedelta(days=days)
    db.session.commit()


def ask(client, title="支払いのタイミングについて質問です"):
    return client.post("/questions/new", data={
        "category": "want_to_know", "asker_type": "lancer", "title": title,
        "body": "納品後どのくらいで支払われるのが普通でしょうか。", "tags": ""})


def test_failed_sign_ins_are_counted_per_account_and_shared_by_name_and_email(app, limited):
    make_user("alice")
    make_user("bob")
    _, client = limited(RATELIMIT_LOGIN_PER_ACCOUNT="3 per hour")
    assert login(client, "alice").status_code == 422
    assert login(client, "alice@example.com").status_code == 422
    assert login(client, "alice", address="10.0.0.9").status_code == 422
    # The fourth try is refused even with the right password and from another address.
    refused = login(client, "alice", PASSWORD, address="10.0.0.10")
    assert_friendly_429(refused, "このアカウントへのログインの試行が多すぎます")
    # Another account from the same address is not affected.
    assert login(client, "bob").status_code == 422
    assert login(client, "bob", PASSWORD).status_code == 302


def test_successful_sign_ins_do_not_count(app, limited):
    make_user("alice")
    _, client = limited(RATELIMIT_LOGIN_PER_ACCOUNT="2 per hour", RATELIMIT_LOGIN_PER_ADDRESS="2 per hour")
    for _ in range(4):
        assert login(client, "alice", PASSWORD).status_code == 302
        client.post("/auth/logout")
    assert client.get("/auth/login").status_code == 200


def test_failed_sign_ins_are_counted_per_address(app, limited):
    _, client = limited(RATELIMIT_LOGIN_PER_ADDRESS="3 per hour")
    for name in ("user_a", "user_b", "user_c"):
        assert login(client, name, address="10.0.0.1").status_code == 422
    assert_friendly_429(login(client, "user_d", address="10.0.0.1"), "ログインの試行が多すぎます")
    assert login(client, "user_d", address="10.0.0.2").status_code == 422
    # Reading the sign-in page is never limited.
    assert client.get("/auth/login", environ_base={"REMOTE_ADDR": "10.0.0.1"}).status_code == 200


def sign_up(client, name, address="127.0.0.1", password_confirm=PASSWORD):
    response = client.post("/auth/register", environ_base={"REMOTE_ADDR": address}, data={
        "username": name, "email": f"{name}@example.com", "password": PASSWORD,
        "password_confirm": password_confirm})
    client.post("/auth/logout")
    return response


def test_sign_ups_are_counted_per_address_and_refused_forms_do_not_count(app, limited):
    _, client = limited(RATELIMIT_SIGNUP_PER_ADDRESS="2 per hour")
    assert sign_up(client, "typo_user", password_confirm="something-else").status_code == 422
    assert sign_up(client, "first_user").status_code == 302
    assert sign_up(client, "second_user").status_code == 302
    refused = sign_up(client, "third_user")
    assert_friendly_429(refused, "この接続元からの新規登録が多すぎます")
    assert db.session.scalar(sa.select(User).where(User.username == "third_user")) is None
    assert sign_up(client, "third_user", address="10.0.0.7").status_code == 302


def test_new_accounts_may_ask_fewer_questions_than_older_ones(app, limited):
    make_user("newcomer")
    age(make_user("oldtimer"), 2)
    _, client = limited(RATELIMIT_QUESTION="3 per hour", RATELIMIT_QUESTION_NEW_ACCOUNT="1 per hour")
    login(client, "newcomer", PASSWORD)
    assert client.post("/questions/new", data={"title": ""}).status_code == 422  # refused: not counted
    assert ask(client).status_code == 302
    assert_form_back_429(ask(client, "二つ目の質問をさせてください"), "短い時間に質問を投稿しすぎています",
                         "二つ目の質問をさせてください")
    assert client.get("/questions/new").status_code == 200  # the form itself stays readable
    client.post("/auth/logout")

    login(client, "oldtimer", PASSWORD)
    for n in range(3):
        assert ask(client, f"ベテランの質問その{n + 1}です").status_code == 302
    assert ask(client, "ベテランの四つ目の質問です").status_code == 429
    titles = set(db.session.scalars(sa.select(Question.title)))
    assert len(titles) == 4
    assert "二つ目の質問をさせてください" not in titles and "ベテランの四つ目の質問です" not in titles


def test_answers_are_limited_per_account_and_stricter_for_new_accounts(app, limited):
    asker = make_user("asker")
    question = make_question(asker)
    make_user("newcomer")
    age(make_user("oldtimer"), 3)
    _, client = limited(RATELIMIT_ANSWER="2 per hour", RATELIMIT_ANSWER_NEW_ACCOUNT="1 per hour")
    url = f"/questions/{question.id}/answers"
    login(client, "newcomer", PASSWORD)
    assert client.post(url, data={"body": ""}).status_code == 422
    assert client.post(url, data={"body": "経験上、納品の翌月末が多いです。"}).status_code == 302
    assert_form_back_429(client.post(url, data={"body": "もう一つ補足します。"}),
                         "短い時間に回答を投稿しすぎています", "もう一つ補足します。")
    client.post("/auth/logout")
    login(client, "oldtimer", PASSWORD)
    assert client.post(url, data={"body": "契約書を確認しましょう。"}).status_code == 302
    assert client.post(url, data={"body": "検収の期限も大事です。"}).status_code == 302
    assert client.post(url, data={"body": "三つ目の補足です。"}).status_code == 429


def test_429_is_json_for_api_clients(app, limited):
    _, client = limited(RATELIMIT_LOGIN_PER_ADDRESS="1 per hour")
    login(client, "someone")
    response = client.post("/auth/login", data={"username": "x", "password": "y"},
                           headers={"Accept": "application/json"})
    assert response.status_code == 429
    assert response.get_json()["status"] == 429
    assert "ログインの試行が多すぎます" in response.get_json()["message"]


def test_unreachable_redis_does_not_take_sign_in_down(app, make_app):
    make_user("alice")
    dead = make_app(RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI="redis://127.0.0.1:1/0",
                    RATELIMIT_STORAGE_OPTIONS={})
    client = dead.test_client()
    assert login(client, "alice").status_code == 422
    assert login(client, "alice", PASSWORD).status_code == 302
