"""Comments are rate-limited like questions and answers: per account, stricter for accounts
younger than a day, only what was posted counts, and a refused comment comes back as its form
with the text, a Japanese reason and the wait (429, Retry-After). In the PostgreSQL pass with
TEST_REDIS_URL set, the counters live in Redis."""
from forum.models import Comment
from tests.factories import make_answer, make_question, make_user
from tests.infra.posting_limits import age, assert_form_back_429, bodies, login

MESSAGE = "短い時間にコメントを投稿しすぎています"


def test_comments_are_limited_per_account_and_keep_the_text(app, limited_posts):
    question = make_question(make_user("asker"))
    answer = make_answer(question, make_user("answerer"))
    make_user("newcomer")
    age(make_user("oldtimer"), 2)
    client = limited_posts(RATELIMIT_COMMENT="3 per hour", RATELIMIT_COMMENT_NEW_ACCOUNT="1 per hour")
    on_question, on_answer = f"/questions/{question.id}/comments", f"/answers/{answer.id}/comments"

    login(client, "newcomer")
    assert client.post(on_question, data={"body": ""}).status_code == 422  # refused: not counted
    assert client.post(on_question, data={"body": "締め切りはいつですか？"}).status_code == 303
    # Comments under answers share the count with those under questions.
    assert_form_back_429(MESSAGE, client.post(on_answer, data={"body": "詳しく教えてください。"}),
                         "詳しく教えてください。", on_answer)
    assert_form_back_429(MESSAGE, client.post(on_question, data={"body": "もう一つ質問です。"}),
                         "もう一つ質問です。", on_question)
    assert client.get(f"/questions/{question.id}").status_code == 200  # reading is not limited
    client.post("/auth/logout")

    login(client, "oldtimer")  # another account has its own count, and a higher one
    for n in range(3):
        assert client.post(on_answer, data={"body": f"先輩のコメントその{n + 1}"}).status_code == 303
    assert client.post(on_question, data={"body": "四つ目のコメント"}).status_code == 429
    assert bodies(Comment) == {"締め切りはいつですか？", "先輩のコメントその1", "先輩のコメントその2", "先輩のコメントその3"}


def test_a_limited_comment_on_a_missing_thread_is_still_a_404(app, limited_posts):
    make_question(make_user("asker"))
    make_user("bob")
    client = limited_posts(RATELIMIT_COMMENT_NEW_ACCOUNT="1 per hour")
    login(client, "bob")
    assert client.post("/questions/999999/comments", data={"body": "ありますか？"}).status_code == 404
    assert client.post("/answers/999999/comments", data={"body": "ありますか？"}).status_code == 404
