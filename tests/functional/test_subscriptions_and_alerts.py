"""Subscriptions and 急募 alerts in the app as well as by mail: a new question in a subscribed
category or tag, and a 急募 thread left unanswered (`flask forum sweep --as-of`), each give
exactly the notifications they should, never to the actor, and a re-run gives none again."""
import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from forum import stale
from forum.extensions import db
from forum.mail.outbox import mail_event
from forum.mail.preferences import set_delivery
from forum.models import DigestItem, Notification, Question, Subscription, Tag, User
from tests.factories import make_answer, make_question, make_user
from tests.functional.html import text
from tests.mail.helpers import digest_lines, mailed
from tests.statements import count_statements


def _notes(kind: str | None = None) -> list[tuple[str, str]]:
    """(recipient, kind) of every notification, oldest first."""
    db.session.expire_all()
    stmt = (sa.select(User.username, Notification.kind).join(User, User.id == Notification.recipient_id)
            .order_by(Notification.id))
    if kind:
        stmt = stmt.where(Notification.kind == kind)
    return [(name, k) for name, k in db.session.execute(stmt)]


def _unread(client) -> int:
    match = re.search(r'data-unread="(\d+)"', text(client.get("/")))
    assert match, "the header carries data-unread"
    return int(match.group(1))


def _sweep(runner, moment) -> str:
    result = runner.invoke(args=["forum", "sweep", "--as-of", moment.isoformat()])
    assert result.exit_code == 0, result.output
    return result.output


def _subscribe(user, *, category=None, tag=None):
    db.session.add(Subscription(user_id=user.id, category=category, tag_id=tag.id if tag else None))


def test_new_question_notifies_each_subscriber_once_in_app_and_mails_as_chosen(client, auth):
    asker, by_category, by_tag, both, quiet, other, bystander = (
        make_user(n) for n in ("asker", "bycat", "bytag", "both", "quiet", "other", "bystander"))
    tag = Tag(name="仮払い")
    db.session.add(tag)
    db.session.flush()
    _subscribe(by_category, category="urgent")
    _subscribe(by_tag, tag=tag)
    _subscribe(both, category="urgent")
    _subscribe(both, tag=tag)            # both ways: still one notification
    _subscribe(quiet, category="urgent")
    _subscribe(asker, category="urgent")  # the asker is never told of their own question
    _subscribe(other, category="in_trouble")
    set_delivery(by_tag.id, "subscription", "immediate")
    set_delivery(quiet.id, "subscription", "never")  # no mail, but still told in the app
    db.session.commit()

    auth.login("asker")
    response = client.post("/questions/new", data={
        "category": "urgent", "title": "仮払いが届きません", "body": "三日たっても仮払いされません。",
        "asker_type": "lancer", "tags": "仮払い"})
    assert response.status_code == 302
    qid = int(response.headers["Location"].rsplit("/", 1)[1])
    assert _notes() == [("bycat", "new_question"), ("bytag", "new_question"), ("both", "new_question"),
                        ("quiet", "new_question")]
    assert _unread(client) == 0
    # Mail: bytag at once; bycat and both in the digest (the default); quiet and the asker none.
    assert mailed() == [("bytag@example.com", "subscription")]
    assert [d.kind for d in digest_lines(by_category.id)] == ["subscription"]
    assert [d.kind for d in digest_lines(both.id)] == ["subscription"]
    assert digest_lines(quiet.id) == [] and digest_lines(asker.id) == []
    auth.logout()

    auth.login("quiet")
    assert _unread(client) == 1
    page = text(client.get("/notifications"))
    assert "購読中のカテゴリ・タグに新しい質問が投稿されました" in page and "仮払いが届きません" in page
    [note_id] = db.session.scalars(sa.select(Notification.id).where(Notification.recipient_id == quiet.id))
    opened = client.get(f"/notifications/{note_id}")
    assert opened.status_code == 303 and opened.headers["Location"].endswith(f"/questions/{qid}")
    assert _unread(client) == 0
    auth.logout()
    auth.login("bystander")
    assert _unread(client) == 0


def test_an_answer_does_not_notify_subscribers(client, auth):
    asker, fan = make_user("asker"), make_user("fan")
    _subscribe(fan, category="want_to_know")
    db.session.commit()
    question = make_question(asker)  # written directly: not announced
    make_user("bob")
    auth.login("bob")
    assert client.post(f"/questions/{question.id}/answers", data={"body": "契約書を確認しましょう。"}).status_code == 302
    assert _notes() == [("asker", "answer")]


def _veterans():
    keen = make_user("keen", veteran=True)       # mail at once
    daily = make_user("daily", veteran=True)     # mail in the digest
    quiet = make_user("quiet", veteran=True)     # "never" (the default): not opted in
    member = make_user("member")                 # opted in, but not a veteran
    for user, delivery in ((keen, "immediate"), (daily, "digest"), (member, "immediate")):
        set_delivery(user.id, "urgent_alert", delivery)
    db.session.commit()
    return keen, daily, quiet, member


