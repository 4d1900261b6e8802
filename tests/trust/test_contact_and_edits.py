"""お問い合わせ (three kinds, the admins' inbox), the FAQ → forum → contact path, and post edits."""
import sqlalchemy as sa

from forum.extensions import db
from forum.models import AuditLog, ContactMessage, Question, SearchDocument
from tests.factories import make_user, resolved_thread
from tests.functional.html import form, text, visible_text


def test_three_kinds_and_support_needs_an_email(client):
    page = client.get("/contact")
    contact = form(page, "/contact")
    assert set(contact.options["kind"]) == {"bug", "abuse", "support"}
    refused = client.post("/contact", data=contact.data(kind="support", subject="出金できません", body="エラーが出ます"))
    assert refused.status_code == 422
    assert "メールアドレスを入力してください" in text(refused) and "エラーが出ます" in text(refused)
    assert client.post("/contact", data=contact.data(kind="bug", subject="表示崩れ", body="スマホで崩れます")).status_code == 303
    assert client.post("/contact", data=contact.data(kind="support", subject="出金できません", body="エラーが出ます",
                                                     email="guest@example.com")).status_code == 303
    assert client.post("/contact", data=contact.data(kind="other", subject="x", body="y")).status_code == 422
    rows = db.session.scalars(sa.select(ContactMessage).order_by(ContactMessage.id)).all()
    assert [(m.kind, m.email, m.user_id) for m in rows] == [("bug", None, None), ("support", "guest@example.com", None)]


def test_admins_list_and_mark_done(client, auth):
    db.session.add(ContactMessage(kind="abuse", subject="スパム業者がいます", body="毎日同じ宣伝が投稿されます"))
    db.session.commit()
    make_user("mod", role="moderator")
    make_user("boss", role="admin")
    auth.login("mod")
    assert client.get("/moderation/contact").status_code == 403
    auth.logout()
    auth.login("boss")
    inbox = client.get("/moderation/contact")
    assert "スパム業者がいます" in text(inbox) and "迷惑行為・規約違反の報告" in visible_text(inbox)
    done = form(inbox, "/done")
    client.post(done.action, data=done.data())
    assert db.session.scalar(sa.select(ContactMessage.is_done))
    assert "スパム業者がいます" not in text(client.get("/moderation/contact"))
    assert "スパム業者がいます" in text(client.get("/moderation/contact?done=1"))
    assert db.session.scalar(sa.select(AuditLog.action)) == "close_contact"


def test_faq_and_empty_search_lead_to_the_forum_then_contact(client):
    faq = text(client.get("/faq"))
    assert faq.index('href="/questions/new"') < faq.index('href="/contact"')
    empty = text(client.get("/search?q=存在しない言葉ですよ"))
    section = empty.split('class="no-results"')[1]
    assert section.index('/faq') < section.index('/contact')


def test_authors_edit_their_question_and_search_follows(client, auth):
    alice, bob = make_user("alice"), make_user("bob")
    q = resolved_thread(alice, bob, "手数料の計算について", "手数料はいくらですか", "20%です")
    auth.login("alice")
    edit = form(client.get(f"/questions/{q.id}/edit"), f"/questions/{q.id}/edit")
    assert edit.data()["title"] == "手数料の計算について"
    response = client.post(edit.action, data=edit.data(title="システム利用料の計算について", tags="手数料, 計算"))
    assert response.status_code == 303
    assert db.session.get(SearchDocument, q.id).title == "システム利用料の計算について"
    assert f'href="/questions/{q.id}"' in text(client.get("/search?q=システム利用料"))
    auth.logout()
    auth.login("bob")
    assert client.get(f"/questions/{q.id}/edit").status_code == 403


def test_authors_edit_their_answer_not_others_and_not_closed(client, auth):
    alice, bob = make_user("alice"), make_user("bob")
    q = resolved_thread(alice, bob, "納品後の修正依頼", "何回まで対応すべき？", "契約内容次第です")
    answer_id = db.session.get(Question, q.id).best_answer_id
    auth.login("bob")
    thread = client.get(f"/questions/{q.id}")
    assert f"/answers/{answer_id}/edit" in text(thread)
    client.post(f"/answers/{answer_id}/edit", data={"body": "契約内容と事前の取り決め次第です"})
    assert "取り決め" in db.session.get(SearchDocument, q.id).best_answer
    auth.logout()
    auth.login("alice")
    assert client.post(f"/answers/{answer_id}/edit", data={"body": "乗っ取り"}).status_code == 403
    question = db.session.get(Question, q.id)
    question.status = "closed"
    db.session.commit()
    auth.logout()
    auth.login("bob")
    assert client.post(f"/answers/{answer_id}/edit", data={"body": "閉じた後"}).status_code == 409
    assert client.get("/answers/99999/edit").status_code == 404
