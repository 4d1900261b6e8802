"""The operators' insight on a small forum whose answers are known: figures, period bounds, CSV,
permissions, and the usage counters behind the help funnel (cache hits included)."""
import csv
import io
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from forum.extensions import db
from forum.models import Answer, AuditLog, ContactMessage, Question, Report
from forum.models.operators import DailyCounter
from forum.moderation import insights
from forum.usage import today
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
