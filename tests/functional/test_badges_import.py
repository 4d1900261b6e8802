"""The 先輩 badge rule holds however the best answers arrived: import, the demo, a copy."""
import json
import re

import sqlalchemy as sa

from forum.audit import log_action
from forum.badges import best_answer_count
from forum.extensions import db
from forum.models import Answer, Question, User
from tests.factories import make_user, resolved_thread


def _thread(i: int, answerer: str, best: bool = True) -> str:
    return json.dumps({
        "external_id": f"badge-{i}", "category": "want_to_know", "title": f"質問 {i} について",
        "body": "教えてください。", "author": "asker", "created_at": "2025-01-05T10:00:00+09:00",
        "status": "resolved" if best else "open",
        "answers": [{"author": answerer, "body": "こうします。", "created_at": "2025-01-05T11:00:00+09:00",
                     "best": best}],
    }, ensure_ascii=False)


def test_import_grants_the_badge_to_members_with_enough_best_answers(app, runner, tmp_path):
    revoked = make_user("revoked")
    log_action(make_user("mod", role="moderator"), "revoke_veteran", "user", revoked.id)
    db.session.commit()
    lines = [_thread(i, "many") for i in range(3)] + [_thread(10 + i, "few") for i in range(2)]
    lines += [_thread(20 + i, "revoked") for i in range(4)] + [_thread(30 + i, "open", best=False) for i in range(5)]
    data = tmp_path / "threads.jsonl"
    data.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert runner.invoke(args=["forum", "import", str(data)]).exit_code == 0
    veterans = set(db.session.scalars(sa.select(User.username).where(User.is_veteran)))
    assert veterans == {"many"}  # 3 best answers (VETERAN_BEST_ANSWERS); a hand revoke stays


def test_import_counts_best_answers_already_in_the_forum_and_stays_right_when_run_again(app, runner, tmp_path):
    asker, member = make_user("asker"), make_user("halfway")
    for i in range(app.config["VETERAN_BEST_ANSWERS"] - 1):  # one short, written past the rule
        resolved_thread(asker, member, f"以前の質問その{i}です", "教えてください。", "こうします。")
    assert not member.is_veteran
    member_id = member.id
    data = tmp_path / "threads.jsonl"
    data.write_text(_thread(1, "halfway") + "\n", encoding="utf-8")
    for _ in range(2):  # the second run imports nothing and changes nothing
        assert runner.invoke(args=["forum", "import", str(data)]).exit_code == 0
        db.session.expire_all()
        assert db.session.get(User, member_id).is_veteran


def test_the_demo_data_shows_its_best_answerers_as_veterans(app, runner, client):
    for _ in range(2):  # `flask forum demo` is safe to run again
        assert runner.invoke(args=["forum", "demo"]).exit_code == 0
    db.session.expire_all()
    users = list(db.session.scalars(sa.select(User)))
    for user in users:
        assert user.is_veteran == (best_answer_count(user) >= app.config["VETERAN_BEST_ANSWERS"]), user.username
    veteran = max(users, key=best_answer_count)
    assert veteran.is_veteran and best_answer_count(veteran) >= 7  # the 10 and 7 best answers
    page = client.get(f"/users/{veteran.username}").get_data(as_text=True)
    assert "先輩" in page
    # ... and beside their name on the thread where their answer was chosen best.
    question_id = db.session.scalar(sa.select(Question.id).join(Answer, Answer.id == Question.best_answer_id)
                                    .where(Answer.author_id == veteran.id).limit(1))
    thread = client.get(f"/questions/{question_id}").get_data(as_text=True)
    assert re.search(rf'>{re.escape(veteran.username)}</a> <span class="badge veteran"', thread)


def test_flask_forum_badges_applies_the_rule_to_data_that_arrived_past_it(app, runner):
    asker, member, revoked = make_user("asker"), make_user("copied"), make_user("revoked")
    for answerer in (member, revoked):
        for i in range(app.config["VETERAN_BEST_ANSWERS"]):
            resolved_thread(asker, answerer, f"{answerer.username}の質問その{i}", "教えてください。", "こうします。")
    log_action(make_user("mod", role="moderator"), "revoke_veteran", "user", revoked.id)
    db.session.commit()
    assert not member.is_veteran  # the factories write best answers past the rule, as a raw copy does
    result = runner.invoke(args=["forum", "badges"])
    assert result.exit_code == 0 and "granted 1" in result.output
    db.session.expire_all()
    assert db.session.get(User, member.id).is_veteran and not db.session.get(User, revoked.id).is_veteran
    assert "granted 0" in runner.invoke(args=["forum", "badges"]).output
