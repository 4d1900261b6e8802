"""`flask forum sweep` at the boundaries, and password reset by mail end to end."""
import re
from datetime import timedelta

import sqlalchemy as sa

from forum.extensions import db
from forum.mail.preferences import set_delivery
from forum.models import Question, User
from tests.factories import make_answer, make_question, make_user
from tests.mail.helpers import mailed, outbox


def _sweep(runner, moment):
    result = runner.invoke(args=["forum", "sweep", "--as-of", moment.isoformat()])
    assert result.exit_code == 0, result.output
    return result.output


def _status(question_id):
    db.session.expire_all()
    return db.session.get(Question, question_id)


def test_remind_once_then_expire_at_the_boundaries(app, runner, client, auth):
    asker, answerer = make_user("asker"), make_user("answerer")
    question = make_question(asker)
    make_answer(question, answerer)
    asked = question.created_at
    _sweep(runner, asked + timedelta(days=3) - timedelta(seconds=1))
    assert mailed() == []
    assert "reminded 1" in _sweep(runner, asked + timedelta(days=3))
    assert mailed() == [("asker@example.com", "stale_reminder")]
    assert "reminded 0" in _sweep(runner, asked + timedelta(days=5))  # once
    _sweep(runner, asked + timedelta(days=14) - timedelta(seconds=1))
    assert _status(question.id).status == "open"
    assert "expired 1" in _sweep(runner, asked + timedelta(days=14))
    assert _status(question.id).status == "expired"
    assert "expired 0" in _sweep(runner, asked + timedelta(days=15))
    assert mailed() == [("asker@example.com", "stale_reminder")]  # expiry mails nobody
    page = client.get(f"/questions/{question.id}").get_data(as_text=True)
    assert "回答受付終了" in page
    auth.login("answerer")
    refused = client.post(f"/questions/{question.id}/answers", data={"body": "遅れてすみません。"})
    assert refused.status_code == 409 and "回答受付を終了しました" in refused.get_data(as_text=True)


def test_unanswered_threads_neither_remind_nor_expire(app, runner):
    question = make_question(make_user("asker"))
    _sweep(runner, question.created_at + timedelta(days=30))
    assert mailed() == [] and _status(question.id).status == "open"


def test_urgent_alert_goes_to_opted_in_veterans_once(app, runner):
    keen, quiet, member = make_user("keen", veteran=True), make_user("quiet", veteran=True), make_user("member")
    set_delivery(keen.id, "urgent_alert", "immediate")
    set_delivery(member.id, "urgent_alert", "immediate")  # not a veteran: not told
    db.session.commit()
    question = make_question(make_user("asker"), category="urgent")
    _sweep(runner, question.created_at + timedelta(hours=6) - timedelta(seconds=1))
    assert mailed() == []
    _sweep(runner, question.created_at + timedelta(hours=6))
    _sweep(runner, question.created_at + timedelta(hours=7))
    assert mailed() == [("keen@example.com", "urgent_alert")]
    assert quiet.email not in [a for a, _ in mailed()]


def test_sweep_refuses_a_bad_time(runner):
    result = runner.invoke(args=["forum", "sweep", "--as-of", "yesterday"])
    assert result.exit_code == 2 and "ISO-8601" in result.output


def _link(mail) -> str:
    return "/" + re.search(r"https?://[^/\s]+/(auth/reset/\S+)", mail.body_text).group(1)


def test_password_reset_end_to_end(app, client, auth):
    make_user("hanako")
    known = client.post("/auth/reset", data={"email": "hanako@example.com"}, follow_redirects=True)
    unknown = client.post("/auth/reset", data={"email": "nobody@example.com"}, follow_redirects=True)
    assert known.status_code == unknown.status_code == 200
    assert "登録されていれば" in known.get_data(as_text=True) and "登録されていれば" in unknown.get_data(as_text=True)
    [mail] = outbox()
    assert mail.to_address == "hanako@example.com" and mail.unsubscribe_url is None
    link = _link(mail)
    assert client.get(link).status_code == 200
    mismatch = client.post(link, data={"password": "new-password-1", "password_confirm": "other-password"})
    assert mismatch.status_code == 422 and "パスワードが一致しません" in mismatch.get_data(as_text=True)
    assert client.post(link, data={"password": "new-password-1", "password_confirm": "new-password-1"}).status_code == 302
    assert auth.login("hanako", "new-password-1").status_code == 302
    used = client.get(link)
    assert used.status_code == 410 and "すでに使われています" in used.get_data(as_text=True)
    assert client.get("/auth/reset/not-a-token").status_code == 410
    bad = client.post("/auth/reset", data={"email": "not an address"})
    assert bad.status_code == 422 and "not an address" in bad.get_data(as_text=True)


def test_password_reset_link_expires(make_app):
    app = make_app(PASSWORD_RESET_SECONDS=-1)
    client = app.test_client()
    with app.app_context():
        make_user("hanako")
        client.post("/auth/reset", data={"email": "hanako@example.com"})
        page = client.get(_link(outbox()[0]))
    assert page.status_code == 410 and "有効期限が切れています" in page.get_data(as_text=True)


def test_password_reset_is_rate_limited(make_app):
    app = make_app(RATELIMIT_ENABLED=True, RATELIMIT_PASSWORD_RESET="2 per hour")
    client = app.test_client()
    codes = [client.post("/auth/reset", data={"email": "x@example.com"}).status_code for _ in range(3)]
    assert codes == [302, 302, 429]


def test_login_page_links_to_reset(client):
    assert 'href="/auth/reset"' in client.get("/auth/login").get_data(as_text=True)


def test_settings_page_saves_choices_and_keeps_bad_input(app, client, auth):
    make_user("hanako")
    auth.login("hanako")
    page = client.get("/settings/notifications").get_data(as_text=True)
    assert 'name="answer"' in page and 'name="urgent_alert"' not in page  # veterans only
    data = {"answer": "digest", "stale_reminder": "never", "best_answer": "immediate", "comment": "digest",
            "followed": "digest", "helpful": "never", "moderation": "immediate", "subscription": "immediate",
            "locale": "en", "categories": ["urgent"], "tags": "仮払い, 手数料"}
    assert client.post("/settings/notifications", data=data).status_code == 302
    user = db.session.scalar(sa.select(User).where(User.username == "hanako"))
    assert user.locale == "en"
    page = client.get("/settings/notifications").get_data(as_text=True)
    assert 'value="仮払い, 手数料"' in page
    bad = client.post("/settings/notifications", data={**data, "answer": "sometimes", "tags": "源泉徴収"})
    assert bad.status_code == 422
    text = bad.get_data(as_text=True)
    assert "源泉徴収" in text and ("正しくありません" in text or "Not a valid choice" in text or "選んで" in text)
    assert client.get("/settings/notifications").status_code == 200
    auth.logout()
    assert client.get("/settings/notifications").status_code == 302  # members only
