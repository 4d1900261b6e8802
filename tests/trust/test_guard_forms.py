"""The guard on real forms: ask, answer, edits and the profile refuse contact details (422)."""
import html

from forum.extensions import db
from forum.models import Answer, Question, User
from tests.factories import make_answer, make_question, make_user
from tests.functional.html import form, text

RULE = "直接取引の禁止"
AFTER = "連絡先公開申請"


def _refused(response, kept: str, marked: str):
    page = text(response)
    assert response.status_code == 422
    assert RULE in page and AFTER in page and "仮払い" in page
    assert f"<mark>{html.escape(marked, quote=False)}</mark>" in page
    assert html.escape(kept, quote=False) in page  # the whole text is still in the form


def test_question_with_a_phone_number_is_refused_and_kept(client, auth):
    make_user("alice")
    auth.login("alice")
    body = "仮払い前ですが、急ぎなので090-1234-5678に電話してもらえますか？"
    response = client.post("/questions/new", data={
        "category": "urgent", "asker_type": "lancer", "title": "至急相談したいです", "body": body, "tags": ""})
    _refused(response, body, "090-1234-5678")
    assert db.session.scalar(db.select(db.func.count()).select_from(Question)) == 0


def test_title_with_an_email_is_refused(client, auth):
    make_user("alice")
    auth.login("alice")
    response = client.post("/questions/new", data={
        "category": "want_to_know", "asker_type": "lancer", "title": "taro＠example．com まで連絡を",
        "body": "仮払いについて詳しく教えてください。"})
    _refused(response, "taro＠example．com まで連絡を", "taro＠example．com")


def test_answer_with_a_line_id_is_refused_on_the_thread(client, auth):
    q = make_question(make_user("alice"))
    make_user("bob")
    auth.login("bob")
    body = "詳しくはLINE ID: bob_lancer で話しましょう"
    response = client.post(f"/questions/{q.id}/answers", data={"body": body})
    _refused(response, body, "LINE ID: bob_lancer")
    assert db.session.scalar(db.select(db.func.count()).select_from(Answer)) == 0


def test_marked_excerpt_escapes_the_users_html(client, auth):
    q = make_question(make_user("alice"))
    make_user("bob")
    auth.login("bob")
    body = "<script>alert(1)</script> 連絡は 080-1111-2222 <b>まで</b>"
    response = client.post(f"/questions/{q.id}/answers", data={"body": body})
    page = text(response)
    assert response.status_code == 422
    assert "<script>alert(1)</script>" not in page
    assert "<mark>080-1111-2222</mark>" in page


def test_ordinary_money_and_dates_pass(client, auth):
    make_user("alice")
    auth.login("alice")
    response = client.post("/questions/new", data={
        "category": "in_trouble", "asker_type": "lancer", "title": "報酬¥50,000の仮払いが2024/05/01から止まっています",
        "body": "注文番号 0123-456-789、手数料20%、v1.2 の件です。LINEで連絡したいと言われましたが断りました。"})
    assert response.status_code == 302


def test_editing_a_question_into_contact_details_is_refused(client, auth):
    alice = make_user("alice")
    q = make_question(alice)
    auth.login("alice")
    page = client.get(f"/questions/{q.id}/edit")
    edit = form(page, f"/questions/{q.id}/edit")
    body = "Chatwork ID: alice-w で続きを"
    response = client.post(edit.action, data=edit.data(body=body))
    _refused(response, body, "Chatwork ID: alice-w")
    assert db.session.get(Question, q.id).body != body


def test_editing_an_answer_into_contact_details_is_refused(client, auth):
    q = make_question(make_user("alice"))
    a = make_answer(q, make_user("bob"))
    auth.login("bob")
    response = client.post(f"/answers/{a.id}/edit", data={"body": "https://discord.gg/abcdef へどうぞ"})
    _refused(response, "https://discord.gg/abcdef へどうぞ", "https://discord.gg/abcdef")


def test_profile_bio_is_guarded(client, auth):
    make_user("alice")
    auth.login("alice")
    bio = "Webライター歴5年。Instagram @alice_writes も見てください"
    response = client.post("/users/alice/edit", data={"bio": bio})
    _refused(response, bio, "Instagram @alice_writes")
    assert db.session.scalar(db.select(User.bio).where(User.username == "alice")) == ""
    response = client.post("/users/alice/edit", data={"bio": "Webライター歴5年です。"})
    assert response.status_code == 303
    assert "Webライター歴5年です。" in text(client.get("/users/alice"))
