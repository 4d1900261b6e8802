"""The operators' insight on a small forum whose answers are known: figures, period bounds, CSV,
permissions, and the usage counters behind the help funnel (cache hits included)."""
import csv
import io
import json
import uuid
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

from forum import create_app
from forum.extensions import db
from forum.models import Answer, AuditLog, ContactMessage, Question, Report, UTCDateTime
from forum.models.operators import DailyCounter
from forum.moderation import insights
from forum.moderation import services as moderation
from forum.questions import services as questions
from forum.usage import today
from tests.conftest import BASE_CONFIG, TEST_PASS, create_pg_database, drop_pg_database, postgres_server_url
from tests.factories import make_user

TOKYO = ZoneInfo("Asia/Tokyo")
PERIOD = "from=2025-03-03&to=2025-03-16"


def at(day: int, hour: int = 12, minute: int = 0, month: int = 3) -> datetime:
    return datetime(2025, month, day, hour, minute, tzinfo=TOKYO)


def _q(author, category, created, status="open", hidden=False):
    q = Question(author=author, category=category, title=f"質問 {created:%m%d%H%M}", body="本文です。",
                 status=status, created_at=created, is_hidden=hidden)
    db.session.add(q)
    db.session.flush()
    return q


def _a(question, author, minutes_after, hidden=False):
    a = Answer(question=question, author=author, body="回答です。", is_hidden=hidden,
               created_at=question.created_at + timedelta(minutes=minutes_after))
    db.session.add(a)
    db.session.flush()
    return a


@pytest.fixture
def forum(app):
    """Seven threads around a two-week period (3 to 16 March 2025, Tokyo), with known answers."""
    mod = make_user("mod", role="moderator")
    asker, asker2 = make_user("asker"), make_user("asker2")
    vet, m1, m2, m3 = make_user("vet", veteran=True), make_user("m1"), make_user("m2"), make_user("m3")
    # Before the period (one minute before it opens): m1's first answer ever is here.
    before = _q(asker, "want_to_know", at(2, 23, 59))
    _a(before, m1, 0.5)
    q1 = _q(asker, "want_to_know", at(3, 0, 0), status="resolved")  # the first minute of the period
    _a(q1, m1, 30)
    q1.best_answer_id = _a(q1, vet, 120).id
    q2 = _q(asker2, "want_to_know", at(5, 9), status="resolved")  # 自己解決: no best answer
    _a(q2, m2, 60)
    q3 = _q(asker, "urgent", at(10, 12))  # waiting, no answer at all
    q8 = _q(asker2, "urgent", at(11, 8), status="closed")
    _a(q8, asker2, 5)  # the asker's own reply is not an answer to them
    _a(q8, m3, 7, hidden=True)  # hidden: not counted anywhere
    _q(asker, "want_to_know", at(12), hidden=True)  # hidden thread: not counted
    q4 = _q(asker, "in_trouble", at(16, 23, 59))  # the last minute of the period
    _a(q4, vet, 10)
    after = _q(asker, "in_trouble", at(17, 0, 0))  # the first minute after
    _a(after, m2, 1)
    handled = Report(reporter_id=m1.id, target_type="question", target_id=q8.id, reason="spam",
                     created_at=at(11, 9), status="closed", handled_by_id=mod.id,
                     handled_at=at(11, 9, 30), resolution="hidden")
    db.session.add_all([
        handled,
        Report(reporter_id=m2.id, target_type="question", target_id=q3.id, reason="other", created_at=at(12)),
        Report(reporter_id=m2.id, target_type="question", target_id=q3.id, reason="other", created_at=at(20)),
        AuditLog(actor_id=mod.id, action="suspend", target_type="user", target_id=m3.id, created_at=at(11, 10)),
        AuditLog(actor_id=mod.id, action="suspend", target_type="user", target_id=m3.id, created_at=at(1)),
        DailyCounter(day=date(2025, 3, 3), kind="faq_view", count=5),
        DailyCounter(day=date(2025, 3, 16), kind="faq_view", count=2),
        DailyCounter(day=date(2025, 3, 17), kind="faq_view", count=100),
        DailyCounter(day=date(2025, 3, 10), kind="search_empty", count=3),
        ContactMessage(kind="bug", subject="件名", body="本文", created_at=at(4)),
        ContactMessage(kind="support", subject="件名", body="本文", created_at=at(14)),
        ContactMessage(kind="support", subject="件名", body="本文", created_at=at(15)),
        ContactMessage(kind="support", subject="件名", body="本文", created_at=at(18)),
    ])
    db.session.commit()
    return {"q3": q3.id}


