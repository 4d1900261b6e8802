"""補足 (the asker's supplement) is rate-limited like comments: per account over all the asker's
threads, stricter for accounts younger than a day, only what was added counts, and a refused
補足 comes back as its form with the text, a Japanese reason and the wait (429, Retry-After).
In the PostgreSQL pass with TEST_REDIS_URL set, the counters live in Redis."""
from forum.models import Supplement
from tests.factories import make_question, make_user
from tests.infra.posting_limits import age, assert_form_back_429, bodies, login

MESSAGE = "短い時間に補足を追加しすぎています"


def test_supplements_are_limited_per_account_and_keep_the_text(app, limited_posts):
    newcomer = make_user("newcomer")
    first, second = make_question(newcomer), make_question(newcomer, title="二つ目の質問です")
    oldtimer = make_user("oldtimer")
    age(oldtimer, 2)
    theirs = make_question(oldtimer, title="先輩の質問です")
    client = limited_posts(RATELIMIT_SUPPLEMENT="3 per hour", RATELIMIT_SUPPLEMENT_NEW_ACCOUNT="1 per hour")
    on_first, on_second = f"/questions/{first.id}/supplements", f"/questions/{second.id}/supplements"

    login(client, "newcomer")
    assert client.post(on_first, data={"body": ""}).status_code == 422  # refused: not counted
    assert client.post(on_first, data={"body": "契約は先週結びました。"}).status_code == 303
    assert_form_back_429(MESSAGE, client.post(on_first, data={"body": "金額は五万円です。"}), "金額は五万円です。", on_first)
    # One count over all the asker's threads.
    assert_form_back_429(MESSAGE, client.post(on_second, data={"body": "別の質問の補足です。"}), "別の質問の補足です。", on_second)
    assert client.get(f"/questions/{first.id}").status_code == 200  # reading is not limited
    # Comments have a count of their own.
    assert client.post(f"/questions/{first.id}/comments", data={"body": "コメントです。"}).status_code == 303
    client.post("/auth/logout")

    login(client, "oldtimer")  # another account has its own count, and a higher one
    on_theirs = f"/questions/{theirs.id}/supplements"
    for n in range(3):
        assert client.post(on_theirs, data={"body": f"先輩の補足その{n + 1}"}).status_code == 303
    assert client.post(on_theirs, data={"body": "四つ目の補足"}).status_code == 429
    assert bodies(Supplement) == {"契約は先週結びました。", "先輩の補足その1", "先輩の補足その2", "先輩の補足その3"}


def test_a_limited_supplement_elsewhere_is_answered_as_the_view_would(app, limited_posts):
    asker = make_user("asker")
    own, others = make_question(asker), make_question(make_user("someone"), title="他の人の質問です")
    client = limited_posts(RATELIMIT_SUPPLEMENT_NEW_ACCOUNT="1 per hour")
    login(client, "asker")
    assert client.post(f"/questions/{own.id}/supplements", data={"body": "補足します。"}).status_code == 303
    assert client.post("/questions/999999/supplements", data={"body": "ありますか？"}).status_code == 404
    # Not their thread: refused as the view refuses it, not offered a form that cannot succeed.
    assert client.post(f"/questions/{others.id}/supplements", data={"body": "補足です。"}).status_code == 403
    assert bodies(Supplement) == {"補足します。"}
