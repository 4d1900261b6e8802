"""The operators' insight: what happened to the threads asked in a period, per category and in total.

Every figure comes from a fixed number of statements (seven), whatever the period or the
forum's size; one join finds each thread's first answers, and the figures are added up in
one pass over the period's threads. Definitions:
- a thread counts in the period it was asked in (Tokyo calendar days, both ends included),
  hidden threads left out; its outcome is its state now;
- answered: at least one visible answer by someone other than the asker;
- resolved: 解決済み with a best answer, or 自己解決 (resolved without one); expired: 回答受付終了;
- time to first answer: asked → the first such answer; "by a veteran": the first one whose
  author holds the 先輩 badge now; median (mean of the middle two) and 90th percentile (nearest rank);
- concentration: the share of the period's visible answers written by the top 10 % of that
  period's answerers (at least one person); new answerers: whose first answer ever is in the period.
"""
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import current_app

from ..extensions import db
from ..models import CATEGORIES, Answer, AuditLog, ContactMessage, Question, Report, User
from ..models.operators import DailyCounter

TOTAL = "total"
URGENT_LIMIT = 20


@dataclass
class Figures:
    """One row of the table: a category, or the total."""

    asked: int = 0
    answered: int = 0
    resolved_best: int = 0
    resolved_self: int = 0
    expired: int = 0
    closed: int = 0
    median_first: float | None = None
    p90_first: float | None = None
    median_veteran: float | None = None
    p90_veteran: float | None = None

    @property
    def unanswered(self) -> int:
        return self.asked - self.answered

    @property
    def resolved(self) -> int:
        return self.resolved_best + self.resolved_self

    @property
    def resolve_rate(self) -> float | None:
        return self.resolved / self.asked if self.asked else None


@dataclass
class Week:
    start: date
    asked: int = 0
    answered: int = 0
    resolved: int = 0
    faq_views: int = 0
    empty_searches: int = 0
    contacts: int = 0


@dataclass
class Insights:
    start: date
    end: date
    figures: dict[str, Figures]
    weeks: list[Week]
    urgent_waiting: list[tuple[int, str, datetime]]
    urgent_waiting_count: int
    reports_received: int = 0
    reports_handled: int = 0
    median_handle_minutes: float | None = None
    report_outcomes: dict[str, int] = field(default_factory=dict)
    suspensions: int = 0
    answerers: int = 0
    answers: int = 0
    top_share: float | None = None
    new_answerers: int = 0
    faq_views: int = 0
    empty_searches: int = 0
    contacts: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> Figures:
        return self.figures[TOTAL]


def zone() -> ZoneInfo:
    return ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])


def bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """[start 00:00, the day after end 00:00) in Tokyo time."""
    return datetime.combine(start, time(), zone()), datetime.combine(end + timedelta(days=1), time(), zone())


# --- engine-specific arithmetic on times -----------------------------------------------------

def _postgres() -> bool:
    return db.session.get_bind().dialect.name == "postgresql"


def _minutes(later, earlier):
    if _postgres():
        return sa.func.extract("epoch", later - earlier) / 60.0
    return (sa.func.julianday(later) - sa.func.julianday(earlier)) * 1440.0


def _week(column, since: datetime):
    """0 for the first seven days from `since`, 1 for the next seven..."""
    origin = sa.literal(since, Question.created_at.type)
    if _postgres():
        return sa.cast(sa.func.floor(sa.func.extract("epoch", column - origin) / 604800), sa.Integer)
    return sa.cast((sa.func.julianday(column) - sa.func.julianday(origin)) / 7, sa.Integer)


# --- the statements ----------------------------------------------------------------------------

def _per_thread(since: datetime, until: datetime) -> list:
    """One row per thread asked in the period: its category, week and state, and the minutes to
    its first answer and first veteran answer (one join of the period's threads and answers)."""
    answer, author = sa.orm.aliased(Answer), sa.orm.aliased(User)
    first = sa.func.min(answer.created_at)
    first_veteran = sa.func.min(sa.case((author.is_veteran.is_(True), answer.created_at)))
    return list(db.session.execute(
        sa.select(
            Question.category, _week(Question.created_at, since), Question.status,
            Question.best_answer_id.is_not(None),
            _minutes(first, Question.created_at), _minutes(first_veteran, Question.created_at),
        )
        .outerjoin(answer, sa.and_(answer.question_id == Question.id, answer.is_hidden.is_(False),
                                   answer.author_id != Question.author_id))
        .outerjoin(author, author.id == answer.author_id)
        .where(Question.created_at >= since, Question.created_at < until, Question.is_hidden.is_(False))
        .group_by(Question.id, Question.category, Question.created_at, Question.status, Question.best_answer_id)
    ).all())


