"""Notifications, follows, comments, 補足, お礼 / 自己解決 and edit history, through the real forms."""
import re

import pytest
import sqlalchemy as sa

from forum.extensions import db
from forum.models import AuditLog, Comment, Notification, Question, Revision, User
from tests.factories import make_answer, make_question, make_user
from tests.functional.html import form, forms, links, submit, text


def _notes() -> list[tuple[str, str]]:
    """(recipient, kind) of every notification, oldest first."""
    rows = db.session.execute(sa.select(User.username, Notification.kind)
                              .join(User, User.id == Notification.recipient_id).order_by(Notification.id))
    return [(name, kind) for name, kind in rows]


def _unread(client) -> int:
    match = re.search(r'data-unread="(\d+)"', text(client.get("/")))
    assert match, "the header carries data-unread"
    return int(match.group(1))


def _ask(client, title="仮払いが終わらないときは？"):
    page = client.get("/questions/new")
    response = submit(client, page, "/questions/new", category="in_trouble", title=title,
                      body="仮払いの手続きが終わりません。どうすればよいですか？")
    return int(response.headers["Location"].rsplit("/", 1)[1])


def _answer(client, qid: int, body="サポートに問い合わせてみてください。") -> int:
    response = submit(client, client.get(f"/questions/{qid}"), f"/questions/{qid}/answers", body=body)
    return int(response.headers["Location"].rsplit("answer-", 1)[1])


@pytest.fixture
def people():
    return {name: make_user(name) for name in ("asker", "bob", "carol", "dave")}


def test_answer_notifies_asker_and_followers_not_the_actor(client, auth, people):
    auth.login("asker")
    qid = _ask(client)
    auth.logout()
    auth.login("carol")
    client.post(f"/questions/{qid}/follow")
    auth.logout()
    auth.login("bob")
    aid = _answer(client, qid)
    assert _notes() == [("asker", "answer"), ("carol", "followed_answer")]
    assert _unread(client) == 0  # bob is never told of his own answer
    auth.logout()
    # carol answers: asker hears of it, bob (who follows by answering) too; carol does not
    auth.login("carol")
    _answer(client, qid, "私も同じ経験があります。サポートが早いです。")
    assert _notes()[2:] == [("asker", "answer"), ("bob", "followed_answer")]
    auth.logout()
    auth.login("asker")
    assert _unread(client) == 2
    page = text(client.get("/notifications"))
    assert f'href="/questions/{qid}#answer-{aid}"' in page and "未読" in page
    client.get(f"/questions/{qid}")  # opening the thread reads its notifications
    assert _unread(client) == 0


def test_unfollow_stops_notifications_and_answering_does_not_refollow(client, auth, people):
    auth.login("asker")
    qid = _ask(client)
    page = client.get(f"/questions/{qid}")
    assert "フォローを解除する" in text(page)
    submit(client, page, f"/questions/{qid}/follow")
    assert "この質問をフォローする" in text(client.get(f"/questions/{qid}"))
    auth.logout()
    auth.login("bob")
    _answer(client, qid)
    auth.logout()
    auth.login("carol")
    client.post(f"/questions/{qid}/follow")
    client.post(f"/questions/{qid}/follow")  # toggled off again
    _answer(client, qid, "別の回答です。手順を確認しましょう。")
    # the asker still hears of answers on their question; followers only while following
    assert ("carol", "followed_answer") not in _notes() and ("bob", "followed_answer") in _notes()


def test_comments_notify_the_post_author_and_keep_refused_text(client, auth, people):
    q = make_question(people["asker"])
    a = make_answer(q, people["bob"])
    auth.login("carol")
    page = client.get(f"/questions/{q.id}")
    response = submit(client, page, f"/questions/{q.id}/comments", body="参考リンク https://example.com/help です")
    assert response.status_code == 303 and "#comment-" in response.headers["Location"]
    submit(client, page, f"/answers/{a.id}/comments", body="ありがとうございます")
    assert _notes() == [("asker", "comment"), ("bob", "comment")]
    thread = text(client.get(f"/questions/{q.id}"))
    assert '<a href="https://example.com/help" rel="nofollow noopener ugc">' in thread
    # the guard refuses contact details and gives the text back
    refused = submit(client, page, f"/answers/{a.id}/comments", body="詳しくは 090-1234-5678 までどうぞ")
    assert refused.status_code == 422 and "090-1234-5678" in text(refused) and "連絡先" in text(refused)
    too_long = submit(client, page, f"/questions/{q.id}/comments", body="あ" * 501)
    assert too_long.status_code == 422 and "500文字以内" in text(too_long)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Comment)) == 2