def test_figures_of_a_known_forum(forum):
    data = insights.compute(date(2025, 3, 3), date(2025, 3, 16))
    want, urgent, trouble, total = (data.figures[k] for k in ("want_to_know", "urgent", "in_trouble", "total"))
    assert (want.asked, want.answered, want.unanswered, want.resolved_best, want.resolved_self) == (2, 2, 0, 1, 1)
    assert (want.median_first, want.p90_first, want.median_veteran) == (45.0, 60.0, 120.0)
    assert want.resolve_rate == 1.0
    assert (urgent.asked, urgent.answered, urgent.unanswered, urgent.closed, urgent.median_first) == (2, 0, 2, 1, None)
    assert (trouble.asked, trouble.answered, trouble.median_first, trouble.median_veteran) == (1, 1, 10.0, 10.0)
    assert (total.asked, total.answered, total.unanswered, total.resolved, total.expired) == (5, 3, 2, 2, 0)
    assert (total.median_first, total.p90_first, total.median_veteran, total.p90_veteran) == (30.0, 60.0, 65.0, 120.0)
    assert [w.asked for w in data.weeks] == [2, 3]
    assert [w.resolved for w in data.weeks] == [2, 0]
    assert [q[0] for q in data.urgent_waiting] == [forum["q3"]] and data.urgent_waiting_count == 1
    assert (data.reports_received, data.reports_handled, data.median_handle_minutes) == (2, 1, 30.0)
    assert data.report_outcomes == {"hidden": 1, "open": 1}
    assert data.suspensions == 1
    # Answers written in the period: m1, vet (q1; q4's came after midnight), m2, the asker's own
    # reply; the top 10 % is one person.
    assert (data.answerers, data.answers, data.top_share) == (4, 4, 0.25)
    assert data.new_answerers == 3  # m1 answered before the period
    assert (data.faq_views, data.empty_searches) == (7, 3)
    assert data.contacts == {"bug": 1, "support": 2}
    assert [w.faq_views for w in data.weeks] == [5, 2] and [w.contacts for w in data.weeks] == [1, 2]


def test_a_one_day_period_holds_exactly_that_tokyo_day(forum):
    assert insights.compute(date(2025, 3, 16), date(2025, 3, 16)).total.asked == 1
    assert insights.compute(date(2025, 3, 17), date(2025, 3, 17)).total.asked == 1
    assert insights.compute(date(2025, 3, 2), date(2025, 3, 2)).total.asked == 1
    assert insights.compute(date(2025, 3, 3), date(2025, 3, 3)).total.asked == 1


def test_the_page_and_the_csv(client, auth, forum):
    auth.login("mod")
    page = client.get(f"/moderation/insights?{PERIOD}")
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    assert 'data-figure="total-asked">5<' in body and 'data-figure="want_to_know-resolve_rate">100%<' in body
    assert body.count("<svg") >= 2 and 'role="img"' in body and "<table" in body
    response = client.get(f"/moderation/insights.csv?{PERIOD}")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0] == ["category", "asked", "answered", "unanswered", "resolved", "expired",
                       "median_first_answer_minutes", "median_first_veteran_answer_minutes"]
    assert [r[0] for r in rows[1:]] == ["want_to_know", "urgent", "in_trouble", "total"]
    assert rows[1] == ["want_to_know", "2", "2", "0", "2", "0", "45.0", "120.0"]
    assert rows[2] == ["urgent", "2", "0", "2", "0", "0", "", ""]
    assert rows[4] == ["total", "5", "3", "2", "2", "0", "30.0", "65.0"]


@pytest.mark.parametrize("query", ["from=2025-03-10&to=2025-03-01", "from=2025-13-01", "from=2024-01-01&to=2025-03-01"])
def test_a_bad_period_is_refused(client, auth, app, query):
    make_user("mod", role="moderator")
    auth.login("mod")
    assert client.get(f"/moderation/insights?{query}").status_code == 400
    assert client.get(f"/moderation/insights.csv?{query}").status_code == 400


@pytest.mark.parametrize(("role", "expected"), [("guest", 302), ("member", 403), ("veteran", 403),
                                                ("moderator", 200), ("admin", 200)])
def test_who_may_see_the_figures(client, auth, app, role, expected):
    if role != "guest":
        make_user("someone", role=role if role in ("moderator", "admin") else "member", veteran=role == "veteran")
        auth.login("someone")
    for path in ("/moderation/insights", "/moderation/insights.csv"):
        assert client.get(path).status_code == expected


def _count(kind: str) -> int:
    return db.session.scalar(sa.select(DailyCounter.count).where(DailyCounter.day == today(),
                                                                  DailyCounter.kind == kind)) or 0


