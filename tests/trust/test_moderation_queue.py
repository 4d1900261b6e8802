"""The report queue: report → hide → restore, dismiss, close, suspend; the audit log and its filters."""
from datetime import timedelta

import sqlalchemy as sa

from forum.extensions import db
from forum.models import AuditLog, Question, Report, SearchDocument, User, utcnow
from tests.factories import make_answer, make_question, make_user, resolved_thread
from tests.functional.html import follow_link, form, forms, text, visible_text


def _open_reports():
    return db.session.scalar(sa.select(sa.func.count()).select_from(Report).where(Report.status == "open"))


def _actions():
    return [(e.action, e.target_type, e.target_id) for e in db.session.scalars(sa.select(AuditLog).order_by(AuditLog.id))]


def _report(client, auth, name, target_type, target_id, reason="spam", detail=""):
    auth.logout()
    auth.login(name)
    client.post("/reports", data={"target_type": target_type, "target_id": target_id, "reason": reason, "detail": detail})


def test_report_hide_restore_an_answer(client, auth):
    alice, bob = make_user("alice"), make_user("bob")
    q = resolved_thread(alice, bob, "源泉徴収の扱いについて", "源泉徴収はどうなりますか", "ランサー側で確定申告します")
    spam = make_answer(q, make_user("spammer"), "副業で月収100万円！詳細はプロフィールへ")
    make_user("carol"), make_user("dave"), make_user("mod", role="moderator")
    _report(client, auth, "carol", "answer", spam.id, "spam", "宣伝です")
    _report(client, auth, "dave", "answer", spam.id, "rule_violation")
    assert f'href="/questions/{q.id}"' in text(client.get("/search?q=月収"))

    auth.logout()
    auth.login("mod")
    queue = client.get("/moderation")
    page = visible_text(queue)
    assert "通報の対応待ち（1件）" in page and "通報 2件" in page
    assert "源泉徴収の扱いについて" in page and "月収100万円" in page and "宣伝です" in page
    confirm = follow_link(client, queue, f"action=hide&target=answer:{spam.id}")  # the confirmation step
    assert "この回答を非表示にします" in visible_text(confirm) and "月収100万円" in visible_text(confirm)
    hide = form(confirm, f"/moderation/posts/answer/{spam.id}/hide")
    without = client.post(hide.action, data=hide.data())  # no reason: the form comes back
    assert without.status_code == 422 and "理由を入力してください" in text(without)
    response = client.post(hide.action, data=hide.data(note="宣伝のため"))
    assert response.status_code == 303 and response.headers["Location"].endswith("/moderation")
    assert _open_reports() == 0
    assert ("hide", "answer", spam.id) in _actions()
    assert "対応待ちの通報はありません" in text(client.get("/moderation"))

    # Gone for everyone else, and from search; moderators still see it, marked.
    assert "この回答は非表示です" in text(client.get(f"/questions/{q.id}"))
    auth.logout()
    thread = text(client.get(f"/questions/{q.id}"))
    assert "月収100万円" not in thread and f'id="answer-{spam.id}"' not in thread
    assert f'href="/questions/{q.id}"' not in text(client.get("/search?q=月収"))
    auth.login("bob")
    assert "月収100万円" not in text(client.get(f"/questions/{q.id}"))

    auth.logout()
    auth.login("mod")
    restore = form(client.get(f"/questions/{q.id}"), f"/moderation/posts/answer/{spam.id}/restore")
    client.post(restore.action, data=restore.data())
    assert ("restore", "answer", spam.id) in _actions()
    auth.logout()
    assert "月収100万円" in text(client.get(f"/questions/{q.id}"))
    assert f'href="/questions/{q.id}"' in text(client.get("/search?q=月収"))


def test_hidden_question_is_404_for_all_but_moderators_and_can_be_restored(client, auth):
    alice = make_user("alice")
    q = resolved_thread(alice, make_user("bob"), "出金手数料が高い件", "出金手数料について", "振込手数料がかかります")
    make_user("carol"), make_user("mod", role="moderator")
    _report(client, auth, "carol", "question", q.id, "harassment")
    auth.logout()
    auth.login("mod")
    confirm = follow_link(client, client.get("/moderation"), f"action=hide&target=question:{q.id}")
    hide = form(confirm, f"/moderation/posts/question/{q.id}/hide")
    client.post(hide.action, data=hide.data(note="確認のため"))
    assert db.session.get(Question, q.id).is_hidden
    assert db.session.get(SearchDocument, q.id) is None
    assert client.get(f"/questions/{q.id}").status_code == 200
    for who in (None, "alice", "carol"):
        auth.logout()
        if who:
            auth.login(who)
        assert client.get(f"/questions/{q.id}").status_code == 404
        assert "出金手数料が高い件" not in text(client.get("/questions?status=resolved"))
    auth.logout()
    auth.login("mod")
    client.post(f"/moderation/posts/question/{q.id}/restore", data={})
    assert db.session.get(SearchDocument, q.id) is not None
    auth.logout()
    assert client.get(f"/questions/{q.id}").status_code == 200


