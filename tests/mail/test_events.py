"""Which events mail whom: exactly the mails they should, never the actor, as each member chose."""
from datetime import timedelta

from forum.extensions import db
from forum.mail.outbox import queue_digests
from forum.mail.preferences import set_delivery
from forum.models import Subscription, Tag, utcnow
from forum.notify import notify
from tests.factories import make_answer, make_question, make_user
from tests.mail.helpers import digest_lines, mailed, outbox


def test_notification_mails_the_recipient_once_and_never_the_actor(app):
    asker, answerer = make_user("asker"), make_user("answerer")
    question = make_question(asker)
    answer = make_answer(question, answerer)
    notify(asker, "answer", answerer, question, answer=answer)
    notify(answerer, "answer", answerer, question, answer=answer)  # their own act: nothing
    db.session.commit()
    assert mailed() == [("asker@example.com", "answer")]
    [mail] = outbox()
    assert question.title in mail.subject and "回答" in mail.subject
    assert f"/questions/{question.id}#answer-{answer.id}" in mail.body_text
    assert answer.body in mail.body_text and mail.unsubscribe_url


def test_answer_through_the_site_mails_the_asker_only(client, auth, app):
    asker, _ = make_user("asker"), make_user("answerer")
    question = make_question(asker)
    auth.login("answerer")
    assert client.post(f"/questions/{question.id}/answers", data={"body": "仮払いは先に預ける仕組みです。"}).status_code == 302
    assert mailed() == [("asker@example.com", "answer")]
    auth.logout()
    auth.login("asker")  # the asker answering their own thread mails nobody
    client.post(f"/questions/{question.id}/answers", data={"body": "補足ありがとうございます。"})
    assert mailed() == [("asker@example.com", "answer")]


def test_digest_and_never_choices(app):
    asker, answerer = make_user("asker"), make_user("answerer")
    question = make_question(asker)
    set_delivery(asker.id, "answer", "digest")
    notify(asker, "answer", answerer, question)
    db.session.commit()
    assert mailed() == [] and [d.kind for d in digest_lines(asker.id)] == ["answer"]
    set_delivery(asker.id, "answer", "never")
    notify(asker, "answer", answerer, question)
    db.session.commit()
    assert mailed() == [] and len(digest_lines(asker.id)) == 1


def test_english_member_gets_english_mail(app):
    asker, answerer = make_user("asker"), make_user("answerer")
    asker.locale = "en"
    question = make_question(asker, title="How does escrow work")
    notify(asker, "answer", answerer, question)
    db.session.commit()
    [mail] = outbox()
    assert "How does escrow work" in mail.subject and "回答がつきました" not in mail.subject


def test_new_question_reaches_category_and_tag_subscribers_not_the_asker(client, auth, app):
    asker, by_category, by_tag, other = (make_user(n) for n in ("asker", "bycat", "bytag", "other"))
    tag = Tag(name="仮払い")
    db.session.add(tag)
    db.session.flush()
    db.session.add_all([Subscription(user_id=by_category.id, category="urgent"),
                        Subscription(user_id=by_tag.id, tag_id=tag.id),
                        Subscription(user_id=asker.id, category="urgent"),
                        Subscription(user_id=other.id, category="in_trouble")])
    set_delivery(by_tag.id, "subscription", "immediate")
    db.session.commit()
    auth.login("asker")
    response = client.post("/questions/new", data={"category": "urgent", "title": "仮払いが届きません",
                                                   "body": "三日たっても仮払いされません。", "asker_type": "lancer",
                                                   "tags": "仮払い"})
    assert response.status_code == 302
    assert mailed() == [("bytag@example.com", "subscription")]  # by_category: digest (the default)
    assert [d.kind for d in digest_lines(by_category.id)] == ["subscription"]
    assert digest_lines(asker.id) == [] and digest_lines(other.id) == []


def test_one_click_unsubscribe_without_signing_in(client, app):
    asker, answerer = make_user("asker"), make_user("answerer")
    notify(asker, "answer", answerer, make_question(asker))
    db.session.commit()
    path = outbox()[0].unsubscribe_url.split("://", 1)[1].split("/", 1)[1]
    page = client.get("/" + path)
    assert page.status_code == 200 and "配信を停止する" in page.get_data(as_text=True)
    assert mailed() and client.post("/" + path, data={"List-Unsubscribe": "One-Click"}).status_code == 200
    notify(asker, "answer", answerer, make_question(asker, title="二つ目の質問"))
    db.session.commit()
    assert len(outbox()) == 1  # no second mail
    assert client.post("/mail/unsubscribe/forged-token").status_code == 404


def test_digest_goes_once_a_day(app):
    asker, answerer = make_user("asker"), make_user("answerer")
    question = make_question(asker)
    notify(asker, "comment", answerer, question)
    db.session.commit()
    now = (utcnow() + timedelta(days=1)).replace(hour=1, minute=0)  # 10:00 in Tokyo, tomorrow
    assert queue_digests(now) == 1
    db.session.commit()
    assert queue_digests(now + timedelta(minutes=5)) == 0
    notify(asker, "comment", answerer, question)
    db.session.commit()
    assert queue_digests(now + timedelta(hours=2)) == 0  # today's went: tomorrow's
    assert queue_digests(now + timedelta(days=1)) == 1
    db.session.commit()
    assert [m.kind for m in outbox()] == ["digest", "digest"]
    assert "/mail/unsubscribe/" in outbox()[0].unsubscribe_url