def test_faq_views_and_empty_searches_are_counted_cache_hits_included(client, app):
    first, second = client.get("/faq"), client.get("/faq")
    assert second.headers.get("X-Page-Cache") == "hit"
    assert first.status_code == second.status_code == 200
    assert _count("faq_view") == 2
    for _ in range(2):
        assert client.get("/search?q=存在しない言葉ですね").status_code == 200
    client.get("/search?q=")  # an empty query is not a search
    assert _count("search_empty") == 2


# --- the stored first-answer times (questions.first_answer_at, first_veteran_answer_at) ---------

def _stored(question_id: int) -> tuple:
    """The thread's two stored first-answer times; the stored minutes must agree with them."""
    db.session.expire_all()
    q = db.session.get(Question, question_id)
    for moment, minutes in ((q.first_answer_at, q.first_answer_minutes),
                            (q.first_veteran_answer_at, q.first_veteran_answer_minutes)):
        assert minutes == (None if moment is None else round((moment - q.created_at).total_seconds() / 60, 2))
    return q.first_answer_at, q.first_veteran_answer_at


def test_stored_first_answer_times_follow_every_answer_and_badge_event(app):
    mod = make_user("mod", role="moderator")
    asker, m1, m2, m3, vet = (make_user(n) for n in ("asker", "m1", "m2", "m3", "vet"))
    moderation.set_veteran(mod, vet, True)
    q = _q(asker, "want_to_know", at(3))
    qid, t = q.id, q.created_at
    db.session.commit()
    assert _stored(qid) == (None, None)
    _a(q, asker, 1)
    db.session.commit()
    assert _stored(qid) == (None, None)  # the asker's own reply is no answer to them
    a_m1 = _a(q, m1, 10)
    db.session.commit()
    assert _stored(qid) == (t + timedelta(minutes=10), None)
    a_vet = _a(q, vet, 20)
    db.session.commit()
    assert _stored(qid) == (t + timedelta(minutes=10), t + timedelta(minutes=20))
    a_m2 = _a(q, m2, 5)  # an earlier answer arriving late (as an import can bring)
    db.session.commit()
    assert _stored(qid)[0] == t + timedelta(minutes=5)
    moderation.hide_post(mod, "answer", a_m2, "連絡先の交換")
    assert _stored(qid) == (t + timedelta(minutes=10), t + timedelta(minutes=20))
    moderation.hide_post(mod, "answer", a_vet, "規約違反")
    assert _stored(qid) == (t + timedelta(minutes=10), None)
    moderation.restore_post(mod, "answer", a_vet)
    assert _stored(qid) == (t + timedelta(minutes=10), t + timedelta(minutes=20))
    db.session.delete(a_m1)
    db.session.commit()
    assert _stored(qid) == (t + timedelta(minutes=20), t + timedelta(minutes=20))
    moderation.set_veteran(mod, vet, False, note="取り消し")  # the badge now, not when they answered
    assert _stored(qid) == (t + timedelta(minutes=20), None)
    moderation.set_veteran(mod, m2, True)  # m2's answer is hidden: it does not count
    assert _stored(qid) == (t + timedelta(minutes=20), None)
    moderation.restore_post(mod, "answer", a_m2)
    assert _stored(qid) == (t + timedelta(minutes=5), t + timedelta(minutes=5))
    # Held by the contact guard: hidden until a moderator publishes it.
    held = Answer(question_id=qid, author=m3, body="回答です。", is_hidden=True, is_held=True,
                  created_at=t + timedelta(minutes=1))
    db.session.add(held)
    db.session.commit()
    assert _stored(qid) == (t + timedelta(minutes=5), t + timedelta(minutes=5))
    moderation.publish_held(mod, "answer", held)
    assert _stored(qid) == (t + timedelta(minutes=1), t + timedelta(minutes=5))
    # m3 earns the badge by the rule (best answers chosen through the service): re-dated too.
    for i in range(app.config["VETERAN_BEST_ANSWERS"]):
        other = questions.ask_question(asker, category="want_to_know", title=f"別の質問その{i}です",
                                       body="教えてください。", tags=[])
        answer = questions.post_answer(m3, other, "こうするとよいです。")
        assert _stored(other.id)[0] == answer.created_at  # posted through the service
        questions.resolve_question(asker, other, answer.id)
    assert db.session.get(type(m3), m3.id).is_veteran
    assert _stored(qid) == (t + timedelta(minutes=1), t + timedelta(minutes=1))
    # The insight reads the stored times.
    figures = insights.compute(date(2025, 3, 3), date(2025, 3, 3)).figures["want_to_know"]
    assert (figures.asked, figures.answered, figures.median_first, figures.median_veteran) == (1, 1, 1.0, 1.0)


