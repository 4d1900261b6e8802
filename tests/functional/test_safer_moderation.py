"""Safer moderation: hide, close and suspend ask for a reason on a confirmation page (no JavaScript:
a GET before the POST); reopen and restore take an optional note; all are logged with it; the
author is told why, with a link to appeal; the moderator panel is folded; the header counts open
reports for moderators; suspended members see no ask or answer buttons and how to appeal; a
member's report and moderation history on the profile."""
from datetime import timedelta

import sqlalchemy as sa

from forum.extensions import db
from forum.models import Answer, AuditLog, Notification, Question, Report, utcnow
from tests.factories import make_answer, make_question, make_user
from tests.functional.html import follow_link, form, forms, submit, text, visible_text


def _log():
    return db.session.execute(sa.select(AuditLog.action, AuditLog.target_type, AuditLog.target_id, AuditLog.note)
                              .order_by(AuditLog.id)).all()


def test_hiding_goes_through_a_confirmation_page_and_tells_the_author_why(client, auth):
    alice, bob = make_user("alice"), make_user("bob")
    question = make_question(alice)
    answer = make_answer(question, bob, "今すぐ稼げる副業があります")
    make_user("mod", role="moderator")
    auth.login("mod")
    thread = client.get(f"/questions/{question.id}")
    assert f"/moderation/posts/answer/{answer.id}/hide" not in text(thread)  # no one-click hide
    confirm = follow_link(client, thread, f"action=hide&target=answer:{answer.id}")
    assert confirm.status_code == 200
    shown = visible_text(confirm)
    assert "この回答を非表示にします" in shown and "今すぐ稼げる副業" in shown and "bob" in shown
    hide = form(confirm, f"/moderation/posts/answer/{answer.id}/hide")  # a plain POST form: works without JS
    assert "note" in hide.names and hide.data()["note"] == ""

    back = client.post(hide.action, data=hide.data())
    assert back.status_code == 422 and "理由を入力してください" in text(back)
    assert not db.session.get(Answer, answer.id).is_hidden
    assert client.post(hide.action, data=hide.data(note="  ")).status_code == 422

    response = client.post(hide.action, data=hide.data(note="副業の勧誘のため"))
    assert response.status_code == 303 and response.headers["Location"].endswith(f"#answer-{answer.id}")
    assert db.session.get(Answer, answer.id).is_hidden
    assert _log() == [("hide", "answer", answer.id, "副業の勧誘のため")]

    auth.logout()
    auth.login("bob")
    notifications = client.get("/notifications")
    assert "あなたの投稿がモデレーターにより非表示にされました" in visible_text(notifications)
    assert "副業の勧誘のため" in visible_text(notifications)
    assert 'href="/contact"' in text(notifications).split('class="notifications"')[1]


def test_closing_needs_a_reason_and_a_note_and_has_no_default_reason(client, auth):
    alice = make_user("alice")
    question = make_question(alice)
    make_user("mod", role="moderator")
    auth.login("mod")
    confirm = follow_link(client, client.get(f"/questions/{question.id}"), f"action=close&target=question:{question.id}")
    assert "このスレッドをクローズします" in visible_text(confirm)
    close = form(confirm, f"/questions/{question.id}/close")
    assert close.data()["reason"] == "" and close.options["reason"][0] == ""  # nothing chosen for the moderator

    missing = client.post(close.action, data=close.data(reason="off_topic", note=""))
    assert missing.status_code == 422 and "クローズする理由を説明してください" in text(missing)
    kept = form(missing, f"/questions/{question.id}/close")
    assert kept.data()["reason"] == "off_topic"  # the choice comes back with the form
    assert db.session.get(Question, question.id).status == "open"

    # The URL contract holds: POST /questions/<id>/close with reason and note.
    response = client.post(f"/questions/{question.id}/close", data={"reason": "off_topic", "note": "仕事の募集は別の場所で"})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/questions/{question.id}")
    assert _log() == [("close", "question", question.id, "仕事の募集は別の場所で")]

    reopen = form(client.get(f"/questions/{question.id}"), f"/questions/{question.id}/reopen")
    assert "note" in reopen.names
    client.post(reopen.action, data=reopen.data(note="募集ではなく相談でした"))
    assert _log()[-1] == ("reopen", "question", question.id, "募集ではなく相談でした")

    auth.logout()
    auth.login("alice")
    page = visible_text(client.get("/notifications"))
    assert "クローズされました" in page and "理由：趣旨と異なる" in page and "仕事の募集は別の場所で" in page
    assert "再開されました" in page and "募集ではなく相談でした" in page
    assert "異議があるときは" in page


def test_restore_takes_an_optional_note(client, auth):
    question = make_question(make_user("alice"))
    question.is_hidden = True
    db.session.commit()
    make_user("mod", role="moderator")
    auth.login("mod")
    restore = form(client.get(f"/questions/{question.id}"), f"/moderation/posts/question/{question.id}/restore")
    assert client.post(restore.action, data=restore.data()).status_code == 303  # the note is optional
    assert _log() == [("restore", "question", question.id, "")]
    confirm = follow_link(client, client.get(f"/questions/{question.id}"), f"action=hide&target=question:{question.id}")
    submit(client, confirm, f"/moderation/posts/question/{question.id}/hide", note="確認します")
    restore = form(client.get(f"/questions/{question.id}"), f"/moderation/posts/question/{question.id}/restore")
    client.post(restore.action, data=restore.data(note="問題ありませんでした"))
    assert _log()[-1] == ("restore", "question", question.id, "問題ありませんでした")