def test_urgent_alert_notifies_opted_in_veterans_once_at_the_boundary(app, runner, client, auth):
    keen, daily, quiet, member = _veterans()
    question = make_question(make_user("asker"), category="urgent", title="明日納期の案件で困っています")
    asked = question.created_at
    assert "urgent alerts 0" in _sweep(runner, asked + timedelta(hours=6) - timedelta(seconds=1))
    assert _notes() == [] and mailed() == []
    assert "urgent alerts 1" in _sweep(runner, asked + timedelta(hours=6))
    assert _notes() == [("keen", "urgent_alert"), ("daily", "urgent_alert")]
    assert mailed("urgent_alert") == [("keen@example.com", "urgent_alert")]
    assert [d.kind for d in digest_lines(daily.id)] == ["urgent_alert"]
    # The same moment again, and later ones: nothing more, in the app or by mail.
    assert "urgent alerts 0" in _sweep(runner, asked + timedelta(hours=6))
    assert "urgent alerts 0" in _sweep(runner, asked + timedelta(hours=30))
    assert _notes() == [("keen", "urgent_alert"), ("daily", "urgent_alert")]
    assert mailed("urgent_alert") == [("keen@example.com", "urgent_alert")]

    auth.login("daily")
    assert _unread(client) == 1
    page = text(client.get("/notifications"))
    assert "急募の質問にまだ回答がありません" in page and "明日納期の案件で困っています" in page
    assert f'href="/questions/{question.id}"' in page
    auth.logout()
    for name in ("quiet", "member"):
        auth.login(name)
        assert _unread(client) == 0
        auth.logout()


def test_urgent_alert_skips_answered_other_and_own_threads(app, runner):
    keen, daily, _quiet, _member = _veterans()
    answered = make_question(make_user("asker"), category="urgent", title="回答がついた急募です")
    make_answer(answered, make_user("helper"))
    make_question(make_user("asker2"), category="in_trouble", title="急募ではない質問です")
    own = make_question(keen, category="urgent", title="先輩自身の急募です")
    _sweep(runner, own.created_at + timedelta(hours=7))
    # Only keen's own thread is due: daily hears of it, keen (its asker) does not.
    assert _notes("urgent_alert") == [("daily", "urgent_alert")]
    assert mailed("urgent_alert") == []


def test_a_veteran_opts_in_on_the_settings_page(app, runner, client, auth):
    make_user("senpai", veteran=True)
    question = make_question(make_user("asker"), category="urgent")
    auth.login("senpai")
    page = text(client.get("/settings/notifications"))
    assert 'name="urgent_alert"' in page and "サイト内にも届きません" in page
    _sweep(runner, question.created_at + timedelta(hours=6))
    assert _notes() == []  # not opted in yet; this thread's alert is spent
    later = make_question(make_user("asker2"), category="urgent", title="二件目の急募です")
    data = {"answer": "immediate", "stale_reminder": "immediate", "best_answer": "immediate",
            "comment": "digest", "followed": "digest", "helpful": "digest", "moderation": "immediate",
            "subscription": "digest", "urgent_alert": "digest", "locale": "ja", "tags": ""}
    assert client.post("/settings/notifications", data=data).status_code == 302
    _sweep(runner, later.created_at + timedelta(hours=6))
    assert _notes() == [("senpai", "urgent_alert")]
    assert _unread(client) == 1


def test_stale_reminder_is_one_notification_to_the_asker_at_the_boundary(app, runner):
    asker, answerer = make_user("asker"), make_user("answerer")
    question = make_question(asker)
    make_answer(question, answerer)
    asked = question.created_at
    _sweep(runner, asked + timedelta(days=3) - timedelta(seconds=1))
    assert _notes() == []
    _sweep(runner, asked + timedelta(days=3))
    _sweep(runner, asked + timedelta(days=3))
    _sweep(runner, asked + timedelta(days=13))
    assert _notes() == [("asker", "remind_resolve")]
    _sweep(runner, asked + timedelta(days=14))
    _sweep(runner, asked + timedelta(days=14))
    assert _notes() == [("asker", "remind_resolve")]  # expiry notifies nobody


HELD_BODY = "緑のアプリで kaito_mv を検索してください"  # uncertain contact details: the question is held


def test_a_held_question_is_announced_when_published_not_before(app, runner, client, auth):
    fan = make_user("fan")
    _subscribe(fan, category="urgent")
    make_user("asker")
    make_user("mod", role="moderator")
    keen, _daily, _quiet, _member = _veterans()
    auth.login("asker")
    response = client.post("/questions/new", data={"category": "urgent", "title": "急ぎで相談です",
                                                   "body": HELD_BODY, "asker_type": "lancer", "tags": ""})
    qid = int(response.headers["Location"].rsplit("/", 1)[1])
    auth.logout()
    asked = db.session.get(Question, qid).created_at
    assert db.session.get(Question, qid).is_held
    _sweep(runner, asked + timedelta(hours=7))  # held: hidden, so no 急募 alert either
    assert _notes() == [] and mailed() == []
    auth.login("mod")
    assert client.post(f"/moderation/posts/question/{qid}/publish", data={"note": ""}).status_code == 303
    assert _notes() == [("asker", "published"), ("fan", "new_question")]
    _sweep(runner, asked + timedelta(hours=8))  # now public and still unanswered
    assert _notes()[2:] == [("keen", "urgent_alert"), ("daily", "urgent_alert")]