def _thread_line(external_id: str, author: str, answers: list[tuple[str, int]], best: int | None = None) -> str:
    created = datetime(2025, 3, 3, 9, 0, tzinfo=TOKYO)
    return json.dumps({
        "external_id": external_id, "category": "urgent", "title": f"インポートした質問 {external_id}",
        "body": "教えてください。", "author": author, "created_at": created.isoformat(),
        "status": "resolved" if best is not None else "open",
        "answers": [{"author": name, "body": "こうします。", "best": i == best,
                     "created_at": (created + timedelta(minutes=minutes)).isoformat()}
                    for i, (name, minutes) in enumerate(answers)],
    }, ensure_ascii=False)


def test_import_stores_first_answer_times_with_the_badges_it_grants(app, runner, tmp_path):
    make_user("oldvet", veteran=True)
    n = app.config["VETERAN_BEST_ANSWERS"]
    lines = [_thread_line("own", "asker", [("asker", 2), ("newbie", 30)]),
             _thread_line("old", "asker", [("newbie", 40), ("oldvet", 50)]),
             _thread_line("late", "asker", [("rising", 25), ("newbie", 15)])]  # rising: not best here
    lines += [_thread_line(f"best-{i}", "asker", [("rising", 60)], best=0) for i in range(n)]
    data = tmp_path / "threads.jsonl"
    data.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert runner.invoke(args=["forum", "import", str(data)]).exit_code == 0
    t = datetime(2025, 3, 3, 9, 0, tzinfo=TOKYO)
    ids = dict(db.session.execute(sa.select(Question.external_id, Question.id)).all())
    assert _stored(ids["own"]) == (t + timedelta(minutes=30), None)
    assert _stored(ids["old"]) == (t + timedelta(minutes=40), t + timedelta(minutes=50))
    # rising became 先輩 by the import's best answers: their answers count as a veteran's.
    assert _stored(ids["late"]) == (t + timedelta(minutes=15), t + timedelta(minutes=25))
    assert _stored(ids["best-0"]) == (t + timedelta(minutes=60), t + timedelta(minutes=60))
    # Dating the answers is bookkeeping: a thread's last activity stays its last answer.
    assert db.session.get(Question, ids["late"]).updated_at == t + timedelta(minutes=25)


def test_the_migration_fills_the_times_of_existing_threads(tmp_path):
    """A forum upgraded from 0007 gets each thread's first answer times (and the insight's index)."""
    if TEST_PASS == "postgresql":
        server, name = postgres_server_url(), f"sodan_first_{uuid.uuid4().hex[:10]}"
        url = create_pg_database(server, name)
    else:
        url = f"sqlite:///{tmp_path / 'old.db'}"
    try:
        app = create_app({**BASE_CONFIG, "SQLALCHEMY_DATABASE_URI": url})
        with app.app_context():
            upgrade(revision="0007_synonyms")
            t = at(3)
            users = sa.table("users", sa.column("id"), sa.column("username"), sa.column("role"),
                             sa.column("is_veteran"), sa.column("bio"), sa.column("created_at", UTCDateTime))
            qs = sa.table("questions", *(sa.column(c) for c in ("id", "author_id", "category", "title", "body",
                                                                 "answer_count")),
                          sa.column("created_at", UTCDateTime), sa.column("updated_at", UTCDateTime))
            answers = sa.table("answers", *(sa.column(c) for c in ("question_id", "author_id", "body", "is_hidden")),
                               sa.column("created_at", UTCDateTime), sa.column("updated_at", UTCDateTime))
            with db.engine.begin() as conn:
                conn.execute(sa.insert(users), [
                    {"id": i, "username": name, "role": "member", "is_veteran": name == "vet", "bio": "",
                     "created_at": t} for i, name in ((1, "asker"), (2, "m1"), (3, "vet"))])
                conn.execute(sa.insert(qs), [
                    {"id": i, "author_id": 1, "category": "want_to_know", "title": "題名です", "body": "本文です",
                     "answer_count": count, "created_at": t, "updated_at": t} for i, count in ((1, 3), (2, 0))])
                conn.execute(sa.insert(answers), [
                    {"question_id": 1, "author_id": author, "body": "回答", "is_hidden": hidden,
                     "created_at": t + timedelta(minutes=m), "updated_at": t}
                    for author, m, hidden in ((1, 1, False), (2, 2, True), (2, 5, False), (3, 9, False))])
            upgrade()
            assert _stored(1) == (t + timedelta(minutes=5), t + timedelta(minutes=9))
            assert _stored(2) == (None, None)
            assert "ix_questions_insight" in {i["name"] for i in sa.inspect(db.engine).get_indexes("questions")}
            db.session.remove()
            db.engine.dispose()
    finally:
        if TEST_PASS == "postgresql":
            drop_pg_database(server, name)