def _median(values: list[float]) -> float | None:
    """The middle value (the mean of the middle two); values sorted."""
    n = len(values)
    return (values[(n - 1) // 2] + values[n // 2]) / 2 if n else None


def _p90(values: list[float]) -> float | None:
    """The 90th percentile by nearest rank; values sorted."""
    return values[-(-9 * len(values) // 10) - 1] if values else None


def _threads(since: datetime, until: datetime, figures: dict[str, Figures], weeks: list[Week]) -> None:
    """Counts, weekly series and both waits' percentiles from one statement."""
    waits: dict[str, tuple[list[float], list[float]]] = {key: ([], []) for key in figures}
    for category, week, status, has_best, first, veteran in _per_thread(since, until):
        resolved = status == "resolved"
        for key in (category, TOTAL):
            f = figures.setdefault(key, Figures())
            f.asked += 1
            f.answered += first is not None
            f.resolved_best += resolved and bool(has_best)
            f.resolved_self += resolved and not has_best
            f.expired += status == "expired"
            f.closed += status == "closed"
            # SQLite's julianday arithmetic is a float: 59.9999998 minutes is 60.
            if first is not None:
                waits.setdefault(key, ([], []))[0].append(round(float(first), 2))
            if veteran is not None:
                waits.setdefault(key, ([], []))[1].append(round(float(veteran), 2))
        if 0 <= week < len(weeks):
            weeks[week].asked += 1
            weeks[week].answered += first is not None
            weeks[week].resolved += resolved
    for key, (firsts, veterans) in waits.items():
        firsts.sort()
        veterans.sort()
        f = figures[key]
        f.median_first, f.p90_first = _median(firsts), _p90(firsts)
        f.median_veteran, f.p90_veteran = _median(veterans), _p90(veterans)


def _urgent_waiting() -> tuple[list[tuple[int, str, datetime]], int]:
    """急募 threads open right now with no visible answer from anyone but the asker, longest first."""
    answered = sa.select(Answer.id).where(Answer.question_id == Question.id, Answer.is_hidden.is_(False),
                                          Answer.author_id != Question.author_id).exists()
    rows = db.session.execute(
        sa.select(Question.id, Question.title, Question.created_at, sa.func.count().over())
        .where(Question.status == "open", Question.is_hidden.is_(False), Question.category == "urgent", ~answered)
        .order_by(Question.created_at, Question.id).limit(URGENT_LIMIT)
    ).all()
    return [(r[0], r[1], r[2]) for r in rows], (rows[0][3] if rows else 0)


def _reports(since: datetime, until: datetime, insights: Insights) -> None:
    rows = db.session.execute(
        sa.select(Report.status, Report.resolution, _minutes(Report.handled_at, Report.created_at))
        .where(Report.created_at >= since, Report.created_at < until)
    ).all()
    waits = sorted(round(float(m), 2) for status, _, m in rows if status == "closed" and m is not None)
    insights.reports_received = len(rows)
    insights.reports_handled = len(waits)
    insights.report_outcomes = dict(Counter(r[1] or "open" if r[0] == "closed" else "open" for r in rows))
    insights.median_handle_minutes = _median(waits)
    insights.suspensions = db.session.scalar(
        sa.select(sa.func.count()).select_from(AuditLog)
        .where(AuditLog.action == "suspend", AuditLog.created_at >= since, AuditLog.created_at < until)
    ) or 0


def _answerers(since: datetime, until: datetime, insights: Insights) -> None:
    """Answers per answerer in the period and each one's first answer ever: one pass over the
    covering (author, created_at, is_hidden) index, in author order (no sort, no table reads)."""
    in_period = sa.and_(Answer.created_at >= since, Answer.created_at < until, Answer.is_hidden.is_(False))
    written = sa.func.sum(sa.case((in_period, 1), else_=0))
    rows = db.session.execute(
        sa.select(written, sa.func.min(Answer.created_at)).group_by(Answer.author_id).having(written > 0)
    ).all()
    counts = sorted((n for n, _ in rows), reverse=True)
    insights.answerers, insights.answers = len(counts), sum(counts)
    if counts:
        top = max(1, -(-len(counts) // 10))
        insights.top_share = sum(counts[:top]) / insights.answers
    insights.new_answerers = sum(1 for _, first in rows if first is not None and first >= since)


def _help(since: datetime, until: datetime, insights: Insights) -> None:
    start = insights.start
    rows = db.session.execute(
        sa.select(DailyCounter.day, DailyCounter.kind, DailyCounter.count)
        .where(DailyCounter.day >= start, DailyCounter.day <= insights.end)
    ).all()
    for day, kind, count in rows:
        week = insights.weeks[(day - start).days // 7]
        if kind == "faq_view":
            insights.faq_views += count
            week.faq_views += count
        elif kind == "search_empty":
            insights.empty_searches += count
            week.empty_searches += count
    messages = (
        sa.select(ContactMessage.kind, _week(ContactMessage.created_at, since).label("week"))
        .where(ContactMessage.created_at >= since, ContactMessage.created_at < until)
        .subquery()
    )
    contacts = db.session.execute(
        sa.select(messages.c.kind, messages.c.week, sa.func.count()).group_by(messages.c.kind, messages.c.week)
    ).all()
    for kind, week, count in contacts:
        insights.contacts[kind] = insights.contacts.get(kind, 0) + count
        if 0 <= week < len(insights.weeks):
            insights.weeks[week].contacts += count


def compute(start: date, end: date) -> Insights:
    """Every figure of the insight page for the Tokyo days start..end (both included)."""
    since, until = bounds(start, end)
    weeks = [Week(start + timedelta(days=7 * i)) for i in range((end - start).days // 7 + 1)]
    figures: dict[str, Figures] = {key: Figures() for key in (*CATEGORIES, TOTAL)}
    _threads(since, until, figures, weeks)
    urgent, urgent_count = _urgent_waiting()
    insights = Insights(start, end, figures, weeks, urgent, urgent_count)
    _reports(since, until, insights)
    _answerers(since, until, insights)
    _help(since, until, insights)
    return insights


CSV_COLUMNS = ("category", "asked", "answered", "unanswered", "resolved", "expired",
               "median_first_answer_minutes", "median_first_veteran_answer_minutes")


def csv_rows(insights: Insights) -> list[list[str]]:
    """The CSV: a header, one row per category, a total row."""

    def minutes(value: float | None) -> str:
        return "" if value is None else f"{value:.1f}"

    rows = [list(CSV_COLUMNS)]
    for key in (*CATEGORIES, TOTAL):
        f = insights.figures[key]
        rows.append([key, str(f.asked), str(f.answered), str(f.unanswered), str(f.resolved), str(f.expired),
                     minutes(f.median_first), minutes(f.median_veteran)])
    return rows