def test_hide_and_restore_tell_the_author_with_the_reason_never_the_moderator(client, auth):
    asker, bob, mod = make_user("asker"), make_user("bob"), make_user("mod", role="moderator")
    question = make_question(asker)
    answer, own = make_answer(question, bob), make_answer(question, mod, "モデレーター自身の回答です。")
    auth.login("mod")
    for post in (answer, own):
        assert client.post(f"/moderation/posts/answer/{post.id}/hide", data={"note": "宣伝のため"}).status_code == 303
        assert client.post(f"/moderation/posts/answer/{post.id}/restore",
                           data={"note": "誤りでした"}).status_code == 303
    mine = make_question(mod, title="モデレーター自身の質問です")
    for thread in (question, mine):
        closed = client.post(f"/questions/{thread.id}/close", data={"reason": "off_topic", "note": "趣旨と異なります"})
        assert closed.status_code in (302, 303)
    assert _notes() == [("bob", "hidden"), ("bob", "restored"), ("asker", "closed")]
    assert _unread(client) == 0
    auth.logout()
    auth.login("bob")
    page = text(client.get("/notifications"))
    assert "宣伝のため" in page and "誤りでした" in page


@pytest.mark.parametrize("delivery", ["digest", "immediate", "never"])
def test_announcing_a_question_costs_the_same_statements_for_1_and_50_subscribers(app, client, auth, delivery):
    """The announcement runs inside the asker's request: its statements must not grow with the
    subscribers (multi-row INSERTs of the notifications, mails and digest lines)."""
    make_user("asker")
    tags = {}
    for category, size in (("want_to_know", 0), ("urgent", 1), ("in_trouble", 50)):
        tags[category] = tag = Tag(name=f"タグ{category}")
        db.session.add(tag)
        db.session.flush()
        for i in range(size):
            member = make_user(f"{category}{i}")
            # By the category, by the tag, or both (still one notification and one mail).
            if i % 3 != 1:
                _subscribe(member, category=category)
            if i % 3 != 0:
                _subscribe(member, tag=tag)
            set_delivery(member.id, "subscription", delivery)
    db.session.commit()
    auth.login("asker")
    counts, posts = [], []
    for category in ("want_to_know", "urgent", "in_trouble"):  # the first one warms up
        with count_statements() as statements:
            response = client.post("/questions/new", data={
                "category": category, "title": f"仮払いが届きません{category}", "body": "三日たっても仮払いされません。",
                "asker_type": "lancer", "tags": tags[category].name})
        assert response.status_code == 302
        counts.append(len(statements))
        posts.append(statements)
    assert counts[1] == counts[2], posts[2]
    told = dict(db.session.execute(sa.select(Notification.kind, sa.func.count()).group_by(Notification.kind)).all())
    assert told == {"new_question": 51}
    expected_mails = 51 if delivery == "immediate" else 0
    assert len(mailed("subscription")) == expected_mails
    lines = db.session.scalar(sa.select(sa.func.count()).select_from(DigestItem))
    assert lines == (51 if delivery == "digest" else 0)


def test_mailing_an_event_twice_with_its_key_mails_each_member_once(app):
    asker, keen, daily = make_user("asker"), make_user("keen"), make_user("daily")
    set_delivery(keen.id, "subscription", "immediate")
    question = make_question(asker)
    for _ in range(2):  # e.g. a use case re-run after a failure
        mail_event([asker, keen, daily], "subscription", actor=asker, subject="件名", template="new_question",
                   line="新しい質問", url="http://s/q/1", dedupe_key=f"new_question:{question.id}", question=question)
    db.session.commit()
    assert mailed() == [("keen@example.com", "subscription")]
    assert digest_lines(asker.id) == [] and len(digest_lines(daily.id)) >= 1


def test_urgent_alerts_take_as_many_statements_for_1_as_for_20_veterans(app):
    """The alert to every opted-in veteran is written in bulk: the statements for a due thread
    do not grow with the number of veterans told."""
    counts = []
    for n in (1, 20):
        for i in range(n):
            set_delivery(make_user(f"v{n}_{i}", veteran=True).id, "urgent_alert", "digest")
        question = make_question(make_user(f"asker{n}"), category="urgent", title=f"急募の質問です{n}")
        db.session.commit()
        with count_statements() as statements:
            assert stale.alert_urgent(question.created_at + timedelta(hours=6)) == 1
        counts.append(len(statements))
        told = db.session.scalar(sa.select(sa.func.count()).select_from(Notification).where(
            Notification.kind == "urgent_alert", Notification.question_id == question.id))
        assert told == (1 if n == 1 else 21)  # the veterans opted in so far, each once
    assert counts[0] == counts[1], counts