def test_dismiss_and_close_from_the_queue(client, auth):
    alice = make_user("alice")
    q1 = make_question(alice, title="ひとつめの質問です")
    q2 = make_question(alice, title="ふたつめの質問です")
    a2 = make_answer(q2, make_user("bob"), "連絡先を交換しましょう、外で")
    make_user("carol"), make_user("mod", role="moderator")
    _report(client, auth, "carol", "question", q1.id, "other")
    _report(client, auth, "carol", "answer", a2.id, "contact_exchange")
    auth.logout()
    auth.login("mod")
    queue = client.get("/moderation")
    body = text(queue)
    assert body.index(f"queue-question-{q1.id}") < body.index(f"queue-answer-{a2.id}")  # oldest first
    dismiss = form(queue, f"/moderation/posts/question/{q1.id}/dismiss")
    client.post(dismiss.action, data=dismiss.data())
    confirm = follow_link(client, client.get("/moderation"), f"action=close&target=answer:{a2.id}")
    close = form(confirm, f"/moderation/posts/answer/{a2.id}/close")
    assert "contact_exchange" in close.options["reason"]
    client.post(close.action, data=close.data(reason="contact_exchange", note="外部での取引の誘い"))
    assert _open_reports() == 0
    assert db.session.get(Question, q1.id).status == "open"
    assert db.session.get(Question, q2.id).status == "closed"
    assert db.session.get(Question, q2.id).close_reason == "contact_exchange"
    assert [a for a in _actions() if a[0] != "restore"] == [
        ("dismiss_reports", "question", q1.id), ("close", "question", q2.id)]
    resolutions = db.session.scalars(sa.select(Report.resolution).order_by(Report.id)).all()
    assert resolutions == ["dismissed", "closed"]


def test_suspend_the_author_from_the_queue(client, auth):
    q = make_question(make_user("alice"))
    a = make_answer(q, make_user("troll"), "ひどい言葉")
    make_user("carol"), make_user("mod", role="moderator")
    _report(client, auth, "carol", "answer", a.id, "harassment")
    auth.logout()
    auth.login("mod")
    confirm = follow_link(client, client.get("/moderation"), f"action=suspend&target=answer:{a.id}")
    suspend = form(confirm, f"/moderation/posts/answer/{a.id}/suspend")
    assert set(suspend.options["days"]) == {"1", "3", "7", "30", "365"}
    response = client.post(suspend.action, data=suspend.data(days="7", reason="他の会員への嫌がらせ"))
    assert response.status_code == 303
    troll = db.session.scalar(sa.select(User).where(User.username == "troll"))
    assert troll.is_suspended() and troll.suspension_reason == "他の会員への嫌がらせ"
    assert timedelta(days=6, hours=23) < troll.suspended_until - utcnow() <= timedelta(days=7)
    assert _open_reports() == 0 and ("suspend", "user", troll.id) in _actions()
    missing = client.post(suspend.action, data=suspend.data(days="7", reason=""))
    assert missing.status_code == 422 and "理由を入力してください" in text(missing)


def test_audit_log_filters_by_moderator_action_and_date(client, auth):
    alice = make_user("alice")
    mod1, mod2 = make_user("mod1", role="moderator"), make_user("mod2", role="admin")
    q = make_question(alice)
    old = AuditLog(actor_id=mod1.id, action="close", target_type="question", target_id=q.id,
                   reason="spam", created_at=utcnow() - timedelta(days=40))
    db.session.add_all([old, AuditLog(actor_id=mod2.id, action="hide", target_type="question", target_id=q.id,
                                      note="新しいほう")])
    db.session.commit()
    auth.login("mod1")
    assert len(_rows(client.get("/moderation"))) == 2
    assert len(_rows(client.get("/moderation?actor=mod2"))) == 1
    assert len(_rows(client.get("/moderation?action=close"))) == 1
    since = (utcnow() - timedelta(days=7)).date().isoformat()
    rows = _rows(client.get(f"/moderation?since={since}"))
    assert len(rows) == 1 and "新しいほう" in rows[0]
    until = (utcnow() - timedelta(days=30)).date().isoformat()
    assert len(_rows(client.get(f"/moderation?until={until}"))) == 1
    bad = client.get("/moderation?since=not-a-date&action=bogus")
    assert bad.status_code == 200 and "YYYY-MM-DD" in text(bad) and len(_rows(bad)) == 2
    filters = [f for f in forms(client.get("/moderation")) if f.method == "get"]
    assert {"actor", "action", "since", "until"} <= filters[-1].names


def _rows(response):
    body = text(response)
    table = body.split('<tbody>')[1].split('</tbody>')[0] if '<tbody>' in body else ""
    return [row for row in table.split("<tr>")[1:]]
