"""With CSRF on (as in production): every POST without the token is refused with 400,
and the real forms, which carry the token, work."""
import sqlalchemy as sa

from forum.extensions import db
from forum.models import Answer, Question
from tests.factories import PASSWORD, make_answer, make_question, make_user
from tests.functional.html import form, forms, submit, text


def _login(client, name):
    return submit(client, client.get("/auth/login"), "/auth/login", username=name, password=PASSWORD)


def test_posts_without_token_are_400_and_real_forms_work(make_app):
    app = make_app(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    with app.app_context():
        alice, bob = make_user("alice"), make_user("bob")
        make_user("mod", role="moderator")
        q = make_question(alice)
        answer_id = make_answer(q, bob).id
        qid = q.id

        # Signing in without the token is refused; through the form it works.
        response = client.post("/auth/login", data={"username": "bob", "password": PASSWORD})
        assert response.status_code == 400 and "フォームの有効期限" in text(response)
        assert _login(client, "bob").status_code == 302

        refused = {
            "ask": ("/questions/new", {"category": "urgent", "asker_type": "lancer",
                                       "title": "トークンなしの質問", "body": "トークンなしで送った本文です。"}),
            "answer": (f"/questions/{qid}/answers", {"body": "トークンなしの回答"}),
            "resolve": (f"/questions/{qid}/resolve", {"best_answer_id": str(answer_id)}),
            "close": (f"/questions/{qid}/close", {"reason": "spam", "note": ""}),
            "reopen": (f"/questions/{qid}/reopen", {}),
            "logout": ("/auth/logout", {}),
        }
        for name, (path, data) in refused.items():
            assert client.post(path, data=data).status_code == 400, name
            assert client.post(path, data={**data, "csrf_token": "forged"}).status_code == 400, name
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Question)) == 1
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Answer)) == 1
        assert 'action="/auth/logout"' in text(client.get("/"))  # logout without token did nothing

        # The same actions through the forms the pages render.
        response = submit(client, client.get(f"/questions/{qid}"), f"/questions/{qid}/answers",
                          body="フォームからの回答です。")
        assert response.status_code == 302
        ask = form(client.get("/questions/new"), "/questions/new")
        assert ask.data()["csrf_token"]
        response = client.post(ask.action, data=ask.data(category="urgent", title="フォームからの質問",
                                                          body="フォームから送った本文です。"))
        assert response.status_code == 302
        assert submit(client, client.get("/"), "/auth/logout").status_code == 302
        assert 'action="/auth/logout"' not in text(client.get("/"))

        _login(client, "alice")
        page = client.get(f"/questions/{qid}")
        chosen = [f for f in forms(page)
                  if f.action.endswith("/resolve") and f.data().get("best_answer_id") == str(answer_id)]
        confirm = client.get(chosen[0].action, query_string=chosen[0].data())  # the confirmation step
        assert submit(client, confirm, chosen[0].action, thanks="助かりました").status_code == 302
        submit(client, client.get("/"), "/auth/logout")

        _login(client, "mod")
        confirm = client.get(f"/moderation/confirm?action=close&target=question:{qid}")  # the confirmation step
        response = submit(client, confirm, f"/questions/{qid}/close", reason="off_topic", note="趣旨が違います")
        assert response.status_code == 302
        assert submit(client, client.get(f"/questions/{qid}"), f"/questions/{qid}/reopen").status_code == 302
        db.session.expire_all()
        question = db.session.get(Question, qid)
        assert (question.status, question.best_answer_id) == ("resolved", answer_id)
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Question)) == 2


def test_search_is_a_get_and_needs_no_token(make_app):
    app = make_app(WTF_CSRF_ENABLED=True)
    assert app.test_client().get("/search?q=仮払い").status_code == 200