def test_the_confirmation_page_refuses_what_it_cannot_confirm(client, auth):
    question = make_question(make_user("alice"))
    make_user("mod", role="moderator")
    make_user("boss", role="admin")
    auth.login("mod")
    for query in ("action=delete&target=question:1", "action=hide&target=user:alice", "action=hide&target=answer:99999",
                  "action=close&target=question:abc", "action=hide&target=", "action=suspend&target=user:nobody"):
        assert client.get(f"/moderation/confirm?{query}").status_code == 404, query
    assert client.get("/moderation/confirm?action=suspend&target=user:boss").status_code == 403
    assert client.get("/moderation/confirm?action=suspend&target=user:mod").status_code == 403
    page = client.get(f"/moderation/confirm?action=close&target=question:{question.id}&next=https://evil.example/")
    assert 'href="https://evil' not in text(page) and 'value="https://evil' not in text(page)  # local places only


def test_the_moderator_panel_is_folded_and_members_never_see_it(client, auth):
    question = make_question(make_user("alice"))
    make_user("mod", role="moderator")
    make_user("bob")
    auth.login("mod")
    page = text(client.get(f"/questions/{question.id}"))
    panel = page[page.index('<details class="mod-box">'):]
    assert panel.index("<summary") < panel.index("モデレーター操作") < panel.index("</summary>")
    assert '<details class="mod-box" open' not in page
    auth.logout()
    auth.login("bob")
    assert "mod-box" not in text(client.get(f"/questions/{question.id}"))


def test_the_header_counts_open_reports_for_moderators_only(client, auth):
    question = make_question(make_user("alice"))
    answer = make_answer(question, make_user("bob"))
    make_user("carol"), make_user("mod", role="moderator")
    for target_type, target_id in (("question", question.id), ("answer", answer.id)):
        db.session.add(Report(reporter_id=1, target_type=target_type, target_id=target_id, reason="spam"))
    db.session.add(Report(reporter_id=1, target_type="answer", target_id=answer.id, reason="spam", status="closed"))
    db.session.commit()
    auth.login("mod")
    assert 'data-open-reports="2"' in text(client.get("/"))
    auth.logout()
    auth.login("carol")
    assert "data-open-reports" not in text(client.get("/"))
    auth.logout()
    assert "data-open-reports" not in text(client.get("/"))


def test_a_suspended_member_sees_no_ask_or_answer_buttons_and_how_to_appeal(client, auth):
    question = make_question(make_user("alice"))
    bob = make_user("bob")
    make_user("mod", role="moderator")
    auth.login("mod")
    confirm = client.get("/moderation/confirm?action=suspend&target=user:bob")
    submit(client, confirm, "/moderation/users/bob/suspend", days="7", reason="宣伝の繰り返し")
    assert _log() == [("suspend", "user", bob.id, "7日間：宣伝の繰り返し")]
    auth.logout()
    auth.login("bob")
    page = client.get(f"/questions/{question.id}")
    shown = visible_text(page)
    assert 'href="/questions/new"' not in text(page)
    assert not [f for f in forms(page) if f.action.endswith("/answers")]
    assert "利用停止中です" in shown and "理由：宣伝の繰り返し" in shown
    until = (utcnow() + timedelta(days=7)).astimezone().strftime("%Y/%m/%d")
    assert until[:8] in shown  # the date it ends (year and month at least, whatever the zone)
    assert 'href="/contact"' in text(page).split('role="alert"')[1]
    assert client.get("/contact").status_code == 200  # the way to appeal stays open


def test_a_members_report_and_moderation_history_is_shown_to_moderators(client, auth):
    alice, bob = make_user("alice"), make_user("bob")
    question = make_question(alice)
    answer = make_answer(question, bob, "外で取引しましょう")
    db.session.add(Report(reporter_id=alice.id, target_type="answer", target_id=answer.id, reason="contact_exchange",
                          detail="外部取引の誘いです"))
    db.session.commit()
    make_user("mod", role="moderator")
    auth.login("mod")
    confirm = client.get(f"/moderation/confirm?action=hide&target=answer:{answer.id}")
    submit(client, confirm, f"/moderation/posts/answer/{answer.id}/hide", note="外部取引の誘い")

    bob_page = visible_text(client.get("/users/bob"))
    assert "通報とモデレーションの履歴" in bob_page
    assert "非表示" in bob_page and "外部取引の誘い" in bob_page
    assert f"回答 #{answer.id}" in bob_page and "非表示にした" in bob_page  # the report on bob's answer, handled
    alice_page = visible_text(client.get("/users/alice"))
    assert "このメンバーがした通報" in alice_page and "外部取引の誘いです" in alice_page

    for who in (None, "alice"):
        auth.logout()
        if who:
            auth.login(who)
        assert "通報とモデレーションの履歴" not in text(client.get("/users/bob"))


def test_the_author_is_notified_of_a_close_with_reason_and_note(client, auth):
    alice = make_user("alice")
    question = make_question(alice)
    make_user("mod", role="moderator")
    auth.login("mod")
    client.post(f"/questions/{question.id}/close", data={"reason": "spam", "note": "宣伝のため"})
    notification = db.session.scalar(sa.select(Notification).where(Notification.recipient_id == alice.id))
    assert (notification.kind, notification.reason, notification.note) == ("closed", "spam", "宣伝のため")
