"""Closing and reopening threads, and the moderation dashboard with its audit log."""
import sqlalchemy as sa

from forum.extensions import db
from forum.models import AuditLog, Question
from tests.factories import make_question, make_user, resolved_thread
from tests.functional.html import form, submit, text, visible_text


def test_moderator_closes_with_reason_and_note_then_reopens(client, auth):
    alice, bob = make_user("alice"), make_user("bob")
    q = resolved_thread(alice, bob, "連絡先を聞かれました", "メッセージでLINEを聞かれました。",
                        "直接取引になるので断りましょう。")
    make_user("mod", role="moderator")
    auth.login("mod")
    assert "連絡先を聞かれました" in text(client.get("/search?q=直接取引"))

    page = text(client.get(f"/questions/{q.id}"))
    assert f"/questions/{q.id}/close" not in page  # the thread page links to the confirmation step
    assert f"/moderation/confirm?action=close&amp;target=question:{q.id}" in page
    confirm = client.get(f"/moderation/confirm?action=close&target=question:{q.id}")
    close = form(confirm, f"/questions/{q.id}/close")
    assert {"reason", "note"} <= close.names
    assert "contact_exchange" in close.options["reason"]
    assert close.data()["reason"] == ""  # no default reason
    response = client.post(close.action, data=close.data(reason="contact_exchange", note="外部の連絡先の交換は禁止です"))
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/questions/{q.id}")

    thread = visible_text(client.get(f"/questions/{q.id}"))
    assert "クローズ" in thread and "連絡先交換" in thread and "外部の連絡先の交換は禁止です" in thread
    assert "連絡先を聞かれました" not in text(client.get("/search?q=直接取引"))

    response = submit(client, client.get(f"/questions/{q.id}"), f"/questions/{q.id}/reopen")
    assert response.status_code == 302
    assert db.session.get(Question, q.id).status == "resolved"
    assert "連絡先を聞かれました" in text(client.get("/search?q=直接取引"))

    dashboard = visible_text(client.get("/moderation"))
    assert "クローズ" in dashboard and "再開" in dashboard and "外部の連絡先の交換は禁止です" in dashboard
    assert f"質問 #{q.id}" in dashboard and "mod" in dashboard
    actions = db.session.scalars(sa.select(AuditLog.action).order_by(AuditLog.id)).all()
    assert actions == ["close", "reopen"]


def test_member_cannot_close_or_reopen(client, auth):
    q = make_question(make_user("alice"))
    make_user("bob")
    auth.login("bob")
    page = text(client.get(f"/questions/{q.id}"))
    assert f"/questions/{q.id}/close" not in page
    assert client.post(f"/questions/{q.id}/close", data={"reason": "spam", "note": ""}).status_code == 403
    q.status, q.close_reason = "closed", "spam"
    db.session.commit()
    assert client.post(f"/questions/{q.id}/reopen").status_code == 403
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditLog)) == 0


def test_guest_closing_is_sent_to_login(client):
    q = make_question(make_user("alice"))
    response = client.post(f"/questions/{q.id}/close", data={"reason": "spam"})
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


def test_close_without_reason_is_refused(client, auth):
    q = make_question(make_user("alice"))
    make_user("mod", role="moderator")
    auth.login("mod")
    for reason in ("", "not-a-reason"):
        response = client.post(f"/questions/{q.id}/close", data={"reason": reason, "note": "x"})
        assert response.status_code == 422 and "理由を選んでください" in text(response)
        assert form(response, f"/questions/{q.id}/close").data()["note"] == "x"  # the form back, text kept
    assert db.session.get(Question, q.id).status == "open"


def test_closing_a_closed_thread_is_409(client, auth):
    q = make_question(make_user("alice"))
    make_user("mod", role="moderator")
    auth.login("mod")
    client.post(f"/questions/{q.id}/close", data={"reason": "spam", "note": "宣伝です"})
    assert client.post(f"/questions/{q.id}/close", data={"reason": "spam", "note": "宣伝です"}).status_code == 409
    assert client.post("/questions/99999/close", data={"reason": "spam", "note": "宣伝です"}).status_code == 404


def test_dashboard_access(client, auth):
    response = client.get("/moderation")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]
    make_user("bob")
    auth.login("bob")
    assert client.get("/moderation").status_code == 403
    auth.logout()
    make_user("mod", role="moderator")
    auth.login("mod")
    response = client.get("/moderation")
    assert response.status_code == 200 and "操作ログ" in text(response)
    auth.logout()
    make_user("root", role="admin")
    auth.login("root")
    assert client.get("/moderation").status_code == 200


def test_dashboard_tolerates_odd_filters(client, auth):
    make_user("mod", role="moderator")
    auth.login("mod")
    for query in ("page=-5", "page=abc", "page=99999999999999999999", "actor=%F0%9F%98%80", "action=<script>", "actor=" + "x" * 3000):
        assert client.get(f"/moderation?{query}").status_code == 200, query
    assert client.get("/moderation?actor=%00").status_code == 400  # refused before any query
