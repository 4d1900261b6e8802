"""The 先輩 badge rule holds however the best answers arrived: import, the demo, a copy."""
import json

import sqlalchemy as sa

from forum.audit import log_action
from forum.badges import best_answer_count
from forum.extensions import db
from forum.models import User
from tests.factories import make_user


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


def test_the_demo_data_shows_its_best_answerers_as_veterans(app, runner, client):
    assert runner.invoke(args=["forum", "demo"]).exit_code == 0
    for user in db.session.scalars(sa.select(User)):
        assert user.is_veteran == (best_answer_count(user) >= app.config["VETERAN_BEST_ANSWERS"]), user.username
    veteran = db.session.scalars(sa.select(User).where(User.is_veteran)).first()
    assert veteran is not None
    page = client.get(f"/users/{veteran.username}").get_data(as_text=True)
    assert "先輩" in page


def test_flask_forum_badges_applies_the_rule_after_a_copy(app, runner):
    user = make_user("copied")
    # As a raw copy leaves it: best answers present, the badge not set.
    db.session.execute(sa.update(User).where(User.id == user.id).values(is_veteran=False))
    db.session.commit()
    result = runner.invoke(args=["forum", "badges"])
    assert result.exit_code == 0 and "granted 0" in result.output