def test_comment_delete_by_author_hide_by_moderator(client, auth, people):
    make_user("mod", role="moderator")
    q = make_question(people["asker"])
    auth.login("bob")
    submit(client, client.get(f"/questions/{q.id}"), f"/questions/{q.id}/comments", body="消すコメント")
    submit(client, client.get(f"/questions/{q.id}"), f"/questions/{q.id}/comments", body="隠されるコメント")
    first, second = db.session.scalars(sa.select(Comment.id).order_by(Comment.id)).all()
    assert client.post(f"/comments/{first}/delete").status_code == 303
    auth.logout()
    auth.login("mod")
    assert client.post(f"/comments/{second}/delete").status_code == 403
    assert client.post(f"/moderation/posts/comment/{second}/hide", data={"note": "不適切"}).status_code == 303
    auth.logout()
    assert "隠されるコメント" not in text(client.get(f"/questions/{q.id}"))
    assert db.session.get(Comment, first) is None
    assert ("bob", "hidden") in _notes()


def test_supplement_by_asker_notifies_followers(client, auth, people):
    auth.login("asker")
    qid = _ask(client)
    auth.logout()
    auth.login("dave")
    client.post(f"/questions/{qid}/follow")
    assert client.post(f"/questions/{qid}/supplements", data={"body": "補足"}).status_code == 403
    auth.logout()
    auth.login("asker")
    refused = client.post(f"/questions/{qid}/supplements", data={"body": "電話は 090-1234-5678 です"})
    assert refused.status_code == 422 and "090-1234-5678" in text(refused)
    page = client.get(f"/questions/{qid}")
    response = submit(client, page, f"/questions/{qid}/supplements", body="契約金額は3万円、納期は来週です。")
    assert response.status_code == 303 and "#supplement-" in response.headers["Location"]
    assert "契約金額は3万円" in text(client.get(f"/questions/{qid}"))
    assert _notes() == [("dave", "supplement")]


def test_self_resolution_needs_its_note(client, auth, people):
    q = make_question(people["asker"])
    auth.login("asker")
    page = client.get(f"/questions/{q.id}")
    step = form(page, f"/questions/{q.id}/resolve", method="get")
    confirm = client.get(step.action, query_string=step.data())
    missing = submit(client, confirm, f"/questions/{q.id}/resolve", note="")
    assert missing.status_code == 422 and "どのように解決したか" in text(missing)
    assert db.session.get(Question, q.id).status == "open"
    assert client.post(f"/questions/{q.id}/resolve", data={}).status_code == 422
    done = submit(client, confirm, f"/questions/{q.id}/resolve", note="サポートに聞いたら翌日に反映されました。")
    assert done.status_code == 302
    assert "翌日に反映されました" in text(client.get(f"/questions/{q.id}"))


def test_best_answer_with_thanks_notifies_and_can_change(client, auth, people):
    q = make_question(people["asker"])
    first, second = make_answer(q, people["bob"]), make_answer(q, people["carol"], "こちらも参考になります。")
    auth.login("asker")
    page = client.get(f"/questions/{q.id}")
    step = [f for f in forms(page)
            if f.method == "get" and f.data().get("best_answer_id") == str(first.id)][0]
    confirm = client.get(step.action, query_string=step.data())
    assert "ベストアンサーに選んで解決済みにする" in text(confirm)
    submit(client, confirm, f"/questions/{q.id}/resolve", thanks="本当に助かりました！")
    thread = text(client.get(f"/questions/{q.id}"))
    assert "質問者からのお礼" in thread and "本当に助かりました！" in thread
    n = db.session.scalar(sa.select(Notification).where(Notification.kind == "best_answer"))
    assert n.recipient_id == people["bob"].id and n.note == "本当に助かりました！"
    client.post(f"/questions/{q.id}/resolve", data={"best_answer_id": second.id})
    assert [k for _, k in _notes()] == ["best_answer", "best_answer"] and _notes()[1][0] == "carol"


def test_helpful_marks_are_batched_per_answer_and_day(client, auth, people):
    q = make_question(people["asker"])
    a = make_answer(q, people["bob"])
    for name in ("asker", "carol", "dave"):
        auth.login(name)
        client.post(f"/answers/{a.id}/helpful")
        auth.logout()
    rows = db.session.scalars(sa.select(Notification)).all()
    assert len(rows) == 1 and rows[0].kind == "helpful" and rows[0].count == 3


