"""Suspended members read but cannot post (and see until when and why); the 先輩 badge."""
import sqlalchemy as sa

from forum.extensions import db
from forum.models import Answer, AuditLog, ContactMessage, Question, Report, User
from tests.factories import make_answer, make_question, make_user
from tests.functional.html import follow_link, form, text, visible_text
from tests.trust.helpers import suspend


def _count(model):
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_suspension_blocks_posting_with_the_date_and_reason(client, auth):
    alice = make_user("alice")
    q = make_question(alice)
    troll = make_user("troll")
    own_q = make_question(troll, title="自分の質問をここに")
    own_a = make_answer(q, troll, "以前の回答です")
    suspend(troll, "連絡先の交換を繰り返したため")
    auth.login("troll")

    attempts = {
        "ask page": client.get("/questions/new"),
        "ask": client.post("/questions/new", data={"category": "urgent", "asker_type": "lancer",
                                                   "title": "停止中の質問です", "body": "停止中でも投稿できますか？"}),
        "answer": client.post(f"/questions/{q.id}/answers", data={"body": "停止中の回答"}),
        "report": client.post("/reports", data={"target_type": "question", "target_id": q.id, "reason": "spam"}),
        "edit question": client.post(f"/questions/{own_q.id}/edit", data={
            "category": "urgent", "asker_type": "lancer", "title": "書き換えたタイトル", "body": "書き換えた本文です。"}),
        "edit answer": client.post(f"/answers/{own_a.id}/edit", data={"body": "書き換えた回答"}),
        "profile": client.post("/users/troll/edit", data={"bio": "書き換え"}),
    }
    for name, response in attempts.items():
        page = visible_text(response)
        assert response.status_code == 403, name
        assert "利用停止中のため投稿できません" in page and "連絡先の交換を繰り返したため" in page, name
        assert "まで" in page, name
    assert _count(Question) == 2 and _count(Answer) == 1 and _count(Report) == 0
    assert db.session.get(Question, own_q.id).title == "自分の質問をここに"

    # Reading still works, with the banner; お問い合わせ stays open for an appeal.
    thread = visible_text(client.get(f"/questions/{q.id}"))
    assert "利用停止中です" in thread and "連絡先の交換を繰り返したため" in thread
    response = client.post("/contact", data={"kind": "support", "subject": "利用停止について",
                                             "body": "理由を確認させてください", "email": "troll@example.com"})
    assert response.status_code == 303 and _count(ContactMessage) == 1


def test_moderator_suspends_and_lifts_from_the_profile(client, auth):
    make_user("bob")
    make_user("mod", role="moderator")
    auth.login("mod")
    profile = client.get("/users/bob")
    assert "/moderation/users/bob/suspend" not in text(profile)  # a link to the confirmation step instead
    confirm = follow_link(client, profile, "action=suspend&target=user:bob")
    assert "bobさんを利用停止にします" in visible_text(confirm)
    suspend_form = form(confirm, "/moderation/users/bob/suspend")
    client.post(suspend_form.action, data=suspend_form.data(days="1", reason="様子見"))
    bob = db.session.scalar(sa.select(User).where(User.username == "bob"))
    assert bob.is_suspended()
    assert "利用停止中" in visible_text(client.get("/users/bob"))
    lift = form(client.get("/users/bob"), "/moderation/users/bob/unsuspend")
    client.post(lift.action, data=lift.data(note="反省の連絡がありました"))
    assert not db.session.get(User, bob.id).is_suspended()
    actions = db.session.scalars(sa.select(AuditLog.action).order_by(AuditLog.id)).all()
    assert actions == ["suspend", "unsuspend"]


def test_nobody_suspends_an_admin_or_themself(client, auth):
    make_user("boss", role="admin")
    make_user("mod", role="moderator")
    auth.login("mod")
    assert client.post("/moderation/users/boss/suspend", data={"days": "7", "reason": "x"}).status_code == 403
    assert client.post("/moderation/users/mod/suspend", data={"days": "7", "reason": "x"}).status_code == 403
    assert "action=suspend" not in text(client.get("/users/boss"))
    assert client.get("/moderation/confirm?action=suspend&target=user:boss").status_code == 403


def test_badge_is_granted_at_the_nth_best_answer(client, auth):
    n = client.application.config["VETERAN_BEST_ANSWERS"]
    hanako = make_user("hanako")
    askers = [make_user(f"asker{i}") for i in range(n)]
    threads = [(make_question(a, title=f"質問その{i}について"), a) for i, a in enumerate(askers)]
    answers = [make_answer(q, hanako, f"回答その{i}") for i, (q, _) in enumerate(threads)]
    for i, ((q, asker), answer) in enumerate(zip(threads, answers, strict=False), start=1):
        auth.logout()
        auth.login(asker.username)
        client.post(f"/questions/{q.id}/resolve", data={"best_answer_id": answer.id})
        assert db.session.get(User, hanako.id).is_veteran is (i == n), i
    thread = text(client.get(f"/questions/{threads[0][0].id}"))
    assert 'class="badge veteran"' in thread
    profile = visible_text(client.get("/users/hanako"))
    assert "先輩" in profile and f"ベストアンサー {n}" in profile


def test_moderator_grants_and_revokes_the_badge_by_hand(client, auth):
    make_user("taro")
    make_user("mod", role="moderator")
    auth.login("mod")
    grant = form(client.get("/users/taro"), "/moderation/users/taro/veteran/grant")
    client.post(grant.action, data=grant.data())
    taro = db.session.scalar(sa.select(User).where(User.username == "taro"))
    assert taro.is_veteran
    revoke = form(client.get("/users/taro"), "/moderation/users/taro/veteran/revoke")
    client.post(revoke.action, data=revoke.data())
    assert not db.session.get(User, taro.id).is_veteran
    log = [(e.action, e.target_id) for e in db.session.scalars(sa.select(AuditLog).order_by(AuditLog.id))]
    assert log == [("grant_veteran", taro.id), ("revoke_veteran", taro.id)]
    assert client.post("/moderation/users/taro/veteran/revoke", data={}).status_code == 409
    dashboard = visible_text(client.get("/moderation"))
    assert "先輩バッジ付与" in dashboard and "先輩バッジ取消" in dashboard


def test_a_badge_taken_away_by_hand_is_not_granted_again_by_the_rule(client, auth):
    n = client.application.config["VETERAN_BEST_ANSWERS"]
    hanako = make_user("hanako")
    make_user("mod", role="moderator")
    askers = [make_user(f"asker{i}") for i in range(n + 1)]
    threads = [(make_question(a, title=f"質問その{i}について"), a) for i, a in enumerate(askers)]
    answers = [make_answer(q, hanako, f"回答その{i}") for i, (q, _) in enumerate(threads)]

    def choose_best(i):
        (question, asker), answer = threads[i], answers[i]
        auth.logout()
        auth.login(asker.username)
        client.post(f"/questions/{question.id}/resolve", data={"best_answer_id": answer.id})

    def moderator(change):
        auth.logout()
        auth.login("mod")
        client.post(f"/moderation/users/hanako/veteran/{change}", data={"note": "確認のため"})

    for i in range(n):
        choose_best(i)
    assert db.session.get(User, hanako.id).is_veteran
    moderator("revoke")
    choose_best(n)  # one more best answer than the rule asks for
    assert not db.session.get(User, hanako.id).is_veteran
    moderator("grant")
    assert db.session.get(User, hanako.id).is_veteran