def test_a_moderator_resolves_for_an_absent_asker_who_is_told(client, auth, people):
    make_user("mod", role="moderator")
    q = make_question(people["asker"])
    first, second = make_answer(q, people["bob"], "サポートに聞きましょう"), make_answer(q, people["carol"])
    auth.login("mod")
    thread = client.get(f"/questions/{q.id}")
    choices = {int(href.rsplit("=", 1)[1]): href for href in links(thread, "best_answer_id=")}
    assert set(choices) == {first.id, second.id}  # the moderator's link on each answer
    confirm = client.get(choices[first.id])
    assert "質問者へのメモ" in text(confirm) and "お礼" not in text(confirm)
    # 自己解決 is the asker's to describe: a moderator must choose an answer.
    assert client.post(f"/questions/{q.id}/resolve", data={"note": "解決したようです"}).status_code == 409
    response = submit(client, confirm, f"/questions/{q.id}/resolve", note="2週間返事がないため、回答をもとに解決済みにしました")
    assert response.status_code == 302
    db.session.expire_all()
    resolved = db.session.get(Question, q.id)
    assert (resolved.status, resolved.best_answer_id, resolved.thanks) == ("resolved", first.id, None)
    assert _notes() == [("bob", "best_answer"), ("asker", "resolved")]  # the moderator is never told
    entry = db.session.scalars(sa.select(AuditLog).where(AuditLog.action == "resolve")).one()
    assert entry.target_id == q.id and "返事がない" in entry.note
    auth.logout()
    auth.login("asker")
    page = text(client.get("/notifications"))
    assert "解決済み" in page and "2週間返事がないため" in page
    # The asker may still change the best answer, as always.
    assert client.post(f"/questions/{q.id}/resolve", data={"best_answer_id": second.id}).status_code == 302
    assert db.session.get(Question, q.id).best_answer_id == second.id


def test_moderator_close_reopen_notify_asker_with_reason(client, auth, people):
    make_user("mod", role="moderator")
    q = make_question(people["asker"])
    auth.login("mod")
    client.post(f"/questions/{q.id}/close", data={"reason": "off_topic", "note": "趣旨と異なります"})
    client.post(f"/questions/{q.id}/reopen")
    assert _notes() == [("asker", "closed"), ("asker", "reopened")]
    auth.logout()
    auth.login("asker")
    page = text(client.get("/notifications"))
    assert "クローズ" in page and "趣旨と異なります" in page
    assert submit(client, client.get("/notifications"), "/notifications/read").status_code == 303
    assert _unread(client) == 0


def test_edits_keep_revisions_with_diffs_and_moderator_edits_are_logged(client, auth, people):
    make_user("mod", role="moderator")
    q = make_question(people["asker"])
    a = make_answer(q, people["bob"], "最初の回答の文章です。")
    auth.login("bob")
    page = client.get(f"/answers/{a.id}/edit")
    submit(client, page, f"/answers/{a.id}/edit", body="直した回答の文章です。")
    auth.logout()
    auth.login("mod")
    submit(client, client.get(f"/answers/{a.id}/edit"), f"/answers/{a.id}/edit", body="モデレーターが直した回答です。")
    refused = submit(client, client.get(f"/answers/{a.id}/edit"), f"/answers/{a.id}/edit",
                     body="連絡は 090-1234-5678 まで")
    assert refused.status_code == 422 and "090-1234-5678" in text(refused)
    auth.logout()
    assert f'href="/answers/{a.id}/revisions"' in text(client.get(f"/questions/{q.id}"))
    history = text(client.get(f"/answers/{a.id}/revisions"))
    assert "第3版" in history and re.search(r"<del>[^<]*最初", history) and re.search(r"<ins>[^<]*直した", history)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Revision)) == 2
    assert db.session.scalar(sa.select(AuditLog).where(AuditLog.action == "edit")).target_id == a.id


def test_my_questions_lists_own_threads_with_counts_and_unread(client, auth, people):
    q = make_question(people["asker"], title="自分の質問のテストです")
    make_question(people["bob"], title="他人の質問のテストです")
    auth.login("bob")
    _answer(client, q.id)
    auth.logout()
    auth.login("asker")
    page = text(client.get("/my/questions"))
    assert "自分の質問のテストです" in page and "他人の質問のテストです" not in page
    assert "回答 1件" in page and "新着 1件" in page
